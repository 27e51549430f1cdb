-- Truncation: a process that may write a POSIX region can shrink it
-- (ftruncate) under everybody's mapping.  Touching a lost page raises
-- SIGBUS; winshm's handler maps zero pages over the lost part, marks the
-- link lost and lets the access complete, so the process survives and its
-- next use of the link says what happened.  SIGBUS from anywhere else
-- still gets what it got before: the program's own handler, or death.
local shm = require "winshm"
local H = require "helper"

-- Run Lua source in a host process with 'env' (VAR=value ...) before it;
-- returns ok, output, exit status (a signal as 128 + its number, or the
-- number itself, as the shell reports it).
local function run(env, src, ...)
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write(src)
  f:close()
  local args = { env, H.quote(H.host), H.quote(script) }
  for _, a in ipairs({ ... }) do args[#args + 1] = H.quote(tostring(a)) end
  local p = assert(io.popen(table.concat(args, " ") .. " 2>&1"))
  local out = p:read("a")
  local ok, _, code = p:close()
  os.remove(script)
  return ok, out, code
end

-- Under the sanitizers a SIGBUS that ends a process must end it as it
-- would without them (ASan would report it as a crash of its own).
local function nosanbus()
  local asan = os.getenv("ASAN_OPTIONS")
  return asan and ("ASAN_OPTIONS=%s"):format(H.quote(asan .. ":handle_sigbus=0")) or ""
end

local function died_of_sigbus(code)
  return code == 7 or code == 135
end

-- The part each looping script shares: a region of 8192 bytes, a view of
-- its first and last word, a truncation to 0 bytes by another process
-- 0.3 s from now, and loop(f), which calls f until it raises (at most
-- 30 s) and prints "raised: <error>".
local SETUP = [[
local shm = require "winshm"
local clock = require("system").monotime
local name = ...
local L = shm.struct { { "head", "uint32_t" }, { "tail", "uint32_t", offset = 8188 } }
local link = assert(shm.create(name, L))
local v, w = link:get(), link:get_mut()
w.head, w.tail = 2, 2
os.execute(("(sleep 0.3; truncate -s 0 /dev/shm/%s) &"):format(name))
local function loop(f)
  local deadline, n = clock() + 30, 0
  local ok, err = pcall(function()
    while clock() < deadline do f(n); n = n + 1 end
  end)
  io.write(ok and "never raised" or ("raised: " .. tostring(err)), "\n")
end
local function after()
  local ok, err = pcall(link.read_bytes, link, 0, 4)
  io.write("after: ", ok and "read" or err, "\n")
  link:close()
  io.write("survived\n")
end
]]

local function truncated(out, name)
  return out:find("region '" .. name .. "' was truncated by another process", 1, true)
end

describe("a region truncated by another process #posix", function()
  it("leaves a reader of bytes alive, told on its next read", function()
    local name = H.name("trread")
    local ok, out = run("", SETUP .. [[
      loop(function() assert(#link:read_bytes(4096, 4096) == 4096) end)
      after()
    ]], name)
    assert.is_true(ok, out)
    assert.matches("raised: [^\n]*region '" .. name .. "' was truncated by another process\n",
      out)
    assert.matches("after: [^\n]*truncated by another process\nsurvived\n$", out)
    assert.is_false(H.shm_exists(name))   -- closed as ever: the name went
  end, { "posix" })

  it("leaves a writer of bytes alive, and reports the lost write", function()
    local name = H.name("trwrite")
    local ok, out = run("", SETUP .. [[
      loop(function(n) link:write_bytes(8000, ("<I4"):pack(n)) end)
      after()
    ]], name)
    assert.is_true(ok, out)
    assert.matches("raised: [^\n]*write lost: region '" .. name
      .. "' was truncated by another process\n", out)
    assert.truthy(truncated(out, name), out)
    assert.matches("survived\n$", out)
    assert.is_false(H.shm_exists(name))
  end, { "posix" })

  it("leaves readers and writers of views alive, each told at once", function()
    for _, case in ipairs({
      { "loop(function() assert(v.tail == 2) end)", "" },
      { "loop(function(n) w.tail = n & 0xffff end)", "write lost: " },
      { "loop(function() assert(type(shm.read(v)) == 'table') end)", "" },
      { "loop(function(n) shm.write(w, { tail = n & 0xffff }) end)", "write lost: " },
      { "loop(function() assert(shm.read_consistent(v, { seq = 'head' })) end)", "" },
      { "loop(function(n) shm.write_consistent(w, { check = 'head' }, { tail = n & 0xffff }) end)",
        "write lost: " },
      { "local r = shm.reader(L, 'tail') loop(function() assert(r(v) == 2) end)", "" },
      { "loop(function() assert(shm.atomic_load(v, 'tail') == 2) end)", "" },
      { "loop(function(n) shm.atomic_store(w, 'tail', n & 0xffff) end)", "write lost: " },
      { "loop(function() assert(#shm._snapshot(v) == 8192) end)", "" },
    }) do
      local name = H.name("trview")
      local ok, out = run("", SETUP .. case[1] .. "\nafter()\n", name)
      assert.is_true(ok, out)
      assert.matches("raised: [^\n]*" .. case[2]:gsub("%p", "%%%0") .. "region '" .. name
        .. "' was truncated by another process\n", out)
      assert.matches("after: [^\n]*region '" .. name
        .. "' was truncated by another process\nsurvived\n$", out)
      assert.is_false(H.shm_exists(name))
    end
  end, { "posix" })

  it("is found among many regions, and the others go on", function()
    local name = H.name("trmany")
    local ok, out = run("", [[
      local shm = require "winshm"
      local name = ...
      local links = {}
      for i = 1, 150 do
        links[i] = assert(shm.create(name .. "_" .. i, 8192))
        links[i]:write_bytes(4096, "live")
      end
      io.open("/dev/shm/" .. name .. "_100", "w"):close()   -- to 0 bytes
      local okr, err = pcall(links[100].read_bytes, links[100], 4096, 4)
      io.write(tostring(okr), " ", tostring(err), "\n")
      for i, l in ipairs(links) do
        if i ~= 100 then assert(l:read_bytes(4096, 4) == "live", i) end
        l:close()
      end
      io.write("survived\n")
    ]], name)
    assert.is_true(ok, out)
    assert.equal("false region '" .. name .. "_100' was truncated by another process\n"
      .. "survived\n", out)
  end, { "posix" })

  it("leaves the users of a mutex and an event alive, told on each use", function()
    local name = H.name("trsync")
    local ok, out = run("", [[
      local shm = require "winshm"
      local name = ...
      local m, ev = assert(shm.mutex(name)), assert(shm.event(name))
      assert(m:lock())
      os.execute(("truncate -s 0 /dev/shm/winshm.mutex/%s /dev/shm/winshm.event/%s")
        :format(name, name))
      for _, r in ipairs({ { m:lock(100) }, { m:trylock() }, { ev:set() }, { ev:wait(10) } }) do
        io.write(tostring(r[1]), " ", tostring(r[2]), "\n")
      end
      m:close(); ev:close()
      local again = assert(shm.mutex(name))   -- a fresh one: the lost one went
      io.write(tostring(again:trylock()), "\n")
      again:close()
    ]], name)
    assert.is_true(ok, out)
    local m = "Mutex: cannot lock '" .. name .. "': its object was truncated by another process (EIO)"
    local s = "Event: cannot set '" .. name .. "': its object was truncated by another process (EIO)"
    local w = "Event: cannot wait for '" .. name
      .. "': its object was truncated by another process (EIO)"
    assert.equal(("nil %s\nnil %s\nnil %s\nnil %s\ntrue\n"):format(m, m, s, w), out)
  end, { "posix" })

  it("leaves a SIGBUS sent to the process its default action", function()
    local name = H.name("trkill")
    local ok, out, code = run(nosanbus(), [[
      local shm = require "winshm"
      local l = assert(shm.create(..., 64))   -- winshm's handler is in place
      local pid = io.open("/proc/self/stat"):read("a"):match("^%d+")
      io.write("sending\n"); io.stdout:flush()
      os.execute("kill -BUS " .. pid)
      io.write("survived\n")
      l:close()
    ]], name)
    assert.is_falsy(ok)
    assert.matches("sending", out)
    assert.is_falsy(out:find("survived", 1, true))
    assert.is_true(died_of_sigbus(code), "exit " .. tostring(code))
  end, { "posix" })

  describe("and SIGBUS outside winshm's mappings", function()
    local dir
    -- The probe module (tests/sigbus/probe.c), compiled; nil and why not.
    local function probe()
      if dir then return dir end
      local okc = H.sh("command -v cc && pkg-config --exists lua5.4")
      if not okc then return nil, "needs a C compiler and Lua's headers (pkg-config lua5.4)" end
      local d = os.tmpname()
      os.remove(d)
      local ok, out = H.sh(("mkdir %s && cc -shared -fPIC -O1 $(pkg-config --cflags lua5.4)"
        .. " -o %s/sigbus_probe.so tests/sigbus/probe.c"):format(d, d))
      assert(ok, out)
      dir = d
      return dir
    end
    teardown(function() if dir then os.execute("rm -rf " .. H.quote(dir)) end end)

    local USE = [[
      package.cpath = arg[1] .. "/?.so;" .. package.cpath
      local probe = require "sigbus_probe"
      local shm = require "winshm"
      local name = arg[2]
    ]]
    -- with a region open (winshm's handler in place), a fault elsewhere
    local FAULT = [[
      local l = assert(shm.create(name, 64))
      io.write("faulting\n"); io.stdout:flush()
      probe.fault()
      io.write("returned\n")
      l:close()
    ]]

    it("reaches the program's own handler, installed before winshm's", function()
      local d, why = probe()
      if not d then pending(why) return end
      local ok, out, code = run(nosanbus(), USE .. "assert(probe.install())\n" .. FAULT,
        d, H.name("trown"))
      assert.is_falsy(ok)
      assert.equal(42, code, out)
      assert.equal("faulting\nown handler\n", out)
    end, { "posix" })

    it("ends the process as SIGBUS does when the program has no handler", function()
      local d, why = probe()
      if not d then pending(why) return end
      local ok, out, code = run(nosanbus(), USE .. FAULT, d, H.name("trdfl"))
      assert.is_falsy(ok)
      assert.matches("^faulting\n", out)   -- then perhaps the shell's "Bus error"
      assert.is_falsy(out:find("returned", 1, true))
      assert.is_true(died_of_sigbus(code), "exit " .. tostring(code))
    end, { "posix" })

    it("while faults inside winshm's mappings never reach that handler", function()
      local d, why = probe()
      if not d then pending(why) return end
      local name = H.name("trin")
      local ok, out = run(nosanbus(), USE .. [[
        assert(probe.install())
        local l = assert(shm.create(name, 8192))
        io.open("/dev/shm/" .. name, "w"):close()
        local okr, err = pcall(l.read_bytes, l, 4096, 1)
        io.write(tostring(okr), " ", tostring(err), "\n")
        l:close()
      ]], d, name)
      assert.is_true(ok, out)
      assert.equal("false region '" .. name .. "' was truncated by another process\n", out)
    end, { "posix" })
  end)
end)
