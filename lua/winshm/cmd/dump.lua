-- `winshm dump NAME ...`: every field of a region once, as path = value.
local cli = require "winshm.tools.cli"
local source = require "winshm.tools.source"

return cli.command {
  name = "dump",
  usage = "winshm dump NAME [--layout FILE.lua | --cdef FILE.h --type T] [--offset N]",
  text = [[
Print every field of region NAME as 'path = value', one a line: nested
layouts and arrays expanded (pos.x, wheels[2].temp), strings decoded.
The region is opened read-only.
]] .. source.help,
  options = source.options,
  run = function(opts, pos)
    local name = cli.one(pos, "region NAME")
    local link, read = source.lines(name, opts)
    local lines, note = read(true)
    link:close()
    if note then cli.fail(("region '%s': %s read"):format(name, note)) end
    local out = {}
    local raw = not (opts.layout or opts.cdef)
    for i, l in ipairs(lines) do
      out[i] = raw and l[2] or l[1] .. " = " .. l[2]
    end
    if #out > 0 then io.stdout:write(table.concat(out, "\n"), "\n") end
    return 0
  end,
}
