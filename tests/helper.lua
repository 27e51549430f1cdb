-- helper.lua: what the specs share.  The same specs run natively and
-- under Wine; the Makefile says where the host is (WINSHM_HOST).
local system = require "system"   -- luasystem (a stand-in under Wine)
local proc = require "proc"

local H = {}

H.windows = package.config:sub(1, 1) == "\\"
H.host = os.getenv("WINSHM_HOST") or "build/winshm"

local counter = 0
-- A name no other test (or run) uses.
function H.name(tag)
  counter = counter + 1
  return ("wshmtest_%s_%d_%d_%d"):format(tag or "t", os.time() % 100000,
    math.random(1, 1e9), counter)
end

local function quote(s)
  if H.windows then return '"' .. s:gsub('"', '\\"') .. '"' end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end
H.quote = quote

-- A fresh temporary path.  On Windows not tmpnam's ("\\sN." at the drive
-- root, and the same sequence in every process): a unique name in %TEMP%.
local function tmpname()
  if H.windows then
    return os.getenv("TEMP") .. "\\" .. H.name("tmp") .. ".tmp"
  end
  return os.tmpname()
end
H.tmpname = tmpname

local function tmpfile(src)
  local path = tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(src)
  f:close()
  return path
end

-- Under Wine, io.popen now and then fails to start its shell (msvcrt's
-- EINVAL when CreateProcess of cmd.exe fails), and nothing starts: it is
-- tried again, a few times; the command runs once.
local function popen(cmd)
  local p, err
  for _ = 1, 3 do
    p, err = io.popen(cmd, "r")
    if p then return p end
    H.sleep(0.2)
  end
  error("cannot start " .. cmd .. ": " .. tostring(err))
end

local function slurp(path)
  local f = io.open(path, "r")  -- text mode: Windows programs write CRLF
  local s = f and f:read("a")
  if f then f:close() end
  return s
end

-- A spawned host process (H.spawn).
local Spawned = {}
Spawned.__index = Spawned

-- Wait up to 'timeout' seconds (default 30) for it to end; returns ok,
-- output, exit code (128 + the signal that ended it), or nil, "timeout".
function Spawned:wait(timeout)
  if self.output == nil then
    local code = self.proc:wait(timeout or 30)
    if code == nil then return nil, "timeout" end
    self.code, self.output = code, slurp(self.out) or ""
    self.done = true
    os.remove(self.out)
    if self.script then os.remove(self.script) end
  end
  return self.code == 0, self.output, self.code
end

-- Send it signal 'sig' (default "KILL"; under Wine always a kill).
-- False once it is known to have ended: nothing else is ever hit.
function Spawned:kill(sig)
  return self.proc:kill(sig)
end

local function hostargs(script, ...)
  local argv = { H.host, script }
  for _, a in ipairs({ ... }) do argv[#argv + 1] = tostring(a) end
  return argv
end

-- Start a program (argv: its path and arguments) in the background;
-- its output (stdout and stderr) goes to the file h.out.
function H.start(argv)
  local out = tmpname()
  local p = proc.start(argv, out, table.concat(argv, " "))
  return setmetatable({ proc = p, pid = p.pid, out = out }, Spawned)
end

-- Start a host process running Lua source 'src' with arguments '...'.
function H.spawn(src, ...)
  local script = tmpfile(src)
  local h = H.start(hostargs(script, ...))
  h.script = script
  return h
end

-- How long a script run by H.run may take before it is killed.
H.RUN_TIMEOUT = 600

-- Run Lua source in a separate host process; returns ok, output, code.
function H.run(src, ...)
  if H.windows then
    local script = tmpfile(src)
    local args = {}
    for i, a in ipairs(hostargs(script, ...)) do args[i] = quote(a) end
    -- cmd.exe /c drops the first and the last quote of the line: add a pair
    local p = popen('"' .. table.concat(args, " ") .. ' 2>&1"')
    local out = p:read("a")
    local ok, _, code = p:close()
    os.remove(script)
    return ok, out, code
  end
  local h = H.spawn(src, ...)
  local ok, out, code = h:wait(H.RUN_TIMEOUT)
  if ok == nil then
    h:kill("KILL")
    h:wait(60)
    error(("the script did not end within %d s:\n%s"):format(H.RUN_TIMEOUT, src), 2)
  end
  return ok, out, code
end

-- The whole content of a file.
function H.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- Run a shell command line; returns ok, output (stdout and stderr).
function H.sh(cmd)
  local p = popen(cmd .. " 2>&1")
  local out = p:read("a")
  local ok = p:close()
  return ok, out
end

H.sleep = system.sleep

-- Seconds on a monotonic clock.
H.now = system.monotime

-- Wait until f() is true or 'timeout' seconds pass; returns f's last result.
function H.until_true(f, timeout)
  local deadline = H.now() + (timeout or 10)
  local v = f()
  while not v and H.now() <= deadline do
    H.sleep(0.02)
    v = f()
  end
  return v
end

-- Does /dev/shm hold an object for 'name'?  (POSIX only.)
function H.shm_exists(name)
  local f = io.open("/dev/shm/" .. name:gsub("^Local\\", ""):gsub("^Global\\", ""))
  if f then f:close() return true end
  return false
end

return H
