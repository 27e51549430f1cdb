-- Regions: shm.create / get_or_create / open / open_existing / remove and
-- the link object (docs/reference.md, Regions and Links).
local shm = require "winshm"
local H = require "helper"

describe("regions", function()
  it("runs under Lua 5.4", function()
    assert.equal("Lua 5.4", _VERSION)
  end)

  describe("create", function()
    it("makes a zero-filled region of at least the size asked", function()
      local name = H.name("create")
      local l = assert(shm.create(name, 1000))
      assert.equal("link", shm.type(l))
      assert.is_true(l:size() >= 1000)
      assert.equal(("\0"):rep(1000), l:read_bytes(0, 1000))
      assert.equal("ReadWrite", l:access())
      assert.equal(name, l:name())
      assert.is_false(l:closed())
      l:close()
    end)

    it("fails with AlreadyExists when the name is taken", function()
      local name = H.name("taken")
      local l = assert(shm.create(name, 64))
      local none, err = shm.create(name, 64)
      assert.is_nil(none)
      assert.equal("AlreadyExists", err.kind)
      assert.equal("EEXIST", err.code)
      assert.equal(name, err.name)
      assert.equal(err.message, tostring(err))
      assert.matches("AlreadyExists", err.message)
      l:close()
    end)

    it("takes opts.size as the size when it is larger", function()
      local l = assert(shm.create(H.name(), 10, { size = 5000 }))
      assert.is_true(l:size() >= 5000)
      l:close()
    end)

    it("refuses size 0 with CreateMapping", function()
      local none, err = shm.create(H.name(), 0)
      assert.is_nil(none)
      assert.equal("CreateMapping", err.kind)
      assert.equal("EINVAL", err.code)
    end)

    it("rejects bad arguments", function()
      assert.has_error(function() shm.create(H.name(), -1) end,
        "bad argument #2 to 'create' (size must not be negative)")
      assert.has_error(function() shm.create(H.name(), 1.5) end)
      assert.has_error(function() shm.create(H.name(), "ten") end)
      assert.has_error(function() shm.create(42) end)
      assert.has_error(function() shm.create(H.name(), 8, { sise = 10 }) end,
        "invalid field name 'sise' in opts")
      assert.has_error(function() shm.create(H.name(), 8, { size = -5 }) end)
      assert.has_error(function() shm.create(H.name(), 8, { mode = "rw" }) end)
      assert.has_error(function() shm.create(H.name(), 8, "opts") end)
    end)

    it("says SizeTooLarge when the system cannot take the size", function()
      local none, err = shm.create(H.name(), 1 << 62)
      assert.is_nil(none)
      assert.equal("SizeTooLarge", err.kind)
    end)

    it("makes a 5 GiB sparse region", function()
      local l = assert(shm.create(H.name(), 5 << 30))
      assert.equal(5 << 30, l:size())
      l:write_bytes((5 << 30) - 4, "tail")
      assert.equal("tail", l:read_bytes((5 << 30) - 4, 4))
      l:close()
    end)
  end)

  describe("get_or_create", function()
    it("creates once, then opens, saying which", function()
      local name = H.name("goc")
      local a, created = shm.get_or_create(name, 128)
      assert.is_true(created)
      local b, created2 = shm.get_or_create(name, 128)
      assert.is_false(created2)
      a:write_bytes(0, "shared")
      assert.equal("shared", b:read_bytes(0, 6))
      assert.equal("ReadWrite", b:access())
      a:close(); b:close()
    end)

    it("is RegionTooSmall when the existing region is smaller", function()
      local name = H.name("goc_small")
      local a = assert(shm.create(name, 4096))
      local none, err = shm.get_or_create(name, 1 << 20)
      assert.is_nil(none)
      assert.equal("RegionTooSmall", err.kind)
      a:close()
    end)
  end)

  describe("open and open_existing", function()
    it("open gives a read-only link that sees the writer", function()
      local name = H.name("ro")
      local w = assert(shm.create(name, 64))
      local r = assert(shm.open(name, 64))
      assert.equal("ReadOnly", r:access())
      w:write_bytes(3, "abc")
      assert.equal("abc", r:read_bytes(3, 3))
      assert.has_error(function() r:write_bytes(0, "x") end,
        "attempt to write to read-only link '" .. name .. "'")
      r:close(); w:close()
    end)

    it("open_existing gives a writable link", function()
      local name = H.name("rw")
      local w = assert(shm.create(name, 64))
      local o = assert(shm.open_existing(name, 0))
      assert.equal("ReadWrite", o:access())
      o:write_bytes(0, "from o")
      assert.equal("from o", w:read_bytes(0, 6))
      o:close(); w:close()
    end)

    it("maps the whole region whatever size is asked", function()
      local name = H.name("whole")
      local w = assert(shm.create(name, 10000))
      local r = assert(shm.open(name, 1))
      assert.equal(w:size(), r:size())
      r:close(); w:close()
    end)

    it("fails with OpenMapping/ENOENT on a missing name", function()
      for _, f in ipairs({ shm.open, shm.open_existing }) do
        local name = H.name("missing")
        local none, err = f(name, 8)
        assert.is_nil(none)
        assert.equal("OpenMapping", err.kind)
        assert.equal("ENOENT", err.code)
        assert.is_number(err.errno)
        assert.equal(name, err.name)
        assert.matches(name, tostring(err), 1, true)
      end
    end)

    it("is RegionTooSmall, not a crash, when the region is smaller", function()
      local name = H.name("small")
      local w = assert(shm.create(name, 100))
      local none, err = shm.open(name, 1 << 24)
      assert.is_nil(none)
      assert.equal("RegionTooSmall", err.kind)
      none, err = shm.open_existing(name, 100, { size = 1 << 24 })
      assert.is_nil(none)
      assert.equal("RegionTooSmall", err.kind)
      w:close()
    end)

    it("works with assert, which prints the message", function()
      local name = H.name("assert")
      local ok, out = H.run([[
        local shm = require "winshm"
        assert(shm.open(..., 8))
      ]], name)
      assert.is_falsy(ok)
      assert.matches("OpenMapping: cannot open '" .. name .. "'", out, 1, true)
      assert.matches("(ENOENT)", out, 1, true)
    end)
  end)

  describe("remove", function()
    it("removes a name and reports a missing one #posix", function()
      local name = H.name("rm")
      local l = assert(shm.create(name, 64, { persist = true }))
      l:close()
      assert.is_true(shm.remove(name))
      local none, err = shm.remove(name)
      assert.is_nil(none)
      assert.equal("ENOENT", err.code)
      assert.is_nil((shm.open(name, 0)))
    end)
  end)

  describe("names", function()
    it("treats Local\\ and Global\\ as the same region on POSIX #posix", function()
      local base = H.name("ns")
      local l = assert(shm.create("Local\\" .. base, 32))
      l:write_bytes(0, "ns")
      local r = assert(shm.open(base, 0))
      assert.equal("ns", r:read_bytes(0, 2))
      local g = assert(shm.open("Global\\" .. base, 0))
      assert.equal("ns", g:read_bytes(0, 2))
      assert.is_true(H.shm_exists(base))
      r:close(); g:close(); l:close()
    end, { "posix" })

    it("rejects invalid names with InvalidName", function()
      local bad = { "", "a\0b", "\xff\xfe", "caf\xc3", "\xed\xa0\x80",
                    "Local\\", "Global\\", ("n"):rep(300) }
      if not H.windows then
        for _, n in ipairs({ "a/b", "/lead", "..", "." }) do bad[#bad + 1] = n end
      end
      for _, f in ipairs({ shm.create, shm.get_or_create, shm.open,
                           shm.open_existing }) do
        for _, n in ipairs(bad) do
          local none, err = f(n, 16)
          assert.is_nil(none, n)
          assert.equal("InvalidName", err.kind, n)
          assert.equal(n, err.name)
        end
      end
      for _, n in ipairs(bad) do
        local none, err = shm.remove(n)
        assert.is_nil(none)
        assert.equal("InvalidName", err.kind)
      end
    end)

    it("accepts UTF-8 names and game-style names", function()
      for _, n in ipairs({ H.name("caf\xc3\xa9"), "$" .. H.name("rF2") .. "$" }) do
        local l = assert(shm.create(n, 16))
        assert.equal(n, l:name())
        local r = assert(shm.open(n, 16))
        r:close(); l:close()
      end
    end)
  end)

  describe("links", function()
    it("read_bytes and write_bytes check their ranges", function()
      local l = assert(shm.create(H.name("range"), 4096))
      local size = l:size()
      assert.equal(size, #l:read_bytes())
      assert.equal(size - 10, #l:read_bytes(10))
      assert.equal("", l:read_bytes(size, 0))
      assert.has_error(function() l:read_bytes(-1, 1) end)
      assert.has_error(function() l:read_bytes(size + 1) end)
      assert.has_error(function() l:read_bytes(size - 1, 2) end)
      assert.has_error(function() l:read_bytes(0, -1) end)
      assert.has_error(function() l:write_bytes(size - 1, "ab") end)
      assert.has_error(function() l:write_bytes(-1, "a") end)
      assert.has_error(function() l:write_bytes(0, {}) end)
      l:write_bytes(size - 2, "ok")
      assert.equal("ok", l:read_bytes(size - 2))
      l:close()
    end)

    it("raises on every use after close, and closes twice harmlessly", function()
      local l = assert(shm.create(H.name("closed"), 64))
      assert.is_true(l:close())
      assert.is_true(l:close())
      assert.is_true(l:closed())
      assert.equal("closed link", shm.type(l))
      assert.matches("closed", tostring(l))
      for _, m in ipairs({ "read_bytes", "size", "name", "access", "get",
                           "get_mut" }) do
        assert.has_error(function() l[m](l) end, "attempt to use a closed link")
      end
      assert.has_error(function() l:write_bytes(0, "x") end,
        "attempt to use a closed link")
      assert.has_error(function() l:view(shm, 0) end,
        "attempt to use a closed link")
    end)

    it("closes at the end of a <close> scope", function()
      local keep
      do
        local l <close> = assert(shm.create(H.name("tbc"), 64))
        keep = l
        assert.is_false(l:closed())
      end
      assert.is_true(keep:closed())
    end)

    it("tostring says access, size and name", function()
      local name = H.name("tostr")
      local l = assert(shm.create(name, 64))
      local s = tostring(l)
      assert.matches("winshm.link", s, 1, true)
      assert.matches("ReadWrite", s, 1, true)
      assert.matches(name, s, 1, true)
      l:close()
    end)

    it("shm.type knows links and nothing else", function()
      assert.is_nil(shm.type(nil))
      assert.is_nil(shm.type({}))
      assert.is_nil(shm.type("link"))
      assert.is_nil(shm.type(io.stdout))
      assert.has_error(function() shm.type() end)
    end)

    it("does not set globals", function()
      local before = {}
      for k in pairs(_G) do before[k] = true end
      package.loaded.winshm = nil
      local again = require "winshm"
      assert.equal(shm, again)  -- one table (and one copy of the code) a state
      for k in pairs(_G) do assert.is_true(before[k], k) end
      package.loaded.winshm = shm
    end)
  end)

  describe("across processes", function()
    it("a second process reads what we wrote and writes back", function()
      local name = H.name("xproc")
      local l = assert(shm.create(name, 256))
      l:write_bytes(0, "ping")
      local ok, out = H.run([[
        local shm = require "winshm"
        local name = ...
        local r = assert(shm.open_existing(name, 256))
        io.write(r:read_bytes(0, 4))
        r:write_bytes(100, "pong")
        r:close()
      ]], name)
      assert.is_true(ok, out)
      assert.equal("ping", out)
      assert.equal("pong", l:read_bytes(100, 4))
      l:close()
    end)

    it("a second process sees AlreadyExists while we hold the name", function()
      local name = H.name("xexists")
      local l = assert(shm.create(name, 64))
      local ok, out = H.run([[
        local shm = require "winshm"
        local none, err = shm.create(..., 64)
        io.write(tostring(none), " ", err.kind)
      ]], name)
      assert.is_true(ok, out)
      assert.equal("nil AlreadyExists", out)
      l:close()
    end)
  end)
end)
