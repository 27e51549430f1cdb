-- python_reader.lua [PYTHON]: a recording read by plain Python.
--
-- Records a short session of a small telemetry layout, then reads the
-- file with read_recording.py (Python's standard library only, written
-- from docs/recordings.md) and checks that it gives, byte for byte, the
-- CSV `winshm export --csv` gives.  PYTHON defaults to python3.
local shm = require "winshm"

local here = arg[0]:match("^(.*[/\\])") or ""
local python = arg[1] or "python3"
local windows = package.config:sub(1, 1) == "\\"

local function quote(s)
  if windows then return '"' .. s .. '"' end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function tmpname()
  if windows then return os.getenv("TEMP") .. ("\\winshm_rec_%d.tmp"):format(math.random(1, 1e9)) end
  local p = os.tmpname()
  os.remove(p)
  return p
end

local function slurp(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

if not io.popen(quote(python) .. " -c pass 2>&1"):close() then
  print("python_reader: skipped (no " .. python .. ")")
  return
end

local Wheel = shm.struct { name = "Wheel", { "temp_c", "float" }, { "flat", "bool" } }
local Car = shm.struct { name = "Car",
  { "seq", "uint32_t" }, { "lap", "int16_t" }, { "speed_kmh", "double" },
  { "wheels", Wheel, 4 }, { "driver", "char", 16 }, { "odometer", "uint64_t" },
  { "gforce", "float", { 2, 3 } },
}

local link <close> = assert(shm.create(("winshm_pyrec_%d"):format(math.random(1, 1e9)), Car))
local car = link:get_mut()
local rec_path, csv_path = tmpname(), tmpname()
local rec = assert(shm.record(rec_path, car, { scheme = { seq = "seq" } }))
for i = 1, 120 do
  shm.write_consistent(car, { seq = "seq" }, {
    lap = i // 40, speed_kmh = 100 + 50 * math.sin(i / 10), driver = i < 60 and "Ada" or "Grace, \"G\"",
    odometer = -i,   -- past 2^63 as an unsigned number
    wheels = { { temp_c = 80 + i / 7, flat = i == 100 } },
    gforce = { { i / 3, -i / 3, 0.1 }, { 1 / i, 0, 0 } },
  })
  rec:frame(i / 60)
end
rec:close()

require("winshm.cmd.export")(rec_path, "--csv", "-o", csv_path)
local p = assert(io.popen(quote(python) .. " " .. quote(here .. "read_recording.py") .. " " .. quote(rec_path)))
local from_python = p:read("a")
local ok = p:close()
local from_winshm = slurp(csv_path)
os.remove(rec_path)
os.remove(csv_path)
assert(ok, "read_recording.py failed")
if from_python ~= from_winshm then
  io.stderr:write("python:\n", from_python:sub(1, 600), "\nwinshm:\n", from_winshm:sub(1, 600), "\n")
  error("the Python reader and winshm export differ")
end
local _, lines = from_python:gsub("\n", "")
print(("python_reader: %d frames, %d fields, the same CSV as winshm export"):format(
  lines - 1, select(2, from_python:match("^[^\n]*"):gsub(",", "")) ))
