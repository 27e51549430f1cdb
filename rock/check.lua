-- check.lua: run by `make test-rock` with LUA_PATH/LUA_CPATH pointing only
-- into the tree `luarocks make` installed: the module loads from there,
-- works, and finds its Lua parts.
local shm = require "winshm"
assert(package.searchpath("winshm", package.cpath), "winshm.so is not in the rock tree")
local name = ("winshm_rock_%d_%d"):format(os.time(), math.random(1, 1e6))
local link = assert(shm.create(name, 64))
link:write_bytes(0, "rock")
local again = assert(shm.open(name, 4))
assert(again:read_bytes(0, 4) == "rock")
again:close()
link:close()
assert(not shm.open(name, 1), "the region outlived its last handle")
local tools = require "winshm.tools"
assert(package.searchpath("winshm.tools", package.path), "winshm.tools is not in the rock tree")
assert(type(tools.main) == "function")
print("rock: winshm " .. shm._VERSION .. " from " .. package.searchpath("winshm", package.cpath))
