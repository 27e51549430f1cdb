-- pingpong.lua ping|pong NAME N [floor]: two processes pass a token
-- through an atomic counter, N round trips, with shm.atomic_load and
-- atomic_store -- or, given "floor", with the floor module's unchecked
-- C functions called the same way (the cost of the Lua loop and calls
-- alone).  "ping" prints seconds per round trip: the median over batches
-- of 100 trips, as bench/pingpong.c measures.
local shm = require "winshm"
local floor = require "bench_floor"
local role, name, n, mode = arg[1], arg[2], tonumber(arg[3]), arg[4]
local BATCH = 100

local link, v, load, store
if mode == "floor" then
  v = floor.counter(name .. "_ppf")
  load, store = floor.aload, floor.astore
else
  local Turn = shm.struct { name = "Turn", { "turn", "uint32_t" } }
  link = assert(shm.get_or_create(name .. "_pp", Turn))
  v = link:get_mut()
  load, store = shm.atomic_load, shm.atomic_store
end

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
  if mode == "floor" then floor.unlink(name .. "_ppf") end
end
if link then link:close() end
