-- winshm.cdef.values -- variables and static members: those whose value
-- is known (const or constexpr, with an initializer shm.cdef reads)
-- become constants: integers, floating numbers (as the compiler holds
-- them: a float rounded to float) and strings; the others are skipped
-- with a note.  Methods of the builder (winshm.cdef.build).
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"
local G = require "winshm.cdef.grammar"

local V = {}

local sp = L.sp
local floating = sp * lpeg.C(lpeg.S "+-"^-1) * L.Float * sp * -1
local string_only = L.String * sp * -1

-- The text of initializer init ("= x" or "{x}"), or nil when empty.
local function inittext(init)
  local text = init.text or init.brace:sub(2, -2)
  if not text:find("%S") then return nil end
  return text, init.brace and init.at + 1 or init.at
end

-- An integer constant expression's value (nil: it is not one).
function V:intvalue(text, at)
  local ok, e = pcall(G.expr, text, at)
  if not ok then
    if not L.iserror(e) then error(e, 0) end
    return nil, e.msg
  end
  local ok2, v = pcall(self.value, self, e)
  if not ok2 then
    if not L.iserror(v) then error(v, 0) end
    return nil, v.msg
  end
  return v
end

-- The value of a variable of type t initialized with init, or nil and
-- why not.
function V:initvalue(t, init)
  local text, at = inittext(init)
  if not text then return nil, "no value" end
  local s = t.kind == "scalar" and self.scalars[t.base]
  local chars = s and (s.kind == "char" or s.kind == "char16" or s.kind == "char32")
  if s and (t.pointer or (t.dims and #t.dims == 1)) then
    local str = lpeg.match(string_only, text)
    if str and (chars or t.pointer) and (t.pointer or t.unsized or #str < t.dims[1]) then
      return str
    end
    return nil, t.pointer and "not a string" or "an array"
  elseif not s or t.dims then
    return nil, "an aggregate"
  elseif s.kind == "float" or s.kind == "double" then
    local sign, v = lpeg.match(floating, text)
    if not v then
      v = self:intvalue(text, at)
      if not v then return nil, "not a number shm.cdef evaluates" end
      sign = ""
    end
    if sign == "-" then v = -v end
    v = v + 0.0
    if s.kind == "float" then v = string.unpack("<f", string.pack("<f", v)) end
    return v
  end
  local v, why = self:intvalue(text, at)
  if v == nil then return nil, why end
  return self:cast(t, v, at)
end

-- Variables (or, with st, static members of the record st) of type t
-- declared by d: constants when their initializer gives their value.
function V:variable(t, d, name, st)
  local what = st and ("static member '%s::%s'"):format(st.name, name) or
               ("variable '%s'"):format(name)
  local v, why
  if d.init then v, why = self:initvalue(t, d.init) end
  if v == nil then
    self:note(d.pos, ("%s skipped%s"):format(what, why and " (" .. why .. ")" or ""))
    return
  end
  if st then
    st.frame.names[name] = v
    if not self.prelude then
      self.constants[st.name] = self.constants[st.name] or {}
      self.constants[st.name][name] = v
    end
  else
    self:constant(name, v, d.pos)
  end
end

return V
