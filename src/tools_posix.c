/*
** tools_posix.c -- the few system calls the command-line tools
** (lua/winshm/tools.lua) need and Lua lacks, as the hidden table shm._sys:
**
**   _sys.sleep(seconds)   pause (fractions allowed, 0 to 1e6)
**   _sys.isatty([fd])     is standard output (fd 1, the default) or
**                         standard error (fd 2) a terminal?
**   _sys.clock()          seconds of a monotonic clock (any origin)
**   _sys.time()           seconds since 1970-01-01 UTC, with fractions
**   _sys.pid()            this process's id
**   _sys.create(path)     a new file, open for writing: a Lua file |
**                         nil, message (never an existing file, nor
**                         through a symbolic link)
**   _sys.scandir(dir)     { {name=, size=, mode=, uid=, owner=, dir=,
**                            dev=, ino=}, ... } | nil, message
**   _sys.stat(path [, nofollow]) -> an entry as scandir gives them (name
**                         = path), following a symbolic link unless
**                         nofollow | nil, message
**
** Not part of the public API (API.md); the tools are its only users.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "winshm.h"
#include "tools.h"

static int sys_sleep (lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  struct timespec ts;
  luaL_argcheck(L, s >= 0 && s <= WSHM_MAXSLEEP, 1, "seconds from 0 to 1e6 expected");
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (lua_Number)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
  return 0;
}

static int sys_isatty (lua_State *L) {
  lua_Integer fd = luaL_optinteger(L, 1, 1);
  luaL_argcheck(L, fd == 1 || fd == 2, 1, "1 or 2 expected");
  lua_pushboolean(L, isatty(fd == 1 ? STDOUT_FILENO : STDERR_FILENO));
  return 1;
}

static int pushclock (lua_State *L, clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
  return 1;
}

static int sys_clock (lua_State *L) {
  return pushclock(L, CLOCK_MONOTONIC);
}

static int sys_time (lua_State *L) {
  return pushclock(L, CLOCK_REALTIME);
}

static int sys_pid (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)getpid());
  return 1;
}

/* Push a table describing the directory entry 'name' with status st. */
static void pushentry (lua_State *L, const char *name, const struct stat *st) {
  struct passwd *pw = getpwuid(st->st_uid);
  char dev[32];
  lua_createtable(L, 0, 8);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  lua_pushinteger(L, (lua_Integer)st->st_size);
  lua_setfield(L, -2, "size");
  lua_pushinteger(L, (lua_Integer)(st->st_mode & 07777));
  lua_setfield(L, -2, "mode");
  lua_pushinteger(L, (lua_Integer)st->st_uid);
  lua_setfield(L, -2, "uid");
  if (pw != NULL) lua_pushstring(L, pw->pw_name);
  else lua_pushfstring(L, "%d", (int)st->st_uid);
  lua_setfield(L, -2, "owner");
  lua_pushboolean(L, S_ISDIR(st->st_mode));
  lua_setfield(L, -2, "dir");
  /* the device as /proc/locks spells it: "major:minor" in hex */
  snprintf(dev, sizeof(dev), "%02x:%02x", major(st->st_dev),
           minor(st->st_dev));
  lua_pushstring(L, dev);
  lua_setfield(L, -2, "dev");
  lua_pushinteger(L, (lua_Integer)st->st_ino);
  lua_setfield(L, -2, "ino");
}

/* The entries of a directory (not following symbolic links), unsorted. */
static int sys_scandir (lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;
  if (d == NULL) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", dir, strerror(errno));
    return 2;
  }
  lua_newtable(L);
  while ((de = readdir(d)) != NULL) {
    struct stat st;
    const char *path;
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    path = lua_pushfstring(L, "%s/%s", dir, de->d_name);
    if (lstat(path, &st) == 0) {
      pushentry(L, de->d_name, &st);
      lua_rawseti(L, -3, ++n);
    }
    lua_pop(L, 1);
  }
  closedir(d);
  return 1;
}

static int sys_stat (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  if ((lua_toboolean(L, 2) ? lstat(path, &st) : stat(path, &st)) != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  pushentry(L, path, &st);
  return 1;
}

static int sys_create (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_Stream *p = wshm_newstream(L);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (f == NULL) {
    int e = errno;
    if (fd >= 0) close(fd);
    errno = e;
    return luaL_fileresult(L, 0, path);
  }
  wshm_streamset(p, f);
  return 1;
}

static const luaL_Reg sysfuncs[] = {
  {"sleep", sys_sleep},
  {"isatty", sys_isatty},
  {"clock", sys_clock},
  {"time", sys_time},
  {"pid", sys_pid},
  {"create", sys_create},
  {"scandir", sys_scandir},
  {"stat", sys_stat},
  {NULL, NULL}
};

void wshm_open_tools (lua_State *L) {
  luaL_newlib(L, sysfuncs);
  lua_setfield(L, -2, "_sys");
}
