-- `winshm ls [--stale] [PATTERN]`: the shared memory objects of this machine.
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local format = require "winshm.tools.format"

local WINDOWS = package.config:sub(1, 1) == "\\"

local WIN_KINDS = { Section = "region", Mutant = "mutex", Event = "event" }

-- Windows: the sections, mutexes and events of the session's and the
-- global object directories.  Nothing there is stale: an object goes
-- with its last handle.
local function ls_windows(opts, pos)
  local list, err = shm._sys.objects()
  if not list then cli.fail(err) end
  local objs = {}
  for _, o in ipairs(list) do
    local kind = WIN_KINDS[o.type]
    local name = o.ns .. "\\" .. format.escape(o.name)
    if kind and (not pos[1] or name:find(pos[1], 1, true)) and not opts.stale then
      objs[#objs + 1] = { kind, o.size and format.size(o.size) or "-", name }
    end
  end
  local order = { region = 1, mutex = 2, event = 3 }
  table.sort(objs, function(a, b)
    if a[1] ~= b[1] then return order[a[1]] < order[b[1]] end
    return a[3] < b[3]
  end)
  table.insert(objs, 1, { "KIND", "SIZE", "NAME" })
  io.stdout:write(format.columns(objs))
  return 0
end

local function ls_posix(opts, pos)
  local posix = require "winshm.tools.posix"
  local list, err = posix.objects()
  if not list then cli.fail(err) end
  local rows = { { "KIND", "SIZE", "MODE", "OWNER", "MANAGED", "STATE", "PIDS", "NAME" } }
  for _, o in ipairs(list) do
    if (not pos[1] or o.name:find(pos[1], 1, true))
       and (not opts.stale or o.state == "stale") then
      local pids = {}
      for i, p in ipairs(o.pids) do pids[i] = tostring(p) end
      rows[#rows + 1] = { o.kind, format.size(o.size), posix.modestring(o.mode),
        format.escape(o.owner), o.managed and "yes" or "no", o.state,
        #pids > 0 and table.concat(pids, ",") or "-", format.escape(o.name) }
    end
  end
  io.stdout:write(format.columns(rows))
  return 0
end

return cli.command {
  name = "ls",
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
Control characters and bytes that are not UTF-8 in a name are shown as
\ddd escapes (a backslash as \\).  PATTERN keeps the objects whose name
contains it; --stale keeps the stale
ones.  On Windows: the sections (regions), mutexes and events of the
session's (Local\) and the global (Global\) object directories with
their size; nothing is stale there, an object goes with its last handle.]],
  options = { stale = "flag" },
  run = function(opts, pos)
    if #pos > 1 then cli.usage_error("at most one PATTERN") end
    return (WINDOWS and ls_windows or ls_posix)(opts, pos)
  end,
}
