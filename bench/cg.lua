-- cg.lua OP N: one benchmark loop, N operations, for valgrind's callgrind
-- (bench.lua runs it twice, with N and 2N, and divides the difference).
-- The loops are bench.lua's.
local shm = require "winshm"
local floor = require "bench_floor"
local op, n = arg[1], tonumber(arg[2])

local Vec3 = shm.struct { name = "Vec3", { "x", "double" }, { "y", "double" },
                          { "z", "double" } }
local Bench = shm.struct { name = "Bench",
  { "u32", "uint32_t" }, { "f64", "double" }, { "pos", Vec3 },
  { "arr", "uint32_t", 64 }, { "str", "char", 32 }, { "turn", "uint32_t" },
}
local link <close> = assert(shm.create(("winshm_cg_%s_%d_%d"):format(op, n,
  math.random(1e9)), Bench))
local v = link:get_mut()
local arr = v.arr
local f = floor.new()
local aload, astore = shm.atomic_load, shm.atomic_store
local HERE = arg[0]:match("^(.*[/\\])") or "./"

-- The telemetry page of bench.lua's frame rows, read into a reused table.
local function page()
  local Page = dofile(HERE .. "page.lua")
  local name = ("winshm_cgp_%s_%d_%d"):format(op, n, math.random(1e9))
  local k = assert(shm.create(name, Page))
  dofile(HERE .. "pagefill.lua")(shm, k:get_mut(), Page, "packet")
  return k, name
end

local loops = {
  floor_read = function() local s = 0 for _ = 1, n do s = s + f.x end return s end,
  floor_write = function() for i = 1, n do f.x = i & 0xffff end end,
  floor_array = function()
    local s = 0 for i = 1, n do s = s + f.x + (i & 63) end return s
  end,
  read = function() local s = 0 for _ = 1, n do s = s + v.u32 end return s end,
  write = function() for i = 1, n do v.u32 = i & 0xffff end end,
  nested = function() local s = 0 for _ = 1, n do s = s + v.pos.x end return s end,
  array = function()
    local s = 0 for i = 1, n do s = s + arr[(i & 63) + 1] end return s
  end,
  -- one step of the ping-pong: an atomic load, a compare, an atomic store
  atomic = function()
    for i = 1, n do
      if aload(v, "turn") == -1 then break end
      astore(v, "turn", i & 0xffff)
    end
  end,
  floor_atomic = function()
    local name = ("winshm_cgf_%d"):format(math.random(1e9))
    local c, load, store = floor.counter(name), floor.aload, floor.astore
    for i = 1, n do
      if load(c, "turn") == -1 then break end
      store(c, "turn", i & 0xffff)
    end
    floor.unlink(name)
  end,
  -- a whole frame: winshm's read_consistent, and the C floor of the same
  frame = function()
    local k = page()
    local pv, scheme = k:get(), { seq = "packet" }
    local t = shm.read_consistent(pv, scheme)
    for _ = 1, n do shm.read_consistent(pv, scheme, nil, t) end
    k:close()
  end,
  floor_frame = function()
    local k, name = page()
    local frame = require "bench_frame"
    local m = frame.map(name)
    local t = frame.read(m, {})
    for _ = 1, n do frame.read(m, t) end
    frame.unmap(m)
    k:close()
  end,
}
assert(loops[op], "unknown loop")()
