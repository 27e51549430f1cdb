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

/*
** A decode fills tables: fillstruct and filllevel set the entries of the
** table at t (an absolute index) from the bytes at p.  With refill set, t
** may hold what an earlier decode of the same layout left there: a nested
** table found in it is refilled where it is, and a char string that did
** not change is kept, so a warm refill allocates nothing.  A table made
** anew is filled with refill clear: there is nothing in it to look at.
**
** The field table (the keys) and the nested layouts of each layout the
** decode meets are fetched once, when it starts, for up to KEPT distinct
** layouts, and stay on the stack below the work: a page holding the same
** small struct twenty times costs the calls that set its entries, not
** twenty fetches of the same tables.  The keys of a nested layout of at
** most SPREAD fields are spread on the stack too, where pushing one is
** cheaper than reading it from the field table.  Layouts beyond KEPT
** fetch their tables where they are met.
*/
#define KEPT     16     /* layouts a decode keeps at hand */
#define SPREAD   32     /* fields of a layout whose keys are spread */
#define SPREADS  128    /* keys spread, at most */
#define LEVEL    8      /* stack slots one level of nesting takes, at most */

typedef struct decoder {
  lua_State *L;
  int room;                       /* the stack is ensured up to this slot */
  int n;                          /* layouts at hand */
  int spread;                     /* keys spread */
  const wshm_layout *lay[KEPT];
  int names[KEPT];                /* slot of its field table; its nested
                                     layouts (a table or nil) above it */
  int keys[KEPT];                 /* slot before its first key, or 0 */
} decoder;

/* Where lay is among the layouts at hand, or -1. */
static int athand (const decoder *d, const wshm_layout *lay) {
  int i;
  for (i = 0; i < d->n; i++)
    if (d->lay[i] == lay) return i;
  return -1;
}

/* Keep at hand the layout whose userdata is at the top (it stays there),
** and, while there is room, the layouts nested in it. */
static void keep (decoder *d, int root) {
  lua_State *L = d->L;
  int u = lua_gettop(L), i, at = d->n++;
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, u);
  d->lay[at] = lay;
  d->names[at] = u + 1;
  d->keys[at] = 0;
  lua_getiuservalue(L, u, LUV_FIELDS);
  lua_getiuservalue(L, u, LUV_NESTED);
  if (!root && lay->nfields <= SPREAD && d->spread + lay->nfields <= SPREADS) {
    d->keys[at] = u + 2;
    d->spread += lay->nfields;
    for (i = 1; i <= lay->nfields; i++)
      lua_rawgeti(L, u + 1, i);
  }
  for (i = 0; i < lay->nfields && d->n < KEPT; i++) {
    const wshm_field *f = &lay->f[i];
    if (f->kind == WK_STRUCT && athand(d, f->lay) < 0) {
      lua_rawgeti(L, u + 2, f->sub);
      keep(d, 0);
    }
  }
}

/* Make sure of LEVEL more stack slots above 'top' (the top). */
#define roomfor(d, top) \
  ((top) + LEVEL > (d)->room ? ensure(d, top) : (void)0)

static void ensure (decoder *d, int top) {
  luaL_checkstack(d->L, 4 * LEVEL, "layouts nested too deeply");
  d->room = top + 4 * LEVEL;
}

/* Push a new table for a struct of lay, or (lay NULL) n array elements. */
static void newtable (lua_State *L, const wshm_layout *lay, size_t n) {
  if (lay != NULL) lua_createtable(L, 0, lay->nfields);
  else lua_createtable(L, hint(n), 0);
}

static void fillstruct (decoder *d, const wshm_layout *lay, int at,
                        int lidx, const unsigned char *p, int t, int refill);

/*
** Fill the table at t with level 'level' of field f (n elements at p).
** For a struct array, the element layout is at hand at 'at' (>= 0), else
** its userdata is at eidx.
*/
static void filllevel (decoder *d, const wshm_field *f, int level, size_t n,
                       const unsigned char *p, int at, int eidx, int t,
                       int refill) {
  lua_State *L = d->L;
  size_t i, stride = f->stride[level];
  int leaf = level + 1 >= f->nlevels, structs = f->kind == WK_STRUCT;
  for (i = 0; i < n; i++) {
    const unsigned char *q = p + i * stride;
    lua_Integer k = (lua_Integer)i + 1;
    int found, sub;
    if (leaf && !structs) {  /* a scalar or a string */
      if (refill && f->kind == WK_CHAR) {
        lua_rawgeti(L, t, k);
        found = wshm_textsame(L, -1, f, q);
        lua_pop(L, 1);
        if (found) continue;
      }
      wshm_pushitem(L, f, q);
      lua_rawseti(L, t, k);
      continue;
    }
    found = refill && lua_rawgeti(L, t, k) == LUA_TTABLE;
    if (!found) {
      if (refill) lua_pop(L, 1);
      newtable(L, leaf ? f->lay : NULL, leaf ? 0 : f->dims[level + 1]);
    }
    sub = lua_gettop(L);
    roomfor(d, sub);
    if (!leaf)
      filllevel(d, f, level + 1, f->dims[level + 1], q, at, eidx, sub, found);
    else
      fillstruct(d, f->lay, at, eidx, q, sub, found);
    if (found) lua_pop(L, 1);  /* refilled where it is */
    else lua_rawseti(L, t, k);
  }
}

/* Fill the entry of t named by the key at the top with the composite
** field f at q; nested holds the nested layouts of f's layout.  Pops the
** key. */
static void fillcomposite (decoder *d, int nested, const wshm_field *f,
                           const unsigned char *q, int t, int refill) {
  lua_State *L = d->L;
  int key = lua_gettop(L), found = 0, at = -1, eidx = 0;
  roomfor(d, key);
  if (refill) {
    lua_pushvalue(L, key);
    found = lua_rawget(L, t) == LUA_TTABLE;
    if (!found) lua_pop(L, 1);
  }
  if (!found) newtable(L, f->nlevels > 0 ? NULL : f->lay, f->dims[0]);
  if (f->kind == WK_STRUCT && (at = athand(d, f->lay)) < 0) {
    lua_rawgeti(L, nested, f->sub);  /* not at hand: its userdata */
    eidx = key + 2;
  }
  if (f->nlevels > 0)
    filllevel(d, f, 0, f->dims[0], q, at, eidx, key + 1, found);
  else
    fillstruct(d, f->lay, at, eidx, q, key + 1, found);
  if (found)  /* refilled where it is */
    lua_settop(L, key - 1);
  else {
    if (eidx != 0) lua_pop(L, 1);
    lua_rawset(L, t);
  }
}

/* Fill the table at t with the struct of lay at p: lay is at hand at 'at'
** (>= 0), else its userdata is at lidx. */
static void fillstruct (decoder *d, const wshm_layout *lay, int at,
                        int lidx, const unsigned char *p, int t, int refill) {
  lua_State *L = d->L;
  const wshm_field *f, *end = lay->f + lay->nfields;
  int i, top = 0, names, keys = 0;
  if (at >= 0) {
    names = d->names[at];
    keys = d->keys[at];
  }
  else {  /* not at hand: fetched for this struct */
    top = lua_gettop(L);
    lua_getiuservalue(L, lidx, LUV_FIELDS);
    lua_getiuservalue(L, lidx, LUV_NESTED);
    names = top + 1;
  }
  for (f = lay->f, i = 1; f < end; f++, i++) {
    const unsigned char *q = p + f->offset;
    if (keys != 0) lua_pushvalue(L, keys + i);  /* the key */
    else lua_rawgeti(L, names, i);
    if (f->composite != 0) {
      fillcomposite(d, names + 1, f, q, t, refill);
      continue;
    }
    if (f->code == WC_TEXT && refill && f->kind == WK_CHAR) {
      int same;  /* kept when the same */
      lua_pushvalue(L, -1);
      lua_rawget(L, t);
      same = wshm_textsame(L, -1, f, q);
      lua_pop(L, same ? 2 : 1);
      if (same) continue;
    }
    wshm_pushitem(L, f, q);  /* one scalar or string: the common case */
    lua_rawset(L, t);
  }
  if (top != 0) lua_settop(L, top);
}

void wshm_decode (lua_State *L, int lidx, const wshm_span *s,
                  const unsigned char *p, int into) {
  decoder d;
  int t, refill = into != 0, at = 0, eidx = 0;
  lidx = lua_absindex(L, lidx);
  luaL_checkstack(L, 3 * KEPT + SPREADS + 2 * LEVEL,
                  "layouts nested too deeply");
  if (refill)
    lua_pushvalue(L, into);
  else if (s->fld == NULL)
    newtable(L, s->lay, 0);
  else
    newtable(L, NULL, s->n);
  t = lua_gettop(L);
  d.L = L;
  d.n = d.spread = 0;
  d.room = t + 3 * KEPT + SPREADS + 2 * LEVEL - 1;
  lua_pushvalue(L, lidx);
  keep(&d, 1);  /* s->lay: at 0 */
  if (s->fld == NULL)
    fillstruct(&d, s->lay, 0, lidx, p, t, refill);
  else {
    if (s->fld->kind == WK_STRUCT && (at = athand(&d, s->fld->lay)) < 0) {
      lua_rawgeti(L, d.names[0] + 1, s->fld->sub);
      eidx = lua_gettop(L);
    }
    filllevel(&d, s->fld, s->level, s->n, p, at, eidx, t, refill);
  }
  lua_settop(L, t);
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
