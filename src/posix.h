/*
** posix.h -- the internal interface of the POSIX backend: what
** sync_posix.c asks of os_posix.c (objects under a directory of their
** own, named in errors as their caller names them), the one table of
** portable error codes, and the record of mappings that survives a
** truncating peer (fault_posix.c).  Linux only: O_TMPFILE and /proc.
*/
#ifndef WINSHM_POSIX_H
#define WINSHM_POSIX_H

#include <stddef.h>
#include "hidden.h"

WSHM_HIDE_BEGIN

#include "backend.h"

#if !defined(__linux__)
#error "winshm's POSIX backend needs Linux: O_TMPFILE, /proc/self/fd, /dev/shm"
#endif

/* The portable symbol ("ENOENT", "ELOOP", ...) of an errno value: the
** one table, for every POSIX backend file.  "EIO" for the rest. */
const char *wshm_posix_code (int en);

/*
** One shm object to open or create, and how to report on it.  'path' is
** "/dev/shm/NAME" or a file under a directory the caller checked (see
** wshm_posix_trustdir).  Failures have the kind 'kind' and name the
** object 'name' (the caller's own name for it); a NULL kind gives the
** region kinds (OpenMapping, CreateMapping, ...).
*/
typedef struct wshm_pobj {
  const char *path;
  const char *kind;
  const char *name;
  int own;              /* refuse an object another user owns or may write */
  /* prepares a new object, mapped, before it gets its name: 0 or errno */
  int (*init) (unsigned char *base, const void *initarg);
  const void *initarg;
} wshm_pobj;

/* Is the object open on fd fit for p (the checks an open makes: a
** regular file, and p->own's)?  1, or 0 and e. */
int wshm_posix_usable (int fd, const wshm_pobj *p, wshm_err *e);

/* wshm_os_open for p: the same contract, with p's naming and checks. */
int wshm_posix_open (wshm_region *r, const wshm_pobj *p, enum wshm_how how,
                     const wshm_ropts *o, wshm_err *e);

/*
** Check the directory 'path' (opened without following a symlink): it
** must be a directory owned by this user or root that others cannot
** write, or whose sticky bit keeps them from removing what is not theirs.
** 'own' 0 accepts any directory.  1, or 0 and e (EACCES and why).
*/
int wshm_posix_trustdir (const char *path, int own, const char *kind,
                         const char *name, wshm_err *e);

/* Fill e with a failure found by winshm, not the system (errno 0):
** "KIND: cannot WHAT 'NAME': <fmt...> (CODE)". */
void wshm_posix_fail (wshm_err *e, const char *kind, const char *code,
                      const char *what, const char *name, const char *fmt,
                      ...)
  __attribute__((format(printf, 6, 7)));

/* ------------------------------------------------- surviving SIGBUS */

/*
** Record r's mapping, so that a SIGBUS inside it (the object was
** truncated under it) is survived: zero pages replace the lost part,
** r->base becomes NULL and r->lost 1, and the access completes.  r must
** stay at its address until wshm_posix_untrack.  Installs the handler
** the first time.  0, or an errno (ENOMEM).
*/
int wshm_posix_track (wshm_region *r);
/* Forget r's mapping (before it is unmapped).  Safe when not recorded. */
void wshm_posix_untrack (wshm_region *r);

WSHM_HIDE_END

#endif
