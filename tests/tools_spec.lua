-- The host's commands: winshm dump / watch / ls / rm / help
-- (lua/winshm/tools.lua), run as a user runs them.
local shm = require "winshm"
local H = require "helper"

local T = require "tools_helper"
local cli, tmpfile, assert_oneline_error = T.cli, T.tmpfile, T.assert_oneline_error
local tmpname = T.tmppath

local GAMESTATE = [[
local shm = require "winshm"
local Vec = shm.struct{ {"x","float"}, {"y","float"}, {"z","float"}, name = "Vec3" }
local Wheel = shm.struct{ {"temp","float"}, {"ok","bool"}, name = "Wheel" }
return shm.struct{ name = "GameState",
  {"tick","uint32_t"}, {"speed","double"}, {"pos", Vec}, {"driver","char",16},
  {"wheels", Wheel, 2}, {"grid","int16_t",{2,3}} }
]]

describe("winshm help", function()
  it("lists every command and exits 0", function()
    local code, out, err = cli("help")
    assert.equal(0, code)
    assert.equal("", err)
    for _, c in ipairs({ "dump", "watch", "ls", "rm", "record", "replay", "export", "plot", "help" }) do
      assert.matches("\n  winshm " .. c .. " ", out, 1, true)
    end
  end)

  it("tells the usage of one command", function()
    local code, out = cli("help", "watch")
    assert.equal(0, code)
    assert.matches("^usage: winshm watch NAME", out)
    assert.matches("--count N", out, 1, true)
    local code2, out2 = cli("dump", "--help")
    assert.equal(0, code2)
    assert.matches("^usage: winshm dump NAME", out2)
  end)

  it("fails with one line and status 2 on an unknown command", function()
    local code, out, err = cli("help", "frobnicate")
    assert.equal(2, code)
    assert.equal("", out)
    assert_oneline_error("help", err)
    assert.matches("no command 'frobnicate'", err, 1, true)
  end)
end)

describe("winshm COMMAND usage errors", function()
  it("rejects an unknown option", function()
    local code, _, err = cli("dump", "x", "--bogus")
    assert.equal(2, code)
    assert_oneline_error("dump", err)
    assert.matches("unknown option '--bogus'", err, 1, true)
  end)

  it("rejects a missing option value and a bad number", function()
    local code, _, err = cli("dump", "x", "--offset")
    assert.equal(2, code)
    assert.matches("'--offset' needs a value", err, 1, true)
    code, _, err = cli("dump", "x", "--offset=-3")
    assert.equal(2, code)
    assert.matches("option '--offset' needs an integer >= 0, not '-3'", err, 1, true)
    code, _, err = cli("watch", "x", "--hz", "0")
    assert.equal(2, code)
    assert_oneline_error("watch", err)
    code, _, err = cli("watch", "x", "--count", "0")
    assert.equal(2, code)
    assert.matches("option '--count' needs an integer >= 1, not '0'", err, 1, true)
  end)

  -- One parser checks every numeric option of every command: values out
  -- of range, NaN and infinities are refused before anything runs.
  it("refuses numbers out of range, NaN and infinities in every numeric option", function()
    local cases = {
      { "watch", "--hz", { "1e-300", "1e309", "-inf", "nan", "0", "1e6", "0x", "" } },
      { "watch", "--count", { "0", "1e309", "1.5", "9223372036854775808", "-1" } },
      { "dump", "--offset", { "-1", "1e309", "0.5", "9223372036854775808" } },
      { "dump", "--length", { "-1", "1e400", "nan" } },
    }
    for _, c in ipairs(cases) do
      for _, v in ipairs(c[3]) do
        local code, out, err = cli(c[1], H.name("nonum"), c[2], v)
        assert.equal(2, code, c[2] .. " " .. v)
        assert.equal("", out)
        assert_oneline_error(c[1], err)
        assert.matches(("option '%s' needs a"):format(c[2]), err, 1, true)
        assert.matches("not '" .. v .. "'", err, 1, true)
      end
    end
    -- the range is in the message
    local _, _, err = cli("watch", "x", "--hz=1e309")
    assert.matches("from 0.01 to 1000", err, 1, true)
  end)

  it("needs exactly one region name", function()
    local code, _, err = cli("dump")
    assert.equal(2, code)
    assert.matches("missing region NAME", err, 1, true)
    code, _, err = cli("dump", "a", "b")
    assert.equal(2, code)
    assert_oneline_error("dump", err)
  end)
end)

describe("winshm dump", function()
  it("shows a raw region as a hex dump, collapsing repeated lines", function()
    local name = H.name("dump")
    local l = assert(shm.create(name, 100))
    l:write_bytes(0, "Hello, world\n\0\1\2")
    l:write_bytes(64, "tail")
    local code, out, err = cli("dump", name)
    assert.equal(0, code)
    assert.equal("", err)
    local lines = {}
    for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
    assert.equal("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 01 02  |Hello, world....|",
      lines[1])
    assert.equal("*", lines[3])
    assert.matches("^00000040  74 61 69 6c 00", lines[4])
    assert.matches("|tail", lines[4], 1, true)
    l:close()
  end)

  it("takes --offset and --length for raw regions", function()
    local name = H.name("dumpoff")
    local l = assert(shm.create(name, 64))
    l:write_bytes(30, "ABCD")
    local code, out = cli("dump", name, "--offset", "29", "--length=6")
    assert.equal(0, code)
    -- as hexdump -C prints it
    assert.equal("0000001d  00 41 42 43 44 00" .. (" "):rep(33) .. "|.ABCD.|\n", out)
    local _, err
    code, _, err = cli("dump", name, "--offset", "1000000")
    assert.equal(1, code)
    assert_oneline_error("dump", err)
    assert.matches("past the end", err, 1, true)
    l:close()
  end)

  it("fails with one line naming the region when it does not exist", function()
    local name = H.name("absent")
    local code, out, err = cli("dump", name)
    assert.equal(1, code)
    assert.equal("", out)
    assert_oneline_error("dump", err)
    assert.matches(name, err, 1, true)
    assert.matches("ENOENT", err, 1, true)
  end)

  describe("with a layout", function()
    local layout_file, name, link
    setup(function()
      layout_file = tmpfile(GAMESTATE)
      name = H.name("gs")
      local layout = dofile(layout_file)
      link = assert(shm.create(name, layout))
      local v = link:get_mut()
      v.tick = 42
      v.speed = 0.1
      v.pos.x = 1.5
      v.driver = 'Ayrton "S"\n'
      v.wheels[2].temp = 80.25
      v.wheels[1].ok = true
      v.grid[2][3] = -7
    end)
    teardown(function()
      link:close()
      os.remove(layout_file)
    end)

    it("prints every field as path = value, in declaration order", function()
      local code, out, err = cli("dump", name, "--layout", layout_file)
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal(table.concat({
        "tick = 42", "speed = 0.1", "pos.x = 1.5", "pos.y = 0.0", "pos.z = 0.0",
        'driver = "Ayrton \\"S\\"\\n"',
        "wheels[1].temp = 0.0", "wheels[1].ok = true",
        "wheels[2].temp = 80.25", "wheels[2].ok = false",
        "grid[1][1] = 0", "grid[1][2] = 0", "grid[1][3] = 0",
        "grid[2][1] = 0", "grid[2][2] = 0", "grid[2][3] = -7", "" }, "\n"), out)
    end)

    it("reads a layout at --offset", function()
      local f = tmpfile('local shm = require "winshm"\n' ..
        'return shm.struct{ {"x","float"}, {"ok","bool"} }')
      local wheel2 = shm.offsetof(dofile(layout_file), "wheels") + 8
      local code, out = cli("dump", name, "--layout", f, "--offset", wheel2)
      assert.equal(0, code)
      assert.equal("x = 80.25\nok = false\n", out)
      local err
      code, out, err = cli("dump", name, "--layout", f, "--offset", link:size())
      assert.equal(1, code)
      assert.equal("", out)
      assert_oneline_error("dump", err)
      assert.matches("needs", err, 1, true)
      os.remove(f)
    end)

    it("picks --type out of a file returning several layouts", function()
      local f = tmpfile('local shm = require "winshm"\n' ..
        'return { A = shm.struct{ {"a","uint32_t"} }, B = shm.struct{ {"b","uint8_t"} }, n = 3 }')
      local code, _, err = cli("dump", name, "--layout", f)
      assert.equal(2, code)
      assert.matches("several layouts.*A, B", err)
      local out
      code, out = cli("dump", name, "--layout", f, "--type", "A")
      assert.equal(0, code)
      assert.equal("a = 42\n", out)
      code, _, err = cli("dump", name, "--layout", f, "--type", "C")
      assert.equal(1, code)
      assert.matches("no layout 'C' (it has: A, B)", err, 1, true)
      os.remove(f)
    end)

    it("reports a bad layout file in one line", function()
      local missing = tmpname()
      os.remove(missing)
      local code, _, err = cli("dump", name, "--layout", missing)
      assert.equal(1, code)
      assert_oneline_error("dump", err)
      assert.matches("cannot read layout file", err, 1, true)
      local bad = tmpfile("return {")
      code, _, err = cli("dump", name, "--layout", bad)
      assert.equal(1, code)
      assert_oneline_error("dump", err)
      local raises = tmpfile('error("no such game")')
      code, _, err = cli("dump", name, "--layout", raises)
      assert.equal(1, code)
      assert_oneline_error("dump", err)
      assert.matches("no such game", err, 1, true)
      local number = tmpfile("return 42")
      code, _, err = cli("dump", name, "--layout", number)
      assert.equal(1, code)
      assert.matches("returns number, not a layout", err, 1, true)
      for _, p in ipairs({ bad, raises, number }) do os.remove(p) end
    end)

    it("refuses a region smaller than the layout", function()
      local small = H.name("small")
      local l = assert(shm.create(small, 8))
      local big = tmpfile('return require("winshm").struct{ { "b", "uint8_t", 100000 } }')
      local code, _, err = cli("dump", small, "--layout", big)
      assert.equal(1, code)
      assert_oneline_error("dump", err)
      assert.matches("has " .. l:size() .. " bytes", err, 1, true)
      l:close()
      os.remove(big)
    end)
  end)

  describe("with C declarations", function()
    it("takes --cdef FILE.h --type T", function()
      local h = tmpfile("typedef struct { int lap; float fuel; char car[8]; } Telemetry;\n" ..
                        "struct Other { char c; };\n")
      local name = H.name("cdef")
      local l = assert(shm.create(name, 64))
      local t = shm.cdef("typedef struct { int lap; float fuel; char car[8]; } Telemetry;").Telemetry
      local v = l:view(t, 0, "rw")
      v.lap, v.fuel, v.car = 7, 12.5, "gt3"
      local code, out, err = cli("dump", name, "--cdef", h, "--type", "Telemetry")
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal('lap = 7\nfuel = 12.5\ncar = "gt3"\n', out)
      code, out, err = cli("dump", name, "--cdef", h)
      assert.equal("", out)
      assert.equal(2, code)
      assert.matches("--type", err, 1, true)
      code, out, err = cli("dump", name, "--cdef", h, "--type", "Nope")
      assert.equal("", out)
      assert.equal(1, code)
      assert_oneline_error("dump", err)
      os.remove(h)
      l:close()
    end)
  end)
end)

describe("winshm dump --cdef: the file", function()
  local name, l
  setup(function()
    name = H.name("cdeffile")
    l = assert(shm.create(name, 64))
  end)
  teardown(function() l:close() end)

  it("names a directory, a missing file and an unreadable one", function()
    local dir = H.tmpname()
    os.remove(dir)   -- POSIX: tmpname made a file
    assert(H.sh("mkdir " .. H.quote(dir)))
    local code, out, err = cli("dump", name, "--cdef", dir, "--type", "T")
    assert(H.sh("rmdir " .. H.quote(dir)))
    assert.equal(1, code)
    assert.equal("", out)
    assert_oneline_error("dump", err)
    assert.matches("cannot read '" .. dir .. "': ", err, 1, true)
    assert.matches("[Dd]irectory", err)
    assert.is_nil(err:find("bad argument", 1, true))
    code, out, err = cli("dump", name, "--cdef", dir, "--type", "T")
    assert.equal(1, code)
    assert.matches("cannot read '" .. dir .. "': ", err, 1, true)
    assert.matches("No such file", err, 1, true)
    code, out, err = cli("dump", name, "--layout", dir)
    assert.equal(1, code)
    assert.matches("No such file", err, 1, true)
  end)

  it("names a file it may not read #posix", function()
    local h = tmpfile("struct T { int a; };\n")
    assert(H.sh("chmod 000 " .. H.quote(h)))
    local code, _, err
    local root = select(2, H.sh("id -u")):match("^0\n")
    if root then
      -- root reads any file: run the command as nobody
      local ok = H.sh("command -v setpriv && id nobody")
      if not ok then
        os.remove(h)
        pending("runs as root without setpriv and a user nobody")
        return
      end
      local okrun, text = H.sh(("setpriv --reuid=nobody --regid=nogroup --clear-groups %s dump %s --cdef %s --type T")
        :format(H.quote(H.host), H.quote(name), H.quote(h)))
      code, err = okrun and 0 or 1, text
    else
      code, _, err = cli("dump", name, "--cdef", h, "--type", "T")
    end
    os.remove(h)
    assert.equal(1, code)
    assert.matches("winshm dump: cannot read '" .. h .. "': ", err, 1, true)
    assert.matches("Permission denied", err, 1, true)
  end)

  it("is named in shm.cdef's messages", function()
    local h = tmpfile("struct T {\n  int a;\n  float;;; b\n};\n")
    local code, _, err = cli("dump", name, "--cdef", h, "--type", "T")
    os.remove(h)
    assert.equal(1, code)
    assert_oneline_error("dump", err)
    assert.matches("^winshm dump: " .. h:gsub("%p", "%%%0") .. ":%d+:%d+: ", err)
  end)
end)

describe("winshm watch", function()
  it("prints plain refreshes when the output is not a terminal", function()
    local name = H.name("watchraw")
    local l = assert(shm.create(name, 16))
    l:write_bytes(0, "abc")
    local code, out, err = cli("watch", name, "--count", "3", "--hz", "50", "--length", "16")
    assert.equal("", err)
    assert.equal(0, code)
    -- nothing changed: the first refresh only, with every line
    assert.equal("-- refresh 1\n00000000  61 62 63 00 00 00 00 00  00 00 00 00 00 00 00 00  |abc.............|\n",
      out)
    assert.is_nil(out:find("\27", 1, true))
    l:close()
  end)

  it("stops at Ctrl-C (SIGINT) with status 0 #posix", function()
    local name = H.name("watchint")
    local l = assert(shm.create(name, 16))
    -- Ctrl-C once watch has refreshed (before, it is still starting)
    local w = H.start({ H.host, "watch", name })
    assert.truthy(H.until_true(function()
      local f = io.open(w.out)
      local got = f and f:read("a")
      if f then f:close() end
      return got and got:find("\n00000000 ", 1, true)
    end, 60))
    assert.is_true(w:kill("INT"))
    local _, s, code = w:wait(60)
    assert.equal(0, code)
    assert.matches("^%-%- refresh 1\n00000000 ", s)
    assert.is_nil(s:find("interrupted", 1, true))
    l:close()
  end)

  it("fails like dump on a missing region", function()
    local code, out, err = cli("watch", H.name("nowatch"), "--count", "1")
    assert.equal(1, code)
    assert.equal("", out)
    assert_oneline_error("watch", err)
  end)

  describe("with a layout", function()
    it("prints the fields that changed at each refresh", function()
      local f = tmpfile(GAMESTATE)
      local name = H.name("watch")
      local l = assert(shm.create(name, dofile(f)))
      l:get_mut().tick = 1
      -- a second process changes tick and speed while watch runs
      local writer = H.spawn(([[
        local shm = require "winshm"
        local l = assert(shm.open_existing(%q, 1))
        local v = l:view(dofile(%q), 0, "rw")
        shm._sys.sleep(1.5)   -- after watch started, on a slow machine too
        v.tick = 2
        v.speed = 9.5
        l:close()
      ]]):format(name, f))
      local code, out, err = cli("watch", name, "--layout", f, "--count", "160", "--hz", "40")
      assert.truthy(writer:wait())
      assert.equal("", err)
      assert.equal(0, code)
      local first, rest = out:match("^(%-%- refresh 1\n.-\n)(%-%- refresh.*)$")
      assert.truthy(first, out)
      assert.matches("tick = 1\n", first, 1, true)
      assert.matches("grid[2][3] = 0\n", first, 1, true)
      assert.matches("^%-%- refresh %d+\ntick = 2\nspeed = 9.5\n$", rest)
      l:close()
      os.remove(f)
    end)
  end)

  describe("on a terminal #posix", function()
    it("redraws in place with ANSI escapes and highlights changes", function()
      local name = H.name("watchtty")
      local l = assert(shm.create(name, 16))
      local writer = H.spawn(([[
        local shm = require "winshm"
        local l = assert(shm.open_existing(%q, 1))
        shm._sys.sleep(0.3)
        l:write_bytes(0, "Z")
        l:close()
      ]]):format(name))
      local out = tmpname()
      local cmd = ("%s watch %s --count 30 --hz 30"):format(H.quote(H.host), H.quote(name))
      os.execute(("script -qec %s /dev/null > %s"):format(H.quote(cmd), H.quote(out)))
      assert.truthy(writer:wait())
      local f = assert(io.open(out, "rb"))
      local s = f:read("a")
      f:close()
      os.remove(out)
      assert.matches("\27[2J", s, 1, true)
      assert.matches("\27[H", s, 1, true)
      assert.matches("winshm watch " .. name, s, 1, true)
      assert.matches("\27[1;33;7m00000000  5a 00", s, 1, true)
      assert.is_nil(s:find("-- refresh", 1, true))
      l:close()
    end)
  end)
end)

describe("winshm ls #posix", function()
  it("escapes control characters in names: no terminal escapes, no fake rows", function()
    local tag = H.name("evil")
    local name = tag .. "\27[2J\27]0;title\7\nregion  1  rw------T  root  yes  live  1  fake\r\127\194\155x"
    local f = assert(io.open("/dev/shm/" .. name, "wb"))
    f:close()
    local code, out, err = cli("ls", tag)
    os.remove("/dev/shm/" .. name)
    assert.equal(0, code)
    assert.equal("", err)
    local lines = {}
    for line in out:gmatch("[^\n]*\n") do lines[#lines + 1] = line end
    assert.equal(2, #lines, out)   -- the header and one row
    assert.is_nil(out:find("\27", 1, true))
    assert.is_nil(out:find("\r", 1, true))
    assert.is_nil(out:find("\7", 1, true))
    assert.is_nil(out:find("\194\155", 1, true))   -- U+009B, the C1 CSI
    assert.matches(tag .. "\\027[2J\\027]0;title\\007\\nregion  1", lines[2], 1, true)
    assert.matches("fake\\r\\127\\194\\155x\n$", lines[2])
  end)

  local function row(out, name)
    for line in out:gmatch("[^\n]+") do
      local cells = {}
      for c in line:gmatch("%S+") do cells[#cells + 1] = c end
      if cells[#cells] == name then return cells end
    end
  end

  it("lists a live managed region with size, mode, owner and holder", function()
    local name = H.name("ls")
    local l = assert(shm.create(name, 1000))
    local code, out, err = cli("ls")
    assert.equal(0, code)
    assert.equal("", err)
    assert.matches("^KIND%s+SIZE%s+MODE%s+OWNER%s+MANAGED%s+STATE%s+PIDS%s+NAME\n", out)
    local r = assert(row(out, name), out)
    assert.same({ "region", tostring(l:size()), "rw------T" }, { r[1], r[2], r[3] })
    assert.same({ "yes", "live" }, { r[5], r[6] })
    assert.matches("^%d+$", r[7])
    l:close()
    code, out = cli("ls", name)
    assert.equal(0, code)
    assert.is_nil(row(out, name))
  end)

  it("tells another program's object from a winshm one", function()
    local name = H.name("foreign")
    local f = assert(io.open("/dev/shm/" .. name, "wb"))
    f:write(("x"):rep(10))
    f:close()
    local code, out = cli("ls", name)
    assert.equal(0, code)
    local r = assert(row(out, name), out)
    assert.same({ "region", "10" }, { r[1], r[2] })
    assert.same({ "no", "-", "-" }, { r[5], r[6], r[7] })
    os.remove("/dev/shm/" .. name)
  end)

  it("shows a region whose processes died as stale, and rm --stale removes it", function()
    local name = H.name("stale")
    local p = H.spawn(([[
      local shm = require "winshm"
      local l = assert(shm.create(%q, 64))
      print("ready")
      io.stdout:flush()
      shm._sys.sleep(30)
    ]]):format(name))
    assert.truthy(H.until_true(function() return H.shm_exists(name) end))
    p:kill("KILL")
    p:wait()
    local code, out = cli("ls", "--stale")
    assert.equal(0, code)
    local r = assert(row(out, name), out)
    assert.same({ "yes", "stale", "-" }, { r[5], r[6], r[7] })
    code, out = cli("rm", "--stale")
    assert.equal(0, code)
    assert.matches("removed stale region '" .. name .. "'", out, 1, true)
    assert.is_false(H.shm_exists(name))
  end)

  it("rm --stale leaves live objects alone", function()
    local name = H.name("keep")
    local l = assert(shm.create(name, 64))
    local code = cli("rm", "--stale")
    assert.equal(0, code)
    assert.is_true(H.shm_exists(name))
    l:close()
  end)

  it("lists mutexes and events", function()
    local mname, ename = H.name("lsm"), H.name("lse")
    local m = assert(shm.mutex(mname))
    local e = assert(shm.event(ename))
    local _, out = cli("ls")
    local rm, re = row(out, mname), row(out, ename)
    assert.equal("mutex", rm and rm[1], out)
    assert.equal("event", re and re[1], out)
    assert.equal("live", rm[6])
    m:close()
    e:close()
  end)

  it("lists each holding process once, however many handles it has", function()
    local name = H.name("many")
    local links = {}
    for i = 1, 3 do links[i] = assert(shm.get_or_create(name, 64)) end
    local code, out = cli("ls", name)
    for _, l in ipairs(links) do l:close() end
    assert.equal(0, code)
    local r = assert(row(out, name), out)
    assert.matches("^%d+$", r[7])
  end)

  it("rejects more than one pattern", function()
    local code, _, err = cli("ls", "a", "b")
    assert.equal(2, code)
    assert_oneline_error("ls", err)
  end)
end)

describe("winshm rm #posix", function()
  it("removes a region; the name is free at once", function()
    local name = H.name("rm")
    local l = assert(shm.create(name, 64))
    local code, out, err = cli("rm", name)
    assert.equal(0, code)
    assert.equal("", out .. err)
    assert.is_false(H.shm_exists(name))
    local l2 = assert(shm.create(name, 64))
    l2:close()
    l:close()
  end)

  it("fails with one line and status 1 for a region that does not exist", function()
    local name = H.name("norm")
    local code, _, err = cli("rm", name)
    assert.equal(1, code)
    assert.matches("^winshm rm: [^\n]*ENOENT[^\n]*\n$", err)
  end)

  it("removes a mutex with --mutex, and says so when there is none", function()
    local name = H.name("rmm")
    local code, _, err = cli("rm", "--mutex", name)
    assert.equal(1, code)
    assert.equal("winshm rm: no mutex '" .. name .. "'\n", err)
    local m = assert(shm.mutex(name))
    code = cli("rm", "--mutex", name)
    assert.equal(0, code)
    assert.is_false(H.shm_exists("winshm.mutex/" .. name))
    m:close()
  end)

  it("needs a name, and --stale takes none", function()
    assert.equal(2, (cli("rm")))
    local code, _, err = cli("rm", "--stale", "x")
    assert.equal(2, code)
    assert_oneline_error("rm", err)
  end)
end)

describe("winshm ls and rm on Windows #windows", function()
  it("ls lists regions, mutexes and events of the object directory", function()
    local base = H.name("wls")
    local l = assert(shm.create("Local\\" .. base, 5000))
    local m = assert(shm.mutex("Local\\" .. base .. "_m"))
    local code, out, err = cli("ls", base)
    assert.equal(0, code)
    assert.equal("", err)
    assert.matches("^KIND%s+SIZE%s+NAME\n", out)
    assert.matches("\nregion%s+" .. l:size() .. "%s+Local\\" .. base .. "\n", out)
    assert.matches("\nmutex%s+%-%s+Local\\" .. base .. "_m\n", out)
    m:close()
    l:close()
    code, out = cli("ls", base)
    assert.equal(0, code)
    assert.equal("KIND  SIZE  NAME\n", out)
  end)

  it("rm says a mapping goes with its last handle", function()
    local code, out, err = cli("rm", "x")
    assert.equal(1, code)
    assert.equal("", out)
    assert_oneline_error("rm", err)
    assert.matches("last handle", err, 1, true)
  end)
end)

describe("the tools' documentation", function()
  local function read(p)
    local f = assert(io.open(p, "rb"))
    local s = f:read("a")
    f:close()
    return s
  end

  it("covers every command in the man page and the reference", function()
    local tools = require "winshm.tools"
    local man, ref = read("docs/winshm.1"), read("docs/reference.md")
    for _, c in ipairs(tools.commands) do
      assert.truthy(man:find("\n.B winshm " .. c .. "\n", 1, true), "winshm.1 lacks " .. c)
      assert.truthy(man:find("\n.SS \"" .. c, 1, true), "winshm.1 lacks a section on " .. c)
      assert.truthy(ref:find("`winshm " .. c, 1, true), "reference.md lacks " .. c)
    end
  end)

  it("is a man page groff reads without warnings #posix", function()
    local p = assert(io.popen("groff -man -Tutf8 -ww -z docs/winshm.1 2>&1"))
    local out = p:read("a")
    assert.is_true(p:close())
    assert.equal("", out)
  end)
end)

describe("winshm.tools.posix #posix", function()
  local posix = require "winshm.tools.posix"

  it("reads the holders of each object from /proc/locks, each pid once", function()
    local f = tmpfile(table.concat({
      "1: FLOCK  ADVISORY  READ 474 00:1b:5189 0 EOF",
      "2: FLOCK  ADVISORY  READ 474 00:1b:5189 0 EOF",
      "3: FLOCK  ADVISORY  READ 344 00:1b:5189 0 EOF",
      "3: -> FLOCK  ADVISORY  WRITE 99 00:1b:5189 0 EOF",
      "4: POSIX  ADVISORY  WRITE 28570 fe:00:10954102 0 0",
      "5: FLOCK  ADVISORY  WRITE 12 00:1b:7 0 EOF", "" }, "\n"))
    local by, ok = posix.holders(f)
    os.remove(f)
    assert.is_true(ok)
    assert.same({ 474, 344 }, { table.unpack(by["00:1b:5189"]) })
    assert.same({ 12 }, { table.unpack(by["00:1b:7"]) })
    assert.is_nil(by["fe:00:10954102"])
  end)

  it("spells modes as ls -l does", function()
    assert.equal("rw------T", posix.modestring(tonumber("1600", 8)))
    assert.equal("rwxr-xr-t", posix.modestring(tonumber("1755", 8)))
    assert.equal("rw-r--r--", posix.modestring(tonumber("644", 8)))
  end)
end)

describe("shm._sys.sleep", function()
  it("refuses pauses out of range instead of converting them", function()
    for _, s in ipairs({ 1e300, math.huge, -1, 0 / 0 }) do
      local ok, err = pcall(shm._sys.sleep, s)
      assert.is_false(ok)
      assert.matches("seconds from 0 to 1e6 expected", err, 1, true)
    end
    shm._sys.sleep(0)
  end)
end)

describe("winshm.tools.format", function()
  local format = require "winshm.tools.format"

  it("shows values as C would print them", function()
    assert.equal("42", format.value(42, "int32_t"))
    assert.equal("-5", format.value(-5, "int64_t"))
    assert.equal("18446744073709551615", format.value(-1, "uint64_t"))
    assert.equal("9223372036854775808", format.value(math.mininteger, "unsigned long long"))
    assert.equal("0.1", format.value(0.1, "float"))       -- not 0.100000001
    assert.equal("3.0", format.value(3.0, "double"))
    assert.equal("nan", format.value(0 / 0, "double"))
    assert.equal("-inf", format.value(-math.huge, "float"))
    assert.equal("true", format.value(true, "bool"))
  end)

  it("quotes strings on one line", function()
    assert.equal('"a\\"b\\\\c\\n\\t\\000\\027"', format.quote('a"b\\c\n\t\0\27'))
    assert.equal('"Zoë"', format.quote("Zoë"))
    -- C1 controls (U+009B is a CSI) and bytes of no character: escaped
    assert.equal('"a\\194\\155b\\255\\226\\130"', format.quote("a\194\155b\255\226\130"))
    assert.equal("Local\\\\x", format.escape("Local\\x"))
  end)

  it("expands nested tables and arrays into paths", function()
    local lines = format.fields({ a = 1, s = { x = 2, y = { 3, 4 } }, m = { { 5, 6 }, { 7, 8 } } })
    local got = {}
    for i, l in ipairs(lines) do got[i] = l[1] .. "=" .. l[2] end
    assert.same({ "a=1", "m[1][1]=5", "m[1][2]=6", "m[2][1]=7", "m[2][2]=8",
                  "s.x=2", "s.y[1]=3", "s.y[2]=4" }, got)
  end)

  it("makes hexdump -C lines, collapsing repeats", function()
    local lines = format.hexdump(("\0"):rep(48) .. "AB", 16, true)
    assert.same({ "00000010", "*", "00000040" }, { lines[1][1], lines[2][1], lines[3][1] })
    assert.equal("00000040  41 42" .. (" "):rep(45) .. "|AB|", lines[3][2])
    assert.equal(3, #lines)
    assert.equal(4, #format.hexdump(("\0"):rep(48) .. "AB", 0, false))
  end)
end)
