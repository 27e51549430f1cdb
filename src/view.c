/* view.c -- placeholder until views land. */
#include "winshm.h"

int wshm_link_get (lua_State *L) {
  wshm_checklink(L, 1);
  return luaL_error(L, "views are not available yet");
}

int wshm_link_get_mut (lua_State *L) {
  return wshm_link_get(L);
}

int wshm_link_view (lua_State *L) {
  return wshm_link_get(L);
}

void wshm_open_view (lua_State *L) {
  (void)L;
}
