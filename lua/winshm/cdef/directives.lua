-- winshm.cdef.directives -- what shm.cdef does with #pragma pack,
-- static_assert and the macros that are constants.  Methods of the
-- builder (winshm.cdef.build).
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"
local G = require "winshm.cdef.grammar"
local pre = require "winshm.cdef.pre"

local D = {}
local throw = L.throw

-- ------------------------------------------------------- #pragma pack

local C, Ct, Cp = lpeg.C, lpeg.Ct, lpeg.Cp
local sp = L.sp
local arg = sp * Cp() * C(L.name + lpeg.R "09"^1)
local packargs = sp * "pack" * sp * "(" * Ct((arg * (sp * "," * arg)^0)^-1)
                 * sp * ")" * sp * -1

function D:pragma(m)
  local word = lpeg.match(sp * C(L.name), m.text, 1, 0)
  if word == "once" then return end
  if word ~= "pack" then
    self:note(m.pos, ("#pragma %s ignored"):format(pre.uncomment(m.text)))
    return
  end
  local args = lpeg.match(packargs, m.text, 1, 0)
  if not args then throw(m.tpos, "malformed #pragma pack: expected pack(n), pack(push[, n]), pack(pop) or pack()") end
  local push, pop, label, value
  for i = 1, #args, 2 do
    local at, a = m.tpos + args[i] - 1, args[i + 1]
    if a:match("^%d") then
      value = tonumber(a)
      if not (value == 1 or value == 2 or value == 4 or value == 8 or value == 16) then
        throw(at, ("#pragma pack(%s): alignment must be 1, 2, 4, 8 or 16"):format(a))
      end
    elseif i == 1 and a == "push" then push = true
    elseif i == 1 and a == "pop" then pop = true
    elseif i == 1 and a == "show" then
      self:note(m.pos, "#pragma pack(show) ignored")
      return
    elseif i > 1 and (push or pop) and not label then label = a
    else
      throw(at, ("#pragma pack: unexpected '%s'"):format(a))
    end
  end
  local stack = self.packstack
  if push then
    stack[#stack + 1] = { value = self.pack, label = label }
  elseif pop then
    local found = #stack
    if label then
      while found > 0 and stack[found].label ~= label do found = found - 1 end
    end
    if found == 0 then
      self:note(m.pos, "#pragma pack(pop) without a matching push ignored")
    else
      self.pack = stack[found].value
      for j = #stack, found, -1 do stack[j] = nil end
    end
  end
  if value then self.pack = value
  elseif not push and not pop then self.pack = 0 end
end

-- -------------------------------------------------------- static_assert

function D:static_assert(m)
  local e, msg = G.static_assert(m.text, m.tpos)
  if not e then
    self:note(m.pos, "static_assert not checked (condition not understood)")
    return
  end
  local ok, v = pcall(self.value, self, e)
  if not ok then
    if not L.iserror(v) then error(v, 0) end
    self:note(m.pos, "static_assert not checked: " .. v.msg)
    return
  end
  if v == 0 then
    throw(m.pos, "static assertion failed" .. (msg and ": " .. msg or ""))
  end
end

-- ---------------------------------------------------------- constants

local floating = sp * lpeg.C(lpeg.S "+-"^-1) * L.Float * sp * -1

-- The macros defined at the end of the text that are constants:
-- integers, floating numbers or strings.  'stop' is the end of the text.
function D:macros_to_constants(stop)
  self.usepos = stop
  for _, m in ipairs(self.macros:final()) do
    local name = m.name
    if m.body and not m.funclike and not m.predefined and self.constants[name] == nil then
      local s = lpeg.match(L.String * sp * -1, m.body, 1, 0)
      local sign, f = lpeg.match(floating, m.body)
      if s then
        self.constants[name] = s
      elseif f then
        self.constants[name] = sign == "-" and -f or f
      else
        local ok, v = pcall(self.macro, self, name, m, m.pos)
        if ok then
          self.constants[name] = v
        elseif not L.iserror(v) then
          error(v, 0)
        elseif not (G.attributes(m.body, m.bodypos, self.macros) or G.typename(m.body, m.bodypos)) then
          -- (attributes and type names are not constants, nor worth a note)
          self:note(m.pos, ("macro '%s' is not a constant: %s"):format(name, v.msg))
        end
      end
    end
  end
  self.usepos = nil
end

return D
