-- emit.lua SEED COUNT PREFIX [ABI] -- run by a winshm host: generate COUNT
-- random layouts (ABI omitted: the host's native one), build them with
-- this winshm, and print C declarations with _Static_asserts of winshm's
-- numbers, for the caller to compile.
local dir = arg[0]:match("^(.*[/\\])") or "./"
package.path = dir .. "?.lua;" .. package.path
local G = require "gen"
local shm = require "winshm"

local seed, count, prefix, abi = tonumber(arg[1]), tonumber(arg[2]), arg[3], arg[4]
local next_node = G.generator(seed, { abi = abi, prefix = prefix })
local all, seen, top = {}, {}, {}
for i = 1, count do
  top[i] = next_node()
  G.build(shm, top[i])
  G.closure(top[i], all, seen)
end
io.write(G.c_prelude, G.c_types(top), "\n", G.c_asserts(shm, all), "\n")
