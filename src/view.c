/*
** view.c -- views: fields of a mapped region read and written through a
** layout.  Struct views get the metatable of their layout, whose __index
** and __newindex are C closures over the layout's field table (a field
** lookup is a probe of a small cache, else one rawget); array views share
** one metatable.  Child views
** (nested structs, arrays, rows, struct elements) are cached in their
** parent, so repeated access allocates nothing.
*/
#include <string.h>

#include "layout.h"

/* Its address marks view metatables (a key no script can make). */
static const char VIEWMARK = 'v';

static int view_tostring (lua_State *L);

/* ------------------------------------------------------------ access */

wshm_view *wshm_toview (lua_State *L, int idx) {
  wshm_view *v = NULL;
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    if (lua_rawgetp(L, -1, &VIEWMARK) == LUA_TBOOLEAN)
      v = (wshm_view *)lua_touserdata(L, idx);
    lua_pop(L, 2);
  }
  return v;
}

wshm_view *wshm_checkview (lua_State *L, int idx) {
  wshm_view *v = wshm_toview(L, idx);
  if (v == NULL)
    luaL_typeerror(L, idx, "view");
  else if (v->r->base == NULL)
    wshm_closederror(L);
  return v;
}

/* ------------------------------------------------------------ errors */

/* Raise "field 'name' of <layout>: msg". */
static int fielderror (lua_State *L, const wshm_layout *lay, const char *name,
                       const char *msg) {
  return luaL_error(L, "field '%s' of %s: %s", name, wshm_layoutlabel(L, lay),
                    msg);
}

/* Raise for the key at 2 of struct view v, which names no field. */
static int nofield (lua_State *L, const wshm_view *v) {
  if (v->r->base == NULL)
    return wshm_closederror(L);
  if (lua_type(L, 2) == LUA_TSTRING)
    return luaL_error(L, "no field '%s' in %s", lua_tostring(L, 2),
                      wshm_layoutlabel(L, v->lay));
  return luaL_error(L, "no field %s in %s (fields are named by strings)",
                    luaL_tolstring(L, 2, NULL), wshm_layoutlabel(L, v->lay));
}

static int readonly (lua_State *L, const wshm_layout *lay, const char *name) {
  return luaL_error(L, "attempt to write field '%s' of %s through a read-only "
                    "view", name, wshm_layoutlabel(L, lay));
}

/* ------------------------------------------------------------ making */

/*
** Push a new view over 'data': of the layout whose userdata is at lidx
** (fld NULL), or of level 'level' of its array field fld.  The link is
** at kidx; its region r.
*/
static wshm_view *newview (lua_State *L, int kidx, const wshm_region *r,
                           int writable, int lidx, const wshm_field *fld,
                           int level, unsigned char *data) {
  wshm_layout *lay = (wshm_layout *)lua_touserdata(L, lidx);
  int nuv = fld != NULL ? VUV_CACHE : VUV_CACHE - 1 + lay->nslots;
  wshm_view *v;
  kidx = lua_absindex(L, kidx);
  lidx = lua_absindex(L, lidx);
  v = (wshm_view *)lua_newuserdatauv(L, sizeof(wshm_view), nuv);
  v->data = data;
  v->r = r;
  v->lay = lay;
  v->fld = fld;
  v->level = level;
  v->writable = writable;
  v->n = fld != NULL ? fld->dims[level] : 0;
  v->stride = fld != NULL ? fld->stride[level] : 0;
  v->leaf = fld != NULL && level + 1 >= fld->nlevels && fld->kind != WK_STRUCT;
  if (fld != NULL)
    luaL_setmetatable(L, WSHM_VIEW);
  else {
    lua_getiuservalue(L, lidx, LUV_META);
    lua_setmetatable(L, -2);
  }
  lua_pushvalue(L, kidx);
  lua_setiuservalue(L, -2, VUV_LINK);
  lua_pushvalue(L, lidx);
  lua_setiuservalue(L, -2, VUV_LAYOUT);
  return v;
}

/* Push the view of the array or struct field f of the struct view v at 1,
** made once and kept in its slot; pushes exactly one value. */
static int pushchild (lua_State *L, const wshm_view *v, const wshm_field *f) {
  int top;
  if (lua_getiuservalue(L, 1, f->slot) == LUA_TUSERDATA)
    return 1;
  top = lua_gettop(L) - 1;
  lua_getiuservalue(L, 1, VUV_LINK);
  lua_getiuservalue(L, 1, VUV_LAYOUT);
  if (f->nlevels > 0)
    newview(L, top + 2, v->r, v->writable, top + 3, f, 0,
            v->data + f->offset);
  else {
    wshm_pushnested(L, top + 3, f);
    newview(L, top + 2, v->r, v->writable, top + 4, NULL, 0,
            v->data + f->offset);
  }
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 1, f->slot);
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
  return 1;
}

/* Push element i (a row or a struct) at p of the array view v at 1, kept
** in a weak cache so a long loop leaves garbage the GC can take; pushes
** exactly one value. */
static int pushelement (lua_State *L, const wshm_view *v, lua_Integer i,
                        unsigned char *p) {
  const wshm_field *f = v->fld;
  int c;
  if (lua_getiuservalue(L, 1, VUV_CACHE) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 1, VUV_CACHE);
  }
  c = lua_gettop(L);
  if (lua_rawgeti(L, c, i) == LUA_TUSERDATA) {
    lua_replace(L, c);
    return 1;
  }
  lua_getiuservalue(L, 1, VUV_LINK);
  lua_getiuservalue(L, 1, VUV_LAYOUT);
  if (v->level + 1 < f->nlevels)
    newview(L, c + 2, v->r, v->writable, c + 3, f, v->level + 1, p);
  else {
    wshm_pushnested(L, c + 3, f);
    newview(L, c + 2, v->r, v->writable, c + 4, NULL, 0, p);
  }
  lua_pushvalue(L, -1);
  lua_rawseti(L, c, i);
  lua_replace(L, c);
  lua_settop(L, c);
  return 1;
}

/* ------------------------------------------------------ struct views */

/*
** The field named by the key at 2 of a view of lay, or NULL; upvalue 1
** is lay's field table.  A small cache keyed by the identity of the key
** (lua_topointer: the string object itself) saves the table lookup: a
** hit is exact, because field names stay anchored in the field table and
** equal short strings are one object.
*/
static const wshm_field *findfield (lua_State *L, wshm_layout *lay) {
  const void *k = lua_topointer(L, 2);
  unsigned h = (unsigned)((uintptr_t)k >> 4) % WSHM_HITS;
  const wshm_field *f = lay->hits[h];
  if (f != NULL && f->key == k)
    return f;
  if (lua_type(L, 2) != LUA_TSTRING)
    return NULL;
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TLIGHTUSERDATA)
    return NULL;
  f = (const wshm_field *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return lay->hits[h] = f;
}

/* __index of a struct view; upvalue 1 = the layout's field table. */
static int struct_index (lua_State *L) {
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, 1);
  const wshm_field *f = findfield(L, v->lay);
  if (f == NULL)
    return nofield(L, v);
  if (v->r->base == NULL)
    return wshm_closederror(L);
  if (f->slot == 0) {
    wshm_pushitem(L, f, v->data + f->offset);
    return 1;
  }
  return pushchild(L, v, f);
}

/* __newindex of a struct view: range-checked; a table assigned to a
** struct or array field is written as shm.write writes it. */
static int struct_newindex (lua_State *L) {
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, 1);
  const wshm_field *f = findfield(L, v->lay);
  const char *msg;
  if (f == NULL)
    return nofield(L, v);
  if (v->r->base == NULL)
    return wshm_closederror(L);
  if (!v->writable)
    return readonly(L, v->lay, f->name);
  if (f->slot == 0) {
    if (wshm_fastset(L, 3, f, v->data + f->offset))
      return 0;
    msg = wshm_setitem(L, 3, f, v->data + f->offset);
    return msg == NULL ? 0 : fielderror(L, v->lay, f->name, msg);
  }
  if (!lua_istable(L, 3))
    return fielderror(L, v->lay, f->name, lua_pushfstring(L,
                      "expected a table, got %s", luaL_typename(L, 3)));
  pushchild(L, v, f);
  wshm_writeview(L, lua_gettop(L), 3);
  return 0;
}

/* The iterator pairs() gives: fields in declaration order.  Upvalues:
** the field table and the layout userdata. */
static int struct_next (lua_State *L) {
  const wshm_view *v = wshm_toview(L, 1);
  const wshm_field *f;
  int i = 0;
  if (v == NULL || v->fld != NULL
      || v->lay != lua_touserdata(L, lua_upvalueindex(2)))
    return luaL_typeerror(L, 1, "view of this layout");
  if (v->r->base == NULL)
    return wshm_closederror(L);
  lua_settop(L, 2);
  if (!lua_isnil(L, 2)) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TLIGHTUSERDATA)
      return nofield(L, v);
    i = ((const wshm_field *)lua_touserdata(L, -1))->index;
  }
  if (i >= v->lay->nfields) {
    lua_pushnil(L);
    return 1;
  }
  f = &v->lay->f[i];
  lua_rawgeti(L, lua_upvalueindex(1), i + 1);
  if (f->slot == 0)
    wshm_pushitem(L, f, v->data + f->offset);
  else
    pushchild(L, v, f);
  return 2;
}

/* __pairs of a struct view; upvalue 1 = its struct_next. */
static int struct_pairs (lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void wshm_newviewmeta (lua_State *L, int lidx) {
  lidx = lua_absindex(L, lidx);
  lua_createtable(L, 0, 8);
  lua_pushliteral(L, WSHM_VIEW);
  lua_setfield(L, -2, "__name");
  lua_pushliteral(L, WSHM_VIEW);
  lua_setfield(L, -2, "__metatable");
  lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, &VIEWMARK);
  lua_getiuservalue(L, lidx, LUV_FIELDS);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, struct_index, 1);
  lua_setfield(L, -3, "__index");
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, struct_newindex, 1);
  lua_setfield(L, -3, "__newindex");
  lua_pushvalue(L, lidx);
  lua_pushcclosure(L, struct_next, 2);  /* the field table, the layout */
  lua_pushcclosure(L, struct_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushcfunction(L, view_tostring);
  lua_setfield(L, -2, "__tostring");
}

/* ------------------------------------------------------- array views */

/* Is the caller ipairs' iterator (the value at 'up')? */
static int byipairs (lua_State *L, int up) {
  lua_Debug ar;
  int r;
  if (lua_isnil(L, up) || !lua_getstack(L, 1, &ar)) return 0;
  lua_getinfo(L, "f", &ar);
  r = lua_rawequal(L, -1, up);
  lua_pop(L, 1);
  return r;
}

/* Element i of the array view v at 1, which the caller checked. */
static int arrayget (lua_State *L, const wshm_view *v, lua_Integer i) {
  unsigned char *p = v->data + (size_t)(i - 1) * v->stride;
  if (!v->leaf)
    return pushelement(L, v, i, p);
  wshm_pushitem(L, v->fld, p);
  return 1;
}

/* Raise for the key at 2 of array view v, not an index in 1..#v. */
static int badindex (lua_State *L, const wshm_view *v, int isnum,
                     lua_Integer i) {
  if (v->r->base == NULL)
    return wshm_closederror(L);
  if (!isnum)
    return luaL_error(L, "field '%s' of %s: array index must be an integer, "
                      "got %s", v->fld->name, wshm_layoutlabel(L, v->lay),
                      luaL_tolstring(L, 2, NULL));
  return luaL_error(L, "field '%s' of %s: index %I out of range 1..%I",
                    v->fld->name, wshm_layoutlabel(L, v->lay), i,
                    (lua_Integer)v->n);
}

/* __index of array views; upvalue 1 = ipairs' iterator, for which the
** index #v+1 gives nil (the end) instead of an error. */
static int array_index (lua_State *L) {
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, 1);
  int isnum = 0;
  lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &isnum)
                                                : 0;
  if (!isnum || i < 1 || (lua_Unsigned)i > v->n) {
    if (isnum && (lua_Unsigned)i == v->n + 1 && v->r->base != NULL
        && byipairs(L, lua_upvalueindex(1)))
      return 0;
    return badindex(L, v, isnum, i);
  }
  if (v->r->base == NULL)
    return wshm_closederror(L);
  return arrayget(L, v, i);
}

static int array_newindex (lua_State *L) {
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, 1);
  const wshm_field *f = v->fld;
  int isnum = 0;
  lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &isnum)
                                                : 0;
  unsigned char *p;
  const char *msg;
  if (!isnum || i < 1 || (lua_Unsigned)i > v->n)
    return badindex(L, v, isnum, i);
  if (v->r->base == NULL)
    return wshm_closederror(L);
  if (!v->writable)
    return readonly(L, v->lay, f->name);
  p = v->data + (size_t)(i - 1) * v->stride;
  if (!v->leaf) {
    if (!lua_istable(L, 3))
      return luaL_error(L, "field '%s' of %s: element %I: expected a table, "
                        "got %s", f->name, wshm_layoutlabel(L, v->lay), i,
                        luaL_typename(L, 3));
    pushelement(L, v, i, p);
    wshm_writeview(L, lua_gettop(L), 3);
    return 0;
  }
  if (wshm_fastset(L, 3, f, p))
    return 0;
  msg = wshm_setitem(L, 3, f, p);
  if (msg != NULL)
    return luaL_error(L, "field '%s' of %s: element %I: %s", f->name,
                      wshm_layoutlabel(L, v->lay), i, msg);
  return 0;
}

static const wshm_view *checkarray (lua_State *L) {
  const wshm_view *v = wshm_checkview(L, 1);
  if (v->fld == NULL)
    luaL_typeerror(L, 1, "array view");
  return v;
}

static int array_len (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)checkarray(L)->n);
  return 1;
}

/* pairs() over an array view: 1..#v with their values. */
static int array_next (lua_State *L) {
  const wshm_view *v = checkarray(L);
  lua_Integer i = luaL_optinteger(L, 2, 0);
  if (i < 0 || (lua_Unsigned)i >= v->n) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, i + 1);
  arrayget(L, v, i + 1);
  return 2;
}

static int array_pairs (lua_State *L) {
  checkarray(L);
  lua_pushcfunction(L, array_next);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

static int view_tostring (lua_State *L) {
  const wshm_view *v = wshm_toview(L, 1);
  if (v == NULL)
    return luaL_typeerror(L, 1, "view");
  if (v->r->base == NULL)
    lua_pushliteral(L, "winshm.view (closed link)");
  else if (v->fld != NULL)
    lua_pushfstring(L, "winshm.view (%s, field '%s' of %s, %I elements)",
                    v->writable ? "ReadWrite" : "ReadOnly", v->fld->name,
                    wshm_layoutlabel(L, v->lay), (lua_Integer)v->n);
  else
    lua_pushfstring(L, "winshm.view (%s, %s)", v->writable ? "ReadWrite"
                    : "ReadOnly", wshm_layoutlabel(L, v->lay));
  return 1;
}

/* Push ipairs' iterator (or nil): what array_index recognises. */
static void pushipairsaux (lua_State *L) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_getfield(L, -1, "ipairs");
  lua_remove(L, -2);
  if (!lua_iscfunction(L, -1)) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return;
  }
  lua_newtable(L);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_iscfunction(L, -1)) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
}

static void newarraymeta (lua_State *L) {
  static const luaL_Reg meta[] = {
    {"__newindex", array_newindex},
    {"__len", array_len},
    {"__pairs", array_pairs},
    {"__tostring", view_tostring},
    {NULL, NULL}
  };
  luaL_newmetatable(L, WSHM_VIEW);
  luaL_setfuncs(L, meta, 0);
  lua_pushliteral(L, WSHM_VIEW);
  lua_setfield(L, -2, "__metatable");
  lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, &VIEWMARK);
  pushipairsaux(L);
  lua_pushcclosure(L, array_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

/* ------------------------------------------------------ from links */

/* A link's name for messages (pushed). */
static const char *linkname (lua_State *L, int kidx) {
  lua_getiuservalue(L, kidx, 1);
  return lua_tostring(L, -1);
}

/* link:get() and link:get_mut(): the link's layout at offset 0. */
static int rootview (lua_State *L, int mut) {
  wshm_link *k = wshm_checklink(L, 1);
  const wshm_layout *lay;
  if (mut && !k->r.writable)
    return luaL_error(L, "link '%s' is ReadOnly: get_mut() needs a "
                      "ReadWrite link", linkname(L, 1));
  lua_settop(L, 1);
  if (lua_getiuservalue(L, 1, 2) != LUA_TUSERDATA)
    return luaL_error(L, "link '%s' has no layout (it was opened with a size):"
                      " use link:view(layout, offset)", linkname(L, 1));
  lay = (const wshm_layout *)lua_touserdata(L, 2);
  if ((uint64_t)lay->size > k->r.size)
    return luaL_error(L, "link '%s' is smaller than its layout",
                      linkname(L, 1));
  newview(L, 1, &k->r, mut, 2, NULL, 0, k->r.base);
  return 1;
}

int wshm_link_get (lua_State *L) {
  return rootview(L, 0);
}

int wshm_link_get_mut (lua_State *L) {
  return rootview(L, 1);
}

/* link:view(layout, offset [, "r" | "rw"]): bounds-checked. */
int wshm_link_view (lua_State *L) {
  static const char *const modes[] = {"r", "rw", NULL};
  wshm_link *k = wshm_checklink(L, 1);
  const wshm_layout *lay = (const wshm_layout *)luaL_checkudata(L, 2,
                                                                WSHM_LAYOUT);
  lua_Integer off = luaL_optinteger(L, 3, 0);
  int mut = luaL_checkoption(L, 4, "r", modes);
  if (mut && !k->r.writable)
    return luaL_error(L, "link '%s' is ReadOnly: a \"rw\" view needs a "
                      "ReadWrite link", linkname(L, 1));
  if (off < 0 || (uint64_t)off > k->r.size
      || (uint64_t)lay->size > k->r.size - (uint64_t)off)
    return luaL_error(L, "%s (%I bytes) at offset %I is outside link '%s' "
                      "(%I bytes)", wshm_layoutlabel(L, lay),
                      (lua_Integer)lay->size, off, linkname(L, 1),
                      (lua_Integer)k->r.size);
  newview(L, 1, &k->r, mut, 2, NULL, 0, k->r.base + off);
  return 1;
}

/* ------------------------------------------------- field references */

void wshm_view_field (lua_State *L, int vidx, int kidx, wshm_fieldref *r) {
  const wshm_view *v = wshm_checkview(L, vidx);
  const wshm_layout *lay = v->lay;
  const wshm_field *f = NULL;
  const char *path, *s;
  const void *k;
  unsigned h;
  unsigned char *p = v->data;
  if (v->fld != NULL)
    luaL_typeerror(L, vidx, "struct view");
  path = s = luaL_checkstring(L, kidx);
  k = lua_topointer(L, kidx);
  h = (unsigned)((uintptr_t)k >> 4) % WSHM_HITS;
  f = v->lay->hits[h];
  if (f != NULL && f->key == k)  /* a top-level name seen before */
    p += f->offset;
  else for (;;) {
    const char *dot = strchr(s, '.');
    size_t len = dot != NULL ? (size_t)(dot - s) : strlen(s);
    f = wshm_lookup(lay, s, len);
    if (f == NULL)
      luaL_error(L, "no field '%s' in %s", path, wshm_layoutlabel(L, v->lay));
    p += f->offset;
    if (dot == NULL) {
      if (s == path) v->lay->hits[h] = f;
      break;
    }
    if (f->kind != WK_STRUCT || f->ndims > 0)
      luaL_error(L, "field '%s' of %s is not a struct: cannot resolve '%s'",
                 f->name, wshm_layoutlabel(L, lay), path);
    lay = f->lay;
    s = dot + 1;
  }
  if (f->kind == WK_STRUCT || f->ndims > 0)
    luaL_error(L, "field '%s' of %s is not a scalar", path,
               wshm_layoutlabel(L, v->lay));
  r->addr = p;
  r->size = f->esize;
  r->isint = f->kind == WK_INT || f->kind == WK_UINT;
  r->issigned = f->kind == WK_INT;
  r->writable = v->writable;
}

/* ---------------------------------------------------------- module */

static const luaL_Reg funcs[] = {
  {"read", wshm_read},
  {"write", wshm_write},
  {NULL, NULL}
};

void wshm_open_view (lua_State *L) {
  newarraymeta(L);
  luaL_setfuncs(L, funcs, 0);
}
