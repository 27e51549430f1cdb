/*
** view.h -- views: a region's bytes seen through a layout (view.c).  The
** layers above (copy.c, atomic.c, consistent.c, the tools' helpers) use
** views only through what is declared here.
*/
#ifndef WINSHM_VIEW_H
#define WINSHM_VIEW_H

#include <stddef.h>

#include "lua.h"
#include "backend.h"
#include "codec.h"
#include "layout.h"
#include "support.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

#define WSHM_VIEW       "winshm.view"

/* Entries of a struct view's field lookup cache. */
#define WSHM_HITS       32

/* What view.c keeps per layout: the last view its metamethods checked,
** pinned, and the field lookup cache. */
typedef struct wshm_vclass {
  wshm_pin pin;
  const wshm_field *hits[WSHM_HITS];
} wshm_vclass;

/*
** A view (userdata WSHM_VIEW).  Its fields are view.c's; the layers
** above use the functions below.  A struct view ('fld' NULL) covers a whole
** layout; an array view covers level 'level' of the array field 'fld'.
** 'r' is the link's region: r->base == NULL means the link is closed.
** 'lay' is the layout viewed, or for an array view the layout that holds
** 'fld'.  User values: 1 = link, 2 = the userdata of 'lay' (keeping it
** alive), 3.. = cached children (struct views: one per composite field;
** array views: one table).
*/
typedef struct wshm_view {
  unsigned char *data;
  const wshm_region *r;
  const wshm_layout *lay;
  const wshm_field *fld;    /* array view: the field */
  wshm_vclass *cls;         /* struct view: its layout's lookup cache */
  int level;                /* array view: the level it indexes */
  int writable;
  int leaf;                 /* array view: its elements are scalars or text */
  size_t n;                 /* array view: elements at this level */
  size_t stride;            /* array view: bytes from one to the next */
} wshm_view;

#define VUV_LINK    1
#define VUV_LAYOUT  2
#define VUV_CACHE   3

/* The view at idx, open or closed, or NULL. */
wshm_view *wshm_toview (lua_State *L, int idx);
/* The view at idx, raising if it is none or its link is closed. */
wshm_view *wshm_checkview (lua_State *L, int idx);

/* Is the view's link still open (its memory mapped)? */
static inline int wshm_view_isopen (const wshm_view *v) {
  return v->r->base != NULL;
}

/* Raise for the view at vidx, whose link cannot be used: closed, or its
** region truncated by another process ("write lost: ..." when write). */
int wshm_view_unusable (lua_State *L, int vidx, int write);

/* After the last access of an operation through the view v at vidx:
** raise if a truncation by another process made the access miss. */
static inline void wshm_view_checklost (lua_State *L, int vidx,
                                        const wshm_view *v, int write) {
  if (wshm_lost(v->r)) wshm_view_unusable(L, vidx, write);
}

/* Bytes the view covers. */
static inline size_t wshm_view_size (const wshm_view *v) {
  return v->fld == NULL ? v->lay->size : v->n * v->stride;
}

/* Its first byte in the mapping: use it only while wshm_view_isopen(v),
** with no Lua code run since that was checked. */
static inline unsigned char *wshm_view_data (const wshm_view *v) {
  return v->data;
}

/* Does the view allow writes? */
static inline int wshm_view_writable (const wshm_view *v) {
  return v->writable;
}

/* The layout of a struct view (the whole of it), or NULL for an array
** view. */
static inline const wshm_layout *wshm_view_struct (const wshm_view *v) {
  return v->fld == NULL ? v->lay : NULL;
}

/* Push the userdata of the view at vidx's layout (v->lay) and fill s with
** what the view covers, for the codec. */
void wshm_view_span (lua_State *L, int vidx, wshm_span *s);

/* Push and return how messages name the view's layout. */
const char *wshm_view_label (lua_State *L, const wshm_view *v);

/* One scalar field of a view, resolved. */
typedef struct wshm_fieldref {
  unsigned char *addr;      /* its first byte in the mapping */
  const wshm_region *r;     /* the region: check r->base before using addr */
  size_t offset;            /* from the view's first byte */
  size_t size;              /* 1, 2, 4 or 8 */
  int isint;                /* an integer type (bool and char are not) */
  int issigned;
  int writable;             /* the view allows writes */
} wshm_fieldref;

/*
** Resolve the scalar field named by the string at kidx (a path such as
** "pos.x" or "wheels[2].temp" allowed: wshm_walkpath) of the open struct
** view at vidx; raises naming the field
** and the layout if vidx is not an open struct view, the field is unknown
** or not a scalar (a struct, an array or a string).  A single char,
** char16_t or char32_t is a scalar with isint 0.  Lua code may run in
** here (a number key made a string): check f->r->base again after it.
*/
void wshm_view_field (lua_State *L, int vidx, int kidx, wshm_fieldref *f);

/* Views, link:get/get_mut/view, shm.sizeof. */
void wshm_open_view (lua_State *L);

WSHM_HIDE_END

#endif
