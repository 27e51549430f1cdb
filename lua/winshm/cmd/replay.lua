-- `winshm replay FILE [--as NAME] [--speed X] [--loop]`: a recording
-- written back into a region, frame by frame, at its recorded times.
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local format = require "winshm.tools.format"

-- The byte ranges of a frame that are not the scheme's counters.
local function data_spans(layout, scheme, length)
  local cuts = {}
  for _, k in ipairs({ "seq", "check", "begin", "end" }) do
    if scheme[k] then
      local ok, off, size = pcall(shm._rec.span, layout, scheme[k])
      if not ok then cli.fail(("the recording's scheme does not fit its layout: %s"):format(cli.oneline(off))) end
      cuts[#cuts + 1] = { off, off + size }
    end
  end
  table.sort(cuts, function(a, b) return a[1] < b[1] end)
  local spans, at = {}, 0
  for _, c in ipairs(cuts) do
    if c[1] > at then spans[#spans + 1] = { at, c[1] } end
    at = math.max(at, c[2])
  end
  if at < length then spans[#spans + 1] = { at, length } end
  return spans
end

-- A function writing one frame's bytes into the region: under the
-- recorded scheme (write_consistent keeps its counters), or as they are.
local function frame_writer(link, r)
  local offset = r.offset
  if not r.scheme then
    return function(bytes) link:write_bytes(offset, bytes) end
  end
  local view = link:view(r.layout, offset, "rw")
  local spans = data_spans(r.layout, r.scheme, shm.sizeof(r.layout))
  local bytes
  local function put()
    for _, s in ipairs(spans) do
      link:write_bytes(offset + s[1], bytes:sub(s[1] + 1, s[2]))
    end
  end
  return function(b)
    bytes = b
    shm.write_consistent(view, r.scheme, put)
  end
end

local function replay(opts, pos)
  local file = cli.one(pos, "recording FILE")
  local r, err = shm.recording(file)
  if not r then cli.fail(err) end
  local name = opts.as or r.name
  local link, cerr = shm.create(name, r.size)
  if not link then
    r:close()
    cli.fail(tostring(cerr) .. (cerr.code == "EEXIST"
      and " (a region of that name exists: --as NAME replays under another name)" or ""))
  end
  local write = frame_writer(link, r)
  local speed, sys = opts.speed or 1, shm._sys
  local gap = r.count > 1 and r.duration / (r.count - 1) or 1 / 60
  local frames, loops = 0, 0
  local ok, e = pcall(cli.interruptible, function()
    local base = sys.clock()
    repeat
      local first
      for time, bytes in r:raw() do
        first = first or time
        local wait = base + (time - first) / speed - sys.clock()
        if wait > 0 then sys.sleep(wait) end
        write(bytes)
        frames = frames + 1
      end
      loops = loops + 1
      base = base + (r.duration + gap) / speed
    until not opts.loop or r.count == 0
  end)
  link:close()
  r:close()
  if not ok then error(e, 0) end
  io.stdout:write(("replayed %d frames of %s as %s (%d pass%s, speed %g)\n"):format(frames,
    file, format.escape(name), loops, loops == 1 and "" or "es", speed))
  return 0
end

return cli.command {
  name = "replay",
  usage = "winshm replay FILE [--as NAME] [--speed X] [--loop]",
  text = [[
Create the region of recording FILE (its recorded name, or --as NAME) and
write its frames into it at their recorded times, then end (the region
goes with it).  A recording made with a scheme (--seq, --check,
--begin/--end) is written under that scheme, so that readers using
shm.read_consistent see whole frames.  Ctrl-C stops it.
  --as NAME           create region NAME instead of the recorded name
  --speed X           X times as fast (0.5: half speed; default 1)
  --loop              start again after the last frame, until Ctrl-C]],
  options = { as = "value", speed = cli.number(0.001, 1000), loop = "flag" },
  run = replay,
}
