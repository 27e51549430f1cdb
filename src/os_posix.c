/*
** os_posix.c -- regions on POSIX shared memory (Linux /dev/shm), with the
** lifetime of Windows file mappings:
**
** - Every handle holds a shared flock on the object.  The closer that can
**   upgrade to an exclusive lock is the last one, and removes the name.
** - An object winshm manages carries the sticky bit (S_ISVTX, 'T' in
**   ls -l).  Objects of other programs and persist=true objects do not,
**   and are never removed implicitly.
** - A new object is made nameless (O_TMPFILE), sized, marked, locked,
**   mapped and prepared (the init hook of mutexes and events), and only
**   then linked under its name: nobody ever sees it half made, and a crash
**   before the link leaves nothing behind.
** - A marked object that nobody holds a lock on was left by processes that
**   died: create and open remove it first, as Windows would have.
** - Whoever takes a lock re-checks that the name still leads to the same
**   object (a last closer may have removed it meanwhile) and retries.
** - What is under a name is opened without following a symlink and
**   checked with fstat: only a regular file is used, and for mutexes and
**   events only one of this user that nobody else may write.
**
** The same code opens the objects of mutexes and events (sync_posix.c)
** through wshm_posix_open, named in errors as their callers name them.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

#define SHMDIR      "/dev/shm/"
#define MANAGED     S_ISVTX
#define MAXTRIES    1000
#define NAMEMAX     255
#define PATHSIZE    (sizeof(SHMDIR) + NAMEMAX + 1)
#define LOCKWAIT    4.0       /* s: the longest wait for a closer's exclusive lock */

/* -------------------------------------------------------------- names */

/* POSIX drops a namespace prefix: Local\x, Global\x and x are /x. */
const char *wshm_os_objname (const char *name, size_t *len) {
  size_t n = wshm_nsprefix(name, *len);
  *len -= n;
  return name + n;
}

int wshm_os_checkname (const char *name, size_t len, wshm_err *e) {
  const char *why = NULL;
  name = wshm_os_objname(name, &len);
  if (len == 0) why = "empty after its namespace prefix";
  else if (memchr(name, '/', len) != NULL) why = "contains '/'";
  else if ((len == 1 && name[0] == '.')
           || (len == 2 && name[0] == '.' && name[1] == '.'))
    why = "is '.' or '..'";
  else if (len > NAMEMAX) why = "longer than 255 bytes";
  if (why == NULL) return 1;
  e->kind = WSHM_ENAME;
  e->code = len > NAMEMAX ? "ENAMETOOLONG" : "EINVAL";
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "invalid name: %s", why);
  return 0;
}

/* "/dev/shm/<name>" into buf; the name was checked already. */
static void shmpath (char *buf, const char *name, size_t len) {
  name = wshm_os_objname(name, &len);
  memcpy(buf, SHMDIR, sizeof(SHMDIR) - 1);
  memcpy(buf + sizeof(SHMDIR) - 1, name, len);
  buf[sizeof(SHMDIR) - 1 + len] = '\0';
}

/* ------------------------------------------------------------- errors */

/* The kind of p's failures: its own, else the region kind rk. */
static const char *kindof (const wshm_pobj *p, const char *rk) {
  return p->kind != NULL ? p->kind : rk;
}

static void syserr (wshm_err *e, const wshm_pobj *p, const char *rk, int en,
                    const char *what) {
  wshm_os_seterr(e, kindof(p, rk), en, what, p->name);
}

static const char *filetype (mode_t m) {
  return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO"
         : S_ISSOCK(m) ? "a socket" : S_ISLNK(m) ? "a symbolic link"
         : (S_ISCHR(m) || S_ISBLK(m)) ? "a device" : "an unknown file type";
}

/* A failed open(2) of p: planted links and directories said in words. */
static void openerr (wshm_err *e, const wshm_pobj *p, const char *rk,
                     int en) {
  if (en == ELOOP || en == EISDIR)
    wshm_posix_fail(e, kindof(p, rk), wshm_posix_code(en), "open", p->name,
                    "%s is under the name", filetype(en == ELOOP ? S_IFLNK
                                                                : S_IFDIR));
  else
    syserr(e, p, rk, en, "open");
}

/*
** May p use the object whose status is st: a regular file and, when p
** asks for its own, this user's and writable by nobody else?  1, or 0
** and e.
*/
static int usable (const struct stat *st, const wshm_pobj *p, wshm_err *e) {
  const char *k = kindof(p, WSHM_EOPEN);
  if (!S_ISREG(st->st_mode))
    wshm_posix_fail(e, k, S_ISDIR(st->st_mode) ? "EISDIR" : "ENXIO", "open",
                    p->name, "%s is under the name", filetype(st->st_mode));
  else if (p->own && st->st_uid != geteuid())
    wshm_posix_fail(e, k, "EACCES", "use", p->name, "it belongs to user %lu,"
                    " not to this one (shared = true trusts it)",
                    (unsigned long)st->st_uid);
  else if (p->own && (st->st_mode & (S_IWGRP | S_IWOTH)))
    wshm_posix_fail(e, k, "EACCES", "use", p->name, "other users may write"
                    " it (mode %04o; shared = true trusts it)",
                    (unsigned)(st->st_mode & 0777));
  else
    return 1;
  return 0;
}

/* usable() of the object open on fd, whose status goes to st. */
static int fdusable (int fd, const wshm_pobj *p, struct stat *st,
                     wshm_err *e) {
  if (fstat(fd, st) != 0) {
    syserr(e, p, WSHM_EOPEN, errno, "open");
    return 0;
  }
  return usable(st, p, e);
}

int wshm_posix_usable (int fd, const wshm_pobj *p, wshm_err *e) {
  struct stat st;
  return fdusable(fd, p, &st, e);
}

int wshm_posix_trustdir (const char *path, int own, const char *kind,
                         const char *name, wshm_err *e) {
  struct stat st;
  int en, fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    en = errno;
    if (en == ELOOP || en == ENOTDIR)
      wshm_posix_fail(e, kind, "EACCES", "use", name, "%s is not a directory",
                      path);
    else
      wshm_os_seterr(e, kind, en, "use the directory of", name);
    return 0;
  }
  en = fstat(fd, &st) == 0 ? 0 : errno;
  close(fd);
  if (en != 0)
    wshm_os_seterr(e, kind, en, "use the directory of", name);
  else if (own && st.st_uid != geteuid() && st.st_uid != 0)
    wshm_posix_fail(e, kind, "EACCES", "use", name, "the directory %s belongs"
                    " to user %lu, neither this one nor root", path,
                    (unsigned long)st.st_uid);
  else if (own && (st.st_mode & (S_IWGRP | S_IWOTH))
           && !(st.st_mode & S_ISVTX))
    wshm_posix_fail(e, kind, "EACCES", "use", name, "other users may write"
                    " the directory %s, which has no sticky bit", path);
  else
    return 1;
  return 0;
}

/* ----------------------------------------------------------- helpers */

void wshm_os_init (wshm_region *r) {
  memset(r, 0, sizeof(*r));
  r->handle = -1;
}

static void pause_briefly (void) {
  struct timespec ts = {0, 200000};  /* 0.2 ms */
  nanosleep(&ts, NULL);
}

/* Does 'path' still name the object open on fd?  Leaves fd's stat in a. */
static int samefile (int fd, const char *path, struct stat *a) {
  struct stat b;
  return fstat(fd, a) == 0 && lstat(path, &b) == 0
         && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/*
** With an exclusive lock on fd (so no other handle exists), remove the
** name if it still leads to this object.
*/
static void unlink_locked (int fd, const char *path) {
  struct stat st;
  if (samefile(fd, path, &st))
    unlink(path);
}

/* Seconds of CLOCK_MONOTONIC. */
static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Take a shared lock, waiting out the short exclusive locks of closers
** (LOCKWAIT seconds at most: a holder of an exclusive lock that does not
** let go costs an opener that long, then EAGAIN). */
static int lock_shared (int fd) {
  double deadline = 0;
  for (;;) {
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) return 0;
    if (errno != EWOULDBLOCK && errno != EINTR) return -1;
    if (deadline == 0) deadline = now() + LOCKWAIT;
    else if (now() > deadline) break;
    pause_briefly();
  }
  errno = EAGAIN;
  return -1;
}

/* Map 'size' bytes of fd into r, recorded for surviving a truncation. */
static int map (wshm_region *r, int fd, uint64_t size, int writable,
                const wshm_pobj *p, wshm_err *e) {
  int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ, en;
  void *m;
  if (size > (uint64_t)PTRDIFF_MAX) {
    syserr(e, p, WSHM_ETOOLARGE, ENOMEM, "map");
    return 0;
  }
  m = mmap(NULL, (size_t)size, prot, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) {
    en = errno;  /* EINVAL: the length is more than mmap can take */
    syserr(e, p, (en == ENOMEM || en == EINVAL) ? WSHM_ETOOLARGE : WSHM_EMAP,
           en, "map");
    return 0;
  }
  r->base = r->map = (unsigned char *)m;
  r->size = size;
  r->writable = writable;
  if ((en = wshm_posix_track(r)) != 0) {
    munmap(m, (size_t)size);
    r->base = r->map = NULL;
    syserr(e, p, WSHM_EMAP, en, "map");
    return 0;
  }
  return 1;
}

/* Undo map (also after a loss: the whole first mapping goes). */
static void unmap (wshm_region *r) {
  wshm_posix_untrack(r);
  if (r->map != NULL)
    munmap(r->map, (size_t)r->size);
  r->base = r->map = NULL;
}

/* ------------------------------------------------------------ create */

enum { FAILED = 0, DONE = 1, EXISTS = -1, RETRY = -2, ABSENT = -3 };

/* A new object under p->path: DONE, EXISTS or FAILED. */
static int create (wshm_region *r, const wshm_pobj *p, const wshm_ropts *o,
                   wshm_err *e) {
  char dir[PATHSIZE + 32], self[64];
  mode_t mode = (mode_t)(o->mode & 0777) | (o->persist ? 0 : MANAGED);
  const char *slash = strrchr(p->path, '/');
  int fd, en;
  if (o->size == 0) {
    syserr(e, p, WSHM_ECREATE, EINVAL, "create (size 0)");
    return FAILED;
  }
  if (o->size > (uint64_t)INT64_MAX) {
    syserr(e, p, WSHM_ETOOLARGE, EFBIG, "create");
    return FAILED;
  }
  snprintf(dir, sizeof(dir), "%.*s", (int)(slash - p->path + 1), p->path);
  fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod(fd, mode) != 0 || flock(fd, LOCK_SH) != 0) {
    syserr(e, p, WSHM_ECREATE, errno, "create");
    if (fd >= 0) close(fd);
    return FAILED;
  }
  if (ftruncate(fd, (off_t)o->size) != 0) {
    en = errno;
    syserr(e, p, (en == EFBIG || en == EINVAL) ? WSHM_ETOOLARGE : WSHM_ECREATE,
           en, "create");
    close(fd);
    return FAILED;
  }
  if (!map(r, fd, o->size, 1, p, e)) {
    close(fd);
    return FAILED;
  }
  en = p->init != NULL ? p->init(r->base, p->initarg) : 0;
  snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
  if (en != 0 || linkat(AT_FDCWD, self, AT_FDCWD, p->path,
                        AT_SYMLINK_FOLLOW) != 0) {
    const char *what = en != 0 ? "initialise" : "create";
    if (en == 0) en = errno;
    unmap(r);
    wshm_os_init(r);
    close(fd);
    if (en == EEXIST) return EXISTS;
    syserr(e, p, WSHM_ECREATE, en, what);
    return FAILED;
  }
  r->handle = fd;
  r->created = 1;
  r->managed = !o->persist;
  snprintf(r->id, sizeof(r->id), "%s", p->path);
  return DONE;
}

/* -------------------------------------------------------------- open */

/*
** p->path is taken.  RETRY if it was a managed object that nobody holds
** (its processes died): it is removed, as Windows would have done.
** Otherwise EXISTS.
*/
static int remove_if_stale (const wshm_pobj *p) {
  struct stat st;
  int rc = EXISTS;
  int fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return errno == ENOENT ? RETRY : EXISTS;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & MANAGED)
      && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    unlink_locked(fd, p->path);
    rc = RETRY;
  }
  close(fd);
  return rc;
}

/* The error of an existing object smaller than the o->size needed. */
static void toosmall (wshm_err *e, const wshm_pobj *p, long long has,
                      uint64_t need) {
  if (p->kind != NULL) {
    wshm_posix_fail(e, p->kind, "EINVAL", "use", p->name, "it has %lld bytes,"
                    " %llu needed: not winshm's", has,
                    (unsigned long long)need);
    return;
  }
  e->kind = WSHM_ETOOSMALL;
  e->code = "EINVAL";
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "%s: region '%s' has %lld bytes, %llu "
           "needed", WSHM_ETOOSMALL, p->name, has, (unsigned long long)need);
}

/*
** Open the object under p->path: DONE, FAILED, RETRY (it changed under
** us) or ABSENT (no such object, or a stale one that was just removed).
*/
static int open_existing (wshm_region *r, const wshm_pobj *p, int writable,
                          const wshm_ropts *o, wshm_err *e) {
  struct stat st;
  /* O_NONBLOCK: a FIFO planted under the name must not hang the open */
  int fd = open(p->path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC
                         | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return ABSENT;
    openerr(e, p, WSHM_EOPEN, errno);
    return FAILED;
  }
  if (!fdusable(fd, p, &st, e)) {
    close(fd);
    return FAILED;
  }
  if ((st.st_mode & MANAGED) && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    /* Nobody holds it: its processes died.  Windows would have removed
       it with their handles; do so now. */
    unlink_locked(fd, p->path);
    close(fd);
    return RETRY;
  }
  if (lock_shared(fd) != 0) {
    syserr(e, p, WSHM_EOPEN, errno, "lock");
    close(fd);
    return FAILED;
  }
  if (!samefile(fd, p->path, &st)) {
    close(fd);
    return RETRY;
  }
  if ((uint64_t)st.st_size < o->size || st.st_size == 0) {
    toosmall(e, p, (long long)st.st_size, o->size ? o->size : 1);
    close(fd);
    return FAILED;
  }
  if (!map(r, fd, (uint64_t)st.st_size, writable, p, e)) {
    close(fd);
    return FAILED;
  }
  r->handle = fd;
  r->managed = (st.st_mode & MANAGED) != 0;
  snprintf(r->id, sizeof(r->id), "%s", p->path);
  return DONE;
}

int wshm_posix_open (wshm_region *r, const wshm_pobj *p, enum wshm_how how,
                     const wshm_ropts *o, wshm_err *e) {
  int tries, rc;
  int creates = (how == WSHM_CREATE || how == WSHM_GET_OR_CREATE);
  int writable = (how != WSHM_OPEN);
  wshm_os_init(r);
  for (tries = 0; tries < MAXTRIES; tries++) {
    if (creates) {
      rc = create(r, p, o, e);
      if (rc != EXISTS) return rc;
      if (how == WSHM_CREATE) {
        if (remove_if_stale(p) == RETRY) continue;
        break;
      }
    }
    rc = open_existing(r, p, writable, o, e);
    if (rc == DONE || rc == FAILED) return rc;
    if (rc == ABSENT && !creates) {
      syserr(e, p, WSHM_EOPEN, ENOENT, "open");
      return FAILED;
    }
    /* RETRY, or ABSENT while creating: go round again */
  }
  if (how == WSHM_CREATE)
    syserr(e, p, WSHM_EEXISTS, EEXIST, "create");
  else
    syserr(e, p, creates ? WSHM_ECREATE : WSHM_EOPEN, EAGAIN, "open");
  return FAILED;
}

int wshm_os_open (wshm_region *r, const char *name, size_t len,
                  enum wshm_how how, const wshm_ropts *o, wshm_err *e) {
  char path[PATHSIZE];
  wshm_pobj p;
  shmpath(path, name, len);
  memset(&p, 0, sizeof(p));
  p.path = path;
  p.name = path + sizeof(SHMDIR) - 1;
  return wshm_posix_open(r, &p, how, o, e);
}

/* ------------------------------------------------------------- close */

void wshm_os_close (wshm_region *r) {
  int fd = (int)r->handle;
  unmap(r);
  if (fd >= 0 && r->managed) {
    /* Drop our shared lock, then try for the exclusive one: whoever gets
       it holds the last handle.  Two closers cannot both miss it. */
    flock(fd, LOCK_UN);
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
      unlink_locked(fd, r->id);
  }
  if (fd >= 0)
    close(fd);
  wshm_os_init(r);
}

int wshm_os_remove (const char *name, size_t len, wshm_err *e) {
  char path[PATHSIZE];
  shmpath(path, name, len);
  if (unlink(path) != 0) {
    wshm_os_seterr(e, WSHM_EOPEN, errno, "remove", path + sizeof(SHMDIR) - 1);
    return 0;
  }
  return 1;
}
