/*
** support.h -- the small Lua helpers every subject of winshm uses: the
** lowest layer above Lua's own API (it calls nothing else of winshm).
*/
#ifndef WINSHM_SUPPORT_H
#define WINSHM_SUPPORT_H

#include "lua.h"
#include "lauxlib.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

/* Permission bits a new object gets when opts.mode is absent. */
#define WSHM_DEFAULT_MODE  0600

/* Make the metatable 'tname' with the functions of meta and, when m is
** not NULL, __index = a table of the methods m (liolib's createmeta);
** leaves nothing on the stack. */
void wshm_newmeta (lua_State *L, const char *tname, const luaL_Reg *meta,
                   const luaL_Reg *m);

/* Raise "invalid field name 'k' in <what>" for any key of the table at
** idx that is not one of the strings in names (luaposix checkfieldnames);
** integer keys 1..#t pass too when 'array' is true.  Raw: no metamethod. */
void wshm_checkkeys (lua_State *L, int idx, const char *const names[],
                     const char *what, int array);

/* opts.mode of the options table at idx (a table, checked already):
** permission bits 0..0777, or WSHM_DEFAULT_MODE when absent.  Raises
** naming argument idx otherwise.  The one parser of every 'mode'. */
unsigned wshm_optmode (lua_State *L, int idx);

/* The range of Lua integers a C integer of 'size' bytes (1, 2, 4 or 8)
** holds; 8-byte unsigned values above 2^63-1 are negative integers (two's
** complement), so its range is all integers.  The one range table. */
void wshm_intrange (size_t size, int issigned, lua_Integer *lo,
                    lua_Integer *hi);

/* The C name of an integer of 'size' bytes: "int32_t", "uint8_t", ... */
const char *wshm_intname (size_t size, int issigned);

/*
** Scratch memory (lauxlib's UBox, kept for reuse): push a userdata of at
** least n bytes and return its memory.  The state keeps one such box;
** wshm_scratch takes it out while in use (a finalizer's call meanwhile gets
** a box of its own) and wshm_unscratch puts the box at idx back, unless
** it is larger than WSHM_SCRATCHKEEP.  An error in between just leaves it
** to the collector.
*/
#define WSHM_SCRATCHKEEP  ((size_t)1 << 20)
void *wshm_scratch (lua_State *L, size_t n);
void wshm_unscratch (lua_State *L, int idx);

WSHM_HIDE_END

#endif
