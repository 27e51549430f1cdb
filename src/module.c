/*
** module.c -- luaopen_winshm: builds the module table from its subjects,
** lowest layer first, and shm.type.  It only wires: nothing calls into it.
*/
#include <string.h>

#include "winshm.h"
#include "layout.h"
#include "link.h"
#include "view.h"

/* The name shm.type gives the value at idx, or NULL. */
static const char *typeof_ (lua_State *L, int idx) {
  static const char *const known[] = {
    "winshm.mutex", "mutex", "winshm.event", "event", NULL
  };
  const char *tn, *res = NULL;
  int i;
  wshm_link *k;
  if (lua_type(L, idx) != LUA_TUSERDATA) return NULL;
  if ((k = wshm_tolink(L, idx)) != NULL)
    return k->r.base == NULL ? "closed link" : "link";
  if (wshm_toview(L, idx) != NULL) return "view";
  if (wshm_tolayout(L, idx) != NULL) return "layout";
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
  t = typeof_(L, 1);
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
  luaL_checkversion(L);
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
  wshm_open_layout(L);
  wshm_open_link(L);
  wshm_open_view(L);
  wshm_open_copy(L);
  wshm_open_reader(L);
  wshm_open_atomic(L);
  wshm_open_consistent(L);
  wshm_open_sync(L);
  wshm_open_cdef(L);
  wshm_open_tools(L);
  wshm_open_embedded(L);
  return 1;
}
