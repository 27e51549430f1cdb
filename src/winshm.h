/*
** winshm.h -- the module as a whole: its version, its one exported
** symbol, and the registration function of each subject, which
** luaopen_winshm (module.c) calls in order, lowest layer first.
**
** The layers, each calling only those below it (see each header):
**   support.c  errors.c  utf.c  nsname.c     helpers, pure C
**   names.c  layout.c  scalar.c  codec.c     names, layouts, bytes <-> Lua
**   link.c                                   regions (backend.h below)
**   view.c                                   views of links
**   copy.c  reader.c  atomic.c  consistent.c shm.read/write, shm.reader,
**                                            atomics, snapshots
**   sync.c  cdef.c  embed.c  tools_*.c       mutexes/events, cdef, Lua parts
**   module.c                                 wires them into one table
** A field read goes: view.c's struct_index (the view's __index) ->
** findfield (its cache of the layout's field table) -> wshm_pushitem
** (scalar.h), which loads the C value from the mapping and pushes it.
*/
#ifndef WINSHM_H
#define WINSHM_H

#include "lua.h"
#include "lauxlib.h"

/* The version is the number in the file VERSION; every build passes it
** as -DWSHM_VERSION_NUMBER=x.y.z (the Makefile, the rockspec). */
#ifndef WSHM_VERSION_NUMBER
#error "build with -DWSHM_VERSION_NUMBER=x.y.z, the number in the file VERSION"
#endif
#define WSHM_STRINGIFY_(x)  #x
#define WSHM_STRINGIFY(x)   WSHM_STRINGIFY_(x)
#define WSHM_VERSION    WSHM_STRINGIFY(WSHM_VERSION_NUMBER)

/* Registry key of the module table (one per Lua state). */
#define WSHM_MODULE     "winshm.module"

#if defined(_WIN32)
#define WSHM_EXPORT     __declspec(dllexport)
#elif defined(__GNUC__)
#define WSHM_EXPORT     __attribute__((visibility("default")))
#else
#define WSHM_EXPORT
#endif

/* The only exported symbol. */
WSHM_EXPORT int luaopen_winshm (lua_State *L);

#include "hidden.h"

WSHM_HIDE_BEGIN

/* Each subject adds its functions to the module table at the stack top. */
void wshm_open_errors (lua_State *L);
void wshm_open_names (lua_State *L);
void wshm_open_layout (lua_State *L);
void wshm_open_link (lua_State *L);
void wshm_open_view (lua_State *L);
void wshm_open_copy (lua_State *L);
void wshm_open_reader (lua_State *L);
void wshm_open_atomic (lua_State *L);
void wshm_open_consistent (lua_State *L);
void wshm_open_sync (lua_State *L);
void wshm_open_cdef (lua_State *L);
void wshm_open_embedded (lua_State *L);
/* shm._sys for the command-line tools (tools_posix.c, tools_win32.c). */
void wshm_open_tools (lua_State *L);

WSHM_HIDE_END

#endif
