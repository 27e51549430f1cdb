-- The specs test the build, never a copy of winshm installed on the
-- machine (a Debian package puts one on lua5.4's default cpath and
-- /usr/bin/winshm on PATH): LUA_CPATH's first entry is the build's, and
-- `require "winshm"` finds the module there, not anywhere else on
-- package.cpath (busted puts ./csrc before it); the host is a path, not a
-- name looked up in PATH.
local H = require "helper"

describe("the module and host under test", function()
  it("come from the build", function()
    local first = assert(os.getenv("LUA_CPATH"), "LUA_CPATH is not set"):match("^[^;]*")
    local want = first:gsub("%?", "winshm")
    assert.truthy(io.open(want), "no module at " .. want .. " (LUA_CPATH's first entry)")
    assert.equal(want, package.searchpath("winshm", package.cpath))
    assert.is_nil(want:match("^/usr/"), want)
    assert.truthy(H.host:find("[/\\]"), "WINSHM_HOST is not a path: " .. H.host)
    assert.is_nil(H.host:match("^/usr/"), H.host)
  end)
end)
