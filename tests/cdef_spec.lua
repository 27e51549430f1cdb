-- cdef_spec.lua: shm.cdef -- the specs it produces from C declarations,
-- the layouts it builds compared with gcc and mingw-w64 gcc, constants,
-- notes, and every malformed input (line, column, message).
local shm = require "winshm"
local H = require "helper"
local cdef = require "winshm.cdef"
local C = require "cdef_helper"
local read, fails = C.read, C.fails

-- An engine that records specs instead of building layouts.
local recorder = {
  struct = function(spec) return { kind = "struct", spec = spec } end,
  union = function(spec) return { kind = "union", spec = spec } end,
  scalars = shm._scalars,
}
local function specs(src, opts)
  return cdef.parse(src, opts, recorder)
end

describe("shm.cdef", function()
  it("runs under Lua 5.4", function()
    assert.equal("Lua 5.4", _VERSION)
  end)

  describe("specs", function()
    it("gives each member as a field entry in declaration order", function()
      local r = specs [[
        struct A { int x; double y[2][3]; char name[16]; char *p; };
      ]]
      assert.same({ kind = "struct", spec = {
        { "x", "int" }, { "y", "double", { 2, 3 } }, { "name", "char", 16 },
        { "p", "uint64_t" }, name = "A" } }, r.A)
      assert.equal(r.A, r["struct A"])
    end)

    it("passes the ABI on and reads unions", function()
      local r = specs("union U { long l; wchar_t w[2]; };", { abi = "windows" })
      assert.same({ kind = "union", spec = { { "l", "long" }, { "w", "wchar_t", 2 },
        name = "U", abi = "windows" } }, r.U)
    end)

    it("spells every scalar as shm.struct names it", function()
      local cases = {
        { "char", "char" }, { "signed char", "signed char" },
        { "unsigned char", "unsigned char" }, { "short", "short" },
        { "short int", "short" }, { "signed short int", "short" },
        { "unsigned short", "unsigned short" }, { "int", "int" },
        { "signed", "int" }, { "signed int", "int" }, { "unsigned", "unsigned int" },
        { "long", "long" }, { "long int", "long" }, { "signed long", "long" },
        { "unsigned long", "unsigned long" }, { "long unsigned int", "unsigned long" },
        { "long long", "long long" }, { "long long int", "long long" },
        { "unsigned long long", "unsigned long long" },
        { "long unsigned long", "unsigned long long" },
        { "float", "float" }, { "double", "double" }, { "bool", "bool" },
        { "_Bool", "bool" }, { "wchar_t", "wchar_t" }, { "char16_t", "char16_t" },
        { "char32_t", "char32_t" }, { "const int", "int" },
        { "volatile unsigned", "unsigned int" }, { "int const volatile", "int" },
        { "__int64", "int64_t" }, { "unsigned __int32", "uint32_t" },
        { "int8_t", "int8_t" }, { "uint16_t", "uint16_t" }, { "int32_t", "int32_t" },
        { "i8", "int8_t" }, { "i16", "int16_t" }, { "i32", "int32_t" }, { "i64", "int64_t" },
        { "u8", "uint8_t" }, { "u16", "uint16_t" }, { "u32", "uint32_t" }, { "u64", "uint64_t" },
        { "f32", "float" }, { "f64", "double" },
        { "uint64_t", "uint64_t" }, { "size_t", "uint64_t" }, { "intptr_t", "int64_t" },
        { "DWORD", "uint32_t" }, { "BYTE", "uint8_t" }, { "LONG", "int32_t" },
        { "void *", "uint64_t" }, { "const char * const", "uint64_t" },
        { "struct Unknown *", "uint64_t" },
      }
      local r0 = specs [[
        typedef void (*callback)(int, const char *);
        struct S { int (*fn)(void); callback cb; void (* const table[3])(int (*)(int)); };
      ]]
      assert.same({ { "fn", "uint64_t" }, { "cb", "uint64_t" }, { "table", "uint64_t", 3 },
        name = "S" }, r0.S.spec)
      for _, c in ipairs(cases) do
        local r = specs(("struct S { %s v; };"):format(c[1]))
        assert.same({ "v", c[2] }, r.S.spec[1], c[1])
      end
    end)

    it("reads several declarators per line, with their own pointers and arrays", function()
      local r = specs "struct S { double x, y, z; char a, b[3], *c; };"
      assert.same({ { "x", "double" }, { "y", "double" }, { "z", "double" },
        { "a", "char" }, { "b", "char", 3 }, { "c", "uint64_t" }, name = "S" }, r.S.spec)
    end)

    it("takes #pragma pack and __attribute__((packed)) as the pack key", function()
      local r = specs [[
        #pragma pack(push, 4)
        struct P4 { char c; double d; };
        #pragma pack(pop)
        struct N { char c; };
        struct __attribute__((packed)) P1 { char c; int i; };
        typedef struct { char c; } __attribute__((packed)) T1;
        struct __attribute__((aligned(16))) A16 { char c; };
        struct A8 { char c; } __attribute__((aligned(8)));
        struct __declspec(align(32)) A32 { char c; };
        struct alignas(64) A64 { char c; };
      ]]
      assert.equal(4, r.P4.spec.pack)
      assert.is_nil(r.N.spec.pack)
      assert.equal(1, r.P1.spec.pack)
      assert.equal(1, r.T1.spec.pack)
      assert.equal("T1", r.T1.spec.name)
      assert.equal(16, r.A16.spec.align)
      assert.equal(8, r.A8.spec.align)
      assert.equal(32, r.A32.spec.align)
      assert.equal(64, r.A64.spec.align)
    end)

    it("reads macros that stand for attributes or for nothing", function()
      local r = specs [[
        #define PACKED __attribute__((packed))
        #define API
        #define ALIGNED(n) __attribute__((aligned(n)))
        #define ALIGN8 __declspec(align(8))
        #define BOTH PACKED ALIGN8
        API struct PACKED A { char c; };
        struct B { char c; } PACKED;
        struct BOTH C { char c; };
      ]]
      assert.equal(1, r.A.spec.pack)
      assert.equal(1, r.B.spec.pack)
      assert.equal(1, r.C.spec.pack)
      assert.equal(8, r.C.spec.align)
      assert.same({}, r.notes)
    end)

    it("follows pack(n), push, push with a label, pop to a label and pack()", function()
      local r = specs [[
        #pragma pack(2)
        struct A { char c; };
        #pragma pack(push)
        #pragma pack(8)
        struct B { char c; };
        #pragma pack(push, outer, 1)
        #pragma pack(push, 4)
        struct C { char c; };
        #pragma pack(pop, outer)
        struct D { char c; };
        #pragma pack()
        struct E { char c; };
        #pragma pack(pop)
        struct F { char c; };
        #pragma pack(pop)
        struct G { char c; };
      ]]
      assert.equal(2, r.A.spec.pack)
      assert.equal(8, r.B.spec.pack)
      assert.equal(4, r.C.spec.pack)
      assert.equal(8, r.D.spec.pack)
      assert.is_nil(r.E.spec.pack)
      assert.equal(2, r.F.spec.pack)
      assert.equal(2, r.G.spec.pack)
      assert.truthy(r.notes[1]:find("pop.*without a matching push"))
    end)

    it("reads #pragma pack with comments and continued lines", function()
      local r = specs("#pragma pack(push, /* a\n comment */ 2) // why\nstruct A { char c; };\n"
        .. "#pragma pack(pop)\n#pragma pack( \\\n 4)\nstruct B { char c; };")
      assert.equal(2, r.A.spec.pack)
      assert.equal(4, r.B.spec.pack)
    end)

    it("applies the pack in force at a struct's closing brace, as gcc does", function()
      local r = specs("struct S { char c;\n#pragma pack(1)\n int i; };", { abi = "sysv" })
      assert.equal(1, r.S.spec.pack)
    end)

    it("uses tags as type names (C++) and typedefs of scalars, structs and arrays", function()
      local r = specs [[
        struct rF2Vec3 { double x, y, z; };
        typedef int AC_STATUS;
        typedef float vec3[3];
        typedef struct rF2Vec3 Vec;
        struct S { rF2Vec3 mPos; AC_STATUS st; vec3 v; vec3 m[2]; Vec w; };
      ]]
      local s = r.S.spec
      assert.equal(r.rF2Vec3, s[1][2])
      assert.same({ "st", "int" }, s[2])
      assert.same({ "v", "float", 3 }, s[3])
      assert.same({ "m", "float", { 2, 3 } }, s[4])
      assert.equal(r.rF2Vec3, s[5][2])
      assert.equal("int", r.AC_STATUS)
      assert.equal(r.rF2Vec3, r.Vec)
      assert.is_nil(r.vec3)
    end)

    it("builds nested and anonymous struct types as their own layouts", function()
      local r = specs [[
        struct Outer {
          struct Inner { short a; } in;
          struct { char x; } anon[2];
          union { int i; float f; } u;
        };
      ]]
      local s = r.Outer.spec
      assert.equal(r.Inner, s[1][2])
      assert.same({ kind = "struct", spec = { { "x", "char" } } }, s[2][2])
      assert.equal(2, s[2][3])
      assert.same({ kind = "union", spec = { { "i", "int" }, { "f", "float" } } }, s[3][2])
    end)

    it("sizes enums as their underlying type", function()
      local r = specs([[
        enum E { A, B };
        enum class C : uint8_t { X, Y };
        enum class D { P };
        enum W { BIG = 0x80000000 };
        enum L { NEG = -1, HUGE = 0x100000000 };
        enum __attribute__((packed)) T { T1 = 200 };
        struct S { enum E e; C c; D d; enum W w; enum L l; enum T t; };
      ]], { abi = "sysv" })
      assert.same({ { "e", "int" }, { "c", "uint8_t" }, { "d", "int" },
        { "w", "unsigned int" }, { "l", "long long" }, { "t", "uint8_t" }, name = "S",
        abi = "sysv" }, r.S.spec)
      assert.equal("int", r.E)
      assert.equal("uint8_t", r["enum C"])
    end)

    it("evaluates constant expressions in array sizes", function()
      local r = specs [[
        #define N 3
        #define M (N * 2 + 1)
        enum { K = M << 1 };
        struct S {
          char a[M];                 /* 7 */
          char b[K / 2 - 1];         /* 6 */
          char c[(1 << 4) >> 2];     /* 4 */
          char d[17 % 5];            /* 2 */
          char e[-7 / 2 + 5];        /* C division truncates: -3 + 5 */
          char f[sizeof(double) * sizeof(int16_t)];   /* 16 */
          char g[N > 2 ? 5 : 1];
          char h[(unsigned char)258];
          char i['A' - 64];
          char j[0x10 + 010 + 1u + 2ULL];             /* 16 + 8 + 3 */
          char k[~-2 & 7 | 8 ^ 1];
          char l[(N == 3) + (N != 3) + !0 + (1 && 2) + (0 || 0) + (N <= 3) + (N >= 4)];
        };
      ]]
      local want = { 7, 6, 4, 2, 2, 16, 5, 2, 1, 27, 9, 4 }
      for i, n in ipairs(want) do
        assert.equal(n, r.S.spec[i][3], r.S.spec[i][1])
      end
    end)
  end)

  describe("result", function()
    it("holds constants: #defines, enumerators, enum class members, const variables", function()
      local r = shm.cdef [[
        #define MAX 64
        #define NAME "$rFactor2SMMP_Telemetry$"
        #define WIDE L"wide"
        #define NEG (-1)
        #define GUARD_H
        enum { AC_OFF, AC_REPLAY, AC_LIVE };
        enum class Phase : unsigned char { Garage, Green = 5 };
        static const int kCount = MAX / 2;
        constexpr unsigned kMask = 0xff;
        struct S { static const int kSlots = 3; char v[kSlots]; };
      ]]
      local c = r.constants
      assert.equal(64, c.MAX)
      assert.equal("$rFactor2SMMP_Telemetry$", c.NAME)
      assert.equal("wide", c.WIDE)
      assert.equal(-1, c.NEG)
      assert.is_nil(c.GUARD_H)
      assert.equal(2, c.AC_LIVE)
      assert.same({ Garage = 0, Green = 5 }, c.Phase)
      assert.equal(32, c.kCount)
      assert.equal(255, c.kMask)
      assert.same({ kSlots = 3 }, c.S)
      assert.equal(3, shm.sizeof(r.S))
    end)

    it("keeps constants and notes apart from types of those names", function()
      local r = shm.cdef [[
        struct constants { int a; };
        typedef struct { int b; } notes;
        #define X 1
      ]]
      assert.equal(1, r.constants.X)
      assert.equal("table", type(r.notes))
      assert.equal("layout", shm.type(r["struct constants"]))
      assert.equal(0, shm.offsetof(r["struct constants"], "a"))
      assert.equal("layout", shm.type(r["typedef notes"]))
      assert.equal(0, shm.offsetof(r["typedef notes"], "b"))
    end)

    it("gives a typedef of a struct defined later", function()
      local r = shm.cdef [[
        typedef struct Node NodeT;
        struct Holder { NodeT *next; };
        struct Node { int value; NodeT *next; };
      ]]
      assert.equal(r.Node, r.NodeT)
      assert.equal(16, shm.sizeof(r.NodeT))
      assert.equal(8, shm.sizeof(r.Holder))
    end)

    it("keeps tags and typedef names apart as C does", function()
      local r = shm.cdef [[
        typedef struct A { int x; } B;
        struct B { double y; };
      ]]
      assert.equal(4, shm.sizeof(r.B))
      assert.equal(8, shm.sizeof(r["struct B"]))
      assert.equal(r.A, r["struct A"])
    end)

    it("notes what it ignores, with line and column", function()
      local r = shm.cdef("#include <windows.h>\n  #pragma warning(disable: 4200)\n"
        .. "#define F(x) ((x) * 2)\n#undef F\n#pragma once\n"
        .. "struct S { int a __attribute__((deprecated)); };\nint global;\n"
        .. "#warning careful\n", { name = "sdk.h" })
      assert.same({
        "sdk.h:1:1: #include <windows.h> ignored (a system header)",
        "sdk.h:2:3: #pragma warning(disable: 4200) ignored",
        "sdk.h:6:33: attribute 'deprecated' ignored",
        "sdk.h:7:5: variable 'global' skipped",
        "sdk.h:8:1: #warning careful ignored",
      }, r.notes)
    end)

    it("follows #if, #ifdef, #ifndef, #elif, #else and #endif", function()
      local r = shm.cdef([[
        #ifndef GUARD
        #define GUARD
        #if defined(_WIN32) && !defined UNDEFINED
        struct Win { int w; };
        #elif __linux__
        struct Lin { int l; };
        #else
        this is skipped {{{
        #endif
        #if 0
        #error not reached
        #elif 2 * 3 == 6
        struct Six { int s; };
        #endif
        #ifdef GUARD
        struct Guarded { int g; };
        #endif
        #endif
      ]], { abi = "windows" })
      assert.equal("layout", shm.type(r.Win))
      assert.is_nil(r.Lin)
      assert.equal("layout", shm.type(r.Six))
      assert.equal("layout", shm.type(r.Guarded))
      local s = shm.cdef("#ifdef _WIN32\nstruct Win { int w; };\n#else\n"
        .. "struct Lin { int l; };\n#endif\n", { abi = "sysv" })
      assert.is_nil(s.Win)
      assert.equal("layout", shm.type(s.Lin))
    end)

    it("checks static assertions it can evaluate, notes the others", function()
      local r = shm.cdef [[
        struct V { int t; int o; int pad[2]; };
        static_assert(sizeof(struct V) == 16, "16-byte records");
        _Static_assert(offsetof(struct V, o) == 4, "o at 4");
        static_assert(std::is_standard_layout<V>::value, "C++ only");
      ]]
      assert.equal(1, #r.notes)
      assert.truthy(r.notes[1]:find("static_assert not checked", 1, true))
    end)

    it("reads a macro whose value is a type name", function()
      local r = shm.cdef "#define REAL double\nstruct S { REAL x; };"
      assert.equal(8, shm.sizeof(r.S))
    end)

    it("flattens C11 anonymous members at their offsets", function()
      local r = shm.cdef [[
        struct S { char a; union { char small; double big; }; char z; };
      ]]
      assert.equal(8, shm.offsetof(r.S, "small"))
      assert.equal(8, shm.offsetof(r.S, "big"))
      assert.equal(16, shm.offsetof(r.S, "z"))
      assert.equal(24, shm.sizeof(r.S))
    end)

    it("gives layouts that read and write a region", function()
      local r = shm.cdef(read("ac.h"), { abi = "windows" })
      local name = H.name("cdef")
      local link = assert(shm.create(name, r.SPageFileStatic))
      local v = link:get_mut()
      v.carModel = "ks_mazda_mx5_cup"
      v.numCars = 12
      v.tyreRadius[4] = 0.25
      assert.equal("ks_mazda_mx5_cup", v.carModel)
      local bytes = link:read_bytes(shm.offsetof(r.SPageFileStatic, "carModel"), 4)
      assert.equal("k\0s\0", bytes) -- UTF-16LE
      assert.equal(12, link:get().numCars)
      assert.equal(0.25, v.tyreRadius[4])
      link:close()
    end)

    it("is reachable from the host with no LUA_PATH", function()
      local ok, out = H.run [[
        local shm = require "winshm"
        local r = shm.cdef("struct A { char c; double d; };")
        print(shm.sizeof(r.A), shm.offsetof(r.A, "d"))
      ]]
      assert.is_true(ok, out)
      assert.equal("16\t8\n", out)
    end)
  end)

  -- The compilers run natively (gcc, g++, mingw-w64 gcc and g++): not
  -- under Wine.
  describe("layouts of game headers against the compilers #posix", function()
    -- file, language, ABIs, types that must be there, C lines before the header
    local all = C.all
    C.against_compilers(it, pending, {
      { "pcars2.h", "c", all, { "SharedMemory", "ParticipantInfo" } },
      { "raceroom.h", "c", all, { "r3e_shared", "r3e_driver_data" } },
      { "iracing.h", "c", all, { "struct irsdk_header", "struct irsdk_varBuf" } },
      { "rf2.h", "c", all, { "rF2Telemetry", "rF2Wheel" } },
      { "ac.h", "c", all, { "SPageFileStatic", "SPageFileGraphic" } },
      { "features.h", "c", all, { "Scalars", "Outer", "P1" } },
      { "msvc.h", "c", { "windows", "win32" }, { "HasAligned", "Block" },
        -- mingw-w64 gcc spells MSVC's __declspec(align(n)) as aligned(n)
        { pre = "#define align aligned" } },
      { "winapi.h", "c", { "windows", "win32" }, { "CAR_STATE", "SHARED" } },
      { "cpp.hpp", "c++", all, { "rF2VehicleScoring", "rF2ScoringInfo" } },
    })
  end)

  describe("layouts of game headers", function()
    it("places rFactor 2's doubles at 4-byte offsets under pack(4), long of 4 bytes", function()
      local w = shm.cdef(read("rf2.h"), { abi = "windows" })
      assert.equal(4, shm.offsetof(w.rF2VehicleTelemetry, "mDeltaTime"))
      assert.equal(24, shm.offsetof(w.rF2VehicleTelemetry, "mLapStartET"))
      assert.equal(180, shm.offsetof(w.rF2Wheel, "mVerticalTireDeflection"))
      assert.equal(16, shm.offsetof(w.rF2Telemetry, "mVehicles"))
      assert.equal(4, shm.alignof(w.rF2Telemetry))
      local s = shm.cdef(read("rf2.h"), { abi = "sysv" })
      assert.equal(8, shm.offsetof(s.rF2VehicleTelemetry, "mDeltaTime"))
    end)

    it("reads Assetto Corsa's wchar_t[33] strings as 66 bytes on Windows", function()
      local r = shm.cdef(read("ac.h"), { abi = "windows" })
      assert.equal(68, shm.offsetof(r.SPageFileStatic, "carModel"))
      assert.equal(134, shm.offsetof(r.SPageFileStatic, "track"))
      assert.equal(684, shm.sizeof(r.SPageFileStatic))
      assert.equal("int", r.AC_STATUS)
      assert.equal(2, r.constants.AC_LIVE)
      assert.equal(-1, r.constants.AC_UNKNOWN)
      assert.equal(3, r.constants.AC_BLACK_FLAG)
    end)

    it("pads Project CARS 2's bools; packs RaceRoom to 1; keeps iRacing's 16-byte records", function()
      local p = shm.cdef(read("pcars2.h"))
      assert.equal(1, shm.offsetof(p.ParticipantInfo, "mName"))
      assert.equal(68, shm.offsetof(p.ParticipantInfo, "mWorldPosition"))
      assert.equal(6716, shm.offsetof(p.SharedMemory, "mBestLapTime"))
      local r = shm.cdef(read("raceroom.h"))
      assert.equal(2, shm.offsetof(r.r3e_flags, "black"))
      assert.equal(225, shm.offsetof(r.r3e_driver_data, "lap_start_time"))
      assert.equal(1, shm.alignof(r.r3e_shared))
      local i = shm.cdef(read("iracing.h"))
      assert.equal(16, shm.sizeof(i["struct irsdk_varBuf"]))
      assert.equal(144, shm.sizeof(i["struct irsdk_varHeader"]))
      assert.equal(48, shm.offsetof(i.irsdk_header, "varBuf"))
      assert.equal("Local\\IRSDKMemMapFileName", i.constants.IRSDK_MEMMAPFILENAME)
      assert.equal(5, i.constants.irsdk_double)
    end)
  end)

  describe("errors", function()
    -- source, expected message (the chunk name is "cdef")
    local cases = {
      { "struct A { int x }", "cdef:1:18: expected ';', found '}'" },
      { "struct A {\n  unsigned a : 3;\n};", "cdef:2:14: bit-fields are not supported: declare"
        .. " the whole storage unit instead (e.g. 'uint32_t flags;') and take the bits out in Lua" },
      { "struct A { void (*cb(int); };", "cdef:1:26: expected ')', found ';'" },
      { "struct A { void (*cb)[4]; };", "cdef:1:22: array of void" },
      { "struct B : A { int x; };", "cdef:1:12: unknown type name 'A': declare it before its use"
        .. " (or #include its header, found through the include option)" },
      { "struct A { int &r; };", "cdef:1:16: reference member 'r' is not supported: declare it as"
        .. " a pointer (it has a pointer's size)" },
      { "struct A { Foo x; };", "cdef:1:12: unknown type name 'Foo': declare it before its use"
        .. " (or #include its header, found through the include option)" },
      { "struct A { int x[N]; };", "cdef:1:18: unknown constant 'N': define it (#define, enum or"
        .. " const) before this use" },
      { "struct A { int x[F(2)]; };",
        "cdef:1:18: 'F(...)' is a function call, not a constant: write the value itself" },
      { "#define F(x) x\nstruct A { int x[F]; };",
        "cdef:2:18: function-like macro 'F' needs its arguments here" },
      { "#define E\nstruct A { int x[E]; };", "cdef:2:18: macro 'E' has no value" },
      { "#define A (B + 1)\n#define B A\nstruct S { char x[A]; };",
        "cdef:2:11: macro 'A' refers to itself" },
      { "#define N 4 +\nstruct S { char x[N]; };",
        "cdef:1:14: expected an expression, found end of input" },
      { "#define N 4 4\nstruct S { char x[N]; };",
        "cdef:1:13: the value of macro 'N' is not an integer constant expression" },
      { "struct A {\n  char x[4 / (2 - 2)];\n};", "cdef:2:12: division by zero" },
      { "struct A { char x[5 % 0]; };", "cdef:1:21: division by zero" },
      { "struct A { char x[1 << 64]; };", "cdef:1:21: shift count 64 is out of range" },
      { "struct A { char x[2 - 3]; };", "cdef:1:18: size of array 'x' must be at least 1 (is -1):"
        .. " declare the array with its real size" },
      { "struct A { char x[0]; };", "cdef:1:18: size of array 'x' must be at least 1 (is 0):"
        .. " declare the array with its real size" },
      { "struct A { int n; char x[]; };", "cdef:1:25: arrays of unspecified size are not supported:"
        .. " give the size (for a flexible array member, declare the fixed part only)" },
      { "struct A { char x[1.5]; };", "cdef:1:19: expected an integer constant" },
      { "struct A { char x[08]; };", "cdef:1:19: expected an integer constant" },
      { "struct A { char x[99999999999999999999]; };", "cdef:1:19: integer constant is too large" },
      { "struct A { char x[sizeof x]; };",
        "cdef:1:26: expected '(' (sizeof takes a type), found 'x'" },
      { "struct A { char x[sizeof(struct Z)]; };",
        "cdef:1:19: incomplete type 'struct Z': define it before this use" },
      { "struct A { int x; };\nstruct A { int y; };", "cdef:2:1: redefinition of 'struct A' (a header included"
        .. " twice without a guard?)" },
      { "struct B;\nstruct A { struct B b; };",
        "cdef:2:21: member 'b' has incomplete type 'struct B': define it before 'A'" },
      { "struct A { int x; char x; };", "cdef:1:24: duplicate member 'x'" },
      { "struct A { void v; };", "cdef:1:17: member 'v' has type void" },
      { "struct A { unsigned float f; };", "cdef:1:12: invalid type 'unsigned float'" },
      { "struct A { int char c; };", "cdef:1:12: two data types in 'int char'" },
      { "struct A { long double d; };", "cdef:1:12: long double is not supported: its size"
        .. " differs between compilers (declare it as a byte array of the size the game uses)" },
      { "struct A { int x __attribute__((aligned(3))); };",
        "cdef:1:33: requested alignment 3 is not a power of 2" },
      { "struct A { char c; int x __attribute__((packed)); };",
        "cdef:1:24: __attribute__((packed)) on a member is not supported (pack the struct)" },
      { "typedef int T;\ntypedef float T;", "cdef:2:15: conflicting types for typedef 'T'" },
      { "typedef int T = 4;", "cdef:1:13: a typedef cannot have an initializer" },
      { "typedef int aint __attribute__((aligned(16)));",
        "cdef:1:13: alignment attributes on a typedef are not supported (align the struct)" },
      { "typedef __declspec(align(16)) struct S T;",
        "cdef:1:31: alignment attributes on a typedef are not supported (align the struct)" },
      { "struct A { int : 0; };", "cdef:1:16: bit-fields are not supported: declare the whole"
        .. " storage unit instead (e.g. 'uint32_t flags;') and take the bits out in Lua" },
      { "enum class E : float { A };",
        "cdef:1:16: the underlying type of an enum must be an integer type" },
      { "struct A { enum Nope n; };", "cdef:1:12: unknown enum 'Nope': define it before this use" },
      { "enum { A = 1, B = 2 };\nenum { A = 3 };",
        "cdef:2:8: redefinition of constant 'A' (was 1, now 3)" },
      { "_Static_assert(1 == 2, \"one is not two\");",
        "cdef:1:1: static assertion failed: one is not two" },
      { "struct A { int x; };\nstatic_assert(sizeof(struct A) == 8);",
        "cdef:2:1: static assertion failed" },
      { "struct A { int x; }; 42", "cdef:1:22: expected a declaration, found '42'" },
      { "struct A { int x;", "cdef:1:18: expected '}' or a member declaration, found end of input" },
      { "struct A { int x; };\0", "cdef:1:21: expected a declaration, found byte 0x00" },
      { "int \xC3\xA9t\xC3\xA9;", "cdef:1:5: expected a declaration, found byte 0xC3" },
      { "struct { int x; };\nstruct;", "cdef:2:7: expected a tag name or '{'" },
      { "int x = ;", "cdef:1:9: expected an initializer, found ';'" },
      { "/* open\nstruct A { int x; };", "cdef:1:1: unterminated comment" },
      { "#if 1\nstruct A { int x; };", "cdef:1:1: unterminated #if" },
      { "#endif", "cdef:1:1: #endif without #if" },
      { "#if 1\n#else\n#else\n#endif", "cdef:3:1: #else after #else" },
      { "#if 1 +\n#endif", "cdef:1:8: expected an expression, found end of input" },
      { "#if 1 2\n#endif", "cdef:1:7: the #if condition is not an integer constant expression" },
      { "#ifdef\n#endif", "cdef:1:7: expected a macro name after #ifdef" },
      { "#if sizeof(int) == 4\n#endif", "cdef:1:5: sizeof is not allowed in #if" },
      { "#define\n", "cdef:1:8: expected a macro name after #define" },
      { "  #error \"Windows only\"", "cdef:1:3: #error \"Windows only\"" },
      { "#pragma pack(3)", "cdef:1:14: #pragma pack(3): alignment must be 1, 2, 4, 8 or 16" },
      { "#pragma pack(push, 4",
        "cdef:1:8: malformed #pragma pack: expected pack(n), pack(push[, n]), pack(pop) or pack()" },
      { "#pragma pack(up)", "cdef:1:14: #pragma pack: unexpected 'up'" },
      { "struct A { char x[" .. ("("):rep(300) .. "1" .. (")"):rep(300) .. "]; };",
        "cdef: declarations or expressions nested too deeply" },
    }
    for _, c in ipairs(cases) do
      it("reports " .. c[2], function()
        assert.equal(c[2], fails(c[1]))
      end)
    end

    it("refuses under the Windows ABIs what MSVC and gcc lay out differently", function()
      for _, abi in ipairs { "windows", "win32" } do
        assert.equal("cdef:1:1: #pragma pack changes inside 'S': gcc applies the value at the"
          .. " closing brace to every member, MSVC the value at each (declare the layout the"
          .. " game's compiler makes with shm.struct and explicit offsets)",
          fails("struct S { char c;\n#pragma pack(1)\n int i; };", { abi = abi }))
        assert.equal("cdef:1:1: enum 'L' has a value beyond 32 bits: MSVC makes it 4 bytes, gcc 8;"
          .. " give it an underlying type (enum L : int64_t)",
          fails("enum L { NEG = -1, HUGE = 0x100000000 };", { abi = abi }))
        assert.equal(8, shm.sizeof(shm.cdef("enum L : int64_t { HUGE = 0x100000000 };"
          .. " struct S { L l; };", { abi = abi }).S))
      end
    end)

    it("gives a line and column for truncated and mutated headers", function()
      local function check(src)
        local ok, e = pcall(shm.cdef, src, { name = "x.h" })
        if not ok then
          assert.is_string(e)
          assert.truthy(e:match("^x%.h:%d+:%d+: %S") or e:match("^x%.h: declarations"), e)
        end
        return ok
      end
      local chars = "{}()[];:,*#/\\\"'<>=+-~!?.019azAZ_ \n&|^%"
      local rng = 12345
      local function random(n) -- a fixed sequence, the same on every run
        rng = (rng * 1103515245 + 12345) % 2147483648
        return rng % n + 1
      end
      local failed = 0
      for _, f in ipairs { "rf2.h", "features.h", "cpp.hpp" } do
        local src = read(f)
        for cut = 1, #src, 41 do
          if not check(src:sub(1, cut)) then failed = failed + 1 end
        end
        for _ = 1, 100 do
          local i, j = random(#src), random(#chars)
          if not check(src:sub(1, i - 1) .. chars:sub(j, j) .. src:sub(i + 1)) then
            failed = failed + 1
          end
        end
      end
      assert.is_true(failed > 100, "too few of the inputs were malformed")
    end)

    it("reports deep nesting without a crash", function()
      local src = ("struct A { "):rep(500) .. "int x; " .. ("} a; "):rep(500) .. "};"
      assert.equal("cdef: declarations or expressions nested too deeply", fails(src))
    end)

    it("names the chunk and counts columns after CRLF line ends", function()
      assert.equal("sdk.h:3:12: expected ';', found '}'",
        fails("// header\r\nstruct A {\r\n  int x, y }", { name = "sdk.h" }))
      assert.equal("cdef:4:9: expected ';', found '}'", fails("\n\rstruct A {\r  int x }"))
    end)

    it("checks its arguments", function()
      assert.truthy(fails(nil):find("bad argument #1 to '.-cdef' %(string expected, got nil%)"))
      assert.truthy(fails({}):find("bad argument #1 to '.-cdef' %(string expected, got table%)"))
      assert.truthy(fails("", 5):find("bad argument #2 to '.-cdef' %(table expected, got number%)"))
      assert.equal("bad argument #2 to 'cdef' (invalid option 'pack')", fails("", { pack = 1 }))
      assert.equal("bad argument #2 to 'cdef' (abi must be 'native', 'windows', 'win32' or 'sysv', got 'win')",
        fails("", { abi = "win" }))
      assert.equal("bad argument #2 to 'cdef' (name must be a string)", fails("", { name = 1 }))
    end)
  end)
end)
