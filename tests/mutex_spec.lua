-- mutex_spec.lua: shm.mutex -- named cross-process mutexes (docs/reference.md, Mutexes).
local shm = require "winshm"
local H = require "helper"
local system = require "system"

-- A child that takes the mutex arg[1], announces it on the event arg[2],
-- then holds it until the event arg[3] is set (at most a minute).
local HOLDER = [[
  local shm = require "winshm"
  local m = assert(shm.mutex(arg[1]))
  local ready, go = assert(shm.event(arg[2])), assert(shm.event(arg[3]))
  assert(m:lock())
  ready:set()
  assert(go:wait(60000))
  m:unlock()
  print("released")
]]

-- A child that reports what trylock gives on the mutex arg[1].
local TRY = [[
  local shm = require "winshm"
  local m = assert(shm.mutex(arg[1]))
  print(m:trylock())
]]

local function holder(name)
  local ready, go = H.name("ready"), H.name("go")
  local evr, evg = assert(shm.event(ready)), assert(shm.event(go))
  local h = H.spawn(HOLDER, name, ready, go)
  assert(evr:wait(30000), "the holder did not start")
  return h, evg
end

describe("shm.mutex", function()
  it("is a mutex object", function()
    local n = H.name("m")
    local m = assert(shm.mutex(n))
    assert.equal("mutex", shm.type(m))
    assert.equal(n, m:name())
    assert.matches("winshm.mutex '" .. n .. "'", tostring(m), 1, true)
    assert.is_false(m:closed())
    m:close()
    assert.equal("mutex", shm.type(m))
    assert.matches("(closed)", tostring(m), 1, true)
  end)

  it("locks and unlocks with the documented results", function()
    local m = assert(shm.mutex(H.name("m")))
    assert.same({ true }, { m:lock() })
    assert.same({ true }, { m:unlock() })
    assert.same({ true }, { m:trylock() })
    assert.same({ true }, { m:unlock() })
    assert.same({ true }, { m:lock(100) })
    assert.same({ true }, { m:unlock() })
    m:close()
  end)

  it("is recursive: the owner locks again and unlocks once per lock", function()
    local n = H.name("m")
    local m = assert(shm.mutex(n))
    assert.is_true(m:lock())
    assert.is_true(m:lock(0))
    assert.is_true(m:trylock())
    assert.is_true(m:unlock())
    assert.is_true(m:unlock())
    local _, out = H.run(TRY, n)
    assert.equal("false\ttimeout\n", out)  -- still held once
    assert.is_true(m:unlock())
    assert.has_error(function() m:unlock() end,
      "mutex '" .. n .. "' is not locked by this thread")
    _, out = H.run(TRY, n)
    assert.equal("true\n", out)
    m:close()
  end)

  it("raises when unlocked by a non-owner", function()
    local n = H.name("m")
    local m = assert(shm.mutex(n))
    assert.has_error(function() m:unlock() end,
      "mutex '" .. n .. "' is not locked by this thread")
    local h, go = holder(n)
    assert.has_error(function() m:unlock() end)
    go:set()
    assert.equal("released\n", select(2, h:wait(60)))
    m:close()
  end)

  it("keeps other processes out and honours timeouts", function()
    local n = H.name("m")
    local m = assert(shm.mutex(n))
    local h, go = holder(n)
    assert.same({ false, "timeout" }, { m:trylock() })
    assert.same({ false, "timeout" }, { m:lock(0) })
    local t0 = system.monotime()
    assert.same({ false, "timeout" }, { m:lock(300) })
    local dt = system.monotime() - t0
    assert.is_true(dt >= 0.25, "returned after " .. dt .. " s")
    assert.is_true(dt < 10, "returned after " .. dt .. " s")
    assert.same({ false, "timeout" }, { m:lock(0.5) })  -- rounds up to 1 ms
    go:set()
    assert.same({ true }, { m:lock(60000) })  -- the holder lets go
    local _, out = h:wait(60)
    assert.equal("released\n", out)
    m:unlock()
    m:close()
  end)

  it("is the same mutex with or without the Local\\ prefix", function()
    local n = H.name("m")
    local m = assert(shm.mutex("Local\\" .. n))
    assert.is_true(m:lock())
    local _, out = H.run(TRY, n)
    assert.equal("false\ttimeout\n", out)
    m:unlock()
    _, out = H.run(TRY, n)
    assert.equal("true\n", out)
    m:close()
  end)

  it("shares one mutex between two handles of one process", function()
    local n = H.name("m")
    local a, b = assert(shm.mutex(n)), assert(shm.mutex("Local\\" .. n))
    assert.is_true(a:lock())
    assert.is_true(b:lock(0))  -- the same owner locks again
    a:close()  -- gives back a's lock only
    local _, out = H.run(TRY, n)
    assert.equal("false\ttimeout\n", out)
    local other = assert(shm.mutex(H.name("m")))
    assert.is_true(other:lock()); assert.is_true(other:unlock())
    assert.is_true(b:unlock())
    _, out = H.run(TRY, n)
    assert.equal("true\n", out)
    b:close(); other:close()
  end)

  it("gives back what it holds when closed, closed by <close> or collected", function()
    local n = H.name("m")
    local m = assert(shm.mutex(n))
    m:lock(); m:lock()
    assert.is_true(m:close())
    assert.is_true(m:close())  -- again: nothing happens
    local _, out = H.run(TRY, n)
    assert.equal("true\n", out)

    do
      local m2 <close> = assert(shm.mutex(n))
      m2:lock()
      _, out = H.run(TRY, n)
      assert.equal("false\ttimeout\n", out)
    end
    _, out = H.run(TRY, n)
    assert.equal("true\n", out)

    local m3 = assert(shm.mutex(n))
    m3:lock()
    m3 = nil  -- luacheck: ignore
    collectgarbage(); collectgarbage()
    _, out = H.run(TRY, n)
    assert.equal("true\n", out)
  end)

  describe("with", function()
    it("runs fn with its arguments under the lock and returns its results", function()
      local n = H.name("m")
      local m = assert(shm.mutex(n))
      local seen
      local a, b, c = m:with(function(x, y)
        local _, out = H.run(TRY, n)
        seen = out
        return x + y, "two", nil
      end, 1, 2)
      assert.equal(3, a); assert.equal("two", b); assert.is_nil(c)
      assert.equal("false\ttimeout\n", seen)
      local _, out = H.run(TRY, n)
      assert.equal("true\n", out)
      -- nested: the owner locks again
      assert.equal(42, m:with(function() return m:with(function() return 42 end) end))
      m:close()
    end)

    it("unlocks when fn raises, then raises the same error", function()
      local n = H.name("m")
      local m = assert(shm.mutex(n))
      local e = setmetatable({}, { __tostring = function() return "mine" end })
      local ok, got = pcall(m.with, m, function() error(e) end)
      assert.is_false(ok)
      assert.equal(e, got)
      ok, got = pcall(m.with, m, function() error("plain", 0) end)
      assert.is_false(ok)
      assert.equal("plain", got)
      local _, out = H.run(TRY, n)
      assert.equal("true\n", out)
      assert.has_error(function() m:unlock() end)  -- nothing left held
      m:close()
    end)

    it("survives fn closing the mutex", function()
      local m = assert(shm.mutex(H.name("m")))
      assert.equal(1, m:with(function() m:close() return 1 end))
      assert.is_true(m:closed())
    end)
  end)

  it("raises on use after close", function()
    local m = assert(shm.mutex(H.name("m")))
    m:close()
    for _, f in ipairs({ "lock", "trylock", "unlock", "name" }) do
      assert.has_error(function() m[f](m) end, "attempt to use a closed mutex")
    end
    assert.has_error(function() m:with(print) end, "attempt to use a closed mutex")
    assert.is_true(m:closed())
  end)

  it("rejects bad arguments", function()
    assert.has_error(function() shm.mutex() end)
    assert.has_error(function() shm.mutex({}) end)
    assert.has_error(function() shm.mutex(H.name("m"), 5) end)
    assert.has_error(function() shm.mutex(H.name("m"), { bogus = 1 }) end,
      "invalid field name 'bogus' in opts")
    assert.has_error(function() shm.mutex(H.name("m"), { mode = -1 }) end)
    local m = assert(shm.mutex(H.name("m")))
    assert.has_error(function() m:lock(-1) end)
    assert.has_error(function() m:lock("soon") end)
    assert.has_error(function() m:lock(0 / 0) end)
    assert.has_error(function() m:with() end)
    assert.has_error(function() m:with(42) end)
    assert.has_error(function() m.lock({}) end)
    assert.has_error(function() shm.mutex(H.name("m")).lock(assert(shm.event(H.name("e")))) end)
    m:close()
  end)

  it("returns InvalidName for bad names", function()
    local bad = { "", "a\0b", "\xff\xfe", ("x"):rep(300), "Local\\" }
    if not H.windows then bad[#bad + 1] = "a/b" end
    for _, n in ipairs(bad) do
      local m, err = shm.mutex(n)
      assert.is_nil(m)
      assert.equal("InvalidName", err.kind)
      assert.equal(n, err.name)  -- whole, NUL bytes and all
      assert.is_string(tostring(err))
    end
  end)

  it("takes several processes through 4 x 10000 increments exactly", function()
    local n, gatename, ready = H.name("count"), H.name("gate"), H.name("ready")
    local r = assert(shm.create(n, 8))
    local worker = [[
      local shm = require "winshm"
      local r = assert(shm.open_existing(arg[1], 8))
      local gate = assert(shm.mutex(arg[2]))
      assert(shm.event(arg[3])):set()
      gate:lock(); gate:unlock()  -- all start together...
      local m = assert(shm.mutex(arg[1] .. "_lock"))  -- ...and create it at once
      for _ = 1, 10000 do
        m:lock()
        local v = string.unpack("<i8", r:read_bytes(0, 8))
        r:write_bytes(0, string.pack("<i8", v + 1))
        m:unlock()
      end
      print("done")
    ]]
    local gate, ev = assert(shm.mutex(gatename)), assert(shm.event(ready))
    gate:lock()
    local hs = {}
    for i = 1, 4 do  -- one at a time: each is running before the next starts
      hs[i] = H.spawn(worker, n, gatename, ready)
      assert.is_true(ev:wait(60000))
    end
    gate:unlock()
    for i = 1, 4 do
      local _, out = hs[i]:wait(600)
      assert.equal("done\n", out)
    end
    assert.equal(40000, (string.unpack("<i8", r:read_bytes(0, 8))))
    r:close(); gate:close(); ev:close()
  end)

  -- The owner ends without unlocking: as Windows does with a mutex whose
  -- thread exits, the next owner is told it was abandoned.
  local DIER = [[
    local shm = require "winshm"
    local r = assert(shm.open_existing(arg[1], 16))
    local m = assert(shm.mutex(arg[1] .. "_lock"))
    local ready = assert(shm.event(arg[2]))
    assert(m:lock())
    r:write_bytes(0, "intact data")
    ready:set()
    if arg[3] == "exit" then os.exit(0, false) end  -- no close, no __gc
    assert(shm.event(arg[2] .. "never")):wait()
  ]]

  -- A process that holds mutex n.."_lock" (and region n) dies by SIGKILL;
  -- returns the region and the ready event, still open here.
  local function killed_holder(n, ready)
    local r = assert(shm.create(n, 16))
    local ev = assert(shm.event(ready))
    local h = H.spawn(DIER, n, ready, "kill")
    assert.is_true(ev:wait(30000))
    h:kill("KILL")
    h:wait(60)
    return r, ev
  end

  local function abandoned(how)
    local n, ready = H.name("ab"), H.name("ready")
    local r = assert(shm.create(n, 16))
    local m = assert(shm.mutex(n .. "_lock"))  -- kept open across the death
    local ev = assert(shm.event(ready))
    local h = H.spawn(DIER, n, ready, how)
    assert.is_true(ev:wait(30000))
    if how == "kill" then
      assert.same({ false, "timeout" }, { m:trylock() })
      h:kill("KILL")
    end
    h:wait(60)
    assert.same({ true, "abandoned" }, { m:lock(30000) })
    assert.equal("intact data", r:read_bytes(0, 11))
    assert.is_true(m:unlock())
    assert.same({ true }, { m:lock(1000) })  -- consistent again
    m:unlock()
    m:close(); r:close(); ev:close()
  end

  it("reports a holder that exited holding as abandoned", function()
    abandoned("exit")
  end)

  it("reports a holder killed (SIGKILL, TerminateProcess) as abandoned", function()
    abandoned("kill")
  end)

  it("#windows cannot take the name of a region (one kernel namespace)", function()
    local n = H.name("game")
    local r = assert(shm.create(n, 64))
    local m, err = shm.mutex(n)
    assert.is_nil(m)
    assert.equal("AlreadyExists", err.kind)
    assert.equal("EEXIST", err.code)
    assert.matches("another kind of object", tostring(err), 1, true)
    r:close()
  end)

  it("counts exactly in examples/counter.lua", function()
    local cmd = H.quote(H.host) .. " " .. H.quote("examples/counter.lua") .. " 3 2000 2>&1"
    if H.windows then cmd = '"' .. cmd .. '"' end
    local p = assert(io.popen(cmd))
    local out = p:read("a")
    p:close()
    assert.matches("3 workers x 2000 increments: mutex 6000, atomic 6000", out, 1, true)
  end)

  describe("#posix objects", function()
    local function path(n) return "/dev/shm/winshm.mutex/" .. n end
    local function exists(p)
      local f = io.open(p)
      if f then f:close() end
      return f ~= nil
    end

    it("do not collide with regions or events of the same name", function()
      local n = H.name("game")
      local r = assert(shm.create(n, 64))
      local m = assert(shm.mutex(n))
      local e = assert(shm.event(n))
      assert.is_true(m:lock())
      r:write_bytes(0, "x")
      assert.is_true(e:set())
      assert.is_true(e:wait(0))
      m:unlock()
      m:close(); e:close(); r:close()
    end)

    it("that are not winshm's give nil, err", function()
      local n = H.name("foreign")
      assert(shm.mutex(H.name("m"))):close()  -- the directory exists
      local f = assert(io.open(path(n), "wb"))
      f:write(string.pack("<I4I4", 2, 0), ("\0"):rep(60))  -- no winshm header
      f:close()
      local m, err = shm.mutex(n)
      assert.is_nil(m)
      assert.equal("Mutex", err.kind)
      assert.equal("EINVAL", err.code)
      assert.equal(n, err.name)
      f = assert(io.open(path(n), "wb"))
      f:write("tiny")
      f:close()
      m, err = shm.mutex(n)
      assert.is_nil(m)
      assert.equal("Mutex", err.kind)
      assert.is_true(os.remove(path(n)))
    end)

    it("go with the last handle", function()
      local n = H.name("m")
      local a, b = assert(shm.mutex(n)), assert(shm.mutex(n))
      assert.is_true(exists(path(n)))
      a:close()
      assert.is_true(exists(path(n)))
      b:close()
      assert.is_false(exists(path(n)))
    end)

    it("left by a killed holder are replaced by a fresh mutex", function()
      local n, ready = H.name("m"), H.name("ready")
      local r, ev = killed_holder(n, ready)
      local m = assert(shm.mutex(n .. "_lock"))
      assert.same({ true }, { m:lock(1000) })  -- fresh: not abandoned
      m:close()
      assert.is_false(exists(path(n .. "_lock")))
      r:close(); ev:close()
    end)

    -- a process sweeps at its first open of a kind, and then after as
    -- many opens as that sweep saw entries (linear, see sync_posix.c)
    it("left by killed processes are removed by another process's first open", function()
      local n, ready = H.name("m"), H.name("ready")
      local r, ev = killed_holder(n, ready)
      local ok, out = H.run([[
        local shm = require "winshm"
        assert(shm.mutex(arg[1])):close()
        assert(shm.event(arg[1])):close()
      ]], H.name("other"))
      assert.is_true(ok, out)
      assert.is_false(exists(path(n .. "_lock")))
      assert.is_false(exists("/dev/shm/winshm.event/" .. ready .. "never"))
      r:close(); ev:close()
    end)
  end)
end)
