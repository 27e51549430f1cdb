/*
** layout.h -- the compiled form of a layout and the views over it.
** Shared by layout.c (compiling), scalar.c (one C value), utf.c
** (text encodings), view.c (view objects) and copy.c (shm.read/write).
*/
#ifndef WINSHM_LAYOUT_H
#define WINSHM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "winshm.h"

#define WSHM_MAXDIMS    8       /* dimensions of one array field */
#define WSHM_MAXFIELDS  60000   /* a view caches one child per field */
#define WSHM_HITS       32      /* entries of a layout's lookup cache */
#define WSHM_MAXSIZE    ((uint64_t)INT64_MAX)   /* largest layout size */

/* What one element of a field is. */
enum wshm_kind {
  WK_INT,       /* signed integer of 1, 2, 4 or 8 bytes */
  WK_UINT,      /* unsigned integer */
  WK_FLOAT,     /* float */
  WK_DOUBLE,    /* double */
  WK_BOOL,      /* bool: any non-zero byte reads as true */
  WK_CHAR,      /* char: text, bytes as they are */
  WK_CHAR16,    /* char16_t or 2-byte wchar_t: UTF-16LE text */
  WK_CHAR32,    /* char32_t or 4-byte wchar_t: UTF-32 text */
  WK_STRUCT     /* a nested layout */
};

/* What the fast paths switch on: kind and size in one. */
enum wshm_code {
  WC_I8, WC_I16, WC_I32, WC_I64, WC_U8, WC_U16, WC_U32, WC_U64,
  WC_F32, WC_F64, WC_BOOL, WC_TEXT, WC_STRUCT
};

/* Text kinds: their last dimension is the length of one string. */
#define wshm_istext(k)  ((k) >= WK_CHAR && (k) <= WK_CHAR32)

typedef struct wshm_layout wshm_layout;

/*
** One field.  'dims' are the declared dimensions (ndims 0: one value).
** For text kinds the last dimension is the string length, so a field
** 'char[16]' is one string and 'char[4][16]' an array of 4 strings:
** 'nlevels' is the number of dimensions that index, 'nitems' the values
** they reach.
*/
typedef struct wshm_field {
  const char *name;         /* anchored in the layout's field table */
  const void *key;          /* the name's string object (lua_topointer) */
  const char *tname;        /* type name as C spells it */
  int kind;                 /* enum wshm_kind */
  int code;                 /* enum wshm_code */
  int index;                /* 1-based position in declaration order */
  int slot;                 /* view user value caching the child, or 0 */
  int sub;                  /* WK_STRUCT: index in the nested table */
  const wshm_layout *lay;   /* WK_STRUCT: the nested layout */
  size_t offset;            /* from the start of the layout */
  size_t esize;             /* bytes of one element (one char for text) */
  size_t size;              /* bytes of the whole field */
  size_t align;             /* alignment it was placed with */
  int ndims, nlevels;
  size_t dims[WSHM_MAXDIMS];
  size_t stride[WSHM_MAXDIMS];  /* bytes from one index to the next */
  size_t nitems;            /* values reached through the levels */
  lua_Integer lo, hi;       /* integer kinds: the Lua integers they take */
} wshm_field;

/*
** A compiled layout (userdata WSHM_LAYOUT).  User values: 1 = name or
** nil, 2 = field table (t[i] = name, t[name] = light userdata of the
** field), 3 = view metatable, 4 = nested layouts (sequence) or nil.
*/
struct wshm_layout {
  size_t size, align;
  int isunion;
  int windows;              /* abi: long 4 and wchar_t 2 bytes */
  int pack;                 /* 0: none */
  int nfields;
  int nslots;               /* fields whose views are cached */
  const char *name;         /* NULL when anonymous */
  const wshm_field *hits[WSHM_HITS];  /* view.c's lookup cache */
  wshm_field f[1];          /* nfields of them */
};

#define LUV_NAME    1
#define LUV_FIELDS  2
#define LUV_META    3
#define LUV_NESTED  4

/*
** A view (userdata WSHM_VIEW).  A struct view ('fld' NULL) covers a whole
** layout; an array view covers level 'level' of the array field 'fld'.
** 'r' is the link's region: r->base == NULL means the link is closed.
** 'lay' is the layout viewed, or for an array view the layout that holds
** 'fld'.  User values: 1 = link, 2 = the userdata of 'lay' (keeping it
** alive), 3.. = cached children (struct views: one per slot; array
** views: one weak table).
*/
typedef struct wshm_view {
  unsigned char *data;
  const wshm_region *r;
  wshm_layout *lay;         /* not const: its lookup cache changes */
  const wshm_field *fld;    /* array view: the field */
  int level;                /* array view: the level it indexes */
  int writable;
  int leaf;                 /* array view: its elements are scalars or text */
  size_t n;                 /* array view: elements at this level */
  size_t stride;            /* array view: bytes from one to the next */
} wshm_view;

#define VUV_LINK    1
#define VUV_LAYOUT  2
#define VUV_CACHE   3

/* ----------------------------------------------------------- layout.c */

/* The field named s[0..len) of lay, or NULL. */
const wshm_field *wshm_lookup (const wshm_layout *lay, const char *s,
                               size_t len);
/* Push the userdata of the nested layout of f, a field of the layout
** whose userdata is at lidx. */
void wshm_pushnested (lua_State *L, int lidx, const wshm_field *f);
/* The layout at idx, or NULL. */
const wshm_layout *wshm_tolayout (lua_State *L, int idx);
/* Push and return how messages name a layout: "layout 'Name'" or
** "anonymous struct" / "anonymous union". */
const char *wshm_layoutlabel (lua_State *L, const wshm_layout *lay);

/* ------------------------------------------------------------ view.c */

/* Push the view metatable of the layout userdata at lidx (made once). */
void wshm_newviewmeta (lua_State *L, int lidx);
/* The view at idx, open or closed, or NULL. */
wshm_view *wshm_toview (lua_State *L, int idx);
/* The view at idx, raising if it is none or its link is closed. */
wshm_view *wshm_checkview (lua_State *L, int idx);

/* ---------------------------------------------------------- scalar.c */

/* Characters in one string of the text field f. */
#define wshm_textlen(f) ((f)->ndims > 0 ? (f)->dims[(f)->ndims - 1] : 1)

/* Push the text of f at p (pushitem's slow part). */
void wshm_pushtext (lua_State *L, const wshm_field *f, const unsigned char *p);

/* Push the value at p of one item of f (a scalar or a string).  Inline:
** it is the whole work of a field read.  Any bytes read safely. */
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
** when it is a value of the plain kind that fits: write's fast path.
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

/* Check the value at vidx for one item of f (scalar or text) and, when
** p != NULL, store it at p.  NULL when fine, else a message pushed on
** the stack saying what is wrong with the value. */
const char *wshm_setitem (lua_State *L, int vidx, const wshm_field *f,
                          unsigned char *p);

/* ------------------------------------------------------------- utf.c */

/* Decode one UTF-8 sequence of s[0..len); its length, or 0 if invalid
** (overlong, surrogate, above U+10FFFF, truncated). */
size_t wshm_utf8dec (const unsigned char *s, size_t len, uint32_t *cp);
/* Encode cp (<= 0x10FFFF) as UTF-8 into buf; returns the length. */
size_t wshm_utf8enc (uint32_t cp, char *buf);

/* ------------------------------------------------------------ copy.c */

/* Write the table at tidx into the open, writable view at vidx: checks
** all of it first, then writes (shm.write). */
void wshm_writeview (lua_State *L, int vidx, int tidx);
/* The same into dst, a copy of the view's bytes, instead of the view's
** memory (write_consistent encodes before it opens a write). */
void wshm_encodeview (lua_State *L, int vidx, int tidx, unsigned char *dst);

#endif
