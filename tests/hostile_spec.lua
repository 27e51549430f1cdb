-- Hostile contents: another process may leave anything in a region.
-- Whatever the bytes, every type reads as a value of that type, never a
-- crash: strings without a NUL, broken UTF-16 surrogates, UTF-32 above
-- U+10FFFF, bool bytes other than 0 and 1, NaN payloads.
local shm = require "winshm"
local H = require "helper"

local ROUNDS = tonumber(os.getenv("WINSHM_HOSTILE_ROUNDS") or "") or 2000

-- Every scalar type, arrays, text of every width, nesting and a union.
local function hostile_layout()
  local inner = shm.struct({ { "flag", "bool" }, { "v", "int16_t", 3 },
                             name = "Inner" })
  local u = shm.union({ { "i", "int32_t" }, { "f", "float" }, { "b", "bool" },
                        name = "U" })
  return shm.struct({
    { "i8", "int8_t" }, { "u8", "uint8_t" }, { "i16", "int16_t" },
    { "u16", "uint16_t" }, { "i32", "int32_t" }, { "u32", "uint32_t" },
    { "i64", "int64_t" }, { "u64", "uint64_t" }, { "f", "float" },
    { "d", "double" }, { "b", "bool" }, { "c", "char" },
    { "bools", "bool", 5 }, { "fs", "float", 3 }, { "ds", "double", 2 },
    { "grid", "int32_t", { 2, 3 } }, { "bytes", "uint8_t", 7 },
    { "s8", "char", 12 }, { "s16", "char16_t", 9 }, { "s32", "char32_t", 5 },
    { "names", "char", { 3, 4 } }, { "w16", "wchar_t", 6 },
    { "inner", inner }, { "inners", inner, 2 }, { "u", u }, { "ul", "long" },
    name = "Hostile", abi = "windows",
  })
end

local RANGES = {
  i8 = { -128, 127 }, u8 = { 0, 255 }, i16 = { -32768, 32767 },
  u16 = { 0, 65535 }, i32 = { -2147483648, 2147483647 },
  u32 = { 0, 4294967295 }, ul = { -2147483648, 2147483647 },
}

local function check_text(s, max_units, what)
  assert.equal("string", type(s), what)
  assert.is_falsy(s:find("\0", 1, true), what .. " has a NUL")
  if max_units == nil then return end
  assert.is_truthy(utf8.len(s), what .. " is not UTF-8")
  assert.is_true(utf8.len(s) <= max_units, what .. " too long")
end

-- The plain value t (from shm.read) has the shape and types of the layout.
local function check_value(t)
  for k, r in pairs(RANGES) do
    assert.equal("integer", math.type(t[k]), k)
    assert.is_true(t[k] >= r[1] and t[k] <= r[2], k .. " = " .. t[k])
  end
  assert.equal("integer", math.type(t.i64))
  assert.equal("integer", math.type(t.u64))
  assert.equal("float", math.type(t.f))
  assert.equal("float", math.type(t.d))
  assert.equal("boolean", type(t.b))
  assert.equal("string", type(t.c))
  assert.is_true(#t.c <= 1)
  assert.equal(5, #t.bools)
  for _, b in ipairs(t.bools) do assert.equal("boolean", type(b)) end
  for _, x in ipairs(t.fs) do assert.equal("float", math.type(x)) end
  assert.equal(2, #t.grid)
  assert.equal(3, #t.grid[2])
  for _, x in ipairs(t.bytes) do assert.is_true(x >= 0 and x <= 255) end
  check_text(t.s8, nil, "s8")
  assert.is_true(#t.s8 <= 12)
  check_text(t.s16, 9, "s16")
  check_text(t.s32, 5, "s32")
  check_text(t.w16, 6, "w16")
  assert.equal(3, #t.names)
  for _, s in ipairs(t.names) do check_text(s, nil, "names"); assert.is_true(#s <= 4) end
  assert.equal("boolean", type(t.inner.flag))
  assert.equal(2, #t.inners)
  assert.equal("boolean", type(t.u.b))
end

-- NaN-aware deep equality.
local function same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) == "number" then
    if a ~= a then return b ~= b end
    return a == b
  end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

describe("hostile contents", function()
  it("random bytes read safely through every type, thousands of times", function()
    local lay = hostile_layout()
    local size = shm.sizeof(lay)
    local fields = shm.fields(lay)
    assert.equal(26, #fields)
    local l = assert(shm.create(H.name("hostile"), size + 64))
    math.randomseed(20261127)
    local chunk = {}
    for round = 1, ROUNDS do
      for i = 1, size + 64 do chunk[i] = math.random(0, 255) end
      -- now and then, bytes chosen to hurt: all 0xff, all 0x80, surrogates
      if round % 7 == 0 then for i = 1, #chunk do chunk[i] = 0xff end end
      if round % 11 == 0 then for i = 1, #chunk do chunk[i] = (i % 2 == 0) and 0xd8 or 0x00 end end
      l:write_bytes(0, string.char(table.unpack(chunk)))
      local off = round % 2   -- aligned and unaligned views
      local v = l:view(lay, off, "rw")
      local t = shm.read(v)
      check_value(t)
      -- field by field (pairs has its own test below)
      for _, fd in ipairs(fields) do
        local x = v[fd.name]
        if type(x) == "userdata" then shm.read(x) end
      end
      -- what was read can be written back and reads the same
      -- (a union's members share their bytes: written back together the
      -- last declared wins, so the union is checked through that member)
      if round % 10 == 0 then
        shm.write(v, t)
        local back = shm.read(v)
        assert.equal(t.u.b, back.u.b)
        t.u, back.u = nil, nil
        assert.is_true(same(t, back))
      end
    end
    l:close()
  end)

  it("pairs over a fresh view gives field names, nested fields too", function()
    local inner = shm.struct({ { "x", "int32_t" } })
    local lay = shm.struct({ { "a", "int32_t" }, { "arr", "int64_t", 2 },
                             { "in", inner }, { "z", "u8" } })
    local l = assert(shm.create(H.name("pairs"), shm.sizeof(lay)))
    local keys = {}
    for k, v in pairs(l:view(lay, 0)) do   -- a new view: nothing cached yet
      keys[#keys + 1] = k
      assert.is_not_nil(v)
    end
    assert.same({ "a", "arr", "in", "z" }, keys)
    l:close()
  end)

  it("reads the nasty cases as documented", function()
    local lay = shm.struct({ { "b", "bool" }, { "s", "char", 8 },
                             { "u", "char16_t", 4 }, { "w", "char32_t", 2 },
                             { "f", "float" }, { "d", "double" },
                             { "big", "uint64_t" } })
    local l = assert(shm.create(H.name("nasty"), shm.sizeof(lay)))
    local v = l:view(lay, 0, "rw")
    local at = function(f) return shm.offsetof(lay, f) end
    l:write_bytes(at("b"), "\x7f")
    assert.is_true(v.b)                       -- any non-zero byte is true
    l:write_bytes(at("s"), ("A"):rep(8))      -- no NUL at all
    assert.equal(("A"):rep(8), v.s)
    l:write_bytes(at("u"), ("<I2I2I2I2"):pack(0xD800, 0x41, 0xDC00, 0xDFFF))
    assert.is_truthy(utf8.len(v.u))           -- lone surrogates: still UTF-8
    assert.is_truthy(v.u:find("A", 1, true))
    l:write_bytes(at("w"), ("<I4I4"):pack(0x110000, 0xD800))
    assert.is_truthy(utf8.len(v.w))
    for _, bits in ipairs({ 0x7fc00001, 0xffffffff, 0x7f800001 }) do
      l:write_bytes(at("f"), ("<I4"):pack(bits))
      assert.is_true(v.f ~= v.f)              -- NaN, whatever its payload
    end
    l:write_bytes(at("d"), ("<I8"):pack(0x7ff0000000000001))
    assert.is_true(v.d ~= v.d)
    l:write_bytes(at("big"), ("\xff"):rep(8))
    assert.equal(-1, v.big)                   -- 2^64-1 as two's complement
    l:close()
  end)

  it("a region shrunk below its layout by another program is refused #posix", function()
    local lay = shm.struct({ { "x", "double", 1024 } })
    local name = H.name("shrunk")
    local f = assert(io.open("/dev/shm/" .. name, "wb"))
    f:write(("\1"):rep(100))
    f:close()
    finally(function() os.remove("/dev/shm/" .. name) end)
    local l, err = shm.open(name, lay)
    assert.is_nil(l)
    assert.equal("RegionTooSmall", err.kind)
  end, { "posix" })

  -- A region truncated under a mapping (SIGBUS) is tests/truncation_spec.lua.

  -- The host has winshm built in; a require after package.loaded.winshm
  -- was cleared (busted's insulation, a test of globals) may find
  -- winshm.so on LUA_CPATH and load a second copy into the same state.
  -- Both copies share the registry's metatables, so objects of one copy
  -- get closed by the other's functions.
  it("a second copy of the module in the host leaves every object usable", function()
    local name = H.name("twice")
    local ok, out = H.run([[
      local shm = require "winshm"
      local name = ...
      local l = assert(shm.create(name, 64))
      -- (Windows has one namespace for regions and mutexes: other names)
      local m = shm.mutex and assert(shm.mutex(name .. "_m"))
      package.loaded.winshm = nil
      local again = require "winshm"
      local l2 = assert(again.create(name .. "_2", 64))
      local m2 = again.mutex and assert(again.mutex(name .. "_m2"))
      if m then assert(m:lock()); m:unlock(); m:close() end
      if m2 then m2:close() end
      l:close(); l2:close()
      collectgarbage(); collectgarbage()
      io.write("done")
    ]], name)
    assert.is_true(ok, out)
    assert.equal("done", out)
  end)
end)
