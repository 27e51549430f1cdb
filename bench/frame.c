/*
** frame.c -- the floor of a whole-frame read: what a C function written by
** hand for the page (bench/page.lua) does with nothing of winshm in it.
** It maps the region itself (shm_open, mmap), copies the page out under
** its sequence counter (even, and the same before and after the copy),
** and sets the entries of a Lua table from the copy, refilling the
** nested tables an earlier read left there.  The page's C structs and
** fill functions are generated from the layout (bench/gen_floor.lua):
** read sets the entries the cheapest way (keys interned once, in the
** function's upvalues; lua_rawset), read_literal the usual way
** (lua_setfield with literal keys).  Not part of the module.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

__attribute__((visibility("default"))) int luaopen_bench_frame (lua_State *L);

/* The table at t[key at k], pushed; a new one is made there when there
** is none. */
static int upv_table (lua_State *L, int t, int k) {
  lua_pushvalue(L, k);
  if (lua_rawget(L, t) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, k);
    lua_pushvalue(L, -2);
    lua_rawset(L, t);
  }
  return lua_gettop(L);
}

/* The same for t[k], k a C string. */
static int lit_table (lua_State *L, int t, const char *k) {
  if (lua_getfield(L, t, k) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, t, k);
  }
  return lua_gettop(L);
}

/* The same for t[i]. */
static int index_table (lua_State *L, int t, lua_Integer i) {
  if (lua_rawgeti(L, t, i) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, t, i);
  }
  return lua_gettop(L);
}

#include "page_floor.h"

#define MAPPING "bench.frame"

typedef struct mapping {
  const frame_page *page;   /* NULL once unmapped */
} mapping;

/* map(name) -> the POSIX shared memory object /name, mapped read-only. */
static int l_map (lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  mapping *m = (mapping *)lua_newuserdatauv(L, sizeof(mapping), 0);
  char path[512];
  struct stat st;
  void *p;
  int fd;
  m->page = NULL;
  luaL_setmetatable(L, MAPPING);
  snprintf(path, sizeof(path), "/%s", name);
  fd = shm_open(path, O_RDONLY, 0);
  if (fd < 0) return luaL_error(L, "map: cannot open %s", path);
  if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(frame_page)) {
    close(fd);
    return luaL_error(L, "map: %s is smaller than the page", path);
  }
  p = mmap(NULL, sizeof(frame_page), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return luaL_error(L, "map: cannot map %s", path);
  m->page = (const frame_page *)p;
  return 1;
}

static int l_unmap (lua_State *L) {
  mapping *m = (mapping *)luaL_checkudata(L, 1, MAPPING);
  if (m->page != NULL) munmap((void *)(uintptr_t)m->page, sizeof(frame_page));
  m->page = NULL;
  return 0;
}

typedef void (*filler) (lua_State *L, int t, const frame_page *s);

/*
** Copy the page of the mapping at 1 when its counter is even and
** unchanged across the copy (at most 'tries' times, at 3, 100 by default),
** then set the entries of the table at 2 from the copy with fill.
** Returns the table and the counter, or nil and "torn".
*/
static int readwith (lua_State *L, filler fill) {
  const mapping *m = (const mapping *)lua_touserdata(L, 1);
  lua_Integer i, tries = luaL_optinteger(L, 3, 100);
  frame_page copy;
  for (i = 0; i < tries; i++) {
    int32_t s1 = __atomic_load_n(FRAME_SEQ(m->page), __ATOMIC_SEQ_CST);
    if (s1 & 1) continue;
    memcpy(&copy, m->page, sizeof(copy));
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(FRAME_SEQ(m->page), __ATOMIC_SEQ_CST) == s1) {
      fill(L, 2, &copy);
      lua_pushvalue(L, 2);
      lua_pushinteger(L, s1);
      return 2;
    }
  }
  luaL_pushfail(L);
  lua_pushliteral(L, "torn");
  return 2;
}

/* read(m, t [, tries]) -> t, seq | nil, "torn": the floor. */
static int l_read (lua_State *L) {
  return readwith(L, upv_fill_page);
}

/* read_literal(m, t [, tries]): the same with lua_setfield. */
static int l_read_literal (lua_State *L) {
  return readwith(L, lit_fill_page);
}

static const luaL_Reg meta[] = {
  {"__gc", l_unmap},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"map", l_map},
  {"unmap", l_unmap},
  {"read", l_read},
  {"read_literal", l_read_literal},
  {NULL, NULL}
};

int luaopen_bench_frame (lua_State *L) {
  int i;
  luaL_newmetatable(L, MAPPING);
  luaL_setfuncs(L, meta, 0);
  lua_pop(L, 1);
  luaL_newlibtable(L, funcs);
  luaL_checkstack(L, FRAME_NKEYS, "too many keys");
  for (i = 0; i < FRAME_NKEYS; i++)
    lua_pushstring(L, frame_keys[i]);
  luaL_setfuncs(L, funcs, FRAME_NKEYS);
  return 1;
}
