-- Lifetime: a region winshm created lives as long as a handle on it, as
-- a Windows file mapping does -- also when every holder was killed.
local shm = require "winshm"
local H = require "helper"

local function gone(name)
  local l, err = shm.open(name, 0)
  if l then l:close() return false end
  return err.code == "ENOENT"
end

describe("lifetime", function()
  it("a region vanishes when its last handle closes", function()
    local name = H.name("last")
    local a = assert(shm.create(name, 64))
    local b = assert(shm.open(name, 64))
    a:close()
    assert.equal("ReadOnly", b:access())  -- still alive through b
    local c = assert(shm.open(name, 64))
    c:close()
    b:close()
    assert.is_true(gone(name))
    local again = assert(shm.create(name, 64))  -- the name is free
    again:close()
  end)

  it("a collected link closes its handle", function()
    local name = H.name("gc")
    do local l = assert(shm.create(name, 64)) end  -- luacheck: ignore l
    collectgarbage(); collectgarbage()
    assert.is_true(gone(name))
  end)

  it("leaves no /dev/shm entry behind #posix", function()
    local name = H.name("entry")
    local l = assert(shm.create(name, 64))
    assert.is_true(H.shm_exists(name))
    l:close()
    assert.is_false(H.shm_exists(name))
  end, { "posix" })

  it("persist = true keeps the region until shm.remove #posix", function()
    local name = H.name("persist")
    local l = assert(shm.create(name, 64, { persist = true }))
    l:write_bytes(0, "kept")
    l:close()
    local r = assert(shm.open(name, 0))
    assert.equal("kept", r:read_bytes(0, 4))
    r:close()
    assert.is_true(H.shm_exists(name))
    assert.is_true(shm.remove(name))
    assert.is_false(H.shm_exists(name))
  end, { "posix" })

  it("creates with mode 0600 unless told otherwise #posix", function()
    local name = H.name("mode")
    local l = assert(shm.create(name, 64))
    local p = io.popen("stat -c %a /dev/shm/" .. name)
    assert.equal("1600", p:read("l"))  -- 1000: winshm manages it
    p:close()
    l:close()
    local m = assert(shm.create(name, 64, { mode = 0x1a4 }))  -- 0644
    p = io.popen("stat -c %a /dev/shm/" .. name)
    assert.equal("1644", p:read("l"))
    p:close()
    m:close()
  end, { "posix" })

  it("never removes a region another program created #posix", function()
    local name = H.name("foreign")
    local f = assert(io.open("/dev/shm/" .. name, "wb"))
    f:write(("x"):rep(4096))
    f:close()
    local l = assert(shm.open_existing(name, 4096))
    assert.equal("xxxx", l:read_bytes(0, 4))
    l:write_bytes(0, "ours")
    l:close()
    local again = assert(shm.get_or_create(name, 16))
    again:close()
    assert.is_true(H.shm_exists(name))
    local none, err = shm.create(name, 16)
    assert.is_nil(none)
    assert.equal("AlreadyExists", err.kind)
    f = assert(io.open("/dev/shm/" .. name, "rb"))
    assert.equal("ours", f:read(4))
    f:close()
    assert.is_true(shm.remove(name))
  end, { "posix" })

  it("frees the name when every holder was killed #posix", function()
    local name = H.name("killed")
    local holders = {}
    for i = 1, 2 do
      holders[i] = H.spawn([[
        local shm = require "winshm"
        local name, i = ...
        local l = assert(shm.get_or_create(name, 4096))
        l:write_bytes(0, "alive")
        local f = io.open(os.tmpname(), "w")
        while true do f:seek("set") end   -- hold the region until killed
      ]], name, i)
    end
    assert.is_truthy(H.until_true(function()
      local l = shm.open(name, 0)
      if l then l:close() end
      return l ~= nil
    end, 20))
    H.sleep(0.3)  -- let the second holder open it too
    for _, h in ipairs(holders) do h:kill("KILL") end
    for _, h in ipairs(holders) do h:wait(20) end
    assert.is_true(H.shm_exists(name))  -- left behind by the dead
    local l = assert(shm.create(name, 64))  -- yet the name is free
    assert.equal(("\0"):rep(5), l:read_bytes(0, 5))  -- and it is a new one
    l:close()
    assert.is_false(H.shm_exists(name))
  end, { "posix" })

  it("open of a region whose holders all died says ENOENT #posix", function()
    local name = H.name("stale")
    local h = H.spawn([[
      local shm = require "winshm"
      local l = assert(shm.create(..., 64))
      while true do end
    ]], name)
    assert.is_truthy(H.until_true(function() return H.shm_exists(name) end, 20))
    h:kill("KILL")
    h:wait(20)
    assert.is_true(gone(name))
    assert.is_false(H.shm_exists(name))
  end, { "posix" })

  it("survives many processes creating, opening and closing at once #posix", function()
    local name = H.name("race")
    local procs = {}
    for i = 1, 4 do
      procs[i] = H.spawn([[
        local shm = require "winshm"
        local name = ...
        for _ = 1, 200 do
          local l = assert(shm.get_or_create(name, 4096))
          local r = shm.open(name, 4096)
          if r then r:close() end
          l:close()
        end
      ]], name)
    end
    for i = 1, 4 do
      local ok, out = procs[i]:wait(60)
      assert.is_true(ok, out)
    end
    assert.is_true(gone(name))
    assert.is_false(H.shm_exists(name))
  end, { "posix" })
end)
