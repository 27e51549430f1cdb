-- consistent_spec.lua: shm.read_consistent / shm.write_consistent.
local shm = require "winshm"
local H = require "helper"

-- The layout, as source so that writer processes build the same one:
-- counters for the three schemes, control words, and 64 data fields.
local LAYOUT = [[
  local shm = require "winshm"
  local spec = { { "seq", "u32" }, { "b", "u32" }, { "e", "u32" }, { "chk", "u32" },
                 { "stop", "u32" }, { "ready", "u32" }, name = "Frame" }
  for i = 1, 64 do spec[#spec + 1] = { "f" .. i, "int32_t" } end
  return shm.struct(spec)
]]
local Frame = load(LAYOUT)()

local SCHEMES = {
  seq = { seq = "seq" },
  ["begin/end"] = { begin = "b", ["end"] = "e" },
  check = { check = "chk" },
}

local function region()
  local r = assert(shm.create(H.name("cons"), Frame))
  return r, r:get_mut()
end

local function gen(g)
  local t = {}
  for i = 1, 64 do t["f" .. i] = g end
  return t
end

-- Every data field of snapshot t holds the same generation.
local function onegeneration(t)
  for i = 2, 64 do
    if t["f" .. i] ~= t.f1 then return false end
  end
  return true
end

describe("consistent snapshots", function()
  for label, scheme in pairs(SCHEMES) do
    describe(label, function()
      it("writes a table and reads it back with its version", function()
        local r, v = region()
        local v1 = shm.write_consistent(v, scheme, gen(7))
        local t, ver = shm.read_consistent(v, scheme)
        assert.equal(7, t.f1); assert.equal(7, t.f64)
        assert.is_true(onegeneration(t))
        assert.equal(v1, ver)
        local v2 = shm.write_consistent(v, scheme, { f3 = 8 })
        t, ver = shm.read_consistent(r:get(), scheme)  -- read-only views read
        assert.equal(8, t.f3); assert.equal(7, t.f4)
        assert.equal(v2, ver)
        assert.is_true(v2 ~= v1)
        r:close()
      end)

      it("calls fn(view) between the counter updates", function()
        local r, v = region()
        local _, before = shm.read_consistent(v, scheme, 1)
        local during, seen
        local after = shm.write_consistent(v, scheme, function(w)
          assert.equal(v, w)
          w.f1 = 42
          seen = { seq = v.seq, b = v.b, e = v.e, chk = v.chk }
          during = { shm.read_consistent(v, scheme, 3) }
        end)
        if label == "seq" then
          assert.equal(1, seen.seq % 2)  -- odd while writing
          assert.same({ nil, "torn" }, during)
        elseif label == "begin/end" then
          assert.equal(seen.e + 1, seen.b)  -- begun, not ended
          assert.same({ nil, "torn" }, during)
        else
          assert.is_true(seen.chk ~= before and seen.chk ~= after)  -- changed at both ends
        end
        assert.equal(42, (shm.read_consistent(v, scheme)).f1)
        r:close()
      end)

      it("closes the write when fn raises, then raises the same error", function()
        local r, v = region()
        local e = {}
        local ok, got = pcall(shm.write_consistent, v, scheme, function(w)
          w.f2 = 5
          error(e)
        end)
        assert.is_false(ok)
        assert.equal(e, got)
        local t = shm.read_consistent(v, scheme)
        assert.equal(5, t.f2)
        -- a table that fails validation writes nothing
        assert.has_error(function() shm.write_consistent(v, scheme, { f1 = 1, f2 = "x" }) end)
        t = shm.read_consistent(v, scheme)
        assert.equal(0, t.f1)
        r:close()
      end)

      it("snapshots from another process never mix two generations", function()
        local r, v = region()
        -- The check scheme cannot see a writer stalled half-way through a
        -- write for a whole copy, so its writer writes whole tables and
        -- rests between frames, as a game's frame loop does; the others
        -- are driven hard, half of their writes through fn.
        local pace = label == "check" and "sleep" or "spin"
        local writer = LAYOUT:gsub("return shm.struct", "local Frame = shm.struct") .. [==[
          local v = assert(shm.open_existing(arg[1], Frame)):get_mut()
          local scheme = ({ seq = { seq = "seq" }, be = { begin = "b", ["end"] = "e" },
                            check = { check = "chk" } })[arg[2]]
          local nap = arg[3] == "sleep" and assert(shm.event(arg[1] .. "nap"))
          local names, t = {}, {}
          for i = 1, 64 do names[i] = "f" .. i end
          local function fill(w, g) for i = 1, 64 do w[names[i]] = g end end
          local deadline, g = os.time() + 120, 0
          shm.atomic_store(v, "ready", 1)
          while shm.atomic_load(v, "stop") == 0 and os.time() < deadline do
            g = g + 1
            if g % 2 == 0 or nap then
              fill(t, g)
              shm.write_consistent(v, scheme, t)
            else
              shm.write_consistent(v, scheme, function(w) fill(w, g) end)
            end
            if nap then nap:wait(1) else for _ = 1, 2000 do end end
          end
          print(g)
        ]==]
        local h = H.spawn(writer, r:name(), label == "begin/end" and "be" or label, pace)
        assert.is_true(H.until_true(function() return v.ready == 1 end, 30))
        local good, torn, mixed, gens = 0, 0, 0, {}
        for _ = 1, 10000 do
          local t, ver = shm.read_consistent(v, scheme)
          if t then
            good = good + 1
            if not onegeneration(t) then mixed = mixed + 1 end
            gens[t.f1] = true
            assert.equal("integer", math.type(ver))
          else
            assert.equal("torn", ver)
            torn = torn + 1
          end
        end
        shm.atomic_store(v, "stop", 1)
        local _, out = h:wait(60)
        local ngens = 0
        for _ in pairs(gens) do ngens = ngens + 1 end
        if os.getenv("WINSHM_STATS") then
          io.stderr:write(("%s: %d good, %d torn, %d generations, %s writes\n")
            :format(label, good, torn, ngens, out))
        end
        assert.equal(0, mixed)
        assert.is_true(good > 0, "no snapshot succeeded (" .. torn .. " torn)")
        assert.is_true(ngens >= 2, "the writer did not run during the snapshots")
        assert.is_truthy(tonumber(out), out)
        r:close()
      end)
    end)
  end

  it("runs examples/telemetry: the reader prints the producer's frames", function()
    local name = H.name("telemetry")
    local function cmd(script, ...)
      local c = { H.quote(H.host), H.quote("examples/telemetry/" .. script) }
      for _, a in ipairs({ ... }) do c[#c + 1] = H.quote(a) end
      c = table.concat(c, " ") .. " 2>&1"
      return H.windows and '"' .. c .. '"' or c
    end
    local producer = assert(io.popen(cmd("producer.lua", "3", name)))
    local reader = assert(io.popen(cmd("reader.lua", "1", name)))
    local out = reader:read("a")
    reader:close()
    local pout = producer:read("a")
    producer:close()
    local frames = 0
    for _ in out:gmatch("frame (%d+)") do frames = frames + 1 end
    assert.is_true(frames >= 3, out)
    assert.matches("Ada", out, 1, true)
    assert.matches("producer: 300 frames written", pout, 1, true)
  end)

  it("gives nil, \"torn\" while a write looks open", function()
    local r, v = region()
    v.seq = 3  -- odd: a writer died half-way
    assert.same({ nil, "torn" }, { shm.read_consistent(v, { seq = "seq" }, 2) })
    v.b = 5; v.e = 4  -- begun, not ended
    assert.same({ nil, "torn" }, { shm.read_consistent(v, { begin = "b", ["end"] = "e" }, 2) })
    -- writers wait for the write to be free, at most the scheme's timeout:
    -- a crashed writer's counter is a clear error, not a torn frame
    local t0 = os.clock()
    assert.has_error(function()
      shm.write_consistent(v, { seq = "seq", timeout = 50 }, { f1 = 1 })
    end, "write_consistent: timed out after 50 ms waiting for another writer "
      .. "of counter 'seq' (if no writer runs, one died during a write and left "
      .. "the counter odd)")
    assert.is_true(os.clock() - t0 < 5)
    assert.has_error(function()
      shm.write_consistent(v, { begin = "b", ["end"] = "e", timeout = 0 }, { f1 = 1 })
    end, "write_consistent: timed out after 0 ms waiting for another writer "
      .. "of counter 'b' (if no writer runs, one died during a write and left "
      .. "the counter begin ahead of end)")
    assert.equal(3, v.seq)
    assert.equal(0, v.f1)   -- nothing written
    -- once the counters are made idle again (the dead writer is gone), writes go on
    shm.atomic_store(v, "seq", 4)
    shm.write_consistent(v, { seq = "seq" }, { f1 = 1 })
    assert.equal(6, v.seq)
    assert.is_table(shm.read_consistent(v, { seq = "seq" }))
    shm.atomic_store(v, "e", 5)
    shm.write_consistent(v, { begin = "b", ["end"] = "e" }, { f1 = 2 })
    assert.equal(6, v.b)
    assert.equal(6, v.e)
    assert.equal(2, v.f1)
    r:close()
  end)

  it("rejects bad schemes, tables and views", function()
    local r, v = region()
    local bad = { {}, { seq = "seq", check = "chk" }, { begin = "b" }, { ["end"] = "e" },
                  { begin = "b", ["end"] = "b" }, { seq = 1 }, { seq = "nope" },
                  { sequence = "seq" }, { seq = "f1", begin = "b", ["end"] = "e" } }
    for _, s in ipairs(bad) do
      assert.has_error(function() shm.read_consistent(v, s) end)
      assert.has_error(function() shm.write_consistent(v, s, {}) end)
    end
    assert.has_error(function() shm.read_consistent(v, "seq") end)
    assert.has_error(function() shm.read_consistent(v, { seq = "seq" }, 0) end)
    assert.has_error(function() shm.read_consistent(v, { seq = "seq" }, "x") end)
    assert.has_error(function() shm.write_consistent(v, { seq = "seq" }) end)
    assert.has_error(function() shm.write_consistent(v, { seq = "seq" }, 5) end)
    assert.has_error(function() shm.write_consistent(v, { seq = "seq" }, { seq = 2 }) end,
      "the table sets the counter field 'seq', which write_consistent keeps")
    assert.has_error(function() shm.write_consistent(r:get(), { seq = "seq" }, {}) end,
      "attempt to write field 'seq' of layout 'Frame' through a read-only view")
    assert.has_error(function() shm.read_consistent({}, { seq = "seq" }) end)
    assert.equal(0, v.seq)
    r:close()
    assert.has_error(function() shm.read_consistent(v, { seq = "seq" }) end,
      "attempt to use a closed link")
  end)

  it("raises, without crashing, when fn closes the link", function()
    local r, v = region()
    assert.has_error(function()
      shm.write_consistent(v, { seq = "seq" }, function() r:close() end)
    end, "attempt to use a closed link")
  end)
end)
