/*
** names.h -- checking the names of regions, mutexes and events (names.c):
** the portable half; the platform half is wshm_os_checkname (backend.h).
*/
#ifndef WINSHM_NAMES_H
#define WINSHM_NAMES_H

#include <stddef.h>

#include "lua.h"
#include "backend.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

/* Check a region/mutex/event name; 1, or 0 and e (InvalidName). */
int wshm_checkname (const char *name, size_t len, wshm_err *e);

/* shm._objname, for the tools. */
void wshm_open_names (lua_State *L);

WSHM_HIDE_END

#endif
