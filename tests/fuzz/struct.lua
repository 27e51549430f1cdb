-- struct.lua: fuzz driver for the layout compiler (shm.struct/shm.union).
-- The input bytes choose a declaration: fields with good and bad names,
-- scalar, nested and bogus types, counts, dimensions, explicit offsets,
-- unknown keys, and the pack/align/size/abi/name options.  A declaration
-- that compiles must describe a layout that holds together, and a view of
-- it over random bytes must read, write back and read the same again.
local shm = require "winshm"
if type(shm.struct) ~= "function" then
  return "shm.struct is not in this build of winshm"
end
local dir = DRIVER_DIR
local C = dofile(dir .. "common.lua")

local SCALARS = {
  "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
  "uint32_t", "uint64_t", "float", "double", "bool", "char",
  "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
  "signed char", "unsigned char", "short", "unsigned short", "int",
  "unsigned int", "unsigned", "long", "unsigned long", "long long",
  "unsigned long long", "wchar_t", "char16_t", "char32_t",
  -- not types
  "int9_t", "", "INT", " int", "struct", "void", "char*",
}
local NAMES = { "a", "b", "c", "x", "y", "len", "data", "a", "_", "",
                "a.b", "1x", "two words", "caf\xc3\xa9", "\xff" }
local BOGUS = { 42, true, {}, function() end, 1.5 }
local PACK = { false, 1, 2, 4, 8, 16, 0, 3, 32, -1 }
local ALIGN = { false, 1, 2, 4, 8, 16, 64, 3, 0, 4096 }
local ABI = { false, "native", "windows", "sysv", "mac" }

local REGION = 1 << 16
local link = C.scratch(REGION)
local pool   -- layouts built so far in this input, for nesting

local function pick(t, b) return t[b % #t + 1] end

local function count(byte)
  local c = byte() % 12
  if c < 5 then return nil end
  if c == 5 then return byte() % 5 end               -- 0 is refused
  if c == 6 then return { 1 + byte() % 3, 1 + byte() % 4 } end
  if c == 7 then return { byte() % 3, 2, 1 + byte() % 2 } end
  if c == 8 then return pick({ 1 << 40, -1, 2.5, "3", math.maxinteger }, byte()) end
  return 1 + byte() % 40
end

local function field(byte)
  local e = { pick(NAMES, byte()) }
  local t = byte() % 10
  if t < 7 then e[2] = pick(SCALARS, byte())
  elseif t < 9 and #pool > 0 then e[2] = pick(pool, byte())
  else e[2] = pick(BOGUS, byte()) end
  e[3] = count(byte)
  local extra = byte() % 16
  if extra == 0 then e.offset = byte() * (1 + byte() % 3)
  elseif extra == 1 then e.offset = -1
  elseif extra == 2 then e.bogus = 1 end
  return e
end

local function declaration(byte)
  local spec = {}
  for i = 1, byte() % 9 do spec[i] = field(byte) end
  local o = byte()
  if o & 1 ~= 0 then spec.pack = pick(PACK, byte()) or nil end
  if o & 2 ~= 0 then spec.align = pick(ALIGN, byte()) or nil end
  if o & 4 ~= 0 then spec.size = byte() * 4 end
  if o & 8 ~= 0 then spec.abi = pick(ABI, byte()) or nil end
  if o & 16 ~= 0 then spec.name = pick(NAMES, byte()) end
  if o & 32 ~= 0 then spec.colour = "red" end
  return spec, (o & 64 ~= 0) and shm.union or shm.struct
end

local function pow2(n) return n >= 1 and n & (n - 1) == 0 end

-- Layouts whose bytes can belong to two fields (unions, explicit offsets
-- that overlap, or such a layout nested): writing one field changes
-- another, so a write of a whole value need not read back the same.
local overlapping = setmetatable({}, { __mode = "k" })

local function overlaps(lay, spec, union)
  if union then return true end
  for _, e in ipairs(spec) do
    if overlapping[e[2]] then return true end
  end
  local f = shm.fields(lay)
  table.sort(f, function(a, b) return a.offset < b.offset end)
  for i = 2, #f do
    if f[i].offset < f[i - 1].offset + f[i - 1].size then return true end
  end
  return false
end

local function check(lay, spec, data, union)
  if shm.type(lay) ~= "layout" then fuzz.fail("not a layout") end
  local size, al = shm.sizeof(lay), shm.alignof(lay)
  if math.type(size) ~= "integer" or size < 0 then fuzz.fail("bad size") end
  if not pow2(al) then fuzz.fail("alignment " .. tostring(al)) end
  if spec.size == nil and size % al ~= 0 then
    fuzz.fail(("size %d not a multiple of alignment %d"):format(size, al))
  end
  if spec.size ~= nil and size < spec.size then fuzz.fail("size below opts.size") end
  local fields = shm.fields(lay)
  for _, f in ipairs(fields) do
    if f.offset < 0 or f.offset + f.size > size then
      fuzz.fail(("field %s at %d+%d outside %d bytes"):format(
        f.name, f.offset, f.size, size))
    end
    if shm.offsetof(lay, f.name) ~= f.offset then
      fuzz.fail("offsetof disagrees with fields for " .. f.name)
    end
  end
  if type(tostring(lay)) ~= "string" then fuzz.fail("tostring") end
  if overlaps(lay, spec, union) then overlapping[lay] = true end
  if size == 0 or size > REGION then return end
  C.fill(link, data, size)
  local v = link:view(lay, 0, "rw")
  local t = shm.read(v)
  for _, f in ipairs(fields) do             -- every field through __index
    local x = v[f.name]
    if type(x) == "userdata" then shm.read(x) end
  end
  local ok, err = pcall(shm.write, v, t)
  if not ok then fuzz.fail("shm.write refuses what shm.read gave: " .. tostring(err)) end
  if overlapping[lay] then return end
  local t2 = shm.read(v)
  if not C.same(t, t2) then fuzz.fail("read/write/read changed the value") end
end

return function(data)
  local byte = C.reader(data)
  pool = {}
  for _ = 1, 1 + byte() % 3 do
    local spec, make = declaration(byte)
    local ok, lay = pcall(make, spec)
    if ok then
      check(lay, spec, data, make == shm.union)
      pool[#pool + 1] = lay
    elseif type(lay) ~= "string" then
      fuzz.fail("error value is not a string: " .. type(lay))
    end
  end
end
