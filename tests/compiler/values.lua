-- values.lua -- known values for every field of a gen.lua node, and a C
-- program that writes them into / checks them in a POSIX shared memory
-- object mapped as the same struct.
--
-- A leaf is one scalar element, or one string (the last dimension of a
-- character array, or a lone character):
--   { keys = { "f2", 2, 1, "g" } (Lua view path, 1-based),
--     c = "f2[1][0].g" (C member path), s = scalar info, n = string length }
local G = require "gen"
local V = {}

local function dims_of(count)
  if count == nil then return {} end
  if type(count) == "table" then return count end
  return { count }
end

-- Every leaf of node, in declaration order.
function V.leaves(node, out, keys, cpath)
  out, keys, cpath = out or {}, keys or {}, cpath or ""
  for _, f in ipairs(node.fields) do
    local dims = dims_of(f.count)
    local s = type(f.type) == "string" and G.scalar[f.type]
    local text = s and (s.kind == "char" or s.kind == "wchar")
    local base = {}
    for i, k in ipairs(keys) do base[i] = k end
    base[#base + 1] = f.name
    local n
    if text then
      -- the last dimension is the length of one string; a lone character
      -- is a string of one
      dims = { table.unpack(dims) }
      n = table.remove(dims) or 1
    end
    local function emit(ks, cp)
      if type(f.type) == "table" then
        V.leaves(f.type, out, ks, cp .. ".")
      else
        out[#out + 1] = { keys = ks, c = cp, s = s, n = n }
      end
    end
    -- every index tuple, row-major
    local function rec(d, ks, cp)
      if d > #dims then return emit(ks, cp) end
      for i = 1, dims[d] do
        local k2 = { table.unpack(ks) }
        k2[#k2 + 1] = i
        rec(d + 1, k2, cp .. "[" .. (i - 1) .. "]")
      end
    end
    rec(1, base, cpath .. f.name)
  end
  return out
end

-- ------------------------------------------------------------------ values
local function int_pool(bits, signed, k)
  if signed then
    local max = bits == 64 and math.maxinteger or (1 << (bits - 1)) - 1
    local min = -max - 1
    local pat = (k * 2654435761) % (max // 2 + 1) - max // 4
    return { min, max, 0, -1, 1, min + 1, max - 1, pat }
  end
  local max = bits == 64 and -1 or (1 << bits) - 1
  local top = 1 << (bits - 1)
  local pat = (k * 2654435761) & (bits == 64 and -1 or max)
  return { max, 0, 1, top, max - 1, top - 1, pat }
end

local FLOATS = { 0.5, -1.25, 0x1.fffffep+127, 0x1p-126, 0x1p-149, -16777216.0,
  math.huge, -math.huge, 0.0, 3.0e-3 }
local DOUBLES = { math.pi, -1e308, 1.7976931348623157e308, 0x1p-1074, 0.1,
  -math.huge, math.huge, 0.0, -2.5e-300 }
-- float(3.0e-3) is not 3.0e-3: replace by the float nearest to it
FLOATS[10] = string.unpack("f", string.pack("f", 3.0e-3))

local ASCII = { "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz" }
local WIDE = { { 0x41, 0xE9, 0x20AC, 0x1F600, 0x7A }, { 0x3A9, 0x62, 0x1F680, 0x4E2D, 0x21 } }

-- UTF-16 units of code point list cps.
local function utf16(cps)
  local u = {}
  for _, c in ipairs(cps) do
    if c >= 0x10000 then
      c = c - 0x10000
      u[#u + 1] = 0xD800 | (c >> 10)
      u[#u + 1] = 0xDC00 | (c & 0x3FF)
    else
      u[#u + 1] = c
    end
  end
  return u
end

-- Unit size of a wide character type under abi.
local function unit(s, abi) return G.scalar_size(s.name, abi) end

-- Value of leaf number k in mode (1: the C program writes it, 2: winshm
-- does).  Strings are { lua = UTF-8 string, units = {code units}, w = unit size }.
function V.value(leaf, k, mode, abi)
  local s = leaf.s
  local pick = function(pool) return pool[(k + 3 * mode) % #pool + 1] end
  if s.kind == "int" then
    return pick(int_pool(G.scalar_size(s.name, abi) * 8, s.signed, k))
  elseif s.kind == "float" then
    return pick(G.scalar_size(s.name, abi) == 4 and FLOATS or DOUBLES)
  elseif s.kind == "bool" then
    return (k + mode) % 2 == 0
  end
  local n = leaf.n
  local len = pick({ n, n - 1, n // 2, 1, 0, n })
  if s.kind == "char" then
    local a = ASCII[mode]
    local str = {}
    for i = 1, len do
      local j = (k + i) % #a + 1
      str[i] = a:sub(j, j)
    end
    str = table.concat(str)
    if len >= 4 and k % 3 == 0 then str = str:sub(1, len - 2) .. "\xc3\xa9" end
    local units = { str:byte(1, -1) }
    return { lua = str, units = units, w = 1 }
  end
  local w = unit(s, abi)
  local pool, cps, used = WIDE[mode], {}, 0
  while used < len do
    local c = pool[(k + #cps) % #pool + 1]
    local cu = (w == 2 and c >= 0x10000) and 2 or 1
    if used + cu > len then c, cu = 0x78, 1 end
    cps[#cps + 1], used = c, used + cu
  end
  local units = w == 2 and utf16(cps) or cps
  return { lua = utf8.char(table.unpack(cps)), units = units, w = w }
end

-- ---------------------------------------------------------------------- C
local function c_int(v, s)
  if not s.signed then return ("0x%xULL"):format(v) end
  if v == math.mininteger then return "(-0x7fffffffffffffffLL - 1)" end
  return ("%dLL"):format(v)
end

local function c_float(v)
  if v == math.huge then return "INFINITY" end
  if v == -math.huge then return "(-INFINITY)" end
  return ("%a"):format(v)
end

-- C expression of leaf value v, of the leaf's own type.
local function c_scalar(leaf, v, abi)
  local s = leaf.s
  local lit
  if s.kind == "int" then lit = c_int(v, s)
  elseif s.kind == "float" then lit = c_float(v)
  else lit = v and "1" or "0" end
  return ("(%s)(%s)"):format(G.c_type(s.name, abi, true), lit)
end

local function c_units(str, n)
  local t = {}
  for i = 1, n do t[i] = ("0x%x"):format(str.units[i] or 0) end
  return table.concat(t, ", ")
end

local function utype(w)
  return ({ "uint8_t", "uint16_t", nil, "uint32_t" })[w]
end

-- Statements writing (or checking, if check) every leaf of node at p.
function V.c_body(node, mode, check)
  local out, abi = {}, node.abi
  for k, leaf in ipairs(V.leaves(node)) do
    local v = V.value(leaf, k, mode, abi)
    local path = node.name .. "." .. leaf.c
    if leaf.n then
      local decl = ("{ static const %s e[%d] = { %s };"):format(utype(v.w), leaf.n,
        c_units(v, leaf.n))
      if check then
        out[#out + 1] = ('  %s if (memcmp(&p->%s, e, sizeof e)) bad("%s"); }'):format(
          decl, leaf.c, path)
      else
        out[#out + 1] = ("  %s memcpy(&p->%s, e, sizeof e); }"):format(decl, leaf.c)
      end
    elseif check then
      out[#out + 1] = ('  if (!(p->%s == %s)) bad("%s");'):format(leaf.c, c_scalar(leaf, v, abi), path)
    else
      out[#out + 1] = ("  p->%s = %s;"):format(leaf.c, c_scalar(leaf, v, abi))
    end
  end
  return table.concat(out, "\n")
end

local MAP_POSIX = [[
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
static void *map (const char *name, size_t size) {
  struct stat st;
  void *p;
  int fd = shm_open(name, O_RDWR, 0);
  if (fd < 0) { perror(name); exit(2); }
  if (fstat(fd, &st) != 0 || (size_t)st.st_size < size) {
    fprintf(stderr, "%s: %ld bytes, the struct needs %zu\n", name, (long)st.st_size, size);
    exit(2);
  }
  p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(2); }
  close(fd);
  return p;
}
]]

local MAP_WIN32 = [[
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
static void *map (const char *name, size_t size) {
  MEMORY_BASIC_INFORMATION mi;
  void *p;
  HANDLE h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
  if (h == NULL) { fprintf(stderr, "%s: error %lu\n", name, GetLastError()); exit(2); }
  p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  if (p == NULL) { fprintf(stderr, "%s: error %lu\n", name, GetLastError()); exit(2); }
  if (VirtualQuery(p, &mi, sizeof mi) == 0 || mi.RegionSize < size) {
    fprintf(stderr, "%s: too small for the struct (%zu bytes)\n", name, size);
    exit(2);
  }
  CloseHandle(h);
  return p;
}
]]

-- The whole program: `prog write|check name...` maps name[i] as nodes[i]
-- (POSIX: shm_open("/name"); win32: OpenFileMapping, the program built
-- with mingw-w64).  long and wchar_t are declared with fixed-size types,
-- so that one compiler lays out the layouts of both ABIs.  The program
-- asserts winshm's offsets, sizes and alignments (so that it is known to
-- use the same layouts).
function V.c_program(nodes, shm, win32)
  local all, seen = {}, {}
  for _, n in ipairs(nodes) do G.closure(n, all, seen) end
  local out = { win32 and MAP_WIN32 or MAP_POSIX, G.c_prelude, G.c_types(nodes, true),
    G.c_asserts(shm, all), [[
static int fails;
static void bad (const char *what) {
  fprintf(stderr, "mismatch: %s\n", what);
  fails++;
}]] }
  local main = {}
  for i, node in ipairs(nodes) do
    local T = "struct " .. node.name
    out[#out + 1] = ("static void write_%d (%s *p) {\n%s\n}"):format(i, T,
      V.c_body(node, 1, false))
    out[#out + 1] = ("static void check_%d (const %s *p) {\n%s\n}"):format(i, T,
      V.c_body(node, 2, true))
    main[#main + 1] = ("  { %s *p = map(argv[%d], sizeof *p); if (w) write_%d(p); else check_%d(p); }")
      :format(T, i + 1, i, i)
  end
  out[#out + 1] = ([[
int main (int argc, char **argv) {
  int w;
  if (argc != %d) { fprintf(stderr, "usage: write|check name...\n"); return 2; }
  w = strcmp(argv[1], "write") == 0;
%s
  return fails ? 1 : 0;
}
]]):format(#nodes + 2, table.concat(main, "\n"))
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- layouts
local function decl(kind, name, fields, opts)
  local n = { kind = kind, name = name, fields = {} }
  for i, f in ipairs(fields) do
    n.fields[i] = { name = f[1], type = f[2], count = f[3], gap = f.gap, skew = f.skew }
  end
  for k, v in pairs(opts or {}) do n[k] = v end
  return n
end

local function hand_written()
  local list = {}
  -- every integer spelling as an array long enough for each extreme
  local ints = {}
  for _, s in ipairs(G.scalars) do
    if s.kind == "int" then ints[#ints + 1] = { "v" .. #ints, s.name, 8 } end
  end
  ints[#ints + 1] = { "f", "float", 10 }
  ints[#ints + 1] = { "d", "double", 9 }
  ints[#ints + 1] = { "b", "bool", 2 }
  ints[#ints + 1] = { "single", "i64" }
  list[#list + 1] = decl("struct", "Vextremes", ints)
  -- strings of every width, some exactly full (no terminator)
  list[#list + 1] = decl("struct", "Vtext", {
    { "c1", "char", 1 }, { "c2", "char", 2 }, { "c5", "char", 5 }, { "c32", "char", 32 },
    { "tag", "u8" }, { "h1", "char16_t", 1 }, { "h2", "char16_t", 2 }, { "h7", "char16_t", 7 },
    { "h33", "char16_t", 33 }, { "q3", "char32_t", 3 }, { "q9", "char32_t", 9 },
    { "w6", "wchar_t", 6 }, { "w1", "wchar_t", 1 }, { "raw", "unsigned char", 4 },
    { "sraw", "int8_t", 3 } })
  -- unaligned members under pack(1), an explicit offset, nested and arrays of structs
  local inner = decl("struct", "Vinner", { { "c", "char", 3 }, { "d", "double" },
    { "h", "u16", { 2, 2 } } })
  local packed = decl("struct", "Vpacked", { { "c", "u8" }, { "d", "double" },
    { "q", "u64", gap = 3 }, { "s", inner }, { "ss", inner, 2 }, { "w", "char16_t", 3 },
    { "l", "long" } }, { pack = 1 })
  list[#list + 1] = packed
  -- a Windows struct read anywhere: 4-byte long, UTF-16 wchar_t, pack(4)
  list[#list + 1] = decl("struct", "Vtelemetry", { { "version", "int32_t" },
    { "time", "double" }, { "ticks", "uint64_t" }, { "driver", "wchar_t", 33 },
    { "speed", "float" }, { "lap", "long", 8 }, { "ulaps", "unsigned long", 7 },
    { "names", "wchar_t", { 2, 5 } }, { "fuel", "double" } },
    { pack = 4, abi = "windows" })
  list[#list + 1] = decl("struct", "Vgrid", { { "n", "int" },
    { "cells", inner, { 2, 3 } }, { "p", packed }, { "m", "f32", { 2, 2, 2 } } },
    { align = 32, extra = 2 })
  return list
end

-- The layouts of a values test: the hand-written ones, then count random
-- ones of all three ABIs (seed), each of at most maxleaves values.
function V.nodes(seed, count, maxleaves)
  local list = hand_written()
  local gen_native = G.generator(seed, { prefix = "Vn", values = true })
  local gen_sysv = G.generator(seed + 1, { abi = "sysv", prefix = "Vs", values = true })
  local gen_win = G.generator(seed + 2, { abi = "windows", prefix = "Vw", values = true })
  for i = 1, count do
    local gen = i % 4 == 0 and gen_sysv or i % 4 == 1 and gen_win or gen_native
    local n = gen()
    while #V.leaves(n) > maxleaves do n = gen() end  -- keep the C program small
    list[#list + 1] = n
  end
  return list
end

-- -------------------------------------------------------------- comparing
-- v[keys[1]][keys[2]]... (the first n keys).
function V.at(v, keys, n)
  for i = 1, n or #keys do v = v[keys[i]] end
  return v
end

local function show(leaf, v)
  if leaf.n then return ("%q"):format(v.lua) end
  if leaf.s.kind == "float" then return ("%a"):format(v) end
  return tostring(v)
end

local function agrees(leaf, want, got)
  if leaf.n then return got == want.lua end
  if leaf.s.kind == "int" then return math.type(got) == "integer" and got == want end
  if leaf.s.kind == "float" then return type(got) == "number" and got == want end
  return got == want
end

-- Mismatches of every leaf of node between the values of mode and what
-- get(keys) gives, as lines.
function V.compare(node, get, mode, how, out)
  for k, leaf in ipairs(V.leaves(node)) do
    local want = V.value(leaf, k, mode, node.abi)
    local ok, got = pcall(get, leaf.keys)
    if not ok then
      out[#out + 1] = ("%s.%s (%s): raised %s"):format(node.name, leaf.c, how, tostring(got))
    elseif not agrees(leaf, want, got) then
      out[#out + 1] = ("%s.%s (%s): expected %s, got %s (%s)"):format(node.name, leaf.c, how,
        show(leaf, want), tostring(got), math.type(got) or type(got))
    end
  end
end

-- Write the values of mode into view: one field at a time, or (whole) as one
-- table through shm.write.
function V.store(shm, node, view, mode, whole)
  local t = {}
  for k, leaf in ipairs(V.leaves(node)) do
    local v = V.value(leaf, k, mode, node.abi)
    if leaf.n then v = v.lua end
    if whole then
      local p = t
      for i = 1, #leaf.keys - 1 do
        local key = leaf.keys[i]
        p[key] = p[key] or {}
        p = p[key]
      end
      p[leaf.keys[#leaf.keys]] = v
    else
      V.at(view, leaf.keys, #leaf.keys - 1)[leaf.keys[#leaf.keys]] = v
    end
  end
  if whole then shm.write(view, t) end
end

return V
