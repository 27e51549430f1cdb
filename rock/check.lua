-- check.lua: run by `make test-rock` with LUA_PATH/LUA_CPATH pointing only
-- into the tree `luarocks make` installed: the module loads from there,
-- works, and finds its Lua parts.
local shm = require "winshm"
local tree = assert(os.getenv("ROCKTREE"), "ROCKTREE: the tree luarocks installed into")
local function from_tree(path)
  return path ~= nil and path:sub(1, #tree) == tree
end
local so = package.searchpath("winshm", package.cpath)
assert(from_tree(so), "winshm.so is not from the rock tree")
-- the rock's module exports luaopen_winshm and nothing else
if package.config:sub(1, 1) == "/" then
  local nm = assert(io.popen("nm -D --defined-only '" .. so .. "'"))
  local exported = {}
  for line in nm:lines() do
    local kind, sym = line:match("^%x+ (%u) (%S+)$")
    if kind and kind ~= "U" and kind ~= "w" and kind ~= "A" then exported[#exported + 1] = sym end
  end
  assert(nm:close(), "nm failed on " .. so)
  assert(#exported == 1 and exported[1] == "luaopen_winshm",
    "the rock's winshm.so exports " .. table.concat(exported, " "))
end
local name = ("winshm_rock_%d_%d"):format(os.time(), math.random(1, 1e6))
local link = assert(shm.create(name, 64))
link:write_bytes(0, "rock")
local again = assert(shm.open(name, 4))
assert(again:read_bytes(0, 4) == "rock")
again:close()
link:close()
assert(not shm.open(name, 1), "the region outlived its last handle")
local tools = require "winshm.tools"
assert(from_tree(package.searchpath("winshm.tools", package.path)), "winshm.tools is not from the rock tree")
assert(type(tools.main) == "function")
if shm.struct then
  local Pair = shm.struct { { "a", "int32_t" }, { "b", "double" } }
  assert(shm.sizeof(Pair) == 16 and shm.offsetof(Pair, "b") == 8)
end
if shm.cdef then   -- its Lua parts come from the tree, lpeg from the system
  assert(from_tree(package.searchpath("winshm.cdef", package.path)))
  local C = shm.cdef("typedef struct { char c; int n; } T;")
  assert(shm.sizeof(C.T) == 8)
end
print("rock: winshm " .. shm._VERSION .. " from " .. package.searchpath("winshm", package.cpath))
