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

/*
** Pins.  A cache that knows an object by its address must hold it, or the
** collector could free it and give its address to another object.  A pin
** is a userdata whose memory starts with a wshm_pin and whose user values
** hold the pinned objects; 'obj' is the first one's address, NULL when the
** pin is empty.  So that a pin does not keep an object alive for ever,
** pinning leaves a sentinel that the next collection cycle finalizes: its
** finalizer empties the pin.  A pinned object is so freed one cycle later
** than it would be otherwise.
*/
typedef struct wshm_pin {
  const void *obj;      /* the first pinned object, or NULL */
  int armed;            /* a sentinel will empty the pin */
} wshm_pin;

/* Push a new, empty pin of 'size' bytes (a wshm_pin first, the rest
** zero-filled) that holds up to n objects. */
void *wshm_newpin (lua_State *L, size_t size, int n);

/* Pin the values at i1 and (when not 0) i2 in the pin at pidx, and set its
** obj to the first's address.  May allocate, and so run finalizers: a
** caller fills the rest of its cache after it returns. */
void wshm_pinto (lua_State *L, int pidx, int i1, int i2);

WSHM_HIDE_END

#endif
