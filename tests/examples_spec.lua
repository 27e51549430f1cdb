-- Every file under examples/ runs (briefly) with the host, so none rots.
-- Examples with something to prove have their own check below; any other
-- X.lua must run with no arguments and exit 0, any other X.sh must run as
-- `sh X.sh HOST` and exit 0.  Python files run through their Lua partner.
local shm = require "winshm"
local H = require "helper"

local TIMEOUT = 60   -- seconds for one example

-- Run a shell command line; returns ok, output (stdout and stderr).
local function sh(cmd)
  return H.sh(("timeout %d %s"):format(TIMEOUT, cmd))
end

local function host(...)
  local args = { H.quote(H.host) }
  for _, a in ipairs({ ... }) do args[#args + 1] = H.quote(a) end
  return sh(table.concat(args, " "))
end

-- Files under examples/, relative paths, sorted.
local function example_files()
  local p = assert(io.popen("find examples -type f 2>/dev/null | sort"))
  local files = {}
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  return files
end

-- The examples with checks of their own: file -> function(path).
local checks = {
  ["examples/demo.sh"] = function(path)
    local ok, out = sh("sh " .. H.quote(path) .. " " .. H.quote(H.host))
    assert.is_true(ok, out)
    assert.matches("writer: 60 frames written", out, 1, true)
    assert.matches("reader: frame %d+  player Ada", out)
  end,
  ["examples/gamestate.lua"] = function(path)
    local layout = dofile(path)
    assert.equal("layout", shm.type(layout))
    assert.is_true(shm.sizeof(layout) > 0)
  end,
  -- writer and reader are two halves of demo.sh; the reader alone waits
  -- for a writer, so here the writer runs alone and must finish.
  ["examples/writer.lua"] = function(path)
    local ok, out = host(path, H.name("writer"), "5")
    assert.is_true(ok, out)
    assert.matches("writer: 5 frames written", out, 1, true)
  end,
  ["examples/reader.lua"] = function() end,  -- run by demo.sh
  ["examples/counter.lua"] = function(path)
    local ok, out = host(path, "3", "300")
    assert.is_true(ok, out)
    assert.matches("3 workers x 300 increments: mutex 900, atomic 900 (expected 900)", out, 1, true)
  end,
  ["examples/telemetry/layout.lua"] = function(path)
    local T = dofile(path)
    assert.equal("layout", shm.type(T.Telemetry))
    assert.is_string(T.name)
  end,
  -- producer and reader share a block; `winshm dump` reads it too, through
  -- the layout's begin/end counters
  ["examples/telemetry/producer.lua"] = function(path)
    local name = H.name("telemetry")
    local producer = H.spawn(("arg = { [0] = %q, '3', %q }\ndofile(%q)"):format(path, name, path))
    local ok, out = host("examples/telemetry/reader.lua", "1", name)
    assert.is_true(ok, out)
    assert.matches("frame%s+%d+%s+t=.- m/s .- rpm  gear %d  pos .- tyres .- Ada\n", out)
    local dumped
    ok, dumped = host("dump", name, "--layout", "examples/telemetry/layout.lua",
                      "--begin", "mVersionUpdateBegin", "--end", "mVersionUpdateEnd")
    assert.is_true(ok, dumped)
    assert.matches("\nmDriverName = \"Ada\"\n", dumped, 1, true)
    assert.matches("\nmTyreTemp%[4%] = %d", dumped)
    local pok, pout = producer:wait(60)
    assert.is_true(pok, pout)
    assert.matches("producer: 300 frames written", pout, 1, true)
  end,
  ["examples/telemetry/reader.lua"] = function() end,  -- run with producer.lua
  ["examples/recordings/read_recording.py"] = function() end,  -- run by python_reader.lua
  ["examples/recordings/python_reader.lua"] = function(path)
    local ok, out = host(path)
    assert.is_true(ok, out)
    assert.matches("^python_reader: 120 frames, 19 fields, the same CSV as winshm export\n$", out)
  end,
  ["examples/recordings/session.sh"] = function(path)
    local ok, out = sh("sh " .. H.quote(path) .. " " .. H.quote(H.host))
    assert.is_true(ok, out)
    assert.matches("\nreplayed %d+ frames of .- %(1 pass, speed 4%)\n", out)
    assert.matches("\ntime,mElapsedTime,mSpeed,mGear\n[%d.]+,[%d.]+,[%d.]+,%d\n", out)
    assert.matches("\nsvg: 6 lines drawn\n$", out)
  end,
  ["examples/python_interop.py"] = function() end,  -- run by python_interop.lua
  ["examples/python_interop.lua"] = function(path)
    local ok, out = host(path)
    assert.is_true(ok, out)
    assert.equal(table.concat({
      "winshm: lap 7 best 83.25 driver Grace",
      "python: winshm replied 42",
      "python: lap 12 best 81.50 driver Ada",
      "winshm: python replied 1200", "" }, "\n"), out)
  end,
}

-- Any other example: run it.
local function default_check(path)
  local ok, out
  if path:match("%.lua$") then
    ok, out = host(path)
  elseif path:match("%.sh$") then
    ok, out = sh("sh " .. H.quote(path) .. " " .. H.quote(H.host))
  else
    return  -- data, headers, text: used by the examples that run
  end
  assert.is_true(ok, path .. " failed:\n" .. out)
end

describe("examples #posix", function()
  local files = example_files()

  it("are there", function()
    assert.is_true(#files >= 4)
    local set = {}
    for _, f in ipairs(files) do set[f] = true end
    for _, f in ipairs({ "examples/demo.sh", "examples/gamestate.lua",
                         "examples/writer.lua", "examples/reader.lua",
                         "examples/python_interop.lua", "examples/python_interop.py",
                         "examples/counter.lua", "examples/telemetry/producer.lua" }) do
      assert.is_true(set[f], f .. " is missing")
    end
  end)

  for _, f in ipairs(files) do
    it("run: " .. f, function()
      (checks[f] or default_check)(f)
    end)
  end

  it("gamestate.lua is a layout `winshm dump` reads from a live writer", function()
    local name = H.name("demo")
    local writer = H.spawn(([[
      arg = { [0] = "examples/writer.lua", %q, "100" }
      dofile("examples/writer.lua")
    ]]):format(name))
    assert.truthy(H.until_true(function() return H.shm_exists(name) end))
    local ok, out
    -- the writer names its player right after creating the region
    H.until_true(function()
      ok, out = host("dump", name, "--layout", "examples/gamestate.lua")
      return ok and out:find("Ada", 1, true)
    end)
    assert.is_true(ok, out)
    assert.matches('\nplayer = "Ada"\n', out, 1, true)
    assert.matches("\nalive = true\n", out, 1, true)
    assert.matches("^frame = %d+\npos%.x = ", out)
    assert.truthy(writer:wait())
  end)
end)
