/*
** consistent.c -- shm.read_consistent / shm.write_consistent: whole-view
** snapshots guarded by version counters in the view.
**
** Schemes (the counters are integer fields of the view):
**   { begin = b, ["end"] = e }  the writer bumps b, writes, sets e = b;
**                               a snapshot is good when e, read before
**                               the copy, equals b read after it.
**   { seq = s }                 the writer makes s odd, writes, makes it
**                               even; a snapshot is good when s was even
**                               and did not change.
**   { check = c }               the counter changes when a write starts
**                               and when it ends; a snapshot is good when
**                               c did not change during the copy and
**                               neither did the bytes of the view.  Only
**                               a writer stalled half-way through a write
**                               for the whole copy goes unseen: use seq
**                               or begin/end when the writer is yours to
**                               choose.
** Counters are accessed with sequentially consistent atomics and full
** fences separate them from the data, as C11 requires for the copy not
** to move across them.
**
** A read copies the bytes (no Lua code runs from the first counter read
** to the last) and decodes the copy once it is known to be whole.  A
** write with a table encodes it into a plan before the write opens, so
** the write itself is a few memcpy calls.  Writers of one counter
** serialise: a writer opens the write only by a compare-and-swap from the
** idle state (seq and check: even; begin/end: begin == end), waiting at
** most the scheme's timeout for another writer to finish.
*/
#include <string.h>

#include "lauxlib.h"
#include "winshm.h"
#include "atomic.h"
#include "codec.h"
#include "link.h"
#include "support.h"
#include "view.h"

#define DEFAULT_TRIES   100
#define DEFAULT_WAIT    2000    /* ms a writer waits for another writer */
#define SPINS           4096    /* counter reads while a write is running */

enum { S_BEGINEND, S_SEQ, S_CHECK };

typedef struct scheme {
  int kind;
  wshm_fieldref a;      /* begin, seq or check */
  wshm_fieldref b;      /* end (the same field as a otherwise) */
  long wait;            /* ms a writer waits for the write to be free */
  int aidx;             /* stack slot of a's name */
} scheme;

static const char *const schemekeys[] = {"begin", "end", "seq", "check",
                                         "timeout", NULL};

#define SCHEMEMSG  "scheme must be { begin = f1, [\"end\"] = f2 }, " \
                   "{ seq = f } or { check = f }"

/* scheme.timeout at idx of the stack: ms, or the default. */
static long checkwait (lua_State *L, int idx) {
  lua_Integer ms;
  if (lua_isnil(L, idx)) return DEFAULT_WAIT;
  if (!lua_isinteger(L, idx) || (ms = lua_tointeger(L, idx)) < 0
      || ms > 0x7FFFFFFF)
    luaL_argerror(L, 2, "scheme.timeout must be an integer number of "
                  "milliseconds from 0 to 2^31-1");
  return (long)lua_tointeger(L, idx);
}

/*
** The scheme table at 2 for the view at 1 into s; its field names are
** left on the stack.  Raises on a bad scheme.
*/
static void parsescheme (lua_State *L, scheme *s, int write) {
  static const char *const keys[] = {"begin", "end", "seq", "check"};
  int has[4], i, base;
  luaL_checktype(L, 2, LUA_TTABLE);
  wshm_checkkeys(L, 2, schemekeys, "scheme", 0);
  base = lua_gettop(L) + 1;
  for (i = 0; i < 4; i++) {
    has[i] = lua_getfield(L, 2, keys[i]) != LUA_TNIL;
    if (has[i] && lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, 2, lua_pushfstring(L, "scheme.%s must be a field name"
                                          " (a string)", keys[i]));
  }
  lua_getfield(L, 2, "timeout");
  s->wait = checkwait(L, -1);
  if (has[0] && has[1] && !has[2] && !has[3]) {
    s->kind = S_BEGINEND; s->aidx = base;
    if (strcmp(lua_tostring(L, base), lua_tostring(L, base + 1)) == 0)
      luaL_argerror(L, 2, "scheme.begin and scheme.end must be two fields");
  }
  else if (has[2] && !has[0] && !has[1] && !has[3]) {
    s->kind = S_SEQ; s->aidx = base + 2;
  }
  else if (has[3] && !has[0] && !has[1] && !has[2]) {
    s->kind = S_CHECK; s->aidx = base + 3;
  }
  else
    luaL_argerror(L, 2, SCHEMEMSG);
  wshm_atomicfield(L, 1, s->aidx, &s->a, write);
  if (s->kind == S_BEGINEND)
    wshm_atomicfield(L, 1, base + 1, &s->b, write);
  else
    s->b = s->a;
}

/* ------------------------------------------------------------- reading */

/*
** Wait (a bounded while) for no write to be running, and give the
** version the copy starts from in *v.  0 if a write still runs.
*/
static int startcopy (const scheme *s, uint64_t *v) {
  int i;
  for (i = 0; i < SPINS; i++) {
    switch (s->kind) {
      case S_SEQ:
        *v = wshm_aload(&s->a);
        if ((*v & 1) == 0) return 1;
        break;
      case S_BEGINEND:
        *v = wshm_aload(&s->b);  /* end first: then begin */
        if (wshm_abits(&s->a, wshm_aload(&s->a)) == wshm_abits(&s->a, *v))
          return 1;
        break;
      default:
        *v = wshm_aload(&s->a);
        return 1;
    }
  }
  wshm_os_yield();
  return 0;
}

/*
** Copy the view's n bytes at data into copy under the scheme, at most
** 'tries' times; 1 and the version in *v when a copy is whole.  Pure C:
** the caller made every allocation and checked the link open before.
*/
static int snapshot (const scheme *s, const unsigned char *data, size_t n,
                     unsigned char *copy, lua_Integer tries, uint64_t *v) {
  lua_Integer i;
  for (i = 0; i < tries; i++) {
    uint64_t v2;
    if (!startcopy(s, v)) continue;
    memcpy(copy, data, n);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);  /* the copy stays before */
    v2 = wshm_aload(&s->a);  /* begin, seq or check */
    if (wshm_abits(&s->a, *v) == wshm_abits(&s->a, v2)
        && (s->kind != S_CHECK || memcmp(copy, data, n) == 0))
      return 1;
  }
  return 0;
}

/*
** The last scheme parsed, for the next call with the same view and a
** scheme table of the same contents (a reader's frame loop): the upvalue
** of the functions below.  The view, the table and the table's values are
** pinned (support.h), so that equal addresses mean the same objects; the
** contents are compared entry by entry (raw, in the table's own order),
** so a table changed since is parsed again.  A table with a metatable is
** never cached (its __index may answer differently each time).
*/
#define CACHED   5      /* entries of a scheme table: at most 5 are valid */
#define CACHE    lua_upvalueindex(1)

typedef struct schemecache {
  wshm_pin pin;                 /* pin.obj: the view; user values: the
                                   view, the table, its CACHED values */
  const void *table;
  int n, write;                 /* entries; parsed for a write */
  const void *key[CACHED];      /* the anchored key strings */
  const void *val[CACHED];      /* string values (pinned), or NULL */
  lua_Integer num[CACHED];      /* integer values */
  int aval, bval;               /* user values of the counters' names */
  scheme s;
} schemecache;

/* Does the scheme table at 2 hold exactly what c cached?  Leaves the
** stack as it found it. */
static int samescheme (lua_State *L, const schemecache *c) {
  int i = 0;
  if (lua_topointer(L, 2) != c->table) return 0;
  if (lua_getmetatable(L, 2)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    int ok = i < c->n && lua_topointer(L, -2) == c->key[i]
             && (c->val[i] != NULL ? lua_topointer(L, -1) == c->val[i]
                 : lua_isinteger(L, -1) && lua_tointeger(L, -1) == c->num[i]);
    lua_pop(L, 1);
    if (!ok) { lua_pop(L, 1); return 0; }
    i++;
  }
  return i == c->n;
}

/* Remember the scheme parsed from the table at 2 for the view at 1 (not a
** table with a metatable). */
static void cachescheme (lua_State *L, schemecache *c, const scheme *s,
                         int write) {
  int i = 0, uv = 3;
  c->pin.obj = NULL;
  if (lua_getmetatable(L, 2)) {
    lua_pop(L, 1);
    return;
  }
  wshm_pinto(L, CACHE, 1, 2);  /* may allocate: nothing filled before */
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    if (i == CACHED) { lua_pop(L, 2); c->pin.obj = NULL; return; }
    c->key[i] = lua_topointer(L, -2);
    c->val[i] = lua_type(L, -1) == LUA_TSTRING ? lua_topointer(L, -1) : NULL;
    c->num[i] = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
    if (c->val[i] != NULL) {
      if (lua_rawequal(L, -1, s->aidx)) c->aval = uv;
      if (s->kind == S_BEGINEND && lua_rawequal(L, -1, s->aidx + 1)) c->bval = uv;
      lua_setiuservalue(L, CACHE, uv++);
    }
    else
      lua_pop(L, 1);
    i++;
  }
  c->n = i;
  c->table = lua_topointer(L, 2);
  c->write = write;
  c->s = *s;
}

/* The scheme at 2 for the view at 1: the cached one when the view and the
** table's contents are the same, else parsed (and cached).  The counters'
** names are on the stack at s->aidx (and s->aidx + 1 for begin/end). */
static void checkscheme (lua_State *L, scheme *s, int write) {
  schemecache *c = (schemecache *)lua_touserdata(L, CACHE);
  const void *v = lua_touserdata(L, 1);
  if (v != NULL && v == c->pin.obj && c->write >= write
      && lua_type(L, 2) == LUA_TTABLE && samescheme(L, c)) {
    *s = c->s;
    s->aidx = lua_gettop(L) + 1;
    lua_getiuservalue(L, CACHE, c->aval);
    if (s->kind == S_BEGINEND) lua_getiuservalue(L, CACHE, c->bval);
    return;
  }
  parsescheme(L, s, write);
  cachescheme(L, c, s, write);
}

/* The arguments of a snapshot: the view at 1, the scheme at 2, tries at
** 3; returns tries, with the scheme in s. */
static lua_Integer checkread (lua_State *L, scheme *s) {
  lua_Integer tries = luaL_optinteger(L, 3, DEFAULT_TRIES);
  luaL_argcheck(L, tries >= 1, 3, "tries must be at least 1");
  checkscheme(L, s, 0);
  return tries;
}

/* shm.read_consistent(view, scheme [, tries [, into]]) */
static int l_read_consistent (lua_State *L) {
  scheme s;
  lua_Integer tries;
  const wshm_view *v = wshm_checkview(L, 1);
  wshm_span sp;
  unsigned char *copy;
  uint64_t version;
  int into, lidx, cidx;
  if (!lua_isnoneornil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
  into = lua_isnoneornil(L, 4) ? 0 : 4;
  lua_settop(L, 4);
  tries = checkread(L, &s);
  wshm_view_span(L, 1, &sp);
  lidx = lua_gettop(L);
  copy = (unsigned char *)wshm_scratch(L, sp.size);
  cidx = lua_gettop(L);
  if (!wshm_view_isopen(v))  /* Lua code ran meanwhile and closed it */
    return wshm_view_unusable(L, 1, 0);
  if (!snapshot(&s, wshm_view_data(v), sp.size, copy, tries, &version)) {
    wshm_view_checklost(L, 1, v, 0);
    luaL_pushfail(L);
    lua_pushliteral(L, "torn");
    return 2;
  }
  wshm_view_checklost(L, 1, v, 0);
  wshm_decode(L, lidx, &sp, copy, into);
  wshm_unscratch(L, cidx);
  wshm_apush(L, &s.b, version);
  return 2;
}

/*
** shm._snapshot(view [, scheme [, tries]]) -> bytes | nil, "torn": the
** view's bytes as a string, copied under the scheme when one is given
** (recordings store these).
*/
static int l_snapshot (lua_State *L) {
  scheme s;
  lua_Integer tries;
  const wshm_view *v = wshm_checkview(L, 1);
  size_t size = wshm_view_size(v);
  unsigned char *copy;
  uint64_t version;
  int cidx;
  if (lua_isnoneornil(L, 2)) {  /* lua_pushlstring copies before collecting */
    lua_pushlstring(L, (const char *)wshm_view_data(v), size);
    wshm_view_checklost(L, 1, v, 0);
    return 1;
  }
  lua_settop(L, 3);
  tries = checkread(L, &s);
  copy = (unsigned char *)wshm_scratch(L, size);
  cidx = lua_gettop(L);
  if (!wshm_view_isopen(v))
    return wshm_view_unusable(L, 1, 0);
  if (!snapshot(&s, wshm_view_data(v), size, copy, tries, &version)) {
    wshm_view_checklost(L, 1, v, 0);
    luaL_pushfail(L);
    lua_pushliteral(L, "torn");
    return 2;
  }
  wshm_view_checklost(L, 1, v, 0);
  lua_pushlstring(L, (const char *)copy, size);
  wshm_unscratch(L, cidx);
  return 1;
}

/* ------------------------------------------------------------- writing */

/* The registry key of the table of the counters this state is writing
** under (their addresses), so that a nested write of one counter raises
** instead of waiting for itself.  Its sequence part anchors the scheme
** keys. */
static const char OPENWRITES = 'w';

/* Mark the write of s's counter open in this state (or raise: nested). */
static void enterwrite (lua_State *L, const scheme *s) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &OPENWRITES);
  if (lua_rawgetp(L, -1, s->a.addr) != LUA_TNIL)
    luaL_error(L, "write_consistent: a write under counter '%s' is already "
               "open in this state (nested write_consistent)",
               lua_tostring(L, s->aidx));
  lua_pop(L, 1);
  lua_pushboolean(L, 1);
  lua_rawsetp(L, -2, s->a.addr);
  lua_pop(L, 1);
}

static void leavewrite (lua_State *L, const scheme *s) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &OPENWRITES);
  lua_pushnil(L);
  lua_rawsetp(L, -2, s->a.addr);
  lua_pop(L, 1);
}

/*
** Open a write: take the counters from idle to "writing" by compare-and-
** swap, waiting at most s->wait ms for another writer.  Returns 1 and the
** value the write will end with in *done, or 0 (timed out).  Pure C.
*/
static int openwrite (const scheme *s, uint64_t *done) {
  uint64_t start = wshm_os_msec();
  unsigned spins = 0;
  for (;;) {
    uint64_t v = wshm_aload(&s->a), old;
    int idle = s->kind == S_BEGINEND
      ? wshm_abits(&s->a, v) == wshm_abits(&s->a, wshm_aload(&s->b))
      : (v & 1) == 0;
    if (idle && wshm_acas(&s->a, v, v + 1, &old)) {
      *done = s->kind == S_BEGINEND ? v + 1 : v + 2;
      __atomic_thread_fence(__ATOMIC_SEQ_CST);  /* before any data store */
      return 1;
    }
    if (++spins % 64 == 0) {
      if (wshm_os_msec() - start >= (uint64_t)s->wait) return 0;
      wshm_os_yield();
    }
  }
}

static void closewrite (const scheme *s, uint64_t done) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  /* after every data store */
  wshm_astore(s->kind == S_BEGINEND ? &s->b : &s->a, done);
}

/* Raise: another writer kept the write for longer than s->wait. */
static int busy (lua_State *L, const scheme *s) {
  leavewrite(L, s);
  return luaL_error(L, "write_consistent: timed out after %d ms waiting for "
                    "another writer of counter '%s' (if no writer runs, one "
                    "died during a write and left the counter %s)",
                    (int)s->wait, lua_tostring(L, s->aidx),
                    s->kind == S_BEGINEND ? "begin ahead of end" : "odd");
}

/* Raise if the plan at pidx writes the counter f (named at nidx). */
static void nocounter (lua_State *L, int pidx, const wshm_fieldref *f,
                       int nidx) {
  if (wshm_plan_touches(L, pidx, f->offset, f->size))
    luaL_error(L, "the table sets the counter field '%s', which "
               "write_consistent keeps", lua_tostring(L, nidx));
}

/* write_consistent with a table at 3: encoded first, then written. */
static int writetable (lua_State *L, const wshm_view *v, const scheme *s) {
  wshm_span sp;
  uint64_t done;
  int pidx;
  wshm_view_span(L, 1, &sp);
  wshm_plan_new(L);
  pidx = lua_gettop(L);
  wshm_encode(L, pidx - 1, &sp, 3, pidx);
  nocounter(L, pidx, &s->a, s->aidx);
  nocounter(L, pidx, &s->b, s->kind == S_BEGINEND ? s->aidx + 1 : s->aidx);
  enterwrite(L, s);
  if (!wshm_view_isopen(v)) {  /* Lua code ran meanwhile and closed it */
    leavewrite(L, s);
    return wshm_view_unusable(L, 1, 0);
  }
  if (!openwrite(s, &done))
    return busy(L, s);
  wshm_plan_apply(L, pidx, wshm_view_data(v));
  closewrite(s, done);
  leavewrite(L, s);
  wshm_view_checklost(L, 1, v, 1);
  wshm_apush(L, &s->a, done);
  return 1;
}

/* write_consistent with a function at 3: the write is open while it runs. */
static int writefunction (lua_State *L, const wshm_view *v, const scheme *s) {
  uint64_t done;
  int status;
  enterwrite(L, s);
  if (!wshm_view_isopen(v)) {
    leavewrite(L, s);
    return wshm_view_unusable(L, 1, 0);
  }
  if (!openwrite(s, &done))
    return busy(L, s);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 1);
  status = lua_pcall(L, 1, 0, 0);
  leavewrite(L, s);
  if (!wshm_view_isopen(v)) {  /* fn closed the link: the write stays open */
    if (status != LUA_OK) return lua_error(L);
    return wshm_view_unusable(L, 1, 0);
  }
  closewrite(s, done);  /* even after an error: readers must not wait */
  if (status != LUA_OK)
    return lua_error(L);
  wshm_view_checklost(L, 1, v, 1);
  wshm_apush(L, &s->a, done);
  return 1;
}

static int l_write_consistent (lua_State *L) {
  scheme s;
  const wshm_view *v = wshm_checkview(L, 1);
  lua_settop(L, 3);
  checkscheme(L, &s, 1);
  if (lua_type(L, 3) == LUA_TFUNCTION)
    return writefunction(L, v, &s);
  luaL_argexpected(L, lua_istable(L, 3), 3, "table or function");
  return writetable(L, v, &s);
}

static const luaL_Reg funcs[] = {
  {"read_consistent", l_read_consistent},
  {"write_consistent", l_write_consistent},
  {"_snapshot", l_snapshot},
  {NULL, NULL}
};

void wshm_open_consistent (lua_State *L) {
  int i;
  lua_newtable(L);
  for (i = 0; schemekeys[i] != NULL; i++) {  /* anchored: a warm read */
    lua_pushstring(L, schemekeys[i]);        /* makes no strings */
    lua_rawseti(L, -2, i + 1);
  }
  lua_rawsetp(L, LUA_REGISTRYINDEX, &OPENWRITES);
  wshm_newpin(L, sizeof(schemecache), 2 + CACHED);
  luaL_setfuncs(L, funcs, 1);
}
