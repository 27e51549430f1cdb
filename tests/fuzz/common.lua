-- common.lua: what the Lua fuzz drivers share (loaded with dofile from
-- the driver's directory).
local shm = require "winshm"
local C = {}

-- A reader of the fuzzer's bytes: each call takes the next byte, 0 when
-- the input is used up, so every input means something.
function C.reader(s)
  local pos = 0
  return function()
    pos = pos + 1
    return s:byte(pos) or 0
  end
end

-- One writable scratch region for the whole run.  Its name is removed at
-- once (the mapping stays), so a killed fuzzer leaves nothing in /dev/shm.
function C.scratch(size)
  local name = ("wshmfuzz_%d_%d"):format(os.time(), math.random(1, 1e9))
  local link = assert(shm.create(name, size))
  shm.remove(name)
  return link
end

-- Fill the region's first n bytes with s over and over.
function C.fill(link, s, n)
  if #s == 0 then s = "\0" end
  local block = s:rep(n // #s + 1):sub(1, n)
  link:write_bytes(0, block)
end

-- Deep equality of plain values where NaN equals NaN.
local function same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) == "number" then
    if a ~= a then return b ~= b end
    return a == b and math.type(a) == math.type(b)
  end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
C.same = same

-- Is s well-formed UTF-8 (no surrogates, nothing above U+10FFFF)?
function C.utf8ok(s)
  return utf8.len(s) ~= nil
end

-- Every string inside a value read from a view must be UTF-8 if it came
-- from a UTF-16/32 field; 'check' walks a value and calls f on strings.
function C.walk(v, f)
  if type(v) == "table" then
    for _, x in pairs(v) do C.walk(x, f) end
  else
    f(v)
  end
end

return C
