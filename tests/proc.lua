-- proc.lua: programs the specs run in the background.  Every process
-- started here is reaped: by :wait(), or at the end of its spec file,
-- where one still running is killed and fails that file.
--
-- POSIX: luv (libuv) starts, signals and reaps; each process leads a
-- process group of its own (a new session), so whatever it starts goes
-- with it.  Under Wine: scripts/win/spawn.exe runs the program, writes
-- its process id (for taskkill) and, once it ended, its exit code.
local system = require "system"   -- luasystem (a stand-in under Wine)

local P = {}
local windows = package.config:sub(1, 1) == "\\"
local live = {}      -- processes started and not yet reaped
local problems = {}  -- what the end-of-file check reports

local function dead(p) return p.code ~= nil end

-- --------------------------------------------------------------- POSIX
-- luv is opened once per process: busted unloads every module a spec
-- file loaded when the file ends, and opening luv again in the same
-- Lua state breaks its loop.  The registry outlives that.
local uv
if not windows then
  local reg = debug.getregistry()
  uv = reg["winshm.spec.luv"] or require "luv"
  reg["winshm.spec.luv"] = uv
end

local posix = {}

function posix.start(p, argv, out)
  local fd = assert(uv.fs_open(out, "w", tonumber("600", 8)))
  local null = assert(uv.fs_open("/dev/null", "r", 0))
  local handle, pid = uv.spawn(argv[1], {
    args = { table.unpack(argv, 2) },
    stdio = { null, fd, fd },
    detached = true,               -- setsid: a process group of its own
  }, function(code, signal)
    p.code = signal ~= 0 and 128 + signal or code  -- as the shell says it
  end)
  uv.fs_close(fd)
  uv.fs_close(null)
  if not handle then error(("cannot start %s: %s"):format(argv[1], pid), 3) end
  p.handle, p.pid = handle, pid
end

-- Run the loop until p has ended or 'timeout' seconds have passed.
function posix.wait(p, timeout)
  local timer, expired = uv.new_timer(), false
  timer:start(math.max(0, math.floor(timeout * 1000)), 0, function() expired = true end)
  while not dead(p) and not expired do uv.run("once") end
  timer:close()
  uv.run("nowait")   -- finish the close: luv must not be left closing one
end

-- Signal p's process group (a dead group: false and the reason).
function posix.kill(p, sig)
  local ok, err = uv.kill(-p.pid, "sig" .. sig:lower())
  return ok ~= nil, err
end

-- After p has ended: release its handle; whatever p started and left
-- running in its group is killed and reported.
function posix.reap(p)
  p.handle:close()
  uv.run("nowait")
  if uv.kill(-p.pid, 0) then
    uv.kill(-p.pid, "sigkill")
    problems[#problems + 1] = ("%s (pid %d) left processes running in its group"):format(p.what, p.pid)
  end
end

-- ---------------------------------------------------------------- Wine
local win = {}

local function readnumber(path)
  local f = io.open(path)
  local n = f and tonumber(f:read("a"))
  if f then f:close() end
  return n
end

local function quote(s) return '"' .. s:gsub('"', '\\"') .. '"' end

-- cmd's start fails now and then under Wine ("ShellExecuteEx failed"):
-- tried a few times; spawn.exe runs the program once.
function win.start(p, argv, out)
  local spawn = assert(os.getenv("WINSHM_SPAWN"), "WINSHM_SPAWN: the path of spawn.exe")
  p.pidfile, p.rcfile = out .. ".pid", out .. ".rc"
  local args = { quote(spawn), quote(p.pidfile), quote(p.rcfile), quote(out) }
  for _, a in ipairs(argv) do args[#args + 1] = quote(a) end
  local line = 'start "" /b ' .. table.concat(args, " ")
  for _ = 1, 3 do
    if os.execute(line) then break end
    system.sleep(0.2)
  end
  local deadline = system.monotime() + 30
  repeat
    p.pid = readnumber(p.pidfile)
    if not p.pid then system.sleep(0.02) end
  until p.pid or system.monotime() > deadline
  if not p.pid then error("cannot start " .. argv[1] .. ": spawn.exe wrote no process id", 3) end
  os.remove(p.pidfile)
  if p.pid == 0 then p.code = readnumber(p.rcfile) or 127 end  -- it did not start
end

function win.wait(p, timeout)
  local deadline = system.monotime() + timeout
  while true do
    p.code = readnumber(p.rcfile)   -- an empty file is still being written
    if p.code or system.monotime() > deadline then return end
    system.sleep(0.02)
  end
end

function win.kill(p)  -- TerminateProcess: no signals on Windows
  local ok = os.execute(("taskkill /F /PID %d >NUL 2>&1"):format(p.pid))
  return ok == true, "taskkill failed"
end

function win.reap(p)
  os.remove(p.rcfile)
end

local os_ = windows and win or posix

-- -------------------------------------------------------------- common
local Proc = {}
Proc.__index = Proc

-- Start argv (program and arguments) with no input, its output and
-- errors going to the file 'out'.  Raises when it cannot start; under
-- Wine a program that cannot start ends at once with code 127.
-- 'what' names it in reports.
function P.start(argv, out, what)
  local p = setmetatable({ what = what or argv[1], out = out }, Proc)
  os_.start(p, argv, out)
  live[p] = true
  if dead(p) then p:reap() end
  return p
end

function Proc:reap()
  if live[self] then
    live[self] = nil
    os_.reap(self)
  end
end

-- Wait up to 'timeout' seconds (default 30) for the process to end;
-- returns its exit code (128 + the signal that ended it), or nil.
function Proc:wait(timeout)
  if not dead(self) then os_.wait(self, timeout or 30) end
  if dead(self) then self:reap() end
  return self.code
end

-- Send signal 'sig' ("KILL", "INT", ...; under Wine always a kill).
-- Returns false once the process is known to have ended.
function Proc:kill(sig)
  if dead(self) then return false end
  return os_.kill(self, sig or "KILL")
end

function Proc:running() return not dead(self) end

-- Kill and reap every process still running; returns what was wrong:
-- each one still running, each group left behind.
function P.finish()
  for p in pairs(live) do
    if not dead(p) then
      problems[#problems + 1] = ("%s (pid %d) was still running"):format(p.what, p.pid)
      p:kill("KILL")
      p:wait(60)
      if not dead(p) then
        problems[#problems + 1] = ("%s (pid %d) survived a kill"):format(p.what, p.pid)
      end
    end
    p:reap()
  end
  local found = problems
  problems = {}
  return found
end

-- At the end of each spec file none of its processes may be left.  (Each
-- file loads this module afresh; the subscriptions of earlier files stay,
-- with nothing left to check.  A subscriber returns nil, true to let the
-- others run.)
local ok, busted = pcall(require, "busted")
if ok and type(busted) == "table" and busted.subscribe then
  busted.subscribe({ "file", "end" }, function()
    local found = P.finish()
    if #found > 0 then
      error("spawned processes not reaped by their specs (now killed):\n  "
        .. table.concat(found, "\n  "), 0)
    end
    return nil, true
  end)
end

return P
