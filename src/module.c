/*
** module.c -- luaopen_winshm: builds the module table from its subjects
** (link.c, layout.c, view.c, sync.c, atomic.c) and the shared helpers.
*/
#include <string.h>

#include "winshm.h"

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
      const char *k = lua_tostring(L, -1);
      for (i = 0; names[i] != NULL && !ok; i++)
        ok = strcmp(k, names[i]) == 0;
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

/* The name shm.type gives the userdata at idx, or NULL. */
const char *wshm_typename (lua_State *L, int idx) {
  static const char *const known[] = {
    "winshm.view", "view", "winshm.layout", "layout",
    "winshm.mutex", "mutex", "winshm.event", "event", NULL
  };
  const char *tn, *res = NULL;
  int i;
  wshm_link *k;
  if (lua_type(L, idx) != LUA_TUSERDATA) return NULL;
  if ((k = wshm_tolink(L, idx)) != NULL)
    return k->r.base == NULL ? "closed link" : "link";
  if (!lua_getmetatable(L, idx)) return NULL;
  lua_getfield(L, -1, "__name");
  tn = lua_tostring(L, -1);
  for (i = 0; tn != NULL && known[i] != NULL && res == NULL; i += 2)
    if (strcmp(tn, known[i]) == 0) res = known[i + 1];
  lua_pop(L, 2);
  return res;
}

static int l_type (lua_State *L) {
  const char *t;
  luaL_checkany(L, 1);
  t = wshm_typename(L, 1);
  if (t == NULL) luaL_pushfail(L);
  else lua_pushstring(L, t);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"type", l_type},
  {NULL, NULL}
};

/*
** One module table per Lua state, kept in the registry: a second load
** (the host's built-in module and a winshm.so on LUA_CPATH, or a
** re-require after package.loaded was cleared) returns the first table,
** so every object of a state is served by one copy of the code.
*/
int luaopen_winshm (lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, WSHM_MODULE) == LUA_TTABLE)
    return 1;
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, WSHM_MODULE);
  lua_pushliteral(L, WSHM_VERSION);
  lua_setfield(L, -2, "_VERSION");
  wshm_open_errors(L);
  wshm_open_names(L);
  wshm_open_link(L);
  wshm_open_layout(L);
  wshm_open_view(L);
  wshm_open_sync(L);
  wshm_open_atomic(L);
  wshm_open_cdef(L);
  wshm_open_record(L);
  wshm_open_tools(L);
  wshm_open_embedded(L);
  return 1;
}
