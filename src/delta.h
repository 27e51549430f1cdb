/*
** delta.h -- the frame codec of recordings (delta.c).
*/
#ifndef WSHM_DELTA_H
#define WSHM_DELTA_H

#include "lua.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

/* Push a table of the codec's functions: encode, undelta, crc32. */
void wshm_open_delta (lua_State *L);

WSHM_HIDE_END

#endif
