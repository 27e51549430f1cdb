/*
** openlibs.c -- luaL_openlibs for the Windows host (winshm.exe), whose Lua
** is linked in statically: a separate lpeg.dll would bring a second copy
** of Lua, so LPeg is linked in too.  Lua's own linit.c is compiled with
** its luaL_openlibs renamed to wshm_openlibs_std; this one calls it and
** then puts "lpeg" and "re" (LPeg's re.lua, compiled in) into
** package.preload.
*/
#include "lua.h"
#include "lualib.h"
#include "lauxlib.h"
#include "embedded.h"

int luaopen_lpeg (lua_State *L);
void wshm_openlibs_std (lua_State *L);

extern const wshm_embedded wshm_win_lpeg_modules[];

static int loadre (lua_State *L) {
  const wshm_embedded *m = &wshm_win_lpeg_modules[0];
  if (luaL_loadbuffer(L, m->src, m->len, m->chunk) != LUA_OK)
    return lua_error(L);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

LUALIB_API void luaL_openlibs (lua_State *L) {
  wshm_openlibs_std(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_lpeg);
  lua_setfield(L, -2, "lpeg");
  lua_pushcfunction(L, loadre);
  lua_setfield(L, -2, "re");
  lua_pop(L, 1);
}
