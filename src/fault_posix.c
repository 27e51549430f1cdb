/*
** fault_posix.c -- surviving a region truncated under its mapping.
**
** A process that may write a POSIX shm object can shrink it (ftruncate)
** while others have it mapped; touching a page past the new end then
** raises SIGBUS.  winshm records its mappings, and its SIGBUS handler,
** for a fault inside one of them, maps zero pages over the lost part (from
** the object's new end, or the faulting page if that comes first, to the
** end of the mapping), marks the region lost (base NULL, lost 1) and
** returns: the access completes on the zero pages, and the next use of the
** region reports the truncation.  A fault anywhere else goes to the
** handler installed before winshm's, or gets the default action, as if
** winshm were not there.
**
** Why C globals: signal dispositions and the address space belong to the
** process, not to a Lua state, and a signal handler reaches only static
** data.  The record is a list of chunks of slots that only ever grows: a
** slot is claimed and released with atomic operations and a chunk is
** never freed, so the handler reads the record without a lock (none is
** safe in a signal handler) and never meets freed memory.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix.h"

#define SLOTS  64

typedef struct slot {
  int claimed;          /* 1 while a region owns the slot */
  uintptr_t start;      /* its mapping [start, end); 0: none */
  uintptr_t end;
  wshm_region *r;
} slot;

typedef struct chunk {
  struct chunk *next;
  slot s[SLOTS];
} chunk;

static chunk *record = NULL;          /* newest chunk first */
static struct sigaction previous;     /* what SIGBUS did before winshm */
static uintptr_t pagesize = 4096;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static int installerr = 0;

#define LOAD(p)      __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v)  __atomic_store_n(p, v, __ATOMIC_RELEASE)

/* ----------------------------------------------------------- handler */

/* The slot whose mapping holds addr, or NULL. */
static slot *find (uintptr_t addr) {
  chunk *c;
  int i;
  for (c = LOAD(&record); c != NULL; c = c->next)
    for (i = 0; i < SLOTS; i++) {
      uintptr_t start = LOAD(&c->s[i].start);
      if (start != 0 && addr >= start && addr < LOAD(&c->s[i].end))
        return &c->s[i];
    }
  return NULL;
}

/* Zero pages over the part of s's mapping that holds addr and was lost;
** the region is marked lost.  0, or -1 when the pages cannot be had. */
static int replace (slot *s, uintptr_t addr) {
  wshm_region *r = s->r;
  uintptr_t from = addr & ~(pagesize - 1), end = LOAD(&s->end);
  struct stat st;
  if (fstat((int)r->handle, &st) == 0 && st.st_size >= 0) {
    uintptr_t eof = s->start
        + (((uintptr_t)st.st_size + pagesize - 1) & ~(pagesize - 1));
    if (eof < from) from = eof;
  }
  if (mmap((void *)from, end - from,
           r->writable ? PROT_READ | PROT_WRITE : PROT_READ,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
    return -1;
  r->base = NULL;
  r->lost = 1;
  return 0;
}

/* What SIGBUS would have done without winshm. */
static void chain (int sig, siginfo_t *info, void *ctx) {
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, ctx);
    return;
  }
  if (previous.sa_handler == SIG_IGN && info->si_code <= 0)
    return;  /* an ignored kill(); a fault cannot be ignored */
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  /* The default action: a fault happens again on return and a sent
     signal is raised again (delivered once this handler returns). */
  sigaction(sig, &previous, NULL);
  if (info->si_code <= 0)
    raise(sig);
}

static void onbus (int sig, siginfo_t *info, void *ctx) {
  int saved = errno;
  /* BUS_ADRERR: a page past the end of the object behind it */
  slot *s = info->si_code == BUS_ADRERR ? find((uintptr_t)info->si_addr)
                                        : NULL;
  if (s == NULL || replace(s, (uintptr_t)info->si_addr) != 0)
    chain(sig, info, ctx);
  errno = saved;
}

/*
** Install the handler, once per process.  The module is pinned in
** memory first: unloading it (lua_close does) must never leave the
** handler pointing at unmapped code.
*/
static void install (void) {
  struct sigaction sa;
  Dl_info self;
  long ps = sysconf(_SC_PAGESIZE);
  if (ps > 0) pagesize = (uintptr_t)ps;
  if (dladdr((void *)install, &self) != 0 && self.dli_fname != NULL)
    dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = onbus;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGBUS, &sa, &previous) != 0)
    installerr = errno;
}

/* ------------------------------------------------------------ record */

/* A free slot, claimed; a new chunk when every slot is taken. */
static slot *claim (void) {
  chunk *c, *head;
  int i;
  for (c = LOAD(&record); c != NULL; c = c->next)
    for (i = 0; i < SLOTS; i++) {
      int expect = 0;
      if (__atomic_compare_exchange_n(&c->s[i].claimed, &expect, 1, 0,
                                      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        return &c->s[i];
    }
  if ((c = (chunk *)calloc(1, sizeof(*c))) == NULL)
    return NULL;
  c->s[0].claimed = 1;
  head = LOAD(&record);
  do c->next = head;
  while (!__atomic_compare_exchange_n(&record, &head, c, 0,
                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
  return &c->s[0];
}

int wshm_posix_track (wshm_region *r) {
  slot *s;
  pthread_once(&installed, install);
  if (installerr != 0) return installerr;
  if ((s = claim()) == NULL) return ENOMEM;
  s->r = r;
  STORE(&s->end, (uintptr_t)r->map + (uintptr_t)r->size);
  STORE(&s->start, (uintptr_t)r->map);
  r->fault = s;
  return 0;
}

void wshm_posix_untrack (wshm_region *r) {
  slot *s = (slot *)r->fault;
  if (s == NULL) return;
  r->fault = NULL;
  STORE(&s->start, (uintptr_t)0);
  STORE(&s->end, (uintptr_t)0);
  s->r = NULL;
  STORE(&s->claimed, 0);
}
