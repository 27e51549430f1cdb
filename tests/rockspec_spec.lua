-- The rockspec names every source: each src/*.c in the build of its
-- platform (portable files in both), and each lua/winshm/**.lua module.
local H = require "helper"

local function load_rockspec()
  local p = assert(io.popen(H.windows and "dir /b winshm-*.rockspec" or "ls winshm-*.rockspec"))
  local path = p:read("l")
  p:close()
  assert(path, "no rockspec")
  local env = {}
  assert(loadfile(path, "t", env))()
  return env
end

local function files(cmd)
  local p = assert(io.popen(cmd))
  local t = {}
  for line in p:lines() do t[#t + 1] = line end
  p:close()
  table.sort(t)
  return t
end

-- The same set of files, or a message naming what differs.
local function assert_same_files(want, have, where)
  local w, h, missing, extra = {}, {}, {}, {}
  for _, f in ipairs(want) do w[f] = true end
  for _, f in ipairs(have) do h[f] = true end
  for _, f in ipairs(want) do if not h[f] then missing[#missing + 1] = f end end
  for _, f in ipairs(have) do if not w[f] then extra[#extra + 1] = f end end
  assert(#missing == 0 and #extra == 0, ("winshm-scm-1.rockspec, %s: add {%s}, drop {%s} (make rockspec)")
    :format(where, table.concat(missing, ", "), table.concat(extra, ", ")))
end

local function sorted(t)
  local c = table.move(t, 1, #t, 1, {})
  table.sort(c)
  return c
end

describe("the rockspec #posix", function()
  local spec = load_rockspec()
  local src = files("ls src/*.c")

  local function expected(platform)
    local t = { "rock/embedded_none.c" }
    for _, f in ipairs(src) do
      local other = platform == "posix" and "_win32%.c$" or "_posix%.c$"
      if f ~= "src/host.c" and not f:match(other) then t[#t + 1] = f end
    end
    return sorted(t)
  end

  it("is a builtin build for Lua 5.4", function()
    assert.equal("winshm", spec.package)
    assert.equal("builtin", spec.build.type)
    assert.same({ "lua >= 5.4, < 5.5", "lpeg" }, spec.dependencies)
  end)

  it("builds every portable and POSIX source on Unix", function()
    assert_same_files(expected("posix"), spec.build.modules.winshm.sources, "build.modules.winshm")
  end)

  it("builds every portable and Win32 source on Windows, with advapi32", function()
    local w = spec.build.platforms.windows.modules.winshm
    -- src/os_win32.c is the Windows backend (backend.h), listed even in a
    -- checkout that lacks it
    local want = expected("win32")
    local seen = {}
    for _, f in ipairs(want) do seen[f] = true end
    if not seen["src/os_win32.c"] then want[#want + 1] = "src/os_win32.c" end
    assert_same_files(want, w.sources, "build.platforms.windows")
    assert.same({ "advapi32" }, w.libraries)
  end)

  it("installs every Lua part under its module name", function()
    local want = {}
    for _, f in ipairs(files("find lua/winshm -name '*.lua'")) do
      local mod = f:gsub("^lua/", ""):gsub("%.lua$", ""):gsub("/init$", ""):gsub("/", ".")
      want[mod] = f
    end
    local have = {}
    for k, v in pairs(spec.build.modules) do
      if type(v) == "string" then have[k] = v end
    end
    assert.same(want, have)
  end)
end)
