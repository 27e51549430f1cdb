-- pingpong.lua ping|pong NAME N: two winshm processes pass a token through
-- an atomic counter, N round trips.  "ping" prints seconds per round trip:
-- the median over batches of 100 trips, as bench/pingpong.c measures.
local shm = require "winshm"
local floor = require "bench_floor"
local role, name, n = arg[1], arg[2], tonumber(arg[3])
local BATCH = 100

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
  local now, batch, t0 = floor.now, {}, 0
  for i = 0, n - 1 do
    if i % BATCH == 0 then  -- the first batch includes the other's start
      local t = now()
      if i > BATCH then batch[#batch + 1] = (t - t0) / BATCH end
      t0 = t
    end
    store(v, "turn", 2 * i + 1)
    while load(v, "turn") ~= 2 * i + 2 do end
  end
  table.sort(batch)
  print(string.format("%.12f", batch[(#batch + 1) // 2]))
end
link:close()
