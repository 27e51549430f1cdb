-- producer.lua [SECONDS [NAME]]: publishes a telemetry block at 100 Hz,
-- each frame written as one consistent update.  Run reader.lua meanwhile:
--
--   build/winshm examples/telemetry/producer.lua 10 &
--   build/winshm examples/telemetry/reader.lua
local shm = require "winshm"
local T = dofile((arg[0]:match("^(.*[/\\])") or "") .. "layout.lua")

local seconds = tonumber(arg[1]) or 10
local name = arg[2] or T.name

local link <close> = assert(shm.create(name, T.Telemetry))
local view = link:get_mut()
-- a private event nobody sets: its timed wait is the frame clock
local tick <close> = assert(shm.event(name .. ".tick"))

local frames = math.floor(seconds * 100)
local frame = { mDriverName = "Ada", mTyreTemp = {}, mPos = {} }
for i = 1, frames do
  local t = i / 100
  frame.mFrame = i
  frame.mElapsedTime = t
  frame.mSpeed = 40 + 20 * math.sin(t)
  frame.mEngineRPM = 6000 + 2500 * math.sin(3 * t)
  frame.mGear = 3 + math.floor(2 * math.sin(t) + 0.5)
  frame.mPos.x, frame.mPos.y, frame.mPos.z = 100 * math.cos(t / 10), 0, 100 * math.sin(t / 10)
  for w = 1, 4 do frame.mTyreTemp[w] = 80 + w + 5 * math.sin(t + w) end
  shm.write_consistent(view, T.scheme, frame)
  tick:wait(10)
end
print(("producer: %d frames written to %s"):format(frames, name))
