/*
** scalar.h -- one item of a field in memory (scalar.c): load and store a
** C scalar, range-checked, and text in UTF-8, UTF-16LE or UTF-32.  Loads
** are safe for any bytes another process may have left there.  Nothing
** here runs Lua code between reading or writing an item and returning,
** except to build a message about a value that was refused (nothing is
** written then).
*/
#ifndef WINSHM_SCALAR_H
#define WINSHM_SCALAR_H

#include <string.h>

#include "lua.h"
#include "layout.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

/* Characters in one string of the text field f. */
#define wshm_textlen(f) ((f)->ndims > 0 ? (f)->dims[(f)->ndims - 1] : 1)

/* Push the text of f at p (pushitem's slow part).  The bytes are copied
** out of p before anything can allocate. */
void wshm_pushtext (lua_State *L, const wshm_field *f, const unsigned char *p);

/* Does the string at idx equal the text of f at p?  0 when idx holds no
** string, or when f is not plain char text (compare the pushed value). */
int wshm_textsame (lua_State *L, int idx, const wshm_field *f,
                   const unsigned char *p);

/* Push the value at p of one item of f (a scalar or a string).  Inline:
** it is the whole work of a field read. */
static inline void wshm_pushitem (lua_State *L, const wshm_field *f,
                                  const unsigned char *p) {
  switch (f->code) {
    case WC_I8: { int8_t v; memcpy(&v, p, 1); lua_pushinteger(L, v); break; }
    case WC_I16: { int16_t v; memcpy(&v, p, 2); lua_pushinteger(L, v); break; }
    case WC_I32: { int32_t v; memcpy(&v, p, 4); lua_pushinteger(L, v); break; }
    case WC_I64: {
      int64_t v; memcpy(&v, p, 8); lua_pushinteger(L, (lua_Integer)v); break;
    }
    case WC_U8: lua_pushinteger(L, *p); break;
    case WC_U16: { uint16_t v; memcpy(&v, p, 2); lua_pushinteger(L, v); break; }
    case WC_U32: { uint32_t v; memcpy(&v, p, 4); lua_pushinteger(L, v); break; }
    case WC_U64: {  /* above 2^63-1: two's complement */
      uint64_t v; memcpy(&v, p, 8); lua_pushinteger(L, (lua_Integer)v); break;
    }
    case WC_F32: { float v; memcpy(&v, p, 4); lua_pushnumber(L, v); break; }
    case WC_F64: { double v; memcpy(&v, p, 8); lua_pushnumber(L, v); break; }
    case WC_BOOL: lua_pushboolean(L, *p != 0); break;
    default: wshm_pushtext(L, f, p); break;
  }
}

/* Store the value at vidx into the integer or double item of f at p
** when it is a value of the plain kind that fits: a write's fast path.
** Returns 0, having done nothing, for anything else. */
static inline int wshm_fastset (lua_State *L, int vidx, const wshm_field *f,
                                unsigned char *p) {
  if (f->code <= WC_U64) {
    lua_Integer i;
    if (!lua_isinteger(L, vidx)) return 0;
    i = lua_tointegerx(L, vidx, NULL);
    if (i < f->lo || i > f->hi) return 0;
    switch (f->esize) {
      case 1: { uint8_t b = (uint8_t)i; memcpy(p, &b, 1); break; }
      case 2: { uint16_t h = (uint16_t)i; memcpy(p, &h, 2); break; }
      case 4: { uint32_t w = (uint32_t)i; memcpy(p, &w, 4); break; }
      default: memcpy(p, &i, 8); break;
    }
    return 1;
  }
  if (f->code == WC_F64 && lua_type(L, vidx) == LUA_TNUMBER) {
    double d = (double)lua_tonumberx(L, vidx, NULL);
    memcpy(p, &d, 8);
    return 1;
  }
  return 0;
}

/* Bytes one item of f takes in memory (a whole string for text). */
#define wshm_itemsize(f) \
  (wshm_istext((f)->kind) ? (f)->esize * wshm_textlen(f) : (f)->esize)

/* Check the value at vidx for one item of f (scalar or text) and, when
** p != NULL, store it at p (wshm_itemsize(f) bytes).  NULL when fine,
** else a message pushed on the stack saying what is wrong with the
** value, and nothing stored. */
const char *wshm_setitem (lua_State *L, int vidx, const wshm_field *f,
                          unsigned char *p);

WSHM_HIDE_END

#endif
