-- cdef_layout_spec.lua: what shm.struct gives shm.cdef -- the "win32"
-- ABI, the scalar table both share (shm._scalars) and text = true on
-- byte arrays.
local shm = require "winshm"
local H = require "helper"
local err = require("cdef_helper").err

describe("layouts for shm.cdef", function()
  describe("abi = 'win32'", function()
    it("lays out the scalar types as 'windows' does", function()
      local function spec(abi)
        return { abi = abi, { "c", "char" }, { "d", "double" }, { "l", "long" },
                 { "w", "wchar_t", 3 }, { "i", "int64_t" }, { "u", "unsigned long" } }
      end
      local w32, w64 = shm.struct(spec "win32"), shm.struct(spec "windows")
      for _, f in ipairs { "c", "d", "l", "w", "i", "u" } do
        assert.equal(shm.offsetof(w64, f), shm.offsetof(w32, f), f)
      end
      assert.equal(8, shm.offsetof(w32, "d"))   -- double aligned to 8, as MSVC
      assert.equal(20, shm.offsetof(w32, "w"))  -- long 4, wchar_t 2
      assert.equal(shm.sizeof(w64), shm.sizeof(w32))
      assert.equal(8, shm.alignof(w32))
    end)

    it("is named in tostring and reads wchar_t as UTF-16", function()
      local L = shm.struct { name = "W", abi = "win32", { "n", "wchar_t", 4 } }
      assert.truthy(tostring(L):find("abi win32", 1, true), tostring(L))
      local link = assert(shm.create(H.name("w32"), L))
      link:get_mut().n = "ab"
      assert.equal("a\0b\0", link:read_bytes(0, 4))
      assert.equal("ab", link:get().n)
      link:close()
    end)

    it("is refused when misspelled, and the message lists it", function()
      assert.matches("abi of layout 'B' must be 'native', 'windows', 'win32' or 'sysv', got 'w32'",
        err(shm.struct, { name = "B", abi = "w32", { "a", "int" } }), 1, true)
    end)
  end)

  describe("shm._scalars", function()
    it("gives every scalar name with its size and kind for each ABI", function()
      for _, abi in ipairs { "sysv", "windows", "win32", "native" } do
        local t = shm._scalars(abi)
        local n = 0
        for name, s in pairs(t) do
          n = n + 1
          -- the table and shm.struct agree on every entry
          assert.equal(shm.sizeof(shm.struct { abi = abi, { "x", name } }), s.size, name)
          assert.equal(s.size, shm.alignof(shm.struct { abi = abi, { "x", name } }), name)
          assert.equal(s.type, shm.fields(shm.struct { abi = abi, { "x", name } })[1].type)
        end
        assert.is_true(n >= 40, "too few scalar names")
      end
      local w, s = shm._scalars "windows", shm._scalars "sysv"
      assert.same({ 4, 8 }, { w.long.size, s.long.size })
      assert.same({ "char16", "char32" }, { w.wchar_t.kind, s.wchar_t.kind })
      assert.same({ "int", "uint", "double", "float", "bool", "char" },
        { w.short.kind, w.unsigned.kind, w.f64.kind, w.float.kind, w.bool.kind, w.char.kind })
    end)

    it("refuses an unknown ABI", function()
      assert.matches("abi must be 'native', 'windows', 'win32' or 'sysv'",
        err(shm._scalars, "vax"), 1, true)
    end)
  end)

  describe("text = true", function()
    it("reads and writes a byte array as text, as char does", function()
      local L = shm.struct { name = "D", { "id", "int" }, { "name", "uint8_t", 8, text = true },
                             { "tag", "int8_t", { 2, 4 }, text = true }, { "raw", "uint8_t", 4 } }
      local link = assert(shm.create(H.name("text"), L))
      local v = link:get_mut()
      v.name = "Spa"
      v.tag[2] = "GT3"
      link:write_bytes(shm.offsetof(L, "raw"), "\1\2\3\4")
      assert.equal("Spa", v.name)
      assert.equal("Spa\0\0\0\0\0", link:read_bytes(4, 8))
      assert.equal("GT3", v.tag[2])
      assert.same({ id = 0, name = "Spa", tag = { "", "GT3" }, raw = { 1, 2, 3, 4 } }, shm.read(v))
      assert.matches("string of 9 bytes is too long for uint8_t[8]", err(function() v.name = "123456789" end), 1, true)
      link:close()
    end)

    it("shows in shm.fields and tostring, and keeps the declared type", function()
      local L = shm.struct { name = "D", { "name", "uint8_t", 8, text = true }, { "raw", "uint8_t", 4 } }
      local f = shm.fields(L)
      assert.is_true(f[1].text)
      assert.equal("uint8_t", f[1].type)
      assert.is_nil(f[2].text)
      assert.truthy(tostring(L):find("uint8_t name[8];  /* offset 0, text */", 1, true), tostring(L))
    end)

    it("is refused on other types and with a value that is no boolean", function()
      assert.matches("field 'x' of anonymous struct: text = true needs a 1-byte integer type, got int32_t",
        err(shm.struct, { { "x", "int", 4, text = true } }), 1, true)
      assert.matches("needs a 1-byte integer type, got bool",
        err(shm.struct, { { "x", "bool", 4, text = true } }), 1, true)
      assert.matches("field 'x' of anonymous struct: text must be a boolean, got number",
        err(shm.struct, { { "x", "uint8_t", 4, text = 1 } }), 1, true)
      assert.equal(4, shm.sizeof(shm.struct { { "x", "uint8_t", 4, text = false } }))
    end)
  end)
end)
