/*
** sync.c -- shm.mutex and shm.event: named cross-process mutexes and
** auto-reset events (docs/reference.md, "Mutexes" and "Events").  The
** system work is behind the synchronisation section of backend.h.
**
** Both objects keep the name as given in user value 1.  A mutex counts
** the locks taken through it, so that closing (or collecting) it gives
** back what it still holds.
*/
#include <stdio.h>
#include <string.h>

#include "winshm.h"
#include "errors.h"
#include "names.h"
#include "support.h"

#define WSHM_MUTEX      "winshm.mutex"
#define WSHM_EVENT      "winshm.event"
#define MAXTIMEOUT      0x7FFFFFFF   /* ms; longer waits are for ever */

typedef struct lmutex {
  wshm_sync s;
  lua_Integer held;     /* locks taken through this object, not released */
} lmutex;

typedef struct levent {
  wshm_sync s;
} levent;

/* ------------------------------------------------------------ helpers */

static const char *const optnames[] = {"mode", "shared", NULL};

/*
** The opts table at idx (nil or { mode =, shared = }) into o.  A mode
** that lets other users write the object needs shared = true: with it
** they can change the lock state (docs/safety.md).
*/
static void checkopts (lua_State *L, int idx, wshm_syncopts *o) {
  o->mode = WSHM_DEFAULT_MODE;
  o->shared = 0;
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  wshm_checkkeys(L, idx, optnames, "opts", 0);
  o->mode = wshm_optmode(L, idx);
  if (lua_getfield(L, idx, "shared") != LUA_TNIL) {
    luaL_argcheck(L, lua_isboolean(L, -1), idx, "opts.shared must be a boolean");
    o->shared = lua_toboolean(L, -1);
  }
  lua_pop(L, 1);
  if ((o->mode & 022) != 0 && !o->shared) {
    char msg[96];
    snprintf(msg, sizeof(msg), "opts.mode 0%o lets other users write the "
             "object: add shared = true to allow that", o->mode);
    luaL_argerror(L, idx, msg);
  }
}

/*
** The optional timeout in milliseconds at idx: nil (or math.huge) waits
** for ever; fractions round up; negative or NaN raises.
*/
static long checktimeout (lua_State *L, int idx) {
  lua_Number t;
  if (lua_isnoneornil(L, idx)) return WSHM_INFINITE;
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    luaL_argcheck(L, i >= 0, idx, "timeout must not be negative");
    return i > MAXTIMEOUT ? WSHM_INFINITE : (long)i;
  }
  t = luaL_checknumber(L, idx);
  luaL_argcheck(L, t >= 0, idx, "timeout must be a non-negative number");
  if (t > MAXTIMEOUT) return WSHM_INFINITE;
  return (long)t + ((lua_Number)(long)t < t);  /* rounded up */
}

/* Is the name fit for a mutex or an event?  Else pushes nil, err. */
static int checksyncname (lua_State *L, const char *name, size_t len) {
  wshm_err e;
  if (!wshm_checkname(name, len, &e) || !wshm_os_synccheckname(name, len, &e)) {
    wshm_pusherror(L, &e, 1);  /* the name is argument 1 */
    return 0;
  }
  return 1;
}

/* The name object 'idx' was opened with (user value 1). */
static const char *syncname (lua_State *L, int idx) {
  const char *n;
  lua_getiuservalue(L, idx, 1);
  n = lua_tostring(L, -1);
  lua_pop(L, 1);  /* still anchored by the userdata */
  return n != NULL ? n : "?";
}

/* nil, err for a failure of the object at idx, named as it was opened. */
static int objerror (lua_State *L, const wshm_err *e, int idx) {
  lua_getiuservalue(L, idx, 1);
  return wshm_pusherror(L, e, -1);
}

/* Push the results of a wait: true [, "abandoned"] | false, "timeout" |
** nil, err. */
static int waitresult (lua_State *L, enum wshm_wait w, const wshm_err *e,
                       int idx) {
  switch (w) {
    case WSHM_WAIT_OK:
      lua_pushboolean(L, 1);
      return 1;
    case WSHM_WAIT_ABANDONED:
      lua_pushboolean(L, 1);
      lua_pushliteral(L, "abandoned");
      return 2;
    case WSHM_WAIT_TIMEOUT:
      lua_pushboolean(L, 0);
      lua_pushliteral(L, "timeout");
      return 2;
    default:
      return objerror(L, e, idx);
  }
}

static int synctostring (lua_State *L, const char *what, const wshm_sync *s) {
  if (s->open)
    lua_pushfstring(L, "%s '%s' (%p)", what, syncname(L, 1), (const void *)s);
  else
    lua_pushfstring(L, "%s '%s' (closed)", what, syncname(L, 1));
  return 1;
}

/* -------------------------------------------------------------- mutex */

static lmutex *checkmutex (lua_State *L, int idx) {
  lmutex *m = (lmutex *)luaL_checkudata(L, idx, WSHM_MUTEX);
  if (!m->s.open)
    luaL_error(L, "attempt to use a closed mutex");
  return m;
}

static int l_mutex (lua_State *L) {
  size_t len;
  const char *name = luaL_checklstring(L, 1, &len);
  wshm_syncopts o;
  wshm_err e;
  lmutex *m;
  checkopts(L, 2, &o);
  if (!checksyncname(L, name, len)) return 2;
  m = (lmutex *)lua_newuserdatauv(L, sizeof(lmutex), 1);
  wshm_os_sync_init(&m->s);
  m->held = 0;
  luaL_setmetatable(L, WSHM_MUTEX);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  if (!wshm_os_mutex_open(&m->s, name, len, &o, &e))
    return wshm_pusherror(L, &e, 1);
  return 1;
}

/* Lock; count the lock when taken. */
static enum wshm_wait mutexlock (lmutex *m, long timeout, wshm_err *e) {
  enum wshm_wait w = wshm_os_mutex_lock(&m->s, timeout, e);
  if (w == WSHM_WAIT_OK || w == WSHM_WAIT_ABANDONED)
    m->held++;
  return w;
}

static int m_lock (lua_State *L) {
  lmutex *m = checkmutex(L, 1);
  long timeout = checktimeout(L, 2);
  wshm_err e;
  return waitresult(L, mutexlock(m, timeout, &e), &e, 1);
}

static int m_trylock (lua_State *L) {
  lmutex *m = checkmutex(L, 1);
  wshm_err e;
  return waitresult(L, mutexlock(m, 0, &e), &e, 1);
}

static int m_unlock (lua_State *L) {
  lmutex *m = checkmutex(L, 1);
  wshm_err e;
  switch (wshm_os_mutex_unlock(&m->s, &e)) {
    case WSHM_WAIT_OK:
      if (m->held > 0) m->held--;
      lua_pushboolean(L, 1);
      return 1;
    case WSHM_WAIT_NOTOWNER:
      return luaL_error(L, "mutex '%s' is not locked by this thread",
                        syncname(L, 1));
    default:
      return objerror(L, &e, 1);
  }
}

/*
** m:with(fn, ...): lock (for ever), call fn(...), unlock, return fn's
** results.  When fn raises, unlock and raise the same error again.
*/
static int m_with (lua_State *L) {
  lmutex *m = checkmutex(L, 1);
  int n = lua_gettop(L), status;
  wshm_err e;
  enum wshm_wait w;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  w = mutexlock(m, WSHM_INFINITE, &e);
  if (w != WSHM_WAIT_OK && w != WSHM_WAIT_ABANDONED) {
    waitresult(L, w, &e, 1);
    return lua_error(L);  /* the error table, whose tostring is its message */
  }
  status = lua_pcall(L, n - 2, LUA_MULTRET, 0);
  if (m->s.open && m->held > 0
      && wshm_os_mutex_unlock(&m->s, &e) == WSHM_WAIT_OK)
    m->held--;
  if (status != LUA_OK)
    return lua_error(L);
  return lua_gettop(L) - 1;
}

/* Give back what this object holds, then close; safe to repeat. */
static int m_close (lua_State *L) {
  lmutex *m = (lmutex *)luaL_checkudata(L, 1, WSHM_MUTEX);
  if (m->s.open) {
    wshm_err e;
    lua_Integer n = m->held;
    m->held = 0;
    while (n-- > 0)
      wshm_os_mutex_unlock(&m->s, &e);
    wshm_os_mutex_close(&m->s);
  }
  lua_pushboolean(L, 1);
  return 1;
}

static int m_closed (lua_State *L) {
  lmutex *m = (lmutex *)luaL_checkudata(L, 1, WSHM_MUTEX);
  lua_pushboolean(L, !m->s.open);
  return 1;
}

static int m_name (lua_State *L) {
  checkmutex(L, 1);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static int m_tostring (lua_State *L) {
  lmutex *m = (lmutex *)luaL_checkudata(L, 1, WSHM_MUTEX);
  return synctostring(L, WSHM_MUTEX, &m->s);
}

static const luaL_Reg mutex_meta[] = {
  {"__gc", m_close},
  {"__close", m_close},
  {"__tostring", m_tostring},
  {NULL, NULL}
};

static const luaL_Reg mutex_methods[] = {
  {"lock", m_lock},
  {"trylock", m_trylock},
  {"unlock", m_unlock},
  {"with", m_with},
  {"close", m_close},
  {"closed", m_closed},
  {"name", m_name},
  {NULL, NULL}
};

/* -------------------------------------------------------------- event */

static levent *checkevent (lua_State *L, int idx) {
  levent *ev = (levent *)luaL_checkudata(L, idx, WSHM_EVENT);
  if (!ev->s.open)
    luaL_error(L, "attempt to use a closed event");
  return ev;
}

static int l_event (lua_State *L) {
  size_t len;
  const char *name = luaL_checklstring(L, 1, &len);
  wshm_syncopts o;
  wshm_err e;
  levent *ev;
  checkopts(L, 2, &o);
  if (!checksyncname(L, name, len)) return 2;
  ev = (levent *)lua_newuserdatauv(L, sizeof(levent), 1);
  wshm_os_sync_init(&ev->s);
  luaL_setmetatable(L, WSHM_EVENT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  if (!wshm_os_event_open(&ev->s, name, len, &o, &e))
    return wshm_pusherror(L, &e, 1);
  return 1;
}

static int e_set (lua_State *L) {
  levent *ev = checkevent(L, 1);
  wshm_err e;
  if (!wshm_os_event_set(&ev->s, &e))
    return objerror(L, &e, 1);
  lua_pushboolean(L, 1);
  return 1;
}

static int e_wait (lua_State *L) {
  levent *ev = checkevent(L, 1);
  long timeout = checktimeout(L, 2);
  wshm_err e;
  return waitresult(L, wshm_os_event_wait(&ev->s, timeout, &e), &e, 1);
}

static int e_close (lua_State *L) {
  levent *ev = (levent *)luaL_checkudata(L, 1, WSHM_EVENT);
  if (ev->s.open)
    wshm_os_event_close(&ev->s);
  lua_pushboolean(L, 1);
  return 1;
}

static int e_closed (lua_State *L) {
  levent *ev = (levent *)luaL_checkudata(L, 1, WSHM_EVENT);
  lua_pushboolean(L, !ev->s.open);
  return 1;
}

static int e_name (lua_State *L) {
  checkevent(L, 1);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static int e_tostring (lua_State *L) {
  levent *ev = (levent *)luaL_checkudata(L, 1, WSHM_EVENT);
  return synctostring(L, WSHM_EVENT, &ev->s);
}

static const luaL_Reg event_meta[] = {
  {"__gc", e_close},
  {"__close", e_close},
  {"__tostring", e_tostring},
  {NULL, NULL}
};

static const luaL_Reg event_methods[] = {
  {"set", e_set},
  {"wait", e_wait},
  {"close", e_close},
  {"closed", e_closed},
  {"name", e_name},
  {NULL, NULL}
};

/* ------------------------------------------------------- registration */

static const luaL_Reg funcs[] = {
  {"mutex", l_mutex},
  {"event", l_event},
  {NULL, NULL}
};

void wshm_open_sync (lua_State *L) {
  wshm_newmeta(L, WSHM_MUTEX, mutex_meta, mutex_methods);
  wshm_newmeta(L, WSHM_EVENT, event_meta, event_methods);
  luaL_setfuncs(L, funcs, 0);
}
