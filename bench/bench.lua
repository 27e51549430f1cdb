-- bench.lua [quick] [PATTERN]: per-operation costs of winshm against
-- baselines measured in the same run.
--
-- Every case is timed in several interleaved rounds (winshm, then its
-- baseline, then the next case, ...; the external peers once per round
-- too) and the medians are compared.  In-process cases are timed in CPU
-- seconds of this thread (user + kernel), so the time slices other
-- processes take on a busy machine count for neither side; only the
-- cross-process ping-pong is timed by the wall clock.  PATTERN (a Lua
-- pattern) keeps only the rows whose label matches.
--
-- Whole frames: read_consistent of a telemetry page (bench/page.lua) into
-- a reused table, against a C function doing the same with nothing of
-- winshm (bench/frame.c), and against Python's ctypes and LuaJIT's FFI
-- doing it their way, each in its own process (bench/frame_ctypes.py,
-- bench/frame_ffi.lua); every one is checked once to give the same
-- values as winshm.
--
-- Run with the host: build/winshm bench/bench.lua, LUA_CPATH finding
-- build/bench/bench_floor.so and bench_frame.so (make bench does all of
-- this).
-- BENCH_CALLGRIND=1 adds instruction counts from valgrind's callgrind.
local shm = require "winshm"
local floor = require "bench_floor"
local frame = require "bench_frame"

local quick = arg[1] == "quick"
local PATTERN = arg[quick and 2 or 1]
local N = quick and 100000 or 2000000      -- iterations of a field case
local ROUNDS = quick and 3 or 9
local HERE = arg[0]:match("^(.*[/\\])") or "./"
local BUILD = os.getenv("BENCH_BUILD") or "build"
local HOST = os.getenv("WINSHM_HOST") or (BUILD .. "/winshm")

local cpu = floor.cpu

local function median(t)
  local s = table.move(t, 1, #t, 1, {})
  table.sort(s)
  return s[(#s + 1) // 2]
end

local function capture(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  return out
end

local function have(cmd)
  return os.execute("command -v " .. cmd .. " >/dev/null 2>&1")
end

local function wanted(label)
  return PATTERN == nil or label:find(PATTERN) ~= nil
end

-- Do a and b hold the same values (numbers of the same subtype), tables
-- compared entry by entry?
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then
    return a == b and math.type(a) == math.type(b)
  end
  for k, x in pairs(a) do if not same(x, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
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

-- The telemetry page, every value its own, and the first reads of it by
-- winshm and by the floor, which must agree.
local Page = dofile(HERE .. "page.lua")
local SEQ, DESC = "packet", BUILD .. "/bench/page.desc"
local PAGE = NAME .. "_page"
local plink <close> = assert(shm.create(PAGE, Page))
dofile(HERE .. "pagefill.lua")(shm, plink:get_mut(), Page, SEQ)
local pv = plink:get()
local scheme = { seq = SEQ }
local mine = assert(shm.read_consistent(pv, scheme))
local fmap = frame.map(PAGE)
local theirs = assert(frame.read(fmap, {}))
local usual = assert(frame.read_literal(fmap, {}))
assert(same(mine, theirs) and same(mine, usual), "the floor's frame differs from winshm's")
local PAGEDUMP = dofile(HERE .. "dump.lua")(mine)

------------------------------------------------------------------ cases
-- A case: label, goal (the largest ratio that meets it, or nil), the
-- baseline's name, run(n) and base(n), each returning seconds for n
-- operations, and n.  A peer: label, goal (the smallest ratio peer /
-- winshm top-level read), time() -> seconds per read or nil.
local cases, peers = {}, {}
local function case(label, goal, basename, run, base, n)
  if not wanted(label) then return end
  cases[#cases + 1] = { label = label, goal = goal, basename = basename,
                        run = run, base = base, n = n or N, t = {}, b = {} }
end
local function peer(label, goal, time, vsfloor)
  if not wanted(label) then return end
  peers[#peers + 1] = { label = label, goal = goal, time = time, t = {},
                        vsfloor = vsfloor }
end

-- timed(fn) -> run(n): CPU seconds of fn(n)
local function timed(fn)
  return function(n)
    local t0 = cpu()
    fn(n)
    return cpu() - t0
  end
end

local floor_read = timed(function(n) local s = 0 for _ = 1, n do s = s + f.x end return s end)
local floor_write = timed(function(n) for i = 1, n do f.x = i & 0xffff end end)

case("top-level uint32 read", 1.5, "floor __index",
  timed(function(n) local s = 0 for _ = 1, n do s = s + v.u32 end return s end), floor_read)
case("top-level uint32 write", 1.7, "floor __newindex",
  timed(function(n) for i = 1, n do v.u32 = i & 0xffff end end), floor_write)
case("double read", nil, "floor __index",
  timed(function(n) local s = 0 for _ = 1, n do s = s + v.f64 end return s end), floor_read)
case("nested scalar v.pos.x", 3, "floor __index",
  timed(function(n) local s = 0 for _ = 1, n do s = s + v.pos.x end return s end), floor_read)
case("array element arr[i]", 1.6, "floor __index + index math",
  timed(function(n) local s = 0 for i = 1, n do s = s + arr[(i & 63) + 1] end return s end),
  timed(function(n) local s = 0 for i = 1, n do s = s + f.x + (i & 63) end return s end))
case("char[32] string read", nil, "floor __index",
  timed(function(n) local s for _ = 1, n do s = v.str end return s end), floor_read)
case("shm.read of a 100-field struct", 2, "Lua table constructor",
  timed(function(n) for _ = 1, n do shm.read(w) end end),
  timed(function(n) for i = 1, n do ctor(i) end end), N // 100)

-- A whole frame, refilled in place, against the C floor of the same work.
local FRAME_LABEL = "read_consistent of a page, reused"
local FRAME_PEERS = "Python ctypes|LuaJIT FFI"
local framecase
if wanted(FRAME_LABEL) or (PATTERN and FRAME_PEERS:find(PATTERN)) then
  local read_consistent, fread, fusual = shm.read_consistent, frame.read, frame.read_literal
  local run = timed(function(n) for _ = 1, n do read_consistent(pv, scheme, nil, mine) end end)
  framecase = { label = FRAME_LABEL, goal = 1.3, n = N // 100, t = {}, b = {},
    basename = "C: seq check, memcpy, rawsets", run = run,
    base = timed(function(n) for _ = 1, n do fread(fmap, theirs) end end) }
  cases[#cases + 1] = framecase
  case(FRAME_LABEL, nil, "C as usual: lua_setfield", run,
    timed(function(n) for _ = 1, n do fusual(fmap, usual) end end), N // 100)
end

-- Five numbers a frame: a reader, five view reads, five floor reads.
local read5 = shm.reader(Page, "speed", "rpm", "gear", "fuel", "steer")
local reader5 = timed(function(n)
  local s = 0
  for _ = 1, n do
    local a, b, c, d, e = read5(pv)
    s = s + a + b + c + d + e
  end
  return s
end)
case("shm.reader of 5 scalars", 0.75, "5 view reads: v.speed, ...", reader5,
  timed(function(n)
    local s = 0
    for _ = 1, n do s = s + pv.speed + pv.rpm + pv.gear + pv.fuel + pv.steer end
    return s
  end), N // 5)
case("shm.reader of 5 scalars", 1, "5 floor __index reads", reader5,
  timed(function(n)
    local s = 0
    for _ = 1, n do s = s + f.x + f.x + f.x + f.x + f.x end
    return s
  end), N // 5)

-- Regions, against C loops of the same system calls (bench/floor.c).
case("open + close", 1.5, "C loop of the same syscalls",
  timed(function(n) for _ = 1, n do shm.open(NAME, 0):close() end end),
  function(n) return floor.open_loop(NAME, n) * n end, N // 500)
case("create + close", nil, "C loop of the same syscalls",
  timed(function(n)
    for i = 1, n do assert(shm.create(NAME .. "_c" .. (i & 7), 4096)):close() end
  end),
  function(n) return floor.create_loop(NAME .. "_cc", n) * n end, N // 500)

if shm.mutex then
  local m = assert(shm.mutex(NAME .. "_m"))
  case("mutex lock + unlock", 3, "pthread loop + two floor calls",
    timed(function(n) for _ = 1, n do m:lock() m:unlock() end end),
    function(n) return floor.mutex_loop(n) * n + floor_read(2 * n) end, N // 10)
end

-- Peers: the same field read other ways, against winshm's top-level read.
local PEER_N = quick and 100000 or 1000000
peer("string.unpack of the field", nil, function()
  local bytes = link:read_bytes(0, 8)
  local unpack = string.unpack
  return timed(function(n)
    local s = 0
    for _ = 1, n do s = s + unpack("<I4", bytes, 1) end
    return s
  end)(PEER_N) / PEER_N
end)
if have("python3") then
  peer("Python ctypes field read", nil, function()
    return tonumber(capture(("python3 %sctypes_peer.py %d 3"):format(HERE, PEER_N)))
  end, true)
end
if have("luajit") then
  peer("LuaJIT FFI field read (JIT off)", nil, function()
    return tonumber(capture(("luajit -joff %sffi_peer.lua %d 3"):format(HERE, PEER_N)))
  end)
end

-- Frame peers: the same frame, other ways, each in its own process, each
-- checked once to read what winshm reads.  goal: the smallest ratio peer /
-- winshm's frame.
local fpeers = {}
local function fpeer(label, goal, cmd, frames)
  if not framecase or not wanted(label) then return end
  local args = ("%s %s %s"):format(DESC, PAGE, SEQ)
  local got = capture(cmd:format(args) .. " 1 1 dump"):gsub("\n$", "")
  assert(got == PAGEDUMP, label .. ": the peer's frame differs from winshm's")
  fpeers[#fpeers + 1] = { label = label, goal = goal, t = {}, time = function()
    return tonumber(capture(cmd:format(args) .. (" %d 3"):format(frames)))
  end, vsfloor = label:find("Python") ~= nil }
end
local PY = "python3 " .. HERE .. "frame_ctypes.py %s "
local LJ = HERE .. "frame_ffi.lua %s"
if have("python3") then
  fpeer("Python ctypes, dict via _fields_", 10, PY .. "generic", quick and 100 or 1000)
  fpeer("Python ctypes, dict via code", nil, PY .. "generated", quick and 300 or 3000)
end
if have("luajit") then
  fpeer("LuaJIT FFI, JIT on", nil, "luajit " .. LJ, quick and 2000 or 20000)
  fpeer("LuaJIT FFI, JIT off", nil, "luajit -joff " .. LJ, quick and 300 or 3000)
end

-- The cross-process round trip: two processes pass a token through an
-- atomic counter; C (bench/pingpong.c) against winshm (bench/pingpong.lua),
-- and the same Lua loop over the floor's unchecked calls for reference.
local pingpong
if shm.atomic_load and wanted("ping-pong round trip") then
  local trips = quick and 2000 or 20000
  pingpong = { c = {}, w = {}, f = {} }
  -- two host processes; mode "floor": the floor module's unchecked calls
  local function lua_pair(mode)
    local pong = io.popen(("%s %spingpong.lua pong %s %d %s"):format(
      HOST, HERE, NAME, trips, mode))
    local t = tonumber(capture(("%s %spingpong.lua ping %s %d %s"):format(
      HOST, HERE, NAME, trips, mode)))
    pong:close()
    return t
  end
  function pingpong.round()
    local c_t = tonumber(capture(("%s/bench/pingpong %d"):format(BUILD, trips)))
    pingpong.c[#pingpong.c + 1] = assert(c_t, "C ping-pong failed")
    pingpong.w[#pingpong.w + 1] = assert(lua_pair("winshm"), "winshm ping-pong failed")
    pingpong.f[#pingpong.f + 1] = assert(lua_pair("floor"), "floor ping-pong failed")
  end
end

------------------------------------------------------------ measurement
local readcase
for _, c in ipairs(cases) do
  c.run(c.n // 10) c.base(c.n // 10)  -- warm up
  if c.label == "top-level uint32 read" then readcase = c end
end
local readt = {}   -- winshm's top-level read, for the peers
local function readonce()
  if readcase then return end
  local run = timed(function(n) local s = 0 for _ = 1, n do s = s + v.u32 end return s end)
  readt[#readt + 1] = run(N) / N
end

for _ = 1, ROUNDS do
  for _, c in ipairs(cases) do
    c.t[#c.t + 1] = c.run(c.n) / c.n
    c.b[#c.b + 1] = c.base(c.n) / c.n
  end
  if #peers > 0 then
    readonce()
    for _, p in ipairs(peers) do
      local t = p.time()
      if t then p.t[#p.t + 1] = t end
    end
  end
  for _, p in ipairs(fpeers) do
    p.t[#p.t + 1] = assert(p.time(), p.label .. " failed")
  end
end
if pingpong then
  for _ = 1, quick and 1 or 5 do pingpong.round() end
end

local rows = {}
for _, c in ipairs(cases) do
  local t, b = median(c.t), median(c.b)
  rows[#rows + 1] = { c.label, t * 1e9, c.basename, b * 1e9, t / b, c.goal }
end
if pingpong then
  local t, b = median(pingpong.w), median(pingpong.c)
  rows[#rows + 1] = { "ping-pong round trip (wall clock)", t * 1e9,
                      "two C processes", b * 1e9, t / b, 3 }
  local fl = median(pingpong.f)
  rows[#rows + 1] = { "  the same Lua loop, floor calls", fl * 1e9,
                      "two C processes", b * 1e9, fl / b }
end
local read_ns = readcase and median(readcase.t) * 1e9
                or (#readt > 0 and median(readt) * 1e9)

-------------------------------------------------------------- callgrind
-- Instructions per operation: the difference of two runs of bench/cg.lua
-- (n and 2n operations) divided by n, so start-up cancels out.
local counts = {}
if os.getenv("BENCH_CALLGRIND") == "1" and not quick and have("valgrind") then
  local function collected(op, n)
    local out = capture(("LUA_CPATH=%q valgrind --tool=callgrind "
      .. "--callgrind-out-file=/dev/null %s %scg.lua %s %d 2>&1"):format(
      package.cpath, HOST, HERE, op, n))
    return tonumber((out:match("Collected : (%d+)")))
  end
  local function per(op, n)
    local a, b = collected(op, 2 * n), collected(op, n)
    return a and b and (a - b) // n
  end
  for _, p in ipairs {
    { "top-level uint32 read", "read", "floor_read" },
    { "top-level uint32 write", "write", "floor_write" },
    { "nested scalar v.pos.x", "nested", "floor_read" },
    { "array element arr[i]", "array", "floor_array" },
    { "ping-pong step: load, store", "atomic", "floor_atomic" },
    { FRAME_LABEL, "frame", "floor_frame", 1000 },
  } do
    if wanted(p[1]) then
      local a, b = per(p[2], p[4] or 100000), per(p[3], p[4] or 100000)
      if a and b then counts[#counts + 1] = { p[1], a, b } end
    end
  end
end

------------------------------------------------------------------ report
local out = {}
local function say(...) out[#out + 1] = string.format(...) end
local missed = 0
local function verdict(ok)
  if not ok then missed = missed + 1 end
  return ok and "ok" or "MISSED"
end

say("winshm benchmark (%s: %d interleaved rounds, medians; CPU time per operation)",
    quick and "quick" or "full", ROUNDS)
say("%-34s %10s  %-30s %10s %7s %7s", "operation", "ns/op", "baseline", "ns/op",
    "ratio", "goal")
for _, r in ipairs(rows) do
  say("%-34s %10.1f  %-30s %10.1f %7.2f %7s %s", r[1], r[2], r[3], r[4], r[5],
      r[6] and ("<= " .. r[6]) or "-", r[6] and verdict(r[5] <= r[6]) or "")
end
if #peers > 0 and read_ns then
  say("")
  say("%-34s %10s  %-30s %10s %7s %7s", "peer (same field, same loop)", "ns/op",
      "winshm top-level read", "ns/op", "times", "goal")
  for _, p in ipairs(peers) do
    if #p.t > 0 then
      local t = median(p.t) * 1e9
      say("%-34s %10.1f  %-30s %10.1f %7.2f %7s %s", p.label, t, "winshm v.u32",
          read_ns, t / read_ns, p.goal and (">= " .. p.goal) or "-",
          p.goal and verdict(t / read_ns >= p.goal) or "")
    else
      say("%-34s %10s  (did not run)", p.label, "-")
    end
  end
  -- What no userdata read can beat: the peer against the floor itself.
  local floor_ns = readcase and median(readcase.b) * 1e9
  for _, p in ipairs(peers) do
    if p.vsfloor and #p.t > 0 and floor_ns then
      local t = median(p.t) * 1e9
      say("%-34s %10.1f  %-30s %10.1f %7.2f %7s", "  " .. p.label, t,
          "floor __index: the best case", floor_ns, t / floor_ns, "-")
    end
  end
end
if #fpeers > 0 then
  local wf, fl = median(framecase.t) * 1e9, median(framecase.b) * 1e9
  say("")
  say("%-34s %10s  %-30s %10s %7s %7s", "peer (whole page, seq-checked)", "ns/frame",
      "winshm read_consistent, reused", "ns/frame", "times", "goal")
  for _, p in ipairs(fpeers) do
    local t = median(p.t) * 1e9
    say("%-34s %10.1f  %-30s %10.1f %7.2f %7s %s", p.label, t, "winshm", wf, t / wf,
        p.goal and (">= " .. p.goal) or "-", p.goal and verdict(t / wf >= p.goal) or "")
  end
  -- What no reader of the page can beat: the peer against the C floor.
  for _, p in ipairs(fpeers) do
    if p.vsfloor then
      local t = median(p.t) * 1e9
      say("%-34s %10.1f  %-30s %10.1f %7.2f %7s", "  " .. p.label, t,
          "C floor: the best case", fl, t / fl, "-")
    end
  end
end
if #counts > 0 then
  say("")
  say("%-34s %10s  %-30s %10s %7s", "callgrind (instructions per loop)", "winshm",
      "", "floor", "ratio")
  for _, c in ipairs(counts) do
    say("%-34s %10d  %-30s %10d %7.2f", c[1], c[2], "", c[3], c[2] / c[3])
  end
end
if pingpong and median(pingpong.c) > 2e-6 then
  say("")
  say("note: two C processes took %.1f us per round trip (a free core does it in well",
      median(pingpong.c) * 1e6)
  say("under 1 us): the spinning processes waited for CPU time, so that row measures")
  say("the scheduler of a busy machine more than either side.")
end
say("%d goal(s) missed", missed)
print(table.concat(out, "\n"))
