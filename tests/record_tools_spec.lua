-- The recording commands, run as a user runs them: winshm record,
-- replay, export and plot (lua/winshm/cmd/*.lua).
local shm = require "winshm"
local H = require "helper"
local T = require "tools_helper"
local xml = require "xml"

local cli, assert_oneline_error = T.cli, T.assert_oneline_error
local clock = shm._sys.clock

local LAYOUT = [[
local shm = require "winshm"
return shm.struct { name = "Frame",
  { "seq", "uint32_t" }, { "frame", "uint32_t" }, { "value", "double" }, { "label", "char", 8 } }
]]

-- Publishes frames 1..n at hz under the seq scheme, then ends.
local PRODUCER = [[
local shm = require "winshm"
local name, n, hz, layout = ...
n, hz = tonumber(n), tonumber(hz)
local link = assert(shm.create(name, dofile(layout)))
local v = link:get_mut()
local t0 = shm._sys.clock()
for i = 1, n do
  local wait = t0 + (i - 1) / hz - shm._sys.clock()
  if wait > 0 then shm._sys.sleep(wait) end
  shm.write_consistent(v, { seq = "seq" }, { frame = i, value = i * 0.25, label = "f" .. i })
end
shm._sys.sleep(0.3)
link:close()
]]

-- Does region 'name' exist?  (Opened and closed at once: a handle kept
-- would count as a holder.)
local function exists(name)
  local l = shm.open(name, 1)
  if l then l:close() end
  return l ~= nil
end

-- Wait for a background command; its output.
local function finish(p, what)
  local ok, out = p:wait(60)
  assert(ok, ("%s failed: %s"):format(what, tostring(out)))
  return out
end

-- Start `winshm ARGS...` in the background (through a Lua script: the
-- spec helper starts host scripts).
local function start(...)
  local args = {}
  for i, a in ipairs({ ... }) do args[i] = ("%q"):format(tostring(a)) end
  return H.spawn(("os.exit(require('winshm.tools').main({ %s }))"):format(table.concat(args, ", ")))
end

-- The frames of a recording where 'frame' changed: { frame, t, value, label }.
local function changes(path)
  local r = assert(shm.recording(path))
  local out, last = {}, 0
  for t, fr in r:frames() do
    if fr.frame ~= last then
      assert(fr.frame > last, "frames out of order")
      out[#out + 1] = { frame = fr.frame, t = t, value = fr.value, label = fr.label }
      last = fr.frame
    end
  end
  r:close()
  return out
end

-- A recording of 'layout' made with shm.record: fill(view, i) before the
-- frame at times[i].
local function synthetic(layout, times, fill, opts)
  local path = T.tmppath()
  local link = assert(shm.create(H.name("syn"), layout))
  local v = link:get_mut()
  local rec = assert(shm.record(path, v, opts))
  for i, t in ipairs(times) do
    fill(v, i)
    assert(rec:frame(t))
  end
  rec:close()
  link:close()
  return path
end

describe("winshm record", function()
  local layout
  setup(function() layout = T.tmpfile(LAYOUT) end)
  teardown(function() os.remove(layout) end)

  it("refuses bad usage in one line", function()
    local code, _, err = cli("record", "x", "--layout", layout)
    assert.equal(2, code)
    assert_oneline_error("record", err)
    assert.matches("missing -o FILE", err, 1, true)
    code, _, err = cli("record", "x", "-o", T.tmppath(), "--hz", "1e309")
    assert.equal(2, code)
    assert.matches("option '--hz' needs a number from 0.01 to 10000", err, 1, true)
    code, _, err = cli("record", "-o", T.tmppath())
    assert.equal(2, code)
    assert.matches("missing region NAME", err, 1, true)
    code, _, err = cli("record", H.name("none"), "-o", T.tmppath())
    assert.equal(1, code)
    assert_oneline_error("record", err)
    assert.matches("ENOENT", err, 1, true)
  end)

  it("records at --hz for --duration seconds, consistently, and never over a file", function()
    local name = H.name("recd")
    local producer = H.spawn(PRODUCER, name, 30, 20, layout)
    assert.truthy(H.until_true(function() return exists(name) end, 30))
    local path = T.tmppath()
    local code, out, err = cli("record", name, "--layout", layout, "--seq", "seq",
                               "--hz", "40", "--duration", "1", "-o", path)
    assert.equal("", err)
    assert.equal(0, code)
    local n = tonumber(out:match("^recorded " .. name .. " to .-: (%d+) frames  1%.%d s  .- bytes %(duration%)\n$"))
    assert(n, out)
    assert.is_true(n >= 10 and n <= 41, out)   -- 40 at most, fewer on a busy machine
    local r = assert(shm.recording(path))
    assert.equal(n, r.count)
    assert.same({ seq = "seq" }, r.scheme)
    assert.is_true(r.duration <= 1.05, r.duration)
    local last = 0
    for _, fr in r:frames() do
      assert.is_true(fr.frame >= last)
      assert.equal(fr.frame * 0.25, fr.value)   -- whole frames: the fields agree
      last = fr.frame
    end
    r:close()
    local _
    code, _, err = cli("record", name, "--layout", layout, "-o", path, "--duration", "0.1")
    assert.equal(1, code)
    assert.matches("exists", err, 1, true)
    os.remove(path)
    finish(producer, "the producer")
  end)

  it("waits for the region with --wait, and records a raw region as bytes", function()
    local name = H.name("recw")
    local path = T.tmppath()
    local rec = start("record", name, "--wait", "--duration", "0.3", "--hz", "50", "-o", path)
    H.sleep(0.3)
    local link = assert(shm.create(name, 100))
    link:write_bytes(0, "hello")
    local out = finish(rec, "the recorder")
    local size = link:size()
    link:close()
    assert.matches("recorded " .. name, out, 1, true)
    local r = assert(shm.recording(path))
    assert.is_true(r.count >= 3, out)
    local _, fr = r:frames(0.25)()
    assert.equal(size, #fr.bytes)
    assert.same({ 104, 101, 108, 108, 111, 0 }, { table.unpack(fr.bytes, 1, 6) })
    r:close()
    os.remove(path)
  end)

  it("stops when the region goes away", function()
    local name = H.name("recg")
    local producer = H.spawn(PRODUCER, name, 5, 10, layout)
    assert.truthy(H.until_true(function() return exists(name) end, 30))
    local path = T.tmppath()
    local t0 = clock()
    local code, out = cli("record", name, "--layout", layout, "-o", path)
    assert.equal(0, code)
    assert.matches("(region gone: no other process holds it)\n", out, 1, true)
    assert.is_true(clock() - t0 < 20)
    finish(producer, "the producer")
    local got = changes(path)
    assert.equal(5, got[#got].frame)
    os.remove(path)
  end)

  it("shows its progress on a terminal #posix", function()
    local name = H.name("rectty")
    local link = assert(shm.create(name, 64))
    local path = T.tmppath()
    local cmd = ("%s record %s --duration 1 -o %s"):format(H.quote(H.host), H.quote(name), H.quote(path))
    local ok, out = H.sh(("script -qec %s /dev/null"):format(H.quote(cmd)))
    link:close()
    os.remove(path)
    assert.is_true(ok, out)
    assert.matches("\r%d+ frames  0%.%d s  %d+ bytes\27%[K", out)
    assert.matches("recorded " .. name .. " to ", out, 1, true)
  end)

  it("stops at Ctrl-C (SIGINT), keeping what it recorded #posix", function()
    local name = H.name("recint")
    local link = assert(shm.create(name, 64))
    local path = T.tmppath()
    local ok, out = H.sh(("timeout --preserve-status -s INT 1 %s record %s -o %s"):format(
      H.quote(H.host), H.quote(name), H.quote(path)))
    link:close()
    assert.is_true(ok, out)
    assert.matches("(interrupted)\n", out, 1, true)
    local r = assert(shm.recording(path))
    assert.is_true(r.count > 5)
    r:close()
    os.remove(path)
  end)
end)

describe("winshm replay", function()
  local layout
  setup(function() layout = T.tmpfile(LAYOUT) end)
  teardown(function() os.remove(layout) end)

  -- A producer is recorded; the recording is replayed under a new name
  -- while a second recorder records that; both recordings hold the same
  -- frames in the same order, each at the same time from the first frame
  -- within TOLERANCE (the frames are 0.2 s apart, recorded at 200 Hz).
  local TOLERANCE = 0.15
  it("round trip: a reader sees the same frames, in order, at their times", function()
    local name, copy = H.name("rt"), H.name("rtcopy")
    local a, b = T.tmppath(), T.tmppath()
    local common = { "--layout", layout, "--seq", "seq", "--hz", "200", "--wait" }
    local ra = start("record", name, "-o", a, "--duration", "3.5", table.unpack(common))
    H.sleep(0.2)
    local producer = H.spawn(PRODUCER, name, 12, 5, layout)
    finish(producer, "the producer")
    finish(ra, "the first recorder")
    local rb = start("record", copy, "-o", b, "--duration", "4", table.unpack(common))
    H.sleep(0.2)
    local code, out, err = cli("replay", a, "--as", copy)
    assert.equal("", err)
    assert.equal(0, code)
    assert.matches("^replayed %d+ frames of .- as " .. copy .. " %(1 pass, speed 1%)\n$", out)
    finish(rb, "the second recorder")
    local fa, fb = changes(a), changes(b)
    local function list(f)
      local t = {}
      for i, c in ipairs(f) do t[i] = ("%d@%.3f"):format(c.frame, c.t) end
      return table.concat(t, " ")
    end
    local both = "\nrecorded: " .. list(fa) .. "\nreplayed: " .. list(fb)
    assert(#fa >= 11, both)
    assert(#fa == #fb, both)
    for i = 1, #fa do
      assert(fa[i].frame == fb[i].frame, both)
      assert.equal(fa[i].value, fb[i].value)
      assert.equal(fa[i].label, fb[i].label)
      local da, db = fa[i].t - fa[1].t, fb[i].t - fb[1].t
      assert(math.abs(da - db) <= TOLERANCE,
        ("frame %d at %.3f s, replayed at %.3f s"):format(fa[i].frame, da, db))
    end
    os.remove(a)
    os.remove(b)
  end)

  it("--speed scales the times", function()
    local times = {}
    for i = 1, 21 do times[i] = (i - 1) * 0.05 end   -- 1 s
    local path = synthetic(shm.struct { { "i", "int32_t" } }, times, function(v, i) v.i = i end)
    local t0 = clock()
    assert.equal(0, (cli("replay", path, "--as", H.name("sp1"))))
    local t1 = clock() - t0
    t0 = clock()
    assert.equal(0, (cli("replay", path, "--as", H.name("sp4"), "--speed", "4")))
    local t4 = clock() - t0
    assert.is_true(t1 >= 1.0, t1)
    assert.is_true(t4 >= 0.25 and t4 < t1 - 0.5, ("%.2f s at speed 4, %.2f s at 1"):format(t4, t1))
    os.remove(path)
  end)

  it("--loop plays again until Ctrl-C #posix", function()
    local path = synthetic(shm.struct { { "i", "int32_t" } }, { 0, 0.1, 0.2 }, function(v, i) v.i = i end)
    local ok, out = H.sh(("timeout --preserve-status -s INT 1.5 %s replay %s --as %s --loop"):format(
      H.quote(H.host), H.quote(path), H.quote(H.name("loop"))))
    assert.is_true(ok, out)
    local passes = tonumber(out:match("%((%d+) passes"))
    assert(passes and passes >= 2, out)
    os.remove(path)
  end)

  it("refuses a name that is taken, and a bad file, in one line", function()
    local path = synthetic(shm.struct { { "i", "int32_t" } }, { 0 }, function(v) v.i = 1 end)
    local name = H.name("taken")
    local link = assert(shm.create(name, 64))
    local code, _, err = cli("replay", path, "--as", name)
    link:close()
    assert.equal(1, code)
    assert_oneline_error("replay", err)
    assert.matches("--as NAME", err, 1, true)
    os.remove(path)
    local bad = T.tmpfile("not a recording at all")
    code, _, err = cli("replay", bad)
    os.remove(bad)
    assert.equal(1, code)
    assert_oneline_error("replay", err)
    assert.matches("not a winshm recording", err, 1, true)
  end)
end)

describe("winshm export", function()
  local Vec = shm.struct { name = "V", { "x", "float" }, { "y", "float" } }
  local L = shm.struct { name = "Row",
    { "n", "int32_t" }, { "f", "float" }, { "d", "double" }, { "ok", "bool" },
    { "big", "uint64_t" }, { "s", "char", 16 }, { "v", Vec, 2 }, { "m", "int8_t", { 2, 2 } } }
  local ROWS = {
    { n = 1, f = 0.1, d = 1 / 3, ok = true, big = 5, s = "plain", v = { { x = 1.5 } }, m = { { 1, 2 }, { 3, 4 } } },
    { n = -2, f = -2.5, d = 1e300, ok = false, big = -1, s = 'a, "quoted"', v = { {}, { y = -0.0 } } },
    { n = 3, d = 0 / 0, s = "two\nlines", v = { { x = 3e-8 } } },
    { n = 4, d = math.huge, s = " spaced " },
  }
  local path
  setup(function()
    path = synthetic(L, { 0, 0.5, 1.25, 2 }, function(v, i) shm.write(v, ROWS[i]) end)
  end)
  teardown(function() os.remove(path) end)

  it("writes CSV: a header, one row a frame, numbers in full, text quoted as RFC 4180 says", function()
    local code, out, err = cli("export", path, "--csv")
    assert.equal("", err)
    assert.equal(0, code)
    assert.equal(table.concat({
      "time,n,f,d,ok,big,s,v[1].x,v[1].y,v[2].x,v[2].y,m[1][1],m[1][2],m[2][1],m[2][2]",
      "0,1,0.1,0.3333333333333333,true,5,plain,1.5,0,0,0,1,2,3,4",
      '0.5,-2,-2.5,1e+300,false,18446744073709551615,"a, ""quoted""",1.5,0,0,-0,1,2,3,4',
      '1.25,3,-2.5,nan,false,18446744073709551615,"two\nlines",3e-08,0,0,-0,1,2,3,4',
      '2,4,-2.5,inf,false,18446744073709551615," spaced ",3e-08,0,0,-0,1,2,3,4', "" }, "\n"), out)
  end)

  it("is read back by a standard CSV reader (Python's csv module) #posix", function()
    if not os.execute("command -v python3 >/dev/null 2>&1") then
      pending("needs python3")
      return
    end
    local csv = T.tmppath()
    assert.equal(0, (cli("export", path, "--csv", "-o", csv)))
    local ok, out = H.sh(("python3 -c %s %s"):format(H.quote(
      "import csv,sys,json; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))"),
      H.quote(csv)))
    os.remove(csv)
    assert.is_true(ok, out)
    assert.matches('"a, \\"quoted\\""', out, 1, true)
    assert.matches('"two\\nlines"', out, 1, true)
    assert.matches('" spaced "', out, 1, true)
    local _, rows = out:gsub("%], %[", "")
    assert.equal(4, rows)   -- the header and four rows: five lists
  end)

  it("writes JSON lines, NaN and infinities as null", function()
    local code, out = cli("export", path, "--jsonl", "--fields", "n,d,s,v[2].y")
    assert.equal(0, code)
    assert.equal(table.concat({
      '{"time":0,"n":1,"d":0.3333333333333333,"s":"plain","v[2].y":0}',
      '{"time":0.5,"n":-2,"d":1e+300,"s":"a, \\"quoted\\"","v[2].y":-0}',
      '{"time":1.25,"n":3,"d":null,"s":"two\\nlines","v[2].y":-0}',
      '{"time":2,"n":4,"d":null,"s":" spaced ","v[2].y":-0}', "" }, "\n"), out)
  end)

  it("selects fields with --fields and frames with --from/--to, to a file with -o", function()
    local out = T.tmppath()
    local code = cli("export", path, "--csv", "--fields", "v,m[2]*", "--from", "0.4", "--to", "1.5", "-o", out)
    assert.equal(0, code)
    assert.equal(table.concat({
      "time,v[1].x,v[1].y,v[2].x,v[2].y,m[2][1],m[2][2]",
      "0.5,1.5,0,0,-0,3,4", "1.25,3e-08,0,0,-0,3,4", "" }, "\n"), T.slurp(out))
    local _, err
    code, _, err = cli("export", path, "--csv", "--fields", "nope*")
    assert.equal(1, code)
    assert_oneline_error("export", err)
    assert.matches("no field matches 'nope*'", err, 1, true)
    code, _, err = cli("export", path)
    assert.equal(2, code)
    assert.matches("give one of --csv and --jsonl", err, 1, true)
  end)
end)

describe("winshm plot", function()
  local Wheel = shm.struct { name = "Wheel", { "temp_c", "float" } }
  local L = shm.struct { name = "Car", { "speed_kmh", "double" }, { "mEngineRPM", "float" },
    { "wheels", Wheel, 4 }, { "gear", "int8_t" }, { "pit", "bool" }, { "driver", "char", 8 } }
  local path
  setup(function()
    local times = {}
    for i = 1, 300 do times[i] = i / 60 end
    path = synthetic(L, times, function(v, i)
      v.speed_kmh = 100 + 60 * math.sin(i / 30)
      v.mEngineRPM = 5000 + 2000 * math.cos(i / 20)
      for w = 1, 4 do v.wheels[w].temp_c = 70 + w + i / 30 end
      v.gear = 1 + i // 60
      v.pit = i > 250
      v.driver = "Ada"
    end)
  end)
  teardown(function() os.remove(path) end)

  local function plot(...)
    local svg = T.tmppath()
    local code, out, err = cli("plot", path, ...)
    assert.equal("", out)
    return code, err, svg
  end

  local function parse(p)
    local root, err = xml.parse(T.slurp(p))
    assert(root, err)
    assert.equal("svg", root.tag)
    assert.equal("http://www.w3.org/2000/svg", root.attrs.xmlns)
    return root
  end

  -- The series of a chart, panel by panel: { { "field", ... }, ... }.
  local function series(root)
    local out = {}
    for _, p in ipairs(xml.find(root, "g", "class", "panel")) do
      local names = {}
      for _, line in ipairs(xml.find(p, "path", "class", "line")) do
        names[#names + 1] = line.attrs["data-field"]
        -- a polyline of points inside the plot
        local n = 0
        for x, y in line.attrs.d:gmatch("[ML]([%d.]+),([%d.]+)") do
          n = n + 1
          assert.is_true(tonumber(x) >= 78 and tonumber(y) >= 0)
        end
        assert.is_true(n >= 20, line.attrs.d)
      end
      out[#out + 1] = names
    end
    return out
  end

  it("draws one panel per FIELD, with axes, units and a legend; it parses as XML", function()
    local svg = T.tmppath()
    local code, _, err = cli("plot", path, "speed_kmh", "mEngineRPM", "wheels", "gear,pit", "-o", svg)
    assert.equal("", err)
    assert.equal(0, code)
    local root = parse(svg)
    assert.same({ { "speed_kmh" }, { "mEngineRPM" },
      { "wheels[1].temp_c (°C)", "wheels[2].temp_c (°C)", "wheels[3].temp_c (°C)", "wheels[4].temp_c (°C)" },
      { "gear", "pit" } }, series(root))
    local labels = {}
    for _, t in ipairs(xml.find(root, "text", "class", "axis-label")) do labels[#labels + 1] = xml.text(t) end
    assert.same({ "speed_kmh (km/h)", "mEngineRPM (rpm)", "wheels (°C)", "gear,pit", "time (s)" }, labels)
    local legend = {}
    for _, t in ipairs(xml.find(root, "text", "class", "legend-entry")) do legend[#legend + 1] = xml.text(t) end
    assert.equal(8, #legend)
    local ticks = xml.find(root, "text", "class", "tick")
    assert.is_true(#ticks >= 15)
    os.remove(svg)
  end)

  it("draws every field in one panel with --overlay", function()
    local svg = T.tmppath()
    -- in this process: cmd.exe would take the title's < > & for its own
    assert.equal(0, require("winshm.cmd.plot")(path, "speed_kmh", "wheels[1]*", "--overlay",
                                               "-o", svg, "--title", "Lap <1> & more"))
    local root = parse(svg)
    assert.same({ { "speed_kmh (km/h)", "wheels[1].temp_c (°C)" } }, series(root))
    assert.equal("Lap <1> & more", xml.text(xml.find(root, "title")[1]))
    os.remove(svg)
  end)

  it("keeps a long series to a few points per pixel", function()
    local times = {}
    for i = 1, 20000 do times[i] = i / 1000 end
    local long = synthetic(shm.struct { { "x", "double" } }, times, function(v, i) v.x = math.sin(i / 50) end)
    local svg = T.tmppath()
    assert.equal(0, (cli("plot", long, "x", "-o", svg)))
    local d = xml.find(parse(svg), "path", "class", "line")[1].attrs.d
    local _, points = d:gsub("[ML]", "")
    assert.is_true(points > 500 and points < 4 * 960, points)
    os.remove(svg)
    os.remove(long)
  end)

  it("refuses text fields, unknown fields and bad usage in one line", function()
    local code, err = plot("driver", "-o", T.tmppath())
    assert.equal(1, code)
    assert_oneline_error("plot", err)
    assert.matches("field 'driver' is text", err, 1, true)
    code, err = plot("nothing", "-o", T.tmppath())
    assert.equal(1, code)
    assert.matches("no field matches 'nothing'", err, 1, true)
    code, err = plot("gear")
    assert.equal(2, code)
    assert.matches("missing -o OUT.svg", err, 1, true)
    code, err = plot("gear", "-o", T.tmppath(), "--from", "100")
    assert.equal(1, code)
    assert.matches("no frames to plot in that time span", err, 1, true)
  end)
end)

describe("the recordings' documentation", function()
  it("shows a chart winshm plot made from the telemetry producer", function()
    local root = assert(xml.parse(T.slurp("docs/telemetry-lap.svg", true)))
    local names = {}
    for _, line in ipairs(xml.find(root, "path", "class", "line")) do names[#names + 1] = line.attrs["data-field"] end
    assert.same({ "mSpeed", "mEngineRPM", "mGear", "mTyreTemp[1] (°C)", "mTyreTemp[2] (°C)",
                  "mTyreTemp[3] (°C)", "mTyreTemp[4] (°C)" }, names)
    assert.matches("(telemetry-lap.svg)", T.slurp("docs/telemetry.md", true), 1, true)
    -- every field the chart draws is one of the producer's layout
    local T2 = dofile("examples/telemetry/layout.lua")
    for _, f in ipairs({ "mSpeed", "mEngineRPM", "mGear", "mTyreTemp" }) do
      assert.is_number(shm.offsetof(T2.Telemetry, f))
    end
  end)

  it("lists every header key and frame kind the writer uses", function()
    local doc = T.slurp("docs/recordings.md", true)
    local format = require "winshm.record.format"
    for _, k in ipairs(format.KEYS) do assert.matches("| `" .. k .. "` |", doc, 1, true) end
    for kind, name in pairs(format.KINDS) do
      assert.matches(("**kind %d, %s**"):format(kind, name), doc, 1, true)
    end
    assert.matches(format.MAGIC, doc, 1, true)
  end)
end)
