-- cdef.lua: fuzz driver for shm.cdef.  The input is C or C++ source (the
-- seed corpus holds SDK-style headers; libFuzzer mutates them).  cdef
-- either refuses it with a message that names the source, or returns
-- layouts that hold together and can be viewed, scalar type names
-- shm.struct takes, and the constants and notes tables (docs/cdef.md),
-- under each of the three ABIs.
local shm = require "winshm"
if type(shm.cdef) ~= "function" then
  return "shm.cdef is not in this build of winshm"
end
local C = dofile(DRIVER_DIR .. "common.lua")

local REGION = 1 << 16
local link = C.scratch(REGION)

local function pow2(n) return n >= 1 and n & (n - 1) == 0 end

local function check(name, lay)
  if shm.type(lay) ~= "layout" then fuzz.fail(tostring(name) .. " is not a layout") end
  local size, al = shm.sizeof(lay), shm.alignof(lay)
  if math.type(size) ~= "integer" or size < 0 then fuzz.fail("bad size") end
  if not pow2(al) then fuzz.fail("alignment " .. tostring(al)) end
  for _, f in ipairs(shm.fields(lay)) do
    if f.offset < 0 or f.offset + f.size > size then
      fuzz.fail(("%s.%s outside the layout"):format(name, f.name))
    end
  end
  if type(tostring(lay)) ~= "string" then fuzz.fail("tostring") end
  if size > 0 and size <= REGION then
    local v = link:view(lay, 0)
    shm.read(v)
  end
end

return function(src)
  for _, abi in ipairs({ "windows", "win32", "sysv" }) do
    local ok, res = pcall(shm.cdef, src, { abi = abi })
    if ok then
      if type(res) ~= "table" then fuzz.fail("cdef returned " .. type(res)) end
      for name, x in pairs(res) do
        if name == "constants" or name == "notes" then
          if type(x) ~= "table" then fuzz.fail(name .. " is not a table") end
        elseif type(x) == "string" then
          -- a scalar typedef or an enum: a type shm.struct takes
          local ok2, err = pcall(shm.struct, { { "x", x } })
          if not ok2 then fuzz.fail(("%s = %q is no field type: %s"):format(name, x, err)) end
        else
          check(name, x)
        end
      end
    elseif type(res) ~= "string" then
      fuzz.fail("error value is not a string: " .. type(res))
    elseif not res:match("^cdef:") or res:find("%.lua:%d+:") then
      -- a refusal names the source; an error of shm.cdef's own code does not
      fuzz.fail("not a refusal: " .. res)
    end
  end
end
