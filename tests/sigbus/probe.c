/*
** probe.c -- the Lua module sigbus_probe, for tests/truncation_spec.lua:
** what a C program around winshm may do with SIGBUS.
**
**   install()  a SIGBUS handler of the program's own: it writes
**              "own handler" and ends the process with status 42
**   fault()    touch a mapping of an empty file: SIGBUS outside any
**              winshm mapping
*/
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

int luaopen_sigbus_probe (lua_State *L);

static void own (int sig, siginfo_t *info, void *ctx) {
  static const char msg[] = "own handler\n";
  (void)sig; (void)info; (void)ctx;
  if (write(1, msg, sizeof(msg) - 1) < 0) _exit(43);
  _exit(42);
}

static int install (lua_State *L) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = own;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  lua_pushboolean(L, sigaction(SIGBUS, &sa, NULL) == 0);
  return 1;
}

static int fault (lua_State *L) {
  char path[] = "/tmp/wshmbusXXXXXX";
  int fd = mkstemp(path);
  volatile const char *p;
  if (fd < 0) return luaL_error(L, "mkstemp failed");
  unlink(path);
  p = (volatile const char *)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
  if ((void *)p == MAP_FAILED) return luaL_error(L, "mmap failed");
  lua_pushinteger(L, p[0]);  /* past the end of the (empty) file */
  return 1;
}

static const luaL_Reg funcs[] = {
  {"install", install},
  {"fault", fault},
  {NULL, NULL}
};

int luaopen_sigbus_probe (lua_State *L) {
  luaL_newlib(L, funcs);
  return 1;
}
