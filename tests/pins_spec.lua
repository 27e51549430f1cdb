-- pins_spec.lua: what the functions that remember their last argument (a
-- view checked by its metamethods, a scheme parsed by the consistent
-- pair) do when that argument changes, and that remembering one never
-- keeps a dropped link alive past the next collection cycles.
local shm = require "winshm"
local H = require "helper"

local Page = shm.struct { name = "Page", { "seq", "uint32_t" }, { "chk", "uint32_t" },
  { "b", "uint32_t" }, { "e", "uint32_t" }, { "x", "int32_t" } }

describe("a scheme remembered between calls", function()
  it("is parsed again when the table changes", function()
    local k <close> = assert(shm.create(H.name("pins"), Page))
    local v = k:get_mut()
    local scheme = { seq = "seq" }
    shm.write_consistent(v, scheme, { x = 1 })
    assert.equal(2, v.seq)
    scheme.seq = "chk"                      -- another counter
    shm.write_consistent(v, scheme, { x = 2 })
    assert.same({ 2, 2 }, { v.seq, v.chk })
    scheme.seq, scheme.begin, scheme["end"] = nil, "b", "e"
    shm.write_consistent(v, scheme, { x = 3 })
    assert.same({ 1, 1 }, { v.b, v.e })
    scheme.nope = true                      -- an unknown key: refused again
    assert.has_error(function() shm.read_consistent(v, scheme) end,
      "invalid field name 'nope' in scheme")
    scheme.nope = nil
    scheme.timeout = -1
    assert.has_error(function() shm.read_consistent(v, scheme) end)
    scheme.timeout = 5
    assert.is_table(shm.read_consistent(v, scheme))
    scheme.begin = "x"                       -- begin = x (3), end = e (1): torn now
    assert.same({ nil, "torn" }, { shm.read_consistent(v, scheme, 2) })
  end)

  it("is never taken from a table with a metatable: its __index answers each time", function()
    local k <close> = assert(shm.create(H.name("pins"), Page))
    local v = k:get_mut()
    local which = "seq"
    local proxy = setmetatable({}, { __index = function(_, key)
      if key == "seq" and which == "seq" then return "seq" end
      if key == "check" and which == "chk" then return "chk" end
    end })
    shm.write_consistent(v, proxy, { x = 1 })
    which = "chk"
    shm.write_consistent(v, proxy, { x = 2 })
    assert.same({ 2, 2 }, { v.seq, v.chk })
  end)

  it("is for one view: another view of the region is checked anew", function()
    local k <close> = assert(shm.create(H.name("pins"), Page))
    local w, r = k:get_mut(), k:get()
    local scheme = { seq = "seq" }
    assert.is_table(shm.read_consistent(r, scheme))   -- remembered, read-only
    assert.has_error(function() shm.write_consistent(r, scheme, { x = 1 }) end,
      "attempt to write field 'seq' of layout 'Page' through a read-only view")
    shm.write_consistent(w, scheme, { x = 1 })
    assert.equal(1, (shm.read_consistent(r, scheme)).x)
  end)

  local function dropped_link_goes(mode, use)
    local name = H.name("pins")
    local old = collectgarbage(mode)
    finally(function() collectgarbage(old) end)
    do
      local k = assert(shm.create(name, Page))
      use(k:get_mut())
    end
    collectgarbage(); collectgarbage()
    local l, err = shm.open(name, 0)
    if l then l:close() end
    assert.is_nil(l)
    assert.equal("OpenMapping", err.kind)
  end

  for _, mode in ipairs({ "incremental", "generational" }) do
    it("lets a dropped link go two collections later (" .. mode .. ")", function()
      dropped_link_goes(mode, function(v)
        assert.is_table(shm.read_consistent(v, { seq = "seq" }))
      end)
      dropped_link_goes(mode, function(v) v.x = v.x + 1 end)   -- a view's metamethods
      dropped_link_goes(mode, function(v)
        local n = 0
        for _ in pairs(v) do n = n + 1 end
        assert.equal(5, n)
      end)
    end)
  end
end)
