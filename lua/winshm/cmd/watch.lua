-- `winshm watch NAME ...`: a region's fields, refreshed until Ctrl-C.
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local source = require "winshm.tools.source"

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

-- One refresh into a file or a pipe: the lines that changed.
local function draw_plain(n, note, diff, raw)
  if #diff == 0 and not note then return end
  local out = { ("-- refresh %d%s"):format(n, note and (" (" .. note .. " read)") or "") }
  for _, l in ipairs(diff) do
    out[#out + 1] = raw and l[2] or l[1] .. " = " .. l[2]
  end
  io.stdout:write(table.concat(out, "\n"), "\n")
  io.stdout:flush()
end

local function watch(opts, pos)
  local name = cli.one(pos, "region NAME")
  local link, read = source.lines(name, opts)
  local raw = not (opts.layout or opts.cdef)
  local sys = shm._sys
  local tty = not opts.plain and sys.isatty()
  local hz = opts.hz or 10
  local recent = math.max(1, math.ceil(hz))   -- refreshes in about a second
  local prev, changed_at = {}, {}
  local ok, err = pcall(cli.interruptible, function()
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
      else
        draw_plain(n, note, diff, raw)
      end
      if opts.count and n >= opts.count then break end
      sys.sleep(1 / hz)
    end
  end)
  link:close()
  if tty then io.stdout:write(ESC .. "0m\n") io.stdout:flush() end
  if not ok then error(err, 0) end
  return 0
end

return cli.command {
  name = "watch",
  usage = "winshm watch NAME [dump's options] [--hz N] [--count N]",
  text = [[
Show the fields of region NAME and refresh them until Ctrl-C, fields
that changed in the last second highlighted.  On a terminal the screen is
redrawn in place (ANSI escapes); when the output is not a terminal each
refresh prints '-- refresh N' and the lines that changed (all of them the
first time).
]] .. source.help .. [[

  --hz N              refreshes per second (default 10, 0.01 to 1000)
  --count N           stop after N refreshes
  --plain             plain lines even on a terminal]],
  options = source.with { hz = cli.number(0.01, 1000), count = cli.integer(1), plain = "flag" },
  run = watch,
}
