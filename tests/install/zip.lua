-- zip.lua: the Windows zip as a user gets it.  Run by `make test-dist`
-- (not part of the busted suites: its name has no _spec) with WINSHM_ZIP,
-- WINSHM_VERSION, WINSHM_WINBIN (build/win64: the plain Win32 programs)
-- and WINSHM_WINDEPS (build/win64/deps: the Lua 5.4 a user may have, and
-- the sources whose licenses the zip carries).  The zip is unpacked into a
-- fresh directory and run from there in a fresh Wine prefix; nothing of
-- the build is on any path.
local H = require "helper"

local ZIP = assert(os.getenv("WINSHM_ZIP"), "WINSHM_ZIP: the zip to test")
local VERSION = assert(os.getenv("WINSHM_VERSION"), "WINSHM_VERSION: the number in VERSION")
local WINBIN = assert(os.getenv("WINSHM_WINBIN"), "WINSHM_WINBIN: build/win64")
local WINDEPS = assert(os.getenv("WINSHM_WINDEPS"), "WINSHM_WINDEPS: build/win64/deps")
local TOP = ("winshm-%s-win64"):format(VERSION)

local U = require "install.util"
local has, lines, read = U.has, U.lines, H.read

describe("the Windows zip #posix", function()
  if not (has("wine") and has("unzip")) then
    pending("needs wine and unzip (scripts/deps.sh installs them)")
    return
  end

  local tmp, root, wineenv

  -- The command line that runs a Windows program (a list: program and
  -- arguments) under Wine in the unzipped folder.
  local function winecmd(argv, timeout)
    local q = {}
    for i, a in ipairs(argv) do q[i] = H.quote(a) end
    return ("cd %s && %s timeout %d wine %s"):format(H.quote(root), wineenv, timeout,
      table.concat(q, " "))
  end

  -- Run one; returns ok and its output, CRLF made LF.
  local function wine(argv, timeout)
    local ok, out = H.sh(winecmd(argv, timeout or 120))
    return ok, (out:gsub("\r\n", "\n"))
  end

  -- Start one in the background, its output to a file; returns the file.
  local function background(argv, timeout)
    local out = tmp .. "/" .. H.name("bg") .. ".out"
    os.execute(("(%s) > %s 2>&1 &"):format(winecmd(argv, timeout), H.quote(out)))
    return out
  end

  -- A file in the unzipped folder.
  local function put(name, text)
    local f = assert(io.open(root .. "/" .. name, "wb"))
    f:write(text)
    f:close()
  end

  local function wait_for(file, pattern)
    return H.until_true(function()
      local f = io.open(file, "rb")
      local s = f and f:read("a")
      if f then f:close() end
      return s and s:find(pattern) and s
    end, 120)
  end

  setup(function()
    -- a fresh directory beside the zip (inside the build, however the run ends)
    tmp = lines(("mktemp -d %s/install.XXXXXX"):format(H.quote(ZIP:match("^(.*)/") or ".")))[1]
    root = tmp .. "/" .. TOP
    wineenv = ("WINEPREFIX=%s WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' DISPLAY= WAYLAND_DISPLAY="):format(
      H.quote(tmp .. "/wineprefix"))
    lines(("unzip -q %s -d %s"):format(H.quote(ZIP), H.quote(tmp)))
    -- the new prefix, made before the first program runs (its messages
    -- would mix with the program's output)
    lines(("%s timeout 300 wineboot -i"):format(wineenv))
  end)

  teardown(function()
    if tmp then
      os.execute(wineenv .. " wineserver -k 2>/dev/null")
      os.execute("rm -rf " .. H.quote(tmp))
    end
  end)

  it("is named after VERSION and holds one folder of that name", function()
    assert.equal(TOP .. ".zip", ZIP:match("[^/]+$"))
    for _, entry in ipairs(lines("unzip -Z1 " .. H.quote(ZIP))) do
      assert.equal(TOP .. "/", entry:sub(1, #TOP + 1))
    end
  end)

  it("holds the programs, the docs, the examples and nothing else", function()
    local want = { "winshm.exe", "winshm.dll", "lua54.dll", "lpeg.dll", "README-windows.txt",
                   "LICENSE.txt", "docs/index.html", "docs/winshm.txt" }
    for _, md in ipairs(lines("cd docs && ls *.md")) do
      want[#want + 1] = "docs/" .. md:gsub("%.md$", ".html")
    end
    for _, f in ipairs(lines("cd examples && find . -type f ! -name '*.sh'")) do
      want[#want + 1] = "examples/" .. f:gsub("^%./", "")
    end
    table.sort(want)
    local have = lines(("cd %s && find . -type f | sed 's|^\\./||' | LC_ALL=C sort"):format(H.quote(root)))
    table.sort(want)
    table.sort(have)
    assert.same(want, have)
  end)

  it("needs only the system's DLLs, and lua54.dll for the modules", function()
    local function imports(file)
      local t = {}
      for _, l in ipairs(lines("x86_64-w64-mingw32-objdump -p " .. H.quote(root .. "/" .. file))) do
        local dll = l:match("DLL Name: (%S+)")
        if dll then t[#t + 1] = dll:lower() end
      end
      table.sort(t)
      return t
    end
    local system = { "advapi32.dll", "kernel32.dll", "msvcrt.dll" }
    assert.same(system, imports("winshm.exe"))
    assert.same({ "advapi32.dll", "kernel32.dll", "lua54.dll", "msvcrt.dll" }, imports("winshm.dll"))
    assert.same({ "kernel32.dll", "msvcrt.dll" }, imports("lua54.dll"))
    assert.same({ "kernel32.dll", "lua54.dll", "msvcrt.dll" }, imports("lpeg.dll"))
    -- as docs/platforms.md says
    local doc = read("docs/platforms.md")
    for _, dll in ipairs({ "KERNEL32.dll", "ADVAPI32.dll", "msvcrt.dll" }) do
      assert.truthy(doc:find(dll, 1, true), "docs/platforms.md does not name " .. dll)
    end
  end)

  it("has a README-windows.txt for Notepad that names what is there", function()
    local text = read(root .. "/README-windows.txt")
    assert.is_nil(text:find("[^\r]\n"), "a line that does not end in CRLF")
    assert.equal("winshm " .. VERSION .. " for Windows (64-bit)\r\n", text:match("^[^\n]*\n"))
    assert.truthy(text:find("    winshm.exe examples\\reader.lua\r\n", 1, true))
    assert.truthy(text:find("    winshm.exe watch Local\\acpmf_physics --cdef SharedFileOut.h"
      .. " --type SPageFilePhysics\r\n", 1, true))
    for path in text:gmatch("\r\n  (%S+)%s%s+") do
      local f = io.open(root .. "/" .. path:gsub("\\", "/"))
      assert.truthy(f, "README-windows.txt lists " .. path .. ", which is not there")
      f:close()
    end
    assert.truthy(io.open(root .. "/examples/reader.lua"))
  end)

  it("has LICENSE.txt: winshm's, and the licenses of what is built in", function()
    local text = read(root .. "/LICENSE.txt"):gsub("\r\n", "\n")
    assert.equal(read("LICENSE"), text:sub(1, #read("LICENSE")))
    -- the copyright lines of the Lua and LPeg that were built
    local luah = read(lines("ls " .. H.quote(WINDEPS) .. "/src/lua5.4-*/src/lua.h")[1])
    local lua_line = assert(luah:match("Copyright %(C%) [%d-]+ Lua%.org, PUC%-Rio%."))
    assert.truthy(text:find("\n" .. lua_line .. "\n", 1, true), lua_line)
    local lpeg_html = read(lines("ls " .. H.quote(WINDEPS) .. "/src/lua-lpeg-*/lpeg.html")[1])
    local years = assert(lpeg_html:match("Copyright &copy; ([%d-]+) Lua%.org, PUC%-Rio%."))
    assert.truthy(text:find("\nCopyright (C) " .. years .. " Lua.org, PUC-Rio.\n", 1, true), years)
    for _, what in ipairs({ "\nLua 5.4 -- ", "\nLPeg -- ", "\nThe mingw-w64 runtime -- ",
                            "Zope Public License (ZPL) Version 2.1", "Lucent Technologies",
                            "David M. Gay", "\nlibgcc -- ", "GCC Runtime Library Exception" }) do
      assert.truthy(text:find(what, 1, true), "LICENSE.txt lacks " .. what)
    end
  end)

  it("has the docs as HTML whose links all lead somewhere", function()
    local pages = lines(("cd %s/docs && ls *.html"):format(H.quote(root)))
    assert.truthy(#pages >= 5)
    local ids = {}
    for _, p in ipairs(pages) do
      ids[p] = {}
      for id in read(root .. "/docs/" .. p):gmatch(' id="([^"]+)"') do ids[p][id] = true end
    end
    for _, p in ipairs(pages) do
      local html = read(root .. "/docs/" .. p)
      assert.truthy(html:find("<meta charset=\"utf-8\">", 1, true))
      for target in html:gmatch('href="([^"]*)"') do
        if not target:match("^%a[%w+.-]*:") then
          local file, anchor = target:match("^([^#]*)#?(.*)$")
          local page = file == "" and p or file
          if page == "../LICENSE.txt" then
            assert.truthy(io.open(root .. "/LICENSE.txt"))
          else
            assert.truthy(ids[page], ("%s links to %s, which is not there"):format(p, target))
            if anchor ~= "" then
              assert.truthy(ids[page][anchor], ("%s links to %s: no such id"):format(p, target))
            end
          end
        end
      end
    end
    local man = read(root .. "/docs/winshm.txt")
    assert.truthy(man:find("winshm " .. VERSION, 1, true), "docs/winshm.txt names no version")
    assert.truthy(man:find("\r\nSYNOPSIS\r\n", 1, true))
    assert.is_nil(man:find("\b", 1, true), "overstrikes in docs/winshm.txt")
  end)

  describe("unzipped, under Wine", function()
    -- tests/cdef/ac.h, shaped like Assetto Corsa's header, is the game's
    -- SharedFileOut.h here, next to winshm.exe as README-windows.txt says.
    local function publish(name)
      lines(("cp tests/cdef/ac.h %s/SharedFileOut.h"):format(H.quote(root)))
      local out = background({ WINBIN .. "/publish.exe", name, "60" }, 90)
      assert.truthy(wait_for(out, "ready %d+"), read(out))
    end
    local PHYSICS = { "--cdef", "SharedFileOut.h", "--type", "SPageFilePhysics" }

    it("winshm.exe -v names the version", function()
      local ok, out = wine({ "winshm.exe", "-v" })
      assert.is_true(ok, out)
      assert.matches("^winshm " .. VERSION:gsub("%.", "%%.") .. "  Lua 5%.4%.%d", out)
    end)

    it("runs README-windows.txt's demo: the writer, and the reader as written there", function()
      local writer = background({ "winshm.exe", "examples\\writer.lua", "Local\\winshm_demo", "300" }, 120)
      local ok, out = wine({ "winshm.exe", "examples\\reader.lua" })
      assert.is_true(ok, out)
      assert.matches("^reader: frame [1-9]%d*  player Ada  pos %(", out)
      assert.truthy(wait_for(writer, "writer: 300 frames written to Local\\winshm_demo"), read(writer))
    end)

    it("runs README-windows.txt's watch of a game's page, made by a plain Win32 program", function()
      publish("Local\\acpmf_physics")
      local argv = { "winshm.exe", "watch", "Local\\acpmf_physics", table.unpack(PHYSICS) }
      argv[#argv + 1] = "--count"
      argv[#argv + 1] = "2"
      local ok, out = wine(argv)
      assert.is_true(ok, out)
      local first, second = out:match("^%-%- refresh 1\n(.-)%-%- refresh 2\n(.*)$")
      assert.truthy(first, out)
      for _, want in ipairs({ "gas = 0.75", "gear = 3", "rpms = 6500", "speedKmh = 123.5",
                              "tyreContactPoint[4][3] = -1.25", "brakeBias = 0.58",
                              "localVelocity[3] = 42.0" }) do
        assert.truthy(first:find("\n" .. want .. "\n", 1, true), want .. " not in\n" .. first)
      end
      assert.matches("^packetId = %d+\n", first)
      -- packetId counts on: the second refresh shows it, changed
      assert.matches("^packetId = %d+\n", second)
    end)

    it("dumps a region a plain Win32 program made", function()
      publish("Local\\wshm_dump_page")
      local ok, out = wine({ "winshm.exe", "dump", "Local\\wshm_dump_page", table.unpack(PHYSICS) })
      assert.is_true(ok, out)
      assert.matches("^packetId = %d+\ngas = 0%.75\nbrake = 0%.0\n", out)
      assert.truthy(out:find("\nbrakeBias = 0.58\n", 1, true), out)
      -- without a layout: the bytes (gas, 0.75f, after the 4-byte packetId)
      ok, out = wine({ "winshm.exe", "dump", "Local\\wshm_dump_page", "--length", "16" })
      assert.is_true(ok, out)
      assert.matches("^00000000  %x%x %x%x %x%x %x%x 00 00 40 3f ", out)
      -- a name nobody made: an error that names it
      ok, out = wine({ "winshm.exe", "dump", "Local\\wshm_no_such_page" })
      assert.is_falsy(ok)
      assert.matches("Local\\wshm_no_such_page", out, 1, true)
    end)

    it("runs every example", function()
      local checks = {
        ["examples/gamestate.lua"] = { { "examples\\gamestate.lua" }, "^$" },
        ["examples/writer.lua"] = { { "examples\\writer.lua", "Local\\wshm_writer", "5" },
                                    "^writer: 5 frames written to Local\\wshm_writer\n$" },
        ["examples/reader.lua"] = false,   -- with the writer, above
        ["examples/counter.lua"] = { { "examples\\counter.lua", "3", "200" },
          "^3 workers x 200 increments: mutex 600, atomic 600 %(expected 600%)" },
        ["examples/python_interop.lua"] = { { "examples\\python_interop.lua" },
          "^python_interop: python3 with multiprocessing%.shared_memory not found: skipped\n$" },
        ["examples/python_interop.py"] = false,   -- its Lua partner runs it
        ["examples/telemetry/layout.lua"] = { { "examples\\telemetry\\layout.lua" }, "^$" },
        ["examples/telemetry/producer.lua"] = "telemetry",
        ["examples/telemetry/reader.lua"] = false,   -- with the producer
      }
      for _, f in ipairs(lines(("cd %s && find examples -type f | LC_ALL=C sort"):format(H.quote(root)))) do
        assert.is_not_nil(checks[f], f .. ": an example this test does not know")
        local c = checks[f]
        if type(c) == "table" then
          local ok, out = wine({ "winshm.exe", table.unpack(c[1]) })
          assert.is_true(ok, f .. ":\n" .. out)
          assert.matches(c[2], out)
        elseif c == "telemetry" then
          local producer = background({ "winshm.exe", "examples\\telemetry\\producer.lua", "3" }, 120)
          local ok, out = wine({ "winshm.exe", "examples\\telemetry\\reader.lua", "1" })
          assert.is_true(ok, out)
          assert.matches("frame%s+%d+%s+t=.- m/s .- rpm  gear %d  pos .- tyres .- Ada\n", out)
          assert.truthy(wait_for(producer, "producer: 300 frames written"), read(producer))
        end
      end
    end)

    it("gives a Lua 5.4 over lua54.dll the module: lua.exe -e \"require 'winshm'\" next to the DLLs", function()
      lines(("cp %s/bin/lua.exe %s/"):format(H.quote(WINDEPS), H.quote(root)))
      local ok, out = wine({ "lua.exe", "-e", "require 'winshm'" })
      assert.is_true(ok, out)
      assert.equal("", out)
      -- and there it works, shm.cdef (lpeg.dll) too
      publish("Local\\wshm_lua_page")
      put("check.lua", [[
        local shm, where = require "winshm"
        local C = shm.cdef(assert(io.open("SharedFileOut.h")):read("a"))
        local l = assert(shm.open("Local\\wshm_lua_page", C.SPageFilePhysics))
        print(shm._VERSION, where, l:get().gear, l:get().speedKmh)]])
      ok, out = wine({ "lua.exe", "check.lua" })
      assert.is_true(ok, out)
      assert.matches("^" .. VERSION:gsub("%.", "%%.") .. "\t%a:\\.-\\" .. TOP:gsub("%p", "%%%0")
        .. "\\winshm%.dll\t3\t123%.5\n$", out)
    end)
  end)
end)
