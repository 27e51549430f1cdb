/* cdef.c -- placeholder until shm.cdef lands. */
#include "winshm.h"

void wshm_open_cdef (lua_State *L) {
  (void)L;
}
