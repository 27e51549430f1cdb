/*
** atomic.c -- shm.atomic_load / atomic_store / atomic_add / atomic_cas on
** naturally aligned integer fields of 1, 2, 4 or 8 bytes.
** Every operation is sequentially consistent (GCC __atomic builtins,
** which mingw-w64 has too).  Values are range-checked as a plain write
** checks them; atomic_add wraps around like the C operation.
*/
#include <string.h>

#include "lauxlib.h"
#include "atomic.h"
#include "link.h"
#include "support.h"

/* ------------------------------------------------------------ helpers */

/* Raise "field 'k' of <layout>: msg" for the field named at kidx of
** the view at vidx. */
static int fielderrorat (lua_State *L, int vidx, int kidx, const char *msg) {
  const wshm_view *v = wshm_toview(L, vidx);
  return luaL_error(L, "field '%s' of %s: %s", lua_tostring(L, kidx),
                    v != NULL ? wshm_view_label(L, v) : "?", msg);
}

/* The same for the field at 2 of the view at 1. */
static int fielderror (lua_State *L, const char *msg) {
  return fielderrorat(L, 1, 2, msg);
}

/* The C name of an integer field, for messages. */
static const char *intname (const wshm_fieldref *f) {
  return wshm_intname(f->size, f->issigned);
}

void wshm_atomicfield (lua_State *L, int vidx, int kidx, wshm_fieldref *f,
                       int write) {
  wshm_view_field(L, vidx, kidx, f);
  if (!f->isint)
    fielderrorat(L, vidx, kidx, "atomic operations need an integer field");
  if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
    fielderrorat(L, vidx, kidx,
                 "atomic operations need a field of 1, 2, 4 or 8 bytes");
  if (((uintptr_t)f->addr & (f->size - 1)) != 0)
    fielderrorat(L, vidx, kidx, lua_pushfstring(L, "misaligned for atomic "
                 "operations (%d-byte field at an address that is not a "
                 "multiple of %d)", (int)f->size, (int)f->size));
  if (write && !f->writable)
    luaL_error(L, "attempt to write field '%s' of %s through a read-only view",
               lua_tostring(L, kidx), wshm_view_label(L, wshm_toview(L, vidx)));
  if (f->r->base == NULL)  /* the key, made a string, ran a finalizer */
    wshm_view_unusable(L, vidx, 0);
}

/*
** The last field the atomic functions resolved, kept in their shared
** upvalue so that a loop over one view and one field name (a spin on a
** counter) skips the view check and the name lookup: a hit is the same
** view object and the same string object, compared by address.  Both are
** pinned (support.h), so neither can be collected, and its address
** reused, while cached; the pin empties at the next collection cycle, so
** a link dropped after an atomic call is cleaned up one cycle later than
** otherwise.
*/
typedef struct lastfield {
  wshm_pin pin;           /* pin.obj: the pinned view, or NULL: no field */
  const void *key;        /* lua_topointer of the pinned name */
  wshm_fieldref ref;
} lastfield;

#define CACHE   lua_upvalueindex(1)

/*
** checkfield's miss: resolve the field, then cache it.  The cache is
** filled only after the allocations of pinning (they may run finalizers,
** which may make atomic calls of their own and fill it too).
*/
static wshm_fieldref resolve (lua_State *L, lastfield *c, int write) {
  wshm_fieldref f;
  wshm_atomicfield(L, 1, 2, &f, write);
  c->pin.obj = NULL;
  if (lua_type(L, 2) == LUA_TSTRING) {
    wshm_pinto(L, CACHE, 1, 2);
    c->ref = f;
    c->key = lua_topointer(L, 2);
    if (f.r->base == NULL)  /* the allocations ran a finalizer that closed it */
      wshm_view_unusable(L, 1, 0);
  }
  return f;
}

/* The field at 2 of the view at 1, fit for atomic operations. */
static inline wshm_fieldref checkfield (lua_State *L, int write) {
  lastfield *c = (lastfield *)lua_touserdata(L, CACHE);
  const wshm_view *v = (const wshm_view *)lua_touserdata(L, 1);
  if (v == c->pin.obj && v != NULL && lua_topointer(L, 2) == c->key
      && (c->ref.writable || !write) && wshm_view_isopen(v))
    return c->ref;
  return resolve(L, c, write);  /* raises if the link is closed */
}

/* checkvalue's other cases: floats, atomic_add's wider range, errors. */
static uint64_t slowvalue (lua_State *L, int idx, const wshm_fieldref *f,
                           int wrap) {
  lua_Integer i, lo, hi;
  int isnum, n = (int)f->size * 8;
  if (lua_isinteger(L, idx))
    i = lua_tointeger(L, idx);
  else {
    luaL_checkany(L, idx);
    if (lua_type(L, idx) != LUA_TNUMBER)
      fielderror(L, lua_pushfstring(L, "expected an integer, got %s",
                                    luaL_typename(L, idx)));
    i = lua_tointegerx(L, idx, &isnum);
    if (!isnum) {
      lua_Number d = lua_tonumber(L, idx);
      if (f->size == 8 && (!f->issigned || wrap) && d >= 0x1p63 && d < 0x1p64)
        return (uint64_t)d;  /* integral: all floats this large are */
      fielderror(L, lua_pushfstring(L, "expected an integer, got %s",
                                    luaL_tolstring(L, idx, NULL)));
    }
  }
  if (n == 64) return (uint64_t)i;
  {  /* wrap takes the signed and the unsigned ranges */
    lua_Integer slo, shi, ulo, uhi;
    wshm_intrange(f->size, 1, &slo, &shi);
    wshm_intrange(f->size, 0, &ulo, &uhi);
    lo = f->issigned || wrap ? slo : ulo;
    hi = f->issigned && !wrap ? shi : uhi;
  }
  if (i < lo || i > hi)
    fielderror(L, lua_pushfstring(L, "%I is out of range for %s (%I..%I)",
                                  i, intname(f), lo, hi));
  return (uint64_t)i;
}

/*
** The value at idx as the bits of field f, range-checked like a plain
** write.  'wrap' (atomic_add's delta) also takes the negative values of
** an unsigned field and the unsigned values of a signed one.  An integer
** in range for a store is decided here, inline.
*/
static inline uint64_t checkvalue (lua_State *L, int idx,
                                   const wshm_fieldref *f, int wrap) {
  if (!wrap && lua_isinteger(L, idx)) {
    uint64_t u = (uint64_t)lua_tointeger(L, idx);
    int n = (int)f->size * 8;
    if (n == 64 || ((f->issigned ? u + ((uint64_t)1 << (n - 1)) : u) >> n) == 0)
      return u;
  }
  return slowvalue(L, idx, f, wrap);
}

uint64_t wshm_abits (const wshm_fieldref *f, uint64_t v) {
  return f->size < 8 ? v & (((uint64_t)1 << (f->size * 8)) - 1) : v;
}

/* Push the bits of field f as its value (sign-extended when signed;
** uint64_t above 2^63-1 as a negative integer, as plain reads do). */
void wshm_apush (lua_State *L, const wshm_fieldref *f, uint64_t bits) {
  int n = (int)f->size * 8;
  bits = wshm_abits(f, bits);
  if (n < 64 && f->issigned && (bits >> (n - 1)) != 0)
    bits |= ~(uint64_t)0 << n;
  lua_pushinteger(L, (lua_Integer)bits);
}

/* ---------------------------------------------------------- operations */

#define SC  __ATOMIC_SEQ_CST

uint64_t wshm_aadd (const wshm_fieldref *f, uint64_t d) {
  switch (f->size) {
    case 1: return __atomic_fetch_add((uint8_t *)f->addr, (uint8_t)d, SC);
    case 2: return __atomic_fetch_add((uint16_t *)(void *)f->addr, (uint16_t)d, SC);
    case 4: return __atomic_fetch_add((uint32_t *)(void *)f->addr, (uint32_t)d, SC);
    default: return __atomic_fetch_add((uint64_t *)(void *)f->addr, d, SC);
  }
}

int wshm_acas (const wshm_fieldref *f, uint64_t expect, uint64_t v,
               uint64_t *old) {
  int ok;
  switch (f->size) {
    case 1: {
      uint8_t e = (uint8_t)expect;
      ok = __atomic_compare_exchange_n((uint8_t *)f->addr, &e, (uint8_t)v,
                                       0, SC, SC);
      *old = e; break;
    }
    case 2: {
      uint16_t e = (uint16_t)expect;
      ok = __atomic_compare_exchange_n((uint16_t *)(void *)f->addr, &e,
                                       (uint16_t)v, 0, SC, SC);
      *old = e; break;
    }
    case 4: {
      uint32_t e = (uint32_t)expect;
      ok = __atomic_compare_exchange_n((uint32_t *)(void *)f->addr, &e,
                                       (uint32_t)v, 0, SC, SC);
      *old = e; break;
    }
    default: {
      uint64_t e = expect;
      ok = __atomic_compare_exchange_n((uint64_t *)(void *)f->addr, &e, v,
                                       0, SC, SC);
      *old = e; break;
    }
  }
  return ok;
}

/* ------------------------------------------------------------ Lua side */

/* After the access to f: raise if a truncation made it miss. */
static inline void checklost (lua_State *L, const wshm_fieldref *f,
                              int write) {
  if (wshm_lost(f->r)) wshm_view_unusable(L, 1, write);
}

static int l_atomic_load (lua_State *L) {
  wshm_fieldref f = checkfield(L, 0);
  uint64_t bits = wshm_aload(&f);
  checklost(L, &f, 0);
  wshm_apush(L, &f, bits);
  return 1;
}

static int l_atomic_store (lua_State *L) {
  wshm_fieldref f = checkfield(L, 1);
  wshm_astore(&f, checkvalue(L, 3, &f, 0));
  checklost(L, &f, 1);
  return 0;
}

static int l_atomic_add (lua_State *L) {
  wshm_fieldref f = checkfield(L, 1);
  uint64_t d = checkvalue(L, 3, &f, 1), old = wshm_aadd(&f, d);
  checklost(L, &f, 1);
  wshm_apush(L, &f, old);
  return 1;
}

static int l_atomic_cas (lua_State *L) {
  wshm_fieldref f = checkfield(L, 1);
  uint64_t expect, v, old;
  int ok;
  luaL_checkany(L, 3);
  luaL_checkany(L, 4);
  expect = checkvalue(L, 3, &f, 0);
  v = checkvalue(L, 4, &f, 0);
  ok = wshm_acas(&f, expect, v, &old);
  checklost(L, &f, 1);
  lua_pushboolean(L, ok);
  wshm_apush(L, &f, old);
  return 2;
}

static const luaL_Reg funcs[] = {
  {"atomic_load", l_atomic_load},
  {"atomic_store", l_atomic_store},
  {"atomic_add", l_atomic_add},
  {"atomic_cas", l_atomic_cas},
  {NULL, NULL}
};

void wshm_open_atomic (lua_State *L) {
  wshm_newpin(L, sizeof(lastfield), 2);
  luaL_setfuncs(L, funcs, 1);
}
