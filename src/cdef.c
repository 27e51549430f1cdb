/*
** cdef.c -- shm.cdef: the parser is Lua (lua/winshm/cdef.lua, embedded);
** this is its entry in the module table.  The module table is the
** closure's upvalue, so cdef builds its layouts with the same shm.struct
** and shm.union as everyone else.
*/
#include "winshm.h"

/* shm.cdef(source [, opts]) -> { [name] = layout, ..., constants, notes } */
static int l_cdef (lua_State *L) {
  luaL_checkstring(L, 1);
  if (!lua_isnoneornil(L, 2))
    luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "winshm.cdef");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "cdef");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_call(L, 3, 1);
  return 1;
}

void wshm_open_cdef (lua_State *L) {
  lua_pushvalue(L, -1);  /* the module table */
  lua_pushcclosure(L, l_cdef, 1);
  lua_setfield(L, -2, "cdef");
}
