/* atomic.c -- placeholder until atomics land. */
#include "winshm.h"

void wshm_open_atomic (lua_State *L) {
  (void)L;
}
