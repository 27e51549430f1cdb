/*
** record.c -- shm.record and shm.recording: recordings are Lua
** (lua/winshm/record.lua, embedded); this is their entry in the module
** table, as cdef.c is shm.cdef's.  Also the hidden table shm._rec of
** what that Lua needs from C: the frame codec (delta.c) and viewinfo.
*/
#include "winshm.h"
#include "view.h"
#include "delta.h"

/* Call winshm.record's function 'fn' with the module table and the
** arguments 1..n; return what it returns. */
static int callrecord (lua_State *L, const char *fn, int n) {
  lua_settop(L, n);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "winshm.record");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, fn);
  lua_remove(L, -2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_rotate(L, 1, 2);   /* fn, module, args... */
  lua_call(L, n + 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* shm.record(path, view [, opts]) -> recorder | nil, err */
static int l_record (lua_State *L) {
  luaL_checkstring(L, 1);
  luaL_checkany(L, 2);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  return callrecord(L, "record", 3);
}

/* shm.recording(path) -> recording | nil, err */
static int l_recording (lua_State *L) {
  luaL_checkstring(L, 1);
  return callrecord(L, "recording", 1);
}

/*
** _rec.viewinfo(view) -> link, layout, offset: what a recorder records
** of a view of a whole layout (not an array view).
*/
static int l_viewinfo (lua_State *L) {
  const wshm_view *v = wshm_checkview(L, 1);
  luaL_argcheck(L, v->fld == NULL, 1, "a view of a whole layout expected, "
                "not of an array");
  lua_getiuservalue(L, 1, VUV_LINK);
  lua_getiuservalue(L, 1, VUV_LAYOUT);
  lua_pushinteger(L, (lua_Integer)(v->data - v->r->base));
  return 3;
}

void wshm_open_record (lua_State *L) {
  lua_pushvalue(L, -1);  /* the module table */
  lua_pushcclosure(L, l_record, 1);
  lua_setfield(L, -2, "record");
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, l_recording, 1);
  lua_setfield(L, -2, "recording");
  wshm_open_delta(L);
  lua_pushcfunction(L, l_viewinfo);
  lua_setfield(L, -2, "viewinfo");
  lua_setfield(L, -2, "_rec");
}
