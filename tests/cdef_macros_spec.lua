-- cdef_macros_spec.lua: shm.cdef's macros and its limits -- a macro means
-- what it means where it is used; function-like macros in values and
-- attributes; every input finishes in time and memory close to linear in
-- its size (macro chains that double at each step, tens of thousands of
-- fields and declarations), and what cannot be bounded is refused with a
-- message that names the limit.
local shm = require "winshm"
local H = require "helper"
local macros = require "winshm.cdef.macros"

local fails = require("cdef_helper").fails

-- src's result and the CPU seconds shm.cdef took.
local function timed(src, opts)
  local t0 = os.clock()
  local r = shm.cdef(src, opts)
  return r, os.clock() - t0
end

local function chain(n, body)
  local t = { "#define A0 1" }
  for i = 1, n do t[#t + 1] = ("#define A%d " .. body):format(i, i - 1, i - 1) end
  return table.concat(t, "\n") .. "\n"
end

describe("shm.cdef macros", function()
  describe("where they are used", function()
    it("mean what they are defined as there, before an #undef or a redefinition", function()
      local r = shm.cdef [[
        #define N 4
        struct A { char x[N]; };
        #undef N
        #define N 8
        struct B { char y[N]; };
        #define PACKED __attribute__((packed))
        struct PACKED P { char c; int i; };
        #undef PACKED
        #define LATE (N + M)
        #define M 1
        struct C { char z[LATE]; };
        #undef M
        #define M 2
        struct D { char z[LATE]; };
      ]]
      assert.same({ 4, 8, 5, 9, 10 }, { shm.sizeof(r.A), shm.sizeof(r.B), shm.sizeof(r.P),
        shm.sizeof(r.C), shm.sizeof(r.D) })
      assert.equal(10, r.constants.LATE) -- constants: as defined at the end
      assert.is_nil(r.constants.PACKED)
    end)

    it("stand for types, attributes, qualifiers and pragmas", function()
      local r = shm.cdef [[
        #define REAL double
        #define EXPORT __declspec(dllexport)
        #define CALL __stdcall
        #define PACK_BEGIN __pragma(pack(push, 1))
        #define PACK_END __pragma(pack(pop))
        PACK_BEGIN
        struct S { char c; REAL x; };
        PACK_END
        struct T { char c; REAL x; };
        typedef int (CALL *Fn)(int);
        EXPORT int CALL f(int);
      ]]
      assert.same({ 9, 16 }, { shm.sizeof(r.S), shm.sizeof(r.T) })
      assert.equal("uint64_t", r.Fn)
    end)
  end)

  describe("function-like", function()
    it("expand in values as C substitutes them", function()
      local r = shm.cdef [[
        #define MAKE_VERSION(major, minor) (((major) << 16) | (minor))
        #define SQ(x) x * x
        #define ADD2(b, c) (b + c)
        #define ADD3(a, ...) (a + ADD2(__VA_ARGS__))
        #define ALIGN_UP(n, a) (((n) + (a) - 1) & ~((a) - 1))
        enum { V = MAKE_VERSION(1, 2), S = SQ(1 + 2), T = ADD3(1, 2, 3) };
        struct B { char b[ALIGN_UP(13, 8)]; };
        #if MAKE_VERSION(1, 2) >= 0x10000
        struct Yes { int y; };
        #endif
      ]]
      assert.same({ 65538, 5, 6 }, { r.constants.V, r.constants.S, r.constants.T })
      assert.equal(16, shm.sizeof(r.B))
      assert.equal("layout", shm.type(r.Yes))
    end)

    it("stand for attributes", function()
      local r = shm.cdef [[
        #define DECLSPEC_ALIGN(x) __declspec(align(x))
        #define PACKED_STRUCT(name) struct __attribute__((packed)) name
        struct DECLSPEC_ALIGN(16) V4 { float x, y, z, w; };
        struct A { char c; int DECLSPEC_ALIGN(8) x; };
      ]]
      assert.same({ 16, 8 }, { shm.alignof(r.V4), shm.offsetof(r.A, "x") })
    end)

    it("refuse what they cannot do, saying so", function()
      assert.equal("cdef:2:19: macro 'F' takes 2 arguments, got 1",
        fails("#define F(a, b) (a + b)\nstruct A { char x[F(1)]; };"))
      assert.equal("cdef:2:19: macro 'CAT' uses # or ##, which shm.cdef does not support:"
        .. " write the declaration it makes by hand",
        fails("#define CAT(a, b) a##b\nstruct A { char x[CAT(1, 2)]; };"))
      assert.equal("cdef:2:21: macro 'F' refers to itself",
        fails("#define F(x) F(x)\nstruct A { char x[F(1)]; };"))
      assert.equal("cdef:2:18: function-like macro 'F' needs its arguments here",
        fails("#define F(x) x\nstruct A { int x[F]; };"))
    end)
  end)

  describe("limits", function()
    it("evaluate a chain of macros that each use the one before twice once each", function()
      -- (evaluated again at each use, A40 would take 2^40 steps)
      local r, t = timed(chain(40, "(A%d + A%d)") .. "struct S { char x[A40 / (1LL << 38)]; };")
      assert.equal(1 << 40, r.constants.A40)
      assert.equal(4, shm.sizeof(r.S))
      assert.is_true(t < 10, ("%.1f s"):format(t))
      -- a chain past 64 bits: each macro past it is noted, in linear time
      local r2, t2 = timed(chain(400, "(A%d + A%d)"))
      assert.equal(1 << 62, r2.constants.A62)
      assert.is_nil(r2.constants.A63)
      assert.truthy(r2.notes[1]:find("macro 'A63' is not a constant: integer overflow", 1, true),
        r2.notes[1])
      assert.equal(400 - 62, #r2.notes)
      assert.is_true(t2 < 10, ("%.1f s"):format(t2))
    end)

    it("keep the expansions of function-like macros linear", function()
      local t = { "#define D(x) ((x) + (x))" }
      local e = "1"
      for _ = 1, 60 do e = "D(" .. e .. ")" end
      t[#t + 1] = ("enum { BIG = %s / (1LL << 58) };"):format(e)
      local r, s = timed(table.concat(t, "\n"))
      assert.equal(4, r.constants.BIG)
      assert.is_true(s < 10, ("%.1f s"):format(s))
      local budget = macros.budget
      macros.budget = 4096
      local ok, err = pcall(shm.cdef, table.concat(t, "\n"))
      macros.budget = budget
      assert.is_false(ok)
      assert.matches("the expansion of macro 'D' makes more than 0 MB of text", err)
    end)

    it("refuse macros nested deeper than they can be followed, naming the limit", function()
      local t = { "#define B0 1" }
      for i = 1, 400 do t[#t + 1] = ("#define B%d B%d"):format(i, i - 1) end
      t[#t + 1] = "struct S { char x[B400]; };"
      assert.matches("macro 'B%d+' nests more than 150 macros deep", fails(table.concat(t, "\n")))
    end)

    -- (in a process of its own: tens of thousands of names would leave this
    -- one's string table large, and the heap of the specs after it)
    it("read tens of thousands of fields, declarations, enumerators and macros", function()
      local ok, out = H.run [[
        local shm = require "winshm"
        local function gen(n, f) local t = {} for i = 1, n do t[i] = f(i) end return table.concat(t, "\n") end
        local times = {}
        local function timed(src)
          local t0 = os.clock()
          local r = shm.cdef(src)
          times[#times + 1] = ("%.1f"):format(os.clock() - t0)
          return r
        end
        local r = timed("struct S {\n" .. gen(20000, function(i) return ("int f%d;"):format(i) end) .. "\n};")
        local r2 = timed(gen(20000, function(i) return ("struct S%d { int a; };"):format(i) end))
        local r3 = timed("enum E {\n" .. gen(30000, function(i) return ("E%d,"):format(i) end) .. "\n};")
        local r4 = timed(gen(30000, function(i) return ("#define M%d %d"):format(i, i) end))
        local r5 = timed("struct A {\n" .. gen(20000, function(i)
          return ("char c%d; __declspec(align(8)) int x%d;"):format(i, i) end) .. "\n};")
        print(table.concat(times, " "))
        print(shm.sizeof(r.S), shm.type(r2.S20000), r3.constants.E30000, r4.constants.M30000,
          shm.sizeof(r5.A))
        local t = {}
        for i = 1, 60001 do t[i] = ("char f%d;"):format(i) end
        print(select(2, pcall(shm.cdef, "struct S {" .. table.concat(t) .. "};")))
      ]]
      assert.is_true(ok, out)
      local times, rest = out:match("^([%d. ]+)\n(.*)$")
      for s in times:gmatch("%S+") do assert.is_true(tonumber(s) < 30, s .. " s") end
      -- (each int aligned to 8: 160008 bytes)
      assert.equal("80000\tlayout\t29999\t30000\t160008\n"
        .. "cdef:1:1: struct S: a layout may have at most 60000 fields, got 60001\n", rest)
    end)
  end)
end)
