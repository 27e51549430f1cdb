-- cc.lua -- run the C compilers the differential tests check against.
local C = {}

-- The compiler for each layout ABI (native is this machine's: SysV here).
C.for_abi = { native = "gcc", sysv = "gcc", windows = "x86_64-w64-mingw32-gcc",
              win32 = "i686-w64-mingw32-gcc" }

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
C.quote = q

-- Is the program on PATH?
function C.have(prog)
  if package.config:sub(1, 1) == "\\" then return false end
  local ok = os.execute("command -v " .. q(prog) .. " >/dev/null 2>&1")
  return ok == true
end

-- Run a shell command; returns ok, combined output.
function C.sh(cmd)
  local p = assert(io.popen(cmd .. " 2>&1", "r"))
  local out = p:read("a")
  local ok = p:close()
  return ok == true, out
end

-- Run a shell command; returns ok, its standard output, its standard error.
function C.sh3(cmd)
  local err = os.tmpname()
  local p = assert(io.popen(cmd .. " 2>" .. q(err), "r"))
  local out = p:read("a")
  local ok = p:close()
  local f = io.open(err, "rb")
  local e = f and f:read("a") or ""
  if f then f:close() end
  os.remove(err)
  return ok == true, out, e
end

-- The environment for wine: the build's own prefix, quiet, no display.
C.wine_env = 'WINEPREFIX="$(pwd)/build/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" '
  .. "DISPLAY= WAYLAND_DISPLAY="

-- The Windows host to run under Wine, or nil and why not.  It is the one
-- WINSHM_WINEXE names: the make target (default test-compiler-windows)
-- builds it first and sets it (a winshm.exe lying around may be older
-- than the sources).
function C.winexe(target)
  if package.config:sub(1, 1) == "\\" then return nil, "runs from the Linux side" end
  local exe = os.getenv("WINSHM_WINEXE")
  if not exe then return nil, "runs in make " .. (target or "test-compiler-windows") end
  local f = assert(io.open(exe, "rb"), exe .. " is missing")
  f:close()
  if not (C.have("wine") and C.have(C.for_abi.windows)) then
    return nil, "wine and " .. C.for_abi.windows .. " are needed"
  end
  return exe
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end
C.write = write

-- Compile C source src with cc; extra: more arguments ("-c -o /dev/null" by
-- default).  Returns ok, the compiler's messages (in the C locale).
function C.compile(cc, src, extra)
  local path = os.tmpname() .. ".c"
  write(path, src)
  local ok, out = C.sh(("LC_ALL=C %s -std=gnu11 %s %s"):format(q(cc), extra or "-c -o /dev/null", q(path)))
  os.remove(path)
  os.remove(path:sub(1, -3))
  return ok, out
end

return C
