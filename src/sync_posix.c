/*
** sync_posix.c -- named mutexes and auto-reset events on POSIX.
**
** Each object is a small managed shm object of its own, opened through
** wshm_posix_open, so it has the lifetime of a Windows kernel object: it
** goes with its last handle, crashed or not.  The objects live under
** /dev/shm/winshm.mutex/ and /dev/shm/winshm.event/: a region name never
** contains '/', so no region can take a mutex's or an event's name.
**
** Lock state never sits in memory another user may write, unless the
** caller asks for that (opts.shared): a pthread mutex holds the links of
** its owner's robust list, which glibc and the kernel follow, so whoever
** can write the object can make its users write where they choose.
** Without 'shared' an object is used only when it is this user's and
** nobody else may write it, and its directory (and /dev/shm) only when it
** is this user's or root's and others cannot remove what is not theirs
** (no write access, or the sticky bit, as /tmp has).
**
** A new object is prepared (its pthread objects initialised, its magic
** written) before it gets its name, so nobody ever sees it half made and
** nobody waits for an initialiser: an object without the magic of its
** kind is not winshm's, EINVAL at once.
**
** Objects whose every holder died are removed by the next open of their
** name, and by a sweep of their kind's directory, which a process makes
** at its first open of the kind and then after as many opens as the last
** sweep saw entries: linear overall, however many objects a peer plants.
** A sweep only looks at this user's objects.
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
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

#define SHMDIR      "/dev/shm/"
#define MAGIC       0x77736d32u   /* "wsm2": version of the object format */
#define PATHSIZE    (sizeof(SHMDIR) + 16 + WSHM_SYNCNAMEMAX + 1)

typedef struct phead {
  unsigned magic;       /* MAGIC once prepared */
  unsigned kind;        /* 'M' or 'E' */
} phead;

typedef struct pmutex {
  phead h;
  pthread_mutex_t m;
} pmutex;

typedef struct pevent {
  phead h;
  pthread_mutex_t m;    /* serialises set */
  sem_t sem;            /* 0 or 1: the event's state */
} pevent;

/* What differs between the two kinds. */
typedef struct kindinfo {
  const char *dir;      /* its directory */
  const char *kind;     /* error kind */
  const char *what;     /* for messages */
  unsigned tag;         /* phead.kind */
  size_t size;
  int (*init) (unsigned char *base);  /* its pthread objects: 0 or errno */
  int sweepslot;
} kindinfo;

/* ------------------------------------------------------------- helpers */

void wshm_os_sync_init (wshm_sync *s) {
  memset(s, 0, sizeof(*s));
  wshm_os_init(&s->r);
}

int wshm_os_synccheckname (const char *name, size_t len, wshm_err *e) {
  wshm_os_objname(name, &len);
  if (len <= WSHM_SYNCNAMEMAX) return 1;
  e->kind = WSHM_ENAME;
  e->code = "ENAMETOOLONG";
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "invalid name: longer than %d bytes",
           WSHM_SYNCNAMEMAX);
  return 0;
}

/* The directory of kind k, made world-usable like /tmp when absent, if
** it (and /dev/shm) may be trusted as 'own' asks.  1, or 0 and e. */
static int ensuredir (const kindinfo *k, int own, const char *name,
                      wshm_err *e) {
  if (!wshm_posix_trustdir(SHMDIR, own, k->kind, name, e)) return 0;
  if (mkdir(k->dir, 01777) == 0)
    chmod(k->dir, 01777);  /* not narrowed by the umask */
  else if (errno != EEXIST) {
    wshm_os_seterr(e, k->kind, errno, "create the directory of", name);
    return 0;
  }
  return wshm_posix_trustdir(k->dir, own, k->kind, name, e);
}

/* ------------------------------------------------------------- sweeps */

/*
** Remove this user's objects in 'dir' that nobody holds: managed
** (sticky) ones on which an exclusive lock can be had.  Every live handle
** holds a shared lock, and an object is locked before it is linked, so
** only objects whose processes died are taken.  Returns the entries seen.
*/
static size_t sweep (const char *dir) {
  uid_t me = geteuid();
  size_t n = 0;
  DIR *d;
  struct dirent *de;
  if ((d = opendir(dir)) == NULL) return 0;
  while ((de = readdir(d)) != NULL) {
    struct stat st, now;
    int fd;
    n++;
    if (de->d_name[0] == '.'
        || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
        || !S_ISREG(st.st_mode) || !(st.st_mode & S_ISVTX) || st.st_uid != me)
      continue;
    fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW
                                      | O_NONBLOCK);
    if (fd < 0) continue;
    if (fstat(fd, &st) == 0 && flock(fd, LOCK_EX | LOCK_NB) == 0
        && fstatat(dirfd(d), de->d_name, &now, AT_SYMLINK_NOFOLLOW) == 0
        && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
      unlinkat(dirfd(d), de->d_name, 0);
    close(fd);
  }
  closedir(d);
  return n;
}

/*
** The objects this process has open, each mapped once however many
** handles it has: a robust mutex is linked by its address into the list
** of robust mutexes its owner thread holds, so it must be reached through
** one mapping only, and stay mapped while any handle (and so possibly a
** lock) remains.  Process-wide, as that list is; so are the sweep
** counters (opens of each kind since its last sweep, and how many opens
** the next sweep waits for).
*/
typedef struct mapping {
  struct mapping *next;
  wshm_region r;
  int refs;
} mapping;

static mapping *mapped = NULL;
static struct { size_t opens, due; } sweeps[2];
static pthread_mutex_t mappedlock = PTHREAD_MUTEX_INITIALIZER;

/* Sweep k's directory when its turn has come (mappedlock held). */
static void maybe_sweep (const kindinfo *k) {
  if (sweeps[k->sweepslot].opens++ < sweeps[k->sweepslot].due) return;
  sweeps[k->sweepslot].due = sweep(k->dir);
  sweeps[k->sweepslot].opens = 0;
}

/* Was s's object lost (another process truncated it)?  Then e says so:
** every operation asks before and after it touches the object. */
static int lostobj (const wshm_sync *s, const char *kind, const char *what,
                    wshm_err *e) {
  if (!wshm_lost(&((const mapping *)s->handle)->r)) return 0;
  wshm_posix_fail(e, kind, "EIO", what, s->r.id, "its object was truncated"
                  " by another process");
  return 1;
}

/* ------------------------------------------------------------ objects */

/* Prepare a new object of kind k (wshm_pobj's init): its pthread
** objects, then the header that says it is ready. */
static int prepare (unsigned char *base, const void *arg) {
  const kindinfo *k = (const kindinfo *)arg;
  phead *h = (phead *)(void *)base;
  int en = k->init(base);
  h->kind = k->tag;
  h->magic = MAGIC;
  return en;
}

/* Map (or create) the object of p into a new mapping, and check that it
** is a prepared object of kind k.  NULL and e on failure. */
static mapping *newmapping (const kindinfo *k, const wshm_pobj *p,
                            const wshm_syncopts *o, wshm_err *e) {
  wshm_ropts ro;
  mapping *m = (mapping *)calloc(1, sizeof(*m));
  const phead *h;
  if (m == NULL) {
    wshm_os_seterr(e, k->kind, ENOMEM, "open", p->name);
    return NULL;
  }
  memset(&ro, 0, sizeof(ro));
  ro.size = k->size;
  ro.mode = o->mode;
  if (!wshm_posix_open(&m->r, p, WSHM_GET_OR_CREATE, &ro, e)) {
    free(m);
    return NULL;
  }
  h = (const phead *)(const void *)m->r.base;  /* NULL if already lost */
  if (h == NULL || h->magic != MAGIC || h->kind != k->tag) {
    wshm_os_close(&m->r);
    free(m);
    wshm_posix_fail(e, k->kind, "EINVAL", "use", p->name, "not a winshm %s"
                    " (foreign object format)", k->what);
    return NULL;
  }
  return m;
}

/*
** Open the object 'name' of kind k for s: share this process's mapping
** of it, or make one.  1, or 0 and e.
*/
static int openobj (wshm_sync *s, const kindinfo *k, const char *name,
                    size_t len, const wshm_syncopts *o, wshm_err *e) {
  char path[PATHSIZE], shown[WSHM_SYNCNAMEMAX + 1];
  wshm_pobj p;
  mapping *m;
  name = wshm_os_objname(name, &len);
  snprintf(shown, sizeof(shown), "%.*s", (int)len, name);
  if (!ensuredir(k, !o->shared, shown, e)) return 0;
  snprintf(path, sizeof(path), "%s/%s", k->dir, shown);
  memset(&p, 0, sizeof(p));
  p.path = path;
  p.kind = k->kind;
  p.name = shown;
  p.own = !o->shared;
  p.init = prepare;
  p.initarg = k;
  pthread_mutex_lock(&mappedlock);
  for (m = mapped; m != NULL; m = m->next)
    if (strcmp(m->r.id, path) == 0) break;
  if (m == NULL) {
    maybe_sweep(k);
    if ((m = newmapping(k, &p, o, e)) != NULL) {
      m->next = mapped;
      mapped = m;
    }
  }
  else if (!wshm_posix_usable((int)m->r.handle, &p, e))
    m = NULL;  /* opened before with 'shared'; not trusted without */
  if (m != NULL) m->refs++;
  pthread_mutex_unlock(&mappedlock);
  if (m == NULL) return 0;
  s->handle = (intptr_t)m;
  s->obj = m->r.map;  /* stays mapped, also once the object is lost */
  snprintf(s->r.id, sizeof(s->r.id), "%s", shown);
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

static int initpmutex (unsigned char *base) {
  return initmutex(&((pmutex *)(void *)base)->m, PTHREAD_MUTEX_RECURSIVE);
}

static const kindinfo MUTEX = {
  SHMDIR "winshm.mutex", WSHM_EMUTEX, "mutex", 'M', sizeof(pmutex),
  initpmutex, 0
};

int wshm_os_mutex_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e) {
  wshm_os_sync_init(s);
  return openobj(s, &MUTEX, name, len, o, e);
}

enum wshm_wait wshm_os_mutex_lock (wshm_sync *s, long timeout_ms,
                                   wshm_err *e) {
  int en;
  if (lostobj(s, WSHM_EMUTEX, "lock", e)) return WSHM_WAIT_FAILED;
  en = lockrobust(&((pmutex *)s->obj)->m, timeout_ms);
  if (lostobj(s, WSHM_EMUTEX, "lock", e)) return WSHM_WAIT_FAILED;
  switch (en) {
    case 0: return WSHM_WAIT_OK;
    case EOWNERDEAD: return WSHM_WAIT_ABANDONED;
    case ETIMEDOUT: return WSHM_WAIT_TIMEOUT;
    default:
      wshm_os_seterr(e, WSHM_EMUTEX, en, "lock", s->r.id);
      return WSHM_WAIT_FAILED;
  }
}

enum wshm_wait wshm_os_mutex_unlock (wshm_sync *s, wshm_err *e) {
  int en;
  if (lostobj(s, WSHM_EMUTEX, "unlock", e)) return WSHM_WAIT_FAILED;
  en = pthread_mutex_unlock(&((pmutex *)s->obj)->m);
  if (lostobj(s, WSHM_EMUTEX, "unlock", e)) return WSHM_WAIT_FAILED;
  if (en == 0) return WSHM_WAIT_OK;
  if (en == EPERM) return WSHM_WAIT_NOTOWNER;
  wshm_os_seterr(e, WSHM_EMUTEX, en, "unlock", s->r.id);
  return WSHM_WAIT_FAILED;
}

void wshm_os_mutex_close (wshm_sync *s) {
  closeobj(s);
}

/* -------------------------------------------------------------- event */

static int initpevent (unsigned char *base) {
  pevent *ev = (pevent *)(void *)base;
  int en = initmutex(&ev->m, PTHREAD_MUTEX_NORMAL);
  if (en == 0 && sem_init(&ev->sem, 1, 0) != 0)
    en = errno;
  return en;
}

static const kindinfo EVENT = {
  SHMDIR "winshm.event", WSHM_EEVENT, "event", 'E', sizeof(pevent),
  initpevent, 1
};

int wshm_os_event_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e) {
  wshm_os_sync_init(s);
  return openobj(s, &EVENT, name, len, o, e);
}

int wshm_os_event_set (wshm_sync *s, wshm_err *e) {
  pevent *ev = (pevent *)s->obj;
  int v = 0, en;
  if (lostobj(s, WSHM_EEVENT, "set", e)) return 0;
  en = lockrobust(&ev->m, WSHM_INFINITE);
  if (en != 0 && en != EOWNERDEAD) {
    wshm_os_seterr(e, WSHM_EEVENT, en, "set", s->r.id);
    return 0;
  }
  /* at most 1: setting a set event changes nothing */
  if (sem_getvalue(&ev->sem, &v) == 0 && v <= 0 && sem_post(&ev->sem) != 0)
    en = errno;
  else
    en = 0;
  pthread_mutex_unlock(&ev->m);
  if (lostobj(s, WSHM_EEVENT, "set", e)) return 0;
  if (en != 0) {
    wshm_os_seterr(e, WSHM_EEVENT, en, "set", s->r.id);
    return 0;
  }
  return 1;
}

enum wshm_wait wshm_os_event_wait (wshm_sync *s, long timeout_ms,
                                   wshm_err *e) {
  pevent *ev = (pevent *)s->obj;
  struct timespec ts;
  int rc;
  if (lostobj(s, WSHM_EEVENT, "wait for", e)) return WSHM_WAIT_FAILED;
  if (timeout_ms > 0) ts = deadline(timeout_ms);
  do {
    if (timeout_ms == 0) rc = sem_trywait(&ev->sem);
    else if (timeout_ms == WSHM_INFINITE) rc = sem_wait(&ev->sem);
    else rc = sem_clockwait(&ev->sem, CLOCK_MONOTONIC, &ts);
  } while (rc != 0 && errno == EINTR);
  if (lostobj(s, WSHM_EEVENT, "wait for", e)) return WSHM_WAIT_FAILED;
  if (rc == 0) return WSHM_WAIT_OK;
  if (errno == EAGAIN || errno == ETIMEDOUT) return WSHM_WAIT_TIMEOUT;
  wshm_os_seterr(e, WSHM_EEVENT, errno, "wait for", s->r.id);
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
