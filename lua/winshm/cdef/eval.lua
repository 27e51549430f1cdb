-- winshm.cdef.eval -- constant expressions of shm.cdef (array sizes,
-- enumerators, #if, static_assert, initializers): C integer arithmetic on
-- Lua integers, names looked up as C++ does, and macros.  Methods of the
-- builder (winshm.cdef.build).
--
-- A macro means what it means where it is used (winshm.cdef.macros); its
-- value is kept for every later use in the same epoch and scope, so a
-- chain of macros that each use the one before twice is evaluated once
-- per macro, not 2^n times.
local G = require "winshm.cdef.grammar"
local L = require "winshm.cdef.lex"
local T = require "winshm.cdef.types"

local E = {}
local throw = L.throw

E.maxnesting = 150 -- macros inside macros (each a C call: the C stack holds 200)

-- The value of expression node e (an entry point: a top-level
-- expression, whose position is where its macros are used).
function E:value(e)
  local outer, height = self.usepos, #self.busy
  if outer == nil then self.usepos = e.pos end
  local ok, v = pcall(self.eval, self, e)
  self.usepos = outer
  if not ok then
    for i = #self.busy, height + 1, -1 do
      local b = self.busy[i]
      b.m.busy[b.key], self.busy[i] = nil, nil
    end
    error(v, 0)
  end
  return v
end

-- ------------------------------------------------------------ names

-- Look name up in scope frame f (a class with its statics and bases, or
-- the enumerators of an enum being read).
local function infrm(f, name, seen)
  local v = f.names[name]
  if v ~= nil then return v end
  for _, b in ipairs(f.bases or {}) do
    if not seen[b] then
      seen[b] = true
      v = infrm(b, name, seen)
      if v ~= nil then return v end
    end
  end
  return nil
end

-- The constant 'name' ("x", "S::x", "ns::E::x") or nil; sets usedscope
-- when a scope of the declaration being read gave it.
function E:lookup(name)
  if not name:find("::", 1, true) then
    for i = #self.scopes, 1, -1 do
      local v = infrm(self.scopes[i], name, {})
      if v ~= nil then self.usedscope = true; return v end
    end
    return self.values[name]
  end
  local quals, last = name:match("^(.-)::([%w_]+)$")
  local q = quals:match("([%w_]+)$")
  local frame = self.frames[q]
  if frame then return infrm(frame, last, {}) end
  return self:lookup(last) -- a namespace: names are not kept apart
end

function E:ident(name, pos)
  if not name:find("::", 1, true) then
    local m = self.macros:at(name, self.usepos or pos)
    if m then return self:macro(name, m, pos) end
  end
  local v = self:lookup(name)
  if v ~= nil then return v end
  if self.pp then return 0 end
  throw(pos, ("unknown constant '%s': define it (#define, enum or const) before this use"):format(name))
end

-- ----------------------------------------------------------- macros

-- Evaluate a macro's body (text at bodypos, or an expansion) for key,
-- with the value kept for later uses in the same epoch and scope.
function E:memo(name, m, key, pos, parse)
  m.memo = m.memo or {}
  local epoch = self.macros:epoch(self.usepos or pos)
  local scope = self.scopes[#self.scopes] or false
  local hit = m.memo[key]
  if hit and hit.epoch == epoch and (not hit.scoped or hit.scope == scope) then
    if hit.err then error(hit.err, 0) end
    return hit.value
  end
  m.busy = m.busy or {}
  if m.busy[key] then throw(pos, ("macro '%s' refers to itself"):format(name)) end
  if #self.busy >= E.maxnesting then
    throw(pos, ("macro '%s' nests more than %d macros deep"):format(name, E.maxnesting))
  end
  m.busy[key] = true
  self.busy[#self.busy + 1] = { m = m, key = key }
  local used = self.usedscope
  self.usedscope = false
  local ok, v = pcall(function() return self:eval(parse()) end)
  local entry = { epoch = epoch, scoped = self.usedscope, scope = scope }
  self.usedscope = used or self.usedscope
  m.busy[key] = nil
  self.busy[#self.busy] = nil
  if not ok then
    if not L.iserror(v) then error(v, 0) end
    entry.err = v
  else
    entry.value = v
  end
  m.memo[key] = entry
  if not ok then error(v, 0) end
  return v
end

function E:macro(name, m, pos)
  if m.funclike then
    throw(pos, ("function-like macro '%s' needs its arguments here"):format(name))
  elseif not m.body then
    throw(pos, ("macro '%s' has no value"):format(name))
  end
  return self:memo(name, m, "", pos, function()
    m.ast = m.ast or G.expr(m.body, m.bodypos, "the value of macro '" .. name .. "'")
    return m.ast
  end)
end

function E:call(e)
  local m = not e.name:find("::", 1, true) and self.macros:at(e.name, self.usepos or e.pos)
  if not (m and m.funclike) then
    throw(e.pos, ("'%s(...)' is a function call, not a constant: write the value itself"):format(e.name))
  end
  return self:memo(e.name, m, e.args, e.pos, function()
    local text = self.macros:expand(m, e.name, e.args, e.pos)
    return G.expr(text, e.pos, "the expansion of macro '" .. e.name .. "'")
  end)
end

-- ------------------------------------------------------- arithmetic

local function cdiv(a, b)
  local q = a // b
  if q < 0 and q * b ~= a then q = q + 1 end
  return q
end

local function overflow(pos) throw(pos, "integer overflow in a constant expression") end

local binops = {
  ["+"] = function(a, b, pos)
    local r = a + b
    if (a >= 0) == (b >= 0) and (r >= 0) ~= (a >= 0) then overflow(pos) end
    return r
  end,
  ["-"] = function(a, b, pos)
    local r = a - b
    if (a >= 0) ~= (b >= 0) and (r >= 0) ~= (a >= 0) then overflow(pos) end
    return r
  end,
  ["*"] = function(a, b, pos)
    local r = a * b
    if a ~= 0 and (r // a ~= b or (a == -1 and b == math.mininteger)) then overflow(pos) end
    return r
  end,
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
  if t.kind ~= "scalar" or t.dims or not T.integer(self.scalars, t.base) then
    throw(pos, "only casts to integer types are supported")
  end
  if self.scalars[t.base].kind == "bool" then return v ~= 0 and 1 or 0 end
  local bits = 8 * self:sizeof(t, pos)
  if bits == 64 then return v end
  v = v & ((1 << bits) - 1)
  if T.signed(self.scalars, t.base, self.abi) and v >= 1 << (bits - 1) then v = v - (1 << bits) end
  return v
end

function E:measure(e)
  if self.pp then throw(e.pos, e.op .. " is not allowed in #if") end
  local t
  if e.member then
    -- ((T *)0)->m: the type is what the pointer points to
    t = self:membertype((self:specs(e.member.type.specs)), e.member.member, e.pos)
  else
    t = self:typename(e.type)
  end
  if e.op == "sizeof" then return self:sizeof(t, e.pos) end
  self:sizeof(t, e.pos) -- (a complete type)
  return self:alignof(t)
end

function E:eval(e)
  local op = e.op
  if op == "num" then return e.value
  elseif op == "id" then return self:ident(e.name, e.pos)
  elseif op == "call" then return self:call(e)
  elseif op == "defined" then
    if not self.pp then throw(e.pos, "'defined' is only allowed in #if") end
    return self.macros:at(e.name, self.usepos or e.pos) and 1 or 0
  elseif op == "sizeof" or op == "alignof" then return self:measure(e)
  elseif op == "offsetof" then
    if self.pp then throw(e.pos, "offsetof is not allowed in #if") end
    return self:offsetof(self:typename(e.type), e.path, e.pos)
  elseif op == "cast" then
    return self:cast(self:typename(e.type), self:eval(e.a), e.pos)
  elseif op == "?" then
    return self:eval(self:eval(e.c) ~= 0 and e.a or e.b)
  elseif op == "u-" then
    local v = self:eval(e.a)
    if v == math.mininteger then overflow(e.pos) end
    return -v
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
  return binops[op](a, b, e.pos)
end

function E:eval_pp(e)
  self.pp = true
  local ok, v = pcall(self.value, self, e)
  self.pp = nil
  if not ok then error(v, 0) end
  return v
end

return E
