/*
** errors.h -- the one helper that turns an operating-system failure into
** 'nil, err' (errors.c), in the spirit of luaL_fileresult.
*/
#ifndef WINSHM_ERRORS_H
#define WINSHM_ERRORS_H

#include "lua.h"
#include "backend.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

#define WSHM_ERROR      "winshm.error"

/* Push nil and the error table {kind, code, errno, name, message} for e
** about the object whose name (as the caller gave it) is at stack index
** nameidx (0: none); returns 2.  tostring(err) is the message. */
int wshm_pusherror (lua_State *L, const wshm_err *e, int nameidx);

/* Fill e with a non-system error (sys = 0) of kind/code and message. */
void wshm_seterr (wshm_err *e, const char *kind, const char *code,
                  const char *fmt, ...);

/* The error metatable. */
void wshm_open_errors (lua_State *L);

WSHM_HIDE_END

#endif
