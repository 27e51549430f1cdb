-- winshm.cdef.macros -- the macros of one shm.cdef run, as C sees them:
-- each use finds the definition in effect where it stands, so a macro
-- defined, used, then #undef'd or redefined means at each place what it
-- meant there.  Positions are those of the preprocessed text.
--
-- A definition: { name, pos, body = text or nil (empty), bodypos,
-- funclike = true, params = { names }, variadic = true }.  The epoch of a
-- position counts the #define and #undef before it: a value computed from
-- macros holds for every use in the same epoch (winshm.cdef.eval keeps
-- them so, which makes evaluation linear in the size of the input).
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"

local M = {}
M.__index = M

function M.new()
  return setmetatable({ live = {}, hist = {}, events = {}, spent = 0 }, M)
end

-- The number of #define/#undef events before pos.
function M:epoch(pos)
  local ev = self.events
  local lo, hi = 0, #ev -- the last index with ev[i] < pos
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if ev[mid] < pos then lo = mid else hi = mid - 1 end
  end
  return lo
end

local function record(self, name, def, pos)
  self.live[name] = def or nil
  local h = self.hist[name]
  if not h then h = {}; self.hist[name] = h end
  h[#h + 1] = { pos = pos, def = def }
  self.events[#self.events + 1] = pos
end

-- #define at pos (def.name is the name).
function M:define(def, pos) record(self, def.name, def, pos) end
-- #undef at pos.
function M:undef(name, pos) record(self, name, false, pos) end

-- The definition of name in effect at pos, or nil.
function M:at(name, pos)
  local h = self.hist[name]
  if not h then return nil end
  local lo, hi = 0, #h
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if h[mid].pos < pos then lo = mid else hi = mid - 1 end
  end
  return lo > 0 and h[lo].def or nil
end

-- Every macro defined at the end, in the order of definition.
function M:final()
  local list = {}
  for name, def in pairs(self.live) do list[#list + 1] = def; def.name = name end
  table.sort(list, function(a, b) return a.pos < b.pos end)
  return list
end

-- --------------------------------------------- function-like macros

local quoted = lpeg.P '"' * (lpeg.P "\\" * 1 + (1 - lpeg.S '"\\'))^0 * lpeg.P '"'
             + lpeg.P "'" * (lpeg.P "\\" * 1 + (1 - lpeg.S "'\\"))^0 * lpeg.P "'"
-- The arguments of '(a, (b, c), d)': { "a", "(b, c)", "d" }.
local arg = lpeg.C(((quoted + L.Parens + L.Brackets + L.Braces + (1 - lpeg.S ",()[]{}")))^0)
local args = lpeg.P "(" * lpeg.Ct(arg * ("," * arg)^0) * ")"
local hashes = (quoted + L.comment + (1 - lpeg.P "#"))^0 * lpeg.P "#"

-- Macro expansion is bounded by the size it may produce in all.
M.budget = 1 << 24

-- The body of the function-like macro m with the arguments of the call
-- text 'call' ("(...)") put in for its parameters (C's substitution,
-- without # and ##).  At pos: where it is used, for messages.
function M:expand(m, name, call, pos)
  local list = args:match(call)
  if #list == 1 and list[1]:find("^%s*$") then list = {} end
  local n = #m.params
  if #list < n or (#list > n and not m.variadic) then
    L.throw(pos, ("macro '%s' takes %d argument%s, got %d"):format(
      name, n, n == 1 and "" or "s", #list))
  end
  local body = m.body or ""
  if lpeg.match(hashes, body) then
    L.throw(pos, ("macro '%s' uses # or ##, which shm.cdef does not support:"
      .. " write the declaration it makes by hand"):format(name))
  end
  local map = {}
  for i, p in ipairs(m.params) do map[p] = list[i] end
  if m.variadic then map.__VA_ARGS__ = table.concat(list, ",", n + 1) end
  local sub = lpeg.Cs((quoted + L.comment + lpeg.C(L.name) / map + 1)^0)
  local out = " " .. sub:match(body) .. " "
  self.spent = self.spent + #out
  if self.spent > M.budget then
    L.throw(pos, ("the expansion of macro '%s' makes more than %d MB of text"):format(
      name, M.budget >> 20))
  end
  return out
end

return M
