/*
** link.c -- shm.create / get_or_create / open / open_existing / remove
** and the link object: one named region, mapped.
*/
#include <string.h>

#include "lauxlib.h"
#include "errors.h"
#include "layout.h"
#include "link.h"
#include "names.h"
#include "support.h"

/* --------------------------------------------------------- accessors */

wshm_link *wshm_tolink (lua_State *L, int idx) {
  return (wshm_link *)luaL_testudata(L, idx, WSHM_LINK);
}

int wshm_closederror (lua_State *L) {
  return luaL_error(L, "attempt to use a closed link");
}

int wshm_unusable (lua_State *L, int kidx, const char *what) {
  const wshm_link *k = (const wshm_link *)lua_touserdata(L, kidx);
  if (k == NULL || !wshm_lost(&k->r))
    return wshm_closederror(L);
  lua_getiuservalue(L, kidx, LINK_NAME);
  return luaL_error(L, "%sregion '%s' was truncated by another process",
                    what, lua_tostring(L, -1));
}

wshm_link *wshm_checklink (lua_State *L, int idx) {
  wshm_link *k = (wshm_link *)luaL_checkudata(L, idx, WSHM_LINK);
  if (k->r.base == NULL)
    wshm_unusable(L, idx, "");
  return k;
}

/* ------------------------------------------------------ opening */

static const char *const optnames[] = {"size", "persist", "mode", "sddl", NULL};

/* Read the opts table at idx into o, rejecting unknown keys.  Leaves
** opts.sddl on the stack: o->sddl points into it. */
static void checkopts (lua_State *L, int idx, wshm_ropts *o) {
  o->size = 0;
  o->persist = 0;
  o->mode = WSHM_DEFAULT_MODE;
  o->sddl = NULL;
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  wshm_checkkeys(L, idx, optnames, "opts", 0);
  lua_getfield(L, idx, "size");
  if (!lua_isnil(L, -1)) {
    lua_Integer n;
    if (!lua_isinteger(L, -1) || (n = lua_tointeger(L, -1)) < 0)
      luaL_argerror(L, idx, "opts.size must be a non-negative integer");
    else
      o->size = (uint64_t)n;
  }
  lua_getfield(L, idx, "persist");
  o->persist = lua_toboolean(L, -1);
  lua_pop(L, 2);
  o->mode = wshm_optmode(L, idx);
  lua_getfield(L, idx, "sddl");  /* stays on the stack: its anchor */
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, idx, "opts.sddl must be a string");
    o->sddl = lua_tostring(L, -1);
  }
}

/*
** The byte size 'what' (arg 2) asks for: a layout's size or a byte count.
** Combined with opts.size (which may only enlarge it) into o->size.
*/
static void checksize (lua_State *L, wshm_ropts *o) {
  lua_Integer need = wshm_layoutsize(L, 2);
  if (need < 0) {
    if (!lua_isinteger(L, 2))
      luaL_typeerror(L, 2, "layout or size in bytes");
    need = lua_tointeger(L, 2);
    if (need < 0)
      luaL_argerror(L, 2, "size must not be negative");
  }
  else if (o->size != 0 && o->size < (uint64_t)need)
    luaL_error(L, "opts.size (%I bytes) is smaller than the layout (%I bytes)",
               (lua_Integer)o->size, need);
  if (o->size < (uint64_t)need)
    o->size = (uint64_t)need;
}

/*
** Common body of the four openers.  Pushes the new link (or nil, err) and
** returns the number of results before the 'created' flag.
*/
static int openlink (lua_State *L, enum wshm_how how) {
  size_t len;
  const char *name = luaL_checklstring(L, 1, &len);
  wshm_ropts o;
  wshm_err e;
  wshm_link *k;
  checkopts(L, 3, &o);
  checksize(L, &o);
  if (!wshm_checkname(name, len, &e))
    return wshm_pusherror(L, &e, 1);
  /* the object first, closed, so __gc covers every failure below */
  k = (wshm_link *)lua_newuserdatauv(L, sizeof(wshm_link), 2);
  wshm_os_init(&k->r);
  luaL_setmetatable(L, WSHM_LINK);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, LINK_NAME);
  if (wshm_layoutsize(L, 2) >= 0) {
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, LINK_LAYOUT);
  }
  if (!wshm_os_open(&k->r, name, len, how, &o, &e))
    return wshm_pusherror(L, &e, 1);
  return 1;
}

static int l_create (lua_State *L) {
  return openlink(L, WSHM_CREATE);
}

static int l_get_or_create (lua_State *L) {
  int n = openlink(L, WSHM_GET_OR_CREATE);
  wshm_link *k = wshm_tolink(L, -1);
  if (n == 1) lua_pushboolean(L, k->r.created);
  return n == 1 ? 2 : n;
}

static int l_open (lua_State *L) {
  return openlink(L, WSHM_OPEN);
}

static int l_open_existing (lua_State *L) {
  return openlink(L, WSHM_OPEN_EXISTING);
}

static int l_remove (lua_State *L) {
  size_t len;
  const char *name = luaL_checklstring(L, 1, &len);
  wshm_err e;
  if (!wshm_checkname(name, len, &e) || !wshm_os_remove(name, len, &e))
    return wshm_pusherror(L, &e, 1);
  lua_pushboolean(L, 1);
  return 1;
}

/* ------------------------------------------------------ link methods */

static int link_close (lua_State *L) {
  wshm_link *k = (wshm_link *)luaL_checkudata(L, 1, WSHM_LINK);
  wshm_os_close(&k->r);  /* safe when already closed */
  lua_pushboolean(L, 1);
  return 1;
}

static int link_gc (lua_State *L) {
  wshm_link *k = (wshm_link *)luaL_checkudata(L, 1, WSHM_LINK);
  wshm_os_close(&k->r);
  return 0;
}

static int link_closed (lua_State *L) {
  wshm_link *k = (wshm_link *)luaL_checkudata(L, 1, WSHM_LINK);
  lua_pushboolean(L, k->r.base == NULL);
  return 1;
}

static int link_name (lua_State *L) {
  wshm_checklink(L, 1);
  lua_getiuservalue(L, 1, LINK_NAME);
  return 1;
}

static int link_size (lua_State *L) {
  wshm_link *k = wshm_checklink(L, 1);
  lua_pushinteger(L, (lua_Integer)k->r.size);
  return 1;
}

static int link_access (lua_State *L) {
  wshm_link *k = wshm_checklink(L, 1);
  lua_pushstring(L, k->r.writable ? "ReadWrite" : "ReadOnly");
  return 1;
}

/* Check that n bytes at off lie in the region; raises naming them. */
static void checkrange (lua_State *L, wshm_link *k, lua_Integer off,
                        lua_Integer n) {
  if (off < 0 || n < 0 || (uint64_t)off > k->r.size
      || (uint64_t)n > k->r.size - (uint64_t)off)
    luaL_error(L, "%I bytes at offset %I are outside the region (%I bytes)",
               n, off, (lua_Integer)k->r.size);
}

/* The link k, checked open again once its arguments are read: reading
** them (a number made a string) may run a finalizer that closes it. */
static wshm_link *stillopen (lua_State *L, wshm_link *k) {
  if (k->r.base == NULL)
    wshm_unusable(L, 1, "");
  return k;
}

static int link_read_bytes (lua_State *L) {
  wshm_link *k = wshm_checklink(L, 1);
  lua_Integer off = luaL_optinteger(L, 2, 0);
  int whole = lua_isnoneornil(L, 3);
  lua_Integer n = whole ? 0 : luaL_checkinteger(L, 3);
  stillopen(L, k);
  if (off < 0 || (uint64_t)off > k->r.size)
    return luaL_argerror(L, 2, "offset outside the region");
  if (whole)
    n = (lua_Integer)(k->r.size - (uint64_t)off);
  checkrange(L, k, off, n);
  lua_pushlstring(L, (const char *)k->r.base + off, (size_t)n);
  if (wshm_lost(&k->r)) return wshm_unusable(L, 1, "");
  return 1;
}

static int link_write_bytes (lua_State *L) {
  wshm_link *k = wshm_checklink(L, 1);
  lua_Integer off = luaL_checkinteger(L, 2);
  size_t n;
  const char *s = luaL_checklstring(L, 3, &n);
  stillopen(L, k);
  if (!k->r.writable) {
    lua_getiuservalue(L, 1, LINK_NAME);
    return luaL_error(L, "attempt to write to read-only link '%s'",
                      lua_tostring(L, -1));
  }
  checkrange(L, k, off, (lua_Integer)n);
  memcpy(k->r.base + off, s, n);
  if (wshm_lost(&k->r)) return wshm_unusable(L, 1, "write lost: ");
  return 0;
}

static int link_tostring (lua_State *L) {
  wshm_link *k = (wshm_link *)luaL_checkudata(L, 1, WSHM_LINK);
  lua_getiuservalue(L, 1, LINK_NAME);
  if (k->r.base == NULL)
    lua_pushfstring(L, "winshm.link (closed) '%s'", lua_tostring(L, -1));
  else
    lua_pushfstring(L, "winshm.link (%s, %I bytes) '%s'",
                    k->r.writable ? "ReadWrite" : "ReadOnly",
                    (lua_Integer)k->r.size, lua_tostring(L, -1));
  return 1;
}

/* get, get_mut and view are the view layer's (view.c adds them). */
static const luaL_Reg link_methods[] = {
  {"read_bytes", link_read_bytes},
  {"write_bytes", link_write_bytes},
  {"close", link_close},
  {"closed", link_closed},
  {"name", link_name},
  {"size", link_size},
  {"access", link_access},
  {NULL, NULL}
};

static const luaL_Reg link_meta[] = {
  {"__gc", link_gc},
  {"__close", link_gc},
  {"__tostring", link_tostring},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"create", l_create},
  {"get_or_create", l_get_or_create},
  {"open", l_open},
  {"open_existing", l_open_existing},
  {"remove", l_remove},
  {NULL, NULL}
};

void wshm_open_link (lua_State *L) {
  wshm_newmeta(L, WSHM_LINK, link_meta, link_methods);
  luaL_setfuncs(L, funcs, 0);
}
