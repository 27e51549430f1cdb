/*
** link.h -- a link: one named region, mapped (link.c).  The layers above
** (views, the consistent pair, the tools) reach a region only through a
** link and these accessors.
*/
#ifndef WINSHM_LINK_H
#define WINSHM_LINK_H

#include "lua.h"
#include "backend.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

#define WSHM_LINK       "winshm.link"

/*
** A link.  Its region's base is NULL once the link is closed.  User
** values: LINK_NAME the name as given, LINK_LAYOUT the layout (or nil for
** a raw region).
*/
typedef struct wshm_link {
  wshm_region r;
} wshm_link;

#define LINK_NAME    1
#define LINK_LAYOUT  2

/* The link at idx, open or closed (NULL if not a link). */
wshm_link *wshm_tolink (lua_State *L, int idx);
/* The open link at idx; raises "attempt to use a closed link". */
wshm_link *wshm_checklink (lua_State *L, int idx);
/* Raise the error every use of a closed link raises. */
int wshm_closederror (lua_State *L);
/* Raise for the link at kidx, whose region cannot be used: "attempt to use
** a closed link", or, when another process truncated it (POSIX), "region
** 'NAME' was truncated by another process" led by 'what'. */
int wshm_unusable (lua_State *L, int kidx, const char *what);

/* shm.create, get_or_create, open, open_existing, remove; the link type. */
void wshm_open_link (lua_State *L);

WSHM_HIDE_END

#endif
