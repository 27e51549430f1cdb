-- winshm.record.ctext: a layout as C declarations that shm.cdef reads
-- back to the same layout -- what a recording stores, so that reading it
-- needs no layout file.
--
--   ctext.declare(shm, layout) -> text, typename
--     every nested struct and union is defined before its use, under a
--     name of its own; each keeps its #pragma pack and alignment.  Types
--     whose size depends on the ABI are written with their fixed-size
--     names (long as int32_t or int64_t, wchar_t as char16_t or
--     char32_t), so the text means the same under every ABI.  A struct
--     whose offsets those rules do not give (fields at explicit offsets,
--     an explicit size) is written packed, with padding members named
--     ctext.PAD .. offset before the fields that need them.
--   ctext.check(shm, layout, text, typename) -> true | nil, why
--     parses text back and compares every offset, size, type and
--     alignment with layout's
--   ctext.padding(name) -> true for a padding member's name
--   ctext.leaves(shm, layout) -> text: one line per scalar, string or
--     array of scalars, "offset<TAB>type<TAB>dims<TAB>path" (dims "-",
--     "16" or "2x3"; struct arrays expanded into their elements'
--     fields, "wheels[2].temp"), for readers that do not parse C
local M = {}

M.PAD = "__pad"

function M.padding(name)
  return name:match("^__pad%d+$") ~= nil
end

-- What tostring(layout)'s first line says: kind, name, size, align, pack.
local function header(layout)
  local first = tostring(layout):match("^[^\n]*")
  local kind, name = first:match("^(%a+) ([%w_]*) ?{")
  local info = first:match("/%*(.-)%*/") or ""
  return {
    kind = kind, name = name ~= "" and name or nil,
    size = tonumber(info:match("size (%d+)")),
    align = tonumber(info:match("align (%d+)")),
    pack = tonumber(info:match("pack (%d+)")),
  }
end

local SIGNED = { [4] = "int32_t", [8] = "int64_t" }
local UNSIGNED = { [4] = "uint32_t", [8] = "uint64_t" }
local CHARS = { [2] = "char16_t", [4] = "char32_t" }

-- The C name of a scalar field's type, with a fixed size.
local function scalar(f)
  local esize = f.size // f.count
  if f.type == "long" then return SIGNED[esize] end
  if f.type == "unsigned long" then return UNSIGNED[esize] end
  if f.type == "wchar_t" then return CHARS[esize] end
  return f.type
end

local function dims(f)
  local s = {}
  for i, d in ipairs(f.dims or {}) do s[i] = "[" .. d .. "]" end
  return table.concat(s)
end

-- ============================================================= declare

-- Assign each layout reachable from 'layout' a unique C name, in an
-- order where every type comes after the types it uses.
local function collect(shm, layout, st)
  if st.name[layout] then return end
  st.name[layout] = true   -- visiting
  for _, f in ipairs(shm.fields(layout)) do
    if f.layout then collect(shm, f.layout, st) end
  end
  local h = header(layout)
  local base = h.name or (h.kind == "union" and "Union" or "Struct")
  local name, n = base, 1
  while st.used[name] do
    n = n + 1
    name = base .. "_" .. n
  end
  st.used[name] = true
  st.name[layout] = name
  st.order[#st.order + 1] = layout
end

-- A member line: "  type name[dims];" (a padding member: {pad = at, n}).
local function member(st, f)
  if f.pad then return ("  uint8_t %s%d[%d];"):format(M.PAD, f.pad, f.n) end
  local t = f.layout and (header(f.layout).kind .. " " .. st.name[f.layout]) or scalar(f)
  if not t then error(("field '%s' has a type of no fixed size"):format(f.name), 0) end
  return ("  %s %s%s;"):format(t, f.name, dims(f))
end

local function alignup(n, a) return (n + a - 1) // a * a end

-- The members of 'layout' with padding members where its offsets or its
-- size need them, placed by the rules of 'pack' (nil: none); nil when
-- those rules cannot place a field where it is.
local function place(shm, h, fields, pack)
  local out, at, cap = {}, 0, pack or math.huge
  for _, f in ipairs(fields) do
    local a = math.min(f.layout and shm.alignof(f.layout) or f.size // f.count, cap)
    local pos = h.kind == "union" and 0 or alignup(at, a)
    if f.offset ~= pos then
      if f.offset < at or f.offset % a ~= 0 then return nil end
      out[#out + 1] = { pad = at, n = f.offset - at }
    end
    out[#out + 1] = f
    at = h.kind == "union" and math.max(at, f.size) or f.offset + f.size
  end
  if alignup(at, math.min(h.align, cap)) < h.size then
    out[#out + 1] = { pad = h.kind == "union" and 0 or at, n = h.size - (h.kind == "union" and 0 or at) }
  end
  return out
end

-- Build 'members' as shm.struct / shm.union would from the text: the
-- layout, or nil.
local function build(shm, h, members, pack, align)
  local spec = { pack = pack, align = align }
  for i, f in ipairs(members) do
    spec[i] = f.pad and { M.PAD .. f.pad, "uint8_t", f.n }
              or { f.name, f.layout or scalar(f), f.dims }
  end
  local ok, l = pcall(h.kind == "union" and shm.union or shm.struct, spec)
  return ok and l or nil
end

-- Do members, under pack and align, give the offsets, size and alignment
-- of 'fields' (and h)?
local function same(shm, h, fields, l)
  if not l or shm.sizeof(l) ~= h.size or shm.alignof(l) ~= h.align then return false end
  local i = 0
  for _, f in ipairs(shm.fields(l)) do
    if not M.padding(f.name) then
      i = i + 1
      if f.offset ~= fields[i].offset then return false end
    end
  end
  return i == #fields
end

-- How to write 'layout': its members (padding included), its pack and
-- whether it needs an aligned attribute.  Its own pack when that places
-- every field, else packed (pack 1) with padding members.
local function plan(shm, h, fields)
  for _, pack in ipairs({ h.pack or false, 1 }) do
    pack = pack or nil
    local members = place(shm, h, fields, pack)
    if members then
      local plain = build(shm, h, members, pack)
      if same(shm, h, fields, plain) then return members, pack, false end
      if same(shm, h, fields, build(shm, h, members, pack, h.align)) then
        return members, pack, true
      end
    end
  end
  error(("%s %s: no C declaration gives its offsets"):format(h.kind, h.name or "(anonymous)"), 0)
end

-- The declaration of one layout (its nested types declared already).
local function declare_one(shm, st, layout)
  local h = header(layout)
  local members, pack, aligned = plan(shm, h, shm.fields(layout))
  local out = {}
  if pack then out[#out + 1] = ("#pragma pack(push, %d)"):format(pack) end
  out[#out + 1] = ("%s %s%s {"):format(h.kind,
    aligned and ("__attribute__((aligned(%d))) "):format(h.align) or "", st.name[layout])
  for _, f in ipairs(members) do out[#out + 1] = member(st, f) end
  out[#out + 1] = "};"
  if pack then out[#out + 1] = "#pragma pack(pop)" end
  return table.concat(out, "\n")
end

function M.declare(shm, layout)
  local st = { name = {}, used = {}, order = {} }
  collect(shm, layout, st)
  local parts = {}
  for i, l in ipairs(st.order) do parts[i] = declare_one(shm, st, l) end
  return table.concat(parts, "\n\n") .. "\n", st.name[layout]
end

-- ============================================================== leaves

local function each_index(d, k, idx, fn)
  if k > #d then return fn(idx) end
  for i = 1, d[k] do
    idx[k] = i
    each_index(d, k + 1, idx, fn)
  end
end

local function walk_leaves(shm, layout, base, prefix, out)
  for _, f in ipairs(shm.fields(layout)) do
    local path = prefix .. f.name
    if not f.layout then
      out[#out + 1] = ("%d\t%s\t%s\t%s"):format(base + f.offset, scalar(f),
        f.dims and table.concat(f.dims, "x") or "-", path)
    elseif not f.dims then
      walk_leaves(shm, f.layout, base + f.offset, path .. ".", out)
    else
      local esize, n = f.size // f.count, 0
      each_index(f.dims, 1, {}, function(idx)
        local s = {}
        for i, v in ipairs(idx) do s[i] = "[" .. v .. "]" end
        walk_leaves(shm, f.layout, base + f.offset + n * esize, path .. table.concat(s) .. ".", out)
        n = n + 1
      end)
    end
  end
end

function M.leaves(shm, layout)
  local out = {}
  walk_leaves(shm, layout, 0, "", out)
  return table.concat(out, "\n")
end

-- =============================================================== check

-- Compare layout a (the original) with b (parsed back); nil or a message.
local function compare(shm, a, b, path)
  if shm.sizeof(a) ~= shm.sizeof(b) then
    return ("%s: size %d, read back as %d"):format(path, shm.sizeof(a), shm.sizeof(b))
  end
  if shm.alignof(a) ~= shm.alignof(b) then
    return ("%s: alignment %d, read back as %d"):format(path, shm.alignof(a), shm.alignof(b))
  end
  local fb = {}
  for _, f in ipairs(shm.fields(b)) do
    if not M.padding(f.name) then fb[#fb + 1] = f end
  end
  local fa = shm.fields(a)
  if #fa ~= #fb then return ("%s: %d fields, read back as %d"):format(path, #fa, #fb) end
  for i, f in ipairs(fa) do
    local g, p = fb[i], path .. "." .. f.name
    if f.name ~= g.name or f.offset ~= g.offset or f.size ~= g.size or f.count ~= g.count
       or dims(f) ~= dims(g) or (f.layout == nil) ~= (g.layout == nil)
       or (not f.layout and scalar(f) ~= scalar(g)) then
      return ("%s: %s %s%s at offset %d, read back as %s %s%s at offset %d"):format(p,
        scalar(f) or f.type, f.name, dims(f), f.offset, scalar(g) or g.type, g.name, dims(g), g.offset)
    end
    if f.layout then
      local why = compare(shm, f.layout, g.layout, p)
      if why then return why end
    end
  end
  return nil
end

function M.check(shm, layout, text, typename)
  local ok, t = pcall(shm.cdef, text, { name = "layout" })
  if not ok then return nil, tostring(t) end
  local parsed = t[typename]
  if shm.type(parsed) ~= "layout" then
    return nil, ("the text declares no type '%s'"):format(typename)
  end
  local why = compare(shm, layout, parsed, typename)
  if why then return nil, why end
  return true, parsed
end

return M
