-- layout_spec.lua: shm.struct / shm.union, their C layout rules, the
-- introspection functions and every way a declaration can be wrong.
local shm = require "winshm"
local H = require "helper"

-- The error a call raises (fails the test when it raises none).
local function err(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end

describe("layouts", function()
  it("run under Lua 5.4", function()
    assert.equal("Lua 5.4", _VERSION)
  end)

  describe("scalar types", function()
    -- name, size (sysv), size (windows)
    local sizes = {
      {"int8_t", 1}, {"i8", 1}, {"signed char", 1},
      {"int16_t", 2}, {"i16", 2}, {"short", 2},
      {"int32_t", 4}, {"i32", 4}, {"int", 4},
      {"int64_t", 8}, {"i64", 8}, {"long long", 8},
      {"uint8_t", 1}, {"u8", 1}, {"unsigned char", 1},
      {"uint16_t", 2}, {"u16", 2}, {"unsigned short", 2},
      {"uint32_t", 4}, {"u32", 4}, {"unsigned int", 4}, {"unsigned", 4},
      {"uint64_t", 8}, {"u64", 8}, {"unsigned long long", 8},
      {"float", 4}, {"f32", 4}, {"double", 8}, {"f64", 8},
      {"bool", 1}, {"char", 1}, {"char16_t", 2}, {"char32_t", 4},
      {"long", 8, 4}, {"unsigned long", 8, 4}, {"wchar_t", 4, 2},
    }
    for _, t in ipairs(sizes) do
      it("knows " .. t[1], function()
        local sysv = shm.struct { { "v", t[1] }, abi = "sysv" }
        local win = shm.struct { { "v", t[1] }, abi = "windows" }
        assert.equal(t[2], shm.sizeof(sysv))
        assert.equal(t[2], shm.alignof(sysv))
        assert.equal(t[3] or t[2], shm.sizeof(win))
        assert.equal(t[3] or t[2], shm.alignof(win))
        -- after a char, the field sits at its own alignment
        local s = shm.struct { { "c", "char" }, { "v", t[1] }, abi = "sysv" }
        assert.equal(t[2], shm.offsetof(s, "v"))
      end)
    end

    it("takes the native ABI by default", function()
      local native = shm.struct { { "l", "long" }, { "w", "wchar_t" } }
      local expect = shm.struct { { "l", "long" }, { "w", "wchar_t" },
        abi = H.windows and "windows" or "sysv" }
      assert.equal(shm.sizeof(expect), shm.sizeof(native))
      assert.equal(shm.sizeof(expect),
        shm.sizeof(shm.struct { { "l", "long" }, { "w", "wchar_t" }, abi = "native" }))
    end)
  end)

  describe("C layout rules", function()
    it("pads fields to their alignment and the size to the whole's", function()
      local s = shm.struct { { "a", "char" }, { "b", "double" }, { "c", "short" } }
      assert.equal(0, shm.offsetof(s, "a"))
      assert.equal(8, shm.offsetof(s, "b"))
      assert.equal(16, shm.offsetof(s, "c"))
      assert.equal(24, shm.sizeof(s))
      assert.equal(8, shm.alignof(s))
    end)

    it("aligns int64 and double to 8 without pack", function()
      local s = shm.struct { { "a", "int32_t" }, { "b", "int64_t" } }
      assert.equal(8, shm.offsetof(s, "b"))
    end)

    it("caps member alignment with pack, as #pragma pack", function()
      local p4 = shm.struct { pack = 4, { "a", "char" }, { "b", "double" },
        { "c", "int64_t" }, { "d", "short" } }
      assert.same({4, 12, 20, 24, 4}, {shm.offsetof(p4, "b"), shm.offsetof(p4, "c"),
        shm.offsetof(p4, "d"), shm.sizeof(p4), shm.alignof(p4)})
      local p2 = shm.struct { pack = 2, { "a", "char" }, { "b", "int" }, { "c", "double" } }
      assert.same({2, 6, 14, 2}, {shm.offsetof(p2, "b"), shm.offsetof(p2, "c"),
        shm.sizeof(p2), shm.alignof(p2)})
      local p1 = shm.struct { pack = 1, { "a", "char" }, { "b", "double" } }
      assert.same({1, 9, 1}, {shm.offsetof(p1, "b"), shm.sizeof(p1), shm.alignof(p1)})
      local p16 = shm.struct { pack = 16, { "a", "char" }, { "b", "double" } }
      assert.same({8, 16}, {shm.offsetof(p16, "b"), shm.sizeof(p16)})
      local w = shm.struct { pack = 4, abi = "windows", { "a", "char" },
        { "b", "double" }, { "c", "uint64_t" } }
      assert.same({4, 12, 20}, {shm.offsetof(w, "b"), shm.offsetof(w, "c"), shm.sizeof(w)})
    end)

    it("caps a nested struct's alignment with pack", function()
      local inner = shm.struct { { "c", "char" }, { "d", "double" } }
      local s = shm.struct { pack = 4, { "a", "char" }, { "i", inner }, { "z", "char" } }
      assert.same({4, 20, 24, 4}, {shm.offsetof(s, "i"), shm.offsetof(s, "z"),
        shm.sizeof(s), shm.alignof(s)})
    end)

    it("raises the whole's alignment with align", function()
      local s = shm.struct { align = 16, { "a", "char" }, { "b", "int" } }
      assert.equal(16, shm.sizeof(s))
      assert.equal(16, shm.alignof(s))
      local t = shm.struct { { "x", "char" }, { "s", s } }
      assert.equal(16, shm.offsetof(t, "s"))
      assert.equal(32, shm.sizeof(t))
      -- align never lowers the natural alignment
      assert.equal(8, shm.alignof(shm.struct { align = 2, { "d", "double" } }))
    end)

    it("adds tail padding with size", function()
      local s = shm.struct { size = 1024, { "a", "int" } }
      assert.equal(1024, shm.sizeof(s))
      assert.equal(4, shm.alignof(s))
    end)

    it("places fields at explicit offsets, later ones continuing after", function()
      local s = shm.struct { { "a", "u8" }, { "b", "u32", offset = 5 }, { "c", "u16" },
        { "d", "u32", offset = 16 }, { "e", "char" } }
      assert.equal(5, shm.offsetof(s, "b"))   -- unaligned on purpose
      assert.equal(10, shm.offsetof(s, "c"))  -- 9 rounded to 2
      assert.equal(16, shm.offsetof(s, "d"))
      assert.equal(20, shm.offsetof(s, "e"))
      assert.equal(24, shm.sizeof(s))
    end)

    it("lays out unions with every member at 0", function()
      local u = shm.union { { "a", "char" }, { "b", "double" }, { "c", "int", 3 } }
      assert.same({0, 0, 0}, {shm.offsetof(u, "a"), shm.offsetof(u, "b"), shm.offsetof(u, "c")})
      assert.equal(16, shm.sizeof(u))
      assert.equal(8, shm.alignof(u))
      local s = shm.struct { { "t", "char" }, { "u", u } }
      assert.equal(8, shm.offsetof(s, "u"))
      assert.equal(24, shm.sizeof(s))
    end)

    it("lays out arrays, multi-dimensional arrays and arrays of structs", function()
      local inner = shm.struct { { "c", "char" }, { "d", "double" } }
      local s = shm.struct { { "s", "short" }, { "arr", inner, 2 }, { "t", "char" },
        { "m", "int16_t", { 2, 3 } }, { "q", "u8", { 2, 2, 2 } } }
      assert.equal(8, shm.offsetof(s, "arr"))
      assert.equal(40, shm.offsetof(s, "t"))
      assert.equal(42, shm.offsetof(s, "m"))
      assert.equal(54, shm.offsetof(s, "q"))
      assert.equal(64, shm.sizeof(s))
    end)

    it("windows and sysv differ only in long and wchar_t", function()
      local spec = function(abi)
        return shm.struct { abi = abi, { "a", "char" }, { "b", "long" },
          { "w", "wchar_t", 3 }, { "c", "unsigned long" } }
      end
      local s, w = spec("sysv"), spec("windows")
      assert.same({8, 16, 32, 40}, {shm.offsetof(s, "b"), shm.offsetof(s, "w"),
        shm.offsetof(s, "c"), shm.sizeof(s)})
      assert.same({4, 8, 16, 20}, {shm.offsetof(w, "b"), shm.offsetof(w, "w"),
        shm.offsetof(w, "c"), shm.sizeof(w)})
    end)
  end)

  describe("introspection", function()
    local vec = shm.struct { name = "Vec3", { "x", "float" }, { "y", "float" }, { "z", "float" } }
    local s = shm.struct { name = "State", { "tick", "unsigned" }, { "pos", vec },
      { "name", "char", 16 }, { "m", "i16", { 2, 3 } }, { "pts", vec, 4 },
      { "any", shm.union { { "i", "int" }, { "f", "float" } } } }

    it("sizeof takes a layout or a view", function()
      assert.equal(12, shm.sizeof(vec))
      local k <close> = assert(shm.create(H.name("sz"), s))
      assert.equal(shm.sizeof(s), shm.sizeof(k:get()))
      assert.equal(12, shm.sizeof(k:get().pos))
      assert.equal(12, shm.sizeof(k:get().m))
      assert.equal(6, shm.sizeof(k:get().m[1]))
      assert.equal(48, shm.sizeof(k:get().pts))
      assert.matches("layout or view expected", err(shm.sizeof, 12))
      assert.matches("layout or view expected", err(shm.sizeof, {}))
    end)

    it("alignof takes a layout", function()
      assert.equal(4, shm.alignof(vec))
      assert.matches("winshm.layout expected", err(shm.alignof, "x"))
    end)

    it("offsetof follows dotted paths", function()
      assert.equal(4, shm.offsetof(s, "pos"))
      assert.equal(8, shm.offsetof(s, "pos.y"))
      assert.equal(shm.offsetof(s, "any"), shm.offsetof(s, "any.f"))
      assert.matches("no field 'nope' in layout 'State'", err(shm.offsetof, s, "nope"))
      assert.matches("no field 'pos.w' in layout 'State'", err(shm.offsetof, s, "pos.w"))
      assert.matches("field 'tick' of layout 'State' is not a struct",
        err(shm.offsetof, s, "tick.x"))
      assert.matches("field 'pts' of layout 'State' is not a struct",
        err(shm.offsetof, s, "pts.x"))
    end)

    it("fields lists fields in declaration order", function()
      local f = shm.fields(s)
      assert.equal(6, #f)
      assert.same({ name = "tick", type = "uint32_t", offset = 0, size = 4, count = 1 }, f[1])
      assert.same({ name = "pos", type = "Vec3", offset = 4, size = 12, count = 1,
        layout = vec }, f[2])
      assert.same({ name = "name", type = "char", offset = 16, size = 16, count = 16,
        dims = { 16 } }, f[3])
      assert.same({ name = "m", type = "int16_t", offset = 32, size = 12, count = 6,
        dims = { 2, 3 } }, f[4])
      assert.equal(4, f[5].count)
      assert.equal("Vec3", f[5].type)
      assert.equal("union", f[6].type)
    end)

    it("tostring gives the C declaration with offsets", function()
      local text = tostring(s)
      assert.matches("^struct State {", text)
      assert.matches("uint32_t tick;  /%* offset 0 %*/", text)
      assert.matches("struct Vec3 pos;  /%* offset 4 %*/", text)
      assert.matches("char name%[16%];  /%* offset 16 %*/", text)
      assert.matches("int16_t m%[2%]%[3%];  /%* offset 32 %*/", text)
      assert.matches("struct Vec3 pts%[4%];  /%* offset 44 %*/", text)
      assert.matches("\n  union {  /%* size 4, align 4 %*/\n" ..
        "    int32_t i;  /%* offset 0 %*/\n    float f;  /%* offset 0 %*/\n" ..
        "  } any;  /%* offset 92 %*/\n", text)
      assert.matches("};$", text)
      assert.matches("size " .. shm.sizeof(s), text)
      assert.matches("^union {", tostring(shm.union { { "a", "int" } }))
      assert.matches("pack 2", tostring(shm.struct { pack = 2, { "a", "int" } }))
    end)

    it("shm.type says layout", function()
      assert.equal("layout", shm.type(vec))
      assert.equal("layout", shm.type(shm.union { { "a", "int" } }))
    end)
  end)

  describe("regions of a layout", function()
    it("are sized by the layout", function()
      local s = shm.struct { { "a", "double", 100 } }
      local k <close> = assert(shm.create(H.name("lsz"), s))
      assert.is_true(k:size() >= 800)
      local big <close> = assert(shm.create(H.name("lsz"), s, { size = 4096 }))
      assert.equal(4096, big:size())
      assert.matches("smaller than the layout",
        err(shm.create, H.name("lsz"), s, { size = 100 }))
    end)

    it("are RegionTooSmall when the region is smaller than the layout", function()
      local name = H.name("small")
      local k <close> = assert(shm.create(name, 16))
      local l, e = shm.open(name, shm.struct { { "a", "u8", 65536 } })
      assert.is_nil(l)
      assert.equal("RegionTooSmall", e.kind)
    end)
  end)

  describe("bad declarations", function()
    it("need a table", function()
      assert.matches("table expected", err(shm.struct, "x"))
      assert.matches("table expected", err(shm.union))
    end)

    it("need fields", function()
      assert.matches("layout 'E' has no fields", err(shm.struct, { name = "E" }))
    end)

    it("reject unknown type names", function()
      local e = err(shm.struct, { name = "T", { "a", "int" }, { "b", "int33_t" } })
      assert.matches("field 'b' of layout 'T': unknown type 'int33_t'", e, 1, true)
      assert.matches("field 'x' of anonymous struct: unknown type 'long double'",
        err(shm.struct, { { "x", "long double" } }), 1, true)
      assert.matches("type must be a type name or a layout, got table",
        err(shm.struct, { { "x", {} } }), 1, true)
      assert.matches("field 'x' of anonymous union", err(shm.union, { { "x", 5 } }), 1, true)
    end)

    it("reject bad counts", function()
      assert.matches("field 'a' of layout 'T': count must be an integer >= 1, got 0",
        err(shm.struct, { name = "T", { "a", "int", 0 } }), 1, true)
      assert.matches("got -3", err(shm.struct, { { "a", "int", -3 } }), 1, true)
      assert.matches("got 2.5", err(shm.struct, { { "a", "int", 2.5 } }), 1, true)
      assert.matches("got '4'", err(shm.struct, { { "a", "int", "4" } }), 1, true)
      assert.matches("got 0", err(shm.struct, { { "a", "int", { 2, 0 } } }), 1, true)
      assert.matches("1 to 8 counts", err(shm.struct, { { "a", "int", {} } }), 1, true)
      assert.matches("1 to 8 counts",
        err(shm.struct, { { "a", "int", { 1, 1, 1, 1, 1, 1, 1, 1, 1 } } }), 1, true)
      -- an integral float is a count
      assert.equal(8, shm.sizeof(shm.struct { { "a", "int", 2.0 } }))
    end)

    it("reject duplicate and bad field names", function()
      assert.matches("field 'a' of layout 'D': duplicate field name",
        err(shm.struct, { name = "D", { "a", "int" }, { "a", "char" } }), 1, true)
      assert.matches("field #1 of layout 'N': name must be a string, got number",
        err(shm.struct, { name = "N", { 1, "int" } }), 1, true)
      assert.matches("field #2 of anonymous struct: name must be a string, got nil",
        err(shm.struct, { { "a", "int" }, { nil, "int" } }), 1, true)
      assert.matches("non-empty", err(shm.struct, { { "", "int" } }), 1, true)
      assert.matches("no '.'", err(shm.struct, { { "a.b", "int" } }), 1, true)
      assert.matches("field #1 of anonymous struct: entry must be a table",
        err(shm.struct, { "a" }), 1, true)
    end)

    it("reject unknown spec keys and field keys", function()
      assert.matches("invalid field name 'pakc' in spec of layout 'K'",
        err(shm.struct, { name = "K", pakc = 4, { "a", "int" } }), 1, true)
      assert.matches("invalid field name 'ofset' in field 'a' of layout 'K'",
        err(shm.struct, { name = "K", { "a", "int", ofset = 4 } }), 1, true)
      assert.matches("too many entries",
        err(shm.struct, { { "a", "int", 1, 2 } }), 1, true)
      assert.matches("invalid index 5",
        err(shm.struct, { { "a", "int" }, [5] = { "b", "int" } }), 1, true)
    end)

    it("reject bad pack, align, size, offset, abi and name", function()
      assert.matches("pack of layout 'P' must be 1, 2, 4, 8 or 16, got 3",
        err(shm.struct, { name = "P", pack = 3, { "a", "int" } }), 1, true)
      assert.matches("got 32", err(shm.struct, { pack = 32, { "a", "int" } }), 1, true)
      assert.matches("pack of anonymous struct must be 1, 2, 4, 8 or 16, got 0",
        err(shm.struct, { pack = 0, { "a", "int" } }), 1, true)
      assert.matches("got 'x'", err(shm.struct, { pack = "x", { "a", "int" } }), 1, true)
      assert.matches("align of layout 'A' must be a power of two up to 4096, got 12",
        err(shm.struct, { name = "A", align = 12, { "a", "int" } }), 1, true)
      assert.matches("align of anonymous struct must be a power of two, got 0",
        err(shm.struct, { align = 0, { "a", "int" } }), 1, true)
      assert.matches("size of layout 'S' (2) is smaller than its fields need (4)",
        err(shm.struct, { name = "S", size = 2, { "a", "int" } }), 1, true)
      assert.matches("size of layout 'Odd' (20) is not a multiple of its alignment (8)",
        err(shm.struct, { name = "Odd", size = 20, { "d", "double" }, { "c", "char" } }), 1, true)
      assert.equal(21, shm.sizeof(shm.struct { pack = 1, size = 21, { "d", "double" } }))
      assert.matches("size of anonymous struct must be an integer >= 1, got 1.5",
        err(shm.struct, { size = 1.5, { "a", "int" } }), 1, true)
      assert.matches("field 'a' of anonymous struct: offset must be an integer >= 0, got -1",
        err(shm.struct, { { "a", "int", offset = -1 } }), 1, true)
      assert.matches("abi of layout 'B' must be 'native', 'windows', 'win32' or 'sysv', got 'win64'",
        err(shm.struct, { name = "B", abi = "win64", { "a", "int" } }), 1, true)
      assert.matches("name of a layout must be a string, got number",
        err(shm.struct, { name = 5, { "a", "int" } }), 1, true)
    end)

    it("take many fields, up to a limit", function()
      local spec, one = {}, shm.struct { { "x", "u8" } }
      for i = 1, 60000 do spec[i] = { "f" .. i, i % 2 == 0 and "u8" or one } end
      local big = shm.struct(spec)
      assert.equal(60000, shm.sizeof(big))
      local k <close> = assert(shm.create(H.name("many"), big))
      local v = k:get_mut()
      v.f59999.x = 7
      v.f60000 = 8
      assert.equal(7, v.f59999.x)
      assert.equal(8, shm.read(v).f60000)
      spec[60001] = { "f60001", "u8" }
      assert.matches("a layout may have at most 60000 fields, got 60001",
        err(shm.struct, spec), 1, true)
    end)

    it("reject sizes that overflow", function()
      assert.matches("field 'big' of layout 'O': the array is too large",
        err(shm.struct, { name = "O", { "big", "double", 2 ^ 62 // 1 } }), 1, true)
      assert.matches("the array is too large",
        err(shm.struct, { { "m", "double", { 2 ^ 31 // 1, 2 ^ 31 // 1, 4 } } }), 1, true)
      local huge = shm.struct { { "a", "u8", 2 ^ 62 // 1 } }
      assert.matches("too large",
        err(shm.struct, { { "x", huge }, { "y", huge }, { "z", huge } }), 1, true)
    end)
  end)
end)
