/*
** codec.h -- the bytes of a layout as Lua values and back (codec.c).
**
** Both directions work on private memory, never on a mapping: decoding
** reads bytes the caller copied out of the mapping, and encoding fills a
** write plan that the caller applies to the mapping once no Lua code can
** run any more.  So the Lua code decoding and encoding may run (the
** allocations, which may run finalizers; metamethods) can close a link
** without anything touching unmapped memory.
*/
#ifndef WINSHM_CODEC_H
#define WINSHM_CODEC_H

#include <stddef.h>

#include "lua.h"
#include "layout.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

/* What a view covers, in layout terms. */
typedef struct wshm_span {
  const wshm_layout *lay;   /* the layout viewed, or the one holding fld */
  const wshm_field *fld;    /* NULL: all of lay; else this array field */
  int level;                /* array: the level the span indexes */
  size_t n;                 /* array: elements at that level */
  size_t size;              /* bytes the span covers */
} wshm_span;

/*
** Push the Lua value of the span's bytes at p: a table of the fields
** (a struct), or a sequence (an array level); nested structs and arrays
** are tables too.  The userdata of s->lay is at lidx.  With into != 0,
** the table at that index (what an earlier decode of the same layout
** returned) is refilled in place and pushed: its nested tables are
** refilled too, and a char string that did not change is kept, so a warm
** refill allocates nothing.
*/
void wshm_decode (lua_State *L, int lidx, const wshm_span *s,
                  const unsigned char *p, int into);

/* Push a new, empty write plan. */
void wshm_plan_new (lua_State *L);

/*
** Add to the plan at pidx the bytes that write the value at vidx (a table
** for a struct or an array level) into the span, at offsets from the
** span's first byte.  Everything is checked: on the first bad value it
** raises "field 'path' of <layout>: ..." naming the field from the
** span's layout.  Struct fields are encoded in declaration order (of a
** union given several members, the last declared wins).
*/
void wshm_encode (lua_State *L, int lidx, const wshm_span *s, int vidx,
                  int pidx);

/* The same for one field f of the layout at lidx, from array level
** 'level' on, placed at offset 'off' (an element or a field of a view);
** 'index' > 0 names an element in messages. */
void wshm_encodefield (lua_State *L, int lidx, const wshm_field *f,
                       int level, size_t off, lua_Integer index, int vidx,
                       int pidx);

/* Copy every byte of the plan at pidx to base + its offset, in order. */
void wshm_plan_apply (lua_State *L, int pidx, unsigned char *base);

/* Does the plan at pidx write any byte of [off, off + n)? */
int wshm_plan_touches (lua_State *L, int pidx, size_t off, size_t n);

WSHM_HIDE_END

#endif
