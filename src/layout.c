/*
** layout.c -- shm.struct / shm.union: a layout declared in Lua compiled
** once into a C descriptor (layout.h), with the C compiler's rules; and
** the introspection functions alignof, offsetof, fields and tostring.
*/
#include <string.h>

#include "layout.h"
#include "lauxlib.h"
#include "support.h"

/* ------------------------------------------------------ scalar types */

#define SZ_LONG   (-1)  /* 4 bytes under the Windows ABI, 8 under SysV */
#define SZ_WCHAR  (-2)  /* 2 bytes (UTF-16) under Windows, 4 (UTF-32) */

typedef struct tinfo {
  const char *name;   /* as written in a spec */
  const char *cname;  /* as C spells it in tostring and shm.fields */
  int kind;
  int size;           /* bytes, or SZ_LONG / SZ_WCHAR */
} tinfo;

static const tinfo types[] = {
  {"int8_t", "int8_t", WK_INT, 1}, {"i8", "int8_t", WK_INT, 1},
  {"signed char", "int8_t", WK_INT, 1},
  {"int16_t", "int16_t", WK_INT, 2}, {"i16", "int16_t", WK_INT, 2},
  {"short", "int16_t", WK_INT, 2}, {"short int", "int16_t", WK_INT, 2},
  {"signed short", "int16_t", WK_INT, 2},
  {"int32_t", "int32_t", WK_INT, 4}, {"i32", "int32_t", WK_INT, 4},
  {"int", "int32_t", WK_INT, 4}, {"signed", "int32_t", WK_INT, 4},
  {"signed int", "int32_t", WK_INT, 4},
  {"int64_t", "int64_t", WK_INT, 8}, {"i64", "int64_t", WK_INT, 8},
  {"long long", "int64_t", WK_INT, 8},
  {"long long int", "int64_t", WK_INT, 8},
  {"signed long long", "int64_t", WK_INT, 8},
  {"uint8_t", "uint8_t", WK_UINT, 1}, {"u8", "uint8_t", WK_UINT, 1},
  {"unsigned char", "uint8_t", WK_UINT, 1},
  {"uint16_t", "uint16_t", WK_UINT, 2}, {"u16", "uint16_t", WK_UINT, 2},
  {"unsigned short", "uint16_t", WK_UINT, 2},
  {"unsigned short int", "uint16_t", WK_UINT, 2},
  {"uint32_t", "uint32_t", WK_UINT, 4}, {"u32", "uint32_t", WK_UINT, 4},
  {"unsigned int", "uint32_t", WK_UINT, 4},
  {"unsigned", "uint32_t", WK_UINT, 4},
  {"uint64_t", "uint64_t", WK_UINT, 8}, {"u64", "uint64_t", WK_UINT, 8},
  {"unsigned long long", "uint64_t", WK_UINT, 8},
  {"unsigned long long int", "uint64_t", WK_UINT, 8},
  {"long", "long", WK_INT, SZ_LONG}, {"long int", "long", WK_INT, SZ_LONG},
  {"signed long", "long", WK_INT, SZ_LONG},
  {"unsigned long", "unsigned long", WK_UINT, SZ_LONG},
  {"unsigned long int", "unsigned long", WK_UINT, SZ_LONG},
  {"float", "float", WK_FLOAT, 4}, {"f32", "float", WK_FLOAT, 4},
  {"double", "double", WK_DOUBLE, 8}, {"f64", "double", WK_DOUBLE, 8},
  {"bool", "bool", WK_BOOL, 1}, {"_Bool", "bool", WK_BOOL, 1},
  {"char", "char", WK_CHAR, 1},
  {"char16_t", "char16_t", WK_CHAR16, 2},
  {"char32_t", "char32_t", WK_CHAR32, 4},
  {"wchar_t", "wchar_t", WK_CHAR16, SZ_WCHAR},
  {NULL, NULL, 0, 0}
};

/* The entry for type name s, with its size resolved for the ABI. */
static int findtype (const char *s, int windows, tinfo *t) {
  int i;
  for (i = 0; types[i].name != NULL; i++) {
    if (strcmp(types[i].name, s) == 0) {
      *t = types[i];
      if (t->size == SZ_LONG)
        t->size = windows ? 4 : 8;
      else if (t->size == SZ_WCHAR) {
        t->size = windows ? 2 : 4;
        t->kind = windows ? WK_CHAR16 : WK_CHAR32;
      }
      return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------ access */

const wshm_layout *wshm_tolayout (lua_State *L, int idx) {
  return (const wshm_layout *)luaL_testudata(L, idx, WSHM_LAYOUT);
}

const wshm_layout *wshm_checklayout (lua_State *L, int idx) {
  return (const wshm_layout *)luaL_checkudata(L, idx, WSHM_LAYOUT);
}

void wshm_pushnested (lua_State *L, int lidx, const wshm_field *f) {
  lua_getiuservalue(L, lidx, LUV_NESTED);
  lua_rawgeti(L, -1, f->sub);
  lua_remove(L, -2);
}

lua_Integer wshm_layoutsize (lua_State *L, int idx) {
  const wshm_layout *lay = wshm_tolayout(L, idx);
  return lay == NULL ? -1 : (lua_Integer)lay->size;
}

const char *wshm_layoutlabel (lua_State *L, const wshm_layout *lay) {
  if (lay->name != NULL)
    return lua_pushfstring(L, "layout '%s'", lay->name);
  return lua_pushstring(L, lay->isunion ? "anonymous union"
                                        : "anonymous struct");
}

/* ------------------------------------------------------- compiling */

/* State of one compilation: the spec at 1, the layout userdata at 'ud'. */
typedef struct compiler {
  lua_State *L;
  wshm_layout *lay;
  const char *label;     /* how messages name the layout */
  int ud;                /* stack index of the layout userdata */
  int fields;            /* stack index of its field table */
  int nested;            /* stack index of its nested-layout table */
  uint64_t pack;         /* 0: none */
} compiler;

static int ispow2 (lua_Integer n) {
  return n > 0 && (n & (n - 1)) == 0;
}

static uint64_t roundup (uint64_t n, uint64_t a) {
  return (n + (a - 1)) & ~(a - 1);
}

/* Raise an error about field i (its name when known). */
static int fielderror (compiler *c, int i, const char *fmt, const char *v) {
  const wshm_field *f = &c->lay->f[i - 1];
  if (f->name != NULL)
    return luaL_error(c->L, "field '%s' of %s: %s%s", f->name, c->label,
                      fmt, v);
  return luaL_error(c->L, "field #%d of %s: %s%s", i, c->label, fmt, v);
}

/* The string form of the value at idx for a message. */
static const char *showvalue (lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING)
    return lua_pushfstring(L, "'%s'", lua_tostring(L, idx));
  return luaL_tolstring(L, idx, NULL);
}

/* Read an integer >= lo at idx of the table at t (nil: 'dflt'). */
static lua_Integer optint (compiler *c, int t, const char *key,
                           lua_Integer lo, lua_Integer dflt,
                           const char *what, int i) {
  lua_State *L = c->L;
  lua_Integer n = dflt;
  int isnum;
  if (lua_getfield(L, t, key) != LUA_TNIL) {
    n = lua_tointegerx(L, -1, &isnum);
    if (lua_type(L, -1) != LUA_TNUMBER || !isnum || n < lo) {
      const char *v = showvalue(L, -1);
      if (i > 0)
        fielderror(c, i, lua_pushfstring(L, "%s must be %s, got ", key, what),
                   v);
      luaL_error(L, "%s of %s must be %s, got %s", key, c->label, what, v);
    }
  }
  lua_pop(L, 1);
  return n;
}

/* Fill the dimensions of field i from its count (at the stack top). */
static void getdims (compiler *c, int i, wshm_field *f) {
  lua_State *L = c->L;
  int isnum, t = lua_gettop(L);
  lua_Integer d;
  if (lua_isnil(L, t)) return;
  if (lua_istable(L, t)) {
    int k, n = (int)lua_rawlen(L, t);
    if (n < 1 || n > WSHM_MAXDIMS)
      fielderror(c, i, "dimensions must be a list of 1 to 8 counts", "");
    for (k = 1; k <= n; k++) {
      lua_rawgeti(L, t, k);
      d = lua_tointegerx(L, -1, &isnum);
      if (lua_type(L, -1) != LUA_TNUMBER || !isnum || d < 1)
        fielderror(c, i, "count must be an integer >= 1, got ",
                   showvalue(L, -1));
      f->dims[f->ndims++] = (size_t)d;
      lua_pop(L, 1);
    }
    return;
  }
  d = lua_tointegerx(L, t, &isnum);
  if (lua_type(L, t) != LUA_TNUMBER || !isnum || d < 1)
    fielderror(c, i, "count must be an integer >= 1, got ", showvalue(L, t));
  f->dims[f->ndims++] = (size_t)d;
}

/* Set the element type of field i from the type at the stack top. */
static void gettype (compiler *c, int i, wshm_field *f) {
  lua_State *L = c->L;
  const wshm_layout *sub = wshm_tolayout(L, -1);
  tinfo t;
  if (sub != NULL) {
    if (sub->depth >= WSHM_MAXDEPTH)
      fielderror(c, i, lua_pushfstring(L, "layouts nest at most %d deep",
                                       WSHM_MAXDEPTH), "");
    if (sub->depth >= c->lay->depth)
      c->lay->depth = sub->depth + 1;
    f->kind = WK_STRUCT;
    f->lay = sub;
    f->esize = sub->size;
    f->align = sub->align;
    f->tname = sub->name != NULL ? sub->name
             : sub->isunion ? "union" : "struct";
    f->sub = (int)lua_rawlen(L, c->nested) + 1;
    lua_pushvalue(L, -1);
    lua_rawseti(L, c->nested, f->sub);
  }
  else if (lua_type(L, -1) == LUA_TSTRING
           && findtype(lua_tostring(L, -1), c->lay->windows, &t)) {
    f->kind = t.kind;
    f->tname = t.cname;
    f->esize = f->align = (size_t)t.size;
  }
  else if (lua_type(L, -1) == LUA_TSTRING)
    fielderror(c, i, "unknown type ", showvalue(L, -1));
  else
    fielderror(c, i, "type must be a type name or a layout, got ",
               luaL_typename(L, -1));
}

static int codeof (int kind, size_t size) {
  int lg = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  switch (kind) {
    case WK_INT: return WC_I8 + lg;
    case WK_UINT: return WC_U8 + lg;
    case WK_FLOAT: return WC_F32;
    case WK_DOUBLE: return WC_F64;
    case WK_BOOL: return WC_BOOL;
    case WK_STRUCT: return WC_STRUCT;
    default: return WC_TEXT;
  }
}

/* Sizes, strides and levels of f from its dims; raises on overflow. */
static void measure (compiler *c, int i, wshm_field *f) {
  uint64_t sz = f->esize;
  int k;
  for (k = f->ndims - 1; k >= 0; k--) {
    f->stride[k] = (size_t)sz;
    if (f->dims[k] > WSHM_MAXSIZE / (sz ? sz : 1))
      fielderror(c, i, "the array is too large", "");
    sz *= f->dims[k];
  }
  f->size = (size_t)sz;
  f->code = codeof(f->kind, f->esize);
  f->lo = LUA_MININTEGER;
  f->hi = LUA_MAXINTEGER;
  if (f->kind == WK_INT || f->kind == WK_UINT)
    wshm_intrange(f->esize, f->kind == WK_INT, &f->lo, &f->hi);
  f->nlevels = f->ndims;
  if (wshm_istext(f->kind) && f->ndims > 0)
    f->nlevels--;  /* the last dimension is the string's length */
}

static const char *const fieldkeys[] = {"offset", "text", NULL};

/* Entry key text = true: a 1-byte integer field that reads and writes as
** text, as char does (names that a header declares as uint8_t arrays). */
#define istextflag(f) ((f)->kind == WK_CHAR && strcmp((f)->tname, "char") != 0)

static void gettextflag (compiler *c, int i, wshm_field *f, int e) {
  lua_State *L = c->L;
  int t = lua_getfield(L, e, "text");
  if (t != LUA_TNIL && t != LUA_TBOOLEAN)
    fielderror(c, i, "text must be a boolean, got ", luaL_typename(L, -1));
  if (lua_toboolean(L, -1)) {
    if ((f->kind != WK_INT && f->kind != WK_UINT) || f->esize != 1)
      fielderror(c, i, "text = true needs a 1-byte integer type, got ",
                 f->tname);
    f->kind = WK_CHAR;
  }
  lua_pop(L, 1);
}

/* Parse entry i of the spec (at the stack top) into f; its offset is
** returned through *off (-1 when not given). */
static void getfield (compiler *c, int i, wshm_field *f, lua_Integer *off) {
  lua_State *L = c->L;
  int e = lua_gettop(L);
  size_t len;
  f->index = i;
  if (!lua_istable(L, e))
    fielderror(c, i, "entry must be a table { name, type [, count] }", "");
  if (lua_rawgeti(L, e, 1) != LUA_TSTRING)
    fielderror(c, i, "name must be a string, got ", luaL_typename(L, -1));
  f->name = lua_tolstring(L, -1, &len);
  f->key = lua_topointer(L, -1);
  if (len == 0 || strlen(f->name) != len || strchr(f->name, '.') != NULL) {
    f->name = NULL;  /* not for messages */
    fielderror(c, i, "a name must be non-empty and contain no '.' and no "
               "NUL byte", "");
  }
  lua_pushvalue(L, -1);
  if (lua_rawget(L, c->fields) != LUA_TNIL)
    fielderror(c, i, "duplicate field name", "");
  lua_pop(L, 1);
  lua_pushvalue(L, -1);
  lua_rawseti(L, c->fields, i);
  lua_pushlightuserdata(L, f);
  lua_rawset(L, c->fields);   /* t[name] = f; the name stays anchored */
  wshm_checkkeys(L, e, fieldkeys,
                 lua_pushfstring(L, "field '%s' of %s", f->name, c->label), 1);
  if (lua_rawlen(L, e) > 3)
    fielderror(c, i, "too many entries: { name, type [, count] }", "");
  lua_rawgeti(L, e, 2);
  gettype(c, i, f);
  gettextflag(c, i, f, e);
  lua_rawgeti(L, e, 3);
  getdims(c, i, f);
  measure(c, i, f);
  *off = optint(c, e, "offset", 0, -1, "an integer >= 0", i);
  lua_settop(L, e - 1);
}

/* Place field f at the running offset *cur (or at 'off' when given). */
static void place (compiler *c, int i, wshm_field *f, lua_Integer off,
                   uint64_t *cur, uint64_t *end) {
  uint64_t a = f->align;
  if (c->pack != 0 && a > c->pack) a = c->pack;
  if (off >= 0) {
    if ((uint64_t)off % a != 0) a = 1;  /* placed unaligned: packed */
    *cur = (uint64_t)off;
  }
  else if (c->lay->isunion)
    *cur = 0;
  else
    *cur = roundup(*cur, a);
  f->align = (size_t)a;
  f->offset = (size_t)*cur;
  if (f->size > WSHM_MAXSIZE - *cur)
    fielderror(c, i, "the layout is too large", "");
  *cur += f->size;
  if (*cur > *end) *end = *cur;
  if (a > c->lay->align) c->lay->align = (size_t)a;
}

/* The ABIs by name: lay->windows is 0 (sysv), 1 (windows) or 2 (win32,
** whose scalars lay out as windows'); ABI_NATIVE keeps the default. */
#define ABI_NATIVE 3
static const char *const abinames[] = {"sysv", "windows", "win32", "native",
                                       NULL};

static int findabi (const char *s) {
  int i;
  for (i = 0; abinames[i] != NULL; i++)
    if (strcmp(abinames[i], s) == 0) return i;
  return -1;
}

static const char *const speckeys[] = {"name", "pack", "align", "size",
                                       "abi", NULL};

/* Spec keys other than the fields: name, abi, pack. */
static void getoptions (compiler *c, int isunion) {
  lua_State *L = c->L;
  wshm_layout *lay = c->lay;
  int t = lua_getfield(L, 1, "name");
  lay->isunion = isunion;
  lay->name = NULL;
  if (t == LUA_TSTRING) {
    lay->name = lua_tostring(L, -1);
    lua_setiuservalue(L, c->ud, LUV_NAME);
  }
  else if (t != LUA_TNIL)
    luaL_error(L, "name of a layout must be a string, got %s",
               luaL_typename(L, -1));
  else lua_pop(L, 1);
  c->label = wshm_layoutlabel(L, lay);  /* anchored at c->nested + 1 */
  wshm_checkkeys(L, 1, speckeys, lua_pushfstring(L, "spec of %s", c->label), 1);
  lua_pop(L, 1);
  t = lua_getfield(L, 1, "abi");
  lay->windows = sizeof(long) == 4;  /* "native" */
  if (t != LUA_TNIL) {
    const char *abi = lua_tostring(L, -1);
    int w = t == LUA_TSTRING ? findabi(abi) : -1;
    if (w < 0)
      luaL_error(L, "abi of %s must be 'native', 'windows', 'win32' or "
                 "'sysv', got %s", c->label, showvalue(L, -1));
    if (w != ABI_NATIVE) lay->windows = w;
  }
  lua_pop(L, 1);
  c->pack = (uint64_t)optint(c, 1, "pack", 1, 0, "1, 2, 4, 8 or 16", 0);
  if (c->pack != 0 && (c->pack > 16 || !ispow2((lua_Integer)c->pack)))
    luaL_error(L, "pack of %s must be 1, 2, 4, 8 or 16, got %I", c->label,
               (lua_Integer)c->pack);
}

/* Alignment and size of the whole, from the spec keys align and size. */
static void finish (compiler *c, uint64_t end) {
  lua_State *L = c->L;
  wshm_layout *lay = c->lay;
  lua_Integer a = optint(c, 1, "align", 1, 1, "a power of two", 0);
  lua_Integer sz;
  if (!ispow2(a) || a > 4096)
    luaL_error(L, "align of %s must be a power of two up to 4096, got %I",
               c->label, a);
  if ((uint64_t)a > lay->align) lay->align = (size_t)a;
  if (end > WSHM_MAXSIZE - lay->align)
    luaL_error(L, "%s is too large", c->label);
  end = roundup(end, lay->align);
  sz = optint(c, 1, "size", 1, (lua_Integer)end, "an integer >= 1", 0);
  if ((uint64_t)sz < end)
    luaL_error(L, "size of %s (%I) is smaller than its fields need (%I)",
               c->label, sz, (lua_Integer)end);
  if ((uint64_t)sz % lay->align != 0)  /* C has no such struct */
    luaL_error(L, "size of %s (%I) is not a multiple of its alignment (%I)",
               c->label, sz, (lua_Integer)lay->align);
  lay->size = (size_t)sz;
}

/* Build the layout from the spec at 1; leaves it on the stack. */
static int newlayout (lua_State *L, int isunion) {
  compiler c;
  lua_Integer n;
  size_t bytes;
  uint64_t cur = 0, end = 0;
  int i;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  n = (lua_Integer)lua_rawlen(L, 1);
  if (n > WSHM_MAXFIELDS)
    luaL_error(L, "a layout may have at most %d fields, got %I",
               WSHM_MAXFIELDS, n);
  c.L = L;
  bytes = sizeof(wshm_layout)
          + (size_t)(n > 0 ? n - 1 : 0) * sizeof(wshm_field);
  c.lay = (wshm_layout *)lua_newuserdatauv(L, bytes, LUV_COUNT);
  memset(c.lay, 0, bytes);
  luaL_setmetatable(L, WSHM_LAYOUT);
  c.ud = lua_gettop(L);
  lua_createtable(L, (int)n, (int)n);
  c.fields = lua_gettop(L);
  lua_pushvalue(L, c.fields);
  lua_setiuservalue(L, c.ud, LUV_FIELDS);
  lua_newtable(L);
  c.nested = lua_gettop(L);
  getoptions(&c, isunion);
  lua_settop(L, c.nested + 1);  /* the label getoptions pushed stays */
  if (n == 0)
    luaL_error(L, "%s has no fields", c.label);
  c.lay->align = 1;
  c.lay->depth = 1;
  for (i = 1; i <= n; i++) {
    wshm_field *f = &c.lay->f[i - 1];
    lua_Integer off;
    lua_rawgeti(L, 1, i);
    getfield(&c, i, f, &off);
    place(&c, i, f, off, &cur, &end);
    if (f->kind == WK_STRUCT || f->nlevels > 0)
      f->composite = ++c.lay->ncomposite;
  }
  c.lay->nfields = (int)n;
  c.lay->pack = (int)c.pack;
  finish(&c, end);
  if (lua_rawlen(L, c.nested) > 0) {
    lua_pushvalue(L, c.nested);
    lua_setiuservalue(L, c.ud, LUV_NESTED);
  }
  lua_settop(L, c.ud);
  return 1;
}

static int l_struct (lua_State *L) {
  return newlayout(L, 0);
}

static int l_union (lua_State *L) {
  return newlayout(L, 1);
}

/* ---------------------------------------------------- introspection */

static int l_alignof (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)wshm_checklayout(L, 1)->align);
  return 1;
}

const wshm_field *wshm_lookup (const wshm_layout *lay, const char *s,
                               size_t len) {
  int i;
  if (memchr(s, '\0', len) != NULL)  /* no field name holds one */
    return NULL;
  for (i = 0; i < lay->nfields; i++)
    if (strncmp(lay->f[i].name, s, len) == 0 && lay->f[i].name[len] == '\0')
      return &lay->f[i];
  return NULL;
}

/* Read "[n]" at *s (before end) into *n; 0 if it is not that. */
static int getindex (const char **s, const char *end, lua_Integer *n) {
  const char *p = *s + 1;
  lua_Integer v = 0;
  if (p >= end || *p < '0' || *p > '9') return 0;
  for (; p < end && *p >= '0' && *p <= '9'; p++) {
    if (v > (LUA_MAXINTEGER - 9) / 10) return 0;
    v = v * 10 + (*p - '0');
  }
  if (p >= end || *p != ']') return 0;
  *s = p + 1;
  *n = v;
  return 1;
}

const wshm_field *wshm_walkpath (lua_State *L, const wshm_layout *lay,
                                 int pidx, size_t *offset, int *levels) {
  const wshm_layout *root = lay;
  size_t plen;
  const char *path = luaL_checklstring(L, pidx, &plen), *s = path;
  const char *end = path + plen;
  for (;;) {
    const char *e = s;
    const wshm_field *f;
    int k = 0;
    while (e < end && *e != '.' && *e != '[') e++;
    if ((f = wshm_lookup(lay, s, (size_t)(e - s))) == NULL)
      luaL_error(L, "no field '%s' in %s", path, wshm_layoutlabel(L, root));
    *offset += f->offset;
    for (s = e; s < end && *s == '['; k++) {
      lua_Integer n = 0;
      if (!getindex(&s, end, &n))
        luaL_error(L, "bad index in '%s': write [n] with n from 1", path);
      if (k >= f->nlevels)
        luaL_error(L, "field '%s' of %s has %d dimension(s): cannot index "
                   "'%s'", f->name, wshm_layoutlabel(L, lay), f->nlevels, path);
      if (n < 1 || (lua_Unsigned)n > f->dims[k])
        luaL_error(L, "index %I out of range 1..%I in '%s'", n,
                   (lua_Integer)f->dims[k], path);
      *offset += (size_t)(n - 1) * f->stride[k];
    }
    if (s == end) {
      *levels = k;
      return f;
    }
    if (*s != '.' || f->kind != WK_STRUCT || k != f->nlevels)
      luaL_error(L, "field '%s' of %s is not a struct: cannot resolve '%s'",
                 f->name, wshm_layoutlabel(L, lay), path);
    lay = f->lay;
    s++;
  }
}

static int l_offsetof (lua_State *L) {
  size_t off = 0;
  int levels;
  wshm_walkpath(L, wshm_checklayout(L, 1), 2, &off, &levels);
  lua_pushinteger(L, (lua_Integer)off);
  return 1;
}

/*
** shm.fields: one table per field in declaration order, with name, type
** (the C type name, or a nested layout's name / "struct" / "union"),
** offset and size in bytes, count (the total number of elements: 1 for a
** single value, the product of the dimensions for an array, characters
** included for text), dims (the declared dimensions, arrays only) and
** layout (the nested layout, struct fields only).
*/
static int l_fields (lua_State *L) {
  const wshm_layout *lay = wshm_checklayout(L, 1);
  int i, k;
  lua_createtable(L, lay->nfields, 0);
  for (i = 0; i < lay->nfields; i++) {
    const wshm_field *f = &lay->f[i];
    size_t count = 1;
    lua_createtable(L, 0, 7);
    lua_pushstring(L, f->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, f->tname);
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)f->offset);
    lua_setfield(L, -2, "offset");
    lua_pushinteger(L, (lua_Integer)f->size);
    lua_setfield(L, -2, "size");
    if (f->ndims > 0) {
      lua_createtable(L, f->ndims, 0);
      for (k = 0; k < f->ndims; k++) {
        count *= f->dims[k];
        lua_pushinteger(L, (lua_Integer)f->dims[k]);
        lua_rawseti(L, -2, k + 1);
      }
      lua_setfield(L, -2, "dims");
    }
    lua_pushinteger(L, (lua_Integer)count);
    lua_setfield(L, -2, "count");
    if (istextflag(f)) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "text");
    }
    if (f->kind == WK_STRUCT) {
      lua_getiuservalue(L, 1, LUV_NESTED);
      lua_rawgeti(L, -1, f->sub);
      lua_setfield(L, -3, "layout");
      lua_pop(L, 1);
    }
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* Longest declaration text tostring makes: anonymous layouts are written
** inline wherever they are used, so one used in many places repeats. */
#define MAXTEXT  ((size_t)64 << 20)

static void addindent (luaL_Buffer *b, int depth) {
  int i;
  if (luaL_bufflen(b) > MAXTEXT)
    luaL_error(b->L, "the declaration text of this layout is longer than "
               "%d MB (anonymous nested layouts are repeated inline: name "
               "them)", (int)(MAXTEXT >> 20));
  for (i = 0; i < depth; i++) luaL_addstring(b, "  ");
}

/* The body of lay's declaration "{ ... }" at nesting depth 'depth';
** anonymous nested layouts are declared inline, as C writes them. */
static void addbody (luaL_Buffer *b, const wshm_layout *lay, int depth) {
  lua_State *L = b->L;
  int i, k;
  lua_pushfstring(L, "{  /* size %I, align %I", (lua_Integer)lay->size,
                  (lua_Integer)lay->align);
  luaL_addvalue(b);
  if (lay->pack != 0) {
    lua_pushfstring(L, ", pack %d", lay->pack);
    luaL_addvalue(b);
  }
  if (depth == 0) {
    lua_pushfstring(L, ", abi %s", abinames[lay->windows]);
    luaL_addvalue(b);
  }
  luaL_addstring(b, " */\n");
  for (i = 0; i < lay->nfields; i++) {
    const wshm_field *f = &lay->f[i];
    addindent(b, depth + 1);
    if (f->kind != WK_STRUCT)
      luaL_addstring(b, f->tname);
    else {
      luaL_addstring(b, f->lay->isunion ? "union " : "struct ");
      if (f->lay->name != NULL)
        luaL_addstring(b, f->lay->name);
      else
        addbody(b, f->lay, depth + 1);
    }
    luaL_addchar(b, ' ');
    luaL_addstring(b, f->name);
    for (k = 0; k < f->ndims; k++) {
      lua_pushfstring(L, "[%I]", (lua_Integer)f->dims[k]);
      luaL_addvalue(b);
    }
    lua_pushfstring(L, ";  /* offset %I%s */\n", (lua_Integer)f->offset,
                    istextflag(f) ? ", text" : "");
    luaL_addvalue(b);
  }
  addindent(b, depth);
  luaL_addchar(b, '}');
}

/* tostring: the C declaration, each field's offset in a comment. */
static int layout_tostring (lua_State *L) {
  const wshm_layout *lay = wshm_checklayout(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, lay->isunion ? "union " : "struct ");
  if (lay->name != NULL) {
    luaL_addstring(&b, lay->name);
    luaL_addchar(&b, ' ');
  }
  addbody(&b, lay, 0);
  luaL_addchar(&b, ';');
  luaL_pushresult(&b);
  return 1;
}

/*
** shm._scalars(abi): the scalar type names shm.struct takes, each with
** { size = bytes, kind = "int" | "uint" | "float" | "double" | "bool" |
** "char" | "char16" | "char32", type = the C spelling } for that ABI
** (alignment is the size in all of them); shm.cdef sizes scalars by it.
*/
static int l_scalars (lua_State *L) {
  static const char *const kinds[] = {"int", "uint", "float", "double",
    "bool", "char", "char16", "char32"};
  int i, w = findabi(luaL_optstring(L, 1, "native"));
  if (w < 0)
    return luaL_argerror(L, 1, "abi must be 'native', 'windows', 'win32' "
                         "or 'sysv'");
  if (w == ABI_NATIVE) w = sizeof(long) == 4;
  lua_newtable(L);
  for (i = 0; types[i].name != NULL; i++) {
    tinfo t;
    findtype(types[i].name, w, &t);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, t.size);
    lua_setfield(L, -2, "size");
    lua_pushstring(L, kinds[t.kind]);
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, t.cname);
    lua_setfield(L, -2, "type");
    lua_setfield(L, -2, types[i].name);
  }
  return 1;
}

static const luaL_Reg layout_meta[] = {
  {"__tostring", layout_tostring},
  {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"struct", l_struct},
  {"union", l_union},
  {"alignof", l_alignof},
  {"offsetof", l_offsetof},
  {"fields", l_fields},
  {"_scalars", l_scalars},
  {NULL, NULL}
};

void wshm_open_layout (lua_State *L) {
  wshm_newmeta(L, WSHM_LAYOUT, layout_meta, NULL);
  luaL_setfuncs(L, funcs, 0);
}
