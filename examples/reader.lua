-- reader.lua [NAME]: opens the region read-only and prints the state.
local shm = require "winshm"
local GameState = dofile((arg[0]:match("^(.*[/\\])") or "") .. "gamestate.lua")

local name = arg[1] or "Local\\winshm_demo"

local function sleep(s)
  local t = os.clock() + s
  repeat until os.clock() >= t
end

-- wait for the writer to create the region
local link
for _ = 1, 500 do
  link = shm.open(name, GameState)
  if link then break end
  sleep(0.01)
end
assert(link, "reader: no region " .. name .. " (start writer.lua first)")

-- a new region is all zeros: wait for the writer's first frame
local state = link:get()
for _ = 1, 500 do
  if state.frame > 0 then break end
  sleep(0.01)
end

local last = 0
for _ = 1, 5 do
  local s = shm.read(state)
  if s.frame ~= last then
    print(("reader: frame %d  player %s  pos (%.2f, %.2f, %.2f)  health %d  scores %s"):format(
      s.frame, s.player, s.pos.x, s.pos.y, s.pos.z, s.health,
      table.concat(s.scores, ",")))
    last = s.frame
  end
  sleep(0.05)
end
link:close()
