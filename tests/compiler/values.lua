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

-- The whole program: `prog write|check name...` maps /name[i] as nodes[i].
-- Layouts of the Windows ABI are declared with fixed-size types for long
-- and wchar_t; the program asserts winshm's offsets, sizes and alignments
-- (so that it is known to use the same layouts).
function V.c_program(nodes, shm)
  local all, seen = {}, {}
  for _, n in ipairs(nodes) do G.closure(n, all, seen) end
  local out = { "#define _GNU_SOURCE", "#include <sys/mman.h>", "#include <sys/stat.h>",
    "#include <fcntl.h>", "#include <unistd.h>", "#include <stdio.h>",
    "#include <stdlib.h>", "#include <string.h>", "#include <math.h>",
    G.c_prelude, G.c_types(nodes, true), G.c_asserts(shm, all), [[
static int fails;
static void bad (const char *what) {
  fprintf(stderr, "mismatch: %s\n", what);
  fails++;
}
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
  out[#out + 1] = ("int main (int argc, char **argv) {\n  int w;\n  if (argc != %d) { fprintf(stderr, \"usage: write|check name...\\n\"); return 2; }\n  w = strcmp(argv[1], \"write\") == 0;\n%s\n  return fails ? 1 : 0;\n}\n")
    :format(#nodes + 2, table.concat(main, "\n"))
  return table.concat(out, "\n")
end

return V
