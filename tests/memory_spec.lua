-- Memory: walking a large array view makes no garbage that outgrows the
-- collector, and creating and closing many links leaks neither memory
-- nor file descriptors.  Behaviour, not timing: no clock is read here.
local shm = require "winshm"
local H = require "helper"

-- Under memcheck or the sanitizers every operation costs tens of times
-- more and freed memory is held back on purpose: fewer iterations there,
-- and the resident size is not a measure.
local function instrumented()
  if os.getenv("ASAN_OPTIONS") then return true end
  local maps = io.open("/proc/self/maps")
  if not maps then return false end
  local s = maps:read("a")
  maps:close()
  return s:find("vgpreload", 1, true) ~= nil
end
local SCALE = instrumented() and 10 or 1

local function kb()
  collectgarbage()
  collectgarbage()
  return collectgarbage("count")
end

-- Run body(i) for i = 1..n, sampling the Lua heap every 'every' steps
-- from step 'from' on (default 1); returns the largest growth above the
-- heap before, in KiB.
local function peak(n, every, body, from)
  local base, top = kb(), 0
  for i = 1, n do
    body(i)
    if i % every == 0 and i >= (from or 1) then
      top = math.max(top, collectgarbage("count") - base)
    end
  end
  return top
end

describe("memory", function()
  local N = 1000000 // SCALE
  local Point = shm.struct { name = "Point", { "x", "uint32_t" }, { "y", "float" } }
  local Big = shm.struct { name = "Big", { "a", "uint32_t", N }, { "p", Point, N } }
  local link

  setup(function()
    link = assert(shm.create(H.name("mem"), Big))
    local v = link:get_mut()
    v.a[N], v.p[N].x = 7, 9
  end)
  teardown(function() link:close() end)

  it("iterating a large scalar array allocates nothing per element", function()
    local a, s = link:get().a, 0
    assert.equal(N, #a)
    local grew = peak(N, N // 100, function(i) s = s + a[i] end)
    assert.is_true(grew < 256, ("the heap grew by %.0f KiB"):format(grew))
    local n = 0
    grew = peak(1, 1, function()
      for _, x in ipairs(a) do n = n + 1 s = s + x end
    end)
    assert.equal(N, n)
    assert.equal(7, s // 2)
    assert.is_true(grew < 256, ("ipairs: the heap grew by %.0f KiB"):format(grew))
  end)

  it("element views of a large struct array are garbage the collector keeps up with", function()
    local p, s = link:get().p, 0
    assert.equal(N, #p)
    -- Sampled over the second half: the first cycle of the collector may
    -- start late (after a full collection Lua paces it on an estimate
    -- taken before the garbage was swept, so it depends on what ran
    -- before); what matters is that the heap then stays flat.  A million
    -- views kept alive would be over 100 MiB.
    -- The bound: 4 MiB, or the heap the collector paces itself on (its
    -- default pause lets a heap double) when the runner's is larger.
    local live = kb()
    local grew = peak(N, N // 100, function(i) s = s + p[i].x end, N // 2)
    assert.equal(9, s)
    assert.is_true(grew < math.max(4096, live), ("the heap grew by %.0f KiB (%.0f KiB live)")
      :format(grew, live))
    local after = kb()
    local n = 0
    for _, e in ipairs(p) do n = n + e.x end
    assert.equal(9, n)
    assert.is_true(kb() - after < 1024, "views stayed alive after the loop")
  end)
end)

describe("memory: links", function()
  local LINKS = 100000 // SCALE

  local function fds()
    local ok, lfs = pcall(require, "lfs")
    local n = 0
    if ok then
      for _ in lfs.dir("/proc/self/fd") do n = n + 1 end
    else
      local pid = io.open("/proc/self/stat"):read("n")
      for _ in io.popen("ls /proc/" .. pid .. "/fd"):lines() do n = n + 1 end
    end
    return n
  end

  local function rss()
    for l in io.lines("/proc/self/status") do
      local k = l:match("^VmRSS:%s+(%d+)")
      if k then return tonumber(k) end
    end
  end

  it(("creating and closing %d links leaks no memory or descriptors #posix"):format(LINKS), function()
    local name = H.name("leak")
    local L = shm.struct { name = "Leak", { "n", "uint32_t" }, { "s", "char", 16 } }
    local function cycle(i)
      local k = assert(shm.create(name, L))
      local v = k:get_mut()
      v.n, v.s = i, "x"
      k:close()
    end
    -- the allocator reaches its size (as many cycles as are measured: how
    -- the heap was left by what ran before must not count as growth)
    for i = 1, LINKS do cycle(i) end
    local f0, r0, g0 = fds(), rss(), kb()
    for i = 1, LINKS do cycle(i) end
    assert.equal(f0, fds())
    local g = kb() - g0
    assert.is_true(g < 64, ("the Lua heap grew by %.0f KiB"):format(g))
    if SCALE == 1 then
      -- 32 bytes lost per link (the least malloc hands out) would be 3.2 MB
      local r = rss() - r0
      assert.is_true(r < 2048, ("the resident size grew by %d KiB"):format(r))
    end
    local gone = not shm.open(name, L)
    assert.is_true(gone, "the region outlived its last link")
  end, { "posix" })

  it("a region opened and closed many times keeps no descriptors #posix", function()
    local name = H.name("reopen")
    local k <close> = assert(shm.create(name, 4096))
    local f0 = fds()
    for _ = 1, LINKS // 10 do
      assert(shm.open(name, 4096)):close()
      assert(shm.open_existing(name, 4096)):close()
    end
    assert.equal(f0, fds())
  end, { "posix" })
end)
