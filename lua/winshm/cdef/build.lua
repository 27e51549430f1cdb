-- winshm.cdef.build -- the meaning of parsed declarations: type names,
-- declarators, typedefs and the declarations of a file.  Structs, unions
-- and classes are laid out in winshm.cdef.record, enums in
-- winshm.cdef.enum, variables and constants in winshm.cdef.values,
-- expressions in winshm.cdef.eval, #pragma pack and static_assert in
-- winshm.cdef.directives; all are methods of one builder.
--
-- A type ('tinfo'): { kind = "scalar", base = scalar name } (pointers
-- too: pointer = true) | { kind = "struct" | "union", rec = record
-- (winshm.cdef.record) } | { void = true } | { func = true } | { ref =
-- true }, with dims = { d1, ... } for arrays and via = { typedef names }
-- for a scalar named through typedefs.  A struct declared and not yet
-- defined is { incomplete = "struct X", kind = ... }, completed in place.
local L = require "winshm.cdef.lex"
local G = require "winshm.cdef.grammar"
local T = require "winshm.cdef.types"

local B = {}
B.__index = B
for _, part in ipairs { "winshm.cdef.eval", "winshm.cdef.directives", "winshm.cdef.record",
                        "winshm.cdef.enum", "winshm.cdef.values" } do
  for k, f in pairs(require(part)) do B[k] = f end
end

local throw = L.throw
local reserved = { constants = true, notes = true }

-- ------------------------------------------------------------ types

function B:sizeof(t, pos)
  if t.void then throw(pos, "sizeof(void) is not allowed") end
  if t.func then throw(pos, "a function has no size") end
  if t.incomplete then
    throw(pos, ("incomplete type '%s': define it before this use"):format(t.incomplete))
  end
  local n = t.kind == "scalar" and self.scalars[t.base].size or t.rec.size
  for _, d in ipairs(t.dims or {}) do n = n * d end
  return n
end

function B:alignof(t)
  if t.kind == "scalar" then return self.scalars[t.base].size end
  return t.rec.align
end

-- The value of a macro used as a type name, or nil.
function B:macrotype(m)
  if m.typebusy then return nil end
  local tn = G.typename(m.body, m.bodypos)
  if not tn then return nil end
  m.typebusy = true
  local ok, t = pcall(self.typename, self, tn)
  m.typebusy = nil
  if not ok then error(t, 0) end
  return t
end

-- A type by name; 'ns::Outer::Inner' finds Inner (tags and typedefs are
-- kept in one scope); 'T::member' is the type of a member.
function B:named(name, pos)
  local qualified = name:find("::", 1, true)
  if not qualified then
    local m = self.macros:at(name, self.usepos or pos)
    if m and m.body and not m.funclike then
      local t = self:macrotype(m)
      if t then return t end
    end
  end
  local short = name:match("([%w_]+)$")
  local t = self.typedefs[short] or self.tags["struct " .. short]
            or self.tags["union " .. short] or self.tags["enum " .. short]
  if t and t.switch then -- TCHAR: char, or char16_t with UNICODE defined
    local on = self.macros:at(t.switch[1], self.usepos or pos)
    return { kind = "scalar", base = on and t.switch[3] or t.switch[2], via = t.via }
  elseif t then
    return t
  end
  if qualified then -- Type::member
    local owner = name:match("^(.-)::[%w_]+$")
    local o = self.typedefs[owner:match("([%w_]+)$")] or self.tags["struct " .. owner:match("([%w_]+)$")]
    if o and o.rec then return self:membertype(o, short, pos) end
    if not o then name = owner end
  end
  throw(pos, ("unknown type name '%s': declare it before its use (or #include its header,"
    .. " found through the include option)"):format(name))
end

-- The type of member 'path' ("a.b") of record type t, or of "T::m".
function B:membertype(t, path, pos)
  if not t then
    if not path:find("::", 1, true) then
      throw(pos, "decltype needs a member: decltype(Type::member)")
    end
    return self:named(path, pos)
  end
  for part in path:gmatch("[^.]+") do
    local f = t.rec and not t.dims and t.rec.byname[part]
    if not f then
      throw(pos, ("no member '%s' in '%s'"):format(part, t.rec and t.rec.name or "a scalar"))
    end
    t = f.t
  end
  return t
end

-- offsetof(t, path): path is a list of member names and { index } nodes.
function B:offsetof(t, path, pos)
  if not t.rec or t.dims then throw(pos, "offsetof needs a struct or union type") end
  local off = 0
  for _, p in ipairs(path) do
    if type(p) == "string" then
      local f = t.rec and not t.dims and t.rec.byname[p]
      if not f then
        throw(pos, ("no member '%s' in '%s'"):format(p, t.rec and t.rec.name or "an array"))
      end
      off, t = off + f.offset, f.t
    else
      if not t.dims then throw(pos, "offsetof: an index needs an array") end
      local elem = { base = t.base, kind = t.kind, rec = t.rec, dims = #t.dims > 1
                     and table.move(t.dims, 2, #t.dims, 1, {}) or nil }
      off, t = off + self:value(p[1]) * self:sizeof(elem, pos), elem
    end
  end
  return off
end

-- std::array<T, N> is T[N]; other templates are not known.
function B:template(n)
  local short = n.name:match("([%w_]+)$")
  if short == "array" and (n.name == "array" or n.name:match("^:*std::array$")) then
    local tn, size = G.array_args(n.targs, n.tpos)
    if tn then
      return self:array_of(self:typename(tn), { expr = size, pos = size.pos })
    end
  end
  throw(n.pos, ("template type '%s%s' is not supported: declare the struct it stands for"
    .. " by hand"):format(n.name, n.targs))
end

-- Whether declarator d makes a pointer, reference or function of its
-- base type (which then need not be known: a function's return type, a
-- pointer's target).
local function wraps(d)
  if not d then return false end
  if #(d.ptrs or {}) > 0 then return true end
  for _, s in ipairs(d.suffix or {}) do if s.k == "params" then return true end end
  return wraps(d.inner)
end
function B.wrapsall(decls)
  if #decls == 0 then return false end
  for _, d in ipairs(decls) do
    if not wraps(d) then return false end
  end
  return true
end

-- Declaration specifiers -> tinfo, attributes, storage words, base node.
-- 'tname' names an anonymous struct defined here (typedef struct {} N;);
-- with 'lead' leading attributes go to a struct defined here; with 'any'
-- a type name need not be known (the declarators wrap it).
function B:specs(list, tname, lead, any)
  local attrs, storage, base = {}, {}, nil
  local function scan(items)
    for _, it in ipairs(items) do
      if it.k == "macro" then
        scan(it.items)
      elseif it.k == "attrs" or it.k == "attr" then
        attrs[#attrs + 1] = it
      elseif it.k == "storage" then
        storage[it.word] = true
      elseif it.k == "pragma" then
        self:pragma(it)
      else
        base = it
      end
    end
  end
  scan(list)
  local t
  if base.k == "scalar" then
    local s, err = T.fromwords(base.words)
    if not s then throw(base.pos, err) end
    t = s == "void" and { void = true } or { base = s, kind = "scalar" }
  elseif base.k == "name" and any then
    t = { base = "int", kind = "scalar", unknown = base.name }
  elseif base.k == "name" then
    t = base.targs and self:template(base) or self:named(base.name, base.pos)
  elseif base.k == "decltype" then
    t = self:membertype(nil, base.member, base.pos)
  elseif base.k == "struct" then
    t = self:struct(base, tname, lead and attrs)
  else
    t = self:enum(base, tname, attrs)
  end
  return t, attrs, storage, base
end

-- ------------------------------------------------------ declarators

function B:pointer_to()
  return { base = T.pointer(self.abi), kind = "scalar", pointer = true }
end

function B:array_of(t, dim, name, sized)
  if not dim.expr and sized then -- 'x[] = "..."': sized by its initializer
    local dims = { 0 }
    table.move(t.dims or {}, 1, #(t.dims or {}), 2, dims)
    return { base = t.base, kind = t.kind, rec = t.rec, dims = dims, via = t.via, unsized = true }
  end
  if not dim.expr then
    throw(dim.pos, "arrays of unspecified size are not supported: give the size"
      .. " (for a flexible array member, declare the fixed part only)")
  end
  if t.void or t.func or t.ref then
    throw(dim.pos, ("array of %s"):format(t.void and "void" or t.func and "functions"
      or "references"))
  end
  local n = self:value(dim.expr)
  if math.type(n) ~= "integer" or n < 1 then
    throw(dim.pos, ("size of array '%s' must be at least 1 (is %s): declare the array with"
      .. " its real size"):format(name or "", tostring(n)))
  end
  local dims = { n }
  table.move(t.dims or {}, 1, #(t.dims or {}), 2, dims)
  return { base = t.base, kind = t.kind, rec = t.rec, dims = dims, via = t.via,
           incomplete = t.incomplete }
end

-- The type of declarator d (a declarator or an abstract one) applied to
-- t, inside out as C reads it: pointers, then the suffixes from the
-- right, then the inner declarator.  With 'sized', an array may take its
-- size from an initializer.
function B:derive(t, d, sized)
  for _, p in ipairs(d.ptrs or {}) do
    if p == "*" then t = self:pointer_to(t) else t = { ref = true } end
  end
  local suffix = d.suffix or {}
  for i = #suffix, 1, -1 do
    local s = suffix[i]
    if s.k == "params" then
      if t.func then throw(s.pos, "a function returning a function") end
      t = { func = true }
    else
      t = self:array_of(t, s, d.name, sized and d.init ~= nil)
    end
  end
  if d.inner then return self:derive(t, d.inner, sized) end
  return t, d.name
end

function B:typename(tn)
  return (self:derive(self:specs(tn.specs), tn.decl))
end

-- The ';' a declaration needs (none after a function's body).
function B:ended(m, types)
  if not m.missing then return end
  local last = m.decls[#m.decls]
  if last and last.init and last.init.brace and types and types[#types].func then return end
  throw(m.missing.pos, "expected ';', found " .. L.describe(self.text, m.missing.pos))
end

-- ---------------------------------------------------------- results

function B:result(name, value, keyword)
  if self.prelude then return end
  if keyword then self.out[keyword .. " " .. name] = value end
  if reserved[name] then
    if not keyword then self.out["typedef " .. name] = value end
  elseif self.out[name] == nil or not keyword then
    self.out[name] = value
  end
end

-- The result value of a type: a layout or a scalar name (nil: none).
function B:resultof(t)
  if t.dims or t.void or t.func or t.ref or t.incomplete then return nil end
  if t.kind == "scalar" then return t.base end
  return t.rec.layout
end

local function same(a, b)
  if a == b then return true end
  if a.base ~= b.base or a.kind ~= b.kind or a.rec ~= b.rec
     or #(a.dims or {}) ~= #(b.dims or {}) then
    return false
  end
  for i, d in ipairs(a.dims or {}) do
    if b.dims[i] ~= d then return false end
  end
  return true
end

-- An alignment attribute on a typedef (not on a struct it defines) would
-- change the type's alignment but not its size: not supported.
function B:typedef_attrs(list, at)
  if self:attrs(list or {}) > 0 then
    throw(at, "alignment attributes on a typedef are not supported (align the struct)")
  end
end

-- One typedef name for type dt.
function B:typedef_name(name, dt, pos)
  local old = self.typedefs[name]
  if old and not old.predefined and not same(old, dt) then
    throw(pos, ("conflicting types for typedef '%s'"):format(name))
  end
  if dt.func then
    self:note(pos, ("typedef '%s' of a function type skipped"):format(name))
    return
  end
  if dt.kind == "scalar" then -- its name is kept, for the text option
    local via = { [name] = true }
    for k in pairs(dt.via or {}) do via[k] = true end
    dt = { base = dt.base, kind = dt.kind, dims = dt.dims, pointer = dt.pointer, via = via }
  end
  self.typedefs[name] = dt
  if dt.incomplete and not dt.dims then -- in the result once defined
    dt.aliases = dt.aliases or {}
    dt.aliases[#dt.aliases + 1] = name
  else
    local r = self:resultof(dt)
    if r then self:result(name, r) end
  end
end

function B:typedef(m)
  local first = m.decls[1]
  local tname = first and #first.ptrs == 0 and #first.suffix == 0 and not first.inner
                and first.name or nil
  local t, attrs, _, base = self:specs(m.specs, tname, true, B.wrapsall(m.decls))
  if not (base.k == "struct" and base.body) then self:typedef_attrs(attrs, base.pos) end
  self:ended(m)
  for _, d in ipairs(m.decls) do
    if d.init then throw(d.pos, "a typedef cannot have an initializer") end
    self:typedef_attrs(d.pre, d.pos)
    self:typedef_attrs(d.attrs, d.pos)
    local dt, name = self:derive(t, d)
    self:typedef_name(name, dt, d.pos)
  end
end

-- using A = B;
function B:alias(m)
  self:typedef_name(m.name, self:typename(m.type), m.pos)
end

-- A declaration at file scope.
function B:declaration(m)
  if m.typedef then return self:typedef(m) end
  local t = self:specs(m.specs, nil, #m.decls == 0, B.wrapsall(m.decls))
  local types, names = {}, {}
  for i, d in ipairs(m.decls) do types[i], names[i] = self:derive(t, d, true) end
  self:ended(m, types)
  for i, d in ipairs(m.decls) do
    local vt, name = types[i], names[i]
    if vt.func then
      self:note(d.pos, ("function '%s' skipped"):format(name))
    elseif name:find("::", 1, true) then
      self:note(d.pos, ("definition of static member '%s' skipped"):format(name))
    else
      self:variable(vt, d, name)
    end
  end
end

-- ---------------------------------------------------------- the file

-- One item: at file scope, or in the record st.
function B:item(m, st)
  local k = m.k
  if k == "pragma" then self:pragma(m)
  elseif k == "static_assert" then self:static_assert(m)
  elseif k == "block" then self:items(m.items)
  elseif k == "using" then self:alias(m)
  elseif k == "usingdecl" then self:note(m.pos, ("using-declaration '%s' skipped"):format(m.name))
  elseif k == "template" then
    self:note(m.pos, "template skipped (a template declares no data until it is used)")
  elseif k == "friend" then self:note(m.pos, "friend declaration skipped")
  elseif k == "macros" then self:specs_only(m.items)
  elseif k == "ctor" then
    if st then return self:ctor(st, m) end
    self:note(m.pos, ("'%s(...)' skipped (a function, or a function-like macro not"
      .. " defined here)"):format(m.name))
  elseif k == "decl" then
    if st then return self:member(st, m) end
    self:declaration(m)
  elseif k == "access" then
    st.access = m.word
  end
end

-- Macros that stand alone (PACK_BEGIN ...): their pragmas apply.
function B:specs_only(items)
  for _, it in ipairs(items) do
    if it.k == "macro" then self:specs_only(it.items)
    elseif it.k == "pragma" then self:pragma(it)
    end
  end
end

function B:items(list)
  for _, m in ipairs(list) do self:item(m) end
end

function B.new(ctx)
  local self = setmetatable(ctx, B)
  self.tags, self.typedefs, self.values, self.frames = {}, {}, {}, {}
  self.scopes, self.busy = {}, {}
  self.pack, self.packstack = 0, {}
  self.scalars = ctx.engine.scalars(self.abi)
  for k, v in pairs(T.predefined(self.abi)) do
    if v == "tchar" then
      self.typedefs[k] = { switch = T.switched[k], kind = "scalar", predefined = true,
                           via = { [k] = true } }
    else
      self.typedefs[k] = { base = v, kind = "scalar", predefined = true, via = { [k] = true } }
    end
  end
  return self
end

return B
