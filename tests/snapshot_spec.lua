-- snapshot_spec.lua: the internal helpers the tools build on:
-- shm._snapshot (a view's bytes, copied consistently) and shm._objname.
local shm = require "winshm"
local H = require "helper"
local R = require "reentry"

local Page = shm.struct { name = "Page",
  { "seq", "uint32_t" }, { "b", "uint32_t" }, { "e", "uint32_t" },
  { "chk", "uint32_t" }, { "x", "int32_t" }, { "s", "char", 12 } }

local function region()
  local k = assert(shm.create(H.name("snap"), Page))
  local v = k:get_mut()
  v.x, v.s = -7, "hello"
  return k, v
end

describe("shm._snapshot", function()
  it("copies the view's bytes, with or without a scheme", function()
    local k, v = region()
    local bytes = k:read_bytes(0, shm.sizeof(Page))
    assert.equal(bytes, shm._snapshot(v))
    assert.equal(bytes, shm._snapshot(v, { seq = "seq" }))
    assert.equal(bytes, shm._snapshot(v, { begin = "b", ["end"] = "e" }))
    assert.equal(bytes, shm._snapshot(v, { check = "chk" }))
    assert.equal(-7, (string.unpack("<i4", shm._snapshot(v), 17)))
    k:close()
  end)

  it("copies the bytes of an array view", function()
    local k, v = region()
    assert.equal("hello\0\0\0\0\0\0\0", shm._snapshot(v.s == "hello" and
      k:view(shm.struct { { "s", "char", 12 } }, 20) or v))
    k:close()
  end)

  it("says torn while a write stays open", function()
    local k, v = region()
    v.seq = 1                       -- odd: a write is running
    local s, why = shm._snapshot(v, { seq = "seq" }, 3)
    assert.is_nil(s)
    assert.equal("torn", why)
    v.b = 2                         -- begin ahead of end
    assert.same({ nil, "torn" }, { shm._snapshot(v, { begin = "b", ["end"] = "e" }, 2) })
    k:close()
  end)

  it("refuses bad arguments and closed links", function()
    local k, v = region()
    assert.has_error(function() shm._snapshot(v, { seq = "s" }) end)
    assert.has_error(function() shm._snapshot(v, { seq = "seq" }, 0) end,
      "bad argument #3 to '_snapshot' (tries must be at least 1)")
    assert.has_error(function() shm._snapshot(k) end)
    k:close()
    assert.has_error(function() shm._snapshot(v) end, "attempt to use a closed link")
    assert.has_error(function() shm._snapshot(v, { seq = "seq" }) end,
      "attempt to use a closed link")
  end)

  it("never copies from a link closed by the scheme's metamethods", function()
    local k, v = region()
    local scheme = R.closing_index({ seq = "seq" }, k)
    assert.has_error(function() shm._snapshot(v, scheme) end,
      "attempt to use a closed link")
  end)

  it("never copies from a link a finalizer closed at its allocation", function()
    local k, v = region()
    local scheme = { seq = "seq" }  -- made here: the call's own allocation counts
    local closed, ok, err = R.at_next_allocation(k, function()
      return shm._snapshot(v, scheme)
    end)
    assert.is_true(closed)
    assert.is_false(ok)
    assert.matches("attempt to use a closed link", err, 1, true)
  end)

end)

describe("shm._objname", function()
  it("is the name the system knows", function()
    local want = H.windows and "Local\\game" or "game"
    assert.equal(want, shm._objname("Local\\game"))
    assert.equal(H.windows and "gLoBaL\\x" or "x", shm._objname("gLoBaL\\x"))
    assert.equal("plain", shm._objname("plain"))
  end)

  it("refuses the names regions refuse", function()
    for _, bad in ipairs({ "", "a\0b", "\xff", "Local\\" }) do
      local r, err = shm._objname(bad)
      assert.is_nil(r)
      assert.equal("InvalidName", err.kind)
    end
  end)
end)
