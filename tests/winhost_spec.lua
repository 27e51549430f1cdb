-- The Windows host, winshm.exe, run under Wine from the Linux side (make
-- test-windows-host): its manifest makes UTF-8 the process code page, so
-- what reaches Lua from outside -- arguments, file names, the
-- environment -- is UTF-8, as winshm's names are.  Wine decodes the Linux
-- side's strings by the locale, hence LC_ALL=C.UTF-8.
local H = require "helper"
local C = require "compiler.cc"

-- A script writing the bytes of the string expression e in hex.
local function hexof(e)
  return "io.write((" .. e .. "):gsub('.', function(c) return ('%02x'):format(c:byte()) end), '')"
end

describe("the Windows host under Wine", function()
  local exe, why, dir

  setup(function()
    exe, why = C.winexe("test-windows-host")
    if exe then
      dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. C.quote(dir)))
    end
  end)

  teardown(function()
    if dir then os.execute("rm -rf " .. C.quote(dir)) end
  end)

  -- Write a script into dir; its path as Windows sees it.
  local function script(name, text)
    local f = assert(io.open(dir .. "/" .. name, "wb"))
    f:write(text)
    f:close()
    return "Z:" .. (dir .. "/" .. name):gsub("/", "\\")
  end

  -- Run winshm.exe with these (Linux side, UTF-8) words; its stdout.
  local function run(env, ...)
    local words = {}
    for i, w in ipairs({ ... }) do words[i] = C.quote(w) end
    local ok, out, err = C.sh3(("%s LC_ALL=C.UTF-8 %s wine %s %s < /dev/null"):format(
      C.wine_env, env, C.quote(exe), table.concat(words, " ")))
    assert(ok, "winshm.exe failed:\n" .. err:sub(1, 2000))
    return out
  end

  it("passes the command-line arguments to Lua as UTF-8", function()
    if not exe then return pending(why) end
    local s = script("args.lua", hexof("arg[1]"))
    -- é is c3 a9 and € e2 82 ac in UTF-8 (in code page 1252: e9 and 80)
    assert.equal("c3a9e282ac", run("", s, "é€"))
  end)

  it("gives the environment to Lua as UTF-8", function()
    if not exe then return pending(why) end
    local s = script("env.lua", hexof("os.getenv('WSHM_T')"))
    assert.equal("c3a9e282ac", run("WSHM_T='é€'", s))
  end)

  it("runs a script whose path is not ASCII, and opens such files from Lua", function()
    if not exe then return pending(why) end
    local s = script("skript_ü.lua", [[
      local f = assert(io.open(arg[1], "rb"))
      io.write(f:read("a"), " ", #arg[0])
      f:close()]])
    local data = script("daten_ö.txt", "read through a UTF-8 name")
    assert.equal("read through a UTF-8 name " .. #s, run("", s, data))
  end)

  it("opens a region named on the command line as the script names it", function()
    if not exe then return pending(why) end
    local name = H.name("winhost") .. "_télémétrie"
    local s = script("region.lua", ([[
      local shm = require "winshm"
      local mine = assert(shm.create("Local\\%s", 64))
      mine:write_bytes(0, "same region")
      local theirs = assert(shm.open("Local\\" .. arg[1], 0))
      io.write(theirs:read_bytes(0, 11))
      theirs:close(); mine:close()]]):format(name))
    assert.equal("same region", run("", s, name))
  end)
end)
