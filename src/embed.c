/*
** embed.c -- the Lua parts of winshm (the files under lua/winshm) are compiled into
** the module, so 'require "winshm.cdef"' works with no LUA_PATH, from the
** build tree, installed, and inside the host executable.
*/
#include <string.h>

#include "winshm.h"
#include "embedded.h"

static int loadembedded (lua_State *L) {
  const wshm_embedded *m =
      &wshm_embedded_modules[lua_tointeger(L, lua_upvalueindex(1))];
  if (luaL_loadbuffer(L, m->src, m->len, m->chunk) != LUA_OK)
    return lua_error(L);
  lua_pushvalue(L, 1);  /* module name */
  lua_call(L, 1, 1);
  return 1;
}

/* package.preload[name] for each embedded module not preloaded already.
** Leaves the stack as it found it, with or without a package library. */
void wshm_open_embedded (lua_State *L) {
  int i, top = lua_gettop(L);
  if (lua_getglobal(L, "package") != LUA_TTABLE
      || lua_getfield(L, -1, "preload") != LUA_TTABLE) {
    lua_settop(L, top);
    return;  /* no package library: nothing to hook into */
  }
  for (i = 0; wshm_embedded_modules[i].name != NULL; i++) {
    const char *name = wshm_embedded_modules[i].name;
    if (lua_getfield(L, -1, name) == LUA_TNIL) {
      lua_pushinteger(L, i);
      lua_pushcclosure(L, loadembedded, 1);
      lua_setfield(L, -3, name);
    }
    lua_pop(L, 1);
  }
  lua_settop(L, top);
}
