-- `winshm export FILE (--csv | --jsonl) [--fields P] [-o OUT]`: a
-- recording as rows, one a frame.
local shm = require "winshm"
local cli = require "winshm.tools.cli"
local format = require "winshm.tools.format"
local select = require "winshm.tools.select"

-- ================================================================ CSV

-- A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line
-- end, or spaces at its ends.
local function csvtext(s)
  s = format.utf8(s)
  if s:find('[,"\r\n]') or s:find("^%s") or s:find("%s$") then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

local function csvcell(v, tname)
  local t = type(v)
  if t == "number" then return format.exact(v, tname) end
  if t == "boolean" then return v and "true" or "false" end
  return csvtext(v)
end

-- =============================================================== JSON

local JSONESC = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
                  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

local function jsontext(s)
  return '"' .. format.utf8(s):gsub('[%c"\\]', function(c)
    return JSONESC[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

local function jsoncell(v, tname)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return format.exact(v, tname)
  end
  if t == "boolean" then return v and "true" or "false" end
  return jsontext(v)
end

-- ============================================================== export

-- Write the rows of recording r to out with writer w: its header once,
-- then a row for each frame.
local function rows(r, opts, out, w)
  local leaves, count = nil, 0
  for time, t in r:frames(opts.from, opts.to) do
    if not leaves then
      leaves = format.leaves(t, r.layout)
      if opts.fields then leaves = select.pick(leaves, opts.fields, "--fields") end
      out:write(w.header(leaves))
    end
    local cells = {}
    for i, l in ipairs(leaves) do cells[i] = w.cell(select.at(t, l.keys), l.type) end
    out:write(w.row(format.exact(time), cells))
    count = count + 1
  end
  return count
end

-- The writers of each format: cell(value, tname), header(leaves) and
-- row(time, cells), each giving text.
local function csv()
  return {
    cell = csvcell,
    header = function(leaves)
      local h = { "time" }
      for i, l in ipairs(leaves) do h[i + 1] = csvtext(l.path) end
      return table.concat(h, ",") .. "\n"
    end,
    row = function(time, cells)
      return time .. (#cells > 0 and "," .. table.concat(cells, ",") or "") .. "\n"
    end,
  }
end

local function jsonl()
  local keys = {}
  return {
    cell = jsoncell,
    header = function(leaves)
      for i, l in ipairs(leaves) do keys[i] = "," .. jsontext(l.path) .. ":" end
      return ""
    end,
    row = function(time, cells)
      local parts = { '{"time":', time }
      for i, c in ipairs(cells) do
        parts[#parts + 1] = keys[i]
        parts[#parts + 1] = c
      end
      parts[#parts + 1] = "}\n"
      return table.concat(parts)
    end,
  }
end

local function export(opts, pos)
  local file = cli.one(pos, "recording FILE")
  if (opts.csv and 1 or 0) + (opts.jsonl and 1 or 0) ~= 1 then
    cli.usage_error("give one of --csv and --jsonl")
  end
  local r, err = shm.recording(file)
  if not r then cli.fail(err) end
  local out = io.stdout
  if opts.output then
    local f, oerr = io.open(opts.output, "wb")
    if not f then r:close() cli.fail(("cannot write '%s': %s"):format(opts.output, oerr)) end
    out = f
  end
  local ok, e = pcall(rows, r, opts, out, (opts.csv and csv or jsonl)())
  r:close()
  if out ~= io.stdout then
    local cok, cerr = out:close()
    if ok and not cok then cli.fail(("cannot write '%s': %s"):format(opts.output, cerr)) end
  end
  if not ok then error(e, 0) end
  return 0
end

return cli.command {
  name = "export",
  usage = "winshm export FILE (--csv | --jsonl) [--fields PATTERN] [-o OUT]",
  text = [[
Write the frames of recording FILE as rows, one a frame, in order: a
'time' column (seconds from the start of the recording) and one column per
field, arrays and nested layouts flattened ("pos.x", "wheels[2].temp").
Numbers are written in full (they read back as the same value),
booleans as true/false, strings as text.
  --csv               comma-separated, a header line first (RFC 4180:
                      what pandas and spreadsheets read without options)
  --jsonl             one JSON object per line; NaN and infinities are null
  --fields PATTERN    only these fields: names separated by commas, '*'
                      and '?' as in file names; a name selects the fields
                      under it too ("pos", "wheels[?].temp", "m*")
  --from S, --to S    only the frames from S to S seconds
  -o, --output OUT    write OUT (replaced if it exists), not standard output]],
  options = {
    csv = "flag", jsonl = "flag", fields = "value", output = "value", ["-o"] = "output",
    from = cli.number(-1e12, 1e12), to = cli.number(-1e12, 1e12),
  },
  run = export,
}
