-- record.lua [quick] [PATTERN]: what recordings cost (docs/recordings.md),
-- as rows with goals, each measured in several rounds (median, and the
-- range across rounds):
--
--   - `winshm record` of a 2 KB page at 360 Hz while another process
--     changes it: the recorder's CPU time per frame against the frame
--     period (goal: under 2% of one core).  The command runs in this
--     process; os.clock counts its CPU time, sleeping not; a short and a
--     long recording are measured and their difference counted, so that
--     starting and ending (a few milliseconds) are not.
--   - the size of one hour at 60 Hz of a 2 KB page of which 51 of the 512
--     4-byte words (10% of the bytes) change per frame: 60 s recorded with
--     their times, scaled (goal: at most 15% of the raw frames).  Also,
--     without a goal, the same 10% as single bytes at random.
--   - `winshm export --csv` of 100,000 frames of the telemetry example's
--     layout, in seconds (goal: under a minute).
--
-- Run with the host: build/winshm bench/record.lua (make bench does).
local shm = require "winshm"

local quick = arg[1] == "quick"
local PATTERN = arg[quick and 2 or 1]
local ROUNDS = quick and 2 or 5
local HOST = os.getenv("WINSHM_HOST") or "build/winshm"
local HERE = arg[0]:match("^(.*[/\\])") or "./"
local sys = shm._sys

local function wanted(label)
  return PATTERN == nil or label:find(PATTERN) ~= nil
end

local function tmppath()
  local p = os.tmpname()
  os.remove(p)
  return p
end

local function filesize(p)
  local f = assert(io.open(p, "rb"))
  local n = f:seek("end")
  f:close()
  return n
end

local function median(t)
  local s = table.move(t, 1, #t, 1, {})
  table.sort(s)
  return s[(#s + 1) // 2], s[1], s[#s]
end

local Page = shm.struct { name = "Page", { "w", "uint32_t", 512 } }   -- 2 KB

-- ======================================================== 360 Hz, CPU

-- Changes 51 random words of region 'name' 360 times a second for 'secs'.
local PRODUCER = [[
local shm = require "winshm"
local name, secs = ...
local link = assert(shm.create(name, shm.struct { { "w", "uint32_t", 512 } }))
local w = link:get_mut().w
print("ready") io.stdout:flush()
local t0, i = shm._sys.clock(), 0
while shm._sys.clock() - t0 < tonumber(secs) do
  i = i + 1
  for _ = 1, 51 do w[math.random(1, 512)] = math.random(0, 0xffffffff) end
  local wait = t0 + i / 360 - shm._sys.clock()
  if wait > 0 then shm._sys.sleep(wait) end
end
link:close()
]]

-- `winshm record` of region 'name' for secs seconds at 360 Hz: CPU
-- seconds, frames.
local function record_once(name, secs)
  local out = tmppath()
  local real = io.stdout
  io.stdout = assert(io.open(tmppath(), "w"))   -- the command's summary line
  local c0 = os.clock()
  local status = require("winshm.cmd.record")(name, "--hz", "360", "--duration", tostring(secs), "-o", out)
  local cpu = os.clock() - c0
  io.stdout:close()
  io.stdout = real
  assert(status == 0, "winshm record failed")
  local r = assert(shm.recording(out))
  local frames = r.count
  r:close()
  os.remove(out)
  return cpu, frames
end

-- CPU seconds per frame of a recording going on: the difference of a
-- short and a long recording (their start and end cancel), and frames
-- per second of the long one.
local function record_cpu(short, long)
  local name = ("winshm_bench_rec_%d_%d"):format(sys.pid(), math.random(1e9))
  local script = tmppath()
  local f = assert(io.open(script, "w"))
  f:write(PRODUCER)
  f:close()
  local producer = assert(io.popen(("%s %s %s %g"):format(HOST, script, name, short + long + 2)))
  assert(producer:read("l") == "ready", "the producer did not start")
  local c1, n1 = record_once(name, short)
  local c2, n2 = record_once(name, long)
  producer:close()
  os.remove(script)
  return (c2 - c1) / (n2 - n1), n2 / long
end

-- The parts of it: rec:frame alone (CPU per frame, the page changed
-- between frames, not timed), and a loop that only sleeps 360 times a
-- second (CPU per wake-up: the system's share).
local function frame_cpu(n)
  local link = assert(shm.create(("winshm_bench_frame_%d_%d"):format(sys.pid(), math.random(1e9)), Page))
  local v = link:get_mut()
  local path = tmppath()
  local rec = assert(shm.record(path, v))
  local w, cpu = v.w, 0
  for i = 1, n do
    for _ = 1, 51 do w[math.random(1, 512)] = math.random(0, 0xffffffff) end
    local c0 = os.clock()
    rec:frame(i / 360)
    cpu = cpu + os.clock() - c0
  end
  rec:close()
  link:close()
  os.remove(path)
  return cpu / n
end

local function sleep_cpu(n)
  local c0, tick = os.clock(), sys.clock()
  for _ = 1, n do
    tick = tick + 1 / 360
    local wait = tick - sys.clock()
    if wait > 0 then sys.sleep(wait) end
  end
  return (os.clock() - c0) / n
end

-- ============================================================= size

-- One minute at 60 Hz of 'change(w)' per frame: the file's size / raw.
local function size_ratio(change, seed)
  math.randomseed(seed)
  local link = assert(shm.create(("winshm_bench_size_%d_%d"):format(sys.pid(), seed), Page))
  local v = link:get_mut()
  local path = tmppath()
  local rec = assert(shm.record(path, v))
  local frames = 60 * 60
  for i = 1, frames do
    change(v.w)
    assert(rec:frame(i / 60))
  end
  rec:close()
  link:close()
  local size = filesize(path)
  os.remove(path)
  return size / (frames * shm.sizeof(Page))
end

local function words(w)
  for _ = 1, 51 do w[math.random(1, 512)] = math.random(0, 0xffffffff) end
end

-- 205 bytes (10% of 2048), each at a random place: as bytes of the words.
local function bytes(w)
  for _ = 1, 205 do
    local k, b = math.random(1, 512), math.random(0, 3) * 8
    w[k] = (w[k] & ~(0xff << b)) | (math.random(0, 255) << b)
  end
end

-- ============================================================ export

local function export_seconds(n)
  local T = dofile(HERE .. "../examples/telemetry/layout.lua")
  local link = assert(shm.create(("winshm_bench_exp_%d"):format(sys.pid()), T.Telemetry))
  local v = link:get_mut()
  local path = tmppath()
  local rec = assert(shm.record(path, v, { scheme = T.scheme }))
  local frame = { mDriverName = "Ada", mTyreTemp = {}, mPos = {} }
  for i = 1, n do
    local t = i / 360
    frame.mFrame, frame.mElapsedTime = i, t
    frame.mSpeed, frame.mEngineRPM = 40 + 20 * math.sin(t), 6000 + 2500 * math.sin(3 * t)
    frame.mGear = 3 + math.floor(2 * math.sin(t) + 0.5)
    frame.mPos.x, frame.mPos.z = 100 * math.cos(t / 10), 100 * math.sin(t / 10)
    for w = 1, 4 do frame.mTyreTemp[w] = 80 + w + 5 * math.sin(t + w) end
    shm.write_consistent(v, T.scheme, frame)
    assert(rec:frame(t))
  end
  rec:close()
  link:close()
  local csv = tmppath()
  local t0 = sys.clock()
  local status = require("winshm.cmd.export")(path, "--csv", "-o", csv)
  local secs = sys.clock() - t0
  assert(status == 0, "winshm export failed")
  local lines = 0
  for _ in io.lines(csv) do lines = lines + 1 end
  assert(lines == n + 1, "export wrote " .. lines .. " lines")
  os.remove(csv)
  os.remove(path)
  return secs
end

-- ============================================================ report

local rows = {}
local function row(label, unit, values, goal, fmt, note)
  local m, lo, hi = median(values)
  rows[#rows + 1] = { label, m, lo, hi, unit, goal, fmt, note }
end

if wanted("record a 2 KB page at 360 Hz") then
  local cpu, pct, rate = {}, {}, {}
  for i = 1, ROUNDS do
    cpu[i], rate[i] = record_cpu(quick and 0.5 or 1, quick and 1.5 or 5)
    pct[i] = cpu[i] * 360 * 100
  end
  row("record a 2 KB page at 360 Hz", "% of a core", pct, 2, "%.2f",
      ("%.1f us CPU a frame, %.0f frames/s"):format(median(cpu) * 1e6, median(rate)))
  local fr, sl = {}, {}
  for i = 1, ROUNDS do
    fr[i] = frame_cpu(quick and 720 or 3600) * 360 * 100
    sl[i] = sleep_cpu(quick and 360 or 1800) * 360 * 100
  end
  row("  of which rec:frame", "% of a core", fr, nil, "%.2f",
      ("%.1f us a frame: snapshot, encode, write"):format(median(fr) / 360 / 100 * 1e6))
  row("  of which waking 360 times a second", "% of a core", sl, nil, "%.2f",
      ("%.1f us a wake-up: the system's timer and scheduler"):format(median(sl) / 360 / 100 * 1e6))
end
if wanted("1 h at 60 Hz") then
  local w, b = {}, {}
  for i = 1, ROUNDS do
    w[i] = size_ratio(words, i) * 100
    b[i] = size_ratio(bytes, 100 + i) * 100
  end
  row("1 h at 60 Hz, 10% of words change", "% of raw", w, 15, "%.1f",
      ("%.0f MB an hour, raw %.0f MB"):format(median(w) / 100 * 3600 * 60 * 2048 / 1e6, 3600 * 60 * 2048 / 1e6))
  row("1 h at 60 Hz, 10% of bytes change", "% of raw", b, nil, "%.1f", "scattered single bytes: no goal")
end
if wanted("export 100,000 frames to CSV") then
  local n = quick and 10000 or 100000
  local s = {}
  for i = 1, quick and 1 or 3 do s[i] = export_seconds(n) end
  row(("export %d frames to CSV"):format(n), "seconds", s, 60, "%.1f",
      ("%.0f frames/s, 18 columns"):format(n / median(s)))
end

print(("winshm recordings (%s: medians of %d rounds, range in brackets)"):format(
  quick and "quick" or "full", ROUNDS))
print(("%-36s %10s %-18s %-12s %8s"):format("measure", "median", "[range]", "unit", "goal"))
local missed = 0
for _, r in ipairs(rows) do
  local label, m, lo, hi, unit, goal, fmt, note = table.unpack(r, 1, 8)
  local ok = goal == nil or m <= goal
  if not ok then missed = missed + 1 end
  print(("%-36s %10s %-18s %-12s %8s %s  %s"):format(label, fmt:format(m),
    ("[" .. fmt .. " - " .. fmt .. "]"):format(lo, hi), unit,
    goal and ("<= " .. goal) or "-", goal and (ok and "ok" or "MISSED") or "  ", note or ""))
end
print(("%d goal(s) missed"):format(missed))
