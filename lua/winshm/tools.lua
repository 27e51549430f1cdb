-- winshm.tools: the commands of `winshm COMMAND [args]`.
--
--   require("winshm.tools").main({ "dump", "game", "--layout", "gs.lua" })
--     -> exit status (0 ok, 1 failure, 2 bad usage)
--
-- Output goes to io.stdout; every error is one line on io.stderr,
-- "winshm COMMAND: message".  lua/winshm/cmd/*.lua hand the host's
-- `winshm COMMAND` over to main.
local shm = require "winshm"
local format = require "winshm.tools.format"

local M = {}

local WINDOWS = package.config:sub(1, 1) == "\\"

-- ============================================================== usage

local VIEW_OPTIONS = [[
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

local HELP = {
  dump = {
    usage = "winshm dump NAME [--layout FILE.lua | --cdef FILE.h --type T] [--offset N]",
    text = [[
Print every field of region NAME as 'path = value', one a line: nested
layouts and arrays expanded (pos.x, wheels[2].temp), strings decoded.
The region is opened read-only.
]] .. VIEW_OPTIONS,
  },
  watch = {
    usage = "winshm watch NAME [dump's options] [--hz N] [--count N]",
    text = [[
Show the fields of region NAME and refresh them until Ctrl-C, fields
that changed in the last second highlighted.  On a terminal the screen is
redrawn in place (ANSI escapes); when the output is not a terminal each
refresh prints '-- refresh N' and the lines that changed (all of them the
first time).
]] .. VIEW_OPTIONS .. [[

  --hz N              refreshes per second (default 10)
  --count N           stop after N refreshes
  --plain             plain lines even on a terminal]],
  },
  ls = {
    usage = "winshm ls [--stale] [PATTERN]",
    text = [[
List the shared memory regions, mutexes and events of this machine
(POSIX: the objects of /dev/shm) with size, owner, mode, whether winshm
manages them (the sticky bit, 'T' in the mode) and their state:
  live    managed, held by the processes listed under PIDS
  stale   managed, held by nobody (its processes died): it is removed
          the next time anybody opens it, or by 'winshm rm --stale'
  open    not managed (another program's, or persist=true), held by
          winshm handles
  -       not managed, not held by winshm
PATTERN keeps the objects whose name contains it; --stale keeps the stale
ones.  On Windows, listing named objects is not available.]],
  },
  rm = {
    usage = "winshm rm [--mutex | --event] NAME... | winshm rm --stale",
    text = [[
Remove the region NAME (as shm.remove does): its memory stays with the
processes that have it open and goes with the last of them; the name is
free at once.  --mutex and --event remove a mutex or an event instead.
--stale removes every stale winshm object (see 'winshm help ls'), safely
against processes opening them at the same moment.
On Windows there is nothing to remove: a mapping vanishes with its last
handle.]],
  },
  help = {
    usage = "winshm help [COMMAND]",
    text = "Show the usage of every command, or of one.",
  },
}

local ORDER = { "dump", "watch", "ls", "rm", "help" }

local function overview()
  local lines = {
    "usage: winshm [options] [script [args]]",
    "       winshm COMMAND [args]",
    "",
    "Commands:",
  }
  for _, c in ipairs(ORDER) do
    lines[#lines + 1] = "  " .. HELP[c].usage
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "'winshm help COMMAND' tells more; 'winshm --help' lists the options"
  lines[#lines + 1] = "for running scripts."
  return table.concat(lines, "\n") .. "\n"
end

-- ============================================================= errors

-- A failure the user should read: one line, then the exit status.
local Failure = {}
Failure.__index = Failure
Failure.__tostring = function(e) return e.msg end

local function fail(msg, status)
  error(setmetatable({ msg = msg, status = status or 1 }, Failure), 0)
end

local function usage_error(msg)
  fail(msg, 2)
end

-- The first line of an error value, without a "file:line:" position.
local function oneline(e)
  local s = tostring(e)
  s = s:match("^[^\n]*")
  return (s:gsub("^[^:\n]*%.lua:%d+: ", ""))
end

-- ============================================================ options

-- Options each command takes: "value", "integer", "number" or "flag".
local VIEW_OPTS = {
  layout = "value", cdef = "value", type = "value", abi = "value",
  offset = "integer", length = "integer",
  seq = "value", check = "value", begin = "value", ["end"] = "value",
}
local OPTS = {
  dump = VIEW_OPTS,
  watch = setmetatable({ hz = "number", count = "integer", plain = "flag" },
                       { __index = VIEW_OPTS }),
  ls = { stale = "flag" },
  rm = { stale = "flag", mutex = "flag", event = "flag" },
  help = {},
}

-- Split args into options and positional arguments (after "--" every
-- argument is positional).  "--name value" and "--name=value" both work.
local function parse(cmd, args, first)
  local spec, opts, pos = OPTS[cmd], {}, {}
  local i = first
  while i <= #args do
    local a = args[i]
    if a == "--" then
      table.move(args, i + 1, #args, #pos + 1, pos)
      break
    elseif a == "-h" or a == "--help" then
      opts.help = true
    elseif a:sub(1, 2) == "--" then
      local name, value = a:match("^%-%-([^=]+)=(.*)$")
      name = name or a:sub(3)
      local kind = spec[name]
      if not kind then usage_error(("unknown option '--%s'"):format(name)) end
      if kind == "flag" then
        if value then usage_error(("option '--%s' takes no value"):format(name)) end
        opts[name] = true
      else
        if not value then
          i = i + 1
          value = args[i]
          if value == nil then usage_error(("option '--%s' needs a value"):format(name)) end
        end
        if kind ~= "value" then
          local n = math.tointeger(tonumber(value))
          if kind == "number" then n = tonumber(value) end
          if not n or n < 0 or (kind == "number" and n <= 0) then
            usage_error(("option '--%s' needs a %s number, not '%s'"):format(name,
              kind == "integer" and "non-negative integer" or "positive", value))
          end
          value = n
        end
        opts[name] = value
      end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      usage_error(("unknown option '%s'"):format(a))
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return opts, pos
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

local function readfile(path, what)
  local f, err = io.open(path, "rb")
  if not f then fail(("cannot read %s: %s"):format(what, err)) end
  local s = f:read("a")
  f:close()
  return s
end

-- The layout the options name, or nil for a raw (hex) view.
local function load_layout(opts)
  if opts.layout and opts.cdef then
    usage_error("give --layout or --cdef, not both")
  end
  if opts.layout then
    local chunk, err = loadfile(opts.layout)
    if not chunk then
      if not io.open(opts.layout) then
        fail(("cannot read layout file '%s'"):format(opts.layout))
      end
      fail(("layout file %s"):format(oneline(err)))
    end
    local ok, v = pcall(chunk)
    if not ok then fail(("layout file '%s': %s"):format(opts.layout, oneline(v))) end
    if shm.type(v) == "layout" then return v end
    if type(v) ~= "table" then
      fail(("layout file '%s' returns %s, not a layout"):format(opts.layout, type(v)))
    end
    return pick(v, opts.type, ("layout file '%s'"):format(opts.layout))
  elseif opts.cdef then
    if not opts.type then usage_error("--cdef needs --type T (the struct or typedef to use)") end
    if not shm.cdef then fail("C declarations are not available (no shm.cdef)") end
    local src = readfile(opts.cdef, ("'%s'"):format(opts.cdef))
    local ok, t = pcall(shm.cdef, src, opts.abi and { abi = opts.abi } or nil)
    if not ok then fail(("%s: %s"):format(opts.cdef, oneline(t))) end
    return pick(t, opts.type, ("'%s'"):format(opts.cdef))
  elseif opts.type then
    usage_error("--type needs --layout or --cdef")
  end
  return nil
end

-- The consistency scheme the options give, or nil.
local function load_scheme(opts)
  local n = (opts.seq and 1 or 0) + (opts.check and 1 or 0)
            + ((opts.begin or opts["end"]) and 1 or 0)
  if n == 0 then return nil end
  if n > 1 then usage_error("give one of --seq, --check, --begin/--end") end
  if (opts.begin == nil) ~= (opts["end"] == nil) then
    usage_error("--begin and --end go together")
  end
  if not shm.read_consistent then fail("consistent reads are not available") end
  return { seq = opts.seq, check = opts.check, begin = opts.begin, ["end"] = opts["end"] }
end

-- ============================================================= source

-- What dump and watch read: open region 'name' read-only and return a
-- function giving the current lines ({key, text}, ...) and a status note.
local function open_source(name, opts)
  local layout = load_layout(opts)
  local scheme = load_scheme(opts)
  if scheme and not layout then usage_error("--seq, --check, --begin/--end need a layout") end
  if layout and opts.length then usage_error("--length is for raw regions (without a layout)") end
  local link, err = shm.open(name, 1)
  if not link then fail(tostring(err)) end
  local offset = opts.offset or 0
  local size = link:size()
  if layout then
    local need = offset + shm.sizeof(layout)
    if size < need then
      link:close()
      fail(("region '%s' has %d bytes: the layout at offset %d needs %d"):format(
        name, size, offset, need))
    end
    local view = link:view(layout, offset)
    local last
    return link, function()
      if scheme then
        local t, why = shm.read_consistent(view, scheme)
        if not t then
          return last or {}, why
        end
        last = format.fields(t, layout)
        return last
      end
      return format.fields(shm.read(view), layout)
    end
  end
  if offset > size then
    link:close()
    fail(("offset %d is past the end of region '%s' (%d bytes)"):format(offset, name, size))
  end
  local n = math.min(opts.length or size - offset, size - offset)
  return link, function(collapse)
    return format.hexdump(link:read_bytes(offset, n), offset, collapse)
  end
end

-- ============================================================ commands

local cmds = {}

local function need_name(pos)
  if #pos ~= 1 then
    usage_error(#pos == 0 and "missing region NAME" or
      ("one region NAME expected, got %d arguments"):format(#pos))
  end
  return pos[1]
end

function cmds.dump(opts, pos)
  local name = need_name(pos)
  local link, read = open_source(name, opts)
  local lines, note = read(true)
  link:close()
  if note then fail(("region '%s': %s read"):format(name, note)) end
  local out = {}
  local raw = not (opts.layout or opts.cdef)
  for i, l in ipairs(lines) do
    out[i] = raw and l[2] or l[1] .. " = " .. l[2]
  end
  if #out > 0 then io.stdout:write(table.concat(out, "\n"), "\n") end
  return 0
end

local ESC = "\27["

-- One refresh on a terminal: redraw the screen in place.
local function draw_tty(header, lines, changed_at, n, recent)
  local out = { ESC .. "H", header, ESC .. "K\n" }
  for _, l in ipairs(lines) do
    local text = l.raw and l[2] or l[1] .. " = " .. l[2]
    local t = changed_at[l[1]]
    if t and n > 1 and n - t < recent then
      out[#out + 1] = ESC .. "1;33;7m" .. text .. ESC .. "0m"
    else
      out[#out + 1] = text
    end
    out[#out + 1] = ESC .. "K\n"
  end
  out[#out + 1] = ESC .. "J"
  io.stdout:write(table.concat(out))
  io.stdout:flush()
end

function cmds.watch(opts, pos)
  local name = need_name(pos)
  local link, read = open_source(name, opts)
  local raw = not (opts.layout or opts.cdef)
  local sys = shm._sys
  local tty = not opts.plain and sys.isatty()
  local hz = opts.hz or 10
  local recent = math.max(1, math.ceil(hz))   -- refreshes in about a second
  local prev, changed_at = {}, {}
  local ok, err = pcall(function()
    local n = 0
    if tty then io.stdout:write(ESC .. "2J") end
    while not opts.count or n < opts.count do
      n = n + 1
      local lines, note = read(true)
      local diff = {}
      for _, l in ipairs(lines) do
        l.raw = raw
        if prev[l[1]] ~= l[2] then
          if n > 1 then changed_at[l[1]] = n end
          diff[#diff + 1] = l
        end
        prev[l[1]] = l[2]
      end
      if tty then
        draw_tty(("winshm watch %s  %d bytes  refresh %d (%g Hz)%s  Ctrl-C stops"):format(
          name, link:size(), n, hz, note and ("  [" .. note .. " read]") or ""),
          lines, changed_at, n, recent)
      elseif #diff > 0 or note then
        local out = { ("-- refresh %d%s"):format(n, note and (" (" .. note .. " read)") or "") }
        for _, l in ipairs(diff) do
          out[#out + 1] = raw and l[2] or l[1] .. " = " .. l[2]
        end
        io.stdout:write(table.concat(out, "\n"), "\n")
        io.stdout:flush()
      end
      if opts.count and n >= opts.count then break end
      sys.sleep(1 / hz)
    end
  end)
  link:close()
  if tty then io.stdout:write(ESC .. "0m\n") io.stdout:flush() end
  if not ok then
    if tostring(err):find("interrupted!", 1, true) then return 0 end
    error(err, 0)
  end
  return 0
end

local function fmtsize(n)
  if n < 10240 then return tostring(n) end
  local units, i = { "K", "M", "G", "T" }, 0
  repeat n = n / 1024; i = i + 1 until n < 1024 or i == #units
  return ("%.1f%s"):format(n, units[i])
end

function cmds.ls(opts, pos)
  if WINDOWS then
    fail("listing named objects is not available on Windows: the kernel's " ..
         "object directory is not read by winshm (try Sysinternals WinObj)")
  end
  if #pos > 1 then usage_error("at most one PATTERN") end
  local posix = require "winshm.tools.posix"
  local list, err = posix.objects()
  if not list then fail(err) end
  local rows = { { "KIND", "SIZE", "MODE", "OWNER", "MANAGED", "STATE", "PIDS", "NAME" } }
  for _, o in ipairs(list) do
    if (not pos[1] or o.name:find(pos[1], 1, true))
       and (not opts.stale or o.state == "stale") then
      local pids = {}
      for i, p in ipairs(o.pids) do pids[i] = tostring(p) end
      rows[#rows + 1] = { o.kind, fmtsize(o.size), posix.modestring(o.mode), o.owner,
        o.managed and "yes" or "no", o.state,
        #pids > 0 and table.concat(pids, ",") or "-", o.name }
    end
  end
  local width = {}
  for _, r in ipairs(rows) do
    for i, c in ipairs(r) do width[i] = math.max(width[i] or 0, #c) end
  end
  local out = {}
  for _, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(r) do
      local align = i == 2 and "%" or "%-"   -- sizes to the right
      cells[i] = i == #r and c or (align .. width[i] .. "s"):format(c)
    end
    out[#out + 1] = table.concat(cells, "  ")
  end
  io.stdout:write(table.concat(out, "\n"), "\n")
  return 0
end

local function rm_stale(posix)
  local list, err = posix.objects()
  if not list then fail(err) end
  local removed, kept = 0, 0
  for _, o in ipairs(list) do
    if o.state == "stale" then
      if posix.remove_stale(o) then
        removed = removed + 1
        io.stdout:write(("removed stale %s '%s'\n"):format(o.kind, o.name))
      else
        kept = kept + 1
        io.stderr:write(("winshm rm: %s '%s' is in use again: kept\n"):format(o.kind, o.name))
      end
    end
  end
  if removed == 0 and kept == 0 then io.stdout:write("no stale objects\n") end
  return 0
end

function cmds.rm(opts, pos)
  if WINDOWS then
    fail("nothing to remove on Windows: a named mapping vanishes when its last handle closes")
  end
  local posix = require "winshm.tools.posix"
  if opts.stale then
    if #pos > 0 or opts.mutex or opts.event then usage_error("--stale takes no NAME") end
    return rm_stale(posix)
  end
  if opts.mutex and opts.event then usage_error("give --mutex or --event, not both") end
  if #pos == 0 then usage_error("missing NAME") end
  local kind = opts.mutex and "mutex" or opts.event and "event" or "region"
  local status = 0
  for _, name in ipairs(pos) do
    local ok, err
    if kind == "region" then
      ok, err = shm.remove(name)
      err = err and tostring(err)
    else
      local o
      o, err = posix.find(kind, name)
      if o then ok, err = os.remove(o.path)
      elseif not err then err = ("no %s '%s'"):format(kind, name) end
    end
    if not ok then
      io.stderr:write("winshm rm: ", err, "\n")
      status = 1
    end
  end
  return status
end

function cmds.help(_, pos)
  if #pos == 0 then
    io.stdout:write(overview())
    return 0
  end
  local h = HELP[pos[1]]
  if not h or #pos > 1 then
    usage_error(#pos > 1 and "one COMMAND at most" or
      ("no command '%s' (commands: %s)"):format(pos[1], table.concat(ORDER, ", ")))
  end
  io.stdout:write("usage: ", h.usage, "\n\n", h.text, "\n")
  return 0
end

-- ================================================================ main

-- Run the command args[1] with args[2..]; returns the exit status.
function M.main(args)
  local cmd = args[1]
  if cmd == nil then
    io.stderr:write(overview())
    return 2
  end
  if cmd == "-h" or cmd == "--help" then cmd = "help" end
  local ok, status = pcall(function()
    if not cmds[cmd] then
      usage_error(("no command '%s' (commands: %s)"):format(cmd, table.concat(ORDER, ", ")))
    end
    local opts, pos = parse(cmd, args, 2)
    if opts.help then return cmds.help({}, { cmd }) end
    return cmds[cmd](opts, pos)
  end)
  if ok then return status end
  local e = status
  local prefix = cmds[cmd] and "winshm " .. cmd .. ": " or "winshm: "
  local msg = getmetatable(e) == Failure and e.msg or oneline(e)
  if getmetatable(e) == Failure and e.status == 2 then
    msg = msg .. (cmds[cmd] and (" (see 'winshm help %s')"):format(cmd)
                  or " (see 'winshm help')")
  end
  io.stderr:write(prefix, msg, "\n")
  io.stderr:flush()
  return getmetatable(e) == Failure and e.status or 1
end

M.commands = ORDER
M.help = HELP

return M
