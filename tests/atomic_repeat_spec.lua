-- Atomics called again and again on one view and one field name take a
-- short path (atomic.c keeps the last field resolved); these cases check
-- that the short path gives exactly what the full one gives.
local shm = require "winshm"
local H = require "helper"

describe("atomics on the same field again", function()
  local A = shm.struct { name = "A", { "pad", "uint32_t" }, { "turn", "uint32_t" } }
  local B = shm.struct { name = "B", { "turn", "uint16_t" }, { "x", "int8_t" } }

  it("follows the view and the name when they change", function()
    local k <close> = assert(shm.create(H.name("arep"), 64))
    local a, b = k:view(A, 0, "rw"), k:view(B, 16, "rw")
    for i = 1, 5 do
      shm.atomic_store(a, "turn", i)
      shm.atomic_store(b, "turn", 100 + i)
      assert.equal(i, shm.atomic_load(a, "turn"))
      assert.equal(100 + i, shm.atomic_load(b, "turn"))
      assert.equal(i, a.turn)
      assert.equal(100 + i, b.turn)
      assert.equal(0, shm.atomic_load(a, "pad"))
    end
    -- the range is the field's: 16 bits in B
    assert.has_error(function() shm.atomic_store(b, "turn", 70000) end)
    shm.atomic_store(a, "turn", 70000)
    assert.equal(70000, shm.atomic_load(a, "turn"))
  end)

  it("still refuses a write through a read-only view after a read", function()
    local k <close> = assert(shm.create(H.name("arep"), A))
    local ro = k:get()
    assert.equal(0, shm.atomic_load(ro, "turn"))
    assert.has_error(function() shm.atomic_store(ro, "turn", 1) end,
      "attempt to write field 'turn' of layout 'A' through a read-only view")
    assert.equal(0, shm.atomic_load(ro, "turn"))
  end)

  it("still refuses a view whose link was closed", function()
    local k = assert(shm.create(H.name("arep"), A))
    local v = k:get_mut()
    shm.atomic_store(v, "turn", 3)
    assert.equal(3, shm.atomic_load(v, "turn"))
    k:close()
    assert.has_error(function() shm.atomic_load(v, "turn") end,
      "attempt to use a closed link")
    assert.has_error(function() shm.atomic_store(v, "turn", 1) end,
      "attempt to use a closed link")
  end)

  it("resolves a new view made after the last one was collected", function()
    local k <close> = assert(shm.create(H.name("arep"), 64))
    for i = 1, 200 do
      local lay = i % 2 == 0 and A or B
      local v = k:view(lay, 8, "rw")
      shm.atomic_store(v, "turn", i)
      assert.equal(i, shm.atomic_load(v, "turn"))
      v = nil  -- luacheck: ignore v
      collectgarbage()
    end
    assert.equal(200, k:view(A, 8).turn)
  end)

  -- The short path holds the last view (and through it its link) until
  -- the next collection cycle ends: a dropped link goes one cycle later.
  local function dropped_link_goes(mode)
    local name = H.name("arep")
    local old = collectgarbage(mode)
    finally(function() collectgarbage(old) end)
    do
      local k = assert(shm.create(name, A))
      local v = k:get_mut()
      assert.equal(0, shm.atomic_add(v, "turn", 1))
      assert.equal(1, shm.atomic_load(v, "turn"))
    end
    collectgarbage(); collectgarbage()
    local l, err = shm.open(name, 0)
    if l then l:close() end
    assert.is_nil(l)
    assert.equal("OpenMapping", err.kind)
    -- and the short path works again afterwards
    local k <close> = assert(shm.create(name, A))
    local v = k:get_mut()
    for i = 1, 3 do
      shm.atomic_store(v, "turn", i)
      assert.equal(i, shm.atomic_load(v, "turn"))
      collectgarbage()
    end
  end

  it("lets a dropped link go two collections later (incremental)", function()
    dropped_link_goes("incremental")
  end)

  it("lets a dropped link go two collections later (generational)", function()
    dropped_link_goes("generational")
  end)

  it("stays right when finalizers make atomic calls of their own meanwhile", function()
    local k <close> = assert(shm.create(H.name("arep"), 64))
    local a, b = k:view(A, 0, "rw"), k:view(B, 16, "rw")
    shm.atomic_store(b, "turn", 7)
    local pause = collectgarbage("setpause", 0)  -- a collection at every step
    local stepmul = collectgarbage("setstepmul", 1000)
    finally(function()
      collectgarbage("setpause", pause)
      collectgarbage("setstepmul", stepmul)
    end)
    local function nested()
      return setmetatable({}, { __gc = function()
        shm.atomic_add(b, "x", 0)
        assert(shm.atomic_load(b, "turn") == 7)
      end })
    end
    for _ = 1, 10 do
      for _ = 1, 2000 do nested() end  -- the collector finalizes them bit by bit
      for i = 1, 2000 do
        local name = i % 2 == 0 and "turn" or "pad"  -- every store resolves
        shm.atomic_store(a, name, i)
        assert.equal(i, shm.atomic_load(a, name))
        assert.equal(i, a[name])
      end
    end
    assert.equal(7, b.turn)
  end)

  it("refuses what is not a view, also right after a view", function()
    local k <close> = assert(shm.create(H.name("arep"), A))
    local v = k:get_mut()
    shm.atomic_load(v, "turn")
    assert.has_error(function() shm.atomic_load(k, "turn") end)
    assert.has_error(function() shm.atomic_load({}, "turn") end)
    assert.has_error(function() shm.atomic_load(io.stdout, "turn") end)
    assert.has_error(function() shm.atomic_load(v, "nope") end,
      "no field 'nope' in layout 'A'")
  end)
end)
