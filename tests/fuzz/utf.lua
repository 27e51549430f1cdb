-- utf.lua: fuzz driver for the text fields: char[N], char16_t[N] and
-- char32_t[N] (and wchar_t under both ABIs).  The input is used twice:
-- as raw bytes in the region (reading must give well-formed UTF-8 for
-- the UTF-16/32 kinds, and writing that back must read back the same),
-- and as a Lua string written to the field (accepted exactly when it is
-- well-formed UTF-8 that fits, then read back unchanged up to the first
-- NUL, and stored as its encoding followed by zeros).
local shm = require "winshm"
if type(shm.struct) ~= "function" then
  return "shm.struct is not in this build of winshm"
end
local C = dofile(DRIVER_DIR .. "common.lua")

local link = C.scratch(1 << 12)
local KINDS = {
  { "char", 1, "windows" }, { "char16_t", 2, "windows" },
  { "char32_t", 4, "windows" }, { "wchar_t", 2, "windows" },
  { "wchar_t", 4, "sysv" },
}
local layouts = {}
for i, k in ipairs(KINDS) do
  layouts[i] = {}
  for n = 1, 64 do
    layouts[i][n] = shm.struct({ { "pad", "u8" }, { "s", k[1], n }, abi = k[3] })
  end
end

-- Code units s takes in a field of 'unit' bytes; nil if not UTF-8.
local function units(s, unit)
  if unit == 1 then return #s end
  if not C.utf8ok(s) then return nil end
  local n = 0
  for _, c in utf8.codes(s) do
    n = n + ((unit == 2 and c > 0xFFFF) and 2 or 1)
  end
  return n
end

-- The bytes a well-formed s takes in the field (little-endian units).
local function encode(s, unit)
  if unit == 1 then return s end
  local out = {}
  for _, c in utf8.codes(s) do
    if unit == 4 then out[#out + 1] = ("<I4"):pack(c)
    elseif c > 0xFFFF then
      c = c - 0x10000
      out[#out + 1] = ("<I2I2"):pack(0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF))
    else out[#out + 1] = ("<I2"):pack(c) end
  end
  return table.concat(out)
end

return function(data)
  if #data < 1 then return end
  local sel = data:byte(1)
  local k = sel % #KINDS + 1
  local kind, unit = KINDS[k][1], KINDS[k][2]
  local n = (sel >> 3) % 32 + 1
  local lay = layouts[k][n]
  local payload = data:sub(2)
  local off = shm.offsetof(lay, "s")
  local v = link:view(lay, 0, "rw")

  -- 1. the bytes as they lie in memory
  local raw = payload:sub(1, n * unit)
  link:write_bytes(0, ("\0"):rep(shm.sizeof(lay)))
  link:write_bytes(off, raw)
  local s = v.s
  if type(s) ~= "string" then fuzz.fail("text field read as " .. type(s)) end
  if unit > 1 and not C.utf8ok(s) then fuzz.fail("read gave malformed UTF-8") end
  if s:find("\0", 1, true) then fuzz.fail("read gave a NUL byte") end
  if unit == 1 and s ~= raw:match("^[^%z]*") then fuzz.fail("char field read wrong") end
  local ok, err = pcall(function() v.s = s end)
  if not ok then fuzz.fail("writing back what was read fails: " .. tostring(err)) end
  if v.s ~= s then fuzz.fail("write back of a read changed it") end

  -- 2. the bytes as a Lua string
  local want = units(payload, unit)
  ok = pcall(function() v.s = payload end)
  local fits = want ~= nil and want <= n
  if ok ~= fits then
    fuzz.fail(("%s[%d] %s a string of %s units"):format(kind, n,
      ok and "accepts" or "refuses", tostring(want)))
  end
  if ok then
    if v.s ~= payload:match("^[^%z]*") then fuzz.fail("string changed on the way") end
    -- the region holds exactly the encoded string, then zeros
    local enc = encode(payload, unit)
    if link:read_bytes(off, n * unit) ~= enc .. ("\0"):rep(n * unit - #enc) then
      fuzz.fail("field bytes are not the string zero-filled")
    end
  end
end
