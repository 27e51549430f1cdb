-- winshm.cdef.eval -- constant expressions of shm.cdef (array sizes,
-- enumerators, #if, static_assert): C integer arithmetic on Lua integers.
-- Methods of the builder (winshm.cdef.build).
local G = require "winshm.cdef.grammar"
local T = require "winshm.cdef.types"

local E = {}
local throw = G.throw

function E:ident(name, pos)
  local v = self.values[name]
  if v ~= nil then return v end
  local m = self.macros[name]
  if m and m.funclike then
    throw(pos, ("function-like macro '%s' is not supported here"):format(name))
  elseif m and not m.body then
    throw(pos, ("macro '%s' has no value"):format(name))
  elseif m then
    if m.busy then throw(pos, ("macro '%s' refers to itself"):format(name)) end
    m.ast = m.ast or G.expr(m.body, m.bodypos, "the value of macro '" .. name .. "'")
    m.busy = true
    local ok, r = pcall(self.eval, self, m.ast)
    m.busy = nil
    if not ok then error(r, 0) end
    return r
  end
  if self.pp then return 0 end
  throw(pos, ("unknown constant '%s'"):format(name))
end

local function cdiv(a, b)
  local q = a // b
  if q < 0 and q * b ~= a then q = q + 1 end
  return q
end

local binops = {
  ["+"] = function(a, b) return a + b end,
  ["-"] = function(a, b) return a - b end,
  ["*"] = function(a, b) return a * b end,
  ["/"] = cdiv,
  ["%"] = function(a, b) return a - cdiv(a, b) * b end,
  ["<<"] = function(a, b) return a << b end,
  [">>"] = function(a, b) return a >> b | (a < 0 and b > 0 and ~(-1 >> b) or 0) end,
  ["<"] = function(a, b) return a < b and 1 or 0 end,
  [">"] = function(a, b) return a > b and 1 or 0 end,
  ["<="] = function(a, b) return a <= b and 1 or 0 end,
  [">="] = function(a, b) return a >= b and 1 or 0 end,
  ["=="] = function(a, b) return a == b and 1 or 0 end,
  ["!="] = function(a, b) return a ~= b and 1 or 0 end,
  ["&"] = function(a, b) return a & b end,
  ["^"] = function(a, b) return a ~ b end,
  ["|"] = function(a, b) return a | b end,
}

function E:cast(t, v, pos)
  if t.kind ~= "scalar" or t.dims or not T.integer(t.base) then
    throw(pos, "only casts to integer types are supported")
  end
  local bits = 8 * T.size(t.base, self.abi)
  if bits == 64 then return v end
  v = v & ((1 << bits) - 1)
  if not T.unsigned(t.base) and v >= 1 << (bits - 1) then v = v - (1 << bits) end
  return v
end

function E:eval(e)
  local op = e.op
  if op == "num" then return e.value
  elseif op == "id" then return self:ident(e.name, e.pos)
  elseif op == "defined" then
    if not self.pp then throw(e.pos, "'defined' is only allowed in #if") end
    return self.macros[e.name] and 1 or 0
  elseif op == "sizeof" or op == "offsetof" or op == "alignof" then
    if self.pp then throw(e.pos, op .. " is not allowed in #if") end
    local t = self:typename(e.type)
    if op == "sizeof" then return self:sizeof(t, e.pos) end
    if op == "alignof" then
      self:sizeof(t, e.pos) -- (a complete type)
      return self:alignof(t)
    end
    if t.kind == "scalar" or t.dims or t.incomplete then
      throw(e.type.pos, "offsetof needs a struct or union type")
    end
    local ok, v = pcall(self.engine.offsetof, t.base, e.path)
    if not ok then throw(e.pos, tostring(v)) end
    return v
  elseif op == "cast" then
    return self:cast(self:typename(e.type), self:eval(e.a), e.pos)
  elseif op == "?" then
    return self:eval(self:eval(e.c) ~= 0 and e.a or e.b)
  elseif op == "u-" then return -self:eval(e.a)
  elseif op == "u+" then return self:eval(e.a)
  elseif op == "u~" then return ~self:eval(e.a)
  elseif op == "u!" then return self:eval(e.a) == 0 and 1 or 0
  elseif op == "&&" then
    return (self:eval(e.a) ~= 0 and self:eval(e.b) ~= 0) and 1 or 0
  elseif op == "||" then
    return (self:eval(e.a) ~= 0 or self:eval(e.b) ~= 0) and 1 or 0
  end
  local a, b = self:eval(e.a), self:eval(e.b)
  if (op == "/" or op == "%") and b == 0 then throw(e.pos, "division by zero") end
  if (op == "<<" or op == ">>") and (b < 0 or b > 63) then
    throw(e.pos, ("shift count %d is out of range"):format(b))
  end
  return binops[op](a, b)
end

function E:eval_pp(e)
  self.pp = true
  local ok, v = pcall(self.eval, self, e)
  self.pp = nil
  if not ok then error(v, 0) end
  return v
end

return E
