-- python_interop.lua [PYTHON]: winshm and Python's
-- multiprocessing.shared_memory share one region, both ways round:
--
-- 1. Python creates SharedMemory(name=..., create=True); winshm opens it
--    by the same name, reads what Python wrote and writes a reply.
-- 2. winshm creates the region; Python opens it, reads it and replies.
--
-- The layout below and python_interop.py's struct.Struct("<I4xd16si4x")
-- describe the same C struct.  PYTHON defaults to python3.
local shm = require "winshm"

local here = arg[0]:match("^(.*[/\\])") or ""
local python = arg[1] or "python3"

local Lap = shm.struct {
  name = "Lap",
  { "lap", "uint32_t" },
  { "best", "double" },
  { "driver", "char", 16 },
  { "reply", "int32_t" },
}
assert(shm.sizeof(Lap) == 40 and shm.offsetof(Lap, "reply") == 32)

local windows = package.config:sub(1, 1) == "\\"

local function quote(s)
  if windows then return '"' .. s .. '"' end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- cmd.exe drops the first and the last quote of a command line: add a pair.
local function cmdline(s)
  return windows and '"' .. s .. '"' or s
end

local function run_python(mode, name)
  local cmd = ("%s %s %s %s"):format(quote(python), quote(here .. "python_interop.py"),
                                     mode, quote(name))
  return assert(io.popen(cmdline(cmd), "r"))
end

local probe = quote(python) .. ' -c "import multiprocessing.shared_memory"'
              .. (windows and " 2>NUL" or " 2>/dev/null")
if not os.execute(cmdline(probe)) then
  print(("python_interop: %s with multiprocessing.shared_memory not found: skipped"):format(python))
  return
end

local suffix = ("%d_%d"):format(os.time(), math.random(1, 1e6))

-- 1. Python creates, winshm opens
do
  local name = "winshm_py_" .. suffix
  local py = run_python("create", name)
  assert(py:read("l") == "ready", "python did not create the region")
  local link <close> = assert(shm.open_existing(name, Lap))
  local lap = link:get_mut()
  print(("winshm: lap %d best %.2f driver %s"):format(lap.lap, lap.best, lap.driver))
  lap.reply = 42
  io.write(py:read("a"))
  assert(py:close(), "python failed")
end

-- 2. winshm creates, Python opens
do
  local name = "winshm_lua_" .. suffix
  local link <close> = assert(shm.create(name, Lap))
  local lap = link:get_mut()
  lap.lap, lap.best, lap.driver = 12, 81.5, "Ada"
  local py = run_python("open", name)
  io.write(py:read("a"))
  assert(py:close(), "python failed")
  print(("winshm: python replied %d"):format(lap.reply))
end
