-- `winshm plot FILE FIELD... -o OUT.svg`: fields of a recording over time.
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local format = require "winshm.tools.format"
local select = require "winshm.tools.select"
local svg = require "winshm.tools.svg"

-- Units by the last word of a field's name: "speed_kmh", "speedKmh",
-- "tyre_temp_c", "mEngineRPM".
local UNITS = {
  ms = "m/s", mps = "m/s", kmh = "km/h", kph = "km/h", mph = "mph",
  c = "°C", degc = "°C", celsius = "°C", k = "K", kelvin = "K",
  kpa = "kPa", psi = "psi", bar = "bar", pa = "Pa",
  rpm = "rpm", s = "s", sec = "s", secs = "s", seconds = "s", msec = "ms",
  m = "m", km = "km", mm = "mm", deg = "°", degrees = "°", rad = "rad", rads = "rad/s",
  pct = "%", percent = "%", nm = "N·m", n = "N", kg = "kg", l = "L", litres = "L",
  liters = "L", w = "W", kw = "kW", hp = "hp", v = "V", a = "A", g = "g", hz = "Hz",
}

-- The unit a field path's name gives, or nil.
local function unit_of(path)
  local name = path:gsub("%[%d+%]", ""):match("([^.]+)$") or path
  local words = {}
  for w in name:gsub("(%l)(%u)", "%1_%2"):gsub("(%u)(%u%l)", "%1_%2"):gmatch("[^_]+") do
    words[#words + 1] = w:lower()
  end
  if #words < 2 and words[1] ~= "rpm" then return nil end
  return UNITS[words[#words]]
end

-- --units "speed=m/s,mTyreTemp=°C": a glob -> unit list.
local function explicit_units(text)
  local t = {}
  for item in (text or ""):gmatch("[^,]+") do
    local k, u = item:match("^%s*(.-)%s*=%s*(.-)%s*$")
    if not k or k == "" then cli.usage_error(("--units takes FIELD=UNIT, not '%s'"):format(item)) end
    t[#t + 1] = { k, u }
  end
  return t
end

local function unit(path, units)
  for _, e in ipairs(units) do
    if select.names(e[1], path) then return e[2] ~= "" and e[2] or nil end
  end
  return unit_of(path)
end

-- The panels the FIELD arguments ask for, filled from the frames.
local function collect(r, opts, pos)
  local x, panels, all = {}, {}, {}
  for time, t in r:frames(opts.from, opts.to) do
    if #panels == 0 then
      local leaves = format.leaves(t, r.layout)
      local units = explicit_units(opts.units)
      for _, field in ipairs(pos) do
        local p = { series = {} }
        for _, l in ipairs(select.pick(leaves, field, "FIELD")) do
          local s = { name = l.path, keys = l.keys, y = {}, unit = unit(l.path, units) }
          p.series[#p.series + 1] = s
          all[#all + 1] = s
        end
        panels[#panels + 1] = p
      end
    end
    x[#x + 1] = time
    for _, s in ipairs(all) do
      local v = select.at(t, s.keys)
      if type(v) == "boolean" then v = v and 1 or 0 end
      if type(v) ~= "number" then
        cli.fail(("field '%s' is text, not a number: it cannot be plotted"):format(s.name))
      end
      s.y[#x] = v
    end
  end
  if #x == 0 then cli.fail("no frames to plot" .. ((opts.from or opts.to) and " in that time span" or "")) end
  return x, panels, all
end

-- A panel's label: its fields' common name and their unit.
local function label(p, field)
  local units = {}
  for _, s in ipairs(p.series) do units[s.unit or ""] = true end
  local u = next(units)
  local one = next(units, u) == nil and u ~= "" and u
  local name = #p.series == 1 and p.series[1].name or field
  return one and ("%s (%s)"):format(name, one) or name
end

local function plot(opts, pos)
  if #pos < 2 then cli.usage_error(#pos == 0 and "missing recording FILE" or "missing FIELD") end
  if not opts.output then cli.usage_error("missing -o OUT.svg") end
  local file = table.remove(pos, 1)
  local r, err = shm.recording(file)
  if not r then cli.fail(err) end
  local ok, x, panels, all = pcall(collect, r, opts, pos)
  r:close()
  if not ok then error(x, 0) end
  for i, p in ipairs(panels) do p.label = label(p, pos[i]) end
  if opts.overlay then
    local one = { series = all }
    one.label = label(one, table.concat(pos, ", "))
    panels = { one }
  end
  for _, p in ipairs(panels) do
    for _, s in ipairs(p.series) do
      if s.unit and #p.series > 1 then s.name = ("%s (%s)"):format(s.name, s.unit) end
    end
  end
  local text = svg.chart {
    title = opts.title or ("%s: %s"):format(format.utf8(r.name), table.concat(pos, ", ")),
    subtitle = ("%s, %d frames, %.1f s"):format(file, #x, x[#x] - x[1]),
    width = opts.width, panel_height = opts.height or (opts.overlay and 320 or nil),
    x = x, panels = panels,
  }
  local f, ferr = io.open(opts.output, "wb")
  if not f then cli.fail(("cannot write '%s': %s"):format(opts.output, ferr)) end
  local wok, werr = f:write(text)
  local cok, cerr = f:close()
  if not (wok and cok) then cli.fail(("cannot write '%s': %s"):format(opts.output, werr or cerr)) end
  return 0
end

return cli.command {
  name = "plot",
  usage = "winshm plot FILE FIELD... -o OUT.svg [--overlay]",
  text = [[
Draw fields of recording FILE over time as an SVG line chart: one panel
per FIELD (each with its own y axis and legend), or all in one with
--overlay.  A FIELD names fields as export's --fields does: "mSpeed",
"mTyreTemp" (all four elements), "wheels[?].temp", "pos.x,pos.z".
Booleans plot as 0 and 1; text fields cannot be plotted.  Units come from
the fields' names -- their last word: speed_kmh, tyreTempC, mEngineRPM
(km/h, °C, rpm) -- or from --units.
  -o, --output OUT    the SVG file to write (replaced if it exists)
  --overlay           every field in one panel
  --from S, --to S    only the frames from S to S seconds
  --units LIST        units by field: "mSpeed=m/s,mTyreTemp=°C"
  --title TEXT        the chart's title
  --width N           the chart's width in pixels (default 960)
  --height N          each panel's height in pixels (default 220)]],
  options = {
    output = "value", ["-o"] = "output", overlay = "flag", units = "value", title = "value",
    from = cli.number(-1e12, 1e12), to = cli.number(-1e12, 1e12),
    width = cli.integer(400, 10000), height = cli.integer(80, 5000),
  },
  run = plot,
}
