-- cdef_compiler.lua: checks shm.cdef's numbers against a C compiler.
-- For a header, writes a C (or C++) file that includes it and asserts, at
-- compile time, every size, alignment, member offset and member size of
-- every layout shm.cdef returned, the size of every scalar typedef and
-- enum, and the value of every integer constant; then compiles it.
local shm = require "winshm"

local X = {}

X.compilers = {
  sysv = { c = "gcc -std=gnu11", ["c++"] = "g++ -std=gnu++17" },
  windows = { c = "x86_64-w64-mingw32-gcc -std=gnu11" },
}

-- Is the compiler for abi/lang installed?
function X.available(abi, lang)
  local cc = X.compilers[abi][lang]
  if not cc then return false end
  local ok = os.execute(cc:match("^%S+") .. " --version >/dev/null 2>&1")
  return ok == true
end

local function sorted(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

local function scalarsize(name, abi)
  return shm.sizeof(shm.struct { { "x", name }, abi = abi })
end

-- The assertions for one layout 'l' spelled 'cname' in C.
local function layout_asserts(sa, cname, l)
  sa(("sizeof(%s) == %d"):format(cname, shm.sizeof(l)), cname .. " size")
  sa(("AL(%s) == %d"):format(cname, shm.alignof(l)), cname .. " alignment")
  local function walk(fields, path, base)
    for _, f in ipairs(fields) do
      local p = path .. f.name
      sa(("offsetof(%s, %s) == %d"):format(cname, p, base + f.offset),
         ("%s.%s offset"):format(cname, p))
      sa(("sizeof(((%s *)0)->%s) == %d"):format(cname, p, f.size),
         ("%s.%s size"):format(cname, p))
      if f.layout then
        local idx = f.dims and ("[0]"):rep(#f.dims) or (f.count > 1 and "[0]" or "")
        walk(shm.fields(f.layout), p .. idx .. ".", base + f.offset)
      end
    end
  end
  walk(shm.fields(l), "", 0)
end

-- Generate the check program; returns its text and the number of checks.
-- 'pre' and 'post' are lines of C placed before and after the header.
function X.program(header, r, abi, lang, pre, post)
  local lines = {
    "#include <stddef.h>",
    "#include <stdint.h>",
    lang == "c" and "#include <stdbool.h>" or "",
    pre or "",
    ('#include "%s"'):format(header),
    post or "",
    lang == "c" and "#define SA _Static_assert" or "#define SA static_assert",
    lang == "c" and "#define AL _Alignof" or "#define AL alignof",
  }
  local n = 0
  local function sa(cond, what)
    n = n + 1
    lines[#lines + 1] = ("SA(%s, %q);"):format(cond, what .. " (" .. cond .. ")")
  end
  for _, k in ipairs(sorted(r)) do
    local v = r[k]
    local tagonly = r["struct " .. k] == v or r["union " .. k] == v or r["enum " .. k] == v
    -- C names a tag "struct X"; C++ names it X (which may be a typedef)
    local bare = k:match("^%a+ ([%w_]+)$")
    local cxxtag = lang == "c++" and bare and r[bare] == v
    local ctype = k ~= "constants" and k ~= "notes" and not (lang == "c" and tagonly)
                  and not cxxtag
    if ctype and shm.type(v) == "layout" then
      layout_asserts(sa, k, v)
    elseif ctype then
      sa(("sizeof(%s) == %d"):format(k, scalarsize(v, abi)), k .. " size")
    end
  end
  for _, k in ipairs(sorted(r.constants)) do
    local v = r.constants[k]
    if math.type(v) == "integer" then
      sa(("(long long)(%s) == %dLL"):format(k, v), k)
    elseif type(v) == "string" then
      sa(("sizeof(%s) == %d"):format(k, #v + 1), k .. " length")
    elseif type(v) == "table" then
      for _, e in ipairs(sorted(v)) do
        sa(("(long long)%s::%s == %dLL"):format(k, e, v[e]), k .. "::" .. e)
      end
    end
  end
  return table.concat(lines, "\n") .. "\n", n
end

-- Compile 'text'; returns ok, compiler output.
function X.compile(text, abi, lang)
  local path = os.tmpname() .. (lang == "c" and ".c" or ".cpp")
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  local p = io.popen(("%s -fsyntax-only -Wno-pragmas %s %s 2>&1"):format(
    X.compilers[abi][lang], lang == "c" and "" or "-Wno-invalid-offsetof", path))
  local out = p:read("a")
  local ok = p:close()
  os.remove(path)
  os.remove(path:sub(1, -(lang == "c" and 3 or 5)))
  return ok == true, out
end

return X
