-- The spec helper's processes (tests/helper.lua, tests/proc.lua): started,
-- signalled, waited for with a deadline, reaped; a spec file that leaves
-- one running fails.
local H = require "helper"

local function slurp(path)
  local f = io.open(path)
  local s = f and f:read("a")
  if f then f:close() end
  return s
end

-- Is process 'pid' alive (not a zombie)?
local function alive(pid)
  local s = slurp("/proc/" .. pid .. "/stat")
  return s ~= nil and not s:match("^%d+ %(.-%) Z")
end

-- The interpreter running busted, and busted itself (its arg[-1], arg[0]).
local function interpreter()
  local lua = assert(arg[-1])
  if lua:find("/") then return lua end
  local ok, path = H.sh("command -v " .. H.quote(lua))
  assert(ok, path)
  return (path:gsub("\n$", ""))
end

-- busted on one file of tests/plumbing/, in a process of its own, with
-- 'env' before it; returns ok, output.
local function busted(env, file)
  return H.sh(("%s %s %s tests/plumbing/%s"):format(env, H.quote(interpreter()),
    H.quote(arg[0]), file))
end

describe("spawned processes", function()
  it("give their output and exit code", function()
    local h = H.spawn("io.write('out ', ...) io.flush() io.stderr:write(' err') os.exit(3)", "a b", 7)
    assert.same({ false, "out a b7 err", 3 }, { h:wait(60) })
    assert.same({ false, "out a b7 err", 3 }, { h:wait(60) })  -- the same again
    assert.same({ true, "", 0 }, { H.spawn(""):wait(60) })
  end)

  it("say when they outlast the wait, and can still be waited for", function()
    local h = H.spawn("while true do end")
    assert.same({ nil, "timeout" }, { h:wait(0.2) })
    assert.is_true(h:kill("TERM"))
    local _, out, code = h:wait(60)
    assert.equal("", out)
    -- POSIX: 128 + SIGTERM, as the shell says; under Wine taskkill /F
    -- ends it with whatever code TerminateProcess is given
    assert.is_number(code)
    if not H.windows then assert.equal(128 + 15, code) end
  end)

  it("are signalled by name, and not at all once they ended #posix", function()
    local h = H.spawn("io.write('ready') io.flush() while true do end")
    assert.truthy(H.until_true(function() return slurp(h.out) == "ready" end, 60))
    assert.is_true(alive(h.pid))
    assert.is_true(h:kill("INT"))
    local ok, out, code = h:wait(60)
    assert.is_false(ok)
    assert.equal(1, code)   -- the host's own exit on SIGINT
    assert.matches("interrupted", out)
    assert.is_false(alive(h.pid))
    assert.is_false(h:kill("KILL"))
  end)

  it("H.run gives ok, output and code", function()
    assert.same({ true, "x\n", 0 }, { H.run("print(...)", "x") })
    local ok, out, code = H.run("os.exit(5)")
    assert.is_falsy(ok)
    assert.same({ "", 5 }, { out, code })
  end)

  it("are started, killed and reaped with nothing on PATH #posix", function()
    local ok, out = busted("PATH=/nonexistent", "nopath.lua")
    assert.is_true(ok, out)
    assert.matches("1 success / 0 failures / 0 errors", out, 1, true)
  end)

  it("that a spec file leaves running fail that file, and are killed #posix", function()
    local pids = H.tmpname()
    local ok, out = busted("WINSHM_PLUMBING_PIDS=" .. H.quote(pids), "careless.lua")
    assert.is_falsy(ok, out)
    assert.matches("spawned processes not reaped by their specs (now killed)", out, 1, true)
    assert.matches("was still running", out, 1, true)
    assert.matches("left processes running in its group", out, 1, true)
    local found = {}
    for pid in (slurp(pids) or ""):gmatch("%d+") do found[#found + 1] = pid end
    os.remove(pids)
    assert.equal(2, #found)
    for _, pid in ipairs(found) do
      assert.is_true(H.until_true(function() return not alive(pid) end, 30), "pid " .. pid .. " lives on")
    end
  end)
end)
