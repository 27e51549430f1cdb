/*
** reader.c -- shm.reader(layout, path, ...): a function that reads a
** chosen set of fields of a view in one call and returns their values,
** for loops that want a few numbers per frame and no table.
**
** The paths are resolved once, when the reader is made.  A call copies
** the bytes of every chosen field out of the mapping first, then pushes
** the values from the copy, so the values come from one moment of the
** copy and no Lua code runs between finding the bytes and copying them.
*/
#include <string.h>

#include "lauxlib.h"
#include "winshm.h"
#include "layout.h"
#include "link.h"
#include "scalar.h"
#include "support.h"
#include "view.h"

#define MAXPATHS   250        /* values one call returns */
#define STACKCOPY  1024       /* bytes copied to the C stack; more: scratch */

typedef struct item {
  const wshm_field *f;
  size_t offset;              /* of the item in the view */
  size_t size;                /* bytes it takes */
} item;

/* The reader: n items.  User value 1: the layout (kept alive, and the
** views it reads must be of it). */
typedef struct reader {
  const wshm_layout *lay;
  size_t bytes;               /* of all items together */
  int n;
  item it[1];
} reader;

/* reader(view) -> the values, in the order of the paths. */
static int readfields (lua_State *L) {
  const reader *r = (const reader *)lua_touserdata(L, lua_upvalueindex(1));
  const wshm_view *v = wshm_checkview(L, 1);
  unsigned char stackbuf[STACKCOPY], *copy = stackbuf, *p;
  int i, box = 0;
  if (wshm_view_struct(v) != r->lay)
    return luaL_argerror(L, 1, lua_pushfstring(L, "a view of %s expected",
                         wshm_layoutlabel(L, r->lay)));
  luaL_checkstack(L, r->n + 2, "too many fields to return");
  if (r->bytes > STACKCOPY) {  /* the box stays below the results */
    copy = (unsigned char *)wshm_scratch(L, r->bytes);
    box = lua_gettop(L);
  }
  if (!wshm_view_isopen(v))  /* the allocation ran a finalizer that closed it */
    return wshm_view_unusable(L, 1, 0);
  for (i = 0, p = copy; i < r->n; p += r->it[i].size, i++)
    memcpy(p, wshm_view_data(v) + r->it[i].offset, r->it[i].size);
  wshm_view_checklost(L, 1, v, 0);
  for (i = 0, p = copy; i < r->n; p += r->it[i].size, i++)
    wshm_pushitem(L, r->it[i].f, p);
  if (box != 0)
    wshm_unscratch(L, box);
  return r->n;
}

/* shm.reader(layout, path, ...) -> function(view) -> values */
static int l_reader (lua_State *L) {
  const wshm_layout *lay = wshm_checklayout(L, 1);
  int i, n = lua_gettop(L) - 1;
  reader *r;
  luaL_argcheck(L, n >= 1, 2, "at least one field path expected");
  luaL_argcheck(L, n <= MAXPATHS, MAXPATHS + 2, "too many field paths");
  r = (reader *)lua_newuserdatauv(L, sizeof(reader) + (size_t)(n - 1)
                                     * sizeof(item), 1);
  r->lay = lay;
  r->n = n;
  r->bytes = 0;
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  for (i = 0; i < n; i++) {
    size_t off = 0;
    int levels;
    const wshm_field *f;
    luaL_checktype(L, i + 2, LUA_TSTRING);
    f = wshm_walkpath(L, lay, i + 2, &off, &levels);
    if (f->kind == WK_STRUCT || levels != f->nlevels)
      luaL_argerror(L, i + 2, lua_pushfstring(L, "'%s' is not a scalar or a "
                    "string of %s", lua_tostring(L, i + 2),
                    wshm_layoutlabel(L, lay)));
    r->it[i].f = f;
    r->it[i].offset = off;
    r->it[i].size = wshm_itemsize(f);
    if (r->it[i].size > (size_t)WSHM_MAXSIZE - r->bytes)
      luaL_argerror(L, i + 2, "the fields are too large to read together");
    r->bytes += r->it[i].size;
  }
  lua_pushcclosure(L, readfields, 1);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"reader", l_reader},
  {NULL, NULL}
};

void wshm_open_reader (lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
