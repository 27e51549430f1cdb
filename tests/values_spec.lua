-- values_spec.lua -- winshm and a C program agree on the values of every
-- field: the program (compiled with gcc from the same declarations) writes
-- known values into regions winshm created, winshm reads and compares them,
-- then winshm writes other values and the program checks them.  Layouts of
-- all three ABIs take part: gcc lays out abi = "windows" ones with fixed-size
-- types for long and wchar_t (the program asserts winshm's numbers).
-- Random layouts use a fixed seed; WINSHM_TEST_SEED overrides it.
local H = require "helper"
package.path = "./tests/compiler/?.lua;" .. package.path
local G = require "gen"
local V = require "values"
local C = require "cc"
local shm = require "winshm"

local SEED = G.seed(20261127)
local RANDOM = 60
local MAXLEAVES = 400

-- ---------------------------------------------------------------- layouts
local function node(kind, name, fields, opts)
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
  list[#list + 1] = node("struct", "Vextremes", ints)
  -- strings of every width, some exactly full (no terminator)
  list[#list + 1] = node("struct", "Vtext", {
    { "c1", "char", 1 }, { "c2", "char", 2 }, { "c5", "char", 5 }, { "c32", "char", 32 },
    { "tag", "u8" }, { "h1", "char16_t", 1 }, { "h2", "char16_t", 2 }, { "h7", "char16_t", 7 },
    { "h33", "char16_t", 33 }, { "q3", "char32_t", 3 }, { "q9", "char32_t", 9 },
    { "w6", "wchar_t", 6 }, { "w1", "wchar_t", 1 }, { "raw", "unsigned char", 4 },
    { "sraw", "int8_t", 3 } })
  -- unaligned members under pack(1), an explicit offset, nested and arrays of structs
  local inner = node("struct", "Vinner", { { "c", "char", 3 }, { "d", "double" },
    { "h", "u16", { 2, 2 } } })
  local packed = node("struct", "Vpacked", { { "c", "u8" }, { "d", "double" },
    { "q", "u64", gap = 3 }, { "s", inner }, { "ss", inner, 2 }, { "w", "char16_t", 3 },
    { "l", "long" } }, { pack = 1 })
  list[#list + 1] = packed
  -- a Windows struct read anywhere: 4-byte long, UTF-16 wchar_t, pack(4)
  list[#list + 1] = node("struct", "Vtelemetry", { { "version", "int32_t" },
    { "time", "double" }, { "ticks", "uint64_t" }, { "driver", "wchar_t", 33 },
    { "speed", "float" }, { "lap", "long", 8 }, { "ulaps", "unsigned long", 7 },
    { "names", "wchar_t", { 2, 5 } }, { "fuel", "double" } },
    { pack = 4, abi = "windows" })
  list[#list + 1] = node("struct", "Vgrid", { { "n", "int" },
    { "cells", inner, { 2, 3 } }, { "p", packed }, { "m", "f32", { 2, 2, 2 } } },
    { align = 32, extra = 2 })
  return list
end

local function all_nodes()
  local list = hand_written()
  local gen_native = G.generator(SEED, { prefix = "Vn", values = true })
  local gen_sysv = G.generator(SEED + 1, { abi = "sysv", prefix = "Vs", values = true })
  local gen_win = G.generator(SEED + 2, { abi = "windows", prefix = "Vw", values = true })
  for i = 1, RANDOM do
    local gen = i % 4 == 0 and gen_sysv or i % 4 == 1 and gen_win or gen_native
    local n = gen()
    while #V.leaves(n) > MAXLEAVES do n = gen() end  -- keep the C program small
    list[#list + 1] = n
  end
  return list
end

-- ------------------------------------------------------------------ values
local function at(v, keys, n)
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
local function compare(node, get, mode, how, out)
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
local function store(node, view, mode, whole)
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
      at(view, leaf.keys, #leaf.keys - 1)[leaf.keys[#leaf.keys]] = v
    end
  end
  if whole then shm.write(view, t) end
end

-- ------------------------------------------------------------------- spec
describe("field values agree with a C program #posix", function()
  local nodes, links, names, prog
  local why = H.windows and "POSIX shared memory objects only"
    or (not C.have("gcc") and "gcc is not installed") or nil

  setup(function()
    if why then return end
    nodes, links, names = all_nodes(), {}, {}
    for i, n in ipairs(nodes) do
      G.build(shm, n)
      local name = H.name("val")
      links[i] = assert(shm.create(name, n.layout))
      names[i] = C.quote("/" .. name)
    end
    prog = os.tmpname()
    local ok, out = C.compile("gcc", V.c_program(nodes, shm), "-O0 -o " .. C.quote(prog))
    assert(ok, "gcc did not compile the value program:\n" .. out:sub(1, 3000))
  end)

  teardown(function()
    for _, l in ipairs(links or {}) do l:close() end
    if prog then os.remove(prog) end
  end)

  it("reads what C wrote, field by field and through shm.read", function()
    if why then return pending(why) end
    local ok, out = C.sh(C.quote(prog) .. " write " .. table.concat(names, " "))
    assert(ok, "the C program failed to write:\n" .. out)
    local bad = {}
    for i, n in ipairs(nodes) do
      local view = links[i]:get()
      compare(n, function(keys) return at(view, keys) end, 1, "view", bad)
      local copy = shm.read(view)
      compare(n, function(keys) return at(copy, keys) end, 1, "shm.read", bad)
    end
    assert(#bad == 0, #bad .. " field(s) differ:\n" .. table.concat(bad, "\n", 1, math.min(#bad, 60)))
  end)

  it("writes what C reads, field by field and through shm.write", function()
    if why then return pending(why) end
    local bad = {}
    for i, n in ipairs(nodes) do
      local ok, err = pcall(store, n, links[i]:get_mut(), 2, i % 2 == 0)
      if not ok then bad[#bad + 1] = n.name .. ": " .. tostring(err) end
    end
    assert(#bad == 0, table.concat(bad, "\n"))
    local ok, out = C.sh(C.quote(prog) .. " check " .. table.concat(names, " "))
    assert(ok, "the C program found other values:\n" .. out:sub(1, 4000))
  end)

  it("covers every scalar type", function()
    if why then return pending(why) end
    local seen = {}
    for _, n in ipairs(nodes) do
      for _, leaf in ipairs(V.leaves(n)) do seen[leaf.s.name] = true end
    end
    for _, s in ipairs(G.scalars) do
      assert(seen[s.name], s.name .. " is in no layout of the values test")
    end
  end)
end)
