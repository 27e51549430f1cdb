-- strings_spec.lua: char[N], char16_t[N], char32_t[N] and wchar_t[N]
-- fields: UTF-8 on the Lua side, whatever bytes in memory.
local shm = require "winshm"
local H = require "helper"

local function err(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end

local function region(lay)
  local k = assert(shm.create(H.name("str"), lay))
  return k, k:get_mut()
end

local S = shm.struct { name = "Text",
  { "c", "char", 8 }, { "u16", "char16_t", 4 }, { "u32", "char32_t", 3 },
  { "one", "char" }, { "names", "char", { 3, 4 } }, { "bytes", "uint8_t", 4 },
  { "sbytes", "int8_t", 2 }, { "ubytes", "unsigned char", 2 } }

describe("strings", function()
  describe("char[N]", function()
    it("reads up to the first NUL and zero-fills on write", function()
      local k <close>, v = region(S)
      assert.equal("", v.c)
      v.c = "hello"
      assert.equal("hello", v.c)
      assert.equal("hello\0\0\0", k:read_bytes(0, 8))
      v.c = "hi"
      assert.equal("hi\0\0\0\0\0\0", k:read_bytes(0, 8))
      v.c = "12345678"   -- exactly N bytes: no NUL needed
      assert.equal("12345678", v.c)
      v.c = ""
      assert.equal(("\0"):rep(8), k:read_bytes(0, 8))
    end)

    it("reads N bytes when memory holds no NUL", function()
      local k <close>, v = region(S)
      k:write_bytes(0, "abcdefgh" .. "\1\0")
      assert.equal("abcdefgh", v.c)
      k:write_bytes(0, "\255\254\0x")
      assert.equal("\255\254", v.c)
    end)

    it("rejects strings longer than N and non-strings", function()
      local k <close>, v = region(S)
      v.c = "keep"
      assert.matches("field 'c' of layout 'Text': string of 9 bytes is too long for char[8]",
        err(function() v.c = "123456789" end), 1, true)
      assert.matches("expected a string, got number 5", err(function() v.c = 5 end), 1, true)
      assert.matches("expected a string, got nil", err(function() v.c = nil end), 1, true)
      assert.equal("keep", v.c)
    end)

    it("a single char is a string of at most one byte", function()
      local k <close>, v = region(S)
      v.one = "A"
      assert.equal("A", v.one)
      v.one = ""
      assert.equal("", v.one)
      assert.matches("too long for char[1]", err(function() v.one = "AB" end), 1, true)
    end)

    it("char[M][N] is an array of strings", function()
      local k <close>, v = region(S)
      assert.equal(3, #v.names)
      v.names[2] = "abcd"
      v.names[3] = "x"
      assert.same({ "", "abcd", "x" }, shm.read(v.names))
      assert.matches("element 1: string of 5 bytes is too long for char[4]",
        err(function() v.names[1] = "abcde" end), 1, true)
      shm.write(v, { names = { "p", [3] = "q" } })
      assert.same({ "p", "abcd", "q" }, shm.read(v).names)
    end)

    it("uint8_t[N], int8_t[N] and unsigned char[N] stay numeric arrays", function()
      local k <close>, v = region(S)
      v.bytes[1] = 255; v.sbytes[2] = -1; v.ubytes[1] = 65
      assert.same({ 255, 0, 0, 0 }, shm.read(v.bytes))
      assert.equal(-1, v.sbytes[2])
      assert.equal(65, v.ubytes[1])
      assert.equal("view", shm.type(v.ubytes))
      assert.matches("expected an integer, got string 'A'",
        err(function() v.ubytes[1] = "A" end), 1, true)
    end)
  end)

  describe("char16_t[N]", function()
    it("stores UTF-16LE and reads UTF-8", function()
      local k <close>, v = region(S)
      local off = shm.offsetof(S, "u16")
      v.u16 = "hé"
      assert.equal("hé", v.u16)
      assert.equal("h\0\233\0\0\0\0\0", k:read_bytes(off, 8))
      v.u16 = "€😀"  -- one unit and a surrogate pair
      assert.equal("€😀", v.u16)
      assert.equal("\172\32\61\216\0\222\0\0", k:read_bytes(off, 8))
      v.u16 = "abcd"
      assert.equal("abcd", v.u16)
    end)

    it("counts UTF-16 units against N", function()
      local k <close>, v = region(S)
      v.u16 = "😀😀"          -- 4 units
      assert.equal("😀😀", v.u16)
      assert.matches("field 'u16' of layout 'Text': string of 5 characters is too long for char16_t[4]",
        err(function() v.u16 = "😀😀a" end), 1, true)
      assert.equal("😀😀", v.u16)
    end)

    it("rejects invalid UTF-8 on write", function()
      local k <close>, v = region(S)
      v.u16 = "ok"
      for _, bad in ipairs { "\255", "a\192\128", "\237\160\128", "\244\144\128\128", "\226\130" } do
        assert.matches("field 'u16' of layout 'Text': invalid UTF-8 at byte",
          err(function() v.u16 = bad end), 1, true)
      end
      assert.matches("invalid UTF-8 at byte 2", err(function() v.u16 = "a\255" end), 1, true)
      assert.equal("ok", v.u16)
    end)

    it("reads broken UTF-16 as U+FFFD", function()
      local k <close>, v = region(S)
      local off = shm.offsetof(S, "u16")
      k:write_bytes(off, "\0\216a\0")       -- lone high surrogate, then 'a'
      assert.equal("\239\191\189a", v.u16)
      k:write_bytes(off, "\0\220\0\216\0\216\0\220")  -- lone low, lone high, then a pair
      assert.equal("\239\191\189\239\191\189\240\144\128\128", v.u16)
      k:write_bytes(off, "a\0b\0c\0\0\216")  -- high surrogate in the last unit
      assert.equal("abc\239\191\189", v.u16)
      k:write_bytes(off, "\255\255\255\255\255\255\255\255")  -- U+FFFF, no NUL
      assert.equal(("\239\191\191"):rep(4), v.u16)
    end)
  end)

  describe("char32_t[N]", function()
    it("stores UTF-32 and reads UTF-8", function()
      local k <close>, v = region(S)
      local off = shm.offsetof(S, "u32")
      v.u32 = "a😀"
      assert.equal("a😀", v.u32)
      assert.equal("a\0\0\0\0\246\1\0\0\0\0\0", k:read_bytes(off, 12))
      v.u32 = "ñññ"
      assert.equal("ñññ", v.u32)
      assert.matches("string of 4 characters is too long for char32_t[3]",
        err(function() v.u32 = "abcd" end), 1, true)
      assert.matches("invalid UTF-8", err(function() v.u32 = "\128" end), 1, true)
    end)

    it("reads values beyond Unicode and surrogates as U+FFFD", function()
      local k <close>, v = region(S)
      local off = shm.offsetof(S, "u32")
      k:write_bytes(off, string.pack("<I4I4I4", 0x110000, 0xD800, 0x41))
      assert.equal("\239\191\189\239\191\189A", v.u32)
      k:write_bytes(off, string.pack("<I4I4I4", 0xFFFFFFFF, 0x42, 0))
      assert.equal("\239\191\189B", v.u32)
    end)
  end)

  describe("wchar_t[N]", function()
    it("is UTF-16 under the Windows ABI and UTF-32 under SysV", function()
      local w = shm.struct { abi = "windows", { "s", "wchar_t", 4 } }
      local s = shm.struct { abi = "sysv", { "s", "wchar_t", 4 } }
      assert.equal(8, shm.sizeof(w))
      assert.equal(16, shm.sizeof(s))
      local k1 <close>, v1 = region(w)
      local k2 <close>, v2 = region(s)
      v1.s = "é😀"
      v2.s = "é😀"
      assert.equal("é😀", v1.s)
      assert.equal("é😀", v2.s)
      assert.equal("\233\0\61\216\0\222\0\0", k1:read_bytes(0, 8))
      assert.equal("\233\0\0\0\0\246\1\0", k2:read_bytes(0, 8))
      assert.matches("too long for wchar_t[4]", err(function() v1.s = "😀😀a" end), 1, true)
      v2.s = "😀😀😀😀"
      assert.equal("😀😀😀😀", v2.s)
    end)
  end)

  it("shm.read decodes strings and shm.write encodes them", function()
    local k <close>, v = region(S)
    shm.write(v, { c = "abc", u16 = "ü", u32 = "😀", names = { "n" } })
    local t = shm.read(v)
    assert.equal("abc", t.c)
    assert.equal("ü", t.u16)
    assert.equal("😀", t.u32)
    assert.same({ "n", "", "" }, t.names)
    local before = k:read_bytes()
    assert.matches("field 'u32' of layout 'Text': invalid UTF-8",
      err(shm.write, v, { c = "zzz", u32 = "\255" }), 1, true)
    assert.matches("field 'names[2]' of layout 'Text': string of 5 bytes",
      err(shm.write, v, { c = "zzz", names = { "a", "bbbbb" } }), 1, true)
    assert.equal(before, k:read_bytes())
  end)
end)
