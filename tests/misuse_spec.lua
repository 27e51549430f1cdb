-- misuse_spec.lua: what a hostile script may pass winshm's C functions:
-- metamethods fetched with the debug library and called on other values,
-- field names with NUL bytes, sizes that overflow, layouts nested without
-- end, declarations whose text has no end.
local shm = require "winshm"
local H = require "helper"

local Vec = shm.struct { name = "Vec", { "x", "float" }, { "y", "float" } }
local S = shm.struct { name = "S", { "a", "int32_t" }, { "p", Vec },
  { "arr", "int32_t", 4 }, { "vs", Vec, 2 } }

local function err(f, ...)
  local ok, e = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return tostring(e)
end

describe("the metamethods of views", function()
  local k, other, v, sm, am, strangers
  before_each(function()
    k = assert(shm.create(H.name("misuse"), S))
    other = assert(shm.create(H.name("misuse_o"), shm.struct { { "z", "int64_t" } }))
    v = k:get_mut()
    sm, am = debug.getmetatable(v), debug.getmetatable(v.arr)
    strangers = { io.stdout, other:get(), v.arr, v.vs, k, 1, "s", {}, Vec }
  end)
  after_each(function() k:close(); other:close() end)

  it("refuse any other value as their self (struct views)", function()
    local next_field = sm.__pairs(v)
    for _, x in ipairs(strangers) do
      assert.matches("view of this layout expected", err(sm.__index, x, "a"), 1, true)
      assert.matches("view of this layout expected", err(sm.__newindex, x, "a", 1), 1, true)
      assert.matches("view of this layout expected", err(sm.__pairs, x), 1, true)
      assert.matches("view of this layout expected", err(next_field, x, nil), 1, true)
    end
    assert.matches("view expected", err(sm.__tostring, io.stdout), 1, true)
  end)

  it("refuse any other value as their self (array views)", function()
    local next_elem = am.__pairs(v.arr)
    for _, x in ipairs(strangers) do
      if x ~= v.arr and x ~= v.vs then
        assert.matches("array view expected", err(am.__index, x, 1), 1, true)
        assert.matches("array view expected", err(am.__newindex, x, 1, 1), 1, true)
        assert.matches("array view expected", err(am.__len, x), 1, true)
        assert.matches("array view expected", err(am.__pairs, x), 1, true)
        assert.matches("array view expected", err(next_elem, x, 0), 1, true)
      end
    end
    assert.equal(0, v.arr[1])   -- the real ones still work
    assert.equal(4, am.__len(v.arr))
  end)

  it("of links, layouts and errors refuse other values too", function()
    local lm = debug.getmetatable(k)
    for _, name in ipairs({ "read_bytes", "write_bytes", "get", "get_mut", "view",
                            "close", "closed", "name", "size", "access" }) do
      assert.matches("winshm.link expected", err(lm.__index[name], io.stdout), 1, true)
    end
    assert.matches("winshm.link expected", err(lm.__gc, io.stdout), 1, true)
    assert.matches("winshm.layout expected",
      err(debug.getmetatable(S).__tostring, io.stdout), 1, true)
  end)
end)

describe("field names", function()
  it("with a NUL byte are refused at declaration", function()
    assert.matches("field #2 of anonymous struct: a name must be non%-empty and contain "
      .. "no '%.' and no NUL byte", err(shm.struct, { { "a", "int32_t" },
        { "a\0b", "int64_t" } }))
    assert.matches("no NUL byte", err(shm.union, { { "\0", "int8_t" } }))
  end)

  it("are looked up whole: a path with a NUL byte names no field", function()
    local L = shm.struct { { "a", "int32_t" }, { "ab", "int64_t" } }
    local k <close> = assert(shm.create(H.name("nul"), L))
    local v = k:get_mut()
    assert.equal(8, shm.offsetof(L, "ab"))
    assert.matches("no field 'a", err(shm.offsetof, L, "a\0b"), 1, true)
    assert.matches("no field 'a", err(shm.atomic_store, v, "a\0b", 5), 1, true)
    assert.matches("no field", err(function() return v["a\0b"] end), 1, true)
    assert.equal(0, v.a)
    assert.equal(0, v.ab)
  end)
end)

describe("sizes", function()
  it("that overflow in read_bytes and write_bytes are refused", function()
    local k <close> = assert(shm.create(H.name("ovf"), 64))
    local max = math.maxinteger
    assert.matches(max .. " bytes at offset 1 are outside the region (" .. k:size()
      .. " bytes)", err(k.read_bytes, k, 1, max), 1, true)
    assert.matches("outside the region", err(k.read_bytes, k, max, max), 1, true)
    assert.matches("outside the region", err(k.read_bytes, k, 0, math.mininteger), 1, true)
    assert.matches("outside the region", err(k.write_bytes, k, max, "xy"), 1, true)
    assert.matches("outside the region", err(k.write_bytes, k, -1, "x"), 1, true)
    assert.matches("outside link", err(k.view, k, Vec, max), 1, true)
    assert.equal(k:size(), #k:read_bytes())
  end)
end)

describe("nesting", function()
  local function chain(depth)
    local lay = shm.struct { { "x", "int8_t" } }
    for _ = 2, depth do lay = shm.struct { { "x", "int8_t" }, { "n", lay } } end
    return lay
  end

  it("is bounded at declaration, with a message naming the bound", function()
    local deep = chain(100)
    assert.matches("field 'n' of anonymous struct: layouts nest at most 100 deep",
      err(shm.struct, { { "x", "int8_t" }, { "n", deep } }), 1, true)
    assert.matches("layouts nest at most 100 deep",
      err(shm.struct, { { "a", deep, 4 } }), 1, true)
  end)

  it("up to the bound reads, writes, prints and iterates", function()
    local deep = chain(100)
    local k <close> = assert(shm.create(H.name("deep"), deep))
    local v = k:get_mut()
    local t = {}
    local cur = t
    for i = 1, 99 do cur.x = i % 100; cur.n = {}; cur = cur.n end
    cur.x = 7
    shm.write(v, t)
    local back = shm.read(v)
    local p = back
    for _ = 1, 99 do p = p.n end
    assert.equal(7, p.x)
    assert.same(back, shm.read(v, back))
    assert.is_string(tostring(deep))
  end)

  it("tostring stops with a message when anonymous layouts repeat without end", function()
    local lay = shm.struct { { "x", "int8_t" } }
    for _ = 1, 40 do lay = shm.struct { { "a", lay }, { "b", lay } } end
    local t0 = os.clock()
    assert.matches("longer than 64 MB", err(tostring, lay), 1, true)
    assert.is_true(os.clock() - t0 < 20)
  end)
end)
