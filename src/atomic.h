/*
** atomic.h -- integer fields fit for atomic operations and sequentially
** consistent access to them (atomic.c); consistent.c builds on these.
*/
#ifndef WINSHM_ATOMIC_H
#define WINSHM_ATOMIC_H

#include "lua.h"
#include "view.h"
#include "hidden.h"

WSHM_HIDE_BEGIN

/*
** The field named at kidx of the view at vidx, an aligned integer of 1,
** 2, 4 or 8 bytes (writable when 'write'); raises naming the field and
** the layout otherwise, and if the link is closed by the time it returns.
*/
void wshm_atomicfield (lua_State *L, int vidx, int kidx,
                                   wshm_fieldref *f, int write);

/* Sequentially consistent load and store of field f (inline: the spin
** loops of cross-process code run through them). */
static inline uint64_t wshm_aload (const wshm_fieldref *f) {
  switch (f->size) {
    case 1: return __atomic_load_n((uint8_t *)f->addr, __ATOMIC_SEQ_CST);
    case 2: return __atomic_load_n((uint16_t *)(void *)f->addr, __ATOMIC_SEQ_CST);
    case 4: return __atomic_load_n((uint32_t *)(void *)f->addr, __ATOMIC_SEQ_CST);
    default: return __atomic_load_n((uint64_t *)(void *)f->addr, __ATOMIC_SEQ_CST);
  }
}

static inline void wshm_astore (const wshm_fieldref *f, uint64_t v) {
  switch (f->size) {
    case 1: __atomic_store_n((uint8_t *)f->addr, (uint8_t)v, __ATOMIC_SEQ_CST); break;
    case 2: __atomic_store_n((uint16_t *)(void *)f->addr, (uint16_t)v, __ATOMIC_SEQ_CST); break;
    case 4: __atomic_store_n((uint32_t *)(void *)f->addr, (uint32_t)v, __ATOMIC_SEQ_CST); break;
    default: __atomic_store_n((uint64_t *)(void *)f->addr, v, __ATOMIC_SEQ_CST); break;
  }
}

/* Sequentially consistent fetch-and-add of field f. */
uint64_t wshm_aadd (const wshm_fieldref *f, uint64_t d);

/* The bits of f's value, truncated to its width (for comparing). */
uint64_t wshm_abits (const wshm_fieldref *f, uint64_t v);

/* Push the bits of field f as a Lua integer, as a plain read gives it. */
void wshm_apush (lua_State *L, const wshm_fieldref *f, uint64_t bits);

/* Compare-and-swap of field f: store v if it holds expect; *old receives
** the value found.  1 when stored. */
int wshm_acas (const wshm_fieldref *f, uint64_t expect, uint64_t v,
               uint64_t *old);

/* shm.atomic_load, atomic_store, atomic_add, atomic_cas. */
void wshm_open_atomic (lua_State *L);

WSHM_HIDE_END

#endif
