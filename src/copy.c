/*
** copy.c -- shm.read (a view as a plain table, deep, or refilled into an
** earlier result) and shm.write (a table into a view, deep and partial:
** every value is checked before any byte is written).
**
** A read copies the view's bytes out of the mapping first and decodes the
** copy; a write encodes the table into a plan first and applies it after
** checking the link is still open.  Between finding the bytes and the
** last access to them no Lua code runs.
*/
#include <string.h>

#include "lauxlib.h"
#include "winshm.h"
#include "codec.h"
#include "link.h"
#include "support.h"
#include "view.h"

/* The table 'into' at idx (none or nil: 0), checked. */
static int optinto (lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return 0;
  luaL_checktype(L, idx, LUA_TTABLE);
  return idx;
}

/* shm.read(view [, into]) -> table */
static int l_read (lua_State *L) {
  const wshm_view *v = wshm_checkview(L, 1);
  int into = optinto(L, 2);
  wshm_span s;
  unsigned char *copy;
  lua_settop(L, 2);
  wshm_view_span(L, 1, &s);            /* 3: the layout */
  copy = (unsigned char *)wshm_scratch(L, s.size);  /* 4 */
  if (!wshm_view_isopen(v))  /* the allocation ran a finalizer that closed it */
    return wshm_view_unusable(L, 1, 0);
  memcpy(copy, wshm_view_data(v), s.size);
  wshm_view_checklost(L, 1, v, 0);
  wshm_decode(L, 3, &s, copy, into);
  wshm_unscratch(L, 4);
  return 1;
}

/* shm.write(view, t) */
static int l_write (lua_State *L) {
  const wshm_view *v = wshm_checkview(L, 1);
  wshm_span s;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!wshm_view_writable(v))
    return luaL_error(L, "attempt to write %s through a read-only view",
                      wshm_view_label(L, v));
  lua_settop(L, 2);
  wshm_view_span(L, 1, &s);            /* 3: the layout */
  wshm_plan_new(L);                    /* 4 */
  wshm_encode(L, 3, &s, 2, 4);
  if (!wshm_view_isopen(v))  /* encoding ran Lua code that closed it */
    return wshm_view_unusable(L, 1, 0);
  wshm_plan_apply(L, 4, wshm_view_data(v));
  wshm_view_checklost(L, 1, v, 1);
  return 0;
}

static const luaL_Reg funcs[] = {
  {"read", l_read},
  {"write", l_write},
  {NULL, NULL}
};

void wshm_open_copy (lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
