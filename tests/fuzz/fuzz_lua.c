/*
** fuzz_lua.c -- libFuzzer harness that hands each input to a driver
** written in Lua (tests/fuzz/<subject>.lua, path compiled in as DRIVER).
** The driver returns a function called with the input as a string; the
** driver itself catches the refusals it expects (bad declarations raise)
** and calls fuzz.fail(msg) on a broken invariant.  Any error escaping
** the driver aborts too, so a broken driver cannot fuzz nothing.
** A driver whose subject has not landed in winshm yet returns nothing
** and the harness exits with status 86 (skipped).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lua.h"
#include "lualib.h"
#include "lauxlib.h"

int luaopen_winshm (lua_State *L);
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static lua_State *L;
static int calls;

static int fuzz_fail (lua_State *l) {
  fprintf(stderr, "%s: invariant broken: %s\n", DRIVER, luaL_checkstring(l, 1));
  abort();
  return 0;
}

int LLVMFuzzerInitialize (int *argc, char ***argv) {
  (void)argc; (void)argv;
  L = luaL_newstate();
  /* the collector never rests: a string or userdata winshm forgot to
     anchor is freed at once and ASan sees its next use */
  lua_gc(L, LUA_GCINC, 0, 100, 10);
  luaL_openlibs(L);
  luaL_requiref(L, "winshm", luaopen_winshm, 0);
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushcfunction(L, fuzz_fail);
  lua_setfield(L, -2, "fail");
  lua_setglobal(L, "fuzz");
  lua_pushstring(L, DRIVER_DIR);
  lua_setglobal(L, "DRIVER_DIR");
  if (luaL_dofile(L, DRIVER) != LUA_OK) {
    fprintf(stderr, "%s: %s\n", DRIVER, lua_tostring(L, -1));
    exit(1);
  }
  if (!lua_isfunction(L, -1)) {
    fprintf(stderr, "%s: %s\n", DRIVER,
            lua_isstring(L, -1) ? lua_tostring(L, -1) : "nothing to fuzz");
    exit(86);
  }
  lua_setglobal(L, "fuzz_one");
  return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  lua_getglobal(L, "fuzz_one");
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    fprintf(stderr, "%s: error escaped: %s\n", DRIVER,
            lua_isstring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
    abort();
  }
  lua_settop(L, 0);
  if (++calls % 64 == 0)
    lua_gc(L, LUA_GCCOLLECT);  /* finalizers run often, under ASan */
  return 0;
}
