-- The module: one table and one copy of the code per Lua state, however
-- it is loaded.
local shm = require "winshm"
local H = require "helper"

describe("the module", function()
  it("a second copy loaded from winshm.so gives back the first table #posix", function()
    local so = H.host:gsub("winshm$", "winshm.so")
    local ok, out = H.run([[
      local shm = require "winshm"           -- the host's built-in copy
      local so, name = ...
      local open = assert(package.loadlib(so, "luaopen_winshm"))
      local other = open("winshm")            -- a second copy of the code
      assert(other == shm, "a second module table")
      package.loaded.winshm = nil
      assert(require("winshm") == shm, "re-require gave another table")
      -- objects made before and after stay served by one copy
      local m = assert(shm.mutex(name))
      assert(m:lock())
      m:unlock()
      m:close()
      local l = assert(shm.create(name, 64))
      l:close()
      io.write("ok")
    ]], so, H.name("twice"))
    assert.is_true(ok, out)
    assert.equal("ok", out)
  end)

  it("says its version", function()
    assert.matches("^%d+%.%d+%.%d+$", shm._VERSION)
  end)
end)
