/*
** consistent.c -- shm.read_consistent / shm.write_consistent: whole-view
** snapshots guarded by version counters in the view (API.md 4).
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
** write_consistent with a table checks and encodes it before the write
** opens; the write itself only stores the bytes that change, so readers
** meet an open write rarely and briefly.  With a function, the write is
** open while the function runs.
*/
#include <string.h>

#include "winshm.h"
#include "atomic.h"
#include "layout.h"

#define DEFAULT_TRIES   100
#define SPINS           4096    /* counter reads while a write is running */

enum { S_BEGINEND, S_SEQ, S_CHECK };

typedef struct scheme {
  int kind;
  wshm_fieldref a;      /* begin, seq or check */
  wshm_fieldref b;      /* end */
  int aidx, bidx;       /* stack slots of their names */
} scheme;

static const char *const schemekeys[] = {"begin", "end", "seq", "check", NULL};

#define SCHEMEMSG  "scheme must be { begin = f1, [\"end\"] = f2 }, " \
                   "{ seq = f } or { check = f }"

/*
** The scheme table at 2 for the view at 1 into s; its field names are
** left on the stack (s->aidx, s->bidx).  Raises on a bad scheme.
*/
static void checkscheme (lua_State *L, scheme *s, int write) {
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
  if (has[0] && has[1] && !has[2] && !has[3]) {
    s->kind = S_BEGINEND; s->aidx = base; s->bidx = base + 1;
    if (strcmp(lua_tostring(L, base), lua_tostring(L, base + 1)) == 0)
      luaL_argerror(L, 2, "scheme.begin and scheme.end must be two fields");
  }
  else if (has[2] && !has[0] && !has[1] && !has[3]) {
    s->kind = S_SEQ; s->aidx = s->bidx = base + 2;
  }
  else if (has[3] && !has[0] && !has[1] && !has[2]) {
    s->kind = S_CHECK; s->aidx = s->bidx = base + 3;
  }
  else
    luaL_argerror(L, 2, SCHEMEMSG);
  wshm_atomicfield(L, 1, s->aidx, &s->a, write);
  if (s->kind == S_BEGINEND)
    wshm_atomicfield(L, 1, s->bidx, &s->b, write);
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

/* The counter that tells, after the copy, whether a write came between. */
static uint64_t endcopy (const scheme *s) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  /* the copy stays before */
  return wshm_aload(&s->a);  /* begin, seq or check */
}

static int l_read_consistent (lua_State *L) {
  scheme s;
  lua_Integer tries, i;
  int top;
  const wshm_view *v;
  unsigned char *before = NULL;  /* check: the bytes as the copy began */
  tries = luaL_optinteger(L, 3, DEFAULT_TRIES);
  luaL_argcheck(L, tries >= 1, 3, "tries must be at least 1");
  lua_settop(L, 3);
  checkscheme(L, &s, 0);
  v = wshm_toview(L, 1);
  if (s.kind == S_CHECK)
    before = (unsigned char *)lua_newuserdatauv(L, v->lay->size, 0);
  top = lua_gettop(L);
  for (i = 0; i < tries; i++) {
    uint64_t v1, v2;
    int status, same;
    if (!startcopy(&s, &v1)) continue;
    if (before != NULL) memcpy(before, v->data, v->lay->size);
    lua_pushcfunction(L, wshm_read);
    lua_pushvalue(L, 1);
    status = lua_pcall(L, 1, 1, 0);
    if (v->r->base == NULL)  /* a finalizer closed the link meanwhile */
      return wshm_closederror(L);
    v2 = endcopy(&s);
    same = wshm_abits(&s.a, v1) == wshm_abits(&s.a, v2);
    if (same && before != NULL)
      same = memcmp(before, v->data, v->lay->size) == 0;
    if (same) {
      if (status != LUA_OK)
        return lua_error(L);  /* not torn: a real error */
      wshm_apush(L, &s.b, v1);
      return 2;
    }
    lua_settop(L, top);
  }
  luaL_pushfail(L);
  lua_pushliteral(L, "torn");
  return 2;
}

/*
** shm._snapshot(view [, scheme [, tries]]) -> bytes | nil, "torn": the
** view's bytes as a string, copied under the scheme when one is given
** (recordings store these).  Every allocation comes before the copies,
** so nothing runs between finding the bytes and copying them.
*/
static int l_snapshot (lua_State *L) {
  scheme s;
  lua_Integer tries, i;
  const wshm_view *v = wshm_checkview(L, 1);
  size_t size = v->fld == NULL ? v->lay->size : v->n * v->stride;
  unsigned char *copy, *before;
  if (lua_isnoneornil(L, 2)) {
    lua_pushlstring(L, (const char *)v->data, size);
    return 1;
  }
  tries = luaL_optinteger(L, 3, DEFAULT_TRIES);
  luaL_argcheck(L, tries >= 1, 3, "tries must be at least 1");
  lua_settop(L, 3);
  checkscheme(L, &s, 0);
  copy = (unsigned char *)lua_newuserdatauv(L, size > 0 ? 2 * size : 1, 0);
  before = copy + size;
  if (v->r->base == NULL)  /* a finalizer closed the link meanwhile */
    return wshm_closederror(L);
  for (i = 0; i < tries; i++) {
    uint64_t v1;
    if (!startcopy(&s, &v1)) continue;
    if (s.kind == S_CHECK) memcpy(before, v->data, size);
    memcpy(copy, v->data, size);
    if (wshm_abits(&s.a, v1) == wshm_abits(&s.a, endcopy(&s))
        && (s.kind != S_CHECK || memcmp(before, v->data, size) == 0)) {
      lua_pushlstring(L, (const char *)copy, size);
      return 1;
    }
  }
  luaL_pushfail(L);
  lua_pushliteral(L, "torn");
  return 2;
}

/* ------------------------------------------------------------- writing */

/* Raise if the table at 3 sets the counter named at nidx (a dotted
** path): the counters are write_consistent's to keep. */
static void nocounter (lua_State *L, int nidx) {
  const char *path = lua_tostring(L, nidx), *p = path;
  lua_pushvalue(L, 3);
  for (;;) {
    const char *dot = strchr(p, '.');
    size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
    if (!lua_istable(L, -1)) break;
    lua_pushlstring(L, p, len);
    lua_gettable(L, -2);
    lua_remove(L, -2);
    if (dot == NULL) {
      if (!lua_isnil(L, -1))
        luaL_error(L, "the table sets the counter field '%s', which "
                   "write_consistent keeps", path);
      break;
    }
    p = dot + 1;
  }
  lua_pop(L, 1);
}

/*
** For the table form: check and encode t (at 3) into a private copy of
** the view's bytes.  Leaves the copy ('scratch') and the bytes before
** ('pre') on the stack.  Raises, writing nothing, when t is not fit for
** the view, or when reading t (its metamethods) closed the link.
*/
static void encode (lua_State *L, const wshm_view *v, unsigned char **scratch,
                    unsigned char **pre) {
  size_t size = v->lay->size;
  *pre = (unsigned char *)lua_newuserdatauv(L, size, 0);
  *scratch = (unsigned char *)lua_newuserdatauv(L, size, 0);
  memcpy(*pre, v->data, size);
  memcpy(*scratch, *pre, size);
  wshm_encodeview(L, 1, 3, *scratch);
  if (v->r->base == NULL) wshm_closederror(L);
}

/* Open a write: set the counters as a running write shows; returns the
** value the write will end with. */
static uint64_t openwrite (const scheme *s) {
  uint64_t v = wshm_aload(&s->a), done;
  switch (s->kind) {
    case S_SEQ: v += (v & 1) ? 2 : 1; done = v + 1; break;  /* odd, even */
    case S_BEGINEND: v += 1; done = v; break;
    default: v += 1; done = v + 1; break;
  }
  wshm_astore(&s->a, v);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  /* before any data store */
  return done;
}

static void closewrite (const scheme *s, uint64_t done) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  /* after every data store */
  wshm_astore(s->kind == S_BEGINEND ? &s->b : &s->a, done);
}

static int l_write_consistent (lua_State *L) {
  scheme s;
  wshm_view *v;
  uint64_t done;
  int status = LUA_OK;
  lua_settop(L, 3);
  checkscheme(L, &s, 1);
  v = wshm_toview(L, 1);
  if (lua_type(L, 3) != LUA_TFUNCTION) {
    unsigned char *scratch, *pre;
    size_t i;
    luaL_argexpected(L, lua_istable(L, 3), 3, "table or function");
    nocounter(L, s.aidx);
    nocounter(L, s.bidx);
    encode(L, v, &scratch, &pre);
    done = openwrite(&s);  /* the write is the bytes that changed */
    for (i = 0; i < v->lay->size; i++)
      if (scratch[i] != pre[i]) v->data[i] = scratch[i];
  }
  else {
    done = openwrite(&s);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 1);
    status = lua_pcall(L, 1, 0, 0);
    if (v->r->base == NULL) {  /* fn closed the link */
      if (status != LUA_OK) return lua_error(L);
      return wshm_closederror(L);
    }
  }
  closewrite(&s, done);  /* even after an error: readers must not wait */
  if (status != LUA_OK)
    return lua_error(L);
  wshm_apush(L, &s.a, done);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"read_consistent", l_read_consistent},
  {"write_consistent", l_write_consistent},
  {"_snapshot", l_snapshot},
  {NULL, NULL}
};

void wshm_open_consistent (lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
}
