/*
** os_posix.c -- regions on POSIX shared memory (Linux /dev/shm), with the
** lifetime of Windows file mappings:
**
** - Every handle holds a shared flock on the object.  The closer that can
**   upgrade to an exclusive lock is the last one, and removes the name.
** - An object winshm manages carries the sticky bit (S_ISVTX, 'T' in
**   ls -l).  Objects of other programs and persist=true objects do not,
**   and are never removed implicitly.
** - A new object is made nameless (O_TMPFILE), sized, marked, locked and
**   mapped, and only then linked under its name: nobody ever sees it half
**   made, and a crash before the link leaves nothing behind.
** - A marked object that nobody holds a lock on was left by processes that
**   died: create and open remove it first, as Windows would have.
** - Whoever takes a lock re-checks that the name still leads to the same
**   object (a last closer may have removed it meanwhile) and retries.
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

#include "backend.h"
#include "posix.h"

#define SHMDIR      "/dev/shm/"
#define MANAGED     S_ISVTX
#define MAXTRIES    1000
#define NAMEMAX     255

/* ------------------------------------------------------------- errors */

static const struct { int no; const char *sym; } codes[] = {
  {ENOENT, "ENOENT"}, {EACCES, "EACCES"}, {EPERM, "EPERM"},
  {EEXIST, "EEXIST"}, {ENOMEM, "ENOMEM"}, {EINVAL, "EINVAL"},
  {EFBIG, "EFBIG"}, {ENOSPC, "ENOSPC"}, {EMFILE, "EMFILE"},
  {ENFILE, "ENFILE"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {EAGAIN, "EAGAIN"},
  {EBUSY, "EBUSY"}, {EINTR, "EINTR"}, {ENOTSUP, "ENOTSUP"},
  {EOVERFLOW, "EOVERFLOW"}, {EROFS, "EROFS"}, {EBADF, "EBADF"},
  {0, NULL}
};

static const char *codeof (long no) {
  int i;
  for (i = 0; codes[i].sym != NULL; i++)
    if (codes[i].no == no) return codes[i].sym;
  return "EIO";
}

void wshm_os_seterr (wshm_err *e, const char *kind, long sys,
                     const char *what, const char *name) {
  e->kind = kind;
  e->sys = sys;
  e->code = codeof(sys);
  snprintf(e->msg, sizeof(e->msg), "%s: cannot %s '%s': %s (%s)",
           kind, what, name, strerror((int)sys), e->code);
}

/* -------------------------------------------------------------- names */

const char *wshm_posix_stripprefix (const char *name, size_t *len) {
  size_t n = wshm_nsprefix(name, *len);
  *len -= n;
  return name + n;
}

const char *wshm_os_objname (const char *name, size_t *len) {
  return wshm_posix_stripprefix(name, len);
}

int wshm_os_checkname (const char *name, size_t len, wshm_err *e) {
  const char *why = NULL;
  name = wshm_posix_stripprefix(name, &len);
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
  name = wshm_posix_stripprefix(name, &len);
  memcpy(buf, SHMDIR, sizeof(SHMDIR) - 1);
  memcpy(buf + sizeof(SHMDIR) - 1, name, len);
  buf[sizeof(SHMDIR) - 1 + len] = '\0';
}

#define PATHSIZE  (sizeof(SHMDIR) + NAMEMAX + 1)

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
  return fstat(fd, a) == 0 && stat(path, &b) == 0
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

/* Take a shared lock, waiting out the short exclusive locks of closers. */
static int lock_shared (int fd) {
  int i;
  for (i = 0; i < 20000; i++) {  /* about 4 s at most */
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) return 0;
    if (errno != EWOULDBLOCK && errno != EINTR) return -1;
    pause_briefly();
  }
  errno = EAGAIN;
  return -1;
}

static int map (wshm_region *r, int fd, uint64_t size, int writable,
                const char *kind, const char *path, wshm_err *e) {
  int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
  void *p;
  if (size > (uint64_t)PTRDIFF_MAX) {
    wshm_os_seterr(e, WSHM_ETOOLARGE, ENOMEM, "map", path + sizeof(SHMDIR) - 1);
    return 0;
  }
  p = mmap(NULL, (size_t)size, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    int en = errno;  /* EINVAL: the length is more than mmap can take */
    wshm_os_seterr(e, (en == ENOMEM || en == EINVAL) ? WSHM_ETOOLARGE : kind,
                   en, "map", path + sizeof(SHMDIR) - 1);
    return 0;
  }
  r->base = (unsigned char *)p;
  r->size = size;
  r->writable = writable;
  return 1;
}

/* ------------------------------------------------------------ create */

enum { FAILED = 0, DONE = 1, EXISTS = -1, RETRY = -2, ABSENT = -3 };

/* A new object under 'path': DONE, EXISTS or FAILED. */
static int create (wshm_region *r, const char *path, const wshm_ropts *o,
                   wshm_err *e) {
  const char *name = path + sizeof(SHMDIR) - 1;
  char self[64];
  mode_t mode = (mode_t)(o->mode & 0777) | (o->persist ? 0 : MANAGED);
  int fd;
  if (o->size == 0) {
    wshm_os_seterr(e, WSHM_ECREATE, EINVAL, "create (size 0)", name);
    return FAILED;
  }
  if (o->size > (uint64_t)INT64_MAX) {
    wshm_os_seterr(e, WSHM_ETOOLARGE, EFBIG, "create", name);
    return FAILED;
  }
  fd = open(SHMDIR, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    wshm_os_seterr(e, WSHM_ECREATE, errno, "create", name);
    return FAILED;
  }
  if (fchmod(fd, mode) != 0 || flock(fd, LOCK_SH) != 0) {
    wshm_os_seterr(e, WSHM_ECREATE, errno, "create", name);
    close(fd);
    return FAILED;
  }
  if (ftruncate(fd, (off_t)o->size) != 0) {
    int en = errno;
    wshm_os_seterr(e, (en == EFBIG || en == EINVAL) ? WSHM_ETOOLARGE
                      : WSHM_ECREATE, en, "create", name);
    close(fd);
    return FAILED;
  }
  if (!map(r, fd, o->size, 1, WSHM_EMAP, path, e)) {
    close(fd);
    return FAILED;
  }
  snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
  if (linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0) {
    int en = errno;
    munmap(r->base, (size_t)r->size);
    wshm_os_init(r);
    close(fd);
    if (en == EEXIST) return EXISTS;
    wshm_os_seterr(e, WSHM_ECREATE, en, "create", name);
    return FAILED;
  }
  r->handle = fd;
  r->created = 1;
  r->managed = !o->persist;
  snprintf(r->id, sizeof(r->id), "%s", path);
  return DONE;
}

/* -------------------------------------------------------------- open */

/*
** 'path' is taken.  RETRY if it was a managed object that nobody holds
** (its processes died): it is removed, as Windows would have done.
** Otherwise EXISTS.
*/
static int remove_if_stale (const char *path) {
  struct stat st;
  int rc = EXISTS;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return errno == ENOENT ? RETRY : EXISTS;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & MANAGED)
      && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    unlink_locked(fd, path);
    rc = RETRY;
  }
  close(fd);
  return rc;
}

/*
** Open the object under 'path': DONE, FAILED, RETRY (it changed under us)
** or ABSENT (no such object, or a stale one that was just removed).
*/
static int open_existing (wshm_region *r, const char *path, int writable,
                          const wshm_ropts *o, wshm_err *e) {
  const char *name = path + sizeof(SHMDIR) - 1;
  struct stat st;
  int en;
  /* O_NONBLOCK: a FIFO planted under the name must not hang the open */
  int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW
                      | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return ABSENT;
    wshm_os_seterr(e, WSHM_EOPEN, errno, "open", name);
    return FAILED;
  }
  en = fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
  if (en != 0) {  /* EINVAL: a directory, FIFO, ... under the name */
    wshm_os_seterr(e, WSHM_EOPEN, en, "open", name);
    close(fd);
    return FAILED;
  }
  if ((st.st_mode & MANAGED) && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    /* Nobody holds it: its processes died.  Windows would have removed
       it with their handles; do so now. */
    unlink_locked(fd, path);
    close(fd);
    return RETRY;
  }
  if (lock_shared(fd) != 0) {
    wshm_os_seterr(e, WSHM_EOPEN, errno, "lock", name);
    close(fd);
    return FAILED;
  }
  if (!samefile(fd, path, &st)) {
    close(fd);
    return RETRY;
  }
  if ((uint64_t)st.st_size < o->size || st.st_size == 0) {
    e->kind = WSHM_ETOOSMALL;
    e->code = "EINVAL";
    e->sys = 0;
    snprintf(e->msg, sizeof(e->msg),
             "%s: region '%s' has %lld bytes, %llu needed", WSHM_ETOOSMALL,
             name, (long long)st.st_size,
             (unsigned long long)(o->size ? o->size : 1));
    close(fd);
    return FAILED;
  }
  if (!map(r, fd, (uint64_t)st.st_size, writable, WSHM_EMAP, path, e)) {
    close(fd);
    return FAILED;
  }
  r->handle = fd;
  r->managed = (st.st_mode & MANAGED) != 0;
  snprintf(r->id, sizeof(r->id), "%s", path);
  return DONE;
}

int wshm_os_open (wshm_region *r, const char *name, size_t len,
                  enum wshm_how how, const wshm_ropts *o, wshm_err *e) {
  char path[PATHSIZE];
  int tries, rc;
  int creates = (how == WSHM_CREATE || how == WSHM_GET_OR_CREATE);
  int writable = (how != WSHM_OPEN);
  wshm_os_init(r);
  shmpath(path, name, len);
  for (tries = 0; tries < MAXTRIES; tries++) {
    if (creates) {
      rc = create(r, path, o, e);
      if (rc != EXISTS) return rc;
      if (how == WSHM_CREATE) {
        if (remove_if_stale(path) == RETRY) continue;
        break;
      }
    }
    rc = open_existing(r, path, writable, o, e);
    if (rc == DONE || rc == FAILED) return rc;
    if (rc == ABSENT && !creates) {
      wshm_os_seterr(e, WSHM_EOPEN, ENOENT, "open", path + sizeof(SHMDIR) - 1);
      return FAILED;
    }
    /* RETRY, or ABSENT while creating: go round again */
  }
  if (how == WSHM_CREATE) {
    wshm_os_seterr(e, WSHM_EEXISTS, EEXIST, "create", path + sizeof(SHMDIR) - 1);
    return FAILED;
  }
  wshm_os_seterr(e, creates ? WSHM_ECREATE : WSHM_EOPEN, EAGAIN, "open",
                 path + sizeof(SHMDIR) - 1);
  return FAILED;
}

/* ------------------------------------------------------------- close */

void wshm_os_close (wshm_region *r) {
  int fd = (int)r->handle;
  if (r->base != NULL)
    munmap(r->base, (size_t)r->size);
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
