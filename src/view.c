/*
** view.c -- views: fields of a mapped region read and written through a
** layout.  Struct views get a metatable of their layout's own, made at
** its first view, whose __index and __newindex are C closures over the
** layout's field table (a field lookup is a probe of a small cache, else
** one rawget); array views share one metatable.  Child views (nested
** structs, arrays, rows, struct elements) are cached in their parent, so
** repeated access allocates nothing.
**
** A read of a field is: struct_index -> findfield -> wshm_pushitem
** (scalar.h) on the mapped bytes.  A table assigned to a struct or array
** field is encoded into a write plan first (codec.c), and the plan is
** applied only after the link is found still open.
*/
#include <string.h>

#include "lauxlib.h"
#include "codec.h"
#include "layout.h"
#include "link.h"
#include "scalar.h"
#include "view.h"

/* Its address, at index MARKSLOT of a view metatable, marks it (a value
** no script can make); an indexed read is cheaper and steadier than a
** hashed one.  CLASSSLOT holds a struct view metatable's wshm_vclass. */
static char VIEWMARK = 'v';
#define MARKSLOT   1
#define CLASSSLOT  2

static int view_tostring (lua_State *L);

/* ------------------------------------------------------------ access */

wshm_view *wshm_toview (lua_State *L, int idx) {
  wshm_view *v = NULL;
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
    if (lua_rawgeti(L, -1, MARKSLOT) == LUA_TLIGHTUSERDATA
        && lua_touserdata(L, -1) == &VIEWMARK)
      v = (wshm_view *)lua_touserdata(L, idx);
    lua_pop(L, 2);
  }
  return v;
}

wshm_view *wshm_checkview (lua_State *L, int idx) {
  wshm_view *v = wshm_toview(L, idx);
  if (v == NULL)
    luaL_typeerror(L, idx, "view");
  else if (!wshm_view_isopen(v))
    wshm_view_unusable(L, idx, 0);
  return v;
}

int wshm_view_unusable (lua_State *L, int vidx, int write) {
  lua_getiuservalue(L, vidx, VUV_LINK);
  return wshm_unusable(L, lua_gettop(L), write ? "write lost: " : "");
}

const char *wshm_view_label (lua_State *L, const wshm_view *v) {
  return wshm_layoutlabel(L, v->lay);
}

void wshm_view_span (lua_State *L, int vidx, wshm_span *s) {
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, vidx);
  lua_getiuservalue(L, vidx, VUV_LAYOUT);
  s->lay = v->lay;
  s->fld = v->fld;
  s->level = v->level;
  s->n = v->n;
  s->size = wshm_view_size(v);
}

/* The closure upvalues of every view metamethod: the metatable it serves
** and the pin of the last view it checked; then the layout's field table
** (struct views) and one more value (ipairs' iterator, an iterator). */
#define UP_META    lua_upvalueindex(1)
#define UP_PIN     lua_upvalueindex(2)

/* selfview's slow part: check the metatable of the value at 1, then pin
** it (which may allocate: callers check the link open afterwards). */
static wshm_view *checkself (lua_State *L, const char *what) {
  if (!lua_getmetatable(L, 1) || lua_topointer(L, -1) != lua_topointer(L, UP_META))
    luaL_typeerror(L, 1, what);
  lua_pop(L, 1);
  wshm_pinto(L, UP_PIN, 1, 0);
  return (wshm_view *)lua_touserdata(L, 1);
}

/*
** The view at 1 as the closure serving it expects: a userdata whose
** metatable is the one the closure serves (any other value, passed to a
** metamethod fetched with the debug library, is refused).  The last view
** found so is pinned (support.h): the same address again is that view.
*/
static inline wshm_view *selfview (lua_State *L, const char *what) {
  const wshm_pin *p = (const wshm_pin *)lua_touserdata(L, UP_PIN);
  void *v = lua_touserdata(L, 1);
  if (v != NULL && v == p->obj)
    return (wshm_view *)v;
  return checkself(L, what);
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
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
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

static void pushstructmeta (lua_State *L, int lidx);

/*
** Push a new view over 'data': of the layout whose userdata is at lidx
** (fld NULL), or of level 'level' of its array field fld.  The link is
** at kidx; its region r.
*/
static wshm_view *newview (lua_State *L, int kidx, const wshm_region *r,
                           int writable, int lidx, const wshm_field *fld,
                           int level, unsigned char *data) {
  const wshm_layout *lay = (const wshm_layout *)lua_touserdata(L, lidx);
  int nuv = fld != NULL ? VUV_CACHE : VUV_CACHE - 1 + lay->ncomposite;
  wshm_view *v;
  kidx = lua_absindex(L, kidx);
  lidx = lua_absindex(L, lidx);
  v = (wshm_view *)lua_newuserdatauv(L, sizeof(wshm_view), nuv);
  v->data = data;
  v->r = r;
  v->lay = lay;
  v->fld = fld;
  v->cls = NULL;
  v->level = level;
  v->writable = writable;
  v->n = fld != NULL ? fld->dims[level] : 0;
  v->stride = fld != NULL ? fld->stride[level] : 0;
  v->leaf = fld != NULL && level + 1 >= fld->nlevels && fld->kind != WK_STRUCT;
  if (fld != NULL)
    luaL_setmetatable(L, WSHM_VIEW);
  else {
    pushstructmeta(L, lidx);
    lua_rawgeti(L, -1, CLASSSLOT);
    v->cls = (wshm_vclass *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    lua_setmetatable(L, -2);
  }
  lua_pushvalue(L, kidx);
  lua_setiuservalue(L, -2, VUV_LINK);
  lua_pushvalue(L, lidx);
  lua_setiuservalue(L, -2, VUV_LAYOUT);
  return v;
}

/* The user value of a struct view caching the child of field f. */
#define childslot(f)  (VUV_CACHE - 1 + (f)->composite)

/* Push the view of the array or struct field f of the struct view v at 1,
** made once and kept in its slot; pushes exactly one value. */
static int pushchild (lua_State *L, const wshm_view *v, const wshm_field *f) {
  int top;
  if (lua_getiuservalue(L, 1, childslot(f)) == LUA_TUSERDATA)
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
  lua_setiuservalue(L, 1, childslot(f));
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
  return 1;
}

/* Element views an array view keeps: a loop that goes back to an
** element finds it, and a loop over a million elements keeps at most this
** many alive, so its garbage never outgrows the collector. */
#define ELEMCACHE  64

/* Push element i (a row or a struct) at p of the array view v at 1, kept
** in slot i % ELEMCACHE of a small table (a hit is checked by address);
** pushes exactly one value. */
static int pushelement (lua_State *L, const wshm_view *v, lua_Integer i,
                        unsigned char *p) {
  const wshm_field *f = v->fld;
  lua_Integer slot = (lua_Integer)((lua_Unsigned)i % ELEMCACHE) + 1;
  int c;
  if (lua_getiuservalue(L, 1, VUV_CACHE) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, ELEMCACHE, 0);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 1, VUV_CACHE);
  }
  c = lua_gettop(L);
  if (lua_rawgeti(L, c, slot) == LUA_TUSERDATA
      && ((const wshm_view *)lua_touserdata(L, -1))->data == p) {
    lua_replace(L, c);
    return 1;
  }
  lua_pop(L, 1);
  lua_getiuservalue(L, 1, VUV_LINK);
  lua_getiuservalue(L, 1, VUV_LAYOUT);
  if (v->level + 1 < f->nlevels)
    newview(L, c + 1, v->r, v->writable, c + 2, f, v->level + 1, p);
  else {
    wshm_pushnested(L, c + 2, f);
    newview(L, c + 1, v->r, v->writable, c + 3, NULL, 0, p);
  }
  lua_pushvalue(L, -1);
  lua_rawseti(L, c, slot);
  lua_replace(L, c);
  lua_settop(L, c);
  return 1;
}

/*
** Write the table at 3 into field f from array level 'level' on, at
** offset 'off' of the view v at 1 (index: the element, for messages):
** encoded into a plan while Lua code may run, applied once it cannot.
*/
static int assign (lua_State *L, const wshm_view *v, const wshm_field *f,
                   int level, size_t off, lua_Integer index) {
  lua_settop(L, 3);
  wshm_plan_new(L);
  lua_getiuservalue(L, 1, VUV_LAYOUT);
  wshm_encodefield(L, 5, f, level, off, index, 3, 4);
  if (!wshm_view_isopen(v))  /* encoding ran Lua code that closed it */
    return wshm_view_unusable(L, 1, 0);
  wshm_plan_apply(L, 4, v->data);
  wshm_view_checklost(L, 1, v, 1);
  return 0;
}

/* ------------------------------------------------------ struct views */

#define UP_FIELDS  lua_upvalueindex(3)
#define UP_NEXT    lua_upvalueindex(4)   /* __pairs: struct_next */

/*
** The field named by the key at 2 of the struct view v, or NULL.  A
** small cache keyed by the identity of the key (lua_topointer: the string
** object itself) saves the table lookup: a hit is exact, because field
** names stay anchored in the field table and equal short strings are one
** object.
*/
static const wshm_field *findfield (lua_State *L, const wshm_view *v) {
  const void *k = lua_topointer(L, 2);
  unsigned h = (unsigned)((uintptr_t)k >> 4) % WSHM_HITS;
  const wshm_field *f = v->cls->hits[h];
  if (f != NULL && f->key == k)
    return f;
  if (lua_type(L, 2) != LUA_TSTRING)
    return NULL;
  lua_pushvalue(L, 2);
  if (lua_rawget(L, UP_FIELDS) != LUA_TLIGHTUSERDATA)
    return NULL;
  f = (const wshm_field *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return v->cls->hits[h] = f;
}

/* __index of a struct view. */
static int struct_index (lua_State *L) {
  const wshm_view *v = selfview(L, "view of this layout");
  const wshm_field *f = findfield(L, v);
  if (f == NULL)
    return nofield(L, v);
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  if (f->composite == 0) {
    wshm_pushitem(L, f, v->data + f->offset);
    wshm_view_checklost(L, 1, v, 0);
    return 1;
  }
  return pushchild(L, v, f);
}

/* __newindex of a struct view: range-checked; a table assigned to a
** struct or array field is written as shm.write writes it. */
static int struct_newindex (lua_State *L) {
  const wshm_view *v = selfview(L, "view of this layout");
  const wshm_field *f = findfield(L, v);
  const char *msg;
  if (f == NULL)
    return nofield(L, v);
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  if (!v->writable)
    return readonly(L, v->lay, f->name);
  if (f->composite == 0) {
    if (!wshm_fastset(L, 3, f, v->data + f->offset)
        && (msg = wshm_setitem(L, 3, f, v->data + f->offset)) != NULL)
      return fielderror(L, v->lay, f->name, msg);
    wshm_view_checklost(L, 1, v, 1);
    return 0;
  }
  if (!lua_istable(L, 3))
    return fielderror(L, v->lay, f->name, lua_pushfstring(L,
                      "expected a table, got %s", luaL_typename(L, 3)));
  return assign(L, v, f, 0, f->offset, 0);
}

/* The iterator pairs() gives: fields in declaration order. */
static int struct_next (lua_State *L) {
  const wshm_view *v = selfview(L, "view of this layout");
  const wshm_field *f;
  int i = 0;
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  lua_settop(L, 2);
  if (!lua_isnil(L, 2)) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, UP_FIELDS) != LUA_TLIGHTUSERDATA)
      return nofield(L, v);
    i = ((const wshm_field *)lua_touserdata(L, -1))->index;
  }
  if (i >= v->lay->nfields) {
    lua_pushnil(L);
    return 1;
  }
  f = &v->lay->f[i];
  lua_rawgeti(L, UP_FIELDS, i + 1);
  if (f->composite == 0) {
    wshm_pushitem(L, f, v->data + f->offset);
    wshm_view_checklost(L, 1, v, 0);
  }
  else
    pushchild(L, v, f);
  return 2;
}

/* __pairs of a struct view. */
static int struct_pairs (lua_State *L) {
  selfview(L, "view of this layout");
  lua_pushvalue(L, UP_NEXT);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* Push f closed over the metatable at meta, the pin after it, the field
** table at fidx (when not 0) and, when extra, the value at the top (which
** it replaces). */
static void pushmethod (lua_State *L, int meta, int fidx, lua_CFunction f,
                        int extra) {
  int n = 2;
  lua_pushvalue(L, meta);
  lua_pushvalue(L, meta + 1);
  if (fidx != 0) { lua_pushvalue(L, fidx); n++; }
  if (extra) { lua_rotate(L, -1 - n, -1); n++; }
  lua_pushcclosure(L, f, n);
}

/* meta[name] = pushmethod's closure. */
static void setmethod (lua_State *L, int meta, int fidx, const char *name,
                       lua_CFunction f, int extra) {
  pushmethod(L, meta, fidx, f, extra);
  lua_setfield(L, meta, name);
}

/* Push the metatable of the views of the layout userdata at lidx, made at
** its first view and kept in the layout (LUV_VIEWS). */
static void pushstructmeta (lua_State *L, int lidx) {
  int fidx, meta;
  if (lua_getiuservalue(L, lidx, LUV_VIEWS) == LUA_TTABLE)
    return;
  lua_pop(L, 1);
  lua_getiuservalue(L, lidx, LUV_FIELDS);
  fidx = lua_gettop(L);
  lua_createtable(L, 2, 8);
  meta = fidx + 1;
  lua_pushliteral(L, WSHM_VIEW);
  lua_setfield(L, meta, "__name");
  lua_pushliteral(L, WSHM_VIEW);
  lua_setfield(L, meta, "__metatable");
  lua_pushlightuserdata(L, &VIEWMARK);
  lua_rawseti(L, meta, MARKSLOT);
  wshm_newpin(L, sizeof(wshm_vclass), 1);  /* meta + 1: the class and pin */
  lua_pushvalue(L, -1);
  lua_rawseti(L, meta, CLASSSLOT);
  setmethod(L, meta, fidx, "__index", struct_index, 0);
  setmethod(L, meta, fidx, "__newindex", struct_newindex, 0);
  pushmethod(L, meta, fidx, struct_next, 0);
  setmethod(L, meta, fidx, "__pairs", struct_pairs, 1);
  lua_pushcfunction(L, view_tostring);
  lua_setfield(L, meta, "__tostring");
  lua_pushvalue(L, meta);
  lua_setiuservalue(L, lidx, LUV_VIEWS);
  lua_pop(L, 1);  /* the class */
  lua_remove(L, fidx);
}

/* ------------------------------------------------------- array views */

#define UP_IPAIRS  lua_upvalueindex(3)   /* __index: ipairs' iterator */
#define UP_ANEXT   lua_upvalueindex(3)   /* __pairs: array_next */

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
  wshm_view_checklost(L, 1, v, 0);
  return 1;
}

/* Raise for the key at 2 of array view v, not an index in 1..#v. */
static int badindex (lua_State *L, const wshm_view *v, int isnum,
                     lua_Integer i) {
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  if (!isnum)
    return luaL_error(L, "field '%s' of %s: array index must be an integer, "
                      "got %s", v->fld->name, wshm_layoutlabel(L, v->lay),
                      lua_type(L, 2) == LUA_TSTRING
                        ? lua_pushfstring(L, "string '%s'", lua_tostring(L, 2))
                        : lua_pushfstring(L, "%s %s", luaL_typename(L, 2),
                                          luaL_tolstring(L, 2, NULL)));
  return luaL_error(L, "field '%s' of %s: index %I out of range 1..%I",
                    v->fld->name, wshm_layoutlabel(L, v->lay), i,
                    (lua_Integer)v->n);
}

/* The key at 2 as an index of v, or 0 (isnum says whether it was one). */
static lua_Integer keyindex (lua_State *L, const wshm_view *v, int *isnum) {
  lua_Integer i;
  *isnum = 0;
  if (lua_type(L, 2) != LUA_TNUMBER) return 0;
  i = lua_tointegerx(L, 2, isnum);
  return *isnum && i >= 1 && (lua_Unsigned)i <= v->n ? i : 0;
}

/* __index of array views; ipairs' iterator gets nil for #v + 1 (the end)
** instead of an error. */
static int array_index (lua_State *L) {
  const wshm_view *v = selfview(L, "array view");
  int isnum;
  lua_Integer i = keyindex(L, v, &isnum);
  if (i == 0) {
    if (isnum && lua_tointeger(L, 2) == (lua_Integer)v->n + 1
        && wshm_view_isopen(v) && byipairs(L, UP_IPAIRS))
      return 0;
    return badindex(L, v, isnum, isnum ? lua_tointeger(L, 2) : 0);
  }
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  return arrayget(L, v, i);
}

static int array_newindex (lua_State *L) {
  const wshm_view *v = selfview(L, "array view");
  const wshm_field *f = v->fld;
  int isnum;
  lua_Integer i = keyindex(L, v, &isnum);
  unsigned char *p;
  const char *msg;
  if (i == 0)
    return badindex(L, v, isnum, isnum ? lua_tointeger(L, 2) : 0);
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  if (!v->writable)
    return readonly(L, v->lay, f->name);
  if (!v->leaf) {
    if (!lua_istable(L, 3))
      return luaL_error(L, "field '%s' of %s: element %I: expected a table, "
                        "got %s", f->name, wshm_layoutlabel(L, v->lay), i,
                        luaL_typename(L, 3));
    return assign(L, v, f, v->level + 1, (size_t)(i - 1) * v->stride, i);
  }
  p = v->data + (size_t)(i - 1) * v->stride;
  if (!wshm_fastset(L, 3, f, p) && (msg = wshm_setitem(L, 3, f, p)) != NULL)
    return luaL_error(L, "field '%s' of %s: element %I: %s", f->name,
                      wshm_layoutlabel(L, v->lay), i, msg);
  wshm_view_checklost(L, 1, v, 1);
  return 0;
}

/* The open array view at 1, for the closures of the array metatable. */
static const wshm_view *checkarray (lua_State *L) {
  const wshm_view *v = selfview(L, "array view");
  if (!wshm_view_isopen(v))
    wshm_view_unusable(L, 1, 0);
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
  if (!wshm_view_isopen(v))  /* the key, made a number, ran a finalizer */
    return wshm_view_unusable(L, 1, 0);
  lua_pushinteger(L, i + 1);
  arrayget(L, v, i + 1);
  return 2;
}

static int array_pairs (lua_State *L) {
  checkarray(L);
  lua_pushvalue(L, UP_ANEXT);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

static int view_tostring (lua_State *L) {
  const wshm_view *v = wshm_toview(L, 1);
  if (v == NULL)
    return luaL_typeerror(L, 1, "view");
  if (!wshm_view_isopen(v))
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
  int meta;
  luaL_newmetatable(L, WSHM_VIEW);
  meta = lua_gettop(L);
  lua_pushliteral(L, WSHM_VIEW);
  lua_setfield(L, meta, "__metatable");
  lua_pushlightuserdata(L, &VIEWMARK);
  lua_rawseti(L, meta, MARKSLOT);
  wshm_newpin(L, sizeof(wshm_pin), 1);  /* meta + 1 */
  pushipairsaux(L);
  setmethod(L, meta, 0, "__index", array_index, 1);
  setmethod(L, meta, 0, "__newindex", array_newindex, 0);
  setmethod(L, meta, 0, "__len", array_len, 0);
  pushmethod(L, meta, 0, array_next, 0);
  setmethod(L, meta, 0, "__pairs", array_pairs, 1);
  lua_pushcfunction(L, view_tostring);
  lua_setfield(L, meta, "__tostring");
  lua_pop(L, 2);
}

/* ------------------------------------------------------ from links */

/* A link's name for messages (pushed). */
static const char *linkname (lua_State *L, int kidx) {
  lua_getiuservalue(L, kidx, LINK_NAME);
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
  if (lua_getiuservalue(L, 1, LINK_LAYOUT) != LUA_TUSERDATA)
    return luaL_error(L, "link '%s' has no layout (it was opened with a size):"
                      " use link:view(layout, offset)", linkname(L, 1));
  lay = (const wshm_layout *)lua_touserdata(L, 2);
  if ((uint64_t)lay->size > k->r.size)
    return luaL_error(L, "link '%s' is smaller than its layout",
                      linkname(L, 1));
  newview(L, 1, &k->r, mut, 2, NULL, 0, k->r.base);
  return 1;
}

static int link_get (lua_State *L) {
  return rootview(L, 0);
}

static int link_get_mut (lua_State *L) {
  return rootview(L, 1);
}

/* link:view(layout, offset [, "r" | "rw"]): bounds-checked. */
static int link_view (lua_State *L) {
  static const char *const modes[] = {"r", "rw", NULL};
  wshm_link *k = wshm_checklink(L, 1);
  const wshm_layout *lay = wshm_checklayout(L, 2);
  lua_Integer off = luaL_optinteger(L, 3, 0);
  int mut = luaL_checkoption(L, 4, "r", modes);
  if (k->r.base == NULL)  /* again: reading the arguments may run Lua */
    return wshm_unusable(L, 1, "");
  if (mut && !k->r.writable)
    return luaL_error(L, "link '%s' is ReadOnly: a \"rw\" view needs a "
                      "ReadWrite link", linkname(L, 1));
  if (off < 0 || (uint64_t)off > k->r.size
      || (uint64_t)lay->size > k->r.size - (uint64_t)off)
    return luaL_error(L, "%s (%I bytes) at offset %I is outside link '%s' "
                      "(%I bytes)", wshm_layoutlabel(L, lay),
                      (lua_Integer)lay->size, off, linkname(L, 1),
                      (lua_Integer)k->r.size);
  lua_settop(L, 2);
  newview(L, 1, &k->r, mut, 2, NULL, 0, k->r.base + off);
  return 1;
}

/* ------------------------------------------------- field references */

void wshm_view_field (lua_State *L, int vidx, int kidx, wshm_fieldref *r) {
  wshm_view *v = wshm_checkview(L, vidx);
  const void *k = lua_topointer(L, kidx);
  unsigned h = (unsigned)((uintptr_t)k >> 4) % WSHM_HITS;
  const wshm_field *f;
  size_t off = 0;
  int levels = 0;
  if (v->fld != NULL)
    luaL_typeerror(L, vidx, "struct view");
  f = v->cls->hits[h];
  if (f != NULL && f->key == k)  /* a top-level name seen before */
    off = f->offset;
  else {
    f = wshm_walkpath(L, v->lay, kidx, &off, &levels);
    if (f->key == k)
      v->cls->hits[h] = f;
  }
  if (f->kind == WK_STRUCT || levels != f->ndims)
    luaL_error(L, "field '%s' of %s is not a scalar", lua_tostring(L, kidx),
               wshm_layoutlabel(L, v->lay));
  r->addr = v->data + off;
  r->r = v->r;
  r->offset = off;
  r->size = f->esize;
  r->isint = f->kind == WK_INT || f->kind == WK_UINT;
  r->issigned = f->kind == WK_INT;
  r->writable = v->writable;
}

/* ---------------------------------------------------------- module */

/* shm.sizeof(layout | view) -> bytes. */
static int l_sizeof (lua_State *L) {
  const wshm_layout *lay = wshm_tolayout(L, 1);
  if (lay != NULL)
    lua_pushinteger(L, (lua_Integer)lay->size);
  else if (wshm_toview(L, 1) != NULL)
    lua_pushinteger(L, (lua_Integer)wshm_view_size(wshm_checkview(L, 1)));
  else
    luaL_typeerror(L, 1, "layout or view");
  return 1;
}

static const luaL_Reg link_views[] = {
  {"get", link_get},
  {"get_mut", link_get_mut},
  {"view", link_view},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"sizeof", l_sizeof},
  {NULL, NULL}
};

void wshm_open_view (lua_State *L) {
  newarraymeta(L);
  luaL_getmetatable(L, WSHM_LINK);  /* links' methods: the views of them */
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, link_views, 0);
  lua_pop(L, 2);
  luaL_setfuncs(L, funcs, 0);
}
