/*
** backend.h -- the one narrow interface between winshm and the operating
** system.  Two implementations: the POSIX one for Linux (os_posix.c,
** sync_posix.c, fault_posix.c, errno_posix.c: objects in /dev/shm made
** with O_TMPFILE, mmap'ed, kept alive by flock; robust pthread objects)
** and the Win32 one (os_win32.c, sync_win32.c: CreateFileMappingW /
** MapViewOfFile, CreateMutexW, CreateEventW); the Makefile picks one.
** Nothing here knows about Lua.
*/
#ifndef WINSHM_BACKEND_H
#define WINSHM_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "hidden.h"

WSHM_HIDE_BEGIN

/* Error kinds (docs/reference.md, "Errors"). */
#define WSHM_EOPEN      "OpenMapping"
#define WSHM_ECREATE    "CreateMapping"
#define WSHM_EMAP       "MapView"
#define WSHM_EEXISTS    "AlreadyExists"
#define WSHM_ETOOLARGE  "SizeTooLarge"
#define WSHM_ETOOSMALL  "RegionTooSmall"
#define WSHM_ENAME      "InvalidName"

/* An operating-system failure, in portable terms. */
typedef struct wshm_err {
  const char *kind;   /* one of the WSHM_E* kinds above */
  const char *code;   /* portable symbol: "ENOENT", "EACCES", ... */
  long sys;           /* errno or GetLastError() */
  char msg[256];      /* the system's own text (UTF-8) */
} wshm_err;

/* How a region is acquired. */
enum wshm_how {
  WSHM_CREATE,          /* new, zero-filled; fails if the name is taken */
  WSHM_GET_OR_CREATE,   /* open if present, else create */
  WSHM_OPEN,            /* existing, read-only */
  WSHM_OPEN_EXISTING    /* existing, read-write */
};

typedef struct wshm_ropts {
  uint64_t size;        /* bytes to create; minimum bytes to open (0: any) */
  int persist;          /* POSIX: keep the object after the last handle */
  unsigned mode;        /* POSIX permission bits of a new object */
  const char *sddl;     /* Windows: security descriptor of a new object */
} wshm_ropts;

/*
** A mapped region.  A zeroed struct is a closed region.  'base' is NULL
** when the region cannot be used: closed, or lost (POSIX: the object was
** truncated under the mapping by another process; see wshm_lost).  The
** other fields belong to the backend.  POSIX records the mapping by the
** struct's address: it must not move while open.
*/
typedef struct wshm_region {
  unsigned char *base;  /* first mapped byte; NULL: unusable */
  unsigned char *map;   /* what close unmaps (base, until the region is lost) */
  uint64_t size;        /* bytes mapped (what link:size() reports) */
  intptr_t handle;      /* fd or HANDLE; -1/NULL when closed */
  int writable;         /* mapped for writing */
  int created;          /* this handle created the object */
  int managed;          /* POSIX: remove the object after its last handle */
  volatile int lost;    /* POSIX: truncated by another process (set once,
                           by the SIGBUS handler, with base = NULL) */
  void *fault;          /* POSIX: its entry in the record of mappings */
  char id[272];         /* the system's name of the object */
} wshm_region;

/*
** Was r lost to a truncation?  Ask after the last access of an operation:
** the fence keeps the compiler from reading the flag before an access
** (the handler sets it while that access faults).
*/
static inline int wshm_lost (const wshm_region *r) {
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  return r->lost;
}

/* Values a closed region holds. */
void wshm_os_init (wshm_region *r);

/*
** Create or open the object called 'name' (UTF-8, 'len' bytes, already
** checked by wshm_checkname) as 'how' asks, and map it whole.  On
** success returns 1 with 'r' filled; on failure returns 0 with 'e'
** filled and nothing left open.  RegionTooSmall when an existing object
** is smaller than o->size, checked before memory is touched.
*/
int wshm_os_open (wshm_region *r, const char *name, size_t len,
                  enum wshm_how how, const wshm_ropts *o, wshm_err *e);

/* Unmap and close; removes a managed object after its last handle.
** Safe on a closed region. */
void wshm_os_close (wshm_region *r);

/* Remove the name now (POSIX: shm_unlink).  1 on success, else 0 and e. */
int wshm_os_remove (const char *name, size_t len, wshm_err *e);

/* Bytes of a leading Windows namespace prefix of name ("Local\\" or
** "Global\\", any case), or 0 (nsname.c: the one place that knows them). */
size_t wshm_nsprefix (const char *name, size_t len);

/* The name the system knows the object 'name' by: POSIX drops a namespace
** prefix, Windows keeps the name as given.  *len is updated to match. */
const char *wshm_os_objname (const char *name, size_t *len);

/* Platform part of name checking: fills e (InvalidName) and returns 0
** when the platform cannot take the name. */
int wshm_os_checkname (const char *name, size_t len, wshm_err *e);

/* Fill 'e' with an error of 'kind' for the system error 'sys'. */
void wshm_os_seterr (wshm_err *e, const char *kind, long sys,
                     const char *what, const char *name);

/* ---------------------------------------------------- synchronisation */
/*
** Named mutexes and auto-reset events (sync_posix.c, sync_win32.c).
** Windows: CreateMutexW / CreateEventW, names passed through.  POSIX: a
** process-shared robust pthread object in a managed shm object of its
** own (the region machinery above gives it the Windows lifetime), under
** a directory of its kind so that its names never meet region names.
**
** Mutexes are recursive on both systems: the owner may lock again and
** needs one unlock per lock.
*/

/* Error kinds of mutexes and events (bad names are WSHM_ENAME). */
#define WSHM_EMUTEX     "Mutex"
#define WSHM_EEVENT     "Event"

/* Results of the waits. */
enum wshm_wait {
  WSHM_WAIT_FAILED = 0,   /* e is filled */
  WSHM_WAIT_OK,           /* acquired / signalled */
  WSHM_WAIT_ABANDONED,    /* acquired; the previous owner died holding it */
  WSHM_WAIT_TIMEOUT,
  WSHM_WAIT_NOTOWNER      /* unlock by a thread that does not own it */
};

/* Timeout argument meaning "wait for ever". */
#define WSHM_INFINITE   (-1L)

/* Longest name of a mutex or event (bytes, without a namespace prefix). */
#define WSHM_SYNCNAMEMAX  240

typedef struct wshm_syncopts {
  unsigned mode;          /* POSIX permission bits of a new object */
  int shared;             /* POSIX: accept an object (and its directory)
                             that other users own or may write */
} wshm_syncopts;

/*
** A named mutex or event.  A zeroed struct (or one after wshm_os_*_init)
** is closed; 'open' is 1 between a successful open and the close.
*/
typedef struct wshm_sync {
  int open;
  intptr_t handle;        /* Windows: the HANDLE */
  void *obj;              /* POSIX: the shared pthread object */
  wshm_region r;          /* POSIX: the shm object holding it */
} wshm_sync;

/* Values a closed sync object holds. */
void wshm_os_sync_init (wshm_sync *s);

/* Platform part of checking a mutex or event name (after the portable
** checks of wshm_checkname): 0 and e (InvalidName) when too long. */
int wshm_os_synccheckname (const char *name, size_t len, wshm_err *e);

/* Open the named mutex, creating it (unowned) if absent.  1 or 0 and e. */
int wshm_os_mutex_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e);
/* Lock, waiting at most timeout_ms (WSHM_INFINITE: no limit). */
enum wshm_wait wshm_os_mutex_lock (wshm_sync *s, long timeout_ms,
                                   wshm_err *e);
/* Unlock once: WSHM_WAIT_OK, WSHM_WAIT_NOTOWNER or WSHM_WAIT_FAILED. */
enum wshm_wait wshm_os_mutex_unlock (wshm_sync *s, wshm_err *e);
/* Close (the caller has released what it held).  Safe when closed. */
void wshm_os_mutex_close (wshm_sync *s);

/* Open the named auto-reset event, creating it (not set) if absent. */
int wshm_os_event_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e);
/* Set: wakes one waiter, or the next wait if none waits.  1 or 0 and e. */
int wshm_os_event_set (wshm_sync *s, wshm_err *e);
/* Wait until set (and reset it), at most timeout_ms. */
enum wshm_wait wshm_os_event_wait (wshm_sync *s, long timeout_ms,
                                   wshm_err *e);
/* Close.  Safe when closed. */
void wshm_os_event_close (wshm_sync *s);

/* Give the processor to another thread for a moment (a reader waiting
** out a writer). */
void wshm_os_yield (void);

/* A monotonic clock, in milliseconds from an arbitrary start. */
uint64_t wshm_os_msec (void);

WSHM_HIDE_END

#endif
