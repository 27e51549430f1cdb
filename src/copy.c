/*
** copy.c -- shm.read (a view as a plain table, deep) and shm.write (a
** table into a view, deep and partial: every value is checked before any
** byte is written).
*/
#include <limits.h>

#include "layout.h"

/* Table size hint for n elements. */
#define hint(n)  ((n) > (size_t)INT_MAX ? 0 : (int)(n))

/* ---------------------------------------------------------- reading */

static void readstruct (lua_State *L, int lidx, const unsigned char *p);

/* Push the elements of field f from 'level' on (n of them at p) as a
** sequence; eidx holds the element layout of a struct array, else 0. */
static void readlevel (lua_State *L, const wshm_field *f, int level,
                       size_t n, const unsigned char *p, int eidx) {
  size_t i;
  luaL_checkstack(L, 4, "arrays nested too deeply");
  lua_createtable(L, hint(n), 0);
  for (i = 0; i < n; i++) {
    const unsigned char *q = p + i * f->stride[level];
    if (level + 1 < f->nlevels)
      readlevel(L, f, level + 1, f->dims[level + 1], q, eidx);
    else if (eidx != 0)
      readstruct(L, eidx, q);
    else
      wshm_pushitem(L, f, q);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* Push the struct of the layout userdata at lidx at p as a table. */
static void readstruct (lua_State *L, int lidx, const unsigned char *p) {
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, lidx);
  int i, t, names;
  luaL_checkstack(L, 8, "layouts nested too deeply");
  lua_createtable(L, 0, lay->nfields);
  t = lua_gettop(L);
  lua_getiuservalue(L, lidx, LUV_FIELDS);
  names = t + 1;
  for (i = 0; i < lay->nfields; i++) {
    const wshm_field *f = &lay->f[i];
    const unsigned char *q = p + f->offset;
    lua_rawgeti(L, names, i + 1);
    if (f->slot == 0)  /* one scalar or string: the common case */
      wshm_pushitem(L, f, q);
    else if (f->kind == WK_STRUCT) {
      wshm_pushnested(L, lidx, f);
      if (f->nlevels > 0)
        readlevel(L, f, 0, f->dims[0], q, names + 2);
      else
        readstruct(L, names + 2, q);
      lua_remove(L, names + 2);
    }
    else
      readlevel(L, f, 0, f->dims[0], q, 0);
    lua_rawset(L, t);
  }
  lua_settop(L, t);
}

int wshm_read (lua_State *L) {
  const wshm_view *v = wshm_checkview(L, 1);
  lua_settop(L, 1);
  lua_getiuservalue(L, 1, VUV_LAYOUT);
  if (v->fld == NULL)
    readstruct(L, 2, v->data);
  else if (v->fld->kind == WK_STRUCT) {
    wshm_pushnested(L, 2, v->fld);
    readlevel(L, v->fld, v->level, v->n, v->data, 3);
  }
  else
    readlevel(L, v->fld, v->level, v->n, v->data, 0);
  return 1;
}

/* ---------------------------------------------------------- writing */

/* Where a value goes, for messages: ".name" or "[index]" steps. */
typedef struct wpath {
  const struct wpath *up;
  const char *name;         /* NULL: an index */
  lua_Integer index;
} wpath;

typedef struct writer {
  lua_State *L;
  const wshm_layout *root;  /* layout messages name */
  int dowrite;              /* 0: check only */
} writer;

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
static void fail (writer *w, const wpath *path, const char *msg) {
  lua_State *L = w->L;
  luaL_Buffer b;
  const char *where;
  if (path == NULL)
    luaL_error(L, "%s", msg);
  luaL_buffinit(L, &b);
  addpath(&b, path);
  luaL_pushresult(&b);
  where = lua_tostring(L, -1);
  luaL_error(L, "field '%s' of %s: %s", where, wshm_layoutlabel(L, w->root),
             msg);
}

static void writestruct (writer *w, int lidx, unsigned char *p, int tidx,
                         const wpath *up);

/*
** Write the value at vidx into field f from 'level' on, at p; eidx holds
** the element layout of a struct field, else 0.
*/
static void writevalue (writer *w, const wshm_field *f, int level,
                        unsigned char *p, int vidx, int eidx,
                        const wpath *path) {
  lua_State *L = w->L;
  if (level < f->nlevels) {
    size_t n = f->dims[level];
    if (!lua_istable(L, vidx))
      fail(w, path, lua_pushfstring(L, "expected a table (array of %I), "
                                    "got %s", (lua_Integer)n,
                                    luaL_typename(L, vidx)));
    luaL_checkstack(L, 6, "arrays nested too deeply");
    lua_pushnil(L);
    while (lua_next(L, vidx)) {
      lua_Integer i = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : 0;
      wpath here;
      if (i < 1 || (lua_Unsigned)i > n)
        fail(w, path, lua_pushfstring(L, "index %s out of range 1..%I",
                                      luaL_tolstring(L, -2, NULL),
                                      (lua_Integer)n));
      here.up = path; here.name = NULL; here.index = i;
      writevalue(w, f, level + 1, p + (size_t)(i - 1) * f->stride[level],
                 lua_gettop(L), eidx, &here);
      lua_pop(L, 1);
    }
  }
  else if (f->kind == WK_STRUCT) {
    if (!lua_istable(L, vidx))
      fail(w, path, lua_pushfstring(L, "expected a table, got %s",
                                    luaL_typename(L, vidx)));
    writestruct(w, eidx, p, vidx, path);
  }
  else {
    const char *msg = wshm_setitem(L, vidx, f, w->dowrite ? p : NULL);
    if (msg != NULL) fail(w, path, msg);
  }
}

/* Write field f from the table at tidx (if it has one) at p. */
static void writefield (writer *w, int lidx, unsigned char *p, int tidx,
                        const wshm_field *f, const wpath *up) {
  lua_State *L = w->L;
  int vidx, eidx = 0;
  wpath here;
  lua_pushstring(L, f->name);
  if (lua_rawget(L, tidx) == LUA_TNIL) {  /* raw, as the checking pass */
    lua_pop(L, 1);
    return;
  }
  vidx = lua_gettop(L);
  here.up = up; here.name = f->name; here.index = 0;
  if (f->kind == WK_STRUCT) {
    wshm_pushnested(L, lidx, f);
    eidx = lua_gettop(L);
  }
  writevalue(w, f, 0, p + f->offset, vidx, eidx, &here);
  lua_settop(L, vidx - 1);
}

/*
** Write the fields of the table at tidx into the struct of the layout
** userdata at lidx at p.  The checking pass walks the table, so every key
** is checked; the writing pass walks the layout in declaration order, so
** the result never depends on the table's order (in a union given
** several members, the last declared wins).
*/
static void writestruct (writer *w, int lidx, unsigned char *p, int tidx,
                         const wpath *up) {
  lua_State *L = w->L;
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, lidx);
  int names, i;
  luaL_checkstack(L, 8, "layouts nested too deeply");
  if (w->dowrite) {
    for (i = 0; i < lay->nfields; i++)
      writefield(w, lidx, p, tidx, &lay->f[i], up);
    return;
  }
  lua_getiuservalue(L, lidx, LUV_FIELDS);
  names = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, tidx)) {
    int kidx = lua_gettop(L) - 1;  /* the key stays for lua_next */
    lua_pop(L, 1);
    lua_pushvalue(L, kidx);
    if (lua_type(L, kidx) != LUA_TSTRING
        || lua_rawget(L, names) != LUA_TLIGHTUSERDATA)
      fail(w, up, lua_pushfstring(L, "no field %s in %s",
           lua_type(L, kidx) == LUA_TSTRING
             ? lua_pushfstring(L, "'%s'", lua_tostring(L, kidx))
             : luaL_tolstring(L, kidx, NULL),
           wshm_layoutlabel(L, lay)));
    writefield(w, lidx, p, tidx, (const wshm_field *)lua_touserdata(L, -1),
               up);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

void wshm_writeview (lua_State *L, int vidx, int tidx) {
  wshm_encodeview(L, vidx, tidx,
                  ((const wshm_view *)lua_touserdata(L, vidx))->data);
}

void wshm_encodeview (lua_State *L, int vidx, int tidx, unsigned char *dst) {
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, vidx);
  writer w;
  int lidx;
  vidx = lua_absindex(L, vidx);
  tidx = lua_absindex(L, tidx);
  w.L = L;
  w.root = v->lay;
  lua_getiuservalue(L, vidx, VUV_LAYOUT);
  lidx = lua_gettop(L);
  if (v->fld != NULL && v->fld->kind == WK_STRUCT)
    wshm_pushnested(L, lidx, v->fld);
  for (w.dowrite = 0; w.dowrite <= 1; w.dowrite++) {
    if (v->fld == NULL)
      writestruct(&w, lidx, dst, tidx, NULL);
    else {
      wpath root;
      root.up = NULL; root.name = v->fld->name; root.index = 0;
      writevalue(&w, v->fld, v->level, dst, tidx,
                 v->fld->kind == WK_STRUCT ? lidx + 1 : 0, &root);
    }
  }
  lua_settop(L, lidx - 1);
}

int wshm_write (lua_State *L) {
  const wshm_view *v = wshm_checkview(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!v->writable)
    return luaL_error(L, "attempt to write %s through a read-only view",
                      wshm_layoutlabel(L, v->lay));
  wshm_writeview(L, 1, 2);
  return 0;
}
