-- A spec file that leaves its processes behind, for tests/proc_spec.lua
-- (which runs it in a busted of its own and expects it to fail).  Each
-- process id goes to a line of the file $WINSHM_PLUMBING_PIDS.
local H = require "helper"

local function note(pid)
  local f = assert(io.open(assert(os.getenv("WINSHM_PLUMBING_PIDS")), "a"))
  f:write(pid, "\n")
  f:close()
end

describe("a careless spec file", function()
  it("leaves a host process running", function()
    local h = H.spawn("while true do end")
    note(h.pid)
  end)

  it("waits for a host process that left a child of its own running", function()
    local pidfile = H.tmpname()
    local h = H.spawn([[os.execute("sleep 300 & echo $! > " .. arg[1])]], pidfile)
    local ok, out = h:wait(60)
    assert.is_true(ok, out)
    local f = assert(io.open(pidfile))
    note(assert(tonumber(f:read("a"))))
    f:close()
    os.remove(pidfile)
  end)
end)
