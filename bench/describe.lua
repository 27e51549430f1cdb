-- describe.lua PAGE: print a plain description of the layout that the Lua
-- file PAGE returns, for the frame peers and the floor's generator, so
-- that none of them holds a copy of the layout that could drift from it.
-- Run with the host (it needs winshm).  The format (bench/desc.lua reads
-- it): a block per struct, nested ones first, the page last;
--
--   struct NAME SIZE
--   FIELD TYPE OFFSET [DIM ...]      TYPE: a scalar type name or a struct
--   end
local shm = require "winshm"
local layout = dofile(assert(arg[1], "usage: describe.lua PAGE"))

local out, done = {}, {}
local function describe(lay, name)
  local lines = {}
  for _, f in ipairs(shm.fields(lay)) do
    local dims = f.dims or (f.count > 1 and { f.count }) or {}
    if f.layout and done[f.type] == nil then describe(f.layout, f.type) end
    assert(not f.layout or done[f.type] == f.layout, "two structs named " .. f.type)
    lines[#lines + 1] = ("%s %s %d%s"):format(f.name, f.type, f.offset,
      #dims > 0 and (" " .. table.concat(dims, " ")) or "")
  end
  done[name] = lay
  out[#out + 1] = ("struct %s %d"):format(name, shm.sizeof(lay))
  table.move(lines, 1, #lines, #out + 1, out)
  out[#out + 1] = "end"
end
local root = tostring(layout):match("^struct ([%w_]+)")
describe(layout, assert(root, "the page must be a named struct"))
print(table.concat(out, "\n"))
