-- reentrancy_spec.lua: Lua code that runs in the middle of a winshm call
-- (a finalizer at an allocation, a metamethod of an argument) and closes
-- the link must never make the call touch unmapped memory, nor write into
-- a region mapped at the old address since.  Each entry point, each way.
local shm = require "winshm"
local H = require "helper"
local R = require "reentry"

local Inner = shm.struct { name = "Inner", { "a", "int32_t" }, { "b", "int32_t" } }
local Page = shm.struct { name = "Page",
  { "seq", "uint32_t" }, { "n", Inner }, { "arr", Inner, 4 },
  { "nums", "int32_t", 8 }, { "w", "char16_t", 600 }, { "x", "uint64_t" } }

local function region()
  local k = assert(shm.create(H.name("reent"), Page))
  local v = k:get_mut()
  v.x, v.n.a = 7, 1
  return k, v
end

local CLOSED = "attempt to use a closed link"

-- op runs with the link closed at its first allocation: it must raise the
-- closed-link error (or, when it had nothing left to touch, succeed).
local function closes_cleanly(op, k, may_succeed)
  local closed, ok, err = R.at_next_allocation(k, op)
  assert.is_true(closed, "no allocation in the call ran the finalizer")
  if ok then
    assert.is_true(may_succeed, "the call succeeded on a closed link")
  else
    assert.matches(CLOSED, err, 1, true)
  end
end

describe("a link closed by a finalizer during", function()
  it("a view read of long UTF-16 text", function()
    local k, v = region()
    v.w = ("\u{20ac}"):rep(600)     -- 1800 bytes of UTF-8: the decode allocates
    local str = k:get()
    closes_cleanly(function() return str.w end, k, true)
  end)

  it("shm.read", function()
    local k, v = region()
    -- succeeds when the bytes were copied before the allocation
    closes_cleanly(function() return shm.read(v) end, k, true)
  end)

  it("shm.read into a table of another shape", function()
    local k, v = region()
    local into = { n = 5, arr = "x" }   -- its nested tables must be made
    closes_cleanly(function() return shm.read(v, into) end, k, true)
  end)

  it("shm.write", function()
    local k, v = region()
    local t = { x = 9, n = { a = 2, b = 3 }, nums = { 1, 2, 3 } }
    closes_cleanly(function() shm.write(v, t) end, k)
  end)

  it("assigning a table to a nested struct field", function()
    local k, v = region()
    local t = { a = 1, b = 2 }
    closes_cleanly(function() v.n = t end, k)
  end)

  it("assigning a table to an element of a struct array", function()
    local k, v = region()
    local arr, t = v.arr, { a = 5 }
    closes_cleanly(function() arr[2] = t end, k)
  end)

  it("read_consistent", function()
    local k, v = region()
    local scheme = { seq = "seq" }
    closes_cleanly(function() return shm.read_consistent(v, scheme) end, k, true)
  end)

  it("write_consistent with a table", function()
    local k, v = region()
    local scheme, t = { seq = "seq" }, { x = 3 }
    closes_cleanly(function() shm.write_consistent(v, scheme, t) end, k)
    assert.is_true(k:closed())
  end)

  for _, op in ipairs({ "atomic_load", "atomic_store", "atomic_add", "atomic_cas" }) do
    it(op .. " (its first call on a view and a field)", function()
      local k, v = region()
      local f = shm[op]
      closes_cleanly(function() return f(v, "x", 1, 2) end, k)
    end)
  end

  it("link:write_bytes of a number made a string", function()
    local k = region()
    closes_cleanly(function() k:write_bytes(0, 123456) end, k)
  end)

  it("a finalizer that closes the link and creates another region", function()
    -- the new region is likely mapped where the old one was: nothing of
    -- the assignment may land in it
    for _ = 1, 4 do
      local k, v = region()
      local t, other = { a = -1, b = -1 }, nil
      local closed, ok, err = R.at_next_allocation(k, function() v.n = t end,
        function() other = assert(shm.create(H.name("reent_other"), Page)) end)
      assert.is_true(closed)
      assert.is_false(ok)
      assert.matches(CLOSED, err, 1, true)
      local bytes = other:read_bytes()
      assert.equal(("\0"):rep(#bytes), bytes)
      other:close()
    end
  end)
end)

describe("a link closed by a metamethod of an argument", function()
  it("the scheme of read_consistent", function()
    local k, v = region()
    assert.has_error(function()
      shm.read_consistent(v, R.closing_index({ seq = "seq" }, k))
    end, CLOSED)
  end)

  it("the scheme of write_consistent", function()
    local k, v = region()
    assert.has_error(function()
      shm.write_consistent(v, R.closing_index({ seq = "seq" }, k), { x = 1 })
    end, CLOSED)
  end)

  it("the table of write_consistent is read raw: its __index never runs", function()
    local k, v = region()
    local t = R.closing_index({ x = 11 }, k)
    assert.equal(2, shm.write_consistent(v, { seq = "seq" }, t))
    assert.equal(11, v.x)
    assert.is_false(k:closed())
    k:close()
  end)

  it("the function of write_consistent", function()
    local k, v = region()
    assert.has_error(function()
      shm.write_consistent(v, { seq = "seq" }, function() k:close() end)
    end, CLOSED)
  end)

  it("the value written, through __tostring in a message", function()
    local k, v = region()
    local bad = setmetatable({}, { __tostring = function() k:close(); return "bad" end })
    assert.has_error(function() v.x = bad end)
    assert.is_true(k:closed())
    assert.has_error(function() return v.x end, CLOSED)
  end)

  it("a key of shm.write's table, through __tostring in a message", function()
    local k, v = region()
    local key = setmetatable({}, { __tostring = function() k:close(); return "key" end })
    assert.has_error(function() shm.write(v, { [key] = 1 }) end,
      "no field key in layout 'Page'")
    assert.has_error(function() shm.write(v, { x = 1 }) end, CLOSED)
  end)
end)

describe("random operations while finalizers close links and create regions", function()
  -- tests/reentry_storm.lua; `make reentry-storm` runs it for minutes
  local src = assert(io.open("tests/reentry_storm.lua")):read("a")
  for _, seed in ipairs({ 11, 12 }) do
    it("seed " .. seed, function()
      local ok, out = H.run(src, seed, 2)
      assert.is_true(ok, out)
      local ops, hits = out:match("(%d+) operations, (%d+) with a link closed")
      assert.is_truthy(ops, out)
      assert.is_true(tonumber(hits) > 0, "no link was closed during an operation")
    end)
  end
end)
