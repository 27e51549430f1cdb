-- decode_spec.lua: shm.read and read_consistent of layouts past what one
-- decode keeps at hand (many distinct nested structs, structs of many
-- fields, many keys, deep nesting) give what the view gives, fresh and
-- refilled in place, and a warm refill allocates nothing.
local shm = require "winshm"
local H = require "helper"
local growth = require "heap"

-- A struct of n numbered int32 fields named prefix1..prefixn.
local function flat(name, prefix, n)
  local spec = { name = name }
  for i = 1, n do spec[i] = { prefix .. i, "int32_t" } end
  return shm.struct(spec)
end

-- Every leaf of view v (layout lay) set to a distinct number; returns
-- the table a read must give.
local fill
local function level(v, key, f, d, counter)  -- v[key] at array level d
  if d > #f.dims then
    if f.layout then return fill(v[key], f.layout, counter) end
    counter.n = counter.n + 1
    v[key] = counter.n
    return counter.n
  end
  local t, a = {}, v[key]
  for i = 1, f.dims[d] do t[i] = level(a, i, f, d + 1, counter) end
  return t
end
function fill(v, lay, counter)
  local t = {}
  for _, f in ipairs(shm.fields(lay)) do
    f.dims = f.dims or {}
    t[f.name] = level(v, f.name, f, 1, counter)
  end
  return t
end


-- Read lay fresh and refilled: both equal the values written, the refill
-- keeps every nested table, and warm refills allocate nothing.
local function check(lay, scheme)
  local k <close> = assert(shm.create(H.name("decode"), lay))
  local v = k:get_mut()
  local want = fill(v, lay, { n = 0 })
  if scheme then v[scheme.seq] = 0 want[scheme.seq] = 0 end
  local function read(into)
    if scheme then return (shm.read_consistent(v, scheme, nil, into)) end
    return shm.read(v, into)
  end
  local t = read()
  assert.same(want, t)
  local nested = {}
  for key, x in pairs(t) do if type(x) == "table" then nested[key] = x end end
  assert.equal(t, read(t))
  assert.same(want, t)
  for key, x in pairs(nested) do assert.equal(x, t[key]) end
  assert.equal(0, growth(200, function() read(t) end))
end

describe("a decode of a layout", function()
  it("with more distinct nested structs than it keeps at hand", function()
    local spec = { name = "Many" }
    for i = 1, 40 do spec[i] = { "s" .. i, flat("S" .. i, "f", 2) } end
    spec[41] = { "arr", flat("Last", "g", 3), 4 }
    spec[42] = { "seq", "int32_t" }
    local lay = shm.struct(spec)
    check(lay)
    check(lay, { seq = "seq" })
  end)

  it("with nested structs of many fields and many keys in all", function()
    local spec = { name = "Wide" }
    for i = 1, 12 do spec[i] = { "w" .. i, flat("W" .. i, "k", 20 + i) } end
    spec[13] = { "big", flat("Big", "b", 300), 2 }
    check(shm.struct(spec))
  end)

  it("nested as deep as layouts go, with arrays on the way", function()
    local lay = shm.struct { name = "L1", { "x", "int32_t" }, { "a", "int16_t", { 2, 3 } } }
    for i = 2, 99 do
      lay = shm.struct { name = "L" .. i, { "x", "int32_t" }, { "in", lay, i % 10 == 0 and 2 or 1 } }
    end
    check(lay)
  end)

  it("as a span: an array of structs of a view", function()
    local Many = {}
    for i = 1, 20 do Many[i] = { "s" .. i, flat("T" .. i, "f", 1) } end
    local Elem = shm.struct(Many)
    local Outer = shm.struct { { "items", Elem, 3 }, { "n", "int32_t" } }
    local k <close> = assert(shm.create(H.name("decode_span"), Outer))
    local v = k:get_mut()
    local want = {}
    for i = 1, 3 do want[i] = fill(v.items[i], Elem, { n = 100 * i }) end
    local t = shm.read(v.items)
    assert.same(want, t)
    local first = t[1]
    assert.equal(t, shm.read(v.items, t))
    assert.equal(first, t[1])
    assert.same(want, t)
  end)
end)
