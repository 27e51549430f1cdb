-- The version is one number, in the file VERSION: the module, the host,
-- the rockspec and the man page as installed take it from there, and no
-- other file of the tree holds a copy of it.  (The zip's and the .deb's
-- names: tests/install/.)
local shm = require "winshm"
local H = require "helper"

local read = H.read

describe("the version #posix", function()
  local text = read("VERSION")
  local version = text:match("^(%d+%.%d+%.%d+)\n$")

  it("is one number x.y.z in the file VERSION", function()
    assert.truthy(version, ("VERSION holds %q"):format(text))
  end)

  it("is the module's _VERSION", function()
    assert.equal(version, shm._VERSION)
  end)

  it("is what winshm -v prints", function()
    local ok, out = H.sh(H.quote(H.host) .. " -v")
    assert.is_true(ok, out)
    assert.equal("winshm " .. version .. "  ", out:sub(1, #version + 9))
  end)

  it("is what the rockspec builds the module with, on each platform", function()
    local env = {}
    assert(loadfile("winshm-scm-1.rockspec", "t", env))()
    local want = { "WSHM_VERSION_NUMBER=" .. version }
    assert.same(want, env.build.modules.winshm.defines)
    assert.same(want, env.build.platforms.windows.modules.winshm.defines)
  end)

  it("goes into the man page's title only as installed", function()
    assert.equal('.TH WINSHM 1 "2026" "winshm" "User Commands"', read("docs/winshm.1"):match("^[^\n]*"))
  end)

  it("is written nowhere else", function()
    local ok, out = H.sh("grep -rlwF --exclude-dir=build --exclude-dir=.git "
      .. "--exclude-dir=corpus -e " .. H.quote(version) .. " . | LC_ALL=C sort")
    assert.is_true(ok, out)
    assert.equal("./VERSION\n./winshm-scm-1.rockspec\n", out)
  end)
end)
