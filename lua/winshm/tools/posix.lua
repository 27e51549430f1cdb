-- winshm.tools.posix: what `winshm ls` and `winshm rm` know about the
-- objects in /dev/shm (see src/os_posix.c for the lifetime scheme):
--
-- - regions are the files of /dev/shm; mutexes and events are the files
--   of /dev/shm/winshm.mutex/ and /dev/shm/winshm.event/;
-- - winshm manages an object when its sticky bit is set;
-- - every open handle holds a flock on the object, so /proc/locks tells
--   which processes hold it; a managed object nobody holds is stale (its
--   processes died) and goes the next time anybody opens it.
local shm = require "winshm"

local M = {}

M.dir = "/dev/shm"
M.kinds = {
  { kind = "region", sub = nil },
  { kind = "mutex", sub = "winshm.mutex" },
  { kind = "event", sub = "winshm.event" },
}

local STICKY = 512   -- S_ISVTX, 01000

-- "dev:ino" -> { pid, ... } for the flocks of /proc/locks, each process
-- once (one process holds one flock per handle).
function M.holders(path)
  local f = io.open(path or "/proc/locks", "r")
  local by = {}
  if not f then return by, false end
  for line in f:lines() do
    -- "1: FLOCK  ADVISORY  READ 474 00:1b:5189 0 EOF"; waiters have "->"
    local class, pid, dev, ino =
      line:match("^%d+:%s+(%u+)%s+%u+%s+%u+%s+(%d+)%s+(%x+:%x+):(%d+)")
    if class == "FLOCK" then
      local key, n = dev .. ":" .. ino, tonumber(pid)
      local t = by[key] or { seen = {} }
      by[key] = t
      if not t.seen[n] then
        t.seen[n] = true
        t[#t + 1] = n
      end
    end
  end
  f:close()
  return by, true
end

-- "rw-------T" from a mode number, as ls -l shows it.
function M.modestring(mode)
  local s = {}
  for i, c in ipairs({ "r", "w", "x", "r", "w", "x", "r", "w", "x" }) do
    s[i] = (mode >> (9 - i)) & 1 == 1 and c or "-"
  end
  if mode & STICKY ~= 0 then
    s[9] = s[9] == "x" and "t" or "T"
  end
  return table.concat(s)
end

-- Every object: { kind, name, path, size, mode, owner, managed, pids, state }
-- sorted by kind and name.  state: "live" | "stale" (managed, nobody holds
-- it) | "open" (not managed, held by winshm handles) | "-".
function M.objects(dir)
  dir = dir or M.dir
  local sys = shm._sys
  local holders = M.holders()
  local list = {}
  for _, k in ipairs(M.kinds) do
    local d = k.sub and dir .. "/" .. k.sub or dir
    local entries, err = sys.scandir(d)
    if not entries and not k.sub then
      return nil, err
    end
    for _, e in ipairs(entries or {}) do
      if not e.dir then
        local pids = holders[e.dev .. ":" .. e.ino] or {}
        table.sort(pids)
        local managed = e.mode & STICKY ~= 0
        local state = managed and (#pids > 0 and "live" or "stale")
                      or (#pids > 0 and "open" or "-")
        list[#list + 1] = {
          kind = k.kind, name = e.name, path = d .. "/" .. e.name,
          size = e.size, mode = e.mode, owner = e.owner, managed = managed,
          pids = pids, state = state,
        }
      end
    end
  end
  local order = { region = 1, mutex = 2, event = 3 }
  table.sort(list, function(a, b)
    if a.kind ~= b.kind then return order[a.kind] < order[b.kind] end
    return a.name < b.name
  end)
  return list
end

-- The object of 'kind' called 'name' (as the system names it: no
-- namespace prefix), or nil, or nil and a message.
function M.find(kind, name, dir)
  local objname, oerr = shm._objname(name)
  if not objname then return nil, tostring(oerr) end
  name = objname
  local list, err = M.objects(dir)
  if not list then return nil, err end
  for _, o in ipairs(list) do
    if o.kind == kind and o.name == name then return o end
  end
  return nil
end

-- The /dev/shm entry of region 'name' now (see _sys.stat), or nil and
-- a message.
function M.entry(name, dir)
  local objname, err = shm._objname(name)
  if not objname then return nil, tostring(err) end
  return shm._sys.stat((dir or M.dir) .. "/" .. objname, true)
end

-- Why region 'name', whose entry was 'e' when process 'pid' opened it,
-- is gone for that process, or nil while it is there: its name removed
-- or taken by another region, or (a region winshm manages) no process
-- but 'pid' holding it, its writers having closed it or died.
function M.gone(name, e, pid, dir)
  local now = M.entry(name, dir)
  if not now then return "its name was removed" end
  if now.dev ~= e.dev or now.ino ~= e.ino then return "its name is another region's now" end
  if now.mode & STICKY == 0 then return nil end
  for _, p in ipairs(M.holders()[now.dev .. ":" .. now.ino] or {}) do
    if p ~= pid then return nil end
  end
  return "no other process holds it"
end

-- Remove a stale object the way winshm itself does, so that a process
-- opening it at the same moment cannot lose a fresh one: opening a stale
-- managed object removes it; a mutex or event made fresh by that open goes
-- again with its last handle when we close it.
function M.remove_stale(o)
  if o.kind == "region" then
    local link = shm.open(o.name, 1)
    if link then link:close() end
  elseif shm[o.kind] then
    local obj = shm[o.kind](o.name)
    if obj then obj:close() end
  else
    os.remove(o.path)
  end
  local f = io.open(o.path, "r")
  if f then f:close() return false end
  return true
end

return M
