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
    it("a symlink is never followed #posix", function()
      local target = os.tmpname()
      local name = H.name("symlink")
      assert.is_true(os.execute(("ln -s %s /dev/shm/%s"):format(H.quote(target), name)))
      finally(function() os.remove("/dev/shm/" .. name); os.remove(target) end)
      for _, f in ipairs({ "open", "open_existing", "get_or_create", "create" }) do
        local l, err = shm[f](name, 64)
        assert.is_nil(l, f)
        assert.is_truthy(err.kind == "OpenMapping" or err.kind == "AlreadyExists", f)
      end
      local fh = assert(io.open(target, "rb"))
      assert.equal("", fh:read("a"))   -- nothing written through the link
      fh:close()
      os.remove("/dev/shm/" .. name)
      os.remove(target)
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
  io.write(f, "=", l and "ok" or err.kind, " ")
end]])
      f:close()
      local ok, out = sh(("timeout 20 %s %s %s"):format(H.quote(H.host),
        H.quote(script), name))
      os.remove(script)
      os.remove("/dev/shm/" .. name)
      assert.is_true(ok, out)
      assert.equal("open=OpenMapping open_existing=OpenMapping " ..
                   "get_or_create=OpenMapping create=AlreadyExists ", out)
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

    it("a directory under the name is an error, not a crash #posix", function()
      local name = H.name("dir")
      assert.is_true(os.execute("mkdir /dev/shm/" .. name))
      finally(function() os.execute("rmdir /dev/shm/" .. name) end)
      for _, f in ipairs({ "open", "open_existing", "get_or_create" }) do
        local l, err = shm[f](name, 64)
        assert.is_nil(l)
        assert.equal("OpenMapping", err.kind)
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
