-- windows_spec.lua: what only the Win32 backend does (run under Wine by
-- 'make test-windows'; the default config excludes the 'windows' tag).
local H = require "helper"

describe("Win32 regions #windows", function()
  local shm = require "winshm"
  local PAGE = 4096

  -- Lua source both sides use to read and write UTF-16LE text.
  local UTF16 = [[
    local function from16(s)
      local out, i = {}, 1
      while i + 1 <= #s do
        local u = string.unpack("<I2", s, i)
        i = i + 2
        if u == 0 then break end
        if u >= 0xD800 and u < 0xDC00 then
          u = 0x10000 + ((u - 0xD800) << 10) + (string.unpack("<I2", s, i) - 0xDC00)
          i = i + 2
        end
        out[#out + 1] = utf8.char(u)
      end
      return table.concat(out)
    end
    local function to16(s)
      local out = {}
      for _, c in utf8.codes(s) do
        if c >= 0x10000 then
          c = c - 0x10000
          out[#out + 1] = string.pack("<I2I2", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF))
        else
          out[#out + 1] = string.pack("<I2", c)
        end
      end
      return table.concat(out) .. "\0\0"
    end
  ]]
  local from16, to16 = load(UTF16 .. " return from16, to16")()

  local function exists(name)
    local l = shm.open(name, 1)
    if l then l:close() return true end
    return false
  end

  describe("winshm.exe", function()
    it("has LPeg and re built in, and the Lua parts of winshm", function()
      local ok, out = H.run([[
        local lpeg, re = require "lpeg", require "re"
        local words = re.compile("{%a+} (' ' {%a+})*")
        io.write(lpeg.match(lpeg.C(lpeg.R("09")^1), "2026x"), " ",
                 table.concat({ words:match("hello wide world") }, ","), " ",
                 type(package.preload["winshm.cdef"]), " ",
                 tostring(package.loaded.winshm ~= nil or require("winshm") ~= nil))
      ]])
      assert.is_true(ok, out)
      assert.equal("2026 hello,wide,world function true", out)
    end)

    it("declares C structs with shm.cdef (LPeg inside the host)", function()
      local ok, out = H.run([[
        local shm = require "winshm"
        local t = shm.cdef("typedef struct { long lap; wchar_t who[8]; } Car;")
        io.write(shm.sizeof(t.Car), " ", shm.offsetof(t.Car, "who"))
      ]])
      assert.is_true(ok, out)
      assert.equal("20 4", out)
    end)
  end)

  describe("names", function()
    it("passes Local\\ through: the same object as the bare name", function()
      local base = H.name("local")
      local a = assert(shm.create("Local\\" .. base, 64))
      a:write_bytes(0, "local!")
      local b = assert(shm.open(base, 6))
      assert.equal("local!", b:read_bytes(0, 6))
      assert.equal("Local\\" .. base, a:name())
      a:close(); b:close()
    end)

    it("keeps Local\\ and Global\\ apart", function()
      local base = H.name("ns")
      local l = assert(shm.create("Local\\" .. base, 64))
      local g, err = shm.open("Global\\" .. base, 1)
      assert.is_nil(g)
      assert.equal("ENOENT", err.code)
      l:close()
    end)

    it("creates in Global\\ and another process opens it there", function()
      local name = "Global\\" .. H.name("global")
      local g, err = shm.create(name, 64)
      if not g then  -- Windows without SeCreateGlobalPrivilege
        assert.equal("EACCES", err.code)
        return
      end
      g:write_bytes(0, "global")
      local ok, out = H.run([[
        local shm = require "winshm"
        local l = assert(shm.open_existing(arg[1], 6))
        io.write(l:read_bytes(0, 6))
        l:write_bytes(0, "GLOBAL")
      ]], name)
      assert.is_true(ok, out)
      assert.equal("global", out)
      assert.equal("GLOBAL", g:read_bytes(0, 6))
      g:close()
    end)

    it("takes UTF-8 names, checked as UTF-16 for length", function()
      local uni = "\u{263A}" .. H.name("u")
      local l = assert(shm.create(uni, 8))
      assert.equal(uni, l:name())
      assert.is_true(exists(uni))
      l:close()
      -- 260 UTF-16 units is the limit, however many bytes they take
      local long = H.name("l")
      long = long .. ("\u{E9}"):rep(260 - #long)
      l = assert(shm.create(long, 8))
      l:close()
      local _, err = shm.create(long .. "x", 8)
      assert.equal("InvalidName", err.kind)
      assert.equal("ENAMETOOLONG", err.code)
      -- a character outside the BMP counts twice
      _, err = shm.create(("a"):rep(259) .. "\u{1F600}", 8)
      assert.equal("InvalidName", err.kind)
    end)

    it("rejects invalid names before the system sees them", function()
      for _, bad in ipairs({ "", "Local\\", "Global\\", "a\0b", "a\xffb",
                             "\xed\xa0\x80" }) do
        local l, err = shm.create(bad, 8)
        assert.is_nil(l)
        assert.equal("InvalidName", err.kind, bad)
        assert.equal(0, err.errno)
      end
    end)

    it("reports what the system says of a name it cannot take", function()
      local _, err = shm.create("nosuchdir\\" .. H.name("bs"), 8)
      assert.equal("CreateMapping", err.kind)
      assert.equal("ENOENT", err.code)
      assert.equal(3, err.errno)  -- ERROR_PATH_NOT_FOUND
    end)
  end)

  describe("lifetime", function()
    it("vanishes when its last handle closes", function()
      local name = H.name("life")
      local a = assert(shm.create(name, 64))
      local b = assert(shm.open(name, 64))
      a:close()
      assert.is_true(exists(name))
      b:close()
      assert.is_false(exists(name))
      -- and the name is free for a new, zero-filled region
      local c = assert(shm.create(name, 64))
      assert.equal(("\0"):rep(64), c:read_bytes(0, 64))
      c:close()
    end)

    it("ignores persist: the system always removes it", function()
      local name = H.name("persist")
      local l = assert(shm.create(name, 64, { persist = true, mode = 0x1A4 }))
      l:close()
      assert.is_false(exists(name))
    end)

    it("vanishes when the process holding it exits, even abruptly", function()
      local name = H.name("exit")
      local h = H.spawn([[
        local shm = require "winshm"
        local l = assert(shm.create(arg[1], 64))
        l:write_bytes(0, "held")
        -- wait for the go, then die without closing anything
        for _ = 1, 3000 do
          if l:read_bytes(4, 1) == "!" then break end
          local t = os.clock() + 0.01
          repeat until os.clock() >= t
        end
        os.exit(0, false)
      ]], name)
      local l = H.until_true(function() return shm.open_existing(name, 64) end, 20)
      assert.truthy(l, "the holder never created " .. name)
      assert.equal("held", l:read_bytes(0, 4))
      l:close()
      assert.is_true(exists(name))  -- the holder still has it
      l = assert(shm.open_existing(name, 64))
      l:write_bytes(4, "!")
      l:close()
      local ok, out = h:wait(30)
      assert.is_true(ok, out)
      assert.is_false(exists(name))
    end)

    it("vanishes when every holder is killed (TerminateProcess)", function()
      local name = H.name("killed")
      local holders = {}
      for i = 1, 2 do
        holders[i] = H.spawn([[
          local shm = require "winshm"
          local l = assert(shm.get_or_create(arg[1], 4096))
          l:write_bytes(0, "alive")
          while true do end  -- hold it until killed
        ]], name, i)
        assert.is_number(holders[i].pid)
      end
      local l = H.until_true(function() return shm.open(name, 5) end, 20)
      assert.truthy(l, "no holder created " .. name)
      assert.equal("alive", l:read_bytes(0, 5))
      l:close()
      for _, h in ipairs(holders) do assert.truthy(h:kill()) end
      for _, h in ipairs(holders) do
        local ok, out = h:wait(20)
        assert.is_not_nil(ok, out)  -- ended (taskkill /F's exit code varies)
      end
      assert.is_false(exists(name))
      l = assert(shm.create(name, 64))  -- the name is free, and it is new
      assert.equal(("\0"):rep(5), l:read_bytes(0, 5))
      l:close()
    end)

    it("remove() cannot take a held name: EBUSY, and the mapping lives on", function()
      local name = H.name("rm")
      local l = assert(shm.create(name, 64))
      local none, e = shm.remove(name)
      assert.is_nil(none)
      assert.equal("OpenMapping EBUSY 0", e.kind .. " " .. e.code .. " " .. e.errno)
      assert.matches("goes with its last handle", e.message, 1, true)
      assert.is_true(exists(name))
      l:close()
      local ok, err = shm.remove(name)
      assert.is_nil(ok)
      assert.equal("OpenMapping", err.kind)
      assert.equal("ENOENT", err.code)
    end)
  end)

  describe("across processes", function()
    it("shares writes both ways with a second winshm.exe", function()
      local name = H.name("xproc")
      local l = assert(shm.create(name, 256))
      l:write_bytes(0, "ping")
      local ok, out = H.run([[
        local shm = require "winshm"
        local l = assert(shm.open_existing(arg[1], 256))
        io.write(l:read_bytes(0, 4), " ", l:size(), " ", l:access())
        l:write_bytes(100, "pong")
        l:close()
      ]], name)
      assert.is_true(ok, out)
      assert.equal("ping 4096 ReadWrite", out)
      assert.equal("pong", l:read_bytes(100, 4))
      l:close()
    end)

    it("get_or_create says who created it", function()
      local name = H.name("goc")
      local l, created = shm.get_or_create(name, 64)
      assert.truthy(l)
      assert.is_true(created)
      local ok, out = H.run([[
        local shm = require "winshm"
        local l, created = assert(shm.get_or_create(arg[1], 64))
        io.write(tostring(created), " ", l:size())
      ]], name)
      assert.is_true(ok, out)
      assert.equal("false 4096", out)
      local again, created2 = shm.get_or_create(name, 64)
      assert.is_false(created2)
      again:close()
      l:close()
    end)

    it("gives a read-only link to open()", function()
      local name = H.name("ro")
      local l = assert(shm.create(name, 64))
      local ok, out = H.run([[
        local shm = require "winshm"
        local l = assert(shm.open(arg[1], 64))
        local ok, err = pcall(l.write_bytes, l, 0, "x")
        io.write(l:access(), " ", tostring(ok), " ", tostring(err):match("read%-only") or err)
      ]], name)
      assert.is_true(ok, out)
      assert.equal("ReadOnly false read-only", out)
      l:close()
    end)

    it("create in a second process fails while the name is held", function()
      local name = H.name("busy")
      local l = assert(shm.create(name, 64))
      local ok, out = H.run([[
        local shm = require "winshm"
        local l, err = shm.create(arg[1], 64)
        io.write(tostring(l), " ", err.kind, " ", err.code, " ", err.errno)
      ]], name)
      assert.is_true(ok, out)
      assert.equal("nil AlreadyExists EEXIST 183", out)
      l:close()
    end)
  end)

  describe("errors", function()
    it("open of a missing name: OpenMapping, ENOENT, ERROR_FILE_NOT_FOUND", function()
      local name = H.name("missing")
      local l, err = shm.open(name, 1)
      assert.is_nil(l)
      assert.equal("OpenMapping", err.kind)
      assert.equal("ENOENT", err.code)
      assert.equal(2, err.errno)
      assert.equal(name, err.name)
      assert.equal(err.message, tostring(err))
      assert.matches(name, err.message, 1, true)
      assert.matches("(ENOENT)", err.message, 1, true)
      l, err = shm.open_existing(name, 1)
      assert.is_nil(l)
      assert.equal("ENOENT", err.code)
    end)

    it("create of a taken name: AlreadyExists, EEXIST, ERROR_ALREADY_EXISTS", function()
      local name = H.name("taken")
      local a = assert(shm.create(name, 64))
      local b, err = shm.create(name, 64)
      assert.is_nil(b)
      assert.equal("AlreadyExists", err.kind)
      assert.equal("EEXIST", err.code)
      assert.equal(183, err.errno)
      a:close()
      -- the failed create kept no handle: the name is gone now
      assert.is_false(exists(name))
    end)

    it("a name held by a mutex is taken: one namespace for every kind", function()
      local name = H.name("kind")
      local m = assert(shm.mutex(name))
      local l, err = shm.create(name, 64)
      assert.is_nil(l)
      assert.equal("AlreadyExists", err.kind)
      assert.equal("EEXIST", err.code)
      l, err = shm.get_or_create(name, 64)
      assert.is_nil(l)
      assert.equal("CreateMapping", err.kind)
      assert.equal("EEXIST", err.code)
      l, err = shm.open(name, 64)
      assert.is_nil(l)
      assert.equal("OpenMapping", err.kind)
      assert.equal("EINVAL", err.code)
      m:close()
      l = assert(shm.create(name, 64))  -- free again with the mutex gone
      l:close()
    end)

    it("size 0 cannot be created", function()
      local _, err = shm.create(H.name("zero"), 0)
      assert.equal("CreateMapping", err.kind)
      assert.equal("EINVAL", err.code)
    end)

    it("enforces the security descriptor: EACCES, ERROR_ACCESS_DENIED", function()
      local name = H.name("acl")
      -- everyone may map it for reading (FILE_MAP_READ = 4), nothing more
      local l = assert(shm.create(name, 64, { sddl = "D:P(A;;0x0004;;;WD)" }))
      local ok, out = H.run([[
        local shm = require "winshm"
        local r = assert(shm.open(arg[1], 64))
        local none, err = shm.open_existing(arg[1], 64)
        io.write(r:access(), " ", tostring(none), " ", err.kind, " ", err.code, " ", err.errno)
      ]], name)
      assert.is_true(ok, out)
      assert.equal("ReadOnly nil OpenMapping EACCES 5", out)
      -- nobody at all
      local shut = H.name("acl")
      local s2 = assert(shm.create(shut, 64, { sddl = "D:P" }))
      local none, err = shm.open(shut, 1)
      assert.is_nil(none)
      assert.equal("EACCES", err.code)
      none, err = shm.remove(shut)   -- it exists, though closed to us
      assert.is_nil(none)
      assert.equal("EACCES", err.code)
      s2:close(); l:close()
    end)

    it("takes a security descriptor in SDDL, and rejects a bad one", function()
      local name = H.name("sddl")
      local l = assert(shm.create(name, 64, { sddl = "D:P(A;;GA;;;WD)" }))
      l:write_bytes(0, "sddl")
      local r = assert(shm.open(name, 4))
      assert.equal("sddl", r:read_bytes(0, 4))
      r:close(); l:close()
      local _, err = shm.create(H.name("sddl"), 64, { sddl = "not a descriptor" })
      assert.equal("CreateMapping", err.kind)
      assert.equal("EINVAL", err.code)
      assert.is_true(err.errno ~= 0)
      _, err = shm.create(H.name("sddl"), 64, { sddl = "D:\xff" })
      assert.equal("EINVAL", err.code)
    end)
  end)

  describe("sizes", function()
    it("reports the mapped size: whole pages", function()
      local name = H.name("round")
      local l = assert(shm.create(name, 100))
      assert.equal(PAGE, l:size())
      local r = assert(shm.open(name, 100))
      assert.equal(PAGE, r:size())
      -- the rest of the page is there and zero
      assert.equal(("\0"):rep(PAGE), r:read_bytes(0, PAGE))
      r:close(); l:close()
    end)

    it("RegionTooSmall when the mapping is smaller than asked, before any access", function()
      local name = H.name("small")
      local l = assert(shm.create(name, PAGE))
      for _, open in ipairs({ shm.open, shm.open_existing }) do
        local r, err = open(name, 2 * PAGE)
        assert.is_nil(r)
        assert.equal("RegionTooSmall", err.kind)
        assert.equal("EINVAL", err.code)
        assert.matches("4096 bytes, 8192 needed", err.message, 1, true)
      end
      local r, err = shm.get_or_create(name, PAGE + 1)
      assert.is_nil(r)
      assert.equal("RegionTooSmall", err.kind)
      r = assert(shm.open(name, 1, { size = PAGE }))
      r:close()
      l:close()
      -- the failed opens kept no handle: the mapping went with ours
      assert.is_false(exists(name))
    end)

    it("SizeTooLarge for sizes no system can give", function()
      for _, n in ipairs({ 1 << 52, math.maxinteger }) do
        local l, err = shm.create(H.name("huge"), n)
        assert.is_nil(l)
        assert.equal("SizeTooLarge", err.kind)
        assert.equal("ENOMEM", err.code)
      end
    end)

    it("maps large regions", function()
      local name = H.name("big")
      local l = assert(shm.create(name, 64 << 20))
      l:write_bytes((64 << 20) - 3, "end")
      local r = assert(shm.open(name, 64 << 20))
      assert.equal(64 << 20, r:size())
      assert.equal("end", r:read_bytes((64 << 20) - 3, 3))
      r:close(); l:close()
    end)
  end)

  describe("interop with a plain Win32 program", function()
    local rawexe = (os.getenv("WINSHM_WINBIN") or "build\\win64") .. "\\rawmap.exe"
    local rawmap = H.quote(rawexe)
    -- struct record of tests/win/rawmap.c, declared for the Windows ABI
    local RECORD = [[
      local Record = shm.struct {
        { "magic", "uint32_t" }, { "value", "int32_t" }, { "ratio", "double" },
        { "text", "wchar_t", 16 }, { "answer", "uint32_t" }, { "reply", "wchar_t", 16 },
        name = "record", abi = "windows" }
    ]]

    it("the record layout agrees with mingw-w64's struct", function()
      local Record = load("local shm = ... " .. RECORD .. " return Record")(shm)
      assert.equal(88, shm.sizeof(Record))
      assert.equal(16, shm.offsetof(Record, "text"))
      assert.equal(48, shm.offsetof(Record, "answer"))
      assert.equal(52, shm.offsetof(Record, "reply"))
    end)

    it("winshm.exe reads a mapping the program made, and answers", function()
      local name = "Local\\" .. H.name("raw")
      local srv = H.start({ rawexe, "serve", name })
      local ok, out = H.run([[
        local shm = require "winshm"
        ]] .. RECORD .. [[
        local l
        for _ = 1, 2000 do
          l = shm.open_existing(arg[1], Record)
          if l and l:get().magic == 0x4D485357 then break end
          if l then l:close(); l = nil end
          local t = os.clock() + 0.01
          repeat until os.clock() >= t
        end
        assert(l, "no mapping from rawmap")
        local v = l:get_mut()
        io.write(("%08x %d %g %s %d"):format(v.magic, v.value, v.ratio, v.text, l:size()))
        local _, err = shm.open(arg[1], 8192)
        io.write(" ", err.kind)
        v.reply = "merci \u{263A}"
        v.answer = 4242
        l:close()
      ]], name)
      assert.is_true(ok, out)
      assert.equal("4d485357 -42 3.5 h\u{E9}llo w\u{F6}rld \u{263A} 4096 RegionTooSmall", out)
      local sok, sout, code = srv:wait(40)
      assert.is_true(sok, sout .. " (exit " .. tostring(code) .. ")")
      assert.matches("answer 4242", sout, 1, true)
    end)

    it("the program reads a mapping winshm made, and answers", function()
      local Record = load("local shm = ... " .. RECORD .. " return Record")(shm)
      local name = "Local\\" .. H.name("raw")
      local l = assert(shm.create(name, Record, { size = 100 }))
      local v = l:get_mut()
      shm.write(v, { magic = 0x4D485357, value = -42, ratio = 3.5,
                     text = "h\u{E9}llo w\u{F6}rld \u{263A}" })
      -- the same UTF-16LE bytes as the C compiler's L"..." literal
      assert.equal(to16("h\u{E9}llo w\u{F6}rld \u{263A}"), l:read_bytes(16, 28))
      local p = assert(io.popen('"' .. rawmap .. ' check ' .. name .. ' 2>&1"'))
      local out = p:read("a")
      local ok = p:close()
      assert.is_true(ok, out)
      assert.matches("magic 4d485357 value -42 ratio 3.5 text ok", out, 1, true)
      assert.equal(4343, v.answer)
      assert.equal("d'accord", v.reply)
      assert.equal("d'accord", from16(l:read_bytes(52, 32)))
      l:close()
    end)
  end)
end)
