/*
** delta.c -- the frame codec of recordings (docs/recordings.md): a frame
** stored as its change from the one before, and the CRC-32 that guards
** each stored frame.  Pure functions of Lua strings; no mapping is read.
**
**   encode(prev, cur) -> kind, payload   the smallest of the three kinds
**   frame(prev, cur, time) -> bytes, kind   the frame as the file stores it
**   undelta(prev, kind, payload, n) -> cur | nil, message
**   crc32(s [, crc]) -> integer          zlib's CRC-32, continued from crc
**
** Kinds: 0 full (the payload is the frame), 1 runs (changed byte ranges),
** 2 blocks (a bitmap of changed blocks of 2^k bytes, then their bytes).
*/
#include <stdint.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "delta.h"

enum { FULL = 0, RUNS = 1, BLOCKS = 2 };

#define HEAD     13  /* a stored frame's head: length, kind, time */

#define MAXLOG   6   /* blocks of 1 to 64 bytes */
#define MERGE    3   /* runs this close (unchanged bytes between) are one */

/* ------------------------------------------------------------- varints */

/* Bytes of x as an unsigned LEB128 varint. */
static size_t varlen (size_t x) {
  size_t n = 1;
  while (x >= 0x80) { x >>= 7; n++; }
  return n;
}

static unsigned char *putvar (unsigned char *p, size_t x) {
  while (x >= 0x80) { *p++ = (unsigned char)(x | 0x80); x >>= 7; }
  *p++ = (unsigned char)x;
  return p;
}

/* Read a varint from [*p, end) into *x; 0 when malformed or over max. */
static int getvar (const unsigned char **p, const unsigned char *end,
                   size_t max, size_t *x) {
  size_t v = 0;
  int shift = 0;
  while (*p < end && shift < 63) {
    unsigned char b = *(*p)++;
    v |= (size_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) { *x = v; return v <= max; }
    shift += 7;
  }
  return 0;
}

/* ----------------------------------------------------------- encoding */

/* What the delta of two frames costs in each kind. */
typedef struct costs {
  size_t runs;                   /* payload bytes of kind RUNS */
  size_t blocks[MAXLOG + 1];     /* of kind BLOCKS, by log2 block size */
} costs;

/*
** Walk the changed bytes of a and b (n each).  Counts the costs when out
** is NULL; else writes the RUNS payload at out.  A run starts at a
** changed byte and ends before MERGE unchanged ones.
*/
static void walk (const unsigned char *a, const unsigned char *b, size_t n,
                  costs *c, unsigned char *out) {
  size_t i = 0, start = 0, end = 0, prevend = 0, last[MAXLOG + 1];
  int inrun = 0, k;
  for (k = 0; k <= MAXLOG; k++) last[k] = (size_t)-1;
  for (;;) {
    /* skip equal bytes, eight at a time */
    while (i + 8 <= n && memcmp(a + i, b + i, 8) == 0) i += 8;
    while (i < n && a[i] == b[i]) i++;
    if (i >= n || !inrun || i - end >= MERGE) {  /* close the run */
      if (inrun) {
        size_t len = end - start;
        if (out != NULL) {
          out = putvar(out, start - prevend);
          out = putvar(out, len);
          memcpy(out, b + start, len);
          out += len;
        }
        else c->runs += varlen(start - prevend) + varlen(len) + len;
        prevend = end;
      }
      if (i >= n) return;
      inrun = 1;
      start = i;
    }
    end = i + 1;
    if (out == NULL)
      for (k = 0; k <= MAXLOG; k++) {
        size_t blk = i >> k;
        if (blk != last[k]) {
          size_t bs = (size_t)1 << k, at = blk << k;
          last[k] = blk;
          c->blocks[k] += n - at < bs ? n - at : bs;
        }
      }
    i++;
  }
}

/* Write the BLOCKS payload (blocks of 2^k bytes) at out. */
static void putblocks (const unsigned char *a, const unsigned char *b,
                       size_t n, int k, unsigned char *out) {
  size_t bs = (size_t)1 << k, nb = (n + bs - 1) >> k, i;
  unsigned char *map = out + 1, *data = map + (nb + 7) / 8;
  out[0] = (unsigned char)k;
  memset(map, 0, (nb + 7) / 8);
  for (i = 0; i < nb; i++) {
    size_t at = i << k, len = n - at < bs ? n - at : bs;
    if (memcmp(a + at, b + at, len) != 0) {
      map[i / 8] |= (unsigned char)(1u << (i % 8));
      memcpy(data, b + at, len);
      data += len;
    }
  }
}

/* The smallest kind for the change from a (NULL: none) to b, n bytes
** each: its kind, its payload's size, and for BLOCKS the block size. */
static size_t plan (const unsigned char *a, const unsigned char *b, size_t n,
                    int *kind, int *bestk) {
  size_t best = n;
  costs c;
  int k;
  *kind = FULL;
  *bestk = 0;
  if (a == NULL) return best;
  memset(&c, 0, sizeof(c));
  walk(a, b, n, &c, NULL);
  if (c.runs < best) { best = c.runs; *kind = RUNS; }
  for (k = 0; k <= MAXLOG; k++) {
    size_t nb = (n + ((size_t)1 << k) - 1) >> k;
    size_t cost = 1 + (nb + 7) / 8 + c.blocks[k];
    if (cost < best) { best = cost; *kind = BLOCKS; *bestk = k; }
  }
  return best;
}

/* Write the payload plan chose at out. */
static void emit (const unsigned char *a, const unsigned char *b, size_t n,
                  int kind, int k, unsigned char *out) {
  if (kind == FULL) memcpy(out, b, n);
  else if (kind == RUNS) walk(a, b, n, NULL, out);
  else putblocks(a, b, n, k, out);
}

/* prev (or nil) and cur, strings of one size; cur at 2, prev at 1. */
static const unsigned char *frames (lua_State *L, const unsigned char **b,
                                    size_t *n) {
  size_t na;
  const char *a = luaL_optlstring(L, 1, NULL, &na);
  *b = (const unsigned char *)luaL_checklstring(L, 2, n);
  return a != NULL && na == *n ? (const unsigned char *)a : NULL;
}

static int l_encode (lua_State *L) {
  size_t n, size;
  const unsigned char *b, *a = frames(L, &b, &n);
  int kind, k;
  luaL_Buffer buf;
  size = plan(a, b, n, &kind, &k);
  lua_pushinteger(L, kind);
  emit(a, b, n, kind, k, (unsigned char *)luaL_buffinitsize(L, &buf, size > 0 ? size : 1));
  luaL_pushresultsize(&buf, size);
  return 2;
}

static void put32 (unsigned char *p, uint32_t v) {
  int i;
  for (i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t crc32 (uint32_t crc, const unsigned char *s, size_t n);

/*
** frame(prev, cur, time) -> bytes, kind: the whole stored frame (see
** docs/recordings.md): u32 payload length, u8 kind, f64 time, the
** payload, u32 CRC-32 of all before it.  prev nil: a full frame.
*/
static int l_frame (lua_State *L) {
  size_t n, size;
  const unsigned char *b, *a = frames(L, &b, &n);
  double t = (double)luaL_checknumber(L, 3);
  uint64_t bits;
  int kind, k, i;
  luaL_Buffer buf;
  unsigned char *out;
  size = plan(a, b, n, &kind, &k);
  luaL_argcheck(L, size <= 0xffffffffu, 2, "frame too large");
  out = (unsigned char *)luaL_buffinitsize(L, &buf, HEAD + size + 4);
  put32(out, (uint32_t)size);
  out[4] = (unsigned char)kind;
  memcpy(&bits, &t, 8);
  for (i = 0; i < 8; i++) out[5 + i] = (unsigned char)(bits >> (8 * i));
  emit(a, b, n, kind, k, out + HEAD);
  put32(out + HEAD + size, crc32(0, out, HEAD + size));
  luaL_pushresultsize(&buf, HEAD + size + 4);
  lua_pushinteger(L, kind);
  return 2;
}

/* ----------------------------------------------------------- decoding */

/* Apply a RUNS payload [p, end) to out (n bytes, the previous frame). */
static const char *unruns (const unsigned char *p, const unsigned char *end,
                           unsigned char *out, size_t n) {
  size_t at = 0;
  while (p < end) {
    size_t gap, len;
    if (!getvar(&p, end, n - at, &gap)) return "bad run offset";
    at += gap;
    if (!getvar(&p, end, n - at, &len) || len == 0) return "bad run length";
    if ((size_t)(end - p) < len) return "run past the end of the payload";
    memcpy(out + at, p, len);
    p += len;
    at += len;
  }
  return NULL;
}

/* Apply a BLOCKS payload [p, end) to out (n bytes). */
static const char *unblocks (const unsigned char *p, const unsigned char *end,
                             unsigned char *out, size_t n) {
  size_t bs, nb, mapsize, i;
  const unsigned char *map;
  int k;
  if (p >= end || *p > MAXLOG) return "bad block size";
  k = *p++;
  bs = (size_t)1 << k;
  nb = (n + bs - 1) >> k;
  mapsize = (nb + 7) / 8;
  if ((size_t)(end - p) < mapsize) return "block map past the end of the payload";
  map = p;
  p += mapsize;
  for (i = 0; i < nb; i++)
    if (map[i / 8] & (1u << (i % 8))) {
      size_t at = i << k, len = n - at < bs ? n - at : bs;
      if ((size_t)(end - p) < len) return "block past the end of the payload";
      memcpy(out + at, p, len);
      p += len;
    }
  return p == end ? NULL : "bytes after the last block";
}

static int l_decode (lua_State *L) {
  size_t na, np;
  const char *a = luaL_optlstring(L, 1, NULL, &na);
  lua_Integer kind = luaL_checkinteger(L, 2);
  const char *pl = luaL_checklstring(L, 3, &np);
  lua_Integer n = luaL_checkinteger(L, 4);
  const unsigned char *p = (const unsigned char *)pl;
  const char *err = NULL;
  luaL_Buffer buf;
  unsigned char *out;
  luaL_argcheck(L, n >= 0, 4, "frame size must not be negative");
  if (kind == FULL) {
    if (np != (size_t)n) err = "full frame of the wrong size";
    else { lua_pushvalue(L, 3); return 1; }
  }
  else if (kind != RUNS && kind != BLOCKS) err = "unknown frame kind";
  else if (a == NULL) err = "a change with no frame before it";
  else if (na != (size_t)n) err = "the frame before has the wrong size";
  if (err == NULL) {
    out = (unsigned char *)luaL_buffinitsize(L, &buf, na > 0 ? na : 1);
    memcpy(out, a, na);
    err = kind == RUNS ? unruns(p, p + np, out, na)
                       : unblocks(p, p + np, out, na);
    if (err == NULL) {
      luaL_pushresultsize(&buf, na);
      return 1;
    }
  }
  luaL_pushfail(L);
  lua_pushstring(L, err);
  return 2;
}

/* -------------------------------------------------------------- CRC-32 */

/* The reflected polynomial 0xEDB88320, four bits at a time. */
static const uint32_t crctab[16] = {
  0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u,
  0x6b6b51f4u, 0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u,
  0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u,
  0xbdbdf21cu
};

/* The CRC-32 of s[0..n), continuing 'crc' (0 to start). */
static uint32_t crc32 (uint32_t crc, const unsigned char *s, size_t n) {
  uint32_t c = ~crc;
  size_t i;
  for (i = 0; i < n; i++) {
    c ^= s[i];
    c = (c >> 4) ^ crctab[c & 15];
    c = (c >> 4) ^ crctab[c & 15];
  }
  return ~c;
}

static int l_crc32 (lua_State *L) {
  size_t n;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
  uint32_t c = (uint32_t)luaL_optinteger(L, 2, 0);
  lua_pushinteger(L, (lua_Integer)crc32(c, s, n));
  return 1;
}

static const luaL_Reg funcs[] = {
  {"encode", l_encode},
  {"frame", l_frame},
  {"undelta", l_decode},
  {"crc32", l_crc32},
  {NULL, NULL}
};

void wshm_open_delta (lua_State *L) {
  luaL_newlib(L, funcs);
}
