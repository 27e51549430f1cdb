-- event_spec.lua: shm.event -- named auto-reset events (docs/reference.md, Events).
local shm = require "winshm"
local H = require "helper"
local system = require "system"

-- A child that announces itself on arg[2], waits up to arg[3] ms on the
-- event arg[1], and prints what the wait gave.
local WAITER = [[
  local shm = require "winshm"
  local ev = assert(shm.event(arg[1]))
  assert(shm.event(arg[2])):set()
  print(ev:wait(tonumber(arg[3])))
]]

describe("shm.event", function()
  it("is an event object", function()
    local n = H.name("e")
    local ev = assert(shm.event(n))
    assert.equal("event", shm.type(ev))
    assert.equal(n, ev:name())
    assert.matches("winshm.event '" .. n .. "'", tostring(ev), 1, true)
    assert.is_false(ev:closed())
    assert.is_true(ev:close())
    assert.is_true(ev:close())
    assert.is_true(ev:closed())
    assert.equal("event", shm.type(ev))
  end)

  it("starts unset and resets itself after one wait", function()
    local ev = assert(shm.event(H.name("e")))
    assert.same({ false, "timeout" }, { ev:wait(0) })
    assert.same({ true }, { ev:set() })
    assert.same({ true }, { ev:wait(0) })
    assert.same({ false, "timeout" }, { ev:wait(0) })
    ev:set(); ev:set()  -- a set event stays set once: no counting
    assert.same({ true }, { ev:wait() })
    assert.same({ false, "timeout" }, { ev:wait(0) })
    ev:close()
  end)

  it("honours timeouts", function()
    local ev = assert(shm.event(H.name("e")))
    local t0 = system.monotime()
    assert.same({ false, "timeout" }, { ev:wait(300) })
    local dt = system.monotime() - t0
    assert.is_true(dt >= 0.25, "returned after " .. dt .. " s")
    assert.is_true(dt < 10, "returned after " .. dt .. " s")
    ev:close()
  end)

  it("wakes a process waiting on it", function()
    local n, ready = H.name("e"), H.name("ready")
    local ev, r = assert(shm.event(n)), assert(shm.event(ready))
    local h = H.spawn(WAITER, n, ready, 60000)
    assert.is_true(r:wait(30000))
    local t0 = system.monotime()
    ev:set()
    local _, out = h:wait(60)
    assert.equal("true\n", out)
    assert.is_true(system.monotime() - t0 < 30)  -- well before its timeout
    ev:close(); r:close()
  end)

  it("keeps a set for a process that waits later", function()
    local n, ready = H.name("e"), H.name("ready")
    local ev, r = assert(shm.event(n)), assert(shm.event(ready))
    ev:set()
    local _, out = H.run(WAITER, n, ready, 0)
    assert.equal("true\n", out)
    _, out = H.run(WAITER, n, ready, 0)
    assert.equal("false\ttimeout\n", out)
    ev:close(); r:close()
  end)

  it("releases one waiter per set", function()
    local n, ready = H.name("e"), H.name("ready")
    local ev, r = assert(shm.event(n)), assert(shm.event(ready))
    local a = H.spawn(WAITER, n, ready, 3000)
    assert.is_true(r:wait(30000))
    local b = H.spawn(WAITER, n, ready, 3000)
    assert.is_true(r:wait(30000))
    ev:set()
    local _, oa = a:wait(60)
    local _, ob = b:wait(60)
    local outs = { oa, ob }
    table.sort(outs)
    assert.same({ "false\ttimeout\n", "true\n" }, outs)
    ev:close(); r:close()
  end)

  it("raises on use after close", function()
    local ev = assert(shm.event(H.name("e")))
    ev:close()
    for _, f in ipairs({ "set", "wait", "name" }) do
      assert.has_error(function() ev[f](ev) end, "attempt to use a closed event")
    end
  end)

  it("rejects bad arguments and names", function()
    assert.has_error(function() shm.event() end)
    assert.has_error(function() shm.event(H.name("e"), { bogus = true }) end,
      "invalid field name 'bogus' in opts")
    local ev = assert(shm.event(H.name("e")))
    assert.has_error(function() ev:wait(-5) end)
    assert.has_error(function() ev:wait({}) end)
    assert.has_error(function() ev.set(assert(shm.mutex(H.name("m")))) end)
    ev:close()
    for _, n in ipairs({ "", "a\0b", "\xc0\x80", ("e"):rep(400) }) do
      local e2, err = shm.event(n)
      assert.is_nil(e2)
      assert.equal("InvalidName", err.kind)
      assert.equal(n, err.name)
    end
  end)

  it("#posix goes with its last handle", function()
    local n = H.name("e")
    local ev = assert(shm.event(n))
    local f = io.open("/dev/shm/winshm.event/" .. n)
    assert.is_not_nil(f); f:close()
    ev:close()
    assert.is_nil(io.open("/dev/shm/winshm.event/" .. n))
  end)
end)
