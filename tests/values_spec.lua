-- values_spec.lua -- winshm and a C program agree on the values of every
-- field: the program (compiled with gcc from the same declarations) writes
-- known values into regions winshm created, winshm reads and compares them,
-- then winshm writes other values and the program checks them.  Layouts of
-- all three ABIs take part: gcc lays out abi = "windows" ones with fixed-size
-- types for long and wchar_t (the program asserts winshm's numbers).
-- Random layouts use a fixed seed; WINSHM_TEST_SEED overrides it.
local H = require "helper"
package.path = "./tests/compiler/?.lua;" .. package.path
local G = require "gen"
local V = require "values"
local C = require "cc"
local shm = require "winshm"

local SEED = G.seed(20261127)
local RANDOM = 60
local MAXLEAVES = 400

-- ------------------------------------------------------------------- spec
describe("field values agree with a C program #posix", function()
  local nodes, links, names, prog
  local why = H.windows and "POSIX shared memory objects only"
    or (not C.have("gcc") and "gcc is not installed") or nil

  setup(function()
    if why then return end
    nodes, links, names = V.nodes(SEED, RANDOM, MAXLEAVES), {}, {}
    for i, n in ipairs(nodes) do
      G.build(shm, n)
      local name = H.name("val")
      links[i] = assert(shm.create(name, n.layout))
      names[i] = C.quote("/" .. name)
    end
    prog = os.tmpname()
    local ok, out = C.compile("gcc", V.c_program(nodes, shm), "-O0 -o " .. C.quote(prog))
    assert(ok, "gcc did not compile the value program:\n" .. out:sub(1, 3000))
  end)

  teardown(function()
    for _, l in ipairs(links or {}) do l:close() end
    if prog then os.remove(prog) end
  end)

  it("reads what C wrote, field by field and through shm.read", function()
    if why then return pending(why) end
    local ok, out = C.sh(C.quote(prog) .. " write " .. table.concat(names, " "))
    assert(ok, "the C program failed to write:\n" .. out)
    local bad = {}
    for i, n in ipairs(nodes) do
      local view = links[i]:get()
      V.compare(n, function(keys) return V.at(view, keys) end, 1, "view", bad)
      local copy = shm.read(view)
      V.compare(n, function(keys) return V.at(copy, keys) end, 1, "shm.read", bad)
    end
    assert(#bad == 0, #bad .. " field(s) differ:\n" .. table.concat(bad, "\n", 1, math.min(#bad, 60)))
  end)

  it("writes what C reads, field by field and through shm.write", function()
    if why then return pending(why) end
    local bad = {}
    for i, n in ipairs(nodes) do
      local ok, err = pcall(V.store, shm, n, links[i]:get_mut(), 2, i % 2 == 0)
      if not ok then bad[#bad + 1] = n.name .. ": " .. tostring(err) end
    end
    assert(#bad == 0, table.concat(bad, "\n"))
    local ok, out = C.sh(C.quote(prog) .. " check " .. table.concat(names, " "))
    assert(ok, "the C program found other values:\n" .. out:sub(1, 4000))
  end)

  it("covers every scalar type", function()
    if why then return pending(why) end
    local seen = {}
    for _, n in ipairs(nodes) do
      for _, leaf in ipairs(V.leaves(n)) do seen[leaf.s.name] = true end
    end
    for _, s in ipairs(G.scalars) do
      assert(seen[s.name], s.name .. " is in no layout of the values test")
    end
  end)
end)

describe("field values agree with a Win32 C program #posix", function()
  it("both ways, winshm.exe and a mingw-w64 program, under Wine", function()
    local exe, why = C.winexe()
    if not exe then return pending(why) end
    -- the program comes from the Windows build's own layouts (native: Windows)
    local ok, src, err = C.sh3(("%s wine %s tests/compiler/winvalues.lua emit %d %d < /dev/null")
      :format(C.wine_env, exe, SEED, RANDOM))
    assert(ok and src:find("int main", 1, true), "winvalues.lua emit failed:\n" .. err:sub(1, 3000))
    local prog = os.tmpname() .. ".exe"
    local built, out = C.compile(C.for_abi.windows, src:gsub("\r\n", "\n"), "-O0 -o " .. C.quote(prog))
    assert(built, "mingw-w64 gcc did not compile the value program:\n" .. out:sub(1, 3000))
    local winprog = "Z:" .. prog:gsub("/", "\\")
    ok, out = C.sh(("%s wine %s tests/compiler/winvalues.lua run %d %d %s < /dev/null")
      :format(C.wine_env, exe, SEED, RANDOM, C.quote(winprog)))
    os.remove(prog)
    os.remove(prog:sub(1, -5))
    assert(ok, out)
  end)
end)
