-- `winshm rm NAME... | --stale`: remove POSIX objects.
local shm = require "winshm"
local cli = require "winshm.tools.cli"

local WINDOWS = package.config:sub(1, 1) == "\\"

local function rm_stale(posix)
  local list, err = posix.objects()
  if not list then cli.fail(err) end
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

local function rm(opts, pos)
  if WINDOWS then
    cli.fail("nothing to remove on Windows: a named mapping vanishes when its last handle closes")
  end
  local posix = require "winshm.tools.posix"
  if opts.stale then
    if #pos > 0 or opts.mutex or opts.event then cli.usage_error("--stale takes no NAME") end
    return rm_stale(posix)
  end
  if opts.mutex and opts.event then cli.usage_error("give --mutex or --event, not both") end
  if #pos == 0 then cli.usage_error("missing NAME") end
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

return cli.command {
  name = "rm",
  usage = "winshm rm [--mutex | --event] NAME... | winshm rm --stale",
  text = [[
Remove the region NAME (as shm.remove does): its memory stays with the
processes that have it open and goes with the last of them; the name is
free at once.  --mutex and --event remove a mutex or an event instead.
--stale removes every stale winshm object (see 'winshm help ls'), safely
against processes opening them at the same moment.
On Windows there is nothing to remove: a mapping vanishes with its last
handle.]],
  options = { stale = "flag", mutex = "flag", event = "flag" },
  run = rm,
}
