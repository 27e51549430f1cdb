-- Run by tests/proc_spec.lua with a PATH that holds no programs: the
-- helper starts, signals, waits for and reaps processes by itself.
local H = require "helper"

describe("with nothing on PATH", function()
  it("a host process is started, killed and reaped", function()
    assert.is_nil(os.execute("command -v sleep >/dev/null 2>&1"))
    local h = H.spawn("io.write('ready') io.flush() while true do end")
    assert.truthy(H.until_true(function()
      local f = io.open(h.out)
      local s = f and f:read("a")
      if f then f:close() end
      return s == "ready"
    end, 60))
    assert.is_true(h:kill("KILL"))
    local ok, out, code = h:wait(60)
    assert.same({ false, "ready", 137 }, { ok, out, code })
    assert.is_false(h:kill("KILL"))   -- ended: nothing is signalled
  end)
end)
