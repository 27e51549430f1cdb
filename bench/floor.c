/*
** floor.c -- the benchmark's floor: the cheapest possible field access from
** Lua.  A userdata whose __index returns the uint32 at a fixed offset with
** no lookup at all, and whose __newindex stores one.  Also C loops of the
** system calls and lock calls winshm makes, so each ratio compares winshm
** with the same work done without it, and the clocks the benchmark reads.
** Not part of the module.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

__attribute__((visibility("default"))) int luaopen_bench_floor (lua_State *L);

static int floor_index (lua_State *L) {
  uint32_t v;
  memcpy(&v, lua_touserdata(L, 1), sizeof(v));
  lua_pushinteger(L, v);
  return 1;
}

static int floor_newindex (lua_State *L) {
  uint32_t v = (uint32_t)lua_tointeger(L, 3);
  memcpy(lua_touserdata(L, 1), &v, sizeof(v));
  return 0;
}

static int floor_new (lua_State *L) {
  void *p = lua_newuserdatauv(L, 64, 0);
  memset(p, 0, 64);
  luaL_setmetatable(L, "bench.floor");
  return 1;
}

static double clock_of (clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall-clock seconds: for what spans processes (the ping-pong). */
static double now (void) {
  return clock_of(CLOCK_MONOTONIC);
}

/* Seconds of CPU this thread used, in user and kernel mode: time slices
** another process got on a busy machine do not count. */
static double cpu (void) {
  return clock_of(CLOCK_THREAD_CPUTIME_ID);
}

/*
** open_loop(name, n): n cycles of the system calls winshm makes to open
** and close an existing managed region (open, fstat, flock probe, shared
** flock, stat to re-check the name, mmap; munmap, flock release, flock
** probe, close).  Returns seconds per cycle.
*/
static int open_loop (lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_Integer i, n = luaL_checkinteger(L, 2);
  char path[512];
  double t0;
  snprintf(path, sizeof(path), "/dev/shm/%s", name);
  t0 = cpu();
  for (i = 0; i < n; i++) {
    struct stat st, st2;
    void *p;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return luaL_error(L, "open_loop: cannot open %s", path);
    fstat(fd, &st);
    flock(fd, LOCK_EX | LOCK_NB);
    flock(fd, LOCK_SH | LOCK_NB);
    fstat(fd, &st);
    stat(path, &st2);
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    munmap(p, (size_t)st.st_size);
    flock(fd, LOCK_UN);
    flock(fd, LOCK_EX | LOCK_NB);
    close(fd);
  }
  lua_pushnumber(L, (cpu() - t0) / (double)n);
  return 1;
}

/*
** create_loop(name, n): n cycles of the system calls winshm makes to
** create a managed region of one page and close it as its last holder
** (an unnamed tmpfs file, its mode, a shared flock, its size, mmap, then
** linked under its name; munmap, flock release, exclusive flock probe,
** fstat and stat to check it is still the named file, unlink, close).
** Seconds per cycle.
*/
static int create_loop (lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_Integer i, n = luaL_checkinteger(L, 2);
  char path[512], self[64];
  double t0;
  snprintf(path, sizeof(path), "/dev/shm/%s", name);
  t0 = cpu();
  for (i = 0; i < n; i++) {
    struct stat st, st2;
    void *p;
    int fd = open("/dev/shm/", O_RDWR | O_CLOEXEC | O_TMPFILE, 0600);
    if (fd < 0) return luaL_error(L, "create_loop: no O_TMPFILE in /dev/shm");
    fchmod(fd, 01600);
    flock(fd, LOCK_SH);
    if (ftruncate(fd, 4096) != 0)
      return luaL_error(L, "create_loop: ftruncate failed");
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0)
      return luaL_error(L, "create_loop: cannot link %s", path);
    munmap(p, 4096);
    flock(fd, LOCK_UN);
    flock(fd, LOCK_EX | LOCK_NB);
    fstat(fd, &st);
    stat(path, &st2);
    unlink(path);
    close(fd);
  }
  lua_pushnumber(L, (cpu() - t0) / (double)n);
  return 1;
}

/* mutex_loop(n): n lock+unlock pairs of a process-shared robust
** pthread mutex.  Seconds per pair. */
static int mutex_loop (lua_State *L) {
  lua_Integer i, n = luaL_checkinteger(L, 1);
  pthread_mutexattr_t a;
  pthread_mutex_t m;
  double t0;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&m, &a);
  t0 = cpu();
  for (i = 0; i < n; i++) {
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
  }
  lua_pushnumber(L, (cpu() - t0) / (double)n);
  pthread_mutex_destroy(&m);
  return 1;
}

static int l_now (lua_State *L) {
  lua_pushnumber(L, now());
  return 1;
}

static int l_cpu (lua_State *L) {
  lua_pushnumber(L, cpu());
  return 1;
}

static const luaL_Reg meta[] = {
  {"__index", floor_index},
  {"__newindex", floor_newindex},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"new", floor_new},
  {"open_loop", open_loop},
  {"create_loop", create_loop},
  {"mutex_loop", mutex_loop},
  {"now", l_now},
  {"cpu", l_cpu},
  {NULL, NULL}
};

int luaopen_bench_floor (lua_State *L) {
  luaL_newmetatable(L, "bench.floor");
  luaL_setfuncs(L, meta, 0);
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  return 1;
}
