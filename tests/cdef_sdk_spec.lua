-- cdef_sdk_spec.lua: shm.cdef on headers in the shape sims publish them
-- (tests/cdef/*.hpp: plugin SDK classes, mapped state, a sim's own shared
-- memory interface, an SDK's defines, shared pages, r3e, UDP packets):
-- they parse with no edits, agree with g++ and mingw-w64 g++ (64- and
-- 32-bit) on every field, and say what they skipped.  Also: the include
-- option, a BOM and CRLF line ends, each ABI's predefined macros and
-- Windows types, and the text option.
local shm = require "winshm"
local H = require "helper"
local X = require "cdef_compiler"
local C = require "cdef_helper"
local read, fails, has, dir, all = C.read, C.fails, C.has, C.dir, C.all

describe("SDK headers #posix", function()
  describe("against the compilers", function()
    C.against_compilers(it, pending, {
      { "plugin.hpp", "c++", all, { "InternalsPlugin", "CarTelemV01", "SimVec3" } },
      { "state.hpp", "c++", all, { "StTelemetry", "StExtended", "StHWControl" } },
      { "lmu.hpp", "c++", { "windows", "win32" }, { "SmLayout", "SharedLock" } },
      { "irsdk.hpp", "c++", all, { "sdk_header", "sdk_diskSubHeader" } },
      { "acc.hpp", "c++", all, { "SPagePhysics", "SPageGraphic", "SPageStatic" } },
      { "r3e.h", "c", all, { "r3t_shared", "r3t_driver_data" } },
      { "f1.hpp", "c++", all, { "PacketMotionData", "PacketCarTelemetryData" },
        { post = "using namespace Telem;" } },
      { "wintypes.h", "c", { "windows", "win32" }, { "WinTypes" } },
      { "wintypes_w.h", "c", { "windows", "win32" }, { "WinTypes" } },
      { "wintypes_t32.h", "c", { "win32" }, { "WinTypes" }, { flags = "-D_USE_32BIT_TIME_T" } },
    })

    it("a header with a BOM and CRLF line ends matches the compilers", function()
      local src = "\239\187\191" .. read("acc.hpp"):gsub("\r?\n", "\r\n")
      for _, abi in ipairs(all) do
        if not X.available(abi, "c++") then return pending("the compilers are not installed") end
        local r, ok, n = X.snippet(src, abi, "c++")
        assert(r, n)
        assert.is_true(ok, n)
        assert.equal(shm.sizeof(shm.cdef(read("acc.hpp"), { abi = abi }).SPageStatic),
          shm.sizeof(r.SPageStatic))
      end
    end)
  end)

  describe("what they hold", function()
    it("plugin classes start with the vtable pointer, capped by pack(4)", function()
      local w = shm.cdef(read("plugin.hpp"), { abi = "windows", include = { dir } })
      assert.same({ 16, 20, 24, 4 }, { shm.offsetof(w.InternalsPlugin, "mElapsed"),
        shm.offsetof(w.InternalsPlugin, "mEnabled"), shm.sizeof(w.InternalsPlugin),
        shm.alignof(w.InternalsPlugin) })
      assert.equal(8, shm.offsetof(w.InternalsPlugin, "mInfo")) -- the base's private member
      local x = shm.cdef(read("plugin.hpp"), { abi = "win32", include = { dir } })
      assert.same({ 4, 8, 16 }, { shm.offsetof(x.InternalsPlugin, "mInfo"),
        shm.offsetof(x.InternalsPlugin, "mElapsed"), shm.sizeof(x.InternalsPlugin) })
      assert.equal(24, shm.sizeof(w.InternalsPluginV01)) -- data only from its bases
      assert.equal(24, shm.sizeof(w.InternalsPluginV02))
      assert.same({ Garage = 0, Warmup = 1, Green = 5, Count = 6, Invalid = 6, Last = 7 },
        w.constants.SessionPhase)
      assert.equal(3, w.constants.LANE_INVALID)
      assert.equal("uint64_t", w.GETVERSION)
      assert.equal("uint32_t", x.GETVERSION)
    end)

    it("mapped state: pointer slots by _AMD64_, empty buffer headers, Class::N sizes", function()
      for abi, ptr in pairs { windows = 8, win32 = 4, sysv = 4 } do
        local r = shm.cdef(read("state.hpp"), { abi = abi, name = "state.hpp", include = { dir } })
        local f = shm.fields(r.StScoring)
        for _, x in ipairs(f) do
          if x.name == "pointer1" or x.name == "pointer2" then assert.equal(ptr, x.size, abi) end
        end
        assert.same({ 0, 4 }, { shm.offsetof(r.StTelemetry, "mBytesUpdatedHint"),
          shm.offsetof(r.StTelemetry, "mNumVehicles") })
        assert.same({ MAX_MAPPED_VEHICLES = 128 }, r.constants.StBufferHeader)
        assert.same({ MAX_NAME_LEN = 96, SUPPORTED_LAYOUT_VERSION = 1 }, r.constants.StHWControl)
        local e = shm.fields(r.StExtended)
        assert.equal(128, e[6].size) -- sizeof(decltype(MessageV01::mText))
        assert.is_nil(r.StBufferHeader)
        assert.truthy(has(r.notes, "state.hpp:97:1: struct 'StBufferHeader' has no data members"))
        assert.truthy(has(r.notes, "state.hpp:52:1: static_assert not checked: unknown type name"
          .. " 'NotDeclaredHere'"))
      end
    end)

    it("the SDK's defines: strings of _T(), static constants, and functions noted", function()
      local r = shm.cdef(read("irsdk.hpp"), { abi = "windows", name = "irsdk.hpp" })
      local c = r.constants
      assert.equal("Local\\SDKMemMapFileName", c.SDK_MEMMAPFILENAME)
      assert.same({ 4, 32, 604800.0, 0x80000000 },
        { c.SDK_MAX_BUFS, c.SDK_MAX_STRING, c.SDK_UNLIMITED_TIME, c.sdk_startGo })
      assert.equal("unsigned int", r.sdk_Flags)
      assert.same({ 8, 32 }, -- time_t of 8 bytes
        { shm.offsetof(r.sdk_diskSubHeader, "sessionStartTime"), shm.sizeof(r.sdk_diskSubHeader) })
      for _, n in ipairs {
        "irsdk.hpp:14:1: #include <tchar.h> ignored (a system header)",
        "irsdk.hpp:27:21: variable 'SDK_TICK' skipped (not a number shm.cdef evaluates)",
        "irsdk.hpp:52:18: variable 'sdk_VarTypeBytes' skipped (an array)",
        "irsdk.hpp:92:7: member function 'sdk_varHeader::clear' skipped",
        "irsdk.hpp:143:6: function 'sdk_startup' skipped",
        "irsdk.hpp:167:6: function 'sdk_broadcastMsg' skipped",
      } do
        assert.truthy(has(r.notes, n))
      end
    end)

    it("shared pages: default member initializers of every form, noted", function()
      local r = shm.cdef(read("acc.hpp"), { abi = "windows", name = "acc.hpp" })
      assert.equal(1.5, r.constants.SPageStatic.kScale)
      assert.equal(5, r.constants.Penalty.Disqualified_ExceededDriverStintLimit)
      assert.equal(5, r.constants.Disqualified_ExceededDriverStintLimit)
      for _, n in ipairs {
        "initializer of member 'packetId' ignored", "initializer of member 'tc' ignored",
        "initializer of member 'heading' ignored", "initializer of member 'localAngularVel' ignored",
        "initializer of member 'penaltyKind' ignored", "static member 'SPageStatic::kVersion' skipped",
      } do
        assert.truthy(has(r.notes, n))
      end
      assert.equal(68, shm.offsetof(r.SPageStatic, "carModel"))
    end)

    it("a sim's own interface: enum-sized arrays, size_t and MAX_PATH, Windows only", function()
      local w = shm.cdef(read("lmu.hpp"), { abi = "windows", name = "lmu.hpp", include = { dir } })
      assert.same({ 5 }, shm.fields(w.SmGeneric)[1].dims)
      assert.equal(260, shm.fields(w.SmPaths)[1].size)
      assert.equal(24, shm.sizeof(w.SharedLock))
      assert.equal(w["SharedLock::LockData"], w.LockData)
      assert.truthy(has(w.notes, "member function 'SharedLock::Make' skipped"))
      assert.truthy(has(w.notes, "constructor 'SharedLock::SharedLock' skipped"))
      assert.truthy(has(w.notes, "function 'CopySmObject' skipped"))
      local x = shm.cdef(read("lmu.hpp"), { abi = "win32", name = "lmu.hpp", include = { dir } })
      assert.equal(12, shm.sizeof(x.SharedLock))
      -- under SysV the #else branch names a header that is not there
      local e = fails(read("lmu.hpp"), { abi = "sysv", name = "lmu.hpp", include = { dir } })
      assert.matches("^lmu%.hpp:116:19: unknown constant 'MAX_PATH'", e)
    end)
  end)

  describe("the include option", function()
    it("finds #include \"x.h\" in its directories, and names the file in messages", function()
      local r = shm.cdef(read("state.hpp"), { name = "state.hpp", include = { dir } })
      assert.equal("layout", shm.type(r.CarTelemV01)) -- from plugin.hpp
      assert.truthy(has(r.notes, dir .. "/plugin.hpp:14:1: #include <cmath> ignored"))
      local tmp = H.tmpname()
      os.remove(tmp)
      assert(os.execute("mkdir -p " .. H.quote(tmp .. "/sub")))
      local function put(name, text)
        local f = assert(io.open(tmp .. "/" .. name, "wb"))
        f:write(text)
        f:close()
      end
      put("sub/a.h", '#pragma once\n#include "b.h"\nstruct A { B b; };\n')
      put("sub/b.h", "#ifndef B_H\n#define B_H\nstruct B { int x }; \n#endif\n")
      -- b.h is found next to a.h (the includer's directory comes first)
      assert.equal(tmp .. "/sub/b.h:3:18: expected ';', found '}'",
        fails('#include "sub/a.h"', { include = { tmp } }))
      put("sub/b.h", "#ifndef B_H\n#define B_H\nstruct B { int x; };\n#endif\n")
      local r2 = shm.cdef('#include "sub/a.h"\n#include "sub/a.h"\n#include "sub/b.h"\n',
        { include = { tmp } })
      assert.equal(4, shm.sizeof(r2.A))
      put("self.h", '#include "self.h"\n')
      assert.matches("self%.h:1:1: #include nested more than 64 deep %(does 'self%.h' include itself%?%)",
        fails('#include "self.h"', { include = { tmp } }))
      os.execute("rm -rf " .. H.quote(tmp))
    end)

    it("notes a file it cannot find, and the errors that follow say what to do", function()
      local e = fails(read("state.hpp"), { name = "state.hpp" })
      assert.equal("state.hpp:110:3: unknown type name 'CarTelemV01': declare it before its use"
        .. " (or #include its header, found through the include option)", e)
      local r = shm.cdef('#include "nowhere.h"\nstruct A { int x; };', { name = "m.h" })
      assert.same({ 'm.h:1:1: #include "nowhere.h" not found in the include directories'
        .. " (option include): ignored" }, r.notes)
    end)

    it("checks the option", function()
      assert.equal("bad argument #2 to 'cdef' (include must be a list of strings, got string)",
        fails("", { include = "dir" }))
      assert.equal("bad argument #2 to 'cdef' (include[2] must be a string, got number)",
        fails("", { include = { "a", 2 } }))
    end)
  end)

  describe("a BOM and CRLF line ends", function()
    it("are read, and columns do not count the BOM", function()
      local r = shm.cdef("\239\187\191struct A { int x; };\r\nstruct B { A a; };\r\n")
      assert.equal(4, shm.sizeof(r.B))
      assert.equal("x.h:1:18: expected ';', found '}'",
        fails("\239\187\191struct A { int x };", { name = "x.h" }))
      assert.equal("x.h:2:18: expected ';', found '}'",
        fails("\239\187\191// h\r\nstruct A { int x };", { name = "x.h" }))
    end)
  end)

  describe("each ABI", function()
    local probe = [[
      #if defined(_WIN64) && defined(_M_X64) && defined(_M_AMD64) && defined(_AMD64_) && _M_X64 == 100
      struct Win64 { int x; };
      #endif
      #if defined(_WIN32) && defined(WIN32) && defined(_M_IX86) && defined(_X86_) && !defined(_WIN64)
      struct Win32 { int x; };
      #endif
      #if defined(__linux__) && defined(__x86_64__) && defined(__LP64__) && !defined(_WIN32)
      struct Linux { int x; };
      #endif
      #ifdef __cplusplus
      struct Cxx { int x; };
      #endif
      struct P { char c; void *p; size_t n; HWND h; time_t t; LPARAM l; long k; wchar_t w; };
    ]]
    it("predefines the macros of the compilers that build for it", function()
      local names = { windows = "Win64", win32 = "Win32", sysv = "Linux" }
      for abi, name in pairs(names) do
        local r = shm.cdef(probe, { abi = abi })
        for _, other in pairs(names) do
          assert.equal(other == name and "layout" or nil, shm.type(r[other]), abi .. " " .. other)
        end
        assert.is_nil(r.Cxx)
      end
      assert.equal(600, shm.cdef("enum { V = _M_IX86 };", { abi = "win32" }).constants.V)
    end)

    it("sizes pointers and pointer-sized types for it", function()
      local want = { windows = { 8, 16, 24, 32, 40, 48, 52, 56 }, win32 = { 4, 8, 12, 16, 24, 28, 32, 40 },
                     sysv = { 8, 16, 24, 32, 40, 48, 56, 64 } }
      for abi, w in pairs(want) do
        local r = shm.cdef(probe, { abi = abi })
        local got = {}
        for _, f in ipairs { "p", "n", "h", "t", "l", "k", "w" } do got[#got + 1] = shm.offsetof(r.P, f) end
        got[#got + 1] = shm.sizeof(r.P)
        assert.same(w, got, abi)
      end
    end)
  end)

  describe("the text option", function()
    local src = read("r3e.h")
    it("reads byte arrays of a typedef, or one member, as text", function()
      local r = shm.cdef(src, { abi = "windows", text = { "r3t_u8char" } })
      local f = shm.fields(r.r3t_shared)
      local names = {}
      for _, x in ipairs(f) do if x.text then names[#names + 1] = x.name end end
      assert.same({ "track_name", "layout_name", "vehicle_info_name" }, names)
      assert.is_true(shm.fields(r.r3t_driver_info)[1].text)
      local link = assert(shm.create(H.name("r3t"), r.r3t_shared))
      local v = link:get_mut()
      v.track_name = "Spa-Francorchamps"
      v.all_drivers[2].driver_info.name = "Ana Lu"
      assert.equal("Spa-Francorchamps", v.track_name)
      assert.equal("Ana Lu", shm.read(v).all_drivers[2].driver_info.name)
      link:close()
      local one = shm.cdef(src, { text = { "r3t_driver_info.name" } })
      assert.is_true(shm.fields(one.r3t_driver_info)[1].text)
      assert.is_nil(shm.fields(one.r3t_shared)[7].text)
      local plain = shm.cdef(src)
      assert.is_nil(shm.fields(plain.r3t_driver_info)[1].text)
    end)

    it("refuses a name that is no byte array, or none at all", function()
      assert.equal("cdef:1:29: option text names 'I', but member 'n' of S is no array of 1-byte"
        .. " integers", fails("typedef int I; struct S { I n[4]; };", { text = { "I" } }))
      assert.equal("cdef: option text names 'nope', which is no typedef or member of the source",
        fails("struct S { char c; };", { text = { "nope" } }))
      assert.equal("bad argument #2 to 'cdef' (text must be a list of strings, got boolean)",
        fails("", { text = true }))
    end)
  end)
end)
