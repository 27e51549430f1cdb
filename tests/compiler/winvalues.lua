-- winvalues.lua -- the values test on Windows, run by winshm.exe (under
-- Wine): the layouts of values.lua with the Windows build's native ABI.
--
--   winvalues.lua emit SEED COUNT        print the C program (for mingw-w64)
--   winvalues.lua run SEED COUNT PROG    create the regions, let PROG write,
--                                        compare, write, let PROG check
-- `run` prints what differs and exits with status 1 if anything does.
local dir = arg[0]:match("^(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local G = require "gen"
local V = require "values"
local shm = require "winshm"

local MAXLEAVES = 400
local what, seed, count, prog = arg[1], tonumber(arg[2]), tonumber(arg[3]), arg[4]
local nodes = V.nodes(seed, count, MAXLEAVES)
for _, n in ipairs(nodes) do G.build(shm, n) end

if what == "emit" then
  io.write(V.c_program(nodes, shm, true))
  os.exit(0)
end
assert(what == "run" and prog, "usage: winvalues.lua emit|run SEED COUNT [PROG]")

local links, names = {}, {}
math.randomseed(os.time(), os.clock() * 1e6)
local tag = ("wshmval_%d_%d_"):format(os.time() % 100000, math.random(1, 1e9))
for i, n in ipairs(nodes) do
  names[i] = "Local\\" .. tag .. i
  links[i] = assert(shm.create(names[i], n.layout))
end

-- Run PROG with mode and the region names; returns ok, its output.
local function run(mode)
  local p = assert(io.popen(prog .. " " .. mode .. " " .. table.concat(names, " ") .. " 2>&1"))
  local out = p:read("a")
  return p:close() == true, out
end

local bad = {}
local ok, out = run("write")
if not ok then bad[#bad + 1] = "the C program failed to write:\n" .. out end
for i, n in ipairs(nodes) do
  local view = links[i]:get()
  V.compare(n, function(keys) return V.at(view, keys) end, 1, "view", bad)
  local copy = shm.read(view)
  V.compare(n, function(keys) return V.at(copy, keys) end, 1, "shm.read", bad)
end
for i, n in ipairs(nodes) do
  local stored, err = pcall(V.store, shm, n, links[i]:get_mut(), 2, i % 2 == 0)
  if not stored then bad[#bad + 1] = n.name .. ": " .. tostring(err) end
end
ok, out = run("check")
if not ok then bad[#bad + 1] = "the C program found other values:\n" .. out end
for _, l in ipairs(links) do l:close() end
if #bad > 0 then
  io.write(#bad, " problem(s):\n", table.concat(bad, "\n", 1, math.min(#bad, 60)), "\n")
  os.exit(1)
end
io.write("ok ", #nodes, " layouts\n")
