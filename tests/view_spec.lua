-- view_spec.lua: views over regions: scalar round trips and range checks,
-- arrays, nested structs, shm.read / shm.write, read-only views, bounds,
-- use after close, lifetime and a second process.
local shm = require "winshm"
local H = require "helper"

local function err(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end

-- A fresh region of layout 'lay'; returns the link and a writable view.
local function region(lay, opts)
  local k = assert(shm.create(H.name("view"), lay, opts))
  return k, k:get_mut()
end

local imin, imax = math.mininteger, math.maxinteger

describe("views", function()
  describe("scalars", function()
    -- type, lowest, highest
    local ints = {
      {"int8_t", -128, 127}, {"int16_t", -32768, 32767},
      {"int32_t", -2147483648, 2147483647}, {"int64_t", imin, imax},
      {"uint8_t", 0, 255}, {"uint16_t", 0, 65535}, {"uint32_t", 0, 4294967295},
      {"signed char", -128, 127}, {"short", -32768, 32767}, {"unsigned", 0, 4294967295},
      {"long long", imin, imax}, {"unsigned char", 0, 255},
    }
    for _, t in ipairs(ints) do
      it("round-trips the extremes of " .. t[1] .. " and rejects beyond", function()
        local lay = shm.struct { name = "I", { "pad", "u8" }, { "v", t[1] } }
        local k <close>, v = region(lay)
        v.v = t[2]; assert.equal(t[2], v.v)
        assert.equal("integer", math.type(v.v))
        v.v = t[3]; assert.equal(t[3], v.v)
        v.v = 7.0; assert.equal(7, v.v)
        assert.equal("integer", math.type(v.v))
        v.v = t[3]
        if t[2] ~= imin then
          assert.matches("field 'v' of layout 'I': " .. (t[2] - 1) .. " is out of range",
            err(function() v.v = t[2] - 1 end), 1, true)
          assert.matches("field 'v' of layout 'I': " .. (t[3] + 1) .. " is out of range",
            err(function() v.v = t[3] + 1 end), 1, true)
        end
        assert.matches("field 'v' of layout 'I': expected an integer, got number 1.5",
          err(function() v.v = 1.5 end), 1, true)
        assert.matches("expected an integer, got string '3'", err(function() v.v = "3" end), 1, true)
        assert.matches("expected an integer, got nil", err(function() v.v = nil end), 1, true)
        assert.matches("expected an integer, got boolean true",
          err(function() v.v = true end), 1, true)
        assert.matches("expected an integer, got number inf",
          err(function() v.v = math.huge end), 1, true)
        assert.equal(t[3], v.v)  -- none of the failures wrote
      end)
    end

    it("reads uint64 above 2^63-1 as negative integers and writes them back bit-exact", function()
      local lay = shm.struct { { "u", "uint64_t" }, { "w", "u64" }, { "l", "unsigned long long" } }
      local k <close>, v = region(lay)
      v.u = -1
      assert.equal(-1, v.u)
      assert.equal(("\255"):rep(8), k:read_bytes(0, 8))
      v.u = imin
      assert.equal(imin, v.u)
      assert.equal(("\0"):rep(7) .. "\128", k:read_bytes(0, 8))
      v.w = 2.0 ^ 63          -- a float above maxinteger, still integral
      assert.equal(imin, v.w)
      v.w = 2.0 ^ 64 - 2048
      assert.equal(-2048, v.w)
      assert.matches("expected an integer", err(function() v.w = 2.0 ^ 64 end))
      assert.matches("expected an integer", err(function() v.w = -0.5 end))
      v.l = imax
      assert.equal(imax, v.l)
      k:write_bytes(8, ("\255"):rep(7) .. "\127")
      assert.equal(imax, v.w)
      assert.is_true(math.ult(imax, v.u))
    end)

    it("long and unsigned long follow the ABI", function()
      local w = shm.struct { abi = "windows", { "l", "long" }, { "u", "unsigned long" } }
      local s = shm.struct { abi = "sysv", { "l", "long" }, { "u", "unsigned long" } }
      local k1 <close>, v1 = region(w)
      local k2 <close>, v2 = region(s)
      v1.l = -2147483648; v1.u = 4294967295
      assert.same({-2147483648, 4294967295}, {v1.l, v1.u})
      assert.matches("out of range", err(function() v1.l = 2147483648 end))
      assert.matches("out of range", err(function() v1.u = -1 end))
      v2.l = imin; v2.u = -1
      assert.same({imin, -1}, {v2.l, v2.u})
    end)

    it("stores doubles exactly and floats rounded", function()
      local lay = shm.struct { name = "F", { "d", "double" }, { "f", "float" },
        { "d2", "f64" }, { "f2", "f32" } }
      local k <close>, v = region(lay)
      for _, x in ipairs { 0.1, -0.0, 1e308, -1e-308, 5e-324, math.pi, 2 ^ 53 + 0.0 } do
        v.d = x
        assert.equal(x, v.d)
      end
      v.d = 3
      assert.equal("float", math.type(v.d))
      v.d = math.huge; assert.equal(math.huge, v.d)
      v.d = -math.huge; assert.equal(-math.huge, v.d)
      v.d = 0 / 0; assert.is_true(v.d ~= v.d)
      v.f = 0.1
      assert.equal(string.unpack("<f", string.pack("<f", 0.1)), v.f)
      assert.is_true(v.f ~= 0.1)
      v.f = 16777217  -- rounds to even
      assert.equal(16777216.0, v.f)
      v.f = 3.4028234663852886e38
      assert.equal(3.4028234663852886e38, v.f)
      v.f = -math.huge; assert.equal(-math.huge, v.f)
      v.f2 = 0 / 0; assert.is_true(v.f2 ~= v.f2)
      assert.matches("field 'f' of layout 'F': 1e+39 is out of range for float",
        err(function() v.f = 1e39 end), 1, true)
      assert.matches("out of range for float", err(function() v.f = -3.5e38 end))
      assert.matches("field 'd' of layout 'F': expected a number, got string '1'",
        err(function() v.d = "1" end), 1, true)
      assert.matches("expected a number, got nil", err(function() v.f2 = nil end))
      assert.matches("expected a number, got boolean false", err(function() v.d2 = false end))
    end)

    it("reads NaN payloads of any kind", function()
      local lay = shm.struct { { "d", "double" }, { "f", "float" } }
      local k <close>, v = region(lay)
      k:write_bytes(0, string.pack("<I8", 0x7ff0000000000001))  -- signalling NaN
      k:write_bytes(8, string.pack("<I4", 0xffc00001))
      assert.is_true(v.d ~= v.d)
      assert.is_true(v.f ~= v.f)
      k:write_bytes(0, string.pack("<I8", -1))
      assert.is_true(v.d ~= v.d)
    end)

    it("takes booleans only into bool and reads any non-zero byte as true", function()
      local lay = shm.struct { name = "B", { "b", "bool" }, { "c", "_Bool" } }
      local k <close>, v = region(lay)
      assert.is_false(v.b)
      v.b = true
      assert.is_true(v.b)
      assert.equal("\1", k:read_bytes(0, 1))
      v.b = false
      assert.equal("\0", k:read_bytes(0, 1))
      k:write_bytes(0, "\127\255")
      assert.is_true(v.b)
      assert.is_true(v.c)
      assert.matches("field 'b' of layout 'B': expected a boolean, got number 1",
        err(function() v.b = 1 end), 1, true)
      assert.matches("expected a boolean, got nil", err(function() v.b = nil end))
      assert.matches("expected a boolean, got string 'true'", err(function() v.b = "true" end))
    end)

    it("stores little-endian at the layout's offsets", function()
      local lay = shm.struct { pack = 1, { "a", "u8" }, { "b", "u32" }, { "c", "i16" } }
      local k <close>, v = region(lay)
      v.a = 1; v.b = 0x04030201; v.c = -2
      assert.equal("\1\1\2\3\4\254\255", k:read_bytes(0, 7))
    end)
  end)

  describe("fields", function()
    local Vec = shm.struct { name = "Vec3", { "x", "float" }, { "y", "float" }, { "z", "float" } }
    local U = shm.union { name = "U", { "i", "uint32_t" }, { "f", "float" }, { "b", "u8", 4 } }
    local S = shm.struct { name = "State", { "tick", "u32" }, { "pos", Vec }, { "u", U },
      { "arr", "i32", 4 }, { "m", "i16", { 2, 3 } }, { "pts", Vec, 3 },
      { "cube", "u8", { 2, 2, 2 } } }

    it("raise for unknown fields", function()
      local k <close>, v = region(S)
      assert.matches("no field 'nope' in layout 'State'", err(function() return v.nope end), 1, true)
      assert.matches("no field 'nope' in layout 'State'", err(function() v.nope = 1 end), 1, true)
      assert.matches("no field 'w' in layout 'Vec3'", err(function() return v.pos.w end), 1, true)
      assert.matches("no field 1 in layout 'State'", err(function() return v[1] end), 1, true)
    end)

    it("nest structs and unions", function()
      local k <close>, v = region(S)
      v.pos.x = 1.5; v.pos.z = -2
      assert.equal(1.5, v.pos.x)
      assert.equal(-2.0, v.pos.z)
      assert.equal(shm.offsetof(S, "pos.x"), 4)
      v.u.f = 1.0
      assert.equal(0x3f800000, v.u.i)
      assert.equal(0x3f, v.u.b[4])
      v.u.b[1] = 0xff
      assert.equal(0x3f8000ff, v.u.i)
      assert.equal("view", shm.type(v.pos))
      assert.equal(v.pos, v.pos)   -- one child view, cached
    end)

    it("give 1-based arrays with #, ipairs and pairs", function()
      local k <close>, v = region(S)
      local a = v.arr
      assert.equal(4, #a)
      for i = 1, #a do a[i] = i * 10 end
      local seen = {}
      for i, x in ipairs(a) do seen[i] = x end
      assert.same({10, 20, 30, 40}, seen)
      seen = {}
      for i, x in pairs(a) do seen[#seen + 1] = { i, x } end
      assert.same({{1, 10}, {2, 20}, {3, 30}, {4, 40}}, seen)
      assert.equal(10, string.unpack("<i4", k:read_bytes(shm.offsetof(S, "arr"), 4)))
      assert.matches("field 'arr' of layout 'State': index 0 out of range 1..4",
        err(function() return a[0] end), 1, true)
      assert.matches("index 5 out of range 1..4", err(function() return a[5] end), 1, true)
      assert.matches("index 5 out of range 1..4", err(function() a[5] = 1 end), 1, true)
      assert.matches("index -1 out of range", err(function() return a[-1] end), 1, true)
      assert.matches("array index must be an integer, got string 'x'",
        err(function() return a.x end), 1, true)
      assert.matches("array index must be an integer, got string '1'",
        err(function() return a["1"] end), 1, true)
      assert.matches("array index must be an integer, got number 1.5",
        err(function() return a[1.5] end), 1, true)
      assert.equal(20, a[2.0])
      assert.matches("field 'arr' of layout 'State': element 2: 2147483648 is out of range",
        err(function() a[2] = 2147483648 end), 1, true)
      assert.equal(20, a[2])
    end)

    it("give rows of multi-dimensional arrays, row-major", function()
      local k <close>, v = region(S)
      assert.equal(2, #v.m)
      assert.equal(3, #v.m[1])
      v.m[1][1] = 1; v.m[1][3] = 3; v.m[2][1] = 4; v.m[2][3] = -6
      local off = shm.offsetof(S, "m")
      assert.same({1, 0, 3, 4, 0, -6, 13},
        { string.unpack("<i2i2i2i2i2i2", k:read_bytes(off, 12)) })
      assert.matches("index 3 out of range 1..2", err(function() return v.m[3] end), 1, true)
      assert.matches("index 4 out of range 1..3", err(function() return v.m[1][4] end), 1, true)
      assert.matches("expected a table", err(function() v.m[1] = 5 end), 1, true)
      v.cube[2][1][2] = 9
      assert.equal(9, v.cube[2][1][2])
      assert.equal(9, k:read_bytes(shm.offsetof(S, "cube") + 5, 1):byte())
      local rows = {}
      for i, row in ipairs(v.m) do rows[i] = #row end
      assert.same({3, 3}, rows)
      assert.equal(v.m[2], v.m[2])
    end)

    it("give arrays of structs", function()
      local k <close>, v = region(S)
      assert.equal(3, #v.pts)
      v.pts[3].y = 7
      assert.equal(7.0, v.pts[3].y)
      assert.equal(0.0, v.pts[2].y)
      assert.equal(7.0, string.unpack("<f", k:read_bytes(shm.offsetof(S, "pts") + 2 * 12 + 4, 4)))
      local n = 0
      for _, p in ipairs(v.pts) do n = n + p.y end
      assert.equal(7.0, n)
      v.pts[1] = { x = 1, z = 3 }
      assert.same({1.0, 0.0, 3.0}, { v.pts[1].x, v.pts[1].y, v.pts[1].z })
    end)

    it("assign tables to struct and array fields", function()
      local k <close>, v = region(S)
      v.pos = { x = 1, y = 2 }
      assert.same({1.0, 2.0, 0.0}, { v.pos.x, v.pos.y, v.pos.z })
      v.arr = { 5, 6 }
      assert.same({5, 6, 0, 0}, shm.read(v.arr))
      assert.matches("field 'pos' of layout 'State': expected a table, got number",
        err(function() v.pos = 1 end), 1, true)
      assert.matches("field 'pos.z' of layout 'State': expected a number, got string 'no'",
        err(function() v.pos = { x = 9, z = "no" } end), 1, true)
      assert.equal(1.0, v.pos.x)  -- nothing written
    end)

    it("iterate fields in declaration order with pairs", function()
      local k <close>, v = region(S)
      v.tick = 3
      local names = {}
      for name, value in pairs(v) do
        names[#names + 1] = name
        if name == "tick" then assert.equal(3, value) end
        if name == "pos" then assert.equal("view", shm.type(value)) end
      end
      assert.same({"tick", "pos", "u", "arr", "m", "pts", "cube"}, names)
    end)

    it("keep their metatables and iterators to themselves", function()
      local k <close>, v = region(S)
      local other = shm.struct { { "tick", "u32" } }
      local k2 <close> = assert(shm.create(H.name("other"), other))
      assert.equal("winshm.view", getmetatable(v))
      assert.equal("winshm.view", getmetatable(v.arr))
      local next_field = pairs(v)
      assert.matches("view of this layout expected",
        err(next_field, k2:get(), nil), 1, true)
      assert.matches("view of this layout expected", err(next_field, io.stdout), 1, true)
      assert.matches("view of this layout expected", err(next_field, v.arr), 1, true)
      assert.matches("no field 'nope'", err(next_field, v, "nope"), 1, true)
      local next_elem = pairs(v.arr)
      assert.matches("array view expected", err(next_elem, v, 0), 1, true)
      assert.matches("view expected", err(next_elem, io.stdout, 0), 1, true)
      assert.same({ 1, 0 }, { next_elem(v.arr, 0) })
      assert.is_nil(next_elem(v.arr, 4))
    end)

    it("resolve scalar fields for atomics by dotted paths", function()
      local k <close>, v = region(S)
      v.u.i = 4
      assert.equal(4, shm.atomic_add(v, "u.i", 1))
      assert.equal(5, v.u.i)
      assert.matches("field .y. of layout .Vec3.: atomic operations need an integer field",
        err(shm.atomic_load, v.pos, "y"))
      assert.matches("no field 'pos.w' in layout 'State'",
        err(shm.atomic_load, v, "pos.w"), 1, true)
      assert.matches("field 'arr' of layout 'State' is not a scalar",
        err(shm.atomic_load, v, "arr"), 1, true)
      assert.matches("field 'pos' of layout 'State' is not a scalar",
        err(shm.atomic_load, v, "pos"), 1, true)
      assert.matches("field 'tick' of layout 'State' is not a struct",
        err(shm.atomic_load, v, "tick.x"), 1, true)
      assert.matches("field 'pts' of layout 'State' is not a struct",
        err(shm.atomic_load, v, "pts.x"), 1, true)
      assert.matches("struct view expected", err(shm.atomic_load, v.arr, 1), 1, true)
    end)

    it("cost no garbage in long loops over scalars", function()
      local k <close>, v = region(shm.struct { { "n", "u32" }, { "pos", Vec },
        { "a", "u16", 100000 }, { "p", Vec, 10000 } })
      local a, sum = v.a, 0
      collectgarbage(); collectgarbage("stop")
      local before = collectgarbage("count")
      for i = 1, #a do sum = sum + a[i] + v.n + v.pos.x end
      local grown = collectgarbage("count") - before
      collectgarbage("restart")
      assert.equal(0, sum)
      assert.is_true(grown < 4, "grew " .. grown .. " KiB")
      -- struct elements are views, but the GC can take them back
      collectgarbage()
      before = collectgarbage("count")
      for _ = 1, 5 do
        for i = 1, #v.p do sum = sum + v.p[i].x end
      end
      collectgarbage()
      assert.is_true(collectgarbage("count") - before < 1024)
    end)
  end)

  describe("shm.read and shm.write", function()
    it("write a union given several members in declaration order", function()
      local U = shm.union { name = "U", { "i", "uint32_t" }, { "b", "uint8_t" } }
      local S = shm.struct { name = "S", { "u", U } }
      local l = assert(shm.create(H.name("uwrite"), S))
      local v = l:get_mut()
      -- whatever order the table holds them in, b (declared last) wins
      for _, t in ipairs({ { i = 0x11223344, b = 0xff }, { b = 0xff, i = 0x11223344 } }) do
        v.u.i = 0
        local u = {}
        for k, x in pairs(t) do u[k] = x end
        shm.write(v, { u = u })
        assert.equal(0x112233ff, v.u.i)
      end
      l:close()
    end)

    local Vec = shm.struct { name = "Vec3", { "x", "float" }, { "y", "float" }, { "z", "float" } }
    local S = shm.struct { name = "Game", { "tick", "u32" }, { "alive", "bool" },
      { "pos", Vec }, { "arr", "i8", 3 }, { "m", "u8", { 2, 2 } }, { "pts", Vec, 2 },
      { "name", "char", 8 }, { "big", "u64" } }

    it("read copies deeply into plain tables", function()
      local k <close>, v = region(S)
      v.tick = 9; v.alive = true; v.pos.y = 2; v.arr[3] = -1; v.m[2][1] = 7
      v.pts[2].z = 5; v.name = "bob"; v.big = -1
      local t = shm.read(v)
      assert.same({ tick = 9, alive = true, pos = { x = 0, y = 2, z = 0 }, arr = { 0, 0, -1 },
        m = { { 0, 0 }, { 7, 0 } }, pts = { { x = 0, y = 0, z = 0 }, { x = 0, y = 0, z = 5 } },
        name = "bob", big = -1 }, t)
      assert.is_nil(getmetatable(t))
      assert.same({ { 0, 0 }, { 7, 0 } }, shm.read(v.m))
      assert.same({ 7, 0 }, shm.read(v.m[2]))
      assert.same({ x = 0, y = 0, z = 5 }, shm.read(v.pts[2]))
      assert.same({ { x = 0, y = 0, z = 0 }, { x = 0, y = 0, z = 5 } }, shm.read(v.pts))
      v.tick = 10
      assert.equal(9, t.tick)  -- a copy
    end)

    it("write assigns deeply and partially", function()
      local k <close>, v = region(S)
      v.tick = 1; v.pos.x = 1
      shm.write(v, { alive = true, pos = { y = 2 }, arr = { [2] = 5 }, m = { [2] = { 3 } },
        pts = { [2] = { x = 4 } }, name = "ann" })
      assert.same({ tick = 1, alive = true, pos = { x = 1, y = 2, z = 0 }, arr = { 0, 5, 0 },
        m = { { 0, 0 }, { 3, 0 } }, pts = { { x = 0, y = 0, z = 0 }, { x = 4, y = 0, z = 0 } },
        name = "ann", big = 0 }, shm.read(v))
      shm.write(v.pts, { { y = 1 } })
      assert.equal(1.0, v.pts[1].y)
      shm.write(v.m[1], { 8, 9 })
      assert.same({ 8, 9 }, shm.read(v.m[1]))
      shm.write(v.pos, {})
      assert.equal(2.0, v.pos.y)
    end)

    it("write validates everything before writing anything", function()
      local k <close>, v = region(S)
      shm.write(v, { tick = 5, pos = { x = 1 }, name = "x" })
      local before = k:read_bytes()
      local function unchanged(t, msg)
        assert.matches(msg, err(shm.write, v, t), 1, true)
        assert.equal(before, k:read_bytes())
      end
      unchanged({ tick = 6, pos = { x = 2, w = 1 } },
        "field 'pos' of layout 'Game': no field 'w' in layout 'Vec3'")
      unchanged({ tick = 6, nope = 1 }, "no field 'nope' in layout 'Game'")
      unchanged({ tick = 6, [1] = 1 }, "no field 1 in layout 'Game'")
      unchanged({ tick = -1, pos = { x = 2 } },
        "field 'tick' of layout 'Game': -1 is out of range for uint32_t")
      unchanged({ tick = 6, arr = { 1, 2, 3, 4 } },
        "field 'arr' of layout 'Game': index 4 out of range 1..3")
      unchanged({ tick = 6, arr = { 1, 2, 300 } },
        "field 'arr[3]' of layout 'Game': 300 is out of range for int8_t")
      unchanged({ tick = 6, m = { { 1 }, { 1, 2, 3 } } }, "field 'm[2]' of layout 'Game': index 3")
      unchanged({ tick = 6, pts = { [2] = { y = "a" } } },
        "field 'pts[2].y' of layout 'Game': expected a number, got string 'a'")
      unchanged({ tick = 6, pts = { x = 1 } }, "field 'pts' of layout 'Game': index 'x' out of range")
      unchanged({ tick = 6, name = "too long!" },
        "field 'name' of layout 'Game': string of 9 bytes is too long for char[8]")
      unchanged({ tick = 6, alive = 1 }, "field 'alive' of layout 'Game': expected a boolean")
      unchanged({ tick = 6, pos = 1 }, "field 'pos' of layout 'Game': expected a table, got number")
      unchanged({ tick = 6, arr = 1 }, "expected a table (array of 3), got number")
      unchanged({ tick = 6, pts = { 1 } }, "field 'pts[1]' of layout 'Game': expected a table")
      unchanged({ tick = 6.5 }, "expected an integer, got number 6.5")
      assert.matches("table expected", err(shm.write, v, 5))
      assert.matches("view expected", err(shm.write, {}, {}))
      assert.matches("view expected", err(shm.read, {}))
      assert.matches("view expected", err(shm.read, S))
    end)

    it("write raises on a read-only view", function()
      local k <close>, v = region(S)
      local r = k:get()
      assert.matches("attempt to write layout 'Game' through a read-only view",
        err(shm.write, r, { tick = 1 }), 1, true)
      assert.matches("read-only view", err(shm.write, r.pos, { x = 1 }), 1, true)
      assert.equal(0, v.tick)
    end)
  end)

  describe("from links", function()
    local S = shm.struct { name = "L", { "a", "u32" }, { "pos", shm.struct { { "x", "double" } } },
      { "arr", "u8", 4 } }

    it("get gives a read-only view", function()
      local k <close>, v = region(S)
      v.a = 5
      local r = k:get()
      assert.equal(5, r.a)
      assert.matches("attempt to write field 'a' of layout 'L' through a read-only view",
        err(function() r.a = 1 end), 1, true)
      assert.matches("read-only view", err(function() r.pos.x = 1 end), 1, true)
      assert.matches("read-only view", err(function() r.arr[1] = 1 end), 1, true)
      assert.matches("read-only view", err(function() r.pos = {} end), 1, true)
      assert.equal(5, r.a)
      assert.matches("ReadOnly", tostring(r))
      assert.matches("ReadWrite", tostring(v))
      assert.equal("winshm.view", getmetatable(r))
    end)

    it("get_mut raises on a ReadOnly link", function()
      local name = H.name("ro")
      local k <close> = assert(shm.create(name, S))
      k:get_mut().a = 77
      local ro <close> = assert(shm.open(name, S))
      assert.equal("ReadOnly", ro:access())
      assert.equal(77, ro:get().a)
      assert.matches("is ReadOnly", err(ro.get_mut, ro), 1, true)
      assert.matches("is ReadOnly", err(ro.view, ro, S, 0, "rw"), 1, true)
      assert.matches("read-only view", err(function() ro:view(S, 0).a = 1 end), 1, true)
      local rw <close> = assert(shm.open_existing(name, S))
      rw:get_mut().a = 78
      assert.equal(78, ro:get().a)
    end)

    it("get raises on a link without a layout", function()
      local k <close> = assert(shm.create(H.name("raw"), 64))
      assert.matches("has no layout", err(k.get, k), 1, true)
      assert.matches("has no layout", err(k.get_mut, k), 1, true)
    end)

    it("view is bounds-checked", function()
      local k <close> = assert(shm.create(H.name("bounds"), 4096))
      local size = shm.sizeof(S)
      local v = k:view(S, 4096 - size, "rw")
      v.a = 9
      assert.equal(9, string.unpack("<I4", k:read_bytes(4096 - size, 4)))
      assert.equal(9, k:view(S, 4096 - size).a)
      assert.matches("layout 'L' (" .. size .. " bytes) at offset " .. (4097 - size) ..
        " is outside link", err(k.view, k, S, 4097 - size), 1, true)
      assert.matches("outside link", err(k.view, k, S, -1), 1, true)
      assert.matches("outside link", err(k.view, k, S, 1 << 62), 1, true)
      assert.matches("outside link", err(k.view, k, shm.struct { { "b", "u8", 4097 } }, 0), 1, true)
      assert.matches("invalid option 'w'", err(k.view, k, S, 0, "w"), 1, true)
      assert.matches("winshm.layout expected", err(k.view, k, 5, 0), 1, true)
      assert.equal(0, k:view(S).a)
      assert.matches("read-only view", err(function() k:view(S, 0, "r").a = 1 end), 1, true)
    end)

    it("raise on every access after close, never touching memory", function()
      local k, v = region(S)
      local pos, arr, r = v.pos, v.arr, k:get()
      k:close()
      local closed = "attempt to use a closed link"
      assert.matches(closed, err(function() return v.a end), 1, true)
      assert.matches(closed, err(function() v.a = 1 end), 1, true)
      assert.matches(closed, err(function() return v.pos end), 1, true)
      assert.matches(closed, err(function() return pos.x end), 1, true)
      assert.matches(closed, err(function() pos.x = 1 end), 1, true)
      assert.matches(closed, err(function() return arr[1] end), 1, true)
      assert.matches(closed, err(function() arr[1] = 1 end), 1, true)
      assert.matches(closed, err(function() return arr[9] end), 1, true)
      assert.matches(closed, err(function() return #arr end), 1, true)
      assert.matches(closed, err(function() for _ in ipairs(arr) do end end), 1, true)
      assert.matches(closed, err(function() for _ in pairs(arr) do end end), 1, true)
      assert.matches(closed, err(function() for _ in pairs(v) do end end), 1, true)
      assert.matches(closed, err(function() return r.nope end), 1, true)
      assert.matches(closed, err(shm.read, v), 1, true)
      assert.matches(closed, err(shm.read, arr), 1, true)
      assert.matches(closed, err(shm.write, v, { a = 1 }), 1, true)
      assert.matches(closed, err(shm.sizeof, v), 1, true)
      assert.matches(closed, err(k.get, k), 1, true)
      assert.matches(closed, err(k.view, k, S, 0), 1, true)
      assert.matches("closed", tostring(v))
      assert.equal("view", shm.type(v))
    end)

    it("keep their link alive", function()
      local name = H.name("alive")
      local v
      do
        local k = assert(shm.create(name, S))
        v = k:get_mut()
      end
      collectgarbage(); collectgarbage()
      v.a = 42
      v.pos.x = 2.5
      assert.equal(42, v.a)
      if not H.windows then assert.is_true(H.shm_exists(name)) end
      local other <close> = assert(shm.open(name, S))
      assert.equal(42, other:get().a)
      local child = v.pos
      v = nil
      collectgarbage(); collectgarbage()
      assert.equal(2.5, child.x)
    end)

    it("are seen by another process", function()
      local name = H.name("xproc")
      local k <close>, v = region(S)
      local k2 <close> = assert(shm.create(name, S))
      local w = k2:get_mut()
      w.a = 123456; w.pos.x = -0.25; w.arr[4] = 200
      local ok, out = H.run([[
        local shm = require "winshm"
        local S = shm.struct { name = "L", { "a", "u32" },
          { "pos", shm.struct { { "x", "double" } } }, { "arr", "u8", 4 } }
        local k = assert(shm.open_existing(arg[1], S))
        local v = k:get_mut()
        io.write(v.a, " ", v.pos.x, " ", v.arr[4])
        v.a = v.a + 1
      ]], name)
      assert.is_true(ok, out)
      assert.equal("123456 -0.25 200", out)
      assert.equal(123457, w.a)
    end)
  end)
end)
