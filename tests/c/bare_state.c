/*
** bare_state.c -- opens winshm in a Lua state that has only the base
** library (no package, no string library): luaopen_winshm must return
** the module table and leave the stack as it found it.  Prints "ok", or
** what went wrong.  Built and run by tests/loading_spec.lua.
*/
#include <stdio.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

int luaopen_winshm (lua_State *L);

int main (void) {
  lua_State *L = luaL_newstate();
  int top;
  luaL_requiref(L, "_G", luaopen_base, 1);
  lua_pop(L, 1);
  top = lua_gettop(L);
  lua_pushcfunction(L, luaopen_winshm);
  if (lua_pcall(L, 0, LUA_MULTRET, 0) != LUA_OK) {
    printf("error: %s\n", lua_tostring(L, -1));
    return 1;
  }
  if (lua_gettop(L) != top + 1 || !lua_istable(L, -1)) {
    printf("luaopen_winshm left %d values, the last a %s\n",
           lua_gettop(L) - top, luaL_typename(L, -1));
    return 1;
  }
  lua_getfield(L, -1, "_VERSION");
  if (!lua_isstring(L, -1)) {
    printf("no _VERSION in the module table\n");
    return 1;
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "struct");
  lua_newtable(L);                     /* shm.struct { { "a", "int32_t" } } */
  lua_newtable(L);
  lua_pushliteral(L, "a"); lua_rawseti(L, -2, 1);
  lua_pushliteral(L, "int32_t"); lua_rawseti(L, -2, 2);
  lua_rawseti(L, -2, 1);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    printf("shm.struct: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_close(L);
  printf("ok\n");
  return 0;
}
