-- util.lua: what the install tests (deb.lua, zip.lua) share.
local H = require "helper"
local U = {}

-- Is the command on PATH?
function U.has(cmd)
  return os.execute("command -v " .. cmd .. " >/dev/null 2>&1")
end

-- Run a shell command line that must succeed; returns its output's lines
-- and the output.
function U.lines(cmd)
  local ok, out = H.sh(cmd)
  assert(ok, cmd .. " failed:\n" .. out)
  local t = {}
  for l in out:gmatch("[^\n]+") do t[#t + 1] = l end
  return t, out
end

return U
