-- reentry.lua: Lua code that closes a link in the middle of a winshm
-- call, for the specs that check no call then touches unmapped memory.
--
-- R.at_next_allocation(link, op) closes the link from a finalizer at the
-- first allocation op makes (deterministically: the collector is stepped
-- by hand into the phase that calls finalizers, then set to step again at
-- the next allocation).  op must make nothing before its winshm call
-- (build its arguments outside it): its own first allocation would close
-- the link before the call.  R.closing_index(t, link) gives t an __index
-- that closes the link.  tests/reentry_storm.lua closes links at random.
local R = {}

local DEFAULTS = { 200, 100, 13 }   -- Lua 5.4's pause, stepmul, stepsize

-- Fine-grained incremental collection; returns the mode to go back to
-- (the host and lua5.4 run in generational mode).
local function finegrained()
  return collectgarbage("incremental", 0, 1, 0)  -- stepmul < 4: one step
end

local function restore(mode)
  collectgarbage("incremental", DEFAULTS[1], DEFAULTS[2], DEFAULTS[3])
  if mode == "generational" then collectgarbage("generational") end
  collectgarbage("restart")
  collectgarbage("collect")
end

-- Leave n unreachable objects whose finalizer is fin.
local function pending(n, fin)
  for _ = 1, n do setmetatable({}, { __gc = fin }) end
end

-- Returns closed (op's allocation closed the link), ok, err of pcall(op).
-- after(), when given, runs in the finalizer right after the close.
function R.at_next_allocation(link, op, after)
  local calls, live, target = 0, false, link
  local function fin()
    calls = calls + 1
    if live and target then
      target:close(); target = nil
      if after then after() end
    end
  end
  collectgarbage("collect")
  collectgarbage("stop")
  local mode = finegrained()
  pending(200, fin)
  local guard = 0
  repeat  -- by hand, into the phase that calls finalizers, ten a step
    collectgarbage("step", 0)
    guard = guard + 1
  until calls > 0 or guard > 1e6
  assert(calls > 0, "the collector never called a finalizer")
  live = true
  collectgarbage("restart")   -- debt 0: the next allocation steps it
  local ok, err = pcall(op, link)
  live = false
  local closed = target == nil
  restore(mode)
  return closed, ok, err
end

-- t, with an __index that closes link the first time a key is missing.
function R.closing_index(t, link)
  return setmetatable(t, { __index = function() link:close() end })
end

return R
