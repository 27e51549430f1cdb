-- writer.lua [NAME [FRAMES]]: creates the region and updates it, as a game
-- publishing its state would, a frame every 10 ms (1000 frames unless
-- told).  Run reader.lua in another process.
local shm = require "winshm"
local GameState = dofile((arg[0]:match("^(.*[/\\])") or "") .. "gamestate.lua")

local name = arg[1] or "Local\\winshm_demo"
local frames = tonumber(arg[2]) or 1000

local link <close> = assert(shm.create(name, GameState))
local state = link:get_mut()
state.player = "Ada"
state.alive = true

local function sleep(s)
  local t = os.clock() + s
  repeat until os.clock() >= t
end

for frame = 1, frames do
  state.frame = frame
  state.pos.x, state.pos.y = frame * 0.5, -frame * 0.25
  state.health = 100 - frame % 100
  state.scores[1 + frame % 4] = frame
  sleep(0.01)
end
print(("writer: %d frames written to %s"):format(frames, name))
-- hold the region a little longer so a slow reader still finds it
sleep(0.5)
