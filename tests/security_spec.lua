-- Security: who may open what winshm creates, names that cannot leave
-- the shm namespace, objects planted under a name by someone else, and
-- error messages that carry no memory contents.
local shm = require "winshm"
local H = require "helper"

local sh = H.sh

local function mode_of(path)
  local _, out = sh("stat -c %a " .. H.quote(path))
  return out:match("%d+")
end

-- Can this run switch to another user?  (root with setpriv, as in CI)
local function can_switch()
  if H.windows then return false end
  local ok, out = sh("id -u")
  return ok and out:match("^0") and sh("command -v setpriv") and
         sh("id nobody") and true or false
end

-- Run Lua source in a host process as user nobody; returns ok, output.
local function as_nobody(src, ...)
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write(src)
  f:close()
  os.execute("chmod 644 " .. H.quote(script))
  local args = { "setpriv --reuid=nobody --regid=nogroup --clear-groups",
                 H.quote(H.host), H.quote(script) }
  for _, a in ipairs({ ... }) do args[#args + 1] = H.quote(tostring(a)) end
  local ok, out = sh(table.concat(args, " "))
  os.remove(script)
  return ok, out
end

-- Can this run give a script a /dev/shm of its own (a mount namespace
-- with a fresh tmpfs) and a second user?  Planted objects go there, never
-- into the /dev/shm other runs share.
local function can_isolate()
  return can_switch() and sh("unshare -m true") and true or false
end

-- What a script in isolation() has: HOST, nobody(src, ...) -> output
-- (Lua source run as user nobody, shm required), and
-- nobody_holding(src) -> stop (the same in the background until stop(),
-- after src has called ready()).
local PRELUDE = [==[
local shm = require "winshm"
local HOST = ...
local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
local function script(src)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write('local shm = require "winshm"\n', src)
  f:close()
  assert(os.execute("chmod 644 " .. q(path)))
  return path
end
local AS_NOBODY = "setpriv --reuid=nobody --regid=nogroup --clear-groups "
local function nobody(src, ...)
  local path = script(src)
  local args = { AS_NOBODY .. q(HOST), q(path) }
  for _, a in ipairs({ ... }) do args[#args + 1] = q(a) end
  local p = assert(io.popen(table.concat(args, " ") .. " 2>&1"))
  local out = p:read("a")
  p:close()
  os.remove(path)
  return out
end
local function nobody_holding(src)
  local flag = os.tmpname()
  os.remove(flag)
  local path = script('local function ready() io.open(arg[1], "w"):close() end\n'
                      .. src .. '\nio.read("a")\n')
  local p = assert(io.popen(AS_NOBODY .. q(HOST) .. " " .. q(path) .. " " .. q(flag), "w"))
  for _ = 1, 400 do
    local f = io.open(flag)
    if f then f:close() break end
    os.execute("sleep 0.05")
  end
  return function() p:close(); os.remove(path); os.remove(flag) end
end
]==]

-- Run Lua source (after PRELUDE) as root with a /dev/shm of its own;
-- returns ok, output.
local function isolated(src)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(PRELUDE, src)
  f:close()
  local ok, out = sh(("unshare -m sh -c 'mount -t tmpfs -o mode=1777 wshm /dev/shm"
    .. " && exec \"$0\" \"$@\"' %s %s %s"):format(H.quote(H.host), H.quote(path),
    H.quote(H.host)))
  os.remove(path)
  return ok, out
end

-- What a second user gets trying each way in: "ok" or the error code.
local PROBE = [[
local shm = require "winshm"
local name = ...
local out = {}
for _, f in ipairs({ "open", "open_existing", "get_or_create" }) do
  local l, err = shm[f](name, 16)
  if l then
    out[#out + 1] = f .. "=ok"
    if l:access() == "ReadWrite" then l:write_bytes(0, "other") end
    l:close()
  else
    out[#out + 1] = f .. "=" .. err.code
  end
end
io.write(table.concat(out, " "))
]]

describe("security", function()
  describe("permissions", function()
    it("a region is created 0600 and another user cannot open it #posix", function()
      if not can_switch() then pending("needs root and setpriv") return end
      local name = H.name("perm")
      local l = assert(shm.create(name, 64))
      l:write_bytes(0, "secret")
      assert.equal("1600", mode_of("/dev/shm/" .. name))
      local ok, out = as_nobody(PROBE, name)
      assert.is_true(ok, out)
      assert.equal("open=EACCES open_existing=EACCES get_or_create=EACCES", out)
      assert.equal("secret", l:read_bytes(0, 6))
      l:close()
    end, { "posix" })

    it("mode 0644 lets another user read but not write #posix", function()
      if not can_switch() then pending("needs root and setpriv") return end
      local name = H.name("perm644")
      local l = assert(shm.create(name, 64, { mode = 0x1a4 }))
      l:write_bytes(0, "public")
      local ok, out = as_nobody(PROBE, name)
      assert.is_true(ok, out)
      assert.equal("open=ok open_existing=EACCES get_or_create=EACCES", out)
      assert.equal("public", l:read_bytes(0, 6))
      l:close()
    end, { "posix" })

    it("mode 0666 lets another user write #posix", function()
      if not can_switch() then pending("needs root and setpriv") return end
      local name = H.name("perm666")
      local l = assert(shm.create(name, 64, { mode = 0x1b6 }))
      local ok, out = as_nobody(PROBE, name)
      assert.is_true(ok, out)
      assert.equal("open=ok open_existing=ok get_or_create=ok", out)
      assert.equal("other", l:read_bytes(0, 5))
      l:close()
      assert.is_false(H.shm_exists(name))
    end, { "posix" })

    it("another user cannot remove a region it cannot write #posix", function()
      if not can_switch() then pending("needs root and setpriv") return end
      local name = H.name("permrm")
      local l = assert(shm.create(name, 64, { mode = 0x1a4 }))
      local ok, out = as_nobody([[
        local shm = require "winshm"
        local ok, err = shm.remove(...)
        io.write(tostring(ok), " ", err and err.code or "")
      ]], name)
      assert.is_true(ok, out)
      assert.equal("nil EPERM", out)   -- /dev/shm is a sticky directory
      assert.is_true(H.shm_exists(name))
      l:close()
    end, { "posix" })

    it("a mutex is created 0600 and another user cannot open it #posix", function()
      if not can_switch() then pending("needs root and setpriv") return end
      local name = H.name("permmx")
      local m = assert(shm.mutex(name))
      local _, ls = sh("ls -l /dev/shm/winshm.mutex/")
      assert.matches("-rw-------T? [^\n]* " .. name:gsub("%p", "%%%0"), ls)
      local ok, out = as_nobody([[
        local shm = require "winshm"
        local m, err = shm.mutex(...)
        io.write(m and "opened" or err.code)
      ]], name)
      assert.is_true(ok, out)
      assert.equal("EACCES", out)
      m:close()
    end, { "posix" })

    it("an event is created 0600 and another user cannot open it #posix", function()
      if not can_switch() then pending("needs root and setpriv") return end
      local name = H.name("permev")
      local ev = assert(shm.event(name))
      local ok, out = as_nobody([[
        local shm = require "winshm"
        local ev, err = shm.event(...)
        io.write(ev and "opened" or err.code)
      ]], name)
      assert.is_true(ok, out)
      assert.equal("EACCES", out)
      ev:close()
    end, { "posix" })
  end)

  -- The lock state of a mutex or event lives in its shm object: whoever
  -- may write that can take the lock, or (through the robust list's
  -- pointers) make the holder write where they choose.
  describe("another user's mutexes and events #posix", function()
    it("an object another user made first is refused, unless shared = true", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        for _, kind in ipairs({ "mutex", "event" }) do
          assert(shm[kind]("first")):close()   -- the directory is root's
          local stop = nobody_holding(([=[
            local ok, o = pcall(shm.%s, "victim", { mode = 0x1b6, shared = true })
            if not ok then o = assert(shm.%s("victim", { mode = 0x1b6 })) end
            assert(o)
            ready()
          ]=]):format(kind, kind))
          local o, err = shm[kind]("victim")
          io.write(o and "opened" or (err.code .. " " .. err.message), "\n")
          local ok, s = pcall(shm[kind], "victim", { shared = true })
          io.write(ok and s and "shared: opened" or tostring(s), "\n")
          stop()
        end
      ]])
      assert.is_true(ok, out)
      assert.equal("EACCES Mutex: cannot use 'victim': it belongs to user 65534, not to"
        .. " this one (shared = true trusts it) (EACCES)\nshared: opened\n"
        .. "EACCES Event: cannot use 'victim': it belongs to user 65534, not to"
        .. " this one (shared = true trusts it) (EACCES)\nshared: opened\n", out)
    end)

    it("a directory of theirs another user made first is refused", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        io.write(nobody([=[
          assert(os.execute("mkdir -m 1777 /dev/shm/winshm.mutex /dev/shm/winshm.event"))
        ]=]))
        for _, kind in ipairs({ "mutex", "event" }) do
          local o, err = shm[kind]("x")
          io.write(o and "opened" or (err.code .. " " .. err.message), "\n")
        end
      ]])
      assert.is_true(ok, out)
      assert.equal("EACCES Mutex: cannot use 'x': the directory /dev/shm/winshm.mutex"
        .. " belongs to user 65534, neither this one nor root (EACCES)\n"
        .. "EACCES Event: cannot use 'x': the directory /dev/shm/winshm.event"
        .. " belongs to user 65534, neither this one nor root (EACCES)\n", out)
    end)

    it("a symlink in place of the directory is refused, also with shared = true", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        local dir = os.tmpname()
        os.remove(dir)
        io.write(nobody(([=[
          assert(os.execute("mkdir -m 1777 %s && ln -s %s /dev/shm/winshm.event"))
        ]=]):format(dir, dir)))
        for _, opts in ipairs({ {}, { shared = true } }) do
          local ok, o, err = pcall(shm.event, "x", opts)
          io.write(ok and (o and "opened" or err.code .. " " .. err.message) or o, "\n")
        end
        os.execute("rm -rf " .. dir)
      ]])
      assert.is_true(ok, out)
      assert.equal(("EACCES Event: cannot use 'x': /dev/shm/winshm.event is not a"
        .. " directory (EACCES)\n"):rep(2), out)
    end)

    it("a directory others may write, with no sticky bit, is refused", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        assert(os.execute("mkdir -m 0777 /dev/shm/winshm.mutex"))
        io.write(nobody([=[
          local m, err = shm.mutex("x")
          io.write(m and "opened" or (err.code .. " " .. err.message), "\n")
        ]=]))
      ]])
      assert.is_true(ok, out)
      assert.equal("EACCES Mutex: cannot use 'x': other users may write the directory"
        .. " /dev/shm/winshm.mutex, which has no sticky bit (EACCES)\n", out)
    end)

    it("one's own object that others may write needs shared = true", function()
      local name = H.name("wide")
      local ok, err = pcall(shm.mutex, name, { mode = 0x1b6 })
      assert.is_false(ok)
      assert.matches("opts.mode 0666 lets other users write the object: add shared = true",
        err, 1, true)
      assert.has_error(function() shm.event(name, { mode = 0x1b0 }) end)
      ok, err = pcall(shm.event, name, { shared = "yes" })
      assert.is_false(ok)
      assert.matches("opts.shared must be a boolean", err, 1, true)
      local m = assert(shm.mutex(name, { mode = 0x1b6, shared = true }))
      local _, ls = sh("stat -c %a /dev/shm/winshm.mutex/" .. name)
      assert.equal("1666\n", ls)
      local again, e2 = shm.mutex(name)   -- the same process, without shared
      assert.is_nil(again)
      assert.equal("EACCES", e2.code)
      assert.equal("Mutex: cannot use '" .. name .. "': other users may write it"
        .. " (mode 0666; shared = true trusts it) (EACCES)", e2.message)
      local run_ok, out = H.run([[
        local shm = require "winshm"
        local m, err = shm.mutex(...)
        io.write(m and "opened" or err.code, " ")
        m = assert(shm.mutex(..., { shared = true }))
        io.write(tostring(m:trylock()))
        m:close()
      ]], name)
      assert.is_true(run_ok, out)
      assert.equal("EACCES true", out)
      local shared = assert(shm.mutex(name, { shared = true }))
      shared:close(); m:close()
    end)

    it("a planted object that stays 'being initialised' fails at once", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local clock = require("system").monotime
      local t0 = clock()
      local ok, out = isolated([[
        assert(shm.mutex("first")):close()
        local f = assert(io.open("/dev/shm/winshm.mutex/stuck", "wb"))
        f:write(string.pack("<I4I4", 1, 0x77736d31), ("\0"):rep(120))
        f:close()
        local m, err = shm.mutex("stuck")
        io.write(m and "opened" or (err.kind .. " " .. err.code))
      ]])
      local took = clock() - t0
      assert.is_true(ok, out)
      assert.equal("Mutex EINVAL", out)
      assert.is_true(took < 3, ("took %.1f s"):format(took))
    end)

    it("opening many mutexes stays linear in a directory a peer filled", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        assert(shm.mutex("first")):close()
        for i = 1, 4000 do   -- a peer's planted entries
          assert(io.open("/dev/shm/winshm.mutex/planted" .. i, "w")):close()
        end
        local held, t0 = {}, os.clock()
        for i = 1, 900 do held[i] = assert(shm.mutex("m" .. i)) end
        io.write(("%.3f"):format(os.clock() - t0))
        for _, m in ipairs(held) do m:close() end
      ]])
      assert.is_true(ok, out)
      -- one sweep per as many opens as it saw entries: a few ms; a sweep at
      -- every open (quadratic) takes seconds here
      assert.is_true(tonumber(out) < 2, out .. " s of CPU time for 900 opens")
    end)
  end)

  -- opts.sddl is text the system reads while it makes the mapping: it
  -- must stay alive until then, wherever it came from.  The collector runs
  -- at every allocation meanwhile, so a string left unanchored is gone.
  describe("opts.sddl #windows", function()
    local function eager(f)
      collectgarbage("incremental", 0, 1000, 0)
      local ok, err = pcall(f)
      collectgarbage("incremental", 200, 100, 13)
      assert(ok, err)
    end

    it("from an __index metamethod is the descriptor the mapping gets", function()
      local names, links = {}, {}
      eager(function()
        for i = 1, 20 do
          -- everyone may map it for reading (FILE_MAP_READ = 4), nothing more
          local opts = setmetatable({}, { __index = function(_, k)
            if k == "sddl" then return "D:P" .. ("(A;;0x0004;;;WD)"):rep(i) end
          end })
          names[i] = H.name("sddlidx")
          links[i] = assert(shm.create(names[i], 64, opts))
        end
      end)
      local ok, out = H.run([[
        local shm = require "winshm"
        local out = {}
        for i = 1, select("#", ...) do
          local n = select(i, ...)
          local r = shm.open(n, 64)
          local w, err = shm.open_existing(n, 64)
          out[#out + 1] = (r and "r" or "-") .. (w and "w" or err.code)
          if r then r:close() end
          if w then w:close() end
        end
        io.write(table.concat(out, " "))
      ]], table.unpack(names))
      for _, l in ipairs(links) do l:close() end
      assert.is_true(ok, out)
      assert.equal(("rEACCES "):rep(20):sub(1, -2), out)
    end)

    it("given as a number is refused: a descriptor is text", function()
      eager(function()
        for i = 1, 20 do
          local ok, err = pcall(shm.create, H.name("sddlnum"), 64, { sddl = 1000 + i })
          assert.is_false(ok)
          assert.matches("opts.sddl must be a string", err, 1, true)
        end
      end)
    end)
  end)

  describe("regions of this user that another may read #posix", function()
    -- Their lifetime lock is a flock, which a reader may take too: holding
    -- it exclusively makes every open wait, at most 4 s, then EAGAIN.
    it("cost an open at most 4 s when a reader holds the lock", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        local clock = require("system").monotime
        local dir = os.tmpname()
        os.remove(dir)
        assert(os.execute("mkdir -m 777 " .. dir))
        local function await(f)
          for _ = 1, 400 do
            local fh = io.open(dir .. "/" .. f)
            if fh then fh:close() return end
            os.execute("sleep 0.05")
          end
          error("no " .. f)
        end
        local function wait_for(f)   -- the same in the shell, 30 s at most
          return ("n=0; while [ ! -e %s/%s ] && [ $n -lt 600 ]; do sleep 0.05;"
            .. " n=$((n+1)); done"):format(dir, f)
        end
        local l = assert(shm.create("pinned", 64, { mode = 0x1a4 }))
        local script = table.concat({
          "exec 9</dev/shm/pinned", "flock -s 9", "touch " .. dir .. "/held",
          wait_for("go"), "flock -x 9", "touch " .. dir .. "/pinned", wait_for("stop")
        }, " && ")
        assert(os.execute(AS_NOBODY .. "sh -c " .. q(script) .. " &"))
        await("held")
        l:close()   -- not the last holder: the name stays
        io.open(dir .. "/go", "w"):close()
        await("pinned")
        local t0 = clock()
        local o, err = shm.open("pinned", 0)
        io.write(o and "opened" or err.code, (" %.1f"):format(clock() - t0))
        io.open(dir .. "/stop", "w"):close()
        os.execute("sleep 0.2; rm -rf " .. dir)
      ]])
      assert.is_true(ok, out)
      local code, took = out:match("^(%u+) ([%d.]+)$")
      assert.equal("EAGAIN", code, out)
      assert.is_true(tonumber(took) >= 3.9 and tonumber(took) < 8, out)
    end)
  end)

  describe("names", function()
    it("cannot leave the shm namespace #posix", function()
      local outside = os.tmpname()
      local base = outside:match("[^/]+$")
      local bad = { "..", ".", "../" .. base, "a/../../" .. base, "/" .. base,
                    "Local\\..", "Global\\../" .. base, "Local\\/x",
                    "..\\x/..", "x/", "\0/etc" }
      for _, n in ipairs(bad) do
        for _, f in ipairs({ "create", "get_or_create", "open", "open_existing", "remove" }) do
          local l, err = shm[f](n, 16)
          assert.is_nil(l, f .. " " .. n)
          assert.equal("InvalidName", err.kind, f .. " " .. n)
        end
      end
      local fh = assert(io.open(outside, "rb"))
      assert.equal("", fh:read("a"))   -- untouched
      fh:close()
      os.remove(outside)
    end, { "posix" })

    it("a backslash or dots inside a name stay inside /dev/shm #posix", function()
      for _, n in ipairs({ H.name("a\\b"), H.name("..x"), H.name("x..") }) do
        local l = assert(shm.create(n, 16))
        assert.is_true(H.shm_exists(n))
        l:close()
      end
    end, { "posix" })
  end)

  describe("objects planted under a name", function()
    it("a symlink is never followed, and says ELOOP #posix", function()
      local target = os.tmpname()
      local name = H.name("symlink")
      assert.is_true(os.execute(("ln -s %s /dev/shm/%s"):format(H.quote(target), name)))
      finally(function() os.remove("/dev/shm/" .. name); os.remove(target) end)
      local want = { open = "OpenMapping ELOOP", open_existing = "OpenMapping ELOOP",
                     get_or_create = "OpenMapping ELOOP", create = "AlreadyExists EEXIST" }
      for f, w in pairs(want) do
        local l, err = shm[f](name, 64)
        assert.is_nil(l, f)
        assert.equal(w, err.kind .. " " .. err.code, f)
      end
      local _, err = shm.open(name, 64)
      assert.equal("OpenMapping: cannot open '" .. name .. "': a symbolic link is"
        .. " under the name (ELOOP)", err.message)
      local fh = assert(io.open(target, "rb"))
      assert.equal("", fh:read("a"))   -- nothing written through the link
      fh:close()
    end, { "posix" })

    it("a socket under the name says ENXIO #posix", function()
      local name = H.name("sock")
      assert.is_true(os.execute(("perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new("
        .. "Type => SOCK_STREAM(), Local => $ARGV[0], Listen => 1) or die $!' /dev/shm/%s")
        :format(name)))
      finally(function() os.remove("/dev/shm/" .. name) end)
      for _, f in ipairs({ "open", "open_existing", "get_or_create" }) do
        local l, err = shm[f](name, 64)
        assert.is_nil(l, f)
        assert.equal("OpenMapping ENXIO", err.kind .. " " .. err.code, f)
      end
    end, { "posix" })

    it("a FIFO under the name fails at once instead of hanging #posix", function()
      local name = H.name("fifo")
      assert.is_true(os.execute("mkfifo /dev/shm/" .. name))
      finally(function() os.remove("/dev/shm/" .. name) end)
      local script = os.tmpname()
      local f = assert(io.open(script, "w"))
      f:write([[
local shm = require "winshm"
for _, f in ipairs({ "open", "open_existing", "get_or_create", "create" }) do
  local l, err = shm[f](..., 64)
  io.write(f, "=", l and "ok" or err.kind .. "/" .. err.code, " ")
end]])
      f:close()
      local ok, out = sh(("timeout 20 %s %s %s"):format(H.quote(H.host),
        H.quote(script), name))
      os.remove(script)
      os.remove("/dev/shm/" .. name)
      assert.is_true(ok, out)
      assert.equal("open=OpenMapping/ENXIO open_existing=OpenMapping/ENXIO " ..
                   "get_or_create=OpenMapping/ENXIO create=AlreadyExists/EEXIST ", out)
    end, { "posix" })

    it("regions cannot take or remove the directories of mutexes and events #posix", function()
      local m = assert(shm.mutex(H.name("dirs")))   -- the directories exist now
      local ev = assert(shm.event(H.name("dirs")))
      for _, n in ipairs({ "winshm.mutex", "winshm.event", "Local\\winshm.mutex" }) do
        for _, f in ipairs({ "create", "get_or_create", "open", "open_existing", "remove" }) do
          local l, err = shm[f](n, 64)
          assert.is_nil(l, f .. " " .. n)
          assert.is_table(err, f .. " " .. n)
        end
      end
      local _, out = sh("stat -c %F /dev/shm/winshm.mutex /dev/shm/winshm.event")
      assert.equal("directory\ndirectory\n", out)
      m:close(); ev:close()
    end, { "posix" })

    it("a directory under the name is an error, EISDIR, not a crash #posix", function()
      local name = H.name("dir")
      assert.is_true(os.execute("mkdir /dev/shm/" .. name))
      finally(function() os.execute("rmdir /dev/shm/" .. name) end)
      for _, f in ipairs({ "open", "open_existing", "get_or_create" }) do
        local l, err = shm[f](name, 64)
        assert.is_nil(l)
        assert.equal("OpenMapping EISDIR", err.kind .. " " .. err.code, f)
        assert.equal("OpenMapping: cannot open '" .. name .. "': a directory is"
          .. " under the name (EISDIR)", err.message)
      end
    end, { "posix" })

    it("an empty file under the name is RegionTooSmall #posix", function()
      local name = H.name("empty")
      io.open("/dev/shm/" .. name, "w"):close()
      finally(function() os.remove("/dev/shm/" .. name) end)
      local l, err = shm.open(name, 0)
      assert.is_nil(l)
      assert.equal("RegionTooSmall", err.kind)
      os.remove("/dev/shm/" .. name)
    end, { "posix" })
  end)

  describe("errors", function()
    it("of mutexes and events name the object as the caller did, and its kind #posix", function()
      if not can_isolate() then pending("needs root, setpriv and unshare") return end
      local ok, out = isolated([[
        local held = {}
        for _, kind in ipairs({ "mutex", "event" }) do
          held[kind] = assert(shm[kind]("held"))
          local f = assert(io.open("/dev/shm/winshm." .. kind .. "/tiny", "wb"))
          f:write("tiny")
          f:close()
          local o, err = shm[kind]("Local\\tiny")
          io.write(o and "opened" or (err.name .. " | " .. err.message), "\n")
        end
        io.write(nobody([=[
          for _, kind in ipairs({ "mutex", "event" }) do
            local o, err = shm[kind]("held")
            io.write(o and "opened" or (err.name .. " | " .. err.message), "\n")
          end
        ]=]))
      ]])
      assert.is_true(ok, out)
      local lines = {}
      for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
      assert.equal(4, #lines, out)
      assert.matches("^Local\\tiny | Mutex: cannot use 'tiny': it has 4 bytes, %d+ needed:"
        .. " not winshm's %(EINVAL%)$", lines[1])
      assert.matches("^Local\\tiny | Event: cannot use 'tiny': it has 4 bytes, %d+ needed:"
        .. " not winshm's %(EINVAL%)$", lines[2])
      assert.equal("held | Mutex: cannot open 'held': Permission denied (EACCES)", lines[3])
      assert.equal("held | Event: cannot open 'held': Permission denied (EACCES)", lines[4])
    end)


    it("carry the name and the system's text, never memory contents", function()
      local name = H.name("leak")
      local l = assert(shm.create(name, 4096))
      l:write_bytes(0, ("SECRET"):rep(600))
      local errs = {}
      errs[#errs + 1] = select(2, shm.create(name, 64))
      errs[#errs + 1] = select(2, shm.open(name, 1 << 30))
      errs[#errs + 1] = select(2, shm.open(H.name("none"), 8))
      errs[#errs + 1] = select(2, shm.create("a\0b", 8))
      errs[#errs + 1] = select(2, shm.create(("x"):rep(300), 8))
      for _, e in ipairs(errs) do
        local s = tostring(e)
        assert.is_falsy(s:find("SECRET", 1, true), s)
        assert.is_true(#s < 600, s)
        for k, v in pairs(e) do
          if type(v) == "string" then assert.is_falsy(v:find("SECRET", 1, true), k) end
        end
      end
      local ok, msg = pcall(l.read_bytes, l, 4000, 200)
      assert.is_false(ok)
      assert.is_falsy(msg:find("SECRET", 1, true))
      l:close()
    end)
  end)
end)
