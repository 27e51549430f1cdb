-- bench.lua [quick]: per-operation costs of winshm against a floor measured
-- in the same run.  Every case is timed in several interleaved rounds
-- (winshm, then its baseline, then the next case, ...) and the medians are
-- compared, so a noisy machine still gives honest ratios.
--
-- Run with the host: build/winshm bench/bench.lua, LUA_CPATH finding
-- build/bench/floor.so (make bench does all of this).
local shm = require "winshm"
local floor = require "bench_floor"

local quick = arg[1] == "quick"
local N = quick and 100000 or 2000000      -- iterations of a field case
local ROUNDS = quick and 3 or 7
local HERE = (arg[0]:match("^(.*[/\\])") or "./")
local BUILD = os.getenv("BENCH_BUILD") or "build"
local HOST = os.getenv("WINSHM_HOST") or (BUILD .. "/winshm")

local now = floor.now

local function median(t)
  table.sort(t)
  return t[(#t + 1) // 2]
end

local function capture(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  return out
end

-------------------------------------------------------------- the layouts
local Vec3 = shm.struct { name = "Vec3", { "x", "double" }, { "y", "double" },
                          { "z", "double" } }
local Bench = shm.struct { name = "Bench",
  { "u32", "uint32_t" }, { "f64", "double" }, { "pos", Vec3 },
  { "arr", "uint32_t", 64 }, { "str", "char", 32 }, { "turn", "uint32_t" },
}
local wide = { name = "Wide" }
for i = 1, 100 do
  wide[i] = { "f" .. i, i % 3 == 0 and "double" or (i % 3 == 1 and "int32_t" or "uint16_t") }
end
local Wide = shm.struct(wide)

local NAME = "winshm_bench_" .. os.time() .. "_" .. math.random(1e6)
local link <close> = assert(shm.create(NAME, shm.sizeof(Bench) + shm.sizeof(Wide)))
local v = link:view(Bench, 0, "rw")
local w = link:view(Wide, shm.sizeof(Bench), "rw")
v.u32, v.f64, v.str = 7, 1.5, "a string of some length"
local arr = v.arr
local f = floor.new()

-- A Lua table constructor of Wide's shape, filled from locals.
local ctor
do
  local fields = {}
  for i = 1, 100 do fields[i] = ("f%d = x"):format(i) end
  ctor = assert(load("local x = ... return { " .. table.concat(fields, ", ") .. " }"))
end

------------------------------------------------------------------ cases
-- Each case: label, goal (max ratio, or nil), run(n) for winshm, base(n)
-- for the baseline, how many inner operations one call does.
local cases = {}
local function case(label, goal, basename, run, base, n)
  cases[#cases + 1] = { label = label, goal = goal, basename = basename,
                        run = run, base = base, n = n or N, t = {}, b = {} }
end

local function floor_read(n) local s = 0 for _ = 1, n do s = s + f.x end return s end
local function floor_write(n) for i = 1, n do f.x = i & 0xffff end end

case("top-level uint32 read", 1.5, "floor __index",
  function(n) local s = 0 for _ = 1, n do s = s + v.u32 end return s end, floor_read)
case("top-level uint32 write", 1.7, "floor __newindex",
  function(n) for i = 1, n do v.u32 = i & 0xffff end end, floor_write)
case("double read", nil, "floor __index",
  function(n) local s = 0 for _ = 1, n do s = s + v.f64 end return s end, floor_read)
case("nested scalar v.pos.x", 3, "floor __index",
  function(n) local s = 0 for _ = 1, n do s = s + v.pos.x end return s end, floor_read)
case("array element arr[i]", 1.6, "floor __index",
  function(n) local s = 0 for i = 1, n do s = s + arr[(i & 63) + 1] end return s end,
  function(n) local s = 0 for i = 1, n do s = s + f.x + (i & 63) end return s end)
case("char[32] string read", nil, "floor __index",
  function(n) local s for _ = 1, n do s = v.str end return s end, floor_read)
case("string.unpack of the field (peer)", nil, "floor __index",
  function(n)
    local bytes = link:read_bytes(0, 8)
    local s = 0
    for _ = 1, n do s = s + string.unpack("<I4", bytes, 1) end
    return s
  end, floor_read)
case("shm.read of a 100-field struct", 2, "Lua table constructor",
  function(n) for _ = 1, n do shm.read(w) end end,
  function(n) for i = 1, n do ctor(i) end end, N // 100)

-- open + close of an existing region, against the same system calls in C
case("open + close", 1.5, "C loop of the same system calls",
  function(n) for _ = 1, n do shm.open(NAME, 0):close() end end,
  function(n) floor.open_loop(NAME, n) end, N // 200)
case("create + close", nil, "C loop of open+close syscalls",
  function(n)
    for i = 1, n do assert(shm.create(NAME .. "_c" .. (i & 7), 4096)):close() end
  end,
  function(n) floor.open_loop(NAME, n) end, N // 200)

if shm.mutex then
  local m = assert(shm.mutex(NAME .. "_m"))
  case("mutex lock + unlock", 3, "pthread loop + two floor calls",
    function(n) for _ = 1, n do m:lock() m:unlock() end end,
    function(n) floor.mutex_loop(n) floor_read(2 * n) end, N // 10)
end

------------------------------------------------------------ measurement
for _, c in ipairs(cases) do c.run(c.n // 10) c.base(c.n // 10) end  -- warm up
for _ = 1, ROUNDS do
  for _, c in ipairs(cases) do
    local t0 = now(); c.run(c.n); local t1 = now()
    c.base(c.n); local t2 = now()
    c.t[#c.t + 1] = (t1 - t0) / c.n
    c.b[#c.b + 1] = (t2 - t1) / c.n
  end
end

local rows = {}
for _, c in ipairs(cases) do
  local t, b = median(c.t), median(c.b)
  rows[#rows + 1] = { c.label, t * 1e9, c.basename, b * 1e9, t / b, c.goal }
end

----------------------------------------------- cross-process round trip
if shm.atomic_load and os.getenv("WINSHM_HOST") ~= "none" then
  local trips = quick and 2000 or 20000
  local c_out = capture(BUILD .. "/bench/pingpong " .. trips)
  local c_t = tonumber(c_out)
  local ts = {}
  for _ = 1, quick and 1 or 3 do
    local pong = io.popen(("%s %spingpong.lua pong %s %d"):format(HOST, HERE, NAME, trips))
    local t = assert(tonumber(capture(("%s %spingpong.lua ping %s %d"):format(
      HOST, HERE, NAME, trips))), "ping-pong failed")
    pong:close()
    ts[#ts + 1] = t
  end
  if c_t then
    local t = median(ts)
    rows[#rows + 1] = { "ping-pong round trip", t * 1e9, "two C processes",
                        c_t * 1e9, t / c_t, 3 }
  end
end

------------------------------------------------------------------ peers
local peers = {}
local readt = rows[1][2]
if os.execute("command -v python3 >/dev/null 2>&1") then
  local py = tonumber(capture("python3 " .. HERE .. "ctypes_peer.py " .. (quick and 100000 or 1000000)))
  if py then
    peers[#peers + 1] = { "Python ctypes field read", py * 1e9, readt, py * 1e9 / readt }
  end
end
if os.execute("command -v luajit >/dev/null 2>&1") then
  local lj = tonumber(capture("luajit -joff " .. HERE .. "ffi_peer.lua " .. N))
  if lj then
    peers[#peers + 1] = { "LuaJIT FFI field read (JIT off)", lj * 1e9, readt, lj * 1e9 / readt }
  end
end

------------------------------------------------------------------ report
local out = {}
local function p(...) out[#out + 1] = string.format(...) end
p("winshm benchmark (%s, %d rounds, medians)", quick and "quick" or "full", ROUNDS)
p("%-34s %10s  %-32s %10s %7s %7s", "operation", "ns/op", "baseline", "ns/op", "ratio", "goal")
local missed = 0
for _, r in ipairs(rows) do
  local verdict = ""
  if r[6] then
    verdict = r[5] <= r[6] and "ok" or "MISSED"
    if r[5] > r[6] then missed = missed + 1 end
  end
  p("%-34s %10.1f  %-32s %10.1f %7.2f %7s %s", r[1], r[2], r[3], r[4], r[5],
    r[6] and ("<= " .. r[6]) or "-", verdict)
end
for _, r in ipairs(peers) do
  p("%-34s %10.1f  %-32s %10.1f %7.2f %7s %s", r[1], r[2], "winshm top-level read",
    r[3], r[4], ">= 3", r[4] >= 3 and "ok" or "MISSED")
end
local cg = os.getenv("BENCH_CALLGRIND")
if cg and cg ~= "" then p("callgrind: %s instructions per top-level field read", cg) end
p("%d goal(s) missed", missed)
print(table.concat(out, "\n"))
