-- winshm.cdef.build -- the meaning of parsed declarations: types, enums,
-- typedefs, and one shm.struct / shm.union spec per struct or union.
-- Expressions are in winshm.cdef.eval; #pragma pack, static_assert and
-- macro constants in winshm.cdef.directives.
--
-- A type ('tinfo') is { base = scalar name | layout, kind = "scalar" |
-- "struct" | "union", dims = { d1, ... } | nil }; an incomplete struct
-- (declared, not yet defined) is { incomplete = "struct X", kind = ... },
-- completed in place by its definition; void is { void = true }.
local G = require "winshm.cdef.grammar"
local T = require "winshm.cdef.types"

local B = {}
B.__index = B
for _, part in ipairs { "winshm.cdef.eval", "winshm.cdef.directives" } do
  for k, f in pairs(require(part)) do B[k] = f end
end

local throw = G.throw
local reserved = { constants = true, notes = true }

local function alignup(n, a) return (n + a - 1) // a * a end
local function ispow2(n) return n >= 1 and n & (n - 1) == 0 end

-- ------------------------------------------------------------ types

function B:sizeof(t, pos)
  if t.void then throw(pos, "sizeof(void) is not allowed") end
  if t.incomplete then throw(pos, "incomplete type '" .. t.incomplete .. "'") end
  local n = t.kind == "scalar" and T.size(t.base, self.abi) or self.engine.sizeof(t.base)
  for _, d in ipairs(t.dims or {}) do n = n * d end
  return n
end

function B:alignof(t)
  if t.kind == "scalar" then return T.size(t.base, self.abi) end
  return self.engine.alignof(t.base)
end

-- The value of a macro used as a type name, or nil.
function B:macrotype(name)
  local m = self.macros[name]
  if not (m and m.body) or m.busy then return nil end
  local tn = G.typename(m.body, m.bodypos)
  if not tn then return nil end
  m.busy = true
  local t = self:typename(tn)
  m.busy = nil
  return t
end

-- A type by name; 'ns::Outer::Inner' finds Inner (every tag and typedef
-- is kept in one scope).
function B:named(name, pos)
  local short = name:match("([%w_]+)$")
  local t = self.typedefs[short] or self.tags["struct " .. short]
            or self.tags["union " .. short] or self.tags["enum " .. short]
            or (short == name and self:macrotype(name) or nil)
  if not t then throw(pos, ("unknown type name '%s'"):format(name)) end
  return t
end

-- Declaration specifiers -> tinfo, attributes, storage words, base node.
-- 'tname' names an anonymous struct defined here (typedef struct {} N;);
-- 'tattrs' (leading attributes) go to a struct defined here.
function B:specs(list, tname, tattrs)
  local attrs, storage, base = {}, {}, nil
  for _, it in ipairs(list) do
    if it.k == "attrs" or it.k == "attr" then
      attrs[#attrs + 1] = it
    elseif it.k == "storage" then
      storage[it.word] = true
    else
      base = it
    end
  end
  local t
  if base.k == "scalar" then
    local s, err = T.fromwords(base.words)
    if not s then throw(base.pos, err) end
    t = s == "void" and { void = true } or { base = s, kind = "scalar" }
  elseif base.k == "name" then
    t = self:named(base.name, base.pos)
  elseif base.k == "struct" then
    t = self:struct(base, tname, tattrs and attrs)
  else
    t = self:enum(base, tname, attrs)
  end
  return t, attrs, storage, base
end

-- Apply a declarator (pointers, array dimensions) to a type.
function B:declarator(t, d)
  if d.pointer > 0 then t = { base = T.pointer, kind = "scalar" } end
  if #d.dims == 0 then return t end
  local dims = {}
  for _, dim in ipairs(d.dims) do
    if not dim.expr then
      throw(dim.pos, "arrays of unspecified size are not supported")
    end
    local n = self:eval(dim.expr)
    if n < 1 then
      throw(dim.pos, ("size of array '%s' must be at least 1 (is %d)"):format(d.name or "", n))
    end
    dims[#dims + 1] = n
  end
  table.move(t.dims or {}, 1, #(t.dims or {}), #dims + 1, dims)
  return { base = t.base, kind = t.kind, dims = dims, void = t.void,
           incomplete = t.incomplete }
end

function B:typename(tn)
  local t = self:specs(tn.specs)
  return self:declarator(t, { pointer = tn.pointer, dims = tn.dims })
end

-- The alignment an attribute list asks for (0 = none) and 'packed'.
local function flatten(list, out)
  out = out or {}
  for _, a in ipairs(list) do
    if a.k == "attrs" then
      flatten(a.list, out)
    else
      out[#out + 1] = a
    end
  end
  return out
end

function B:attrs(list)
  local align, packed = 0, false
  for _, a in ipairs(flatten(list)) do
    local nm = a.name:gsub("^__(.-)__$", "%1")
    if nm == "aligned" or nm == "align" then
      local n
      if a.type then
        local tn = a.type[1]
        local ok, t = pcall(self.typename, self, tn)
        if ok then
          n = self:alignof(t)
        elseif tn.specs[#tn.specs].k == "name" then -- alignas(CONSTANT)
          n = self:ident(tn.specs[#tn.specs].name, tn.pos)
        else
          error(t, 0)
        end
      elseif a.args then
        n = self:eval(a.args[1])
      else
        n = 16 -- __attribute__((aligned)): the largest alignment of x86-64
      end
      if not ispow2(n) then
        throw(a.pos, ("requested alignment %d is not a power of 2"):format(n))
      end
      align = math.max(align, n)
    elseif nm == "packed" then
      packed = true
    else
      self:note(a.pos, ("attribute '%s' ignored"):format(a.name))
    end
  end
  return align, packed
end

-- ---------------------------------------------------------- structs

function B:make(kind, spec, pos)
  local ok, layout = pcall(self.engine[kind], spec)
  if not ok then
    throw(pos, ("%s %s: %s"):format(kind, spec.name or "<anonymous>", tostring(layout)))
  end
  return layout
end

function B:result(name, value, keyword)
  if keyword then self.out[keyword .. " " .. name] = value end
  if reserved[name] then
    if not keyword then self.out["typedef " .. name] = value end
  elseif self.out[name] == nil or not keyword then
    self.out[name] = value
  end
end

-- Where the next field of st starts (bytes): the end of the last field.
function B:prefixend(st)
  if st.pending then return st.pending end
  local last = st.spec[#st.spec]
  if not last then return 0 end
  local probe = { pack = st.packed and 1 or st.pragma, abi = st.spec.abi, name = st.spec.name }
  table.move(st.spec, 1, #st.spec, 1, probe)
  local layout = self:make("struct", probe, st.pos)
  return self.engine.offsetof(layout, last[1]) + self:sizeof(st.types[#st.spec])
end

-- Add one field (spec entry f of type t) with the alignment attributes of
-- its declaration; a field the engine would not place by itself gets an
-- explicit offset.
function B:place(st, f, t, align, pos)
  if align > 0 or st.pending then
    -- gcc: __attribute__((packed)) on the struct makes a member's own
    -- alignment 1, an aligned attribute raises it again; #pragma pack
    -- caps both.
    local natural = self:alignof(t)
    local normal = st.packed and 1 or natural
    local want = math.max(normal, align)
    local eff = want
    if st.pragma then eff, normal = math.min(want, st.pragma), math.min(normal, st.pragma) end
    if st.kind == "struct" and (eff ~= normal or st.pending) then
      f.offset = alignup(self:prefixend(st), eff)
      st.pending = nil
    end
    if eff > normal then st.spec.align = math.max(st.spec.align or 1, eff) end
  end
  if st.names[f[1]] then throw(pos, ("duplicate member '%s'"):format(f[1])) end
  st.names[f[1]] = true
  st.spec[#st.spec + 1] = f
  st.types[#st.spec] = t
end

-- A C11 anonymous struct or union member: its fields join st at their
-- offsets inside it.
function B:anonymous(st, t, sub, pos)
  local eff = st.packed and 1 or self:alignof(t)
  if st.pragma then eff = math.min(eff, st.pragma) end
  local base = st.kind == "struct" and alignup(self:prefixend(st), eff) or 0
  for i, f in ipairs(sub.spec) do
    local g = { f[1], f[2], f[3], offset = base + self.engine.offsetof(t.base, f[1]) }
    if st.names[g[1]] then throw(pos, ("duplicate member '%s'"):format(g[1])) end
    st.names[g[1]] = true
    st.spec[#st.spec + 1] = g
    st.types[#st.spec] = sub.types[i]
  end
  st.spec.align = math.max(st.spec.align or 1, eff)
  st.pending = base + self:sizeof(t)
  st.minsize = math.max(st.minsize, st.pending)
end

function B:member(st, m)
  if m.typedef then return self:typedef(m) end
  local t, attrs, storage, base = self:specs(m.specs)
  if storage.static then
    return self:variables(t, m, "static member", st.spec.name)
  end
  if #m.decls == 0 then
    if base.k == "struct" and base.body and not base.tag then
      self:anonymous(st, t, self.last, base.pos)
    end
    return
  end
  local align, packed = self:attrs(attrs)
  for _, d in ipairs(m.decls) do
    local ft = self:declarator(t, d)
    if ft.void then throw(d.pos, ("member '%s' has type void"):format(d.name)) end
    if ft.incomplete then
      throw(d.pos, ("member '%s' has incomplete type '%s'"):format(d.name, ft.incomplete))
    end
    local a, p = self:attrs(d.pre)
    local a2, p2 = self:attrs(d.attrs)
    if packed or p or p2 then
      throw(d.pos, "__attribute__((packed)) on a member is not supported (pack the struct)")
    end
    if d.init then self:note(d.pos, ("initializer of member '%s' ignored"):format(d.name)) end
    local f = { d.name, ft.base }
    if ft.dims then f[3] = #ft.dims == 1 and ft.dims[1] or ft.dims end
    self:place(st, f, ft, math.max(align, a, a2), d.pos)
  end
end

function B:struct(n, tname, lead)
  local kind = n.kind == "class" and "struct" or n.kind
  local key = n.tag and kind .. " " .. n.tag
  if not key and not n.body then throw(n.stop, "expected a tag name or '{'") end
  local entry = key and self.tags[key]
  if not n.body then
    if not entry then
      entry = { incomplete = key, kind = kind }
      self.tags[key] = entry
    end
    return entry
  end
  if entry and not entry.incomplete then
    throw(n.pos, ("redefinition of '%s'"):format(key))
  end
  local spec = { name = n.tag or tname, abi = self.abiopt }
  local st = { kind = kind, spec = spec, types = {}, names = {}, pos = n.pos, minsize = 0 }
  local align, packed = self:attrs(n.attrs)
  local a2, p2 = self:attrs(n.post)
  local a3, p3 = self:attrs(lead or {})
  align, packed = math.max(align, a2, a3), packed or p2 or p3
  st.pragma = self.pack ~= 0 and self.pack or nil
  st.packed = packed
  for _, m in ipairs(n.body) do
    if m.k == "pragma" then
      self:pragma(m)
    elseif m.k == "static_assert" then
      self:static_assert(m)
    elseif m.k == "decl" then
      self:member(st, m)
    end
  end
  -- #pragma pack applies as it stands at the closing brace.
  spec.pack = packed and 1 or (self.pack ~= 0 and self.pack or nil)
  if align > 0 then spec.align = math.max(spec.align or 1, align) end
  local layout = self:make(kind, spec, n.pos)
  if st.minsize > 0 then
    local size = alignup(st.minsize, self.engine.alignof(layout))
    if size > self.engine.sizeof(layout) then
      spec.size = size
      layout = self:make(kind, spec, n.pos)
    end
  end
  self.last = st
  local t = entry or {}
  t.incomplete, t.base, t.kind = nil, layout, kind
  if key then
    self.tags[key] = t
    self:result(n.tag, layout, kind)
  end
  for _, alias in ipairs(t.aliases or {}) do self:result(alias, layout) end
  t.aliases = nil
  return t
end

-- ------------------------------------------------------------ enums

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

function B:constant(name, value, pos)
  local old = self.constants[name]
  if old ~= nil and old ~= value then
    throw(pos, ("redefinition of constant '%s' (was %s, now %s)"):format(
      name, tostring(old), tostring(value)))
  end
  self.constants[name] = value
  self.values[name] = value
end

function B:enum(n, tname, attrs)
  local key = n.tag and "enum " .. n.tag
  local entry = key and self.tags[key]
  if not n.body then
    if entry then return entry end
    if not n.base then
      throw(n.pos, ("unknown enum '%s'"):format(n.tag or ""))
    end
  elseif entry then
    throw(n.pos, ("redefinition of '%s'"):format(key))
  end
  local fixed
  if n.base then
    local bt = self:typename(n.base)
    if bt.kind ~= "scalar" or bt.dims or not T.integer(bt.base) then
      throw(n.base.pos, "the underlying type of an enum must be an integer type")
    end
    fixed = bt.base
  end
  local scope
  if n.scoped and n.tag then
    scope = self.constants[n.tag] or {}
    self.constants[n.tag] = scope
  end
  local nextv, lo, hi = 0, 0, 0
  for i, e in ipairs(n.body or {}) do
    local v = e.value and self:eval(e.value) or nextv
    if i == 1 then lo, hi = v, v end
    lo, hi = math.min(lo, v), math.max(hi, v)
    if scope then
      scope[e.name] = v
      self.values[n.tag .. "::" .. e.name] = v
    else
      self:constant(e.name, v, e.pos)
      if n.tag then self.values[n.tag .. "::" .. e.name] = v end
    end
    if n.scoped and not n.tag then self.values[e.name] = v end
    nextv = v + 1
  end
  local _, packed = self:attrs(attrs or {})
  local _, p2 = self:attrs(n.attrs)
  local t = { base = fixed or (n.scoped and "int") or enumtype(lo, hi, packed or p2),
              kind = "scalar" }
  if key then
    self.tags[key] = t
    self:result(n.tag, t.base, "enum")
  end
  local _ = tname
  return t
end

-- --------------------------------------------------- declarations

-- 'static const int N = 4;' and friends: integer constants.  A static
-- member's constant is constants[Struct][name] (and Struct::name).
function B:variables(t, m, what, scope)
  for _, d in ipairs(m.decls) do
    local vt = self:declarator(t, d)
    if d.init and vt.kind == "scalar" and not vt.dims and T.integer(vt.base) then
      local v = self:eval(d.init)
      if scope then
        self.constants[scope] = self.constants[scope] or {}
        self.constants[scope][d.name] = v
        self.values[scope .. "::" .. d.name] = v
        self.values[d.name] = v
      else
        self:constant(d.name, v, d.pos)
      end
    else
      self:note(d.pos, ("%s '%s' ignored"):format(what, d.name))
    end
  end
end

local function same(a, b)
  if a == b then return true end
  if a.base ~= b.base or a.kind ~= b.kind or #(a.dims or {}) ~= #(b.dims or {}) then
    return false
  end
  for i, d in ipairs(a.dims or {}) do
    if b.dims[i] ~= d then return false end
  end
  return true
end

-- An alignment attribute on a typedef (not on a struct it defines) would
-- change the type's alignment but not its size: not supported.
function B:typedef_attrs(list, base)
  local align = self:attrs(list or {})
  if align > 0 then
    throw(base.pos, "alignment attributes on a typedef are not supported (align the struct)")
  end
end

function B:typedef(m)
  local first = m.decls[1]
  local tname = first and first.pointer == 0 and #first.dims == 0 and first.name or nil
  local t, attrs, _, base = self:specs(m.specs, tname, true)
  if not (base.k == "struct" and base.body) then self:typedef_attrs(attrs, base) end
  for _, d in ipairs(m.decls) do
    if d.init then throw(d.pos, "a typedef cannot have an initializer") end
    self:typedef_attrs(d.pre, d)
    self:typedef_attrs(d.attrs, d)
    local dt = self:declarator(t, d)
    local old = self.typedefs[d.name]
    if old and not old.predefined and not same(old, dt) then
      throw(d.pos, ("conflicting types for typedef '%s'"):format(d.name))
    end
    self.typedefs[d.name] = dt
    if dt.incomplete and not dt.dims then -- in the result once defined
      dt.aliases = dt.aliases or {}
      dt.aliases[#dt.aliases + 1] = d.name
    elseif not dt.dims and not dt.void then
      self:result(d.name, dt.base)
    end
  end
end

function B:declaration(m)
  if m.typedef then return self:typedef(m) end
  local t = self:specs(m.specs, nil, #m.decls == 0)
  if #m.decls > 0 then self:variables(t, m, "variable") end
end

-- ---------------------------------------------------------- the file

function B:items(list)
  for _, m in ipairs(list) do
    if m.k == "pragma" then self:pragma(m)
    elseif m.k == "static_assert" then self:static_assert(m)
    elseif m.k == "block" then self:items(m.items)
    elseif m.k == "using" then
      self:typedef { specs = m.type.specs, decls = { { name = m.name, pos = m.pos,
        pointer = m.type.pointer, dims = m.type.dims } } }
    else self:declaration(m)
    end
  end
end

function B.new(ctx)
  local self = setmetatable(ctx, B)
  self.tags, self.typedefs, self.values = {}, {}, {}
  self.pack, self.packstack = 0, {}
  for k, v in pairs(T.predefined) do
    self.typedefs[k] = { base = v, kind = "scalar", predefined = true }
  end
  return self
end

return B
