-- tools_helper.lua: what the specs of the commands share -- running
-- `winshm COMMAND ...` as a user does, and temporary files.
local H = require "helper"
local assert = require "luassert"

local T = {}

-- A fresh path that names no file yet.
function T.tmppath()
  local p = H.tmpname()
  os.remove(p)   -- POSIX: tmpname made the file
  return p
end

function T.slurp(p, keep)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  if not keep then os.remove(p) end
  return s
end

function T.tmpfile(text)
  local p = T.tmppath()
  local f = assert(io.open(p, "wb"))
  f:write(text)
  f:close()
  return p
end

-- Run `winshm ARGS...`; returns exit code, stdout, stderr.
function T.cli(...)
  local out, err = T.tmppath(), T.tmppath()
  local args = { H.quote(H.host) }
  for _, a in ipairs({ ... }) do args[#args + 1] = H.quote(tostring(a)) end
  local cmd = table.concat(args, " ") .. " >" .. H.quote(out) .. " 2>" .. H.quote(err)
  if not H.windows then
    local _, _, code = os.execute(cmd)
    return code, T.slurp(out), T.slurp(err)
  end
  -- Windows' os.execute does not give the status: cmd.exe writes it
  -- (!errorlevel!, delayed by /v:on); text output ends lines in CRLF.
  local rc = T.tmppath()
  os.execute('cmd /v:on /c "' .. cmd .. ' & echo !errorlevel!> ' .. H.quote(rc) .. '"')
  local code = math.tointeger(tonumber(T.slurp(rc):match("%-?%d+")))
  return code, (T.slurp(out):gsub("\r\n", "\n")), (T.slurp(err):gsub("\r\n", "\n"))
end

-- An error is one line on stderr naming the command.
function T.assert_oneline_error(cmd, err)
  assert.matches("^winshm " .. cmd .. ": [^\n]+\n$", err)
end

return T
