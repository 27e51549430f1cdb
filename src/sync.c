/* sync.c -- placeholder until mutexes and events land. */
#include "winshm.h"

void wshm_open_sync (lua_State *L) {
  (void)L;
}
