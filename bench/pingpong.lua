-- pingpong.lua ping|pong NAME N: two winshm processes pass a token through
-- an atomic counter, N round trips.  "ping" prints seconds per round trip.
local shm = require "winshm"
local floor = require "bench_floor"
local role, name, n = arg[1], arg[2], tonumber(arg[3])

local Turn = shm.struct { name = "Turn", { "turn", "uint32_t" } }
local link = assert(shm.get_or_create(name .. "_pp", Turn))
local v = link:get_mut()
local load, store = shm.atomic_load, shm.atomic_store

if role == "pong" then
  for i = 0, n - 1 do
    while load(v, "turn") ~= 2 * i + 1 do end
    store(v, "turn", 2 * i + 2)
  end
else
  -- wait for the other side to hold the region, so neither removes it
  local t0
  for i = 0, n - 1 do
    if i == 1 then t0 = floor.now() end  -- the first trip includes start-up
    store(v, "turn", 2 * i + 1)
    while load(v, "turn") ~= 2 * i + 2 do end
  end
  print(string.format("%.12f", (floor.now() - t0) / (n - 1)))
end
link:close()
