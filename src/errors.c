/*
** errors.c -- the one helper that turns an OS failure into 'nil, err'.
** err is a table {kind, code, errno, name, message} (name: the object's
** name as the caller gave it) whose __tostring is
** the message, so assert(shm.open(...)) prints it.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "support.h"

void wshm_seterr (wshm_err *e, const char *kind, const char *code,
                  const char *fmt, ...) {
  va_list ap;
  e->kind = kind;
  e->code = code;
  e->sys = 0;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
}

static int err_tostring (lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "message");
  if (!lua_isstring(L, -1))
    lua_pushliteral(L, "winshm error");
  return 1;
}

/*
** Push nil and the error table; returns 2.  The message names the kind,
** the region and the portable code, so it reads well on its own.
*/
int wshm_pusherror (lua_State *L, const wshm_err *e, int nameidx) {
  nameidx = nameidx != 0 ? lua_absindex(L, nameidx) : 0;
  lua_pushnil(L);
  lua_createtable(L, 0, 5);
  lua_pushstring(L, e->kind);
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, e->code);
  lua_setfield(L, -2, "code");
  lua_pushinteger(L, (lua_Integer)e->sys);
  lua_setfield(L, -2, "errno");
  if (nameidx != 0)  /* the object's name as given, NUL bytes and all */
    lua_pushvalue(L, nameidx);
  else
    lua_pushliteral(L, "");
  lua_setfield(L, -2, "name");
  lua_pushstring(L, e->msg);
  lua_setfield(L, -2, "message");
  luaL_setmetatable(L, WSHM_ERROR);
  return 2;
}

static const luaL_Reg err_meta[] = {
  {"__tostring", err_tostring},
  {NULL, NULL}
};

void wshm_open_errors (lua_State *L) {
  wshm_newmeta(L, WSHM_ERROR, err_meta, NULL);
}
