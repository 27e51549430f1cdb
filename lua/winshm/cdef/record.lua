-- winshm.cdef.record -- structs, unions and classes, laid out as the
-- compiler lays them out: C's rules with #pragma pack and alignment
-- attributes as gcc has them, and C++'s (the Itanium ABI that gcc and
-- mingw-w64 follow): base classes first, empty bases at offset 0, a
-- vtable pointer first in a class with virtual functions, a base's tail
-- padding reused when the base is not POD.  Where MSVC lays out the same
-- declaration differently, the Windows ABIs refuse it with a message.
-- Methods of the builder (winshm.cdef.build).
--
-- A record: { kind = "struct" | "union", name, size, align, dsize (its
-- size without tail padding), pod, empty, dynamic, fields = { { name, t,
-- offset, text } ... } (bases and anonymous members flattened in), byname,
-- subs = { { rec, off } } (its empty subobjects), layout }.
local L = require "winshm.cdef.lex"
local T = require "winshm.cdef.types"

local R = {}
local throw = L.throw
local windows = { windows = true, win32 = true }

local function alignup(n, a) return (n + a - 1) // a * a end

-- What to do where the Windows compilers differ: say which one built it.
R.byhand = "declare the layout the game's compiler makes with shm.struct and explicit offsets"
local function ispow2(n) return n >= 1 and n & (n - 1) == 0 end

-- ------------------------------------------------------- attributes

local function flatten(list, out)
  out = out or {}
  for _, a in ipairs(list) do
    if a.k == "attrs" then flatten(a.list, out)
    elseif a.k == "macro" then flatten(a.items, out)
    elseif a.k == "attr" then out[#out + 1] = a
    end
  end
  return out
end

-- The alignment an attribute list asks for (0 = none) and 'packed'.
function R:attrs(list)
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
        n = self:value(a.args[1])
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

-- ------------------------------------------------------------ bases

local function hasvirtual(specs)
  for _, it in ipairs(specs or {}) do
    if it.k == "storage" and it.word == "virtual" then return true end
    if it.k == "macro" and hasvirtual(it.items) then return true end
  end
  return false
end

-- The base classes of struct node n, as pieces of st.
function R:bases(st, n)
  local dynamic = false
  for _, m in ipairs(n.body) do
    if (m.k == "decl" or m.k == "ctor") and hasvirtual(m.specs) then dynamic = true end
  end
  for _, b in ipairs(n.bases or {}) do
    for _, w in ipairs(b.mods) do
      if w == "virtual" then
        throw(b.pos, ("virtual base class '%s' is not supported: its offset is the most"
          .. " derived class's choice"):format(b.name))
      end
    end
    if st.rec.kind == "union" then throw(b.pos, "a union cannot have base classes") end
    if b.targs then
      throw(b.pos, ("template base class '%s%s' is not supported: declare the struct it"
        .. " stands for by hand"):format(b.name, b.targs))
    end
    local t = self:named(b.name, b.pos)
    if t.incomplete then
      throw(b.pos, ("base class '%s' is incomplete: define it before '%s'"):format(b.name, st.name))
    end
    if not t.rec or t.kind ~= "struct" or t.dims then
      throw(b.pos, ("base class '%s' is no struct or class"):format(b.name))
    end
    st.pieces[#st.pieces + 1] = { kind = "base", rec = t.rec, name = b.name, pos = b.pos }
    st.frame.bases[#st.frame.bases + 1] = self.frames[t.rec.name] or { names = {} }
    st.rec.pod = false
    dynamic = dynamic or t.rec.dynamic
  end
  st.rec.dynamic = dynamic
  if dynamic then st.rec.pod = false end
end

-- ---------------------------------------------------------- members

function R:ctor(st, m)
  local name = m.name:match("[^:]+$")
  local what = name:sub(1, 1) == "~" and "destructor" or name:find("^operator") and "member function"
               or "constructor"
  if what ~= "member function" then st.rec.pod = false end
  self:note(m.pos, ("%s '%s::%s' skipped"):format(what, st.name, name))
end

-- A member function declarator d.
function R:method(st, name, pos)
  if name == "operator=" or name == "operator =" then st.rec.pod = false end
  self:note(pos, ("member function '%s::%s' skipped"):format(st.name, name))
end

-- Whether the text option asks for member 'name' of st, of type t, to be
-- text; raises when it cannot be.
function R:wants_text(st, name, t, pos)
  local opt = self.textnames
  if not opt then return nil end
  local hit = opt[st.name .. "." .. name] and st.name .. "." .. name
  for k in pairs(t.via or {}) do
    if opt[k] then hit = k end
  end
  if not hit then return nil end
  self.textused[hit] = true
  local s = t.kind == "scalar" and not t.pointer and self.scalars[t.base]
  if not (s and s.size == 1 and (s.kind == "int" or s.kind == "uint" or s.kind == "char")) then
    throw(pos, ("option text names '%s', but member '%s' of %s is no array of 1-byte"
      .. " integers"):format(hit, name, st.name))
  end
  return s.kind ~= "char" or nil
end

function R:field(st, d, name, ft, align, pos)
  if ft.void then throw(pos, ("member '%s' has type void"):format(name)) end
  if ft.ref then
    throw(pos, ("reference member '%s' is not supported: declare it as a pointer (it has a"
      .. " pointer's size)"):format(name))
  end
  if ft.incomplete then
    throw(pos, ("member '%s' has incomplete type '%s': define it before '%s'"):format(
      name, ft.incomplete, st.name))
  end
  if d.colon and d.colon.ctorinit then
    throw(d.colon.pos, ("member '%s' is no function: ':' ... needs a constructor"):format(name))
  elseif d.colon then
    throw(d.colon.pos, "bit-fields are not supported: declare the whole storage unit instead"
      .. " (e.g. 'uint32_t flags;') and take the bits out in Lua")
  end
  local a, p = self:attrs(d.pre)
  local a2, p2 = self:attrs(d.attrs)
  if p or p2 then
    throw(pos, "__attribute__((packed)) on a member is not supported (pack the struct)")
  end
  if d.init then
    self:note(pos, ("initializer of member '%s' ignored"):format(name))
    st.rec.pod = false -- as gcc has it: a default member initializer makes a non-POD
  end
  if st.access ~= "public" or (ft.rec and not ft.rec.pod) then st.rec.pod = false end
  st.pieces[#st.pieces + 1] = { kind = "field", name = name, t = ft, pos = pos,
    attralign = math.max(align, a, a2), text = self:wants_text(st, name, ft, pos) }
end

function R:member(st, m)
  if m.typedef then return self:typedef(m) end
  local t, attrs, storage, base = self:specs(m.specs, nil, false, self.wrapsall(m.decls))
  local types, names = {}, {}
  for i, d in ipairs(m.decls) do
    types[i], names[i] = self:derive(t, d, storage.static)
  end
  self:ended(m, types)
  if #m.decls == 0 then
    -- a type defined here, or an anonymous member (C11, C++ unions)
    if base.k == "struct" and base.body and not base.tag then
      st.pieces[#st.pieces + 1] = { kind = "anon", t = t, pos = base.pos }
      if t.rec.dynamic or not t.rec.pod then st.rec.pod = false end
    end
    return
  end
  local align, packed = self:attrs(attrs)
  if packed then
    throw(m.pos, "__attribute__((packed)) on a member is not supported (pack the struct)")
  end
  for i, d in ipairs(m.decls) do
    if types[i].func then
      self:method(st, names[i], d.pos)
    elseif storage.static then
      self:variable(types[i], d, names[i], st)
    else
      self:field(st, d, names[i], types[i], align, d.pos)
    end
  end
end

-- ------------------------------------------------------------ layout

-- Mark and check the empty subobjects of record r placed at off.
local function conflicts(st, r, off)
  for _, s in ipairs(r.subs) do
    local at = st.occupied[s.rec]
    if at and at[off + s.off] then return true end
  end
  return false
end
local function occupy(st, r, off)
  for _, s in ipairs(r.subs) do
    st.occupied[s.rec] = st.occupied[s.rec] or {}
    st.occupied[s.rec][off + s.off] = true
    st.rec.subs[#st.rec.subs + 1] = { rec = s.rec, off = off + s.off }
  end
end

-- Add field f of a placed piece to the record, at offset off.
function R:addfield(st, name, t, off, text, pos, from)
  local rec = st.rec
  local old = rec.byname[name]
  if old and (from or old.from) then
    throw(pos, ("member '%s' of '%s' has the name of a member of its base '%s': not"
      .. " supported (rename one)"):format(name, st.name, from or old.from))
  elseif old then
    throw(pos, ("duplicate member '%s'"):format(name))
  end
  local f = { name = name, t = t, offset = off, text = text, from = from }
  rec.fields[#rec.fields + 1] = f
  rec.byname[name] = f
end

-- Where a piece of alignment 'a' and record r (or nil) goes, from cur.
local function spot(st, cur, a, r)
  if st.rec.kind == "union" then return 0 end
  local off = alignup(cur, a)
  while r and conflicts(st, r, off) do
    if windows[st.abi] then
      throw(st.pos, ("%s: two subobjects of type '%s' would share an offset, which MSVC and"
        .. " gcc resolve differently (%s)"):format(st.name, r.name or "?", R.byhand))
    end
    off = off + a
  end
  if st.tail and off < st.tail.to and windows[st.abi] then
    throw(st.pos, ("%s: its member or base at offset %d would sit in the tail padding of"
      .. " base '%s', which gcc reuses and MSVC does not (%s)"):format(st.name, off,
      st.tail.name, R.byhand))
  end
  st.tail = nil
  return off
end

-- Lay the pieces out with the pack in force at the closing brace.
function R:place(st)
  local rec = st.rec
  local function eff(natural, attr)
    local a = math.max(st.packed and 1 or natural, attr or 0)
    if st.pack then a = math.min(a, st.pack) end
    return a
  end
  local cur, size, align = 0, 0, 1
  local function grow(off, n, a)
    cur = rec.kind == "union" and math.max(cur, n) or off + n
    size = math.max(size, cur)
    align = math.max(align, a)
  end
  local ordered, lastempty = {}, false
  for _, p in ipairs(st.pieces) do -- the primary base (the first dynamic one) first
    if p.kind == "base" and p.rec.dynamic and not ordered[1] then ordered[1] = p end
  end
  if rec.dynamic and not ordered[1] then ordered[1] = { kind = "vptr" } end
  for _, p in ipairs(st.pieces) do
    if p ~= ordered[1] then ordered[#ordered + 1] = p end
  end
  for _, p in ipairs(ordered) do
    if p.kind == "vptr" then
      local n = self.scalars[T.pointer(self.abi)].size
      grow(0, n, eff(n))
      rec.empty = false
    elseif p.kind == "base" then
      local b, a = p.rec, eff(p.rec.align)
      if b.empty then
        if lastempty and windows[self.abi] then
          throw(p.pos, ("%s: two empty base classes in a row, which MSVC and gcc lay out"
            .. " differently (%s)"):format(st.name, R.byhand))
        end
        local off = 0
        while conflicts(st, b, off) do off = off == 0 and alignup(cur, a) or off + a end
        occupy(st, b, off)
        align = math.max(align, a)
      else
        local off = spot(st, cur, a, b)
        local nv = b.pod and b.size or b.dsize
        occupy(st, b, off)
        for _, f in ipairs(b.fields) do
          self:addfield(st, f.name, f.t, off + f.offset, f.text, p.pos, p.name)
        end
        grow(off, nv, a)
        if nv < b.size then st.tail = { to = off + b.size, name = p.name } end
        rec.empty = false
      end
      lastempty = b.empty
    else
      local t, r = p.t, p.t.rec
      local a = eff(self:alignof(t), p.attralign)
      local off = spot(st, cur, a, r)
      if r then occupy(st, r, off) end
      if p.kind == "anon" then
        for _, f in ipairs(r.fields) do
          self:addfield(st, f.name, f.t, off + f.offset, f.text, p.pos)
        end
      elseif not r or r.fields[1] then
        self:addfield(st, p.name, t, off, p.text, p.pos)
      end
      grow(off, self:sizeof(t, p.pos), a)
      rec.empty = false
      lastempty = false
    end
  end
  rec.align = math.max(align, st.attralign)
  rec.dsize = cur
  if size == 0 then size = 1 end -- an empty class (C++)
  rec.size = alignup(size, rec.align)
  if rec.empty then table.insert(rec.subs, 1, { rec = rec, off = 0 }) end
end

-- --------------------------------------------------------- the spec

-- The shm.struct / shm.union spec of rec: offsets where the engine would
-- put a field elsewhere, pack where it would align one more, align and
-- size where they would come out smaller.
function R:spec(rec, pack)
  local function build(p)
    local spec = { name = rec.name, abi = self.abiopt, pack = p }
    local cur, align, stop = 0, 1, 0
    for i, f in ipairs(rec.fields) do
      local t = f.t
      local e = { f.name, t.kind == "scalar" and t.base or t.rec.layout }
      if t.dims then e[3] = #t.dims == 1 and t.dims[1] or t.dims end
      if f.text then e.text = true end
      local a = self:alignof(t)
      if p then a = math.min(a, p) end
      local want = rec.kind == "union" and 0 or alignup(cur, a)
      if f.offset ~= want then
        e.offset = f.offset
        if f.offset % a ~= 0 then a = 1 end
      end
      cur = f.offset + self:sizeof(t)
      stop = math.max(stop, cur)
      align = math.max(align, a)
      spec[i] = e
    end
    return spec, align, stop
  end
  local spec, align, stop = build(pack)
  if align > rec.align then spec, align, stop = build(rec.align) end
  if rec.align > align then spec.align = rec.align end
  if rec.size > alignup(stop, rec.align) then spec.size = rec.size end
  return spec
end

function R:make(rec, spec, pos)
  local kind = rec.kind
  local ok, layout = pcall(self.engine[kind], spec)
  if not ok then
    throw(pos, ("%s %s: %s"):format(kind, rec.name or "<anonymous>", tostring(layout)))
  end
  local f = self.engine.fields
  if f then -- the engine agrees on every offset, the size and the alignment
    local ok2 = self.engine.sizeof(layout) == rec.size and self.engine.alignof(layout) == rec.align
    for i, x in ipairs(ok2 and f(layout) or {}) do
      ok2 = ok2 and x.offset == rec.fields[i].offset
    end
    if not ok2 then
      error(("%s %s: shm.cdef and shm.%s disagree on its layout"):format(kind,
        rec.name or "<anonymous>", kind), 0)
    end
  end
  return layout
end

-- ------------------------------------------------------------- struct

function R:struct(n, tname, lead)
  local kind = n.kind == "union" and "union" or "struct"
  local tag = n.tag and n.tag:match("([%w_]+)$")
  local key = tag and kind .. " " .. tag
  if not key and not n.body then throw(n.stop, "expected a tag name or '{'") end
  local entry = key and self.tags[key]
  if not n.body then
    if not entry then
      entry = { incomplete = key, kind = kind }
      self.tags[key] = entry
    end
    return entry
  end
  if entry and not entry.incomplete and not entry.predefined then
    throw(n.pos, ("redefinition of '%s' (a header included twice without a guard?)"):format(key))
  end
  local rec = { kind = kind, name = tag or tname, fields = {}, byname = {}, subs = {},
                pod = true, empty = true }
  local st = { rec = rec, name = rec.name or "<anonymous>", pieces = {}, occupied = {},
               access = n.kind == "class" and "private" or "public", pos = n.pos,
               abi = self.abi, frame = { names = {}, bases = {}, class = true, name = tag or tname } }
  local align, packed = self:attrs(n.attrs)
  local a2, p2 = self:attrs(n.post)
  local a3, p3 = self:attrs(lead or {})
  st.packed, st.attralign = packed or p2 or p3, math.max(align, a2, a3)
  self:bases(st, n)
  if tag then self.frames[tag] = st.frame end
  local pack = self.pack
  self.scopes[#self.scopes + 1] = st.frame
  for _, m in ipairs(n.body) do self:item(m, st) end
  self.scopes[#self.scopes] = nil
  if self.pack ~= pack and windows[self.abi] then
    throw(n.pos, ("#pragma pack changes inside '%s': gcc applies the value at the closing"
      .. " brace to every member, MSVC the value at each (%s)"):format(st.name, R.byhand))
  end
  -- #pragma pack applies as it stands at the closing brace (gcc).
  st.pack = self.pack ~= 0 and self.pack or nil
  self:place(st)
  if rec.fields[1] then
    rec.layout = self:make(rec, self:spec(rec, st.packed and 1 or st.pack), n.pos)
  elseif tag or tname then
    self:note(n.pos, ("%s '%s' has no data members (size %d): no layout"):format(
      n.kind, rec.name, rec.size))
  end
  local t = entry or {}
  t.incomplete, t.rec, t.kind, t.predefined = nil, rec, kind, self.prelude
  if key then
    self.tags[key] = t
    if rec.layout then
      self:result(tag, rec.layout, kind)
      -- a type defined in a class is also Class::Type (C++ names it so)
      local outer = self.scopes[#self.scopes]
      if outer and outer.class and outer.name then self:result(outer.name .. "::" .. tag, rec.layout) end
    end
  end
  for _, alias in ipairs(t.aliases or {}) do
    if rec.layout then self:result(alias, rec.layout) end
  end
  t.aliases = nil
  return t
end

return R
