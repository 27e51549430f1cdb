-- loading_spec.lua: luaopen_winshm in a Lua state with only the base
-- library (no package): it returns the module table and leaves the stack
-- as it was (tests/c/bare_state.c, linked with the module).
local H = require "helper"

describe("luaopen_winshm #posix", function()
  it("works in a state without the package library", function()
    local so = package.searchpath("winshm", package.cpath)
    assert.is_truthy(so, "winshm.so is not on LUA_CPATH")
    local exe = H.tmpname()
    local ok, out = H.sh(("cc -o %s tests/c/bare_state.c %s $(pkg-config --cflags --libs lua5.4) -Wl,-rpath,%s")
      :format(H.quote(exe), H.quote(so), H.quote(so:match("^(.*)/"))))
    assert.is_true(ok, out)
    ok, out = H.sh(H.quote(exe))
    os.remove(exe)
    assert.is_true(ok, out)
    assert.equal("ok\n", out)
  end)
end)
