-- compiler_spec.lua -- layouts agree with the C compiler on every offset,
-- the size and the alignment: random layouts (fixed seed, WINSHM_TEST_SEED
-- overrides it) and hand-written tricky ones, declared both through
-- shm.struct/shm.union and as C, checked by _Static_asserts compiled with gcc
-- (abi = "sysv" and "native") and x86_64-w64-mingw32-gcc (abi = "windows").
local H = require "helper"
package.path = "./tests/compiler/?.lua;" .. package.path
local G = require "gen"
local C = require "cc"
local cases = require "cases"
local shm = require "winshm"

local SEED = G.seed(20261127)
local COUNT = { sysv = 300, windows = 300, native = 120 }

-- Why the compiler for abi cannot be used here, or nil.
local function missing(abi)
  if H.windows then return "the C compilers run on the Linux side only" end
  local cc = C.for_abi[abi]
  if not C.have(cc) then return cc .. " is not installed" end
end

-- Build every node's layout; returns the built ones and the report lines
-- for those winshm refused.
local function build_all(nodes, report)
  local ok_nodes = {}
  for _, node in ipairs(nodes) do
    local ok, err = pcall(G.build, shm, node)
    if ok then ok_nodes[#ok_nodes + 1] = node
    else
      report[#report + 1] = ("winshm refused %s: %s\n%s"):format(node.name,
        tostring(err), G.lua_source(node))
    end
  end
  return ok_nodes
end

-- Check nodes (all of one ABI) against the compiler; returns "" when every
-- check holds, else a report naming each failed check with winshm's and the
-- compiler's numbers and the declarations (Lua and C) of the first few.
local function differential(abi, nodes)
  local report = {}
  local built = build_all(nodes, report)
  local all, seen = {}, {}
  for _, n in ipairs(built) do G.closure(n, all, seen) end
  local cc = C.for_abi[abi]
  local types = G.c_prelude .. G.c_types(built) .. "\n"
  local ok, out = C.compile(cc, types .. G.c_asserts(shm, all) .. "\n")
  if ok then return table.concat(report, "\n\n") end
  -- which checks failed
  local failed, byname = {}, {}
  for _, n in ipairs(all) do byname[n.name] = n end
  for label in out:gmatch('static assertion failed: "([^"]-) = %-?%d+"') do
    failed[label] = true
  end
  if next(failed) == nil then
    return ("%s did not compile the declarations:\n%s"):format(cc, out:sub(1, 3000))
  end
  local bad, badnodes = {}, {}
  for _, n in ipairs(all) do
    for _, k in ipairs(G.checks(shm, n)) do
      if failed[G.label(n, k)] then
        bad[#bad + 1] = { node = n, check = k }
        if not badnodes[n] then badnodes[n] = true; badnodes[#badnodes + 1] = n end
      end
    end
  end
  -- the compiler's numbers for them
  local checks = {}
  for i, b in ipairs(bad) do checks[i] = b.check end
  local rsrc = types .. "#line 1000000\n" .. G.c_reveal(checks) .. "\n"
  local _, rout = C.compile(cc, rsrc)
  local truth = {}
  for line, v in rout:gmatch(":(%d+):%d+: warning: initialization of 'int' from 'char %(%*%)%[(%d+)%]'") do
    truth[tonumber(line) - 999999] = tonumber(v)
  end
  report[#report + 1] = ("%d check(s) of %d layout(s) disagree with %s (abi = %q, seed %d):")
    :format(#bad, #badnodes, cc, abi, SEED)
  for i, b in ipairs(bad) do
    if i > 40 then report[#report + 1] = "..."; break end
    report[#report + 1] = ("  %s: winshm %d, %s %s"):format(G.label(b.node, b.check),
      b.check.n, cc, tostring(truth[i] or "?"))
  end
  for i, n in ipairs(badnodes) do
    if i > 4 then break end
    report[#report + 1] = ("-- %s in Lua:\n%s\n-- in C:\n%s"):format(n.name,
      G.lua_source(n), G.c_types({ n }))
  end
  return table.concat(report, "\n")
end

local function random_nodes(abi, n)
  local next_node = G.generator(SEED + #abi, { abi = abi, prefix = "R" .. abi .. "_" })
  local list = {}
  for i = 1, n do list[i] = next_node() end
  return list
end

describe("layouts agree with the C compiler", function()
  it("runs under Lua 5.4", function()
    assert.are.equal("Lua 5.4", _VERSION)
  end)

  for _, abi in ipairs({ "sysv", "windows", "native" }) do
    it(("on %d random layouts, abi = %q"):format(COUNT[abi], abi), function()
      local why = missing(abi)
      if why then return pending(why) end
      local report = differential(abi, random_nodes(abi, COUNT[abi]))
      assert(report == "", report)
    end)

    it(("on the hand-written tricky layouts, abi = %q"):format(abi), function()
      local why = missing(abi)
      if why then return pending(why) end
      local report = differential(abi, cases(abi, "H" .. abi .. "_"))
      assert(report == "", report)
    end)
  end

  it("long and wchar_t differ between the ABIs as the compilers say", function()
    local function one(abi, t)
      return shm.sizeof(shm.struct { { "x", t }, abi = abi })
    end
    assert.are.equal(8, one("sysv", "long"))
    assert.are.equal(4, one("windows", "long"))
    assert.are.equal(4, one("windows", "unsigned long"))
    assert.are.equal(4, one("sysv", "wchar_t"))
    assert.are.equal(2, one("windows", "wchar_t"))
    if not H.windows then assert.are.equal(8, one(nil, "long")) end
  end)
end)

describe("the differential harness", function()
  it("catches a wrong number", function()
    if missing("sysv") then return pending(missing("sysv")) end
    local node = { kind = "struct", name = "Probe", abi = "sysv",
                   fields = { { name = "c", type = "char" }, { name = "d", type = "double" } } }
    G.build(shm, node)
    -- pretend winshm had packed it: the compiler must object, with its number
    local real = shm.offsetof
    shm.offsetof = function(L, p) return p == "d" and 1 or real(L, p) end
    local ok, report = pcall(differential, "sysv", { node })
    shm.offsetof = real
    assert(ok, report)
    assert.matches("Probe offsetof%(d%): winshm 1, gcc 8", report)
  end)

  it("is repeatable: the same seed gives the same layouts", function()
    local a = G.generator(7, { abi = "sysv", prefix = "A" })
    local b = G.generator(7, { abi = "sysv", prefix = "A" })
    for _ = 1, 20 do
      local x, y = a(), b()
      assert.are.same(x, y)
    end
  end)
end)
