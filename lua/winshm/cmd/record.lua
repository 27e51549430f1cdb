-- `winshm record NAME ... -o FILE`: a region's frames into a recording.
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local source = require "winshm.tools.source"
local format = require "winshm.tools.format"

local WINDOWS = package.config:sub(1, 1) == "\\"

-- Wait (polling) until region 'name' opens.
local function wait_for(name, tty)
  if tty then io.stderr:write(("waiting for region %s ...\r"):format(format.escape(name))) end
  while not shm.open(name, 1) do shm._sys.sleep(0.005) end
end

-- The region as the options say, and what records it: link, view, scheme.
local function open_view(name, opts)
  local link, view, _, scheme = source.open(name, opts)
  if not view then   -- a raw region: its bytes as one array
    local offset = opts.offset or 0
    local n = math.min(opts.length or link:size() - offset, link:size() - offset)
    if n == 0 then cli.fail(("region '%s' has no bytes at offset %d"):format(name, offset)) end
    view = link:view(shm.struct { name = "Bytes", { "bytes", "uint8_t", n } }, offset)
  end
  return link, view, scheme
end

-- A function telling why the region went away, or nil while it is there.
-- POSIX: its name removed or another region's, or no process but this
-- one holding it.  Windows: no handle to it but this recorder's own.
local function watcher(name)
  if WINDOWS then
    return function()
      local n = shm._sys.handles(name)
      if n and n <= 1 then return "no other process holds it" end
      return nil
    end
  end
  local posix = require "winshm.tools.posix"
  local e = posix.entry(name)
  if not e then return function() return nil end end   -- not a /dev/shm object
  local pid = shm._sys.pid()
  return function() return posix.gone(name, e, pid) end
end

local function progress(rec, seconds, torn)
  return ("%d frames  %.1f s  %s bytes%s"):format(rec.count, seconds, format.size(rec.bytes),
    torn > 0 and ("  %d torn"):format(torn) or "")
end

local function record(opts, pos)
  local name = cli.one(pos, "region NAME")
  if not opts.output then cli.usage_error("missing -o FILE (the recording to write)") end
  local sys = shm._sys
  local tty = sys.isatty(2)
  if opts.wait and not cli.interruptible(function() wait_for(name, tty) end) then
    if tty then io.stderr:write("\r\27[K") end
    return 0
  end
  local link, view, scheme = open_view(name, opts)
  local rec, err = shm.record(opts.output, view, { scheme = scheme, note = opts.note })
  if not rec then
    link:close()
    cli.fail(err)
  end
  local gone = watcher(name)
  local period, t0 = 1 / (opts.hz or 60), sys.clock()
  local torn, why, shown, checked = 0, "interrupted", -1, 0
  local ok, err2 = pcall(cli.interruptible, function()
    local tick = t0
    while true do
      local now = sys.clock() - t0
      if opts.duration and now >= opts.duration then why = "duration" return end
      if not rec:frame() then torn = torn + 1 end
      if tty and now - shown >= 0.25 then
        io.stderr:write("\r", progress(rec, now, torn), "\27[K")
        shown = now
      end
      if now - checked >= 1 then
        checked = now
        local reason = gone()
        if reason then why = "region gone: " .. reason return end
      end
      -- the next tick; ticks missed (a busy machine) are dropped
      local clock = sys.clock()
      tick = tick + period
      if tick < clock - period then tick = clock end
      if tick > clock then sys.sleep(tick - clock) end
    end
  end)
  local seconds = sys.clock() - t0
  rec:close()
  link:close()
  if tty then io.stderr:write("\r\27[K") end
  if not ok then error(err2, 0) end
  io.stdout:write(("recorded %s to %s: %s (%s)\n"):format(format.escape(name),
    opts.output, progress(rec, seconds, torn), why))
  return 0
end

return cli.command {
  name = "record",
  usage = "winshm record NAME [--layout F | --cdef F --type T] [--seq F | --check F | "
    .. "--begin F --end F] [--hz N] [--duration S] -o FILE",
  text = [[
Record region NAME into a new file, FILE: a frame --hz times a second
(default 60) until Ctrl-C, --duration seconds, or the region going away:
no process but the recorder holding it (POSIX: a region winshm manages;
Windows: any mapping), or (POSIX) its name removed.  Everything recorded up to then is kept, even when the
recorder is killed.  With a scheme (--seq, --check, --begin/--end) every
frame is a consistent copy; a frame that stays torn is skipped and
counted.  On a terminal, progress (frames, seconds, bytes) shows on
standard error; at the end one line on standard output says what was
recorded.  FILE holds the layout: replay, export and plot need nothing
else.  Without a layout the region's bytes are recorded as one array.
]] .. source.help .. [[

  -o, --output FILE   the recording to write (never an existing file)
  --hz N              frames per second (default 60, 0.01 to 10000)
  --duration S        stop after S seconds
  --wait              wait for the region to appear, then record
  --note TEXT         a note stored in the recording]],
  options = source.with {
    output = "value", ["-o"] = "output", hz = cli.number(0.01, 10000),
    duration = cli.number(0, 1e9), wait = "flag", note = "value",
  },
  run = record,
}
