-- reentry_storm.lua SEED SECONDS: random winshm operations while finalizers
-- close links and create regions at random allocations inside them.  Run
-- by the host (build/winshm, or build/asan/winshm under the sanitizers);
-- tests/reentrancy_spec.lua runs it briefly, `make reentry-storm` for long.
-- Every operation must succeed, raise "attempt to use a closed link", or
-- raise a refusal of its (random) argument: anything else, a crash, or a
-- sanitizer report is a failure.  Prints one line of counts at the end.
local shm = require "winshm"
local seed, seconds = tonumber(arg[1]) or 1, tonumber(arg[2]) or 5
math.randomseed(seed)
local rnd = math.random

local Vec = shm.struct { name = "Vec", { "x", "float" }, { "y", "double" } }
local U = shm.union { name = "U", { "i", "int64_t" }, { "v", Vec } }
local LAYOUTS = {
  shm.struct { name = "A", { "seq", "uint32_t" }, { "b", "uint32_t" },
    { "e", "uint32_t" }, { "n", "int16_t" }, { "p", Vec }, { "vs", Vec, 3 },
    { "s", "char", 24 }, { "w", "char16_t", 300 }, { "big", "int32_t", 64 } },
  shm.struct { name = "B", { "seq", "uint64_t" }, { "u", U }, { "us", U, { 2, 2 } },
    { "t", "char32_t", 40 }, { "names", "char", { 4, 16 } }, { "f", "bool" } },
  shm.struct { name = "C", pack = 1, { "seq", "uint16_t" }, { "c", "uint8_t" },
    { "d", "double" }, { "m", "uint8_t", 700 } },
}

local pool = {}      -- { link = , view = , layout = }
local stats = { ops = 0, closed_in_op = 0, closed = 0, created = 0, refused = 0 }
local live = false   -- finalizers act only while an operation runs
local hit = false

local function newentry()
  local lay = LAYOUTS[rnd(#LAYOUTS)]
  local k = assert(shm.create(("storm_%d_%d_%d"):format(seed, stats.created,
    rnd(1e9)), lay))
  stats.created = stats.created + 1
  return { link = k, view = k:get_mut(), layout = lay }
end

-- A finalizer's work: close a random link, sometimes make a new region
-- (likely mapped where a closed one was).
local function havoc()
  if not live then return end
  local e = pool[rnd(#pool)]
  if e and not e.link:closed() and rnd(4) == 1 then
    e.link:close()
    stats.closed = stats.closed + 1
    hit = true
  end
  if rnd(3) == 1 and #pool < 64 then pool[#pool + 1] = newentry() end
end

local function pending(n)
  for _ = 1, n do setmetatable({}, { __gc = havoc }) end
end

-- Step the collector by hand into the phase that calls finalizers (ten a
-- step), then let the next allocation step it again: the operation's first
-- allocation runs finalizers.
local probed = 0
local function prime()
  local seen = probed
  for _ = 1, 20 do setmetatable({}, { __gc = function() probed = probed + 1 end }) end
  pending(20)
  collectgarbage("stop")
  for _ = 1, 1e6 do
    collectgarbage("step", 0)
    if probed > seen then break end
  end
  collectgarbage("restart")
end

local function randvalue(depth)
  local c = rnd(12)
  if c <= 4 then return rnd(-1000, 1000)
  elseif c == 5 then return rnd() * 100
  elseif c == 6 then return ("s"):rep(rnd(0, 30))
  elseif c == 7 then return rnd(2) == 1
  elseif c == 8 then return ("\u{20ac}"):rep(rnd(0, 350))
  elseif c == 9 and depth < 3 then
    local t = {}
    for i = 1, rnd(0, 4) do t[i] = randvalue(depth + 1) end
    return t
  elseif c == 10 and depth < 3 then
    return { x = rnd(), y = rnd(), i = rnd(100), v = { x = 1 } }
  elseif c == 11 then return 2^63
  end
  return nil
end

local function fieldnames(lay)
  local names = {}
  for _, f in ipairs(shm.fields(lay)) do names[#names + 1] = f.name end
  return names
end

local OPS = {
  function(e) return e.view[fieldnames(e.layout)[rnd(#fieldnames(e.layout))]] end,
  function(e) e.view[fieldnames(e.layout)[rnd(#fieldnames(e.layout))]] = randvalue(0) end,
  function(e) return shm.read(e.view) end,
  function(e) e.into = shm.read(e.view, e.into) end,
  function(e)
    local t = {}
    for _, n in ipairs(fieldnames(e.layout)) do
      if rnd(3) == 1 then t[n] = randvalue(0) end
    end
    shm.write(e.view, t)
  end,
  function(e) return shm.read_consistent(e.view, { seq = "seq" }, rnd(3), e.into) end,
  function(e)
    local t = {}
    for _, n in ipairs(fieldnames(e.layout)) do
      if n ~= "seq" and rnd(4) == 1 then t[n] = randvalue(0) end
    end
    shm.write_consistent(e.view, { seq = "seq", timeout = 10 }, t)
  end,
  function(e)
    shm.write_consistent(e.view, { seq = "seq", timeout = 10 }, function(v)
      pending(rnd(0, 3))
      return shm.read(v)
    end)
  end,
  function(e) return shm.atomic_add(e.view, "seq", 2) end,
  function(e) return shm.atomic_cas(e.view, "seq", 0, 0) end,
  function(e) return shm._snapshot(e.view, rnd(2) == 1 and { seq = "seq" } or nil) end,
  function(e) return e.link:read_bytes(rnd(0, 64), rnd(0, 64)) end,
  function(e) e.link:write_bytes(rnd(0, 8), rnd(2) == 1 and rnd(1e6) or "abc") end,
  function(e) for _, x in pairs(e.view) do local _ = x end end,
  function(e)
    for _, n in ipairs(fieldnames(e.layout)) do
      local x = e.view[n]
      if shm.type(x) == "view" then for _, y in pairs(x) do local _ = y end end
    end
  end,
  function(e) return tostring(e.view), shm.sizeof(e.view) end,
}

-- Is err what an operation on a random argument may raise?
local function expected(err)
  err = tostring(err)
  if err:find("closed link", 1, true) then return "closed" end
  for _, p in ipairs({ "expected", "out of range", "too long", "no field",
                       "timed out", "invalid UTF%-8", "outside", "read%-only",
                       "is not a scalar", "counter", "index", "nested" }) do
    if err:find(p) then return "refused" end
  end
  return nil
end

for _ = 1, 4 do pool[#pool + 1] = newentry() end
local deadline = os.clock() + seconds
collectgarbage("incremental", 0, 1, 0)
while os.clock() < deadline do
  for i = #pool, 1, -1 do
    if pool[i].link:closed() then table.remove(pool, i) end
  end
  while #pool < 4 do pool[#pool + 1] = newentry() end
  local e, op = pool[rnd(#pool)], OPS[rnd(#OPS)]
  pending(rnd(0, 10))
  if rnd(2) == 1 then prime() end
  hit, live = false, true
  local ok, err = pcall(op, e)
  live = false
  stats.ops = stats.ops + 1
  if hit then stats.closed_in_op = stats.closed_in_op + 1 end
  if not ok then
    local why = expected(err)
    if not why then
      io.stderr:write(("reentry_storm seed %d: unexpected error: %s\n"):format(seed,
        tostring(err)))
      os.exit(1)
    end
    if why == "refused" then stats.refused = stats.refused + 1 end
  end
end
for _, e in ipairs(pool) do e.link:close() end
print(("reentry_storm seed %d: %d operations, %d with a link closed during them, "
  .. "%d links closed, %d regions created, %d refused arguments"):format(seed,
  stats.ops, stats.closed_in_op, stats.closed, stats.created, stats.refused))
