/*
** winshm.h -- declarations shared by the Lua-facing C files of winshm.
** No platform code here: that lives behind backend.h.
**
** Where a field read goes: view.c (__index) -> layout.c (the compiled
** field table) -> scalar.c (load/store of one C value at an address).
*/
#ifndef WINSHM_H
#define WINSHM_H

#include "lua.h"
#include "lauxlib.h"
#include "backend.h"

#define WSHM_VERSION    "0.1.0"

/* Metatable names, one per type. */
#define WSHM_MODULE     "winshm.module"  /* registry key of the table */
#define WSHM_LINK       "winshm.link"
#define WSHM_ERROR      "winshm.error"

#if defined(_WIN32)
#define WSHM_EXPORT     __declspec(dllexport)
#define WSHM_HIDDEN
#elif defined(__GNUC__)
#define WSHM_EXPORT     __attribute__((visibility("default")))
#define WSHM_HIDDEN     __attribute__((visibility("hidden")))
#else
#define WSHM_EXPORT
#define WSHM_HIDDEN
#endif

/* The only exported symbol. */
WSHM_EXPORT int luaopen_winshm (lua_State *L);

/* ---------------------------------------------------------------- link */

/*
** A link: one mapped region.  Closed when r.base == NULL.  User values:
** 1 = the name as given, 2 = the layout (or nil for a raw region).
*/
typedef struct wshm_link {
  wshm_region r;
} wshm_link;

/* The link at idx, open or closed (NULL if not a link). */
WSHM_HIDDEN wshm_link *wshm_tolink (lua_State *L, int idx);
/* The open link at idx; raises "attempt to use a closed link". */
WSHM_HIDDEN wshm_link *wshm_checklink (lua_State *L, int idx);
/* Raise the error every use of a closed link raises. */
WSHM_HIDDEN int wshm_closederror (lua_State *L);

/* --------------------------------------------------------------- errors */

/* Push nil and the error table for e about the object whose name (as
** the caller gave it) is at stack index nameidx (0: none); returns 2
** (luaL_fileresult style). */
WSHM_HIDDEN int wshm_pusherror (lua_State *L, const wshm_err *e,
                                int nameidx);
/* Fill e with a non-system error (sys = 0) of kind/code and message. */
WSHM_HIDDEN void wshm_seterr (wshm_err *e, const char *kind,
                              const char *code, const char *fmt, ...);

/* ---------------------------------------------------------------- names */

/* Check a region/mutex/event name; 0 and e (InvalidName) when bad. */
WSHM_HIDDEN int wshm_checkname (const char *name, size_t len, wshm_err *e);
/* 1 if s[0..len) is well-formed UTF-8 (no surrogates, no overlongs). */
WSHM_HIDDEN int wshm_utf8valid (const char *s, size_t len);

/* --------------------------------------------------------------- layout */

#define WSHM_LAYOUT     "winshm.layout"

/*
** Size in bytes of the layout at idx, or -1 if idx holds no layout.
** Implemented by layout.c.
*/
WSHM_HIDDEN lua_Integer wshm_layoutsize (lua_State *L, int idx);

/* ---------------------------------------------------------------- views */

#define WSHM_VIEW       "winshm.view"

/* link:get(), link:get_mut(), link:view(layout, offset [, "rw"]). */
WSHM_HIDDEN int wshm_link_get (lua_State *L);
WSHM_HIDDEN int wshm_link_get_mut (lua_State *L);
WSHM_HIDDEN int wshm_link_view (lua_State *L);

/* One scalar field of a view, resolved. */
typedef struct wshm_fieldref {
  unsigned char *addr;  /* its first byte in the mapping */
  size_t size;          /* 1, 2, 4 or 8 */
  int isint;            /* an integer type (bool and char are not) */
  int issigned;
  int writable;         /* the view allows writes */
} wshm_fieldref;

/*
** Resolve the scalar field named by the string at kidx (dotted paths
** "a.b" allowed) of the open view at vidx; raises naming the field and
** the layout if vidx is not an open struct view, the field is unknown or
** not a scalar (a struct, an array or a string).  A single char,
** char16_t or char32_t is a scalar with isint 0.
*/
WSHM_HIDDEN void wshm_view_field (lua_State *L, int vidx, int kidx,
                                  wshm_fieldref *f);
WSHM_HIDDEN int wshm_read (lua_State *L);   /* shm.read: view at 1 -> table */
WSHM_HIDDEN int wshm_write (lua_State *L);  /* shm.write: view at 1, table at 2 */

/* ------------------------------------------------- module registration */

/* Each subject adds its functions to the module table at the stack top. */
WSHM_HIDDEN void wshm_open_errors (lua_State *L);
WSHM_HIDDEN void wshm_open_names (lua_State *L);
WSHM_HIDDEN void wshm_open_link (lua_State *L);
WSHM_HIDDEN void wshm_open_layout (lua_State *L);
WSHM_HIDDEN void wshm_open_view (lua_State *L);
WSHM_HIDDEN void wshm_open_sync (lua_State *L);
WSHM_HIDDEN void wshm_open_atomic (lua_State *L);
WSHM_HIDDEN void wshm_open_cdef (lua_State *L);
WSHM_HIDDEN void wshm_open_record (lua_State *L);   /* record.c */
WSHM_HIDDEN void wshm_open_embedded (lua_State *L);
/* shm._sys for the command-line tools (tools_posix.c, tools_win32.c). */
WSHM_HIDDEN void wshm_open_tools (lua_State *L);

/* Set the functions of l into a new metatable 'tname' (liolib createmeta):
** __index = the table of methods m (may be NULL); leaves nothing. */
WSHM_HIDDEN void wshm_newmeta (lua_State *L, const char *tname,
                               const luaL_Reg *meta, const luaL_Reg *m);

/* Raise "invalid field name 'k' in <what>" for any key of the table at
** idx that is not a string listed in names (luaposix checkfieldnames);
** integer keys 1..#t pass too when 'array' is true. */
WSHM_HIDDEN void wshm_checkkeys (lua_State *L, int idx,
                                 const char *const names[], const char *what,
                                 int array);

/* shm.type() asks each type in turn; NULL when x is not theirs. */
WSHM_HIDDEN const char *wshm_typename (lua_State *L, int idx);

#endif
