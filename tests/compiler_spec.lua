-- compiler_spec.lua -- layouts agree with the C compiler on every offset,
-- the size and the alignment: random layouts (fixed seed, WINSHM_TEST_SEED
-- overrides it) and hand-written tricky ones, declared both through
-- shm.struct/shm.union and as C, checked by _Static_asserts compiled with gcc
-- (abi = "sysv" and "native"), x86_64-w64-mingw32-gcc (abi = "windows") and
-- i686-w64-mingw32-gcc (abi = "win32").
-- What shm.offsetof, shm.sizeof, shm.alignof, shm.fields and tostring say
-- is checked; so is shm.cdef reading the same C, and (make
-- test-compiler-windows) the Windows build's native ABI, under Wine.
local H = require "helper"
package.path = "./tests/compiler/?.lua;" .. package.path
local G = require "gen"
local C = require "cc"
local cases = require "cases"
local shm = require "winshm"

local SEED = G.seed(20261127)
local COUNT = { sysv = 400, windows = 400, win32 = 200, native = 150 }

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

-- Compile src (C declarations, then the _Static_asserts of G.c_asserts)
-- with cc.  Returns the failed checks { {label=, name=, n = winshm's number,
-- c = the compiler's}, ... } (empty when all hold), or nil and the
-- compiler's messages when it did not get as far as the asserts.
local function failed_checks(cc, src)
  local ok, out = C.compile(cc, src)
  if ok then return {} end
  local bad = {}
  for label, n in out:gmatch('static assertion failed: "([^"]-) = (%-?%d+)"') do
    bad[#bad + 1] = { label = label, n = tonumber(n) }
  end
  if #bad == 0 then return nil, out end
  -- the compiler's own numbers: each expression as an array bound in a
  -- warning about a type
  local decls = src:match("^(.-)\n_Static_assert")
  local kinds = {}
  for kw, name in decls:gmatch("\n(%a+) [^\n]-([%w_]+) {\n") do kinds[name] = kw end
  local checks = {}
  for i, b in ipairs(bad) do
    local name, what, path = b.label:match("^(%S+) ([%a.]+)%(?([^)]*)%)?$")
    local T = (kinds[name] or "struct") .. " " .. name
    b.name = name
    checks[i] = { c = what:find("offset") and ("offsetof(%s, %s)"):format(T, path)
                  or what == "fields.size" and ("sizeof(((%s *)0)->%s)"):format(T, path)
                  or what:find("size") and ("sizeof(%s)"):format(T)
                  or ("_Alignof(%s)"):format(T) }
  end
  local _, rout = C.compile(cc, decls .. "\n#line 1000000\n" .. G.c_reveal(checks) .. "\n")
  for line, v in rout:gmatch(":(%d+):%d+: warning: initialization of 'int' from 'char %(%*%)%[(%d+)%]'") do
    local b = bad[tonumber(line) - 999999]
    if b then b.c = tonumber(v) end
  end
  return bad
end

-- The report on failed checks: each with both numbers, then how(name)
-- (declarations of the layout) for the first few layouts.
local function failure_report(bad, cc, abi, how)
  local report = { ("%d check(s) disagree with %s (abi = %s, seed %d):")
    :format(#bad, cc, abi, SEED) }
  local names = {}
  for i, b in ipairs(bad) do
    if i <= 40 then
      report[#report + 1] = ("  %s: winshm %d, %s %s"):format(b.label, b.n, cc, tostring(b.c or "?"))
    elseif i == 41 then report[#report + 1] = "  ..." end
    if not names[b.name] then names[b.name] = true; names[#names + 1] = b.name end
  end
  for i = 1, math.min(#names, 4) do report[#report + 1] = how(names[i]) end
  return table.concat(report, "\n")
end

-- Check nodes (all of one ABI) against the compiler; returns "" when every
-- check holds, else a report naming each failed check with winshm's and the
-- compiler's numbers and the declarations (Lua and C) of the first few.
local function differential(abi, nodes)
  local report = {}
  local built = build_all(nodes, report)
  local all, seen, byname = {}, {}, {}
  for _, n in ipairs(built) do G.closure(n, all, seen) end
  for _, n in ipairs(all) do byname[n.name] = n end
  local cc = C.for_abi[abi]
  local src = G.c_prelude .. G.c_types(built) .. "\n" .. G.c_asserts(shm, all) .. "\n"
  local bad, out = failed_checks(cc, src)
  if not bad then
    report[#report + 1] = ("%s did not compile the declarations:\n%s"):format(cc, out:sub(1, 3000))
  elseif #bad > 0 then
    report[#report + 1] = failure_report(bad, cc, ("%q"):format(abi), function(name)
      local n = byname[name]
      return ("-- %s in Lua:\n%s\n-- in C:\n%s"):format(name, G.lua_source(n), G.c_types({ n }))
    end)
  end
  return table.concat(report, "\n\n")
end

local function random_nodes(abi, n, prefix, nopacked)
  local next_node = G.generator(SEED + #abi, { abi = abi, prefix = prefix or "R" .. abi .. "_",
                                               nopacked = nopacked })
  local list = {}
  for i = 1, n do list[i] = next_node() end
  return list
end

describe("layouts agree with the C compiler", function()
  it("runs under Lua 5.4", function()
    assert.are.equal("Lua 5.4", _VERSION)
  end)

  for _, abi in ipairs({ "sysv", "windows", "win32", "native" }) do
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

  it("the Windows build's native ABI agrees with mingw-w64 gcc, under Wine", function()
    local exe, why = C.winexe()
    if not exe then return pending(why) end
    local ok, src, err = C.sh3(("%s wine %s tests/compiler/emit.lua %d 150 Wn < /dev/null")
      :format(C.wine_env, exe, SEED + 99))
    assert(ok and src:find("_Static_assert", 1, true), "emit.lua under Wine failed:\n" .. err:sub(1, 3000))
    src = src:gsub("\r\n", "\n")
    local bad, out = failed_checks(C.for_abi.windows, src)
    assert(bad, out)
    assert(#bad == 0, #bad > 0 and failure_report(bad, C.for_abi.windows, "native (Windows)",
      function(name)
        return "-- " .. name .. " in C:\n" .. (src:match("\n([^\n]- " .. name .. " {\n.-\n};)") or "?")
      end))
  end)

  it("refuses an explicit size that is not a multiple of the alignment, or rounds it up as the compiler does",
    function()
      local why = missing("sysv")
      if why then return pending(why) end
      -- C has no struct of size 20 and alignment 8: `union { struct {...};
      -- char _size[20]; }` is 24 bytes, and an array of them steps by 24
      local ok, odd = pcall(shm.struct, { name = "Odd", abi = "sysv", size = 20,
                                          { "d", "double" }, { "c", "char" } })
      if not ok then
        assert.matches("size", odd)
        return
      end
      local node = { kind = "struct", name = "Odd", abi = "sysv", extra = 0, size_n = 20, layout = odd,
                     fields = { { name = "d", type = "double" }, { name = "c", type = "char" } } }
      local holder = { kind = "struct", name = "Holder", abi = "sysv",
                       fields = { { name = "c", type = "char" }, { name = "a", type = node, count = 2 },
                                  { name = "t", type = "char" } } }
      G.build(shm, holder)
      local src = G.c_prelude .. G.c_types({ holder }) .. "\n" .. G.c_asserts(shm, { node, holder }) .. "\n"
      local bad, out = failed_checks("gcc", src)
      assert(bad, out)
      assert(#bad == 0, #bad > 0 and failure_report(bad, "gcc", '"sysv"', function(name)
        return name == "Odd" and "-- Odd in Lua:\n" .. G.lua_source(node) .. "\n-- in C:\n" .. G.c_types({ node })
          or "-- Holder in Lua:\n" .. G.lua_source(holder)
      end))
    end)

  it("long and wchar_t differ between the ABIs as the compilers say", function()
    local function one(abi, t)
      return shm.sizeof(shm.struct { { "x", t }, abi = abi })
    end
    assert.are.equal(8, one("sysv", "long"))
    assert.are.equal(4, one("windows", "long"))
    assert.are.equal(4, one("windows", "unsigned long"))
    assert.are.equal(4, one("sysv", "wchar_t"))
    assert.are.equal(2, one("windows", "wchar_t"))
    assert.are.equal(H.windows and 4 or 8, one(nil, "long"))
    assert.are.equal(H.windows and 2 or 4, one(nil, "wchar_t"))
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

  it("catches a wrong shm.fields size", function()
    if missing("sysv") then return pending(missing("sysv")) end
    local node = { kind = "union", name = "Probe2", abi = "sysv",
                   fields = { { name = "c", type = "char", count = 3 }, { name = "d", type = "double" } } }
    G.build(shm, node)
    local real = shm.fields
    shm.fields = function(L)
      local t = real(L)
      t[1].size = 1
      return t
    end
    local ok, report = pcall(differential, "sysv", { node })
    shm.fields = real
    assert(ok, report)
    assert.matches("Probe2 fields.size%(c%): winshm 1, gcc 3", report)
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

describe("shm.cdef agrees with the C compiler", function()
  for _, abi in ipairs({ "sysv", "windows", "win32" }) do
    it(("on the C declarations of %d random layouts, abi = %q"):format(COUNT[abi] // 2, abi), function()
      local why = missing(abi)
      if why then return pending(why) end
      -- the declarations differential() compiles (explicit offsets and sizes
      -- come from shm.struct), read back through shm.cdef
      local report = {}
      local built = build_all(random_nodes(abi, COUNT[abi] // 2, "C" .. abi .. "_", true), report)
      assert(#report == 0, table.concat(report, "\n\n"))
      local decls = G.c_types(built)
      local ok, defs = pcall(shm.cdef, decls, { abi = abi })
      assert(ok, "shm.cdef refused the declarations: " .. tostring(defs))
      local all, seen, byname = {}, {}, {}
      for _, n in ipairs(built) do G.closure(n, all, seen) end
      for _, n in ipairs(all) do
        n.layout = defs[n.name]
        assert(n.layout, "shm.cdef gave no layout for " .. n.kind .. " " .. n.name)
        byname[n.name] = n
      end
      local cc = C.for_abi[abi]
      local bad, out = failed_checks(cc, G.c_prelude .. decls .. "\n" .. G.c_asserts(shm, all) .. "\n")
      assert(bad, out)
      assert(#bad == 0, #bad > 0 and failure_report(bad, cc, ("%q"):format(abi), function(name)
        return ("-- %s to shm.cdef:\n%s"):format(name, G.c_types({ byname[name] }))
      end))
    end)
  end
end)
