-- gen.lua -- random layouts for the differential tests against C compilers.
--
-- A layout is first generated as a plain description (a "node"):
--   { kind = "struct" | "union", name = "S12", abi = "sysv" | "windows" | nil,
--     fields = { { name = "f1", type = "u8" | node, count = nil | n | {d1, ...},
--                  gap = nil | k, skew = nil | s }, ... },
--     pack = nil | n, align = nil | n, extra = nil | k }
-- Then G.build turns a node into a winshm layout (keeping the numbers it
-- used for `offset` and `size`), G.lua_source prints it as Lua (for failure
-- reports), and G.c_types / G.c_asserts print the same declarations as C
-- with _Static_asserts holding winshm's numbers.
--
-- `gap = k` on a field means: place it with `offset =` k alignments past
-- where it would naturally go; the C side gets a char array of that many
-- bytes in front of the member.  `skew = s` adds s modulo the alignment:
-- an unaligned offset, which makes the C member a packed one.  In a union,
-- the gap and the member make an anonymous struct.  `extra = k` means:
-- `size =` the computed size plus k times the alignment; the C side wraps
-- the members in an anonymous union with a char array of that size.
local G = {}

-- ------------------------------------------------------------------ scalars
-- Every scalar type of docs/reference.md (Layouts), with its C spelling, size per ABI and value kind.
local function S(name, c, size, kind, signed, wsize)
  return { name = name, c = c, size = size, wsize = wsize or size,
           kind = kind, signed = signed }
end

G.scalars = {
  S("int8_t", "int8_t", 1, "int", true), S("int16_t", "int16_t", 2, "int", true),
  S("int32_t", "int32_t", 4, "int", true), S("int64_t", "int64_t", 8, "int", true),
  S("uint8_t", "uint8_t", 1, "int", false), S("uint16_t", "uint16_t", 2, "int", false),
  S("uint32_t", "uint32_t", 4, "int", false), S("uint64_t", "uint64_t", 8, "int", false),
  S("float", "float", 4, "float"), S("double", "double", 8, "float"),
  S("bool", "bool", 1, "bool"), S("char", "char", 1, "char"),
  S("i8", "int8_t", 1, "int", true), S("i16", "int16_t", 2, "int", true),
  S("i32", "int32_t", 4, "int", true), S("i64", "int64_t", 8, "int", true),
  S("u8", "uint8_t", 1, "int", false), S("u16", "uint16_t", 2, "int", false),
  S("u32", "uint32_t", 4, "int", false), S("u64", "uint64_t", 8, "int", false),
  S("f32", "float", 4, "float"), S("f64", "double", 8, "float"),
  S("signed char", "signed char", 1, "int", true),
  S("unsigned char", "unsigned char", 1, "int", false),
  S("short", "short", 2, "int", true),
  S("unsigned short", "unsigned short", 2, "int", false),
  S("int", "int", 4, "int", true), S("unsigned int", "unsigned int", 4, "int", false),
  S("unsigned", "unsigned", 4, "int", false),
  S("long", "long", 8, "int", true, 4),
  S("unsigned long", "unsigned long", 8, "int", false, 4),
  S("long long", "long long", 8, "int", true),
  S("unsigned long long", "unsigned long long", 8, "int", false),
  S("wchar_t", "wchar_t", 4, "wchar", false, 2),
  S("char16_t", "char16_t", 2, "wchar", false),
  S("char32_t", "char32_t", 4, "wchar", false),
}
G.scalar = {}
for _, s in ipairs(G.scalars) do G.scalar[s.name] = s end

-- The ABI "native" (or no abi) means where this runs.
G.native = package.config:sub(1, 1) == "\\" and "windows" or "sysv"
function G.abi(abi)
  if abi == nil or abi == "native" then return G.native end
  return abi
end

-- Size (= alignment) of scalar type name t under abi ("win32" lays them
-- out as "windows").
function G.scalar_size(t, abi)
  local s = G.scalar[t]
  local a = G.abi(abi)
  return (a == "windows" or a == "win32") and s.wsize or s.size
end

-- -------------------------------------------------------------- randomness
-- xorshift64*: the same sequence from the same seed on every Lua build.
function G.rng(seed)
  local s = (seed ~ 0x2545F4914F6CDD1D) & 0x7fffffffffffffff
  if s == 0 then s = 1 end
  return function(a, b)
    s = s ~ (s >> 12); s = s ~ (s << 25); s = s ~ (s >> 27)
    local r = (s * 0x2545F4914F6CDD1D) >> 11
    if a == nil then return r / 2.0 ^ 53 end
    return a + r % (b - a + 1)
  end
end

-- The seed: WINSHM_TEST_SEED or the fixed default.
function G.seed(default)
  return tonumber(os.getenv("WINSHM_TEST_SEED") or "") or default
end

local function pick(r, list) return list[r(1, #list)] end

-- ------------------------------------------------------------- generation
-- opts: abi, prefix (type names), values (only what a values test can
-- round-trip: no unions), nopacked (no unaligned offsets, which need packed
-- members in C).
function G.generator(seed, opts)
  local r = G.rng(seed)
  local n = 0
  local abi = opts.abi
  local gen_node

  local function count()
    local x = r()
    if x < 0.65 then return nil end
    if x < 0.9 then return r(1, 6) end
    local dims = {}
    for i = 1, r(2, 3) do dims[i] = r(1, 4) end
    return dims
  end

  local function field(i, depth)
    local f = { name = "f" .. i }
    local x = r()
    if depth < 3 and x < 0.16 then
      f.type = gen_node(depth + 1, (not opts.values and r() < 0.3) and "union" or "struct")
    else
      f.type = pick(r, G.scalars).name
    end
    f.count = count()
    return f
  end

  function gen_node(depth, kind)
    n = n + 1
    local node = { kind = kind or "struct", name = opts.prefix .. n, abi = abi,
                   fields = {} }
    local nf = r(1, depth == 0 and 9 or 5)
    for i = 1, nf do node.fields[i] = field(i, depth) end
    if r() < 0.35 then node.pack = pick(r, { 1, 2, 4, 8, 16 }) end
    if r() < 0.2 then node.align = pick(r, { 1, 2, 4, 8, 16, 32, 64 }) end
    if r() < 0.2 then node.extra = r(0, 3) end
    for _, f in ipairs(node.fields) do
      if r() < 0.1 then
        f.gap = r(0, 3)
        if r() < 0.4 and not opts.nopacked then f.skew = r(1, 7) end
      end
    end
    return node
  end

  return function() return gen_node(0) end
end

-- Every node reachable from node (dependencies first, each once).
function G.closure(node, out, seen)
  out, seen = out or {}, seen or {}
  if seen[node] then return out end
  seen[node] = true
  for _, f in ipairs(node.fields) do
    if type(f.type) == "table" then G.closure(f.type, out, seen) end
  end
  out[#out + 1] = node
  return out
end

-- ----------------------------------------------------------------- winshm
local function spec_of(node)
  local spec = { name = node.name, abi = node.abi, pack = node.pack,
                 align = node.align, size = node.size_n }
  for i, f in ipairs(node.fields) do
    local t = f.type
    if type(t) == "table" then t = t.layout end
    spec[i] = { f.name, t, f.count, offset = f.offset_n }
  end
  return spec
end

-- Build node's winshm layout (and its parts'): node.layout; f.offset_n,
-- f.gap_bytes, f.packed for the fields given an offset (in order, each from
-- the layout with the ones before it placed); node.size_n, the size given.
function G.build(shm, node)
  if node.layout then return node.layout end
  for _, f in ipairs(node.fields) do
    if type(f.type) == "table" then G.build(shm, f.type) end
  end
  local ctor = node.kind == "union" and shm.union or shm.struct
  local layout = ctor(spec_of(node))
  for i, f in ipairs(node.fields) do
    if f.gap then
      local a = type(f.type) == "table" and shm.alignof(f.type.layout)
        or G.scalar_size(f.type, node.abi)
      if node.pack and node.pack < a then a = node.pack end
      f.offset_n = shm.offsetof(layout, f.name) + f.gap * a
      f.gap_bytes = f.gap * a
      if f.skew and f.skew % a ~= 0 then
        -- unaligned: the C member is packed, right after a gap from the
        -- end of the previous member
        local prev = node.kind == "struct" and shm.fields(layout)[i - 1] or nil
        f.offset_n = f.offset_n + f.skew % a
        f.gap_bytes = f.offset_n - (prev and prev.offset + prev.size or 0)
        f.packed = true
      end
      layout = ctor(spec_of(node))
    end
  end
  if node.extra then
    node.size_n = shm.sizeof(layout) + node.extra * shm.alignof(layout)
    layout = ctor(spec_of(node))
  end
  node.layout = layout
  return layout
end

local function lua_count(c)
  if type(c) == "table" then return "{" .. table.concat(c, ", ") .. "}" end
  return tostring(c)
end

-- Lua source declaring node (after its parts), as a user would write it.
function G.lua_source(node)
  local out = {}
  for _, n in ipairs(G.closure(node)) do
    local items = {}
    for _, f in ipairs(n.fields) do
      local t = type(f.type) == "table" and f.type.name or ("%q"):format(f.type)
      local s = ("{ %q, %s"):format(f.name, t)
      if f.count then s = s .. ", " .. lua_count(f.count) end
      if f.gap then s = s .. ", offset = " .. f.offset_n end
      items[#items + 1] = s .. " }"
    end
    local keys = { ("name = %q"):format(n.name) }
    for _, k in ipairs({ "pack", "align" }) do
      if n[k] then keys[#keys + 1] = k .. " = " .. n[k] end
    end
    if n.extra then keys[#keys + 1] = "size = " .. n.size_n end
    if n.abi then keys[#keys + 1] = ("abi = %q"):format(n.abi) end
    out[#out + 1] = ("local %s = shm.%s {\n  %s,\n  %s }"):format(n.name, n.kind,
      table.concat(items, ",\n  "), table.concat(keys, ", "))
  end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------------- C
G.c_prelude = [[
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include <uchar.h>
]]

local function c_dims(c)
  if c == nil then return "" end
  if type(c) ~= "table" then return "[" .. c .. "]" end
  local s = ""
  for _, d in ipairs(c) do s = s .. "[" .. d .. "]" end
  return s
end

-- The C spelling of scalar t in a layout of abi.  With fixed, the types
-- whose size depends on the ABI are spelled with a fixed size (so that a
-- compiler for the other ABI lays the struct out as abi's compiler would).
local FIXED = {
  windows = { ["long"] = "int32_t", ["unsigned long"] = "uint32_t", wchar_t = "char16_t" },
  win32 = { ["long"] = "int32_t", ["unsigned long"] = "uint32_t", wchar_t = "char16_t" },
  sysv = { ["long"] = "int64_t", ["unsigned long"] = "uint64_t", wchar_t = "char32_t" },
}
function G.c_type(t, abi, fixed)
  return fixed and FIXED[G.abi(abi)][t] or G.scalar[t].c
end

-- C declaration of one node (its parts must come first); fixed: as for
-- G.c_type.
function G.c_decl(node, fixed)
  local kw = node.kind
  local lines = {}
  if node.pack then lines[#lines + 1] = ("#pragma pack(push, %d)"):format(node.pack) end
  local attr = node.align and (" __attribute__((aligned(%d)))"):format(node.align) or ""
  lines[#lines + 1] = ("%s%s %s {"):format(kw, attr, node.name)
  local ind = "  "
  if node.extra and kw == "struct" then
    lines[#lines + 1] = "  union { struct {"
    ind = "    "
  end
  for i, f in ipairs(node.fields) do
    local t = type(f.type) == "table" and f.type.kind .. " " .. f.type.name
      or G.c_type(f.type, node.abi, fixed)
    local packed = f.packed and " __attribute__((packed))" or ""
    local member = ("%s %s%s%s;"):format(t, f.name, c_dims(f.count), packed)
    if f.gap and f.gap_bytes > 0 then
      local gap = ("char _gap%d[%d];"):format(i, f.gap_bytes)
      if kw == "union" then
        -- a union member at an offset: an anonymous struct with the gap
        lines[#lines + 1] = ("%sstruct { %s %s };"):format(ind, gap, member)
      else
        lines[#lines + 1] = ind .. gap
        lines[#lines + 1] = ind .. member
      end
    else
      lines[#lines + 1] = ind .. member
    end
  end
  if node.extra then
    if kw == "struct" then
      lines[#lines + 1] = ("  }; char _size[%d]; };"):format(node.size_n)
    else
      lines[#lines + 1] = ("  char _size[%d];"):format(node.size_n)
    end
  end
  lines[#lines + 1] = "};"
  if node.pack then lines[#lines + 1] = "#pragma pack(pop)" end
  return table.concat(lines, "\n")
end

-- C declarations of nodes and all their parts, each once, in order.
function G.c_types(nodes, fixed)
  local out, seen = {}, {}
  for _, node in ipairs(nodes) do
    for _, n in ipairs(G.closure(node, {}, seen)) do out[#out + 1] = G.c_decl(n, fixed) end
  end
  return table.concat(out, "\n")
end

-- The checks of one node: { {what = "sizeof" | "alignof" | "offsetof",
-- path = "a.b" | nil, n = winshm's number, c = C expression}, ... }
function G.checks(shm, node)
  local L = node.layout
  local T = node.kind .. " " .. node.name
  local list = {
    { what = "sizeof", n = shm.sizeof(L), c = ("sizeof(%s)"):format(T) },
    { what = "alignof", n = shm.alignof(L), c = ("_Alignof(%s)"):format(T) },
  }
  local function walk(n, prefix)
    for _, f in ipairs(n.fields) do
      local path = prefix .. f.name
      list[#list + 1] = { what = "offsetof", path = path, n = shm.offsetof(L, path),
                          c = ("offsetof(%s, %s)"):format(T, path) }
      if type(f.type) == "table" and not f.count then walk(f.type, path .. ".") end
    end
  end
  walk(node, "")
  -- what tostring(layout) says: "size N, align N" and "name...;  /* offset N */"
  local text = tostring(L)
  local function said(pat) return tonumber(text:match(pat)) or -1 end
  list[#list + 1] = { what = "tostring.size", n = said("size (%d+)"), c = ("sizeof(%s)"):format(T) }
  list[#list + 1] = { what = "tostring.align", n = said("align (%d+)"), c = ("_Alignof(%s)"):format(T) }
  for _, f in ipairs(node.fields) do
    list[#list + 1] = { what = "tostring.offset", path = f.name,
                        n = said("[%s*]" .. f.name .. "[%[%]%d]*;%s*/%*%s*offset (%d+)"),
                        c = ("offsetof(%s, %s)"):format(T, f.name) }
  end
  -- what shm.fields says of each member
  for _, f in ipairs(shm.fields(L)) do
    list[#list + 1] = { what = "fields.offset", path = f.name, n = f.offset,
                        c = ("offsetof(%s, %s)"):format(T, f.name) }
    list[#list + 1] = { what = "fields.size", path = f.name, n = f.size,
                        c = ("sizeof(((%s *)0)->%s)"):format(T, f.name) }
  end
  return list
end

-- Label of check k of node, as it appears in the compiler's message.
function G.label(node, k)
  return ("%s %s%s"):format(node.name, k.what, k.path and "(" .. k.path .. ")" or "")
end

-- _Static_assert lines for every check of every node.
function G.c_asserts(shm, nodes)
  local out = {}
  for _, node in ipairs(nodes) do
    for _, k in ipairs(G.checks(shm, node)) do
      out[#out + 1] = ('_Static_assert(%s == %d, "%s = %d");'):format(
        k.c, k.n, G.label(node, k), k.n)
    end
  end
  return table.concat(out, "\n")
end

-- Lines that make the compiler print the value of each check's expression
-- (as the array bound in a type in a -Wint-conversion warning).
function G.c_reveal(checks)
  local out = {}
  for i, k in ipairs(checks) do
    out[#out + 1] = ("static int _reveal%d = (char (*)[%s])0;"):format(i, k.c)
  end
  return table.concat(out, "\n")
end

return G
