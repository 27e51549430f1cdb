/* host.c -- minimal host: winshm script [args]. (Full lua.c behaviour follows.) */
#include <stdio.h>
#include "lua.h"
#include "lualib.h"
#include "lauxlib.h"

int luaopen_winshm (lua_State *L);

int main (int argc, char **argv) {
  lua_State *L = luaL_newstate();
  int i, status;
  luaL_openlibs(L);
  luaL_requiref(L, "winshm", luaopen_winshm, 0);
  lua_pop(L, 1);
  lua_createtable(L, argc, 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - 1);
  }
  lua_setglobal(L, "arg");
  status = LUA_OK;
  if (argc > 1 && (status = luaL_loadfile(L, argv[1])) == LUA_OK) {
    for (i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
    status = lua_pcall(L, argc - 2, 0, 0);
  }
  if (status != LUA_OK) fprintf(stderr, "%s\n", lua_tostring(L, -1));
  lua_close(L);
  return status == LUA_OK ? 0 : 1;
}
