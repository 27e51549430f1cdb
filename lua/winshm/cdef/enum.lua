-- winshm.cdef.enum -- enums: their enumerators (constants, each visible
-- to the ones after it), and their size: the underlying type, or as gcc
-- chooses it (int, unsigned int when a value needs it, else long long;
-- the smallest type that fits under __attribute__((packed))).  Methods
-- of the builder (winshm.cdef.build).
local L = require "winshm.cdef.lex"
local T = require "winshm.cdef.types"

local N = {}
local throw = L.throw

local function fits(lo, hi, bits, signed)
  if signed then
    local m = 1 << (bits - 1)
    return lo >= -m and hi <= m - 1
  end
  return lo >= 0 and (bits == 64 or hi < 1 << bits)
end

-- The type gcc gives an enum without a fixed underlying type.
local function enumtype(lo, hi, packed)
  local sizes = packed and { 8, 16, 32, 64 } or { 32, 64 }
  local names = { [8] = { "int8_t", "uint8_t" }, [16] = { "int16_t", "uint16_t" },
                  [32] = { "int", "unsigned int" },
                  [64] = { "long long", "unsigned long long" } }
  for _, bits in ipairs(sizes) do
    if lo >= 0 and fits(lo, hi, bits, false) and (packed or not fits(lo, hi, bits, true)) then
      return names[bits][2]
    end
    if fits(lo, hi, bits, true) then return names[bits][1] end
  end
  return "long long"
end

-- A constant of file scope (an enumerator, a const variable).
function N:constant(name, value, pos)
  local old = self.values[name]
  if old ~= nil and old ~= value then
    throw(pos, ("redefinition of constant '%s' (was %s, now %s)"):format(
      name, tostring(old), tostring(value)))
  end
  self.values[name] = value
  if not self.prelude then self.constants[name] = value end
end

function N:enum(n, tname, attrs)
  local tag = n.tag and n.tag:match("([%w_]+)$")
  local key = tag and "enum " .. tag
  local entry = key and self.tags[key]
  if not n.body then
    if entry then return entry end
    if not n.base then
      throw(n.pos, ("unknown enum '%s': define it before this use"):format(n.tag or ""))
    end
  elseif entry and not entry.opaque then
    throw(n.pos, ("redefinition of '%s' (a header included twice without a guard?)"):format(key))
  end
  local fixed
  if n.base then
    local bt = self:typename(n.base)
    if bt.kind ~= "scalar" or bt.dims or bt.pointer or not T.integer(self.scalars, bt.base) then
      throw(n.base.pos, "the underlying type of an enum must be an integer type")
    end
    fixed = bt.base
  end
  local members = {}
  local frame = { names = members }
  if tag then self.frames[tag] = frame end
  local scope
  if n.scoped and tag and not self.prelude then
    scope = self.constants[tag] or {}
    self.constants[tag] = scope
  end
  local outer = self.scopes[#self.scopes]
  self.scopes[#self.scopes + 1] = frame -- earlier enumerators, for the later ones
  local nextv, lo, hi = 0, 0, 0
  for i, e in ipairs(n.body or {}) do
    local v = e.value and self:value(e.value) or nextv
    if v == nil then throw(e.pos, ("enumerator '%s' overflows"):format(e.name)) end
    if i == 1 then lo, hi = v, v end
    lo, hi = math.min(lo, v), math.max(hi, v)
    members[e.name] = v
    if scope then
      scope[e.name] = v
    elseif outer and outer.class then -- Class::name (and name, as C has it)
      outer.names[e.name] = v
      self:constant(e.name, v, e.pos)
      if not self.prelude and outer.name then
        self.constants[outer.name] = self.constants[outer.name] or {}
        self.constants[outer.name][e.name] = v
      end
    elseif not n.scoped then
      self:constant(e.name, v, e.pos)
    end
    nextv = v < math.maxinteger and v + 1 or nil
  end
  self.scopes[#self.scopes] = nil
  local _, packed = self:attrs(attrs or {})
  local _, p2 = self:attrs(n.attrs)
  local base = fixed or (n.scoped and "int") or enumtype(lo, hi, packed or p2)
  if not fixed and not n.scoped and self.scalars[base].size == 8 and self.abi ~= "sysv" then
    throw(n.pos, ("enum '%s' has a value beyond 32 bits: MSVC makes it 4 bytes, gcc 8; give"
      .. " it an underlying type (enum %s : int64_t)"):format(tag or "", tag or "E"))
  end
  local t = entry or {}
  t.base, t.kind, t.opaque = base, "scalar", not n.body or nil
  if key then
    self.tags[key] = t
    self:result(tag, t.base, "enum")
  end
  local _ = tname
  return t
end

return N
