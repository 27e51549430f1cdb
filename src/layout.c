/* layout.c -- placeholder until layouts land: no value is a layout yet. */
#include "winshm.h"

lua_Integer wshm_layoutsize (lua_State *L, int idx) {
  (void)L; (void)idx;
  return -1;
}

void wshm_open_layout (lua_State *L) {
  (void)L;
}
