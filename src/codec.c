/*
** codec.c -- the bytes of a layout as Lua values and back (codec.h):
** decoding private bytes into tables, refilled in place when asked, and
** encoding tables into write plans.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "codec.h"
#include "scalar.h"

/* Table size hint for n elements. */
#define hint(n)  ((n) > (size_t)INT_MAX ? 0 : (int)(n))

/* ========================================================== decoding */

static void decstruct (lua_State *L, int lidx, const unsigned char *p,
                       int into);

/* The value at the top when it is a table to refill (its index), else
** 0; what is there stays either way. */
static int refillable (lua_State *L) {
  return lua_istable(L, -1) ? lua_gettop(L) : 0;
}

/* Push the table of level 'level' of field f (n elements at p); eidx holds
** the element layout of a struct array, else 0; into as wshm_decode's. */
static void declevel (lua_State *L, const wshm_field *f, int level, size_t n,
                      const unsigned char *p, int eidx, int into) {
  size_t i, stride = f->stride[level];
  int t, leaf = level + 1 >= f->nlevels;
  luaL_checkstack(L, 6, "arrays nested too deeply");
  if (into != 0) lua_pushvalue(L, into);
  else lua_createtable(L, hint(n), 0);
  t = lua_gettop(L);
  for (i = 0; i < n; i++) {
    const unsigned char *q = p + i * stride;
    lua_Integer k = (lua_Integer)i + 1;
    if (leaf && eidx == 0) {  /* a scalar or a string */
      if (into != 0 && f->kind == WK_CHAR) {
        lua_rawgeti(L, t, k);
        if (wshm_textsame(L, -1, f, q)) { lua_pop(L, 1); continue; }
        lua_pop(L, 1);
      }
      wshm_pushitem(L, f, q);
    }
    else {
      int old = 0;
      if (into != 0) {
        lua_rawgeti(L, t, k);
        if ((old = refillable(L)) == 0) lua_pop(L, 1);
      }
      if (!leaf) declevel(L, f, level + 1, f->dims[level + 1], q, eidx, old);
      else decstruct(L, eidx, q, old);
      if (old != 0) {  /* refilled where it is: old, old again */
        lua_pop(L, 2);
        continue;
      }
    }
    lua_rawseti(L, t, k);
  }
}

/* Push the struct of the layout userdata at lidx at p as a table. */
static void decstruct (lua_State *L, int lidx, const unsigned char *p,
                       int into) {
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, lidx);
  int i, t, names;
  luaL_checkstack(L, 8, "layouts nested too deeply");
  if (into != 0) lua_pushvalue(L, into);
  else lua_createtable(L, 0, lay->nfields);
  t = lua_gettop(L);
  lua_getiuservalue(L, lidx, LUV_FIELDS);
  names = t + 1;
  for (i = 0; i < lay->nfields; i++) {
    const wshm_field *f = &lay->f[i];
    const unsigned char *q = p + f->offset;
    int old = 0;
    lua_rawgeti(L, names, i + 1);
    if (into != 0 && (f->composite != 0 || f->kind == WK_CHAR)) {
      lua_pushvalue(L, -1);
      lua_rawget(L, t);
      if (f->composite == 0) {  /* a char string: kept when the same */
        int same = wshm_textsame(L, -1, f, q);
        lua_pop(L, 1);
        if (same) { lua_pop(L, 1); continue; }
      }
      else if ((old = refillable(L)) == 0)
        lua_pop(L, 1);
    }
    if (f->composite == 0)  /* one scalar or string: the common case */
      wshm_pushitem(L, f, q);
    else if (f->kind == WK_STRUCT) {
      wshm_pushnested(L, lidx, f);
      if (f->nlevels > 0)
        declevel(L, f, 0, f->dims[0], q, lua_gettop(L), old);
      else
        decstruct(L, lua_gettop(L), q, old);
      lua_remove(L, -2);
    }
    else
      declevel(L, f, 0, f->dims[0], q, 0, old);
    if (old != 0)  /* refilled where it is: key, old, old again */
      lua_pop(L, 3);
    else
      lua_rawset(L, t);
  }
  lua_settop(L, t);
}

void wshm_decode (lua_State *L, int lidx, const wshm_span *s,
                  const unsigned char *p, int into) {
  lidx = lua_absindex(L, lidx);
  if (into != 0) into = lua_absindex(L, into);
  if (s->fld == NULL)
    decstruct(L, lidx, p, into);
  else if (s->fld->kind == WK_STRUCT) {
    wshm_pushnested(L, lidx, s->fld);
    declevel(L, s->fld, s->level, s->n, p, lua_gettop(L), into);
    lua_remove(L, -2);
  }
  else
    declevel(L, s->fld, s->level, s->n, p, 0, into);
}

/* ============================================================ plans */

/*
** A write plan: records of { offset, length, bytes }, each record's
** header aligned to a size_t.  A record that starts where the last one
** ends is merged into it, so a whole array becomes one copy.
*/
typedef struct plan {
  size_t used;      /* bytes of data in use */
  size_t last;      /* where in data the last record starts, or NONE */
  size_t cap;       /* bytes of data */
} plan;

typedef struct record {
  size_t off, len;
} record;

#define NONE      ((size_t)-1)
#define DATA(p)   ((unsigned char *)((p) + 1))
#define CDATA(p)  ((const unsigned char *)((p) + 1))
#define ALIGNUP(n)  (((n) + (sizeof(size_t) - 1)) & ~(sizeof(size_t) - 1))
#define FIRSTCAP  4096

void wshm_plan_new (lua_State *L) {
  plan *pl = (plan *)lua_newuserdatauv(L, sizeof(plan) + FIRSTCAP, 0);
  pl->used = 0;
  pl->last = NONE;
  pl->cap = FIRSTCAP;
}

/* The plan at pidx with room for 'need' more bytes (it may be replaced
** by a larger copy). */
static plan *room (lua_State *L, int pidx, size_t need) {
  plan *pl = (plan *)lua_touserdata(L, pidx), *np;
  size_t cap;
  if (need <= pl->cap - pl->used)
    return pl;
  if (need > (size_t)-1 / 2 - pl->used)
    luaL_error(L, "not enough memory for the write");
  cap = pl->cap * 2 > pl->used + need ? pl->cap * 2 : pl->used + need;
  np = (plan *)lua_newuserdatauv(L, sizeof(plan) + cap, 0);
  memcpy(np, pl, sizeof(plan) + pl->used);
  np->cap = cap;
  lua_replace(L, pidx);
  return np;
}

/* Room for n bytes to be written at offset off; their place in the plan. */
static unsigned char *reserve (lua_State *L, int pidx, size_t off, size_t n) {
  plan *pl = (plan *)lua_touserdata(L, pidx);
  record *r;
  size_t at;
  if (pl->last != NONE) {
    r = (record *)(void *)(DATA(pl) + pl->last);
    if (r->off + r->len == off) {  /* continues the last record */
      pl = room(L, pidx, n);
      r = (record *)(void *)(DATA(pl) + pl->last);
      r->len += n;
      pl->used += n;
      return DATA(pl) + pl->used - n;
    }
  }
  at = ALIGNUP(pl->used);
  pl = room(L, pidx, at - pl->used + sizeof(record) + n);
  r = (record *)(void *)(DATA(pl) + at);
  r->off = off;
  r->len = n;
  pl->last = at;
  pl->used = at + sizeof(record) + n;
  return DATA(pl) + at + sizeof(record);
}

void wshm_plan_apply (lua_State *L, int pidx, unsigned char *base) {
  const plan *pl = (const plan *)lua_touserdata(L, pidx);
  size_t at = 0;
  while (at < pl->used) {
    const record *r = (const record *)(const void *)(CDATA(pl) + at);
    memcpy(base + r->off, CDATA(pl) + at + sizeof(record), r->len);
    at = ALIGNUP(at + sizeof(record) + r->len);
  }
}

int wshm_plan_touches (lua_State *L, int pidx, size_t off, size_t n) {
  const plan *pl = (const plan *)lua_touserdata(L, pidx);
  size_t at = 0;
  while (at < pl->used) {
    const record *r = (const record *)(const void *)(CDATA(pl) + at);
    if (r->off < off + n && off < r->off + r->len)
      return 1;
    at = ALIGNUP(at + sizeof(record) + r->len);
  }
  return 0;
}

/* ========================================================== encoding */

/* Where a value goes, for messages: ".name" or "[index]" steps. */
typedef struct wpath {
  const struct wpath *up;
  const char *name;         /* NULL: an index */
  lua_Integer index;
} wpath;

typedef struct encoder {
  lua_State *L;
  int pidx;                 /* the plan */
  const wshm_layout *root;  /* the layout messages name */
} encoder;

static void addpath (luaL_Buffer *b, const wpath *p) {
  if (p->up != NULL)
    addpath(b, p->up);
  if (p->name != NULL) {
    if (p->up != NULL) luaL_addchar(b, '.');
    luaL_addstring(b, p->name);
  }
  else {
    lua_pushfstring(b->L, "[%I]", p->index);
    luaL_addvalue(b);
  }
}

/* Raise msg about the value at path. */
static void fail (encoder *e, const wpath *path, const char *msg) {
  lua_State *L = e->L;
  luaL_Buffer b;
  const char *where;
  if (path == NULL)
    luaL_error(L, "%s", msg);
  luaL_buffinit(L, &b);
  addpath(&b, path);
  luaL_pushresult(&b);
  where = lua_tostring(L, -1);
  luaL_error(L, "field '%s' of %s: %s", where, wshm_layoutlabel(L, e->root),
             msg);
}

/* "'name'" for a string key, else the key as tostring shows it. */
static const char *showkey (lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING)
    return lua_pushfstring(L, "'%s'", lua_tostring(L, idx));
  return luaL_tolstring(L, idx, NULL);
}

static void encstruct (encoder *e, int lidx, size_t off, int tidx,
                       const wpath *up);

/* Encode the value at vidx for field f from 'level' on, at offset off;
** eidx holds the element layout of a struct field, else 0. */
static void encvalue (encoder *e, const wshm_field *f, int level, size_t off,
                      int vidx, int eidx, const wpath *path) {
  lua_State *L = e->L;
  if (level < f->nlevels) {
    size_t n = f->dims[level];
    if (!lua_istable(L, vidx))
      fail(e, path, lua_pushfstring(L, "expected a table (array of %I), "
                                    "got %s", (lua_Integer)n,
                                    luaL_typename(L, vidx)));
    luaL_checkstack(L, 6, "arrays nested too deeply");
    lua_pushnil(L);
    while (lua_next(L, vidx)) {
      lua_Integer i = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : 0;
      wpath here;
      if (i < 1 || (lua_Unsigned)i > n)
        fail(e, path, lua_pushfstring(L, "index %s out of range 1..%I",
                                      showkey(L, -2), (lua_Integer)n));
      here.up = path; here.name = NULL; here.index = i;
      encvalue(e, f, level + 1, off + (size_t)(i - 1) * f->stride[level],
               lua_gettop(L), eidx, &here);
      lua_pop(L, 1);
    }
  }
  else if (f->kind == WK_STRUCT) {
    if (!lua_istable(L, vidx))
      fail(e, path, lua_pushfstring(L, "expected a table, got %s",
                                    luaL_typename(L, vidx)));
    encstruct(e, eidx, off, vidx, path);
  }
  else {
    unsigned char *p = reserve(L, e->pidx, off, wshm_itemsize(f));
    const char *msg = wshm_setitem(L, vidx, f, p);
    if (msg != NULL) fail(e, path, msg);
  }
}

/* Encode field f of the layout at lidx from the table at tidx (if it
** has a value for it) at offset off. */
static void encfield (encoder *e, int lidx, size_t off, int tidx,
                      const wshm_field *f, const wpath *up) {
  lua_State *L = e->L;
  int vidx, eidx = 0;
  wpath here;
  lua_pushstring(L, f->name);
  if (lua_rawget(L, tidx) == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  vidx = lua_gettop(L);
  here.up = up; here.name = f->name; here.index = 0;
  if (f->kind == WK_STRUCT) {
    wshm_pushnested(L, lidx, f);
    eidx = lua_gettop(L);
  }
  encvalue(e, f, 0, off + f->offset, vidx, eidx, &here);
  lua_settop(L, vidx - 1);
}

/* Fields a table names, collected to be encoded in declaration order. */
#define FEWKEYS  64

static int byindex (const void *a, const void *b) {
  const wshm_field *x = *(const wshm_field *const *)a;
  const wshm_field *y = *(const wshm_field *const *)b;
  return (x->index > y->index) - (x->index < y->index);
}

/*
** Encode the table at tidx into the struct of the layout userdata at lidx
** at offset off.  Every key must name a field; the fields are encoded in
** declaration order, so the result never depends on the table's order.
*/
static void encstruct (encoder *e, int lidx, size_t off, int tidx,
                       const wpath *up) {
  lua_State *L = e->L;
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, lidx);
  const wshm_field *few[FEWKEYS];
  int names, i, n = 0;
  luaL_checkstack(L, 8, "layouts nested too deeply");
  lua_getiuservalue(L, lidx, LUV_FIELDS);
  names = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, tidx)) {
    int kidx = lua_gettop(L) - 1;  /* the key stays for lua_next */
    lua_pop(L, 1);
    lua_pushvalue(L, kidx);
    if (lua_type(L, kidx) != LUA_TSTRING
        || lua_rawget(L, names) != LUA_TLIGHTUSERDATA)
      fail(e, up, lua_pushfstring(L, "no field %s in %s", showkey(L, kidx),
                                  wshm_layoutlabel(L, lay)));
    if (n < FEWKEYS)
      few[n] = (const wshm_field *)lua_touserdata(L, -1);
    n++;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (n <= FEWKEYS) {
    qsort(few, (size_t)n, sizeof(few[0]), byindex);
    for (i = 0; i < n; i++)
      encfield(e, lidx, off, tidx, few[i], up);
  }
  else
    for (i = 0; i < lay->nfields; i++)
      encfield(e, lidx, off, tidx, &lay->f[i], up);
}

void wshm_encode (lua_State *L, int lidx, const wshm_span *s, int vidx,
                  int pidx) {
  encoder e;
  e.L = L;
  e.pidx = lua_absindex(L, pidx);
  e.root = s->lay;
  lidx = lua_absindex(L, lidx);
  vidx = lua_absindex(L, vidx);
  if (s->fld == NULL) {
    if (!lua_istable(L, vidx))
      luaL_error(L, "expected a table for %s, got %s",
                 wshm_layoutlabel(L, s->lay), luaL_typename(L, vidx));
    encstruct(&e, lidx, 0, vidx, NULL);
  }
  else {
    wpath root;
    int eidx = 0;
    root.up = NULL; root.name = s->fld->name; root.index = 0;
    if (s->fld->kind == WK_STRUCT) {
      wshm_pushnested(L, lidx, s->fld);
      eidx = lua_gettop(L);
    }
    /* the span starts at element 1 of its level: offsets from there */
    encvalue(&e, s->fld, s->level, 0, vidx, eidx, &root);
    if (eidx != 0) lua_remove(L, eidx);
  }
}

void wshm_encodefield (lua_State *L, int lidx, const wshm_field *f,
                       int level, size_t off, lua_Integer index, int vidx,
                       int pidx) {
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, lidx);
  encoder e;
  wpath root, elem;
  int eidx = 0, top = lua_gettop(L);
  e.L = L;
  e.pidx = lua_absindex(L, pidx);
  e.root = lay;
  lidx = lua_absindex(L, lidx);
  vidx = lua_absindex(L, vidx);
  root.up = NULL; root.name = f->name; root.index = 0;
  elem.up = &root; elem.name = NULL; elem.index = index;
  if (f->kind == WK_STRUCT) {
    wshm_pushnested(L, lidx, f);
    eidx = lua_gettop(L);
  }
  encvalue(&e, f, level, off, vidx, eidx, index > 0 ? &elem : &root);
  lua_settop(L, top);
}
