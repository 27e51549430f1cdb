-- winshm.cdef -- shm.cdef: C declarations (as in a game's SDK header) to
-- layouts.
--
--   shm.cdef(source [, { abi = "native" | "windows" | "sysv", name = "x.h" }])
--     -> { [tag or typedef name] = layout, ..., constants = {...}, notes = {...} }
--
-- The result holds:
--   * every struct and union, under its tag and under "struct Tag" /
--     "union Tag" (C keeps tags and typedef names apart; the second form
--     is always there), and every typedef of one, as a layout;
--   * every typedef of a scalar and every enum, as the scalar type name
--     shm.struct takes ("int", "uint8_t", ...), so it can be a field type;
--   * constants: #define'd integer and string constants, enumerators
--     (an 'enum class E' keeps its own in constants.E), and const integer
--     variables;
--   * notes: what was ignored ("x.h:3:1: #include <windows.h> ignored").
-- The keys "constants" and "notes" always hold these two tables: a type
-- declared with one of these names is found as "struct constants" (a tag)
-- or "typedef constants" (a typedef name).
--
-- Errors raise "x.h:LINE:COLUMN: message" (name defaults to "cdef").
local lpeg = require "lpeg"
local G = require "winshm.cdef.grammar"
local pre = require "winshm.cdef.pre"
local B = require "winshm.cdef.build"
local T = require "winshm.cdef.types"

local M = {}

-- The start of every line of s (after \n, \r\n or \r, as the grammar).
local linestarts = lpeg.Ct(lpeg.Cc(1) * (G.nl * lpeg.Cp() + 1)^0)

-- A function: byte pos of s -> line, column (1-based, in bytes).
local function locator(s)
  local starts
  return function(pos)
    starts = starts or linestarts:match(s)
    local lo, hi = 1, #starts -- the last start <= pos
    while lo < hi do
      local mid = (lo + hi + 1) // 2
      if starts[mid] <= pos then lo = mid else hi = mid - 1 end
    end
    return lo, pos - starts[lo] + 1
  end
end

local abis = { native = true, windows = true, sysv = true }

local function native()
  return package.config:sub(1, 1) == "\\" and "windows" or "sysv"
end

local function badopt(msg)
  error("bad argument #2 to 'cdef' (" .. msg .. ")", 0)
end

local function checkopts(opts)
  if opts == nil then return {} end
  if type(opts) ~= "table" then badopt("table expected, got " .. type(opts)) end
  for k in pairs(opts) do
    if k ~= "abi" and k ~= "name" then
      badopt(("invalid option '%s'"):format(tostring(k)))
    end
  end
  if opts.abi ~= nil and not abis[opts.abi] then
    badopt(("abi must be 'native', 'windows' or 'sysv', got '%s'"):format(tostring(opts.abi)))
  end
  if opts.name ~= nil and type(opts.name) ~= "string" then
    badopt("name must be a string")
  end
  return opts
end

-- Parse 'source' and build its layouts with 'engine' ({ struct, union,
-- sizeof, alignof, offsetof }, the functions of the winshm module).
function M.parse(source, opts, engine)
  if type(source) ~= "string" then
    error(("bad argument #1 to 'cdef' (string expected, got %s)"):format(type(source)), 0)
  end
  opts = checkopts(opts)
  local chunk = opts.name or "cdef"
  local abi = (opts.abi == nil or opts.abi == "native") and native() or opts.abi
  local out = { constants = {}, notes = {} }
  local ctx = { engine = engine, abi = abi, abiopt = opts.abi, out = out,
                constants = out.constants, macros = {}, order = {} }
  local b = B.new(ctx)
  local notes, where = {}, locator(source)
  function b.note(_, pos, msg)
    notes[#notes + 1] = { pos = pos, n = #notes, msg = msg }
  end
  for _, m in ipairs(T.predefined_macros[abi]) do
    ctx.macros[m] = { body = "1", bodypos = 1 }
  end
  local ok, err = pcall(function()
    local text = pre.run(source, b)
    b:items(G.file(text, b.macros))
    b:macros_to_constants()
  end)
  -- Notes in source order (the preprocessor pass notes first).
  table.sort(notes, function(x, y)
    if x.pos ~= y.pos then return x.pos < y.pos end
    return x.n < y.n
  end)
  for i, n in ipairs(notes) do
    local line, col = where(n.pos)
    out.notes[i] = ("%s:%d:%d: %s"):format(chunk, line, col, n.msg)
  end
  if not ok then
    if G.iserror(err) then
      local line, col = where(err.pos)
      error(("%s:%d:%d: %s"):format(chunk, line, col, err.msg), 0)
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
    alignof = shm.alignof, offsetof = shm.offsetof,
  })
end

return M
