/*
** tools_win32.c -- shm._sys for the command-line tools on Windows (see
** tools_posix.c).  Windows has no directory of mappings to scan here:
** scandir says so.  isatty also switches the console to ANSI escapes.
*/
#include <io.h>
#include <stdio.h>
#include <windows.h>

#include "winshm.h"

static int sys_sleep (lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  if (s > 0) Sleep((DWORD)(s * 1000));
  return 0;
}

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

/* A console that understands ANSI escapes: true once VT processing is on
** (Windows 10 and later); false for files, pipes and older consoles. */
static int sys_isatty (lua_State *L) {
  HANDLE h = GetStdHandle(STD_OUTPUT_HANDLE);
  DWORD mode;
  int ok = _isatty(_fileno(stdout)) && GetConsoleMode(h, &mode)
           && ((mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)
               || SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING));
  lua_pushboolean(L, ok);
  return 1;
}

static int sys_scandir (lua_State *L) {
  luaL_checkstring(L, 1);
  luaL_pushfail(L);
  lua_pushliteral(L, "not available on Windows");
  return 2;
}

static const luaL_Reg sysfuncs[] = {
  {"sleep", sys_sleep},
  {"isatty", sys_isatty},
  {"scandir", sys_scandir},
  {NULL, NULL}
};

void wshm_open_tools (lua_State *L) {
  luaL_newlib(L, sysfuncs);
  lua_setfield(L, -2, "_sys");
}
