/*
** standins.c -- the two C modules busted needs, for a Windows lua.exe:
** 'system.core' (gettime, monotime, sleep) and 'term.core' (isatty).
** Built as one DLL installed under both names.
*/
#include <windows.h>
#include <io.h>
#include <stdio.h>

#include "lua.h"
#include "lauxlib.h"

__declspec(dllexport) int luaopen_system_core (lua_State *L);
__declspec(dllexport) int luaopen_term_core (lua_State *L);

/* Seconds since 1970 as a float, from the system clock. */
static int s_gettime (lua_State *L) {
  FILETIME ft;
  ULARGE_INTEGER t;
  GetSystemTimeAsFileTime(&ft);
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  lua_pushnumber(L, (double)(t.QuadPart - 116444736000000000ULL) / 1e7);
  return 1;
}

/* Seconds from an arbitrary start, monotonic. */
static int s_monotime (lua_State *L) {
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  lua_pushnumber(L, (double)c.QuadPart / (double)f.QuadPart);
  return 1;
}

static int s_sleep (lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  Sleep(s > 0 ? (DWORD)(s * 1000.0 + 0.5) : 0);
  return 0;
}

static int t_isatty (lua_State *L) {
  FILE **f = (FILE **)luaL_checkudata(L, 1, LUA_FILEHANDLE);
  lua_pushboolean(L, _isatty(_fileno(*f)));
  return 1;
}

static const luaL_Reg system_funcs[] = {
  {"gettime", s_gettime}, {"monotime", s_monotime}, {"sleep", s_sleep},
  {NULL, NULL}
};

static const luaL_Reg term_funcs[] = {
  {"isatty", t_isatty}, {NULL, NULL}
};

int luaopen_system_core (lua_State *L) {
  luaL_newlib(L, system_funcs);
  return 1;
}

int luaopen_term_core (lua_State *L) {
  luaL_newlib(L, term_funcs);
  return 1;
}
