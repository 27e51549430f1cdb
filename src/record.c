/*
** record.c -- shm.record and shm.recording: recordings are Lua
** (lua/winshm/record.lua, embedded); this is their entry in the module
** table, as cdef.c is shm.cdef's.  Also the hidden table shm._rec of
** what that Lua needs from C: the frame codec (delta.c), viewinfo, and
** a frame's bytes as a table (the core's codec) and a field's bytes.
*/
#include <string.h>

#include "winshm.h"
#include "codec.h"
#include "layout.h"
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

/*
** _rec.decode(layout, bytes [, into]) -> table: a frame's bytes as
** shm.read gives a view of the layout ('into' refilled as shm.read does).
** The bytes are a Lua string held on the stack: no mapping is read.
*/
static int l_decode (lua_State *L) {
  const wshm_layout *lay = wshm_checklayout(L, 1);
  size_t n;
  const char *bytes = luaL_checklstring(L, 2, &n);
  wshm_span s;
  int into = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    into = 3;
  }
  luaL_argcheck(L, n == lay->size, 2, "as many bytes as the layout has expected");
  lua_settop(L, 3);
  memset(&s, 0, sizeof(s));
  s.lay = lay;
  s.size = lay->size;
  wshm_decode(L, 1, &s, (const unsigned char *)bytes, into);
  return 1;
}

/* _rec.span(layout, path) -> offset, size: the bytes of a field. */
static int l_span (lua_State *L) {
  const wshm_layout *lay = wshm_checklayout(L, 1);
  size_t off = 0;
  int levels = 0;
  const wshm_field *f;
  luaL_checkstring(L, 2);
  f = wshm_walkpath(L, lay, 2, &off, &levels);
  lua_pushinteger(L, (lua_Integer)off);
  lua_pushinteger(L, (lua_Integer)(levels > 0 ? f->stride[levels - 1] : f->size));
  return 2;
}

static const luaL_Reg recfuncs[] = {
  {"viewinfo", l_viewinfo},
  {"decode", l_decode},
  {"span", l_span},
  {NULL, NULL}
};

void wshm_open_record (lua_State *L) {
  lua_pushvalue(L, -1);  /* the module table */
  lua_pushcclosure(L, l_record, 1);
  lua_setfield(L, -2, "record");
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, l_recording, 1);
  lua_setfield(L, -2, "recording");
  wshm_open_delta(L);
  luaL_setfuncs(L, recfuncs, 0);
  lua_setfield(L, -2, "_rec");
}
