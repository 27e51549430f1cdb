-- helper.lua: what the specs share.  The same specs run natively and
-- under Wine; the Makefile says where the host is (WINSHM_HOST).
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

-- Under Wine, starting a process now and then fails, and nothing starts
-- (io.popen: msvcrt's EINVAL when CreateProcess of cmd.exe fails; cmd's
-- start: "ShellExecuteEx failed", exit code 1).  start() is tried again,
-- a few times; what it starts runs once.  Returns start()'s result.
local function started(what, start)
  local r, err
  for _ = 1, 3 do
    r, err = start()
    if r then return r end
    H.sleep(0.2)
  end
  error("cannot start " .. what .. ": " .. tostring(err))
end

local function popen(cmd)
  return started(cmd, function() return io.popen(cmd, "r") end)
end

-- Run Lua source in a separate host process; returns ok, output, code.
function H.run(src, ...)
  local script = tmpfile(src)
  local args = { quote(H.host), quote(script) }
  for _, a in ipairs({ ... }) do args[#args + 1] = quote(tostring(a)) end
  local cmd = table.concat(args, " ") .. " 2>&1"
  -- cmd.exe /c drops the first and the last quote of the line: add a pair
  if H.windows then cmd = '"' .. cmd .. '"' end
  local p = popen(cmd)
  local out = p:read("a")
  local ok, _, code = p:close()
  os.remove(script)
  return ok, out, code
end

-- Start a command line in the background with cmd's start.
local function windows_start(line)
  started(line, function() return os.execute('start "" /b ' .. line) end)
end

-- Start a host process in the background; returns a handle whose :wait()
-- gives ok, output.  Output goes to a temporary file.
function H.spawn(src, ...)
  local script, out = tmpfile(src), tmpname()
  local args = { quote(H.host), quote(script) }
  for _, a in ipairs({ ... }) do args[#args + 1] = quote(tostring(a)) end
  local cmd = table.concat(args, " ") .. " > " .. quote(out) .. " 2>&1"
  local pidfile = tmpname()
  if H.windows and os.getenv("WINSHM_SPAWN") then
    -- scripts/win/spawn.c writes the process id, then the exit code
    local sargs = { quote(os.getenv("WINSHM_SPAWN")), quote(pidfile),
                    quote(out .. ".rc"), quote(out), table.unpack(args) }
    windows_start(table.concat(sargs, " "))
    H.until_true(function()
      local f = io.open(pidfile)
      if f then f:close() end
      return f ~= nil
    end, 20)
  elseif H.windows then
    -- !errorlevel! (delayed, /v:on) is the status of the host just run
    windows_start('cmd /v:on /c "' .. cmd .. ' & echo !errorlevel!> '
      .. quote(out .. ".rc") .. '"')
  else
    os.execute("(" .. cmd .. "; echo $? > " .. quote(out .. ".rc") .. ") & echo $! > " .. quote(pidfile))
  end
  local h = { out = out, script = script }
  local f = io.open(pidfile)
  if f then h.pid = tonumber(f:read("a")); f:close() end
  os.remove(pidfile)
  function h:wait(timeout)
    local deadline = os.time() + (timeout or 30)
    while os.time() <= deadline do
      local rc = io.open(out .. ".rc")
      local code = rc and tonumber(rc:read("a"))
      if rc then rc:close() end
      if code then  -- an empty file is still being written
        local o = io.open(out):read("a")
        os.remove(out); os.remove(out .. ".rc"); os.remove(script)
        self.done = true
        return code == 0, o, code
      end
      H.sleep(0.02)
    end
    return nil, "timeout"
  end
  function h:kill(sig)
    -- once the status is written the process has ended and its pid may
    -- belong to another process: then there is nothing to kill
    local rc = io.open(out .. ".rc")
    if rc then rc:close() end
    if rc or self.done then return false end
    if H.windows then  -- TerminateProcess: no signals on Windows
      return os.execute(("taskkill /F /PID %d >NUL 2>&1"):format(self.pid))
    end
    return os.execute(("pkill -%s -P %d"):format(sig or "KILL", self.pid))
  end
  return h
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

function H.sleep(s)
  if H.windows then
    require("system").sleep(s)  -- busted's own clock module (a stand-in)
  else
    os.execute(("sleep %.3f"):format(s))
  end
end

-- Wait until f() is true or 'timeout' seconds pass; returns f's last result.
function H.until_true(f, timeout)
  local deadline = os.time() + (timeout or 10)
  local v = f()
  while not v and os.time() <= deadline do
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
