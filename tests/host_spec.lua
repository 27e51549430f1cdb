-- host_spec.lua: the winshm executable behaves as the lua interpreter
-- (docs/reference.md, "The host"), has the module built in, and runs
-- commands.
local H = require "helper"

-- Does the host read interactive input with GNU readline?  The Makefile
-- says (WINSHM_READLINE=yes, its READLINE); the Windows host never does.
local READLINE = os.getenv("WINSHM_READLINE") == "yes"

local function writefile(path, content)
  local f = assert(io.open(path, "wb"))
  f:write(content)
  f:close()
  return path
end

-- A fresh temporary name; a file holding content when given.
local function tmpfile(content)
  -- Windows' names (\s1., \s1.1, ...) repeat from run to run
  local path = H.windows and os.getenv("TEMP") .. "\\" .. H.name("host")
               or os.tmpname()
  if content then writefile(path, content) end
  return path
end

-- A fresh temporary directory with the given subdirectory (or none).
local function tmpdir(sub)
  local dir = tmpfile()
  os.remove(dir)  -- POSIX: os.tmpname made a file of that name
  local path = sub and dir .. "/" .. sub or dir
  if H.windows then path = path:gsub("/", "\\") end
  assert(os.execute((H.windows and "mkdir %s" or "mkdir -p %s"):format(H.quote(path))))
  return dir
end

local function removedir(dir)
  os.execute((H.windows and "rmdir /s /q %s" or "rm -rf %s"):format(H.quote(dir)))
end

local function slurp(path)
  local f = io.open(path, "r")  -- text mode: Windows writes CRLF
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- Run the host with the words in args; o.env sets variables (LUA_INIT
-- and LUA_INIT_5_4 are unset unless given), o.stdin feeds standard input,
-- o.cwd sets the directory.  Returns stdout, stderr, exit code.
local function host(args, o)
  o = o or {}
  local words = { H.quote(H.host) }
  for _, a in ipairs(args) do words[#words + 1] = H.quote(a) end
  local input, errs = tmpfile(o.stdin or ""), tmpfile()
  local env = { LUA_INIT = false, LUA_INIT_5_4 = false }
  for k, v in pairs(o.env or {}) do env[k] = v end
  local pre = {}
  for k, v in pairs(env) do
    if H.windows then
      pre[#pre + 1] = ('set "%s=%s" &&'):format(k, v or "")
    elseif v then
      pre[#pre + 1] = ("export %s=%s;"):format(k, H.quote(v))
    else
      pre[#pre + 1] = ("unset %s;"):format(k)
    end
  end
  if o.cwd then
    table.insert(pre, 1, (H.windows and "cd /d %s &&" or "cd %s &&"):format(H.quote(o.cwd)))
  end
  local cmd = table.concat(pre, " ") .. " " .. table.concat(words, " ")
      .. " < " .. H.quote(input) .. " 2> " .. H.quote(errs)
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local _, _, code = p:close()
  local err = slurp(errs)
  os.remove(input)
  os.remove(errs)
  return out, err, code
end

describe("host", function()
  describe("version and help", function()
    it("-v prints winshm's and Lua's versions and runs nothing else", function()
      local out, err, code = host({ "-v" })
      local shm = require "winshm"
      assert.matches("^winshm " .. shm._VERSION:gsub("%.", "%%.") .. "  Lua 5%.4", out)
      assert.equal("", err)
      assert.equal(0, code)
    end)

    it("--help and -h print the usage on stdout and exit 0", function()
      for _, opt in ipairs({ "--help", "-h" }) do
        local out, err, code = host({ opt, "-e", "print('ran')" })
        assert.matches("usage: .* %[options%] %[script %[args%]%]", out)
        assert.matches("%-E%s+ignore environment variables", out)
        assert.not_matches("ran", out)
        assert.equal("", err)
        assert.equal(0, code)
      end
    end)
  end)

  describe("the built-in module", function()
    it("require 'winshm' works with no LUA_CPATH or LUA_PATH to find it", function()
      local out, err, code = host({ "-e", ([[
        local shm = require "winshm"
        print(type(shm.create), shm == package.loaded.winshm, rawget(_G, "winshm"))
        local l = assert(shm.create(%q, 64))
        l:write_bytes(0, "built in")
        print(l:read_bytes(0, 8))
        l:close()]]):format(H.name("host")) }, { env = { LUA_CPATH = "/nonexistent/?.so",
        LUA_PATH = "/nonexistent/?.lua" } })
      assert.equal("function\ttrue\tnil\nbuilt in\n", out)
      assert.equal("", err)
      assert.equal(0, code)
    end)

    it("prefers the built-in module to a winshm on LUA_CPATH or LUA_PATH", function()
      local dir = tmpdir()
      writefile(dir .. "/winshm.lua", "return 'impostor'")
      local out, _, code = host({ "-e", "print(type(require 'winshm'))" },
        { env = { LUA_PATH = dir .. "/?.lua" } })
      removedir(dir)
      assert.equal("table\n", out)
      assert.equal(0, code)
    end)

    it("runs from any directory, away from the build tree", function()
      local dir = os.getenv("TEMP") or "/tmp"
      local out, _, code = host({ "-e", "print(require('winshm')._VERSION)" },
        { cwd = dir, env = { LUA_PATH = ";;", LUA_CPATH = ";;" } })
      assert.equal(require("winshm")._VERSION .. "\n", out)
      assert.equal(0, code)
    end)

    it("preloads exactly the Lua parts under lua/winshm, each loadable", function()
      local p = io.popen(H.windows and "dir /s /b lua\\winshm\\*.lua 2>NUL"
                         or "find lua/winshm -name '*.lua' 2>/dev/null")
      local expected = {}
      for path in p:lines() do
        local mod = path:gsub("\\", "/"):gsub("^.-lua/", ""):gsub("%.lua$", "")
            :gsub("/init$", ""):gsub("/", ".")
        expected[#expected + 1] = mod
      end
      p:close()
      table.sort(expected)
      local out, err, code = host({ "-e", [[
        local names = {}
        for k in pairs(package.preload) do
          if k:match("^winshm%.") then names[#names + 1] = k end
        end
        table.sort(names)
        for _, k in ipairs(names) do
          assert(package.preload[k], k)
          assert(select(2, pcall(require, k)) ~= nil, "cannot load " .. k)
        end
        io.write(table.concat(names, "\n"))]] },
        { env = { LUA_PATH = "/nonexistent/?.lua" } })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal(table.concat(expected, "\n"), out)
    end)
  end)

  describe("scripts and arg", function()
    it("builds arg as lua does and passes the arguments as ...", function()
      local s = tmpfile([[
        print(select("#", ...), ...)
        for i = -3, 3 do io.write(tostring(arg[i]), "|") end
        print()]])
      local out, err, code = host({ "-W", "-e", "x=1", s, "a", "b c" })
      os.remove(s)
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal(("2\ta\tb c\n-W|-e|x=1|%s|a|b c|nil|\n"):format(s), out)
    end)

    it("arg[-n] is the host itself", function()
      local s = tmpfile("print(arg[-1])")
      local out = host({ s })
      os.remove(s)
      assert.equal(H.host .. "\n", out)
    end)

    it("without a script, arg[0] is the host and options follow", function()
      local out, _, code = host({ "-e", "print(arg[0], arg[1], arg[2], arg[-1])" })
      assert.equal(H.host .. "\t-e\tprint(arg[0], arg[1], arg[2], arg[-1])\tnil\n", out)
      assert.equal(0, code)
    end)

    it("options after the script belong to the script", function()
      local s = tmpfile("print(...)")
      local out, _, code = host({ s, "-e", "error('not an option')", "-x" })
      os.remove(s)
      assert.equal("-e\terror('not an option')\t-x\n", out)
      assert.equal(0, code)
    end)

    it("-- ends the options, even before a name starting with -", function()
      local s = tmpfile("print('script', ...)")
      local out, _, code = host({ "--", s, "-v" })
      os.remove(s)
      assert.equal("script\t-v\n", out)
      assert.equal(0, code)
    end)

    it("- runs standard input with arguments", function()
      local out, err, code = host({ "-", "x", "y" },
        { stdin = "print('stdin', ...) print(arg[0])" })
      assert.equal("stdin\tx\ty\n-\n", out)
      assert.equal("", err)
      assert.equal(0, code)
    end)

    it("with no arguments and stdin not a terminal, runs stdin", function()
      local out, _, code = host({}, { stdin = "print(1 + 1)" })
      assert.equal("2\n", out)
      assert.equal(0, code)
    end)

    it("os.exit sets the exit status", function()
      local _, _, code = host({ "-e", "os.exit(7)" })
      assert.equal(7, code)
      _, _, code = host({ "-e", "os.exit(false)" })
      assert.equal(1, code)
    end)

    it("a missing script is one error line and status 1", function()
      local out, err, code = host({ "no/such/script.lua" })
      assert.equal("", out)
      assert.equal(H.host .. ": cannot open no/such/script.lua\n",
        err:gsub(" No such file or directory", ""):gsub(":\n", "\n"))
      assert.equal(1, code)
    end)

    it("a syntax error in the script is reported with status 1", function()
      local s = tmpfile("x = = 1")
      local out, err, code = host({ s })
      os.remove(s)
      assert.equal("", out)
      assert.matches("^" .. H.host:gsub("%p", "%%%0") .. ": .-:1: unexpected symbol near '='\n", err)
      assert.equal(1, code)
    end)
  end)

  describe("errors", function()
    it("a runtime error prints the message and a traceback, status 1", function()
      local s = tmpfile("local function f() error('boom') end\nf()\nprint('after')")
      local out, err, code = host({ s })
      os.remove(s)
      assert.equal("", out)
      assert.matches(": .-:1: boom\nstack traceback:\n", err)
      assert.matches("in local 'f'", err)
      assert.equal(1, code)
    end)

    it("a winshm error object prints its message", function()
      local name = H.name("host_missing")
      local out, err, code = host({ "-e", ([[
        local shm = require "winshm"
        local l, e = shm.open(%q, 16)
        error(e)]]):format(name) })
      assert.equal("", out)
      assert.matches(name, err, 1, true)
      assert.not_matches("error object is a", err)
      assert.equal(1, code)
    end)

    it("a non-string error object is named by its type", function()
      local _, err, code = host({ "-e", "error({})" })
      assert.matches("%(error object is a table value%)\nstack traceback:", err)
      assert.equal(1, code)
      _, err = host({ "-e", "error()" })
      assert.matches("%(error object is a nil value%)", err)
    end)

    it("bad options print the usage, run nothing and exit 1", function()
      local cases = {
        { { "-x" }, "unrecognized option '%-x'" },
        { { "-vx" }, "unrecognized option '%-vx'" },
        { { "---" }, "unrecognized option '%-%-%-'" },
        { { "-e" }, "'%-e' needs argument" },
        { { "-l" }, "'%-l' needs argument" },
        { { "-e", "-v" }, "'%-e' needs argument" },
      }
      for _, c in ipairs(cases) do
        local args = { "-e", "print('ran')" }
        for _, a in ipairs(c[1]) do args[#args + 1] = a end
        local out, err, code = host(args)
        assert.equal("", out)
        assert.matches(": " .. c[2] .. "\nusage: ", err)
        assert.equal(1, code)
      end
    end)
  end)

  describe("-e, -l and -W", function()
    it("-e and -l run in command-line order", function()
      local out, _, code = host({ "-e", "x = 'a'", "-lstring", "-e", "print(x, string == require 'string')",
        "-estr=nil", "-e", "print(str)" })
      assert.equal("a\ttrue\nnil\n", out)
      assert.equal(0, code)
    end)

    it("-l g=mod stores the module under another global", function()
      local out, _, code = host({ "-l", "shm=winshm", "-e", "print(shm == require 'winshm', rawget(_G, 'winshm'))" })
      assert.equal("true\tnil\n", out)
      assert.equal(0, code)
    end)

    it("-l mod-suffix requires the whole name into the global before the '-'", function()
      local dir = tmpdir()
      local out, _, code = host({ "-l", "hostmod-v2", "-e", "print(hostmod)" },
        { env = { LUA_PATH = dir .. "/?.lua" } })
      assert.equal("", out)
      assert.equal(1, code)
      writefile(dir .. "/hostmod-v2.lua", "return 'v2 loaded'")
      out, _, code = host({ "-l", "hostmod-v2", "-e", "print(hostmod)" },
        { env = { LUA_PATH = dir .. "/?.lua" } })
      removedir(dir)
      assert.equal("v2 loaded\n", out)
      assert.equal(0, code)
    end)

    it("a failing -e or -l stops everything after it, status 1", function()
      local out, err, code = host({ "-e", "print(1)", "-e", "error('stop')", "-e", "print(3)" })
      assert.equal("1\n", out)
      assert.matches("%(command line%):1: stop\nstack traceback:", err)
      assert.equal(1, code)
      out, err, code = host({ "-l", "no_such_module_xyz", "-e", "print(3)" })
      assert.equal("", out)
      assert.matches("module 'no_such_module_xyz' not found", err)
      assert.equal(1, code)
    end)

    it("-W turns warnings on", function()
      local _, err = host({ "-e", "warn('quiet')" })
      assert.equal("", err)
      _, err = host({ "-W", "-e", "warn('loud')" })
      assert.equal("Lua warning: loud\n", err)
    end)
  end)

  describe("environment", function()
    it("LUA_INIT runs first, as text or as @file", function()
      local out, _, code = host({ "-e", "print(x)" }, { env = { LUA_INIT = "x = 'from init'" } })
      assert.equal("from init\n", out)
      assert.equal(0, code)
      local f = tmpfile("x = 'from file'")
      out = host({ "-e", "print(x)" }, { env = { LUA_INIT = "@" .. f } })
      os.remove(f)
      assert.equal("from file\n", out)
    end)

    it("LUA_INIT_5_4 wins over LUA_INIT", function()
      local out = host({ "-e", "print(x)" },
        { env = { LUA_INIT = "x = 'plain'", LUA_INIT_5_4 = "x = 'versioned'" } })
      assert.equal("versioned\n", out)
    end)

    it("an error in LUA_INIT stops the run, status 1", function()
      local out, err, code = host({ "-e", "print('ran')" }, { env = { LUA_INIT = "error('bad init')" } })
      assert.equal("", out)
      assert.matches("LUA_INIT:1: bad init", err)
      assert.equal(1, code)
    end)

    it("-E ignores LUA_INIT, LUA_PATH and LUA_CPATH", function()
      local out, _, code = host({ "-E", "-e", "print(x, package.path:find('/nonexistent', 1, true),"
        .. " package.cpath:find('/nonexistent', 1, true))" },
        { env = { LUA_INIT = "x = 1", LUA_PATH = "/nonexistent/?.lua", LUA_CPATH = "/nonexistent/?.so" } })
      assert.equal("nil\tnil\tnil\n", out)
      assert.equal(0, code)
      out = host({ "-e", "print(x, package.path:find('/nonexistent', 1, true) ~= nil)" },
        { env = { LUA_INIT = "x = 1", LUA_PATH = "/nonexistent/?.lua" } })
      assert.equal("1\ttrue\n", out)
    end)
  end)

  describe("interactive mode", function()
    -- What follows the banner, the lines read from a stdin that is no
    -- terminal echoed after their prompts when the host reads them with
    -- readline, as Debian's lua5.4 does.
    local function transcript(out)
      return (out:gsub("^winshm [^\n]*\n", "", 1))
    end
    local function line(s) return READLINE and s .. "\n" or "" end

    it("prints expressions, joins unfinished statements, survives errors", function()
      local out, err, code = host({ "-i" }, { stdin = table.concat({
        "1 + 1",
        "for i = 1, 2 do",
        "io.write(i, ';')",
        "end",
        "error('oops')",
        "'still', 'here', nil",
        "local x = 5",
        "", }, "\n") })
      assert.equal(0, code)
      assert.matches("^winshm ", out)
      assert.equal("> " .. line("1 + 1") .. "2\n"
        .. "> " .. line("for i = 1, 2 do") .. ">> " .. line("io.write(i, ';')")
        .. ">> " .. line("end") .. "1;2;"
        .. "> " .. line("error('oops')")
        .. "> " .. line("'still', 'here', nil") .. "still\there\tnil\n"
        .. "> " .. line("local x = 5") .. "> \n", transcript(out))
      assert.matches("^stdin:1: oops\nstack traceback:", err)
    end)

    it("follows _PROMPT and _PROMPT2", function()
      local out = host({ "-i", "-e", "_PROMPT = 'P1 '; _PROMPT2 = 'P2 '" },
        { stdin = "do\nend\n" })
      assert.equal("P1 " .. line("do") .. "P2 " .. line("end") .. "P1 \n", transcript(out))
    end)

    it("runs after the script, with the script's globals", function()
      local s = tmpfile("answer = 42")
      local out, _, code = host({ "-i", s }, { stdin = "answer\n" })
      os.remove(s)
      assert.equal("> " .. line("answer") .. "42\n> \n", transcript(out))
      assert.equal(0, code)
    end)

    it("reports a statement cut off by the end of input", function()
      local out, err, code = host({ "-i" }, { stdin = "for i = 1, 2 do\n" })
      assert.equal("> " .. line("for i = 1, 2 do") .. ">> > \n", transcript(out))
      assert.equal("stdin:1: 'end' expected near <eof>\n", err)
      assert.equal(0, code)
    end)

    it("has winshm at hand", function()
      local out = host({ "-i" }, { stdin = "require('winshm').type(1)\n" })
      assert.equal("> " .. line("require('winshm').type(1)") .. "nil\n> \n", transcript(out))
    end)
  end)

  -- Keys typed at a terminal: script(1) gives the host a pseudo-terminal.
  describe("interactive mode on a terminal #posix", function()
    local UP, LEFT = "\27[A", "\27[D"

    -- Type 'keys' into `winshm -i` on a terminal; returns what it showed,
    -- without carriage returns.
    local function typed(keys)
      local input, out = tmpfile(keys), tmpfile()
      local ok = os.execute(("TERM=dumb timeout 60 script -qec %s /dev/null < %s > %s"):format(
        H.quote(H.quote(H.host) .. " -i"), H.quote(input), H.quote(out)))
      local shown = slurp(out)
      os.remove(input)
      os.remove(out)
      assert.is_true(ok, shown)
      return (shown:gsub("\r", ""))
    end

    -- How many lines of 'shown' are 'printed', after a prompt or not.
    local function count(shown, printed)
      local n = 0
      for l in shown:gmatch("[^\n]+") do
        if l:gsub("^> ", "") == printed then n = n + 1 end
      end
      return n
    end

    if READLINE then
      it("recalls the last statement with the up arrow", function()
        local shown = typed("x = 41\nprint(x + 1)\n" .. UP .. "\n")
        assert.equal(2, count(shown, "42"), shown)
      end)

      it("edits the line: the left arrow moves back, typing inserts", function()
        local shown = typed("print(1)" .. LEFT .. "0\n")
        assert.equal(1, count(shown, "10"), shown)
      end)
    else
      it("reads lines as they are typed, keys and all (no line editing)", function()
        local shown = typed("print(6 * 7)\n" .. UP .. "\n")
        assert.equal(1, count(shown, "42"), shown)
        -- the escape sequence is a line of its own: Lua reads ESC as the
        -- start of a binary chunk
        assert.matches("\n> stdin: bad binary format (truncated chunk)\n", shown, 1, true)
      end)
    end
  end)

  describe("commands", function()
    local dir
    local function write(rel, src) writefile(dir .. rel, src) end

    setup(function()
      dir = tmpdir("winshm/cmd") .. "/"
      write("winshm/cmd/hosttestecho.lua", [[
        return function(...)
          print(select("#", ...), ...)
          print(arg[0])
          return tonumber(os.getenv("HOSTTEST_RC") or "")
        end]])
      write("winshm/cmd/hosttestfalse.lua", "return function() return false end")
      write("winshm/cmd/hosttestfails.lua", "return function() error('bad thing') end")
      write("winshm/cmd/hosttesterr.lua", [[return function(name)
        error(select(2, require("winshm").open(name, 1)))
      end]])
      write("winshm/cmd/hosttestnotfn.lua", "return 42")
      write("hosttestecho", "print('the file, not the command')")
    end)

    teardown(function() removedir(dir) end)

    local function env(extra)
      local e = { LUA_PATH = dir .. "?.lua" }
      for k, v in pairs(extra or {}) do e[k] = v end
      return e
    end

    it("NAME runs winshm.cmd.NAME with the arguments", function()
      local out, err, code = host({ "hosttestecho", "a", "b c", "-e" }, { env = env() })
      assert.equal("3\ta\tb c\t-e\nhosttestecho\n", out)
      assert.equal("", err)
      assert.equal(0, code)
    end)

    it("the command's result is the exit status", function()
      local _, _, code = host({ "hosttestecho" }, { env = env({ HOSTTEST_RC = "4" }) })
      assert.equal(4, code)
      _, _, code = host({ "hosttestfalse" }, { env = env() })
      assert.equal(1, code)
    end)

    it("a command's error is one line and status 1", function()
      local out, err, code = host({ "hosttestfails" }, { env = env() })
      assert.equal("", out)
      assert.matches("^[^\n]*hosttestfails%.lua:1: bad thing\n$", err)
      assert.equal(1, code)
      local name = H.name("host_cmd")
      out, err, code = host({ "hosttesterr", name }, { env = env() })
      assert.equal("", out)
      assert.matches("^[^\n]*" .. name .. "[^\n]*\n$", err)
      assert.equal(1, code)
    end)

    it("a module that is no function is an error", function()
      local _, err, code = host({ "hosttestnotfn" }, { env = env() })
      assert.matches("module 'winshm.cmd.hosttestnotfn' does not return a function\n$", err)
      assert.equal(1, code)
    end)

    it("an unknown NAME is one error line and status 1", function()
      local out, err, code = host({ "hosttestnosuch" }, { env = env() })
      assert.equal("", out)
      assert.equal(H.host .. ": cannot open hosttestnosuch (no such file, and no command of that name)\n", err)
      assert.equal(1, code)
    end)

    it("a file that exists, a .lua name or a path always runs as a script", function()
      local out, _, code = host({ "hosttestecho" }, { env = env(), cwd = dir })
      assert.equal("the file, not the command\n", out)
      assert.equal(0, code)
      local _, err
      _, err, code = host({ "hosttestecho.lua" }, { env = env() })
      assert.matches("cannot open hosttestecho.lua", err, 1, true)
      assert.equal(1, code)
      _, err, code = host({ "./hosttestfalse" }, { env = env() })
      assert.matches("cannot open ./hosttestfalse", err, 1, true)
      assert.equal(1, code)
    end)

    it("a script named like a built-in command runs as a script given as a path", function()
      local d = tmpdir("sub")
      writefile(d .. "/dump", "print('the script dump', ...)")
      writefile(d .. "/sub/dump", "print('the script sub/dump', ...)")
      local out, err, code = host({ "./dump", "x" }, { cwd = d })
      assert.same({ "the script dump\tx\n", "", 0 }, { out, err, code })
      out, err, code = host({ "sub/dump", "y" }, { cwd = d })
      assert.same({ "the script sub/dump\ty\n", "", 0 }, { out, err, code })
      out, err, code = host({ d .. "/dump" })
      assert.same({ "the script dump\n", "", 0 }, { out, err, code })
      -- elsewhere the bare word is the command
      out, err, code = host({ "dump" }, { cwd = d .. "/.." })
      assert.equal("", out)
      assert.matches("^winshm dump: ", err)
      assert.equal(2, code)
      removedir(d)
    end)

    it("-- makes NAME a script", function()
      local _, err, code = host({ "--", "hosttestecho" }, { env = env() })
      assert.matches("cannot open hosttestecho", err, 1, true)
      assert.equal(1, code)
    end)
  end)

  describe("installed #posix", function()
    it("make install gives a host and a module that need no paths", function()
      local prefix = tmpfile()
      os.remove(prefix)
      assert.truthy(os.execute(("make -s install PREFIX=%s >/dev/null"):format(H.quote(prefix))))
      local check = [[
        local shm = require "winshm"
        local n = 0
        for k in pairs(package.preload) do
          if k:match("^winshm%.") then require(k); n = n + 1 end
        end
        print(shm._VERSION, n)]]
      local saved = H.host
      H.host = prefix .. "/bin/winshm"
      local out, err, code = host({ "-e", check }, { cwd = "/", env = { LUA_PATH = ";;", LUA_CPATH = ";;" } })
      H.host = saved
      -- the system's default paths only (where lpeg lives), not the prefix's
      local p = io.popen(("cd / && LUA_PATH=';;' LUA_CPATH=%s lua5.4 -e %s 2>&1"):format(
        H.quote(prefix .. "/lib/lua/5.4/?.so;;"), H.quote(check)))
      local modout = p:read("a")
      p:close()
      removedir(prefix)
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("^" .. require("winshm")._VERSION:gsub("%.", "%%.") .. "\t%d+\n$", out)
      assert.equal(out, modout)
    end)
  end)

  describe("Ctrl-C #posix", function()
    it("interrupts the script, closes its links and exits 1", function()
      local name = H.name("host_int")
      local flag = tmpfile()
      os.remove(flag)
      local h = H.spawn(([[
        local shm = require "winshm"
        local link <close> = assert(shm.create(%q, 4096))
        local marker <close> = setmetatable({}, { __close = function()
          local f = io.open(%q, "w"); f:write("closed"); f:close()
        end })
        print("ready"); io.stdout:flush()
        while true do end]]):format(name, flag))
      assert.truthy(H.until_true(function() return (slurp(h.out) or ""):find("ready") end, 10))
      assert.is_true(H.shm_exists(name))
      h:kill("INT")
      local ok, out, code = h:wait(10)
      if ok == nil then h:kill("KILL"); h:wait(30) end  -- not interrupted
      assert.is_false(ok)
      assert.equal(1, code)
      assert.matches("interrupted!\nstack traceback:", out)
      assert.equal("closed", slurp(flag))
      os.remove(flag)
      assert.is_false(H.shm_exists(name))
    end)

    it("interrupts a script blocked in a system call, as lua5.4 does", function()
      -- opening a FIFO no one writes to blocks in open(2): a handler
      -- installed with SA_RESTART (signal()) would restart it for ever
      local fifo = tmpfile()
      os.remove(fifo)
      assert.truthy(os.execute("mkfifo " .. H.quote(fifo)))
      finally(function() os.remove(fifo) end)
      local h = H.spawn(([[
        print("ready"); io.stdout:flush()
        io.open(%q)
        print("opened")]]):format(fifo))
      assert.truthy(H.until_true(function() return (slurp(h.out) or ""):find("ready") end, 30))
      H.sleep(0.2)   -- into open(2)
      h:kill("INT")
      local ok, out, code = h:wait(30)
      if ok == nil then h:kill("KILL"); h:wait(30) end  -- not interrupted
      assert.is_false(ok, out)
      assert.equal(1, code)
      assert.matches("interrupted!\nstack traceback:\n\t%[C%]: in function 'io.open'", out)
    end)
  end)
end)
