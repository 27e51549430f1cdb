/*
** support.c -- the Lua helpers every subject uses (support.h).
*/
#include <string.h>

#include "support.h"

void wshm_newmeta (lua_State *L, const char *tname, const luaL_Reg *meta,
                   const luaL_Reg *m) {
  luaL_newmetatable(L, tname);
  luaL_setfuncs(L, meta, 0);
  if (m != NULL) {
    lua_newtable(L);
    luaL_setfuncs(L, m, 0);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
}

void wshm_checkkeys (lua_State *L, int idx, const char *const names[],
                     const char *what, int array) {
  lua_Integer n = array ? (lua_Integer)lua_rawlen(L, idx) : 0;
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int i, ok = 0;
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      size_t len;
      const char *k = lua_tolstring(L, -1, &len);
      for (i = 0; names[i] != NULL && !ok; i++)
        ok = strlen(names[i]) == len && memcmp(k, names[i], len) == 0;
      if (!ok)
        luaL_error(L, "invalid field name '%s' in %s", k, what);
    }
    else if (lua_isinteger(L, -1)) {
      lua_Integer k = lua_tointeger(L, -1);
      if (k < 1 || k > n)
        luaL_error(L, "invalid index %I in %s", k, what);
    }
    else
      luaL_error(L, "invalid key of type %s in %s", luaL_typename(L, -1), what);
  }
}

unsigned wshm_optmode (lua_State *L, int idx) {
  lua_Integer m;
  int t = lua_getfield(L, idx, "mode");
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return WSHM_DEFAULT_MODE;
  }
  m = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
  if (m < 0 || m > 0777)
    luaL_argerror(L, idx, "opts.mode must be an integer from 0 to 0x1FF "
                  "(octal 0777)");
  lua_pop(L, 1);
  return (unsigned)m;
}

void wshm_intrange (size_t size, int issigned, lua_Integer *lo,
                    lua_Integer *hi) {
  int bits = size >= 8 ? 64 : (int)size * 8;
  if (bits >= 64) {
    *lo = LUA_MININTEGER;
    *hi = LUA_MAXINTEGER;
  }
  else if (issigned) {
    *lo = -((lua_Integer)1 << (bits - 1));
    *hi = ((lua_Integer)1 << (bits - 1)) - 1;
  }
  else {
    *lo = 0;
    *hi = ((lua_Integer)1 << bits) - 1;
  }
}

const char *wshm_intname (size_t size, int issigned) {
  static const char *const names[2][4] = {
    {"uint8_t", "uint16_t", "uint32_t", "uint64_t"},
    {"int8_t", "int16_t", "int32_t", "int64_t"}
  };
  int i = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  return names[issigned != 0][i];
}

/* The registry key of the cached scratch box. */
static const char SCRATCH = 's';

void *wshm_scratch (lua_State *L, size_t n) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRATCH) == LUA_TUSERDATA
      && lua_rawlen(L, -1) >= n) {
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &SCRATCH);  /* taken */
    return lua_touserdata(L, -1);
  }
  lua_pop(L, 1);
  return lua_newuserdatauv(L, n > 0 ? n : 1, 0);
}

void wshm_unscratch (lua_State *L, int idx) {
  if (lua_rawlen(L, idx) > WSHM_SCRATCHKEEP) return;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRATCH) == LUA_TUSERDATA
      && lua_rawlen(L, -1) >= lua_rawlen(L, idx)) {
    lua_pop(L, 1);  /* the cache holds a bigger one already */
    return;
  }
  lua_pop(L, 1);
  lua_pushvalue(L, idx);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &SCRATCH);
}

/* The finalizer of a pin's sentinel; upvalue 1 is the pin. */
static int unpin (lua_State *L) {
  wshm_pin *p = (wshm_pin *)lua_touserdata(L, lua_upvalueindex(1));
  int i;
  p->obj = NULL;
  p->armed = 0;
  for (i = 1; lua_getiuservalue(L, lua_upvalueindex(1), i) != LUA_TNONE; i++) {
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_setiuservalue(L, lua_upvalueindex(1), i);
  }
  return 0;
}

void *wshm_newpin (lua_State *L, size_t size, int n) {
  void *p = lua_newuserdatauv(L, size, n);
  memset(p, 0, size);
  return p;
}

void wshm_pinto (lua_State *L, int pidx, int i1, int i2) {
  wshm_pin *p = (wshm_pin *)lua_touserdata(L, pidx);
  pidx = lua_absindex(L, pidx);
  i1 = lua_absindex(L, i1);
  if (i2 != 0) i2 = lua_absindex(L, i2);
  if (!p->armed) {  /* leave an unreachable object whose finalizer is unpin */
    lua_newuserdatauv(L, 0, 0);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, pidx);
    lua_pushcclosure(L, unpin, 1);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    p->armed = 1;
  }
  lua_pushvalue(L, i1);
  lua_setiuservalue(L, pidx, 1);
  if (i2 != 0) {
    lua_pushvalue(L, i2);
    lua_setiuservalue(L, pidx, 2);
  }
  p->obj = lua_topointer(L, i1);
}
