-- winshm.tools.source: the layout, the consistency scheme and the region
-- that the options of dump, watch and record name.
--
--   source.options        the option kinds those commands share
--   source.help           their help text
--   source.layout(opts)   -> layout | nil (a raw region)
--   source.scheme(opts)   -> scheme table | nil
--   source.open(name, opts) -> link, view | nil (raw), layout, scheme:
--                            region 'name' opened read-only, checked to hold
--                            the layout at --offset
--   source.lines(name, opts) -> link, read: read([collapse]) gives the
--                            region's current lines ({key, text}, ...: its
--                            fields, or a hex dump) and a note ("torn")
--   source.readfile(path, what) -> the file's bytes, or a failure naming
--                            what went wrong (missing, a directory, ...)
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local format = require "winshm.tools.format"

local fail, usage_error, oneline = cli.fail, cli.usage_error, cli.oneline

local M = {}

M.options = {
  layout = "value", cdef = "value", type = "value", abi = "value",
  offset = cli.integer(0), length = cli.integer(0),
  seq = "value", check = "value", begin = "value", ["end"] = "value",
}

M.help = [[
  --layout FILE.lua   FILE returns a layout (or a table of layouts: pick
                      one with --type T)
  --cdef FILE.h       C declarations; --type T names the struct or typedef
  --type T            the layout to use from --layout or --cdef
  --abi ABI           for --cdef: native (default), windows or sysv
  --offset N          the layout starts N bytes into the region (default 0)
  --length N          without a layout: show N bytes (default: to the end)
  --seq F | --check F | --begin F --end F
                      read consistently (shm.read_consistent) with this
                      scheme of the layout's counter fields
  Without --layout or --cdef the region is shown as a hex dump.]]

-- These options and those of 'more', in a new table.
function M.with(more)
  local t = {}
  for k, v in pairs(M.options) do t[k] = v end
  for k, v in pairs(more) do t[k] = v end
  return t
end

-- ============================================================ layouts

local function layout_names(t)
  local names = {}
  for k, v in pairs(t) do
    if type(k) == "string" and shm.type(v) == "layout" then names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

-- Pick --type T out of a table of layouts, or its only layout.
local function pick(t, tname, source)
  if tname then
    local v = t[tname]
    if shm.type(v) ~= "layout" then
      local names = layout_names(t)
      fail(("%s has no layout '%s' (it has: %s)"):format(source, tname,
        #names > 0 and table.concat(names, ", ") or "none"))
    end
    return v
  end
  local names = layout_names(t)
  if #names == 1 then return t[names[1]] end
  if #names == 0 then fail(("%s declares no layout"):format(source)) end
  usage_error(("%s has several layouts: choose one with --type (%s)"):format(source,
    table.concat(names, ", ")))
end

-- The bytes of the file at 'path'; a failure says which file ('what') and
-- why it cannot be read: missing, unreadable, a directory.
function M.readfile(path, what)
  local st = shm._sys.stat(path)
  if st and st.dir then
    fail(("cannot read %s: it is a directory"):format(what))
  end
  local f, err = io.open(path, "rb")
  if not f then
    -- io.open's message starts with the path, already in 'what'
    if err:sub(1, #path + 2) == path .. ": " then err = err:sub(#path + 3) end
    fail(("cannot read %s: %s"):format(what, err))
  end
  local s, rerr = f:read("a")
  f:close()
  if not s then
    fail(("cannot read %s: %s"):format(what, rerr or "read error"))
  end
  return s
end

local function from_lua(opts)
  -- read the file ourselves first: a directory or an unreadable file is
  -- named as such, not as a syntax error
  local what = ("layout file '%s'"):format(opts.layout)
  if opts.abi then usage_error("--abi is for --cdef (a layout file sets its own)") end
  -- a first line starting with '#' is skipped, as loadfile does
  local src = M.readfile(opts.layout, what):gsub("^#[^\n]*", "")
  local chunk, err = load(src, "@" .. opts.layout)
  if not chunk then fail(("layout file %s"):format(oneline(err))) end
  local ok, v = pcall(chunk)
  if not ok then fail(("%s: %s"):format(what, oneline(v))) end
  if shm.type(v) == "layout" then return v end
  if type(v) ~= "table" then
    fail(("%s returns %s, not a layout"):format(what, type(v)))
  end
  return pick(v, opts.type, what)
end

local function from_cdef(opts)
  if not opts.type then usage_error("--cdef needs --type T (the struct or typedef to use)") end
  local src = M.readfile(opts.cdef, ("'%s'"):format(opts.cdef))
  -- messages and notes name the file (shm.cdef's 'name')
  local ok, t = pcall(shm.cdef, src, { abi = opts.abi, name = opts.cdef })
  if not ok then fail(oneline(t)) end
  return pick(t, opts.type, ("'%s'"):format(opts.cdef))
end

-- The layout the options name, or nil for a raw (hex) view.
function M.layout(opts)
  if opts.layout and opts.cdef then
    usage_error("give --layout or --cdef, not both")
  end
  if opts.layout then return from_lua(opts) end
  if opts.cdef then return from_cdef(opts) end
  if opts.type then usage_error("--type needs --layout or --cdef") end
  if opts.abi then usage_error("--abi is for --cdef") end
  return nil
end

-- The consistency scheme the options give, or nil.
function M.scheme(opts)
  local n = (opts.seq and 1 or 0) + (opts.check and 1 or 0)
            + ((opts.begin or opts["end"]) and 1 or 0)
  if n == 0 then return nil end
  if n > 1 then usage_error("give one of --seq, --check, --begin/--end") end
  if (opts.begin == nil) ~= (opts["end"] == nil) then
    usage_error("--begin and --end go together")
  end
  return { seq = opts.seq, check = opts.check, begin = opts.begin, ["end"] = opts["end"] }
end

-- ============================================================= region

-- Open region 'name' read-only as the options say: the link, a view of
-- the layout (nil for a raw region), the layout and the scheme.
function M.open(name, opts)
  local layout = M.layout(opts)
  local scheme = M.scheme(opts)
  if scheme and not layout then usage_error("--seq, --check, --begin/--end need a layout") end
  if layout and opts.length then usage_error("--length is for raw regions (without a layout)") end
  local link, err = shm.open(name, 1)
  if not link then fail(tostring(err)) end
  local offset, size = opts.offset or 0, link:size()
  if layout then
    local need = offset + shm.sizeof(layout)
    if size < need then
      link:close()
      fail(("region '%s' has %d bytes: the layout at offset %d needs %d"):format(
        name, size, offset, need))
    end
    return link, link:view(layout, offset), layout, scheme
  end
  if offset > size then
    link:close()
    fail(("offset %d is past the end of region '%s' (%d bytes)"):format(offset, name, size))
  end
  return link, nil, nil, nil
end

-- What dump and watch show: region 'name' opened read-only, and a
-- function giving its current lines and a status note.
function M.lines(name, opts)
  local link, view, layout, scheme = M.open(name, opts)
  if view then
    local last
    return link, function()
      if scheme then
        local t, why = shm.read_consistent(view, scheme)
        if not t then return last or {}, why end
        last = format.fields(t, layout)
        return last
      end
      return format.fields(shm.read(view), layout)
    end
  end
  local offset, size = opts.offset or 0, link:size()
  local n = math.min(opts.length or size - offset, size - offset)
  return link, function(collapse)
    return format.hexdump(link:read_bytes(offset, n), offset, collapse)
  end
end

return M
