-- cdef_cxx_spec.lua: shm.cdef on the C++ that SDK headers use -- classes
-- with base classes, virtual functions and access sections, what declares
-- no data (skipped with a note), decltype and sizeof of members, scoped
-- names, std::array -- each layout compared with g++ and mingw-w64 g++
-- (64- and 32-bit) where the compilers are installed.
local shm = require "winshm"
local X = require "cdef_compiler"

local fails = require("cdef_helper").fails

local abis = { "sysv", "windows", "win32" }

-- shm.cdef's result for src under abi, checked against that ABI's C++
-- compiler when it is installed.
local function checked(src, abi, opts)
  if not X.available(abi, "c++") then
    pending(X.compilers[abi]["c++"]:match("^%S+") .. " is not installed (scripts/deps.sh)")
    return shm.cdef(src, { abi = abi, name = "snippet" })
  end
  local r, ok, n = X.snippet(src, abi, "c++", opts)
  assert(r, n)
  assert.is_true(ok, n)
  return r
end

local has = require("cdef_helper").has

describe("shm.cdef on C++ #posix", function()
  describe("base classes", function()
    it("lay out the bases first, their members flattened in", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          struct M1 { int a; };
          struct M2 { double b; };
          struct MM : M1, public M2 { char c; };
          class Priv : private M1 { public: short s; };
        ]], abi)
        assert.same({ 0, 8, 16, 24 }, { shm.offsetof(r.MM, "a"), shm.offsetof(r.MM, "b"),
          shm.offsetof(r.MM, "c"), shm.sizeof(r.MM) })
        assert.equal(4, shm.offsetof(r.Priv, "s"))
      end
    end)

    it("put an empty base at offset 0, and a struct of only static members is empty", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          struct E {};
          struct D1 : E { int x; };
          struct S0 { static const int K = 3; static constexpr float F = 0.5f; };
          struct D4 : S0 { int y; char v[S0::K]; char w[K]; };
        ]], abi)
        assert.same({ 0, 4 }, { shm.offsetof(r.D1, "x"), shm.sizeof(r.D1) })
        assert.same({ 0, 4, 7, 12 }, { shm.offsetof(r.D4, "y"), shm.offsetof(r.D4, "v"),
          shm.offsetof(r.D4, "w"), shm.sizeof(r.D4) })
        assert.is_nil(r.S0)
        assert.same({ K = 3, F = 0.5 }, r.constants.S0)
        assert.truthy(has(r.notes, "struct 'S0' has no data members (size 1): no layout"))
      end
    end)

    it("cap a base's alignment with #pragma pack and keep a packed base's alignment", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          #pragma pack(push, 4)
          struct PB { double a; double b; };
          #pragma pack(pop)
          struct Q : PB { int x; };
          #pragma pack(push, 1)
          struct P1 : PB { char c; double d; };
          #pragma pack(pop)
        ]], abi)
        assert.same({ 16, 20, 4 }, { shm.offsetof(r.Q, "x"), shm.sizeof(r.Q), shm.alignof(r.Q) })
        assert.same({ 16, 17, 25, 1 }, { shm.offsetof(r.P1, "c"), shm.offsetof(r.P1, "d"),
          shm.sizeof(r.P1), shm.alignof(r.P1) })
      end
    end)

    it("reuse a non-POD base's tail padding under SysV, as gcc does", function()
      local r = checked([[
        struct A1 { int i = 0; char c; };    struct B1 : A1 { char d; };
        struct A2 { A2() {} int i; char c; }; struct B2 : A2 { char d; };
        struct A3 { int i; private: char c; }; struct B3 : A3 { char d; };
        struct A4 { int i; char c; void f() {} }; struct B4 : A4 { char d; };
        struct E {}; struct A7 : E { int i; char c; }; struct B7 : A7 { char d; };
      ]], "sysv")
      assert.same({ 5, 5, 5, 8, 5 }, { shm.offsetof(r.B1, "d"), shm.offsetof(r.B2, "d"),
        shm.offsetof(r.B3, "d"), shm.offsetof(r.B4, "d"), shm.offsetof(r.B7, "d") })
      assert.equal(8, shm.sizeof(r.B2))
    end)

    it("refuse under the Windows ABIs what MSVC lays out otherwise than gcc", function()
      for _, abi in ipairs { "windows", "win32" } do
        assert.equal("cdef:2:9: B2: its member or base at offset 5 would sit in the tail padding"
          .. " of base 'A2', which gcc reuses and MSVC does not (declare the layout the game's compiler"
          .. " makes with shm.struct and explicit offsets)",
          fails("struct A2 { A2() {} int i; char c; };\n        struct B2 : A2 { char d; };",
                { abi = abi }))
        assert.equal("cdef:1:43: D2: two empty base classes in a row, which MSVC and gcc lay"
          .. " out differently (declare the layout the game's compiler makes with shm.struct and"
          .. " explicit offsets)",
          fails("struct E {}; struct E2 {}; struct D2 : E, E2 { int x; };", { abi = abi }))
        assert.equal("cdef:1:14: D3: two subobjects of type 'E' would share an offset, which"
          .. " MSVC and gcc resolve differently (declare the layout the game's compiler makes with"
          .. " shm.struct and explicit offsets)",
          fails("struct E {}; struct D3 : E { E e; int x; };", { abi = abi }))
      end
      local r = checked("struct E {}; struct E2 {};\nstruct D2 : E, E2 { int x; };\n"
        .. "struct D3 : E { E e; int x; };", "sysv")
      -- (D3's member e of an empty type is at offset 1: no field, as it has no data)
      assert.same({ 0, 4, 4, 8 }, { shm.offsetof(r.D2, "x"), shm.sizeof(r.D2),
        shm.offsetof(r.D3, "x"), shm.sizeof(r.D3) })
    end)

    it("refuse virtual and template bases and a name a base has, saying why", function()
      assert.equal("cdef:1:34: virtual base class 'N' is not supported: its offset is the most"
        .. " derived class's choice",
        fails("struct N { int a; }; struct VB : virtual public N { int b; };"))
      assert.equal("cdef:1:12: template base class 'T<int>' is not supported: declare the"
        .. " struct it stands for by hand", fails("struct D : T<int> { int b; };"))
      assert.equal("cdef:1:44: member 'x' of 'H2' has the name of a member of its base 'H1':"
        .. " not supported (rename one)", fails("struct H1 { int x; }; struct H2 : H1 { int x; };"))
      assert.equal("cdef:1:22: base class 'F' is incomplete: define it before 'D'",
        fails("struct F; struct D : F { int x; }; "))
    end)
  end)

  describe("virtual functions", function()
    it("put the vtable pointer first, capped by #pragma pack", function()
      local want = { sysv = { 8, 16, 4, 8 }, windows = { 8, 16, 4, 8 }, win32 = { 4, 12, 4, 4 } }
      for _, abi in ipairs(abis) do
        local r = checked([[
          #pragma pack(push, 4)
          struct P { virtual ~P() {} double d; };
          #pragma pack(pop)
          struct N { int a; };
          struct V : N { virtual void f(); int b; };
          struct W : V { int c; virtual void g() = 0; };
        ]], abi)
        local w = want[abi]
        assert.same({ w[1], w[2], w[3] }, { shm.offsetof(r.P, "d"), shm.sizeof(r.P), shm.alignof(r.P) })
        assert.same({ w[4], w[4] + 4, w[4] + 8 }, { shm.offsetof(r.V, "a"), shm.offsetof(r.V, "b"),
          shm.offsetof(r.W, "c") })
      end
    end)

    it("take a class with only virtual functions as a base of a pointer's size", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          class Iface { public: virtual ~Iface() {} virtual int Get() const = 0; };
          struct Impl : public Iface { int value; };
        ]], abi)
        assert.equal(abi == "win32" and 4 or 8, shm.offsetof(r.Impl, "value"))
        assert.is_nil(r.Iface)
      end
    end)
  end)

  describe("what declares no data", function()
    it("is skipped, each with a note", function()
      local r = shm.cdef([[
        struct S {
          S() : a(1), b{2} {}
          explicit S(int x) : a(x) {}
          S(const S &) = default;
          S &operator=(const S &) = delete;
          ~S();
          operator bool() const { return a != 0; }
          int operator[](int i) const noexcept { return i; }
          static S make();
          virtual void f() override final;
          auto g() -> int { return 0; }
          friend bool operator==(const S &, const S &);
          friend class Other;
          template <typename T> T as() const { return T(); }
          using Base = int;
          typedef void Handler(int);
          int a, b;
          static int counter;
          static const double kPi;
        };
        inline S::S(int, int) {}
        int S::counter = 0;
        template <typename T> struct Box { T value; };
        template <> struct Box<int> { int value; };
        typedef int Fn(int, char);
        using Callback = void (__stdcall *)(int);
        int twice(int x) { return x + x; }
        extern "C" __declspec(dllexport) void __cdecl Entry(void);
        extern int g_count;
      ]], { name = "s.hpp" })
      assert.same({ 8, 12, 16 }, -- the vtable pointer of f(), then a and b
        { shm.offsetof(r.S, "a"), shm.offsetof(r.S, "b"), shm.sizeof(r.S) })
      for _, n in ipairs {
        "s.hpp:2:11: constructor 'S::S' skipped",
        "s.hpp:3:11: constructor 'S::S' skipped",
        "s.hpp:4:11: constructor 'S::S' skipped",
        "s.hpp:5:13: member function 'S::operator=' skipped",
        "s.hpp:6:11: destructor 'S::~S' skipped",
        "s.hpp:7:11: member function 'S::operator bool' skipped",
        "s.hpp:8:15: member function 'S::operator[]' skipped",
        "s.hpp:9:20: member function 'S::make' skipped",
        "s.hpp:10:24: member function 'S::f' skipped",
        "s.hpp:11:16: member function 'S::g' skipped",
        "s.hpp:12:11: friend declaration skipped",
        "s.hpp:13:11: friend declaration skipped",
        "s.hpp:14:11: template skipped (a template declares no data until it is used)",
        "s.hpp:16:24: typedef 'Handler' of a function type skipped",
        "s.hpp:18:22: static member 'S::counter' skipped",
        "s.hpp:19:31: static member 'S::kPi' skipped",
        "s.hpp:21:9: 'S::S(...)' skipped (a function, or a function-like macro not defined here)",
        "s.hpp:22:13: definition of static member 'S::counter' skipped",
        "s.hpp:23:9: template skipped (a template declares no data until it is used)",
        "s.hpp:24:9: template skipped (a template declares no data until it is used)",
        "s.hpp:25:21: typedef 'Fn' of a function type skipped",
        "s.hpp:27:13: function 'twice' skipped",
        "s.hpp:28:55: function 'Entry' skipped",
        "s.hpp:29:20: variable 'g_count' skipped",
      } do
        assert.truthy(has(r.notes, n))
      end
      assert.is_nil(r.constants["S::counter"])
      assert.equal("int", r.Base)
      assert.equal("uint64_t", r.Callback)
    end)

    it("skips function bodies whatever they hold", function()
      local r = shm.cdef [[
        struct T {
          int n;
          void f() {
            const char *s = "} { \" ;";
            char c = '}';
            /* } */ // }
            if (n > 0) { for (int i = 0; i < n; ++i) { n--; } } else { n = (n + 1) * 2; }
            [&]() { return n; }();
          }
          int m;
        };
      ]]
      assert.equal(4, shm.offsetof(r.T, "m"))
      assert.equal("cdef:1:28: unterminated '{' (no matching '}')",
        fails("struct T { int n; void f() { if (n) { n = 0; };"))
    end)
  end)

  describe("names", function()
    it("reads decltype and sizeof of members", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          struct Msg { char text[128]; int n; double d[3]; };
          struct U {
            char copy[sizeof(decltype(Msg::text))];
            char n2[sizeof(Msg::n)];
            char p[sizeof(((Msg *)0)->d)];
            decltype(Msg::n) m;
            char al[alignof(decltype(Msg::d))];
          };
        ]], abi)
        local f = shm.fields(r.U)
        assert.same({ 128, 4, 24, 4, 8 }, { f[1].size, f[2].size, f[3].size, f[4].size, f[5].size })
        assert.equal("int32_t", f[4].type)
      end
      -- (rF2State.h alone: the SDK header that declares the type is not there)
      assert.equal("cdef:1:26: unknown type name 'MessageInfoV01': declare it before its use (or"
        .. " #include its header, found through the include option)",
        fails("struct X { char c[sizeof(decltype(MessageInfoV01::mText))]; };"))
    end)

    it("finds constants of namespaces, classes, bases and enums by their scoped names", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          namespace game { namespace limits { constexpr int K = 3; } }
          namespace a::b { const int Deep = 2; }
          struct B { static const int N = 4; enum { Inner = 5 }; };
          struct D : B { char a[N]; char b[D::N]; char c[B::N]; char d[game::limits::K];
                         char e[B::Inner]; char f[a::b::Deep]; };
          enum E : short { E1 = 2 };
          enum class F : char { One = 1, Two = One + 1 };
          struct QE { char a[E::E1]; char b[(int)F::Two]; E e; F f; };
        ]], abi, { post = "using namespace game::limits; using namespace a::b;" })
        assert.same({ 0, 4, 8, 12, 15, 20 }, { shm.offsetof(r.D, "a"), shm.offsetof(r.D, "b"),
          shm.offsetof(r.D, "c"), shm.offsetof(r.D, "d"), shm.offsetof(r.D, "e"),
          shm.offsetof(r.D, "f") })
        assert.same({ 0, 2, 4, 6, 2 }, { shm.offsetof(r.QE, "a"), shm.offsetof(r.QE, "b"),
          shm.offsetof(r.QE, "e"), shm.offsetof(r.QE, "f"), shm.alignof(r.QE) })
        assert.same({ One = 1, Two = 2 }, r.constants.F)
        assert.same({ N = 4, Inner = 5 }, r.constants.B)
        assert.equal(5, r.constants.Inner) -- (as C has it)
      end
    end)

    it("gives enumerators that refer to earlier ones, in scoped and plain enums", function()
      local r = shm.cdef [[
        enum class Lane { Left, Right, Max, Invalid = Max, Free, Count = Free + 1 };
        enum Col { C_LEFT, C_MAX, C_INVALID = C_MAX, C_FREE };
      ]]
      assert.same({ Left = 0, Right = 1, Max = 2, Invalid = 2, Free = 3, Count = 4 }, r.constants.Lane)
      assert.same({ 0, 1, 1, 2 }, { r.constants.C_LEFT, r.constants.C_MAX, r.constants.C_INVALID,
        r.constants.C_FREE })
      assert.is_nil(r.constants.Max) -- (a scoped enum keeps its own)
    end)

    it("names a type defined in a class Class::Type too", function()
      local r = shm.cdef "struct Outer { struct Inner { short a; int b; }; Inner first; char c; };"
      assert.equal(r.Inner, r["Outer::Inner"])
      assert.equal(8, shm.offsetof(r.Outer, "c"))
    end)

    it("reads std::array as the array it is", function()
      for _, abi in ipairs(abis) do
        local r = checked([[
          #include <array>
          #include <cstdint>
          struct P { std::array<float, 4> a, b; std::array<std::array<int8_t, 2>, 3> m; char c; };
        ]], abi)
        local f = shm.fields(r.P)
        assert.same({ 4 }, f[1].dims)
        assert.same({ 3, 2 }, f[3].dims)
        assert.equal(38, shm.offsetof(r.P, "c"))
      end
      assert.equal("cdef:1:12: template type 'std::vector<int>' is not supported: declare the"
        .. " struct it stands for by hand", fails("struct V { std::vector<int> v; };"))
    end)

    it("needs no declaration for a pointer's target or a function's return type", function()
      local r = shm.cdef [[
        struct S { Unknown *p; std::string *q; std::optional<S> make(); };
        typedef Unknown (*Maker)(void);
      ]]
      assert.equal(16, shm.sizeof(r.S))
      assert.equal("uint64_t", r.Maker)
    end)
  end)
end)
