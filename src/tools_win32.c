/*
** tools_win32.c -- shm._sys for the command-line tools on Windows (see
** tools_posix.c).  Windows has no directory of mappings to scan here:
** scandir says so.
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

static int sys_isatty (lua_State *L) {
  lua_pushboolean(L, _isatty(_fileno(stdout)));
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
