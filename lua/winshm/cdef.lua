-- winshm.cdef -- shm.cdef: C and C++ declarations (a game's SDK header, as
-- published) to layouts.
--
--   shm.cdef(source [, { abi = "native" | "windows" | "win32" | "sysv",
--                        name = "x.h", include = { dir, ... },
--                        text = { "typedef" | "Struct.member", ... } }])
--     -> { [tag or typedef name] = layout, ..., constants = {...}, notes = {...} }
--
-- The result holds:
--   * every struct, union and class with data, under its tag and under
--     "struct Tag" / "union Tag" (C keeps tags and typedef names apart;
--     the second form is always there), and every typedef of one;
--   * every typedef of a scalar and every enum, as the scalar type name
--     shm.struct takes ("int", "uint8_t", ...), so it can be a field type;
--   * constants: #define'd numbers and strings, enumerators (an 'enum
--     class E' keeps its own in constants.E, a struct its static members
--     in constants.Struct), and const variables with known values;
--   * notes: what was skipped or ignored ("x.h:3:1: #include <windows.h>
--     ignored (a system header)").
-- The keys "constants" and "notes" always hold these two tables: a type
-- declared with one of these names is found as "struct constants" (a tag)
-- or "typedef constants" (a typedef name).
--
-- Errors raise "x.h:LINE:COLUMN: message" (name defaults to "cdef"; a
-- file found through 'include' is named by its path).
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"
local G = require "winshm.cdef.grammar"
local pre = require "winshm.cdef.pre"
local B = require "winshm.cdef.build"
local T = require "winshm.cdef.types"
local Macros = require "winshm.cdef.macros"
local prelude = require "winshm.cdef.prelude"

local M = {}

-- --------------------------------------------------------- positions

-- The start of every line of s (after \n, \r\n or \r, as the grammar).
local linestarts = lpeg.Ct(lpeg.Cc(1) * (L.nl * lpeg.Cp() + 1)^0)

-- Binary search: the last index i of list with key(list[i]) <= v (or 1).
local function last_at_most(list, v, key)
  local lo, hi = 1, #list
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if key(list[mid]) <= v then lo = mid else hi = mid - 1 end
  end
  return lo
end

-- A function: position in the preprocessed text -> file, line, column.
local function locator(ctx, chunk)
  local starts = {}
  return function(pos)
    local segs = ctx.segs or {}
    if #segs == 0 then return chunk, 1, pos end
    local seg = segs[last_at_most(segs, pos, function(s) return s.out end)]
    local src = pos - seg.out + seg.src
    local s = starts[seg.source]
    if not s then s = linestarts:match(seg.source); starts[seg.source] = s end
    local line = last_at_most(s, src, function(x) return x end)
    local col = src - s[line] + 1
    if line == 1 and ctx.bom[seg.file] then col = math.max(1, col - 3) end
    return seg.file, line, col
  end
end

-- ------------------------------------------------------------ options

local function native()
  return package.config:sub(1, 1) == "\\" and "windows" or "sysv"
end

local function badopt(msg)
  error("bad argument #2 to 'cdef' (" .. msg .. ")", 0)
end

local function strings(opts, key)
  local v = opts[key]
  if v == nil then return {} end
  if type(v) ~= "table" then badopt(("%s must be a list of strings, got %s"):format(key, type(v))) end
  for i, s in ipairs(v) do
    if type(s) ~= "string" then
      badopt(("%s[%d] must be a string, got %s"):format(key, i, type(s)))
    end
  end
  return v
end

local function checkopts(opts)
  if opts == nil then return {} end
  if type(opts) ~= "table" then badopt("table expected, got " .. type(opts)) end
  for k in pairs(opts) do
    if k ~= "abi" and k ~= "name" and k ~= "include" and k ~= "text" then
      badopt(("invalid option '%s'"):format(tostring(k)))
    end
  end
  if opts.abi ~= nil and opts.abi ~= "native" and not T.abis[opts.abi] then
    badopt(("abi must be 'native', 'windows', 'win32' or 'sysv', got '%s'"):format(tostring(opts.abi)))
  end
  if opts.name ~= nil and type(opts.name) ~= "string" then
    badopt("name must be a string")
  end
  strings(opts, "include")
  strings(opts, "text")
  return opts
end

-- The text of file path, or nil.
local function readfile(path)
  local f = io and io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- ------------------------------------------------------------ the run

-- Parse 'source' and build its layouts with 'engine' ({ struct, union,
-- sizeof, alignof, fields, scalars }, the functions of the winshm module).
function M.parse(source, opts, engine)
  if type(source) ~= "string" then
    error(("bad argument #1 to 'cdef' (string expected, got %s)"):format(type(source)), 0)
  end
  opts = checkopts(opts)
  local chunk = opts.name or "cdef"
  local abi = (opts.abi == nil or opts.abi == "native") and native() or opts.abi
  local out = { constants = {}, notes = {} }
  local ctx = { engine = engine, abi = abi, abiopt = opts.abi, out = out,
                constants = out.constants, macros = Macros.new(), dirs = strings(opts, "include"),
                open = readfile, once = {}, fromfile = {}, bom = {} }
  local b = B.new(ctx)
  local notes = {}
  function b.note(_, pos, msg)
    if not b.prelude then notes[#notes + 1] = { pos = pos, n = #notes, msg = msg } end
  end
  if #strings(opts, "text") > 0 then
    b.textnames, b.textused = {}, {}
    for _, s in ipairs(opts.text) do b.textnames[s] = true end
  end
  for name, value in pairs(T.predefined_macros[abi]) do
    b.macros:define({ name = name, body = value, bodypos = 1, pos = 0, predefined = true }, 0)
  end
  if source:sub(1, 3) == "\239\187\191" then ctx.bom[chunk] = true end
  local where = locator(ctx, chunk)
  local ok, err = pcall(function()
    b.prelude, b.text = true, prelude
    b:items(G.file(prelude, b.macros))
    b.prelude = nil
    local text = pre.run(b, source, chunk)
    b.text = text
    b:items(G.file(text, b.macros))
    b:macros_to_constants(#text + 1)
    for _, s in ipairs(opts.text or {}) do
      if not b.textused[s] then
        error(("option text names '%s', which is no typedef or member of the source"):format(s), 0)
      end
    end
  end)
  -- Notes in source order (the preprocessor pass notes first).
  table.sort(notes, function(x, y)
    if x.pos ~= y.pos then return x.pos < y.pos end
    return x.n < y.n
  end)
  for i, n in ipairs(notes) do
    local file, line, col = where(n.pos)
    out.notes[i] = ("%s:%d:%d: %s"):format(file, line, col, n.msg)
  end
  if not ok then
    if L.iserror(err) then
      local file, line, col = where(err.pos)
      error(("%s:%d:%d: %s"):format(file, line, col, err.msg), 0)
    end
    local msg = tostring(err)
    if msg:find("stack overflow", 1, true) or msg:find("too deep", 1, true) then
      msg = "declarations or expressions nested too deeply"
    end
    error(("%s: %s"):format(chunk, msg), 0)
  end
  return out
end

-- shm.cdef itself (src/cdef.c calls this with the module table).
function M.cdef(shm, source, opts)
  return M.parse(source, opts, {
    struct = shm.struct, union = shm.union, sizeof = shm.sizeof,
    alignof = shm.alignof, fields = shm.fields, scalars = shm._scalars,
  })
end

return M
