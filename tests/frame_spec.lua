-- frame_spec.lua: reading a whole telemetry page every frame.  A refill
-- (shm.read and read_consistent into an earlier result) allocates nothing
-- once warm, and gives what a fresh read gives.
local shm = require "winshm"
local H = require "helper"
local Page = dofile("bench/page.lua")

local function region()
  local k = assert(shm.create(H.name("frame"), Page))
  local v = k:get_mut()
  v.driver, v.car, v.track = "A. Driver", "Formula Something Turbo 2026 Edition", "Circuit"
  return k, v
end

-- Change the numbers of a frame, as a producer does (no allocation).
local function tick(v, i)
  v.packet = i
  v.speed = i * 0.25
  v.gear = i % 7
  v.wheels[1].temp = i
  v.wheels[4].pressure = -i
  v.lap.sectors[2] = i * 1.5
end

-- Bytes the Lua heap grew by over n frames of body, the collector stopped.
local function growth(n, body)
  collectgarbage("collect")
  collectgarbage("stop")
  local before = collectgarbage("count")
  for i = 1, n do body(i) end
  local after = collectgarbage("count")
  collectgarbage("restart")
  return (after - before) * 1024
end

describe("a frame refilled in place", function()
  it("has the fields of the telemetry page", function()
    assert.is_true(#shm.fields(Page) >= 20)
    local n = 0
    local function count(t)
      for _, x in pairs(t) do
        if type(x) == "table" then count(x) else n = n + 1 end
      end
    end
    count(shm.read(region():get()))
    assert.is_true(n >= 190 and n <= 260, "fields: " .. n)
    assert.is_true(shm.sizeof(Page) >= 1024 and shm.sizeof(Page) <= 2048)
  end)

  it("gives what a fresh read gives, nested tables refilled, not replaced", function()
    local k, v = region()
    local t = shm.read(v)
    local wheels, w1, names = t.wheels, t.wheels[1], t.lap.sectors
    for i = 1, 50 do
      tick(v, i)
      assert.equal(t, shm.read(v, t))
      assert.same(shm.read(v), t)
    end
    assert.equal(wheels, t.wheels)
    assert.equal(w1, t.wheels[1])
    assert.equal(names, t.lap.sectors)
    v.driver = "Someone Else"
    shm.read(v, t)
    assert.equal("Someone Else", t.driver)
    k:close()
  end)

  it("allocates nothing over 10,000 frames of shm.read", function()
    local k, v = region()
    local t = shm.read(v)
    tick(v, 0)
    shm.read(v, t)  -- warm
    assert.equal(0, growth(10000, function(i) tick(v, i); shm.read(v, t) end))
    k:close()
  end)

  it("allocates nothing over 10,000 frames of read_consistent", function()
    local k, v = region()
    local scheme = { seq = "packet" }
    local t = shm.read_consistent(v, scheme)
    shm.read_consistent(v, scheme, nil, t)  -- warm
    assert.equal(0, growth(10000, function(i)
      v.packet = 2 * i
      v.speed = i
      shm.read_consistent(v, scheme, nil, t)
    end))
    assert.equal(10000.0, t.speed)
    k:close()
  end)

  it("replaces what is not a table of its shape", function()
    local k, v = region()
    tick(v, 3)
    local t = { wheels = 5, lap = { sectors = "no" }, extra = true }
    shm.read(v, t)
    assert.same(shm.read(v).wheels, t.wheels)
    assert.equal(4.5, t.lap.sectors[2])
    assert.is_true(t.extra)  -- not a field: left alone
    assert.has_error(function() shm.read(v, 5) end,
      "bad argument #2 to 'read' (table expected, got number)")
    assert.has_error(function() shm.read_consistent(v, { seq = "packet" }, 1, "x") end,
      "bad argument #4 to 'read_consistent' (table expected, got string)")
    k:close()
  end)
end)

describe("shm.reader", function()
  it("reads the chosen fields in one call, paths with indices", function()
    local k, v = region()
    tick(v, 6)
    local read = shm.reader(Page, "speed", "gear", "wheels[4].pressure",
      "lap.sectors[2]", "driver", "wheels[1].tyre_temp[3]")
    v.wheels[1].tyre_temp[3] = 80.5
    local speed, gear, p4, s2, driver, tt = read(v)
    assert.same({ 1.5, 6, -6.0, 9.0, "A. Driver", 80.5 }, { speed, gear, p4, s2, driver, tt })
    assert.same({ v.speed, v.gear, v.wheels[4].pressure, v.lap.sectors[2], v.driver,
      v.wheels[1].tyre_temp[3] }, { read(v) })
    local Wheel
    for _, f in ipairs(shm.fields(Page)) do if f.name == "wheels" then Wheel = f.layout end end
    assert.equal(shm.offsetof(Page, "wheels") + 3 * shm.sizeof(Wheel)
      + shm.offsetof(Wheel, "pressure"), shm.offsetof(Page, "wheels[4].pressure"))
    k:close()
  end)

  it("allocates nothing per call", function()
    local k, v = region()
    local read = shm.reader(Page, "speed", "rpm", "gear", "lap.current_ms", "wheels[1].temp")
    read(v)
    assert.equal(0, growth(10000, function(i) v.rpm = i; read(v) end))
    k:close()
  end)

  it("refuses paths that name no scalar or string, and views of other layouts", function()
    local k, v = region()
    local function msg(...) local _, e = pcall(shm.reader, ...); return tostring(e) end
    assert.matches("at least one field path", msg(Page), 1, true)
    assert.matches("'wheels' is not a scalar or a string of layout 'Page'", msg(Page, "wheels"), 1, true)
    assert.matches("'lap' is not a scalar", msg(Page, "speed", "lap"), 1, true)
    assert.matches("index 5 out of range 1..4 in 'wheels[5].temp'", msg(Page, "wheels[5].temp"), 1, true)
    assert.matches("index 0 out of range", msg(Page, "wheels[0].temp"), 1, true)
    assert.matches("bad index in 'wheels[x].temp'", msg(Page, "wheels[x].temp"), 1, true)
    assert.matches("cannot index 'speed[1]'", msg(Page, "speed[1]"), 1, true)
    assert.matches("no field 'nope' in layout 'Page'", msg(Page, "nope"), 1, true)
    assert.matches("string expected, got number", msg(Page, 1), 1, true)
    assert.matches("layout expected", msg({}, "speed"), 1, true)
    local read = shm.reader(Page, "speed")
    local other <close> = assert(shm.create(H.name("frame_o"), shm.struct { { "speed", "float" } }))
    assert.matches("a view of layout 'Page' expected", select(2, pcall(read, other:get())), 1, true)
    assert.matches("view expected", select(2, pcall(read, io.stdout)), 1, true)
    assert.matches("a view of layout 'Page' expected", select(2, pcall(read, v.wheels)), 1, true)
    k:close()
    assert.has_error(function() read(v) end, "attempt to use a closed link")
  end)

  it("never copies from a link a finalizer closed at its allocation", function()
    local Big = shm.struct { { "a", "int32_t" }, { "text", "char", 4000 } }
    local k = assert(shm.create(H.name("frame_big"), Big))
    local v = k:get_mut()
    v.text = ("x"):rep(3000)
    local read = shm.reader(Big, "a", "text")
    local closed, ok, err = require("reentry").at_next_allocation(k, function() return read(v) end)
    assert.is_true(closed)
    if not ok then assert.matches("attempt to use a closed link", err, 1, true) end
  end)
end)
