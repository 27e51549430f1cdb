-- atomic_spec.lua: shm.atomic_load / atomic_store / atomic_add / atomic_cas.
local shm = require "winshm"
local H = require "helper"

local Inner = shm.struct { { "n", "u32" }, name = "Inner" }
local T = shm.struct {
  { "i8", "int8_t" }, { "u8", "uint8_t" }, { "i16", "int16_t" }, { "u16", "uint16_t" },
  { "i32", "int32_t" }, { "u32", "uint32_t" }, { "i64", "int64_t" }, { "u64", "uint64_t" },
  { "f", "float" }, { "d", "double" }, { "b", "bool" }, { "c", "char" },
  { "arr", "u32", 2 }, { "inner", Inner },
  { "odd", "u32", offset = 61 },
  name = "Atoms",
}

local function region()
  local r = assert(shm.create(H.name("atom"), T))
  return r, r:get_mut()
end

describe("atomics", function()
  it("load and store every integer size", function()
    local r, v = region()
    local cases = {
      i8 = { -128, 127 }, u8 = { 0, 255 }, i16 = { -32768, 32767 }, u16 = { 0, 65535 },
      i32 = { -2147483648, 2147483647 }, u32 = { 0, 4294967295 },
      i64 = { math.mininteger, math.maxinteger }, u64 = { 0, -1 },
    }
    for field, vals in pairs(cases) do
      for _, x in ipairs(vals) do
        shm.atomic_store(v, field, x)
        assert.equal(x, shm.atomic_load(v, field))
        assert.equal(x, v[field])  -- the plain read agrees
      end
    end
    shm.atomic_store(v, "u64", 2^63)  -- a float above 2^63-1, integral
    assert.equal(math.mininteger, shm.atomic_load(v, "u64"))
    assert.equal(0, shm.atomic_load(r:get(), "u8") * 0)  -- read-only views load
    r:close()
  end)

  it("add returns the old value and wraps around like C", function()
    local r, v = region()
    assert.equal(0, shm.atomic_add(v, "u8", 250))
    assert.equal(250, shm.atomic_add(v, "u8", 10))
    assert.equal(4, v.u8)
    assert.equal(4, shm.atomic_add(v, "u8", -5))
    assert.equal(255, v.u8)
    v.i16 = 32767
    assert.equal(32767, shm.atomic_add(v, "i16", 1))
    assert.equal(-32768, v.i16)
    v.i64 = math.maxinteger
    assert.equal(math.maxinteger, shm.atomic_add(v, "i64", 1))
    assert.equal(math.mininteger, v.i64)
    assert.equal(0, shm.atomic_add(v, "inner.n", 7))
    assert.equal(7, v.inner.n)
    r:close()
  end)

  it("cas swaps only when the value is the expected one", function()
    local r, v = region()
    v.u32 = 5
    assert.same({ false, 5 }, { shm.atomic_cas(v, "u32", 4, 9) })
    assert.equal(5, v.u32)
    assert.same({ true, 5 }, { shm.atomic_cas(v, "u32", 5, 9) })
    assert.equal(9, v.u32)
    v.i8 = -3
    assert.same({ true, -3 }, { shm.atomic_cas(v, "i8", -3, 100) })
    assert.same({ false, 100 }, { shm.atomic_cas(v, "i8", -3, 1) })
    r:close()
  end)

  it("range-checks values like a plain write", function()
    local r, v = region()
    assert.has_error(function() shm.atomic_store(v, "u8", 256) end,
      "field 'u8' of layout 'Atoms': 256 is out of range for uint8_t (0..255)")
    assert.has_error(function() shm.atomic_store(v, "u8", -1) end)
    assert.has_error(function() shm.atomic_store(v, "i8", 128) end)
    assert.has_error(function() shm.atomic_store(v, "i32", 1.5) end,
      "field 'i32' of layout 'Atoms': expected an integer, got 1.5")
    assert.has_error(function() shm.atomic_store(v, "i32", "7") end)
    assert.has_error(function() shm.atomic_store(v, "i32") end)
    assert.has_error(function() shm.atomic_add(v, "u8", 256) end)
    assert.has_error(function() shm.atomic_add(v, "u8", -129) end)
    assert.has_error(function() shm.atomic_cas(v, "u16", 0, 65536) end)
    assert.has_error(function() shm.atomic_cas(v, "u16", -1, 0) end)
    assert.equal(0, v.u8); assert.equal(0, v.i32); assert.equal(0, v.u16)
    r:close()
  end)

  it("raises on read-only views, misaligned and non-integer fields", function()
    local r, v = region()
    local ro = r:get()
    for _, f in ipairs({
      function() shm.atomic_store(ro, "u32", 1) end,
      function() shm.atomic_add(ro, "u32", 1) end,
      function() shm.atomic_cas(ro, "u32", 0, 1) end,
    }) do
      assert.has_error(f, "attempt to write field 'u32' of layout 'Atoms' through a read-only view")
    end
    assert.equal(0, v.u32)
    assert.has_error(function() shm.atomic_load(v, "odd") end,
      "field 'odd' of layout 'Atoms': misaligned for atomic operations "
      .. "(4-byte field at an address that is not a multiple of 4)")
    for _, f in ipairs({ "f", "d", "b", "c" }) do
      assert.has_error(function() shm.atomic_add(v, f, 1) end,
        "field '" .. f .. "' of layout 'Atoms': atomic operations need an integer field")
    end
    assert.has_error(function() shm.atomic_load(v, "arr") end)
    assert.has_error(function() shm.atomic_load(v, "inner") end)
    assert.has_error(function() shm.atomic_load(v, "nope") end, "no field 'nope' in layout 'Atoms'")
    assert.has_error(function() shm.atomic_load(v) end)
    assert.has_error(function() shm.atomic_load({}, "u8") end)
    assert.has_error(function() shm.atomic_load(v.arr, 1) end)
    r:close()
    assert.has_error(function() shm.atomic_load(v, "u8") end, "attempt to use a closed link")
  end)

  it("add from 4 processes x 10000 without a mutex gives the exact total", function()
    local n = H.name("atomsum")
    local Count = shm.struct { { "pad", "u8" }, { "n", "int64_t" }, { "k", "u32" } }
    local r = assert(shm.create(n, Count))
    local worker = [[
      local shm = require "winshm"
      local C = shm.struct { { "pad", "u8" }, { "n", "int64_t" }, { "k", "u32" } }
      local v = assert(shm.open_existing(arg[1], C)):get_mut()
      for _ = 1, 10000 do shm.atomic_add(v, "n", 1) end
      for _ = 1, 2000 do  -- and a compare-and-swap loop
        local old = shm.atomic_load(v, "k")
        while true do
          local ok, seen = shm.atomic_cas(v, "k", old, old + 1)
          if ok then break end
          old = seen
        end
      end
      print("done")
    ]]
    local hs = {}
    for i = 1, 4 do hs[i] = H.spawn(worker, n) end
    for i = 1, 4 do
      local _, out = hs[i]:wait(300)
      assert.equal("done\n", out)
    end
    local v = r:get()
    assert.equal(40000, v.n)
    assert.equal(8000, v.k)
    r:close()
  end)
end)
