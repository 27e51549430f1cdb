/*
** names.c -- the portable half of name checking for regions, mutexes and
** events; the platform half is wshm_os_checkname.
*/
#include <string.h>

#include "winshm.h"

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if malformed:
** overlongs, surrogates and code points above U+10FFFF are rejected. */
static size_t utf8seq (const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len, i;
  unsigned long cp;
  if (c < 0x80) return 1;
  else if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
  else return 0;
  if (len > n) return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
      || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

int wshm_utf8valid (const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  while (len > 0) {
    size_t n = utf8seq(p, len);
    if (n == 0) return 0;
    p += n; len -= n;
  }
  return 1;
}

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
