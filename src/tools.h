/*
** tools.h -- what the two implementations of shm._sys (tools_posix.c,
** tools_win32.c) agree on.
*/
#ifndef WSHM_TOOLS_H
#define WSHM_TOOLS_H

#include <stdio.h>

#include "lua.h"
#include "lauxlib.h"

/* The longest pause _sys.sleep takes, in seconds (fits a DWORD of ms). */
#define WSHM_MAXSLEEP  1e6

/* A Lua file handle (io library's type) for the stream f: the closing
** function of liolib's own files. */
static inline int wshm_streamclose (lua_State *L) {
  luaL_Stream *p = (luaL_Stream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
  int ok = fclose(p->f) == 0;
  return luaL_fileresult(L, ok, NULL);
}

/* Push a closed file handle, ready for wshm_streamset (liolib's
** newprefile: __gc covers a failure in between). */
static inline luaL_Stream *wshm_newstream (lua_State *L) {
  luaL_Stream *p = (luaL_Stream *)lua_newuserdatauv(L, sizeof(luaL_Stream), 0);
  p->closef = NULL;
  luaL_setmetatable(L, LUA_FILEHANDLE);
  return p;
}

static inline void wshm_streamset (luaL_Stream *p, FILE *f) {
  p->f = f;
  p->closef = &wshm_streamclose;
}

#endif
