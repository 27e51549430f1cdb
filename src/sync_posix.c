/*
** sync_posix.c -- named mutexes and auto-reset events on POSIX.
**
** Each object is a small managed shm object of its own, opened through
** wshm_os_open, so it has the lifetime of a Windows kernel object: it
** goes with its last handle, crashed or not.  The objects live under
** /dev/shm/winshm.mutex/ and /dev/shm/winshm.event/: a region name never
** contains '/', so no region can take a mutex's or an event's name.
**
** Objects whose every holder died are removed by the next open of an
** object of their kind (as create and open remove them for regions), so
** crashed processes leave nothing behind for long.
**
** A new object arrives zero-filled.  Its first word is an init state
** (0 new, 1 being initialised, 2 ready): whoever moves it from 0 to 1
** initialises the pthread objects and publishes 2; everybody else waits
** for 2.  So several processes arriving at once never use a half-made
** mutex.
**
** Mutex: a process-shared, robust, recursive pthread mutex.  EOWNERDEAD
** is made consistent and reported as abandoned.
** Event: a process-shared semaphore that never counts above 1, set under
** a robust mutex; a wait takes the count back to 0 (auto-reset).
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "posix.h"

#define SHMDIR      "/dev/shm/"
#define MAGIC       0x77736d31u   /* "wsm1": version of the object format */
#define INITWAIT    25000         /* x 0.2 ms: 5 s for an initialiser */

enum { ST_NEW = 0, ST_INIT = 1, ST_READY = 2 };

typedef struct pmutex {
  unsigned state;
  unsigned magic;
  pthread_mutex_t m;
} pmutex;

typedef struct pevent {
  unsigned state;
  unsigned magic;
  pthread_mutex_t m;    /* serialises set */
  sem_t sem;            /* 0 or 1: the event's state */
} pevent;

/* ------------------------------------------------------------- helpers */

void wshm_os_sync_init (wshm_sync *s) {
  memset(s, 0, sizeof(*s));
  wshm_os_init(&s->r);
}

int wshm_os_synccheckname (const char *name, size_t len, wshm_err *e) {
  wshm_posix_stripprefix(name, &len);
  if (len <= WSHM_SYNCNAMEMAX) return 1;
  e->kind = WSHM_ENAME;
  e->code = "ENAMETOOLONG";
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "invalid name: longer than %d bytes",
           WSHM_SYNCNAMEMAX);
  return 0;
}

static void pause_briefly (void) {
  struct timespec ts = {0, 200000};  /* 0.2 ms */
  nanosleep(&ts, NULL);
}

static void seterr (wshm_err *e, const char *kind, int en, const char *what,
                    const char *name) {
  wshm_os_seterr(e, kind, en, what, name);
}

/* The directory of a kind ("winshm.mutex"), made world-usable like /tmp
** when absent.  1, or 0 and e. */
static int ensuredir (const char *dir, const char *kind, const char *name,
                      wshm_err *e) {
  char path[64];
  struct stat st;
  snprintf(path, sizeof(path), SHMDIR "%s", dir);
  if (mkdir(path, 01777) == 0)
    chmod(path, 01777);  /* not narrowed by the umask */
  else if (errno != EEXIST) {
    seterr(e, kind, errno, "create the directory of", name);
    return 0;
  }
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    seterr(e, kind, ENOTDIR, "use the directory of", name);
    return 0;
  }
  return 1;
}

/*
** Remove the objects in 'dir' that nobody holds: managed (sticky) ones
** on which an exclusive lock can be had.  Every live handle holds a
** shared lock, and an object is locked before it is linked, so only
** objects whose processes died are taken.
*/
static void sweep (const char *dir) {
  char path[WSHM_SYNCNAMEMAX + 64];
  DIR *d;
  struct dirent *de;
  snprintf(path, sizeof(path), SHMDIR "%s", dir);
  if ((d = opendir(path)) == NULL) return;
  while ((de = readdir(d)) != NULL) {
    struct stat st, now;
    int fd;
    if (de->d_name[0] == '.') continue;
    fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW
                                      | O_NONBLOCK);
    if (fd < 0) continue;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_ISVTX)
        && flock(fd, LOCK_EX | LOCK_NB) == 0
        && fstatat(dirfd(d), de->d_name, &now, AT_SYMLINK_NOFOLLOW) == 0
        && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
      unlinkat(dirfd(d), de->d_name, 0);
    close(fd);
  }
  closedir(d);
}

/*
** Open (or create) the shm object at 'path' ("dir/name") of 'size' bytes
** into r, and make sure its pthread objects are initialised (by 'init',
** run by exactly one process).  1, or 0 and e with nothing left open.
*/
static int mapobj (wshm_region *r, const char *path, const char *kind,
                   const char *name, size_t size, const wshm_syncopts *o,
                   int (*init) (void *), wshm_err *e) {
  wshm_ropts ro;
  unsigned *state, expect = ST_NEW;
  int i;
  memset(&ro, 0, sizeof(ro));
  ro.size = size;
  ro.mode = o->mode;
  if (!wshm_os_open(r, path, strlen(path), WSHM_GET_OR_CREATE, &ro, e)) {
    if (strcmp(e->kind, WSHM_ENAME) != 0) e->kind = kind;
    return 0;
  }
  state = (unsigned *)(void *)r->base;
  if (__atomic_compare_exchange_n(state, &expect, ST_INIT, 0,
                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    int en;
    state[1] = MAGIC;
    if ((en = init(r->base)) != 0) {
      __atomic_store_n(state, ST_NEW, __ATOMIC_RELEASE);
      wshm_os_close(r);
      seterr(e, kind, en, "initialise", name);
      return 0;
    }
    __atomic_store_n(state, ST_READY, __ATOMIC_RELEASE);
  }
  for (i = 0; __atomic_load_n(state, __ATOMIC_ACQUIRE) != ST_READY; i++) {
    if (i == INITWAIT) {  /* its initialiser died half-way */
      wshm_os_close(r);
      seterr(e, kind, EAGAIN, "initialise", name);
      return 0;
    }
    pause_briefly();
  }
  if (state[1] != MAGIC) {
    wshm_os_close(r);
    seterr(e, kind, EINVAL, "use (foreign object format)", name);
    return 0;
  }
  return 1;
}

/*
** The objects this process has open, each mapped once however many
** handles it has: a robust mutex is linked by its address into the list
** of robust mutexes its owner thread holds, so it must be reached through
** one mapping only, and stay mapped while any handle (and so possibly a
** lock) remains.  Process-wide, as that list is.
*/
typedef struct mapping {
  struct mapping *next;
  wshm_region r;
  int refs;
} mapping;

static mapping *mapped = NULL;
static pthread_mutex_t mappedlock = PTHREAD_MUTEX_INITIALIZER;

/*
** Open the object 'name' of the kind kept in 'dir' for s: share this
** process's mapping of it, or make one.  1, or 0 and e.
*/
static int openobj (wshm_sync *s, const char *dir, const char *kind,
                    const char *name, size_t len, size_t size,
                    const wshm_syncopts *o, int (*init) (void *),
                    wshm_err *e) {
  char path[WSHM_SYNCNAMEMAX + 32];
  mapping *m;
  name = wshm_posix_stripprefix(name, &len);
  if (!ensuredir(dir, kind, name, e)) return 0;
  snprintf(path, sizeof(path), "%s/%.*s", dir, (int)len, name);
  pthread_mutex_lock(&mappedlock);
  for (m = mapped; m != NULL; m = m->next)
    if (strcmp(m->r.id + sizeof(SHMDIR) - 1, path) == 0) break;
  if (m == NULL) {
    sweep(dir);
    if ((m = (mapping *)calloc(1, sizeof(*m))) == NULL) {
      pthread_mutex_unlock(&mappedlock);
      seterr(e, kind, ENOMEM, "open", name);
      return 0;
    }
    if (!mapobj(&m->r, path, kind, name, size, o, init, e)) {
      pthread_mutex_unlock(&mappedlock);
      free(m);
      return 0;
    }
    m->next = mapped;
    mapped = m;
  }
  m->refs++;
  pthread_mutex_unlock(&mappedlock);
  s->handle = (intptr_t)m;
  s->obj = m->r.base;
  snprintf(s->r.id, sizeof(s->r.id), "%s", m->r.id + sizeof(SHMDIR) - 1);
  s->open = 1;
  return 1;
}

/* Drop s's share of its mapping; the last one unmaps and closes it. */
static void closeobj (wshm_sync *s) {
  mapping *m = (mapping *)s->handle, **p;
  s->open = 0;
  s->obj = NULL;
  s->handle = 0;
  if (m == NULL) return;
  pthread_mutex_lock(&mappedlock);
  if (--m->refs == 0) {
    for (p = &mapped; *p != m; p = &(*p)->next) ;
    *p = m->next;
    wshm_os_close(&m->r);
    free(m);
  }
  pthread_mutex_unlock(&mappedlock);
}

/* A process-shared robust mutex of 'type' at m; 0 or an errno. */
static int initmutex (pthread_mutex_t *m, int type) {
  pthread_mutexattr_t a;
  int en = pthread_mutexattr_init(&a);
  if (en != 0) return en;
  if ((en = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED)) == 0
      && (en = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST)) == 0
      && (en = pthread_mutexattr_settype(&a, type)) == 0)
    en = pthread_mutex_init(m, &a);
  pthread_mutexattr_destroy(&a);
  return en;
}

/* The absolute CLOCK_MONOTONIC time timeout_ms from now. */
static struct timespec deadline (long timeout_ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += timeout_ms / 1000;
  ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/*
** Lock the robust mutex m as asked; EOWNERDEAD is made consistent.
** Returns 0 (acquired), EOWNERDEAD (acquired, abandoned), ETIMEDOUT,
** or another errno.
*/
static int lockrobust (pthread_mutex_t *m, long timeout_ms) {
  int en;
  if (timeout_ms == 0)
    en = pthread_mutex_trylock(m);
  else if (timeout_ms == WSHM_INFINITE)
    en = pthread_mutex_lock(m);
  else {
    struct timespec ts = deadline(timeout_ms);
    en = pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &ts);
  }
  if (en == EBUSY) en = ETIMEDOUT;
  if (en == EOWNERDEAD)
    pthread_mutex_consistent(m);
  return en;
}

/* -------------------------------------------------------------- mutex */

static int initpmutex (void *p) {
  return initmutex(&((pmutex *)p)->m, PTHREAD_MUTEX_RECURSIVE);
}

int wshm_os_mutex_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e) {
  wshm_os_sync_init(s);
  return openobj(s, "winshm.mutex", WSHM_EMUTEX, name, len, sizeof(pmutex), o,
                 initpmutex, e);
}

enum wshm_wait wshm_os_mutex_lock (wshm_sync *s, long timeout_ms,
                                   wshm_err *e) {
  int en = lockrobust(&((pmutex *)s->obj)->m, timeout_ms);
  switch (en) {
    case 0: return WSHM_WAIT_OK;
    case EOWNERDEAD: return WSHM_WAIT_ABANDONED;
    case ETIMEDOUT: return WSHM_WAIT_TIMEOUT;
    default:
      seterr(e, WSHM_EMUTEX, en, "lock", s->r.id);
      return WSHM_WAIT_FAILED;
  }
}

enum wshm_wait wshm_os_mutex_unlock (wshm_sync *s, wshm_err *e) {
  int en = pthread_mutex_unlock(&((pmutex *)s->obj)->m);
  if (en == 0) return WSHM_WAIT_OK;
  if (en == EPERM) return WSHM_WAIT_NOTOWNER;
  seterr(e, WSHM_EMUTEX, en, "unlock", s->r.id);
  return WSHM_WAIT_FAILED;
}

void wshm_os_mutex_close (wshm_sync *s) {
  closeobj(s);
}

/* -------------------------------------------------------------- event */

static int initpevent (void *p) {
  pevent *ev = (pevent *)p;
  int en = initmutex(&ev->m, PTHREAD_MUTEX_NORMAL);
  if (en == 0 && sem_init(&ev->sem, 1, 0) != 0)
    en = errno;
  return en;
}

int wshm_os_event_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e) {
  wshm_os_sync_init(s);
  return openobj(s, "winshm.event", WSHM_EEVENT, name, len, sizeof(pevent), o,
                 initpevent, e);
}

int wshm_os_event_set (wshm_sync *s, wshm_err *e) {
  pevent *ev = (pevent *)s->obj;
  int v = 0, en = lockrobust(&ev->m, WSHM_INFINITE);
  if (en != 0 && en != EOWNERDEAD) {
    seterr(e, WSHM_EEVENT, en, "set", s->r.id);
    return 0;
  }
  /* at most 1: setting a set event changes nothing */
  if (sem_getvalue(&ev->sem, &v) == 0 && v <= 0 && sem_post(&ev->sem) != 0)
    en = errno;
  else
    en = 0;
  pthread_mutex_unlock(&ev->m);
  if (en != 0) {
    seterr(e, WSHM_EEVENT, en, "set", s->r.id);
    return 0;
  }
  return 1;
}

enum wshm_wait wshm_os_event_wait (wshm_sync *s, long timeout_ms,
                                   wshm_err *e) {
  pevent *ev = (pevent *)s->obj;
  struct timespec ts;
  int rc;
  if (timeout_ms > 0) ts = deadline(timeout_ms);
  do {
    if (timeout_ms == 0) rc = sem_trywait(&ev->sem);
    else if (timeout_ms == WSHM_INFINITE) rc = sem_wait(&ev->sem);
    else rc = sem_clockwait(&ev->sem, CLOCK_MONOTONIC, &ts);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return WSHM_WAIT_OK;
  if (errno == EAGAIN || errno == ETIMEDOUT) return WSHM_WAIT_TIMEOUT;
  seterr(e, WSHM_EEVENT, errno, "wait for", s->r.id);
  return WSHM_WAIT_FAILED;
}

void wshm_os_event_close (wshm_sync *s) {
  closeobj(s);
}

void wshm_os_yield (void) {
  sched_yield();
}

uint64_t wshm_os_msec (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
