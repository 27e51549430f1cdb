-- deb.lua: the Debian package as a user gets it.  Run by `make test-deb`
-- (not part of the busted suites: its name has no _spec) with WINSHM_DEB,
-- the .deb, and WINSHM_VERSION, the number in VERSION.  Installing it
-- needs root; tests/install/dpkg.sh does it in a private mount namespace,
-- so no other process on the machine ever sees the installed copy.
local H = require "helper"

local DEB = assert(os.getenv("WINSHM_DEB"), "WINSHM_DEB: the .deb to test")
local VERSION = assert(os.getenv("WINSHM_VERSION"), "WINSHM_VERSION: the number in VERSION")

local U = require "install.util"
local has, lines = U.has, U.lines

describe("the Debian package #posix", function()
  it("is named and versioned from VERSION, for this architecture", function()
    local arch = lines("dpkg --print-architecture")[1]
    assert.equal(("winshm_%s_%s.deb"):format(VERSION, arch), DEB:match("[^/]+$"))
    assert.equal(VERSION, lines("dpkg-deb -f " .. H.quote(DEB) .. " Version")[1])
    assert.equal(arch, lines("dpkg-deb -f " .. H.quote(DEB) .. " Architecture")[1])
    local depends = lines("dpkg-deb -f " .. H.quote(DEB) .. " Depends")[1]
    assert.matches("libc6 %(>= [%d.]+%)", depends)
    assert.matches("lua%-lpeg", depends)
  end)

  it("holds the host, the module on lua5.4's cpath, the Lua parts, the man page and the docs", function()
    local files = {}
    for _, l in ipairs(lines("dpkg-deb -c " .. H.quote(DEB))) do
      local mode, path = l:match("^(%S+)%s.-%s%./(%S*)$")
      if mode and path ~= "" then files["/" .. path:gsub("/$", "")] = mode end
    end
    local multiarch = lines("dpkg-architecture -qDEB_HOST_MULTIARCH")[1]
    local module = ("/usr/lib/%s/lua/5.4/winshm.so"):format(multiarch)
    assert.equal("-rwxr-xr-x", files["/usr/bin/winshm"])
    assert.equal("-rw-r--r--", files[module])
    -- lua5.4 looks there with no LUA_CPATH
    local _, cpath = lines("env -i lua5.4 -e 'io.write(package.cpath)'")
    assert.truthy(cpath:find(("/usr/lib/%s/lua/5.4/?.so"):format(multiarch), 1, true), cpath)
    for _, f in ipairs(lines("cd lua && find winshm -name '*.lua'")) do
      assert.equal("-rw-r--r--", files["/usr/share/lua/5.4/" .. f], f)
    end
    assert.truthy(files["/usr/share/man/man1/winshm.1.gz"])
    for _, f in ipairs({ "copyright", "changelog.gz", "README.md.gz", "reference.md.gz",
                         "examples/reader.lua", "examples/telemetry/producer.lua" }) do
      assert.truthy(files["/usr/share/doc/winshm/" .. f], f)
    end
    for path in pairs(files) do
      assert.truthy(path == "/usr" or path:match("^/usr/"), path .. " is outside /usr")
    end
  end)

  it("has the man page of this version and the license of the project", function()
    local _, man = lines("dpkg-deb --fsys-tarfile " .. H.quote(DEB)
      .. " | tar -xOf - ./usr/share/man/man1/winshm.1.gz | zcat")
    assert.equal(('.TH WINSHM 1 "2026" "winshm %s" "User Commands"'):format(VERSION),
                 man:match("^[^\n]+"))
    local _, copyright = lines("dpkg-deb --fsys-tarfile " .. H.quote(DEB)
      .. " | tar -xOf - ./usr/share/doc/winshm/copyright")
    local license = H.read("LICENSE")
    local text = license:match("\n(Permission is hereby granted.*)$")
    local body = copyright:match("\nLicense: Expat\n( Permission.*)$"):gsub("\n %.\n", "\n\n")
      :gsub("\n ", "\n"):gsub("^ ", "")
    assert.equal(text, body)
    -- the host has Debian's Lua linked in: its copyright line, as lua.h has it
    local luah = H.read("/usr/include/lua5.4/lua.h")
    local lua_copyright = luah:match("Copyright %(C%) [%d-]+ Lua%.org, PUC%-Rio")
    assert.truthy(lua_copyright)
    assert.truthy(copyright:find(lua_copyright, 1, true), "copyright lacks " .. lua_copyright)
  end)

  it("passes lintian with no errors", function()
    if not has("lintian") then
      pending("needs lintian (scripts/deps.sh installs it)")
      return
    end
    local ok, out = H.sh("lintian --fail-on error " .. H.quote(DEB))
    assert.is_true(ok, out)
    assert.falsy(out:find("\nE: ") or out:find("^E: "), out)
  end)

  describe("installed with dpkg -i", function()
    local root = lines("id -u")[1] == "0"
    if not root then
      pending("needs root: dpkg -i, and a private mount namespace")
      return
    end
    -- a chroot whose root is no mount point cannot make a private one
    if not (os.execute("unshare -m true 2>/dev/null") and os.execute("grep -qw overlay /proc/filesystems")) then
      pending("needs a private mount namespace (unshare -m) and overlayfs (a private copy of /usr, /etc and /var)")
      return
    end

    it("runs with no environment, and dpkg -r leaves nothing of it", function()
      local scratch = lines("mktemp -d")[1]
      local name = H.name("deb")
      local cpath = os.getenv("LUA_CPATH") or ""
      local ok, out = H.sh(("timeout 300 unshare -m sh tests/install/dpkg.sh %s %s %s %s")
        :format(H.quote(DEB), H.quote(scratch), H.quote(name), H.quote(cpath)))
      os.execute("rmdir " .. H.quote(scratch))
      assert.is_true(ok, out)
      local function line(label)
        return out:match("\n" .. label:gsub("%p", "%%%0") .. ": ([^\n]*)")
      end
      local multiarch = lines("dpkg-architecture -qDEB_HOST_MULTIARCH")[1]
      assert.equal("winshm " .. VERSION .. " install ok installed", line("installed"))
      assert.equal("/usr/bin/winshm", line("which"))
      assert.matches("^winshm " .. VERSION:gsub("%.", "%%.") .. "  Lua 5%.4", line("version"))
      assert.equal(("module %s /usr/lib/%s/lua/5.4/winshm.so"):format(VERSION, multiarch),
                   line("lua5.4"))
      assert.truthy(out:find("\nlua5.4: cdef sizeof(P) = 16\n", 1, true), out)
      assert.matches("|installed%.+|", line("dump"))
      assert.equal(('.TH WINSHM 1 "2026" "winshm %s" "User Commands"'):format(VERSION), line("man"))
      -- while it is installed, the specs' environment loads the build's module
      local first = cpath:match("^[^;]+")
      assert.equal((first:gsub("%?", "winshm")), line("specs"))
      assert.equal("not-installed", line("status"))
      assert.equal("none", line("which-after"))
      assert.equal("false", line("require-after"))
      assert.matches("^%d+, left: 0$", line("paths"))
      -- and outside the namespace it never was there
      assert.is_nil(io.open("/usr/bin/winshm"))
      assert.is_nil(io.open(("/usr/lib/%s/lua/5.4/winshm.so"):format(multiarch)))
    end)
  end)
end)
