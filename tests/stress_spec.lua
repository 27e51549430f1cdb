-- Multi-process stress: many processes racing get_or_create / create /
-- open / open_existing / close / remove on a few names, and processes
-- killed with SIGKILL in the middle of all that.
--
-- WINSHM_STRESS_SECONDS sets how long the race runs (default 10; the
-- valgrind run shortens it, make test-stress lengthens it).
local shm = require "winshm"
local H = require "helper"

local SECONDS = tonumber(os.getenv("WINSHM_STRESS_SECONDS") or "") or 10
local PROCS = 16

-- One racer.  Every region carries, in bytes 0..7, a token its creator
-- writes right after creating it; tokens are unique (seed, counter).
-- The racer prints what it saw:
--   C <token>  it created a region (and found it zero-filled)
--   O <token>  it opened a region another racer created
--   E <text>   something that must not happen
--   N <ops>    operations done
local RACER = [[
local shm = require "winshm"
local now = require("system").monotime
local prefix, seed, seconds = ...
seed = tonumber(seed)
math.randomseed(seed)
local names = { prefix .. "_a", prefix .. "_b", prefix .. "_c" }
local created, opened, errors = {}, {}, {}
local counter, ops = 0, 0
local function err(s) if #errors < 20 then errors[#errors + 1] = s end end

local function spin(n) local x = 0 for i = 1, n do x = x + i end return x end

-- The token of a region someone else created; waits while its creator
-- (which holds the region) has not written it yet.
local function token_of(l)
  local deadline = now() + 10
  local t = l:read_bytes(0, 8)
  while t == ("\0"):rep(8) and now() < deadline do t = l:read_bytes(0, 8) end
  if t == ("\0"):rep(8) then err("a region stayed without its token") end
  return t
end

local function mine(l, name)
  if l:read_bytes(0, 16) ~= ("\0"):rep(16) then
    err("created " .. name .. " but it was not zero-filled")
  end
  counter = counter + 1
  local t = ("<I4I4"):pack(seed, counter)
  l:write_bytes(0, t)
  created[#created + 1] = t
  spin(math.random(0, 3000))
  if l:read_bytes(0, 8) ~= t then
    err("another process wrote its creator token into a region we created")
  end
end

local function theirs(l)
  opened[token_of(l)] = true
  spin(math.random(0, 3000))
end

-- Close l, or keep it for a while instead of the link kept before, so
-- that lifetimes overlap with many openers and also end often.
local kept
local function done(l)
  if math.random(10) <= 3 then
    if kept then kept:close() end
    kept = l
  else
    l:close()
  end
end

local stop = now() + seconds
while now() < stop do
  local name = names[math.random(#names)]
  local r = math.random(100)
  ops = ops + 1
  if r <= 45 then
    local l, c = shm.get_or_create(name, 4096)
    if not l then err("get_or_create: " .. tostring(c))
    else
      if c then mine(l, name) else theirs(l) end
      done(l)
    end
  elseif r <= 55 then
    local l, e = shm.create(name, 4096)
    if l then mine(l, name); done(l)
    elseif e.kind ~= "AlreadyExists" then err("create: " .. tostring(e)) end
  elseif r <= 80 then
    local l, e = shm.open(name, 4096)
    if l then theirs(l); done(l)
    elseif e.code ~= "ENOENT" then err("open: " .. tostring(e)) end
  elseif r <= 95 then
    local l, e = shm.open_existing(name, 4096)
    if l then theirs(l); done(l)
    elseif e.code ~= "ENOENT" then err("open_existing: " .. tostring(e)) end
  else
    local ok, e = shm.remove(name)
    if not ok and e.code ~= "ENOENT" then err("remove: " .. tostring(e)) end
  end
end
if kept then kept:close() end
local out = {}
for _, t in ipairs(created) do out[#out + 1] = "C " .. ("%08x%08x"):format(("<I4I4"):unpack(t)) end
for t in pairs(opened) do out[#out + 1] = "O " .. ("%08x%08x"):format(("<I4I4"):unpack(t)) end
for _, e in ipairs(errors) do out[#out + 1] = "E " .. e end
out[#out + 1] = "N " .. ops
io.write(table.concat(out, "\n"), "\n")
]]

-- A process that loops over create/open/close (and, once mutexes exist,
-- lock/unlock) until it is killed.
local VICTIM = [[
local shm = require "winshm"
local prefix, seed = ...
math.randomseed(tonumber(seed))
local names = { prefix .. "_a", prefix .. "_b" }
local m = shm.mutex and shm.mutex(prefix .. "_m")
io.write("ready\n"); io.flush()
while true do
  local l = shm.get_or_create(names[math.random(2)], 8192)
  local r = shm.open(names[math.random(2)], 0)
  if m and math.random(2) == 1 then
    m:lock(10)
    l:write_bytes(0, "held")
    m:unlock()
  end
  if r then r:close() end
  if math.random(2) == 1 then l:close() end  -- sometimes left to the collector
end
]]

-- Kill p and reap it (a process that has ended is not signalled).
local function stop(p)
  p:kill("KILL")
  p:wait(60)
end

local function hex_tokens(out)
  local c, o, e, n = {}, {}, {}, 0
  for line in out:gmatch("[^\n]+") do
    local k, v = line:match("^(%a) (.*)$")
    if k == "C" then c[#c + 1] = v
    elseif k == "O" then o[#o + 1] = v
    elseif k == "E" then e[#e + 1] = v
    elseif k == "N" then n = tonumber(v) end
  end
  return c, o, e, n
end

local function leftovers(prefix)
  local p = io.popen("ls /dev/shm")
  local found = {}
  for f in p:lines() do
    if f:sub(1, #prefix) == prefix then found[#found + 1] = f end
  end
  p:close()
  return found
end

describe("stress", function()
  it(("%d processes racing on three names for %d s: one creator per lifetime #posix"):format(
      PROCS, SECONDS), function()
    local prefix = H.name("race")
    local procs = {}
    finally(function() for _, p in ipairs(procs) do stop(p) end end)
    for i = 1, PROCS do
      procs[i] = H.spawn(RACER, prefix, 1000 + i, SECONDS)
    end
    local creators, seen = {}, {}
    local ncreated, nops, problems = 0, 0, {}
    for i = 1, PROCS do
      local ok, out, code = procs[i]:wait(SECONDS + 120)
      assert.is_true(ok, ("racer %d (exit %s): %s"):format(i, tostring(code), tostring(out)))
      local c, o, e, n = hex_tokens(out)
      for _, t in ipairs(c) do
        assert.is_nil(creators[t], "token " .. t .. " created twice")
        creators[t] = true
        ncreated = ncreated + 1
      end
      for _, t in ipairs(o) do seen[t] = true end
      for _, msg in ipairs(e) do problems[#problems + 1] = ("racer %d: %s"):format(i, msg) end
      nops = nops + n
    end
    assert.same({}, problems)
    -- every region anybody opened had exactly one creator among us
    local nseen = 0
    for t in pairs(seen) do
      nseen = nseen + 1
      assert.is_true(creators[t], "a region was opened whose creator nobody knows: " .. t)
    end
    -- the race really happened
    assert.is_true(nops >= PROCS * 10, "only " .. nops .. " operations")
    assert.is_true(ncreated >= 3, "only " .. ncreated .. " creations")
    assert.is_true(nseen >= 3, "only " .. nseen .. " regions opened by others")
    -- and left nothing behind
    assert.same({}, leftovers(prefix))
    for _, s in ipairs({ "_a", "_b", "_c" }) do
      local l, err = shm.open(prefix .. s, 0)
      assert.is_nil(l)
      assert.equal("ENOENT", err.code)
    end
  end, { "posix" })

  it("processes killed at random points leave every name reusable #posix", function()
    local prefix = H.name("kill")
    local rounds = 3
    for round = 1, rounds do
      local victims = {}
      finally(function() for _, v in ipairs(victims) do stop(v) end end)
      for i = 1, 6 do victims[i] = H.spawn(VICTIM, prefix, round * 100 + i) end
      -- wait until each runs, then kill them one by one at random moments
      for _, v in ipairs(victims) do
        assert.is_truthy(H.until_true(function()
          local f = io.open(v.out)
          local s = f and f:read("a")
          if f then f:close() end
          return s and s:find("ready", 1, true)
        end, 120), "a victim did not start")
      end
      for _, v in ipairs(victims) do
        H.sleep(math.random() * 0.3)
        v:kill("KILL")
      end
      for _, v in ipairs(victims) do v:wait(30) end
      for _, s in ipairs({ "_a", "_b" }) do
        local name = prefix .. s
        local l = assert(shm.create(name, 64))   -- reusable: no stale holder
        assert.equal(("\0"):rep(64), l:read_bytes(0, 64))  -- and a new region
        l:close()
        assert.is_false(H.shm_exists(name))
      end
    end
    assert.same({}, leftovers(prefix))
  end, { "posix" })

  it("a mutex whose owner was killed is abandoned, then recoverable #posix", function()
    local name = H.name("abandon")
    local m = assert(shm.mutex(name))   -- keeps the mutex alive across the death
    local h = H.spawn([[
      local shm = require "winshm"
      local m = assert(shm.mutex(...))
      assert(m:lock())
      io.write("locked\n"); io.flush()
      while true do end
    ]], name)
    finally(function() stop(h) end)
    assert.is_truthy(H.until_true(function()
      local f = io.open(h.out)
      local s = f and f:read("a")
      if f then f:close() end
      return s and s:find("locked", 1, true)
    end, 120))
    local ok, why = m:lock(0)
    assert.is_false(ok)
    assert.equal("timeout", why)
    stop(h)
    ok, why = m:lock(5000)
    assert.is_true(ok)
    assert.equal("abandoned", why)
    assert.is_true(m:unlock())
    ok, why = m:lock(1000)
    assert.is_true(ok)
    assert.is_nil(why)     -- made consistent: the next lock is ordinary
    m:unlock()
    m:close()
  end, { "posix" })   -- killing a process is the helper's POSIX part

  it("mutexes stay usable when lockers are killed at random points #posix", function()
    local prefix = H.name("mkill")
    local m = assert(shm.mutex(prefix .. "_m"))
    for round = 1, 3 do
      local victims = {}
      finally(function() for _, v in ipairs(victims) do stop(v) end end)
      for i = 1, 4 do victims[i] = H.spawn(VICTIM, prefix, round * 10 + i) end
      for _, v in ipairs(victims) do
        H.until_true(function()
          local f = io.open(v.out)
          local s = f and f:read("a")
          if f then f:close() end
          return s and s:find("ready", 1, true)
        end, 120)
      end
      for _, v in ipairs(victims) do
        H.sleep(math.random() * 0.2)
        v:kill("KILL")
      end
      for _, v in ipairs(victims) do v:wait(30) end
      local ok, why = m:lock(5000)
      assert.is_true(ok, tostring(why))
      assert.is_true(why == nil or why == "abandoned")
      m:unlock()
    end
    m:close()
  end, { "posix" })

  it("many handles on one region: winshm ls still lists it, each holder once #posix", function()
    local name = H.name("many")
    local links = {}
    for i = 1, 40 do links[i] = assert(shm.get_or_create(name, 4096)) end
    local p = io.popen(("%s ls %s 2>&1"):format(H.quote(H.host), name))
    local out = p:read("a")
    local ok = p:close()
    for _, l in ipairs(links) do l:close() end
    assert.is_true(ok, out)
    local row
    for line in out:gmatch("[^\n]+") do
      if line:match("%S+$") == name then row = line end
    end
    assert.is_truthy(row, out)
    local pids, seen = row:match("live%s+(%S+)%s+%S+$"), {}
    assert.is_truthy(pids, row)
    for pid in pids:gmatch("%d+") do
      assert.is_nil(seen[pid], "pid " .. pid .. " listed twice")
      seen[pid] = true
    end
  end, { "posix" })
end)
