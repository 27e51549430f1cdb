/*
** names.c -- the portable half of name checking for regions, mutexes and
** events (names.h); the platform half is wshm_os_checkname.
*/
#include <string.h>

#include "lauxlib.h"
#include "errors.h"
#include "names.h"
#include "utf.h"

int wshm_checkname (const char *name, size_t len, wshm_err *e) {
  if (len == 0) {
    wshm_seterr(e, WSHM_ENAME, "EINVAL", "invalid name: empty");
    return 0;
  }
  if (memchr(name, '\0', len) != NULL) {
    wshm_seterr(e, WSHM_ENAME, "EINVAL", "invalid name: contains a NUL byte");
    return 0;
  }
  if (!wshm_utf8valid(name, len)) {
    wshm_seterr(e, WSHM_ENAME, "EINVAL", "invalid name: not valid UTF-8");
    return 0;
  }
  return wshm_os_checkname(name, len, e);
}

/* shm._objname(name) -> the name the system knows the object by (POSIX:
** the /dev/shm entry, without a namespace prefix) | nil, err.  The tools'
** one way to go from a user's name to the system's. */
static int l_objname (lua_State *L) {
  size_t len;
  const char *name = luaL_checklstring(L, 1, &len);
  wshm_err e;
  if (!wshm_checkname(name, len, &e))
    return wshm_pusherror(L, &e, 1);
  name = wshm_os_objname(name, &len);
  lua_pushlstring(L, name, len);
  return 1;
}

void wshm_open_names (lua_State *L) {
  lua_pushcfunction(L, l_objname);
  lua_setfield(L, -2, "_objname");
}
