/*
** scalar.c -- one item of a field in memory: load and store a C scalar
** (range-checked) and text in UTF-8, UTF-16LE or UTF-32.  Loads are safe
** for any bytes another process may have left there.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include "lauxlib.h"
#include "scalar.h"
#include "utf.h"

#define REPLACEMENT  0xFFFDu

/* ---------------------------------------------------------- scalars */

static void store (unsigned char *p, size_t size, uint64_t bits) {
  uint8_t b = (uint8_t)bits;
  uint16_t h = (uint16_t)bits;
  uint32_t w = (uint32_t)bits;
  switch (size) {
    case 1: memcpy(p, &b, 1); break;
    case 2: memcpy(p, &h, 2); break;
    case 4: memcpy(p, &w, 4); break;
    default: memcpy(p, &bits, 8); break;
  }
}

/* "got <type> <value>" for messages. */
static const char *got (lua_State *L, int idx) {
  const char *s;
  if (lua_isnil(L, idx)) return "nil";
  if (lua_type(L, idx) == LUA_TSTRING)
    return lua_pushfstring(L, "string '%s'", lua_tostring(L, idx));
  s = luaL_tolstring(L, idx, NULL);
  return lua_pushfstring(L, "%s %s", luaL_typename(L, idx), s);
}

/* Check an integer for a field of kind/size; fills *bits. */
static const char *checkint (lua_State *L, int idx, const wshm_field *f,
                             uint64_t *bits) {
  lua_Integer i;
  int isnum;
  if (lua_type(L, idx) != LUA_TNUMBER)
    return lua_pushfstring(L, "expected an integer, got %s", got(L, idx));
  i = lua_tointegerx(L, idx, &isnum);
  if (!isnum) {
    lua_Number d = lua_tonumber(L, idx);
    if (f->kind == WK_UINT && f->esize == 8 && d >= 0x1p63 && d < 0x1p64) {
      *bits = (uint64_t)d;  /* integral: 2^63 and above are */
      return NULL;
    }
    return lua_pushfstring(L, "expected an integer, got %s", got(L, idx));
  }
  if (i < f->lo || i > f->hi)
    return lua_pushfstring(L, "%s is out of range for %s (%I..%I)",
                           luaL_tolstring(L, idx, NULL), f->tname,
                           f->lo, f->hi);
  *bits = (uint64_t)i;
  return NULL;
}

/* Check a number for a float/double field; fills *bits. */
static const char *checkfloat (lua_State *L, int idx, const wshm_field *f,
                               uint64_t *bits) {
  lua_Number d;
  if (lua_type(L, idx) != LUA_TNUMBER)
    return lua_pushfstring(L, "expected a number, got %s", got(L, idx));
  d = lua_tonumber(L, idx);
  if (f->kind == WK_FLOAT) {
    float x;
    uint32_t w;
    /* doubles from FLT_MAX + half an ulp on round to infinity */
    if (isfinite(d) && fabs(d) >= (double)FLT_MAX + 0x1p103)
      return lua_pushfstring(L, "%s is out of range for float",
                             luaL_tolstring(L, idx, NULL));
    x = (float)d;
    memcpy(&w, &x, 4);
    *bits = w;
  }
  else
    memcpy(bits, &d, 8);
  return NULL;
}

/* ------------------------------------------------------------- text */

/* Push n characters of kind at p as UTF-8, up to the first NUL. */
static void loadtext (lua_State *L, int kind, const unsigned char *p,
                      size_t n) {
  luaL_Buffer b;
  size_t i;
  if (kind == WK_CHAR) {
    const unsigned char *z = (const unsigned char *)memchr(p, 0, n);
    lua_pushlstring(L, (const char *)p, z != NULL ? (size_t)(z - p) : n);
    return;
  }
  luaL_buffinit(L, &b);
  for (i = 0; i < n; i++) {
    uint32_t c;
    char *buf = luaL_prepbuffsize(&b, 4);
    if (kind == WK_CHAR16) {
      uint16_t u, u2;
      memcpy(&u, p + 2 * i, 2);
      c = u;
      if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n
          && (memcpy(&u2, p + 2 * i + 2, 2), u2 >= 0xDC00 && u2 <= 0xDFFF)) {
        c = 0x10000 + (((uint32_t)u - 0xD800) << 10) + (u2 - 0xDC00u);
        i++;
      }
      else if (u >= 0xD800 && u <= 0xDFFF)
        c = REPLACEMENT;  /* an unpaired surrogate */
    }
    else {
      memcpy(&c, p + 4 * i, 4);
      if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = REPLACEMENT;
    }
    if (c == 0) break;
    luaL_addsize(&b, wshm_utf8enc(c, buf));
  }
  luaL_pushresult(&b);
}

/* Check the value at idx is a string that fits n characters of kind. */
static const char *checktext (lua_State *L, int idx, const wshm_field *f,
                              size_t n) {
  size_t len, pos = 0, units = 0;
  const char *s;
  if (lua_type(L, idx) != LUA_TSTRING)
    return lua_pushfstring(L, "expected a string, got %s", got(L, idx));
  s = lua_tolstring(L, idx, &len);
  if (f->kind == WK_CHAR)
    units = len;
  else {
    while (pos < len) {
      uint32_t c;
      size_t k = wshm_utf8dec((const unsigned char *)s + pos, len - pos, &c);
      if (k == 0)
        return lua_pushfstring(L, "invalid UTF-8 at byte %I of the string",
                               (lua_Integer)pos + 1);
      units += (f->kind == WK_CHAR16 && c > 0xFFFF) ? 2 : 1;
      pos += k;
    }
  }
  if (units > n)
    return lua_pushfstring(L, "string of %I %s is too long for %s[%I]",
                           (lua_Integer)units, f->kind == WK_CHAR ? "bytes"
                           : "characters", f->tname, (lua_Integer)n);
  return NULL;
}

/* Store the checked string at idx into n characters at p, zero-filled. */
static void storetext (lua_State *L, int idx, int kind, unsigned char *p,
                       size_t n) {
  size_t len, pos = 0, k = 0, esize = kind == WK_CHAR16 ? 2 : 4;
  const char *s = lua_tolstring(L, idx, &len);
  if (kind == WK_CHAR) {
    memcpy(p, s, len);
    memset(p + len, 0, n - len);
    return;
  }
  while (pos < len) {
    uint32_t c = 0;
    pos += wshm_utf8dec((const unsigned char *)s + pos, len - pos, &c);
    if (kind == WK_CHAR16 && c > 0xFFFF) {
      store(p + 2 * k++, 2, 0xD800 + ((c - 0x10000) >> 10));
      store(p + 2 * k++, 2, 0xDC00 + (c & 0x3FF));
    }
    else
      store(p + esize * k++, esize, c);
  }
  memset(p + esize * k, 0, esize * (n - k));
}

/* -------------------------------------------------------------- items */

/* Text up to this many bytes is copied to the C stack to be decoded. */
#define STAGED  512

void wshm_pushtext (lua_State *L, const wshm_field *f, const unsigned char *p) {
  size_t n = wshm_textlen(f), raw = n * f->esize;
  unsigned char buf[STAGED];
  if (f->kind == WK_CHAR) {  /* lua_pushlstring copies before it can collect */
    loadtext(L, f->kind, p, n);
    return;
  }
  if (raw <= STAGED) {  /* the bytes leave the mapping before any allocation */
    memcpy(buf, p, raw);
    loadtext(L, f->kind, buf, n);
    return;
  }
  lua_pushlstring(L, (const char *)p, raw);
  loadtext(L, f->kind, (const unsigned char *)lua_tostring(L, -1), n);
  lua_remove(L, -2);
}

int wshm_textsame (lua_State *L, int idx, const wshm_field *f,
                   const unsigned char *p) {
  size_t len, n = wshm_textlen(f);
  const unsigned char *z;
  const char *s;
  if (f->kind != WK_CHAR || lua_type(L, idx) != LUA_TSTRING) return 0;
  s = lua_tolstring(L, idx, &len);
  z = (const unsigned char *)memchr(p, 0, n);
  return (z != NULL ? (size_t)(z - p) : n) == len && memcmp(s, p, len) == 0;
}

const char *wshm_setitem (lua_State *L, int vidx, const wshm_field *f,
                          unsigned char *p) {
  const char *msg;
  uint64_t bits = 0;
  switch (f->kind) {
    case WK_INT: case WK_UINT:
      msg = checkint(L, vidx, f, &bits);
      break;
    case WK_FLOAT: case WK_DOUBLE:
      msg = checkfloat(L, vidx, f, &bits);
      break;
    case WK_BOOL:
      if (lua_type(L, vidx) != LUA_TBOOLEAN)
        return lua_pushfstring(L, "expected a boolean, got %s", got(L, vidx));
      bits = (uint64_t)lua_toboolean(L, vidx);
      msg = NULL;
      break;
    default:  /* text */
      msg = checktext(L, vidx, f, wshm_textlen(f));
      if (msg == NULL && p != NULL)
        storetext(L, vidx, f->kind, p, wshm_textlen(f));
      return msg;
  }
  if (msg == NULL && p != NULL)
    store(p, f->esize, bits);
  return msg;
}
