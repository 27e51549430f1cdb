-- counter.lua [WORKERS [INCREMENTS]]: several processes increment one
-- shared counter under a named mutex, and a second one with atomic_add.
-- Both end exact.
--
--   build/winshm examples/counter.lua 4 10000
--
-- The script starts its workers itself: "counter.lua worker NAME N".
local shm = require "winshm"

local Counter = shm.struct {
  name = "Counter",
  { "plain", "int64_t" },   -- read-modify-write under the mutex
  { "atomic", "int64_t" },  -- atomic_add, no mutex
}

if arg[1] == "worker" then
  local name, n = arg[2], tonumber(arg[3])
  local link <close> = assert(shm.open_existing(name, Counter))
  local mutex <close> = assert(shm.mutex(name .. ".lock"))
  local c = link:get_mut()
  for _ = 1, n do
    mutex:with(function() c.plain = c.plain + 1 end)
    shm.atomic_add(c, "atomic", 1)
  end
  return
end

local workers = math.tointeger(tonumber(arg[1] or 4)) or 4
local n = math.tointeger(tonumber(arg[2] or 10000)) or 10000
local name = ("winshm_counter_%d_%d"):format(os.time(), math.random(1e6))
local host = arg[-1] or "winshm"
local link <close> = assert(shm.create(name, Counter))

-- one quoting rule serves both shells for these plain arguments
local function q(s) return '"' .. s .. '"' end
local cmd = table.concat({ q(host), q(arg[0]), "worker", name, n }, " ")
if package.config:sub(1, 1) == "\\" then
  cmd = '"' .. cmd .. '"'  -- cmd.exe /c drops the outer pair of quotes
end

local t0 = os.time()
local pipes = {}
for i = 1, workers do pipes[i] = assert(io.popen(cmd, "r")) end
for i = 1, workers do
  io.write(pipes[i]:read("a"))
  pipes[i]:close()
end

local c = link:get()
print(("%d workers x %d increments: mutex %d, atomic %d (expected %d), %d s")
  :format(workers, n, c.plain, c.atomic, workers * n, os.time() - t0))
assert(c.plain == workers * n and c.atomic == workers * n, "lost increments")
