/*
** layout.h -- a compiled layout (layout.c): what shm.struct and shm.union
** make of a spec, with the C compiler's rules.  Knows nothing of views or
** regions: it is the description that the codec (codec.c) and the views
** (view.c) read.
*/
#ifndef WINSHM_LAYOUT_H
#define WINSHM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "lua.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

#define WSHM_LAYOUT     "winshm.layout"

#define WSHM_MAXDIMS    8       /* dimensions of one array field */
#define WSHM_MAXFIELDS  60000   /* fields of one layout */
#define WSHM_MAXDEPTH   100     /* layouts nested in layouts, this one included */
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
** 'nlevels' is the number of dimensions that index.
*/
typedef struct wshm_field {
  const char *name;         /* anchored in the layout's field table; no NUL */
  const void *key;          /* the name's string object (lua_topointer) */
  const char *tname;        /* type name as C spells it */
  int kind;                 /* enum wshm_kind */
  int code;                 /* enum wshm_code */
  int index;                /* 1-based position in declaration order */
  int composite;            /* 1-based among the struct and array fields, or 0 */
  int sub;                  /* WK_STRUCT: index in the nested table */
  const wshm_layout *lay;   /* WK_STRUCT: the nested layout */
  size_t offset;            /* from the start of the layout */
  size_t esize;             /* bytes of one element (one char for text) */
  size_t size;              /* bytes of the whole field */
  size_t align;             /* alignment it was placed with */
  int ndims, nlevels;
  size_t dims[WSHM_MAXDIMS];
  size_t stride[WSHM_MAXDIMS];  /* bytes from one index to the next */
  lua_Integer lo, hi;       /* integer kinds: the Lua integers they take */
} wshm_field;

/*
** A compiled layout (userdata WSHM_LAYOUT), immutable once made.  User
** values: LUV_NAME the name or nil; LUV_FIELDS the field table (t[i] =
** name, t[name] = light userdata of the field); LUV_NESTED the nested
** layouts (a sequence) or nil; LUV_VIEWS kept for the view layer (view.c
** stores its metatable for views of this layout there).
*/
struct wshm_layout {
  size_t size, align;
  int isunion;
  int windows;              /* abi: long 4 and wchar_t 2 bytes */
  int pack;                 /* 0: none */
  int depth;                /* 1 + the deepest nested layout's depth */
  int nfields;
  int ncomposite;           /* struct and array fields */
  const char *name;         /* NULL when anonymous */
  wshm_field f[1];          /* nfields of them */
};

#define LUV_NAME    1
#define LUV_FIELDS  2
#define LUV_NESTED  3
#define LUV_VIEWS   4
#define LUV_COUNT   4

/* The layout at idx, or NULL. */
const wshm_layout *wshm_tolayout (lua_State *L, int idx);
/* The layout at idx; raises a type error otherwise. */
const wshm_layout *wshm_checklayout (lua_State *L, int idx);
/* Size in bytes of the layout at idx, or -1 if idx holds no layout. */
lua_Integer wshm_layoutsize (lua_State *L, int idx);

/* Push and return how messages name a layout: "layout 'Name'" or
** "anonymous struct" / "anonymous union". */
const char *wshm_layoutlabel (lua_State *L, const wshm_layout *lay);

/* Push the userdata of the nested layout of f, a field of the layout
** whose userdata is at lidx. */
void wshm_pushnested (lua_State *L, int lidx, const wshm_field *f);

/* The field named s[0..len) of lay, or NULL. */
const wshm_field *wshm_lookup (const wshm_layout *lay, const char *s,
                               size_t len);

/*
** The one walker of field paths: names joined by dots, each name followed
** by 1-based indices into its array levels ("pos.x", "wheels[2].temp",
** "grid[1][3]").  Returns the field the string at pidx reaches in lay,
** adds its offset from lay's start (indices included) to *offset, and
** gives in *levels the indices that apply to that field.  Raises "no
** field 'p' in <layout>", "... is not a struct: cannot resolve 'p'", or
** about a bad or out-of-range index.  Only reads the layout.
*/
const wshm_field *wshm_walkpath (lua_State *L, const wshm_layout *lay,
                                 int pidx, size_t *offset, int *levels);

/* shm.struct, shm.union, shm.alignof, shm.offsetof, shm.fields, tostring. */
void wshm_open_layout (lua_State *L);

WSHM_HIDE_END

#endif
