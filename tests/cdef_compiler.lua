-- cdef_compiler.lua: checks shm.cdef's numbers against a C or C++
-- compiler.  For a header, it writes a program that includes it and puts,
-- into one array, the size and alignment of every layout shm.cdef
-- returned, the offset and size of every member (of anonymous nested
-- structs too), the
-- size of every scalar typedef and enum and the value of every constant;
-- it compiles that to assembly (no need to run it: the compiler prints the
-- numbers there) and compares them with shm.cdef's, one by one.
local shm = require "winshm"

local X = {}

-- The compiler for each ABI and language (C++ in C++17, as games build).
X.compilers = {
  sysv = { c = "gcc -std=gnu11", ["c++"] = "g++ -std=gnu++17" },
  windows = { c = "x86_64-w64-mingw32-gcc -std=gnu11",
              ["c++"] = "x86_64-w64-mingw32-g++ -std=gnu++17" },
  win32 = { c = "i686-w64-mingw32-gcc -std=gnu11", ["c++"] = "i686-w64-mingw32-g++ -std=gnu++17" },
}
-- Arguments for each ABI: MSVC's 64-bit time_t for 32-bit Windows (since
-- 2005; mingw-w64 takes it with this macro); under SysV the stubs of the
-- two Windows headers the test headers include.
X.flags = {
  sysv = "-D__cdecl= -I" .. (os.getenv("PWD") or ".") .. "/tests/cdef/stub",
  windows = "", win32 = "-D__MINGW_USE_VC2005_COMPAT",
}

-- Is the compiler for abi/lang installed?
function X.available(abi, lang)
  local cc = X.compilers[abi][lang]
  if package.config:sub(1, 1) == "\\" or not cc then return false end
  local ok = os.execute("command -v " .. cc:match("^%S+") .. " >/dev/null 2>&1")
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

-- The checks for one layout 'l' spelled 'cname' in C: { expr, want, what }.
local function layout_checks(add, cname, l)
  add(("sizeof(%s)"):format(cname), shm.sizeof(l), cname .. " size")
  add(("AL(%s)"):format(cname), shm.alignof(l), cname .. " alignment")
  local function walk(fields, path, base)
    for _, f in ipairs(fields) do
      local p = path .. f.name
      add(("offsetof(%s, %s)"):format(cname, p), base + f.offset, ("%s.%s offset"):format(cname, p))
      add(("sizeof(((%s *)0)->%s)"):format(cname, p), f.size, ("%s.%s size"):format(cname, p))
      -- (a named nested layout is checked on its own)
      if f.layout and (f.type == "struct" or f.type == "union") then
        local idx = f.dims and ("[0]"):rep(#f.dims) or ""
        walk(shm.fields(f.layout), p .. idx .. ".", base + f.offset)
      end
    end
  end
  walk(shm.fields(l), "", 0)
end

-- Every check of result r of shm.cdef, for language lang.
function X.checks(r, abi, lang, ptrsize)
  local list = {}
  local function add(expr, want, what, kind)
    list[#list + 1] = { expr = expr, want = want, what = what, kind = kind }
  end
  local nested = {} -- C++ names a type defined in a class Class::Type
  for k, v in pairs(r) do
    local inner = k:match("::([%w_]+)$")
    if inner and r[inner] == v then nested[inner] = k end
  end
  for _, k in ipairs(sorted(r)) do
    local v = r[k]
    local skip = lang == "c" and k:find("::", 1, true) or lang == "c++" and nested[k]
    local tagonly = r["struct " .. k] == v or r["union " .. k] == v or r["enum " .. k] == v
    -- C names a tag "struct X"; C++ names it X (which may be a typedef)
    local bare = k:match("^%a+ ([%w_]+)$")
    local cxxtag = lang == "c++" and bare and r[bare] == v
    local ctype = k ~= "constants" and k ~= "notes" and not (lang == "c" and tagonly)
                  and not cxxtag and not k:match("^typedef ") and not skip
    if ctype and shm.type(v) == "layout" then
      layout_checks(add, k, v)
    elseif ctype then
      add(("sizeof(%s)"):format(k), scalarsize(v, abi), k .. " size")
    end
  end
  local function constant(name, v)
    if math.type(v) == "integer" then
      add(("(long long)(%s)"):format(name), v, name)
    elseif math.type(v) == "float" then
      add(("(double)(%s)"):format(name), v, name, "float")
    elseif type(v) == "string" then -- a char array, or a pointer to one
      add(("sizeof(%s)"):format(name), #v + 1, name .. " length", ptrsize)
    end
  end
  local scoped = {} -- names C++ has in a class or enum only
  for _, v in pairs(r.constants) do
    if type(v) == "table" then for e in pairs(v) do scoped[e] = true end end
  end
  for _, k in ipairs(sorted(r.constants)) do
    local v = r.constants[k]
    if type(v) == "table" and lang == "c" then -- luacheck: ignore 542 (C has no K::m)
    elseif lang == "c++" and scoped[k] then -- luacheck: ignore 542
    elseif type(v) == "table" then
      for _, e in ipairs(sorted(v)) do -- (a macro of the member's name hides it from C++)
        if r.constants[e] == nil then constant(k .. "::" .. e, v[e]) end
      end
    else
      constant(k, v)
    end
  end
  return list
end

-- The program: 'pre' and 'post' are lines of C placed before and after
-- the header.
function X.program(header, checks, lang, pre, post)
  local lines = {
    "#include <stddef.h>", "#include <stdint.h>",
    lang == "c" and "#include <stdbool.h>" or "",
    lang == "c" and "#define AL _Alignof" or "#define AL alignof",
    pre or "", ('#include "%s"'):format(header), post or "",
    "long long winshm_v[] __attribute__((used)) = { 0,",
  }
  local floats = {}
  for _, c in ipairs(checks) do
    if c.kind == "float" then floats[#floats + 1] = c.expr .. ","
    else lines[#lines + 1] = c.expr .. "," end
  end
  lines[#lines + 1] = "};"
  lines[#lines + 1] = "double winshm_f[] __attribute__((used)) = { 0.0, " .. table.concat(floats, " ") .. " };"
  return table.concat(lines, "\n") .. "\n"
end

-- The bytes of the data after label 'name' in assembly text.
local sizes = { [".quad"] = 8, [".long"] = 4, [".value"] = 2, [".short"] = 2, [".word"] = 2,
                [".byte"] = 1 }
local function data(asm, name)
  local bytes, on = {}, false
  for line in asm:gmatch("[^\n]+") do
    if line:match("^_?" .. name .. ":") then
      on = true
    elseif on then
      local d, n = line:match("^%s*(%.%a+)%s+(%-?%d+)%s*$")
      if d == ".zero" then
        bytes[#bytes + 1] = ("\0"):rep(tonumber(n))
      elseif d and sizes[d] then
        local v, size = math.tointeger(tonumber(n)), sizes[d]
        bytes[#bytes + 1] = string.pack("<i" .. size, v >= 0 and v >= 1 << (8 * size - 1) and size < 8
                                        and v - (1 << (8 * size)) or v)
      elseif line:match("^%S") or line:match("^%s*%.") then
        break
      end
    end
  end
  return table.concat(bytes)
end

-- Compile 'text' (with more compiler arguments 'flags'); returns ok,
-- { integers }, { doubles } or false, the compiler's output.
function X.run(text, abi, lang, flags)
  local path = os.tmpname() .. (lang == "c" and ".c" or ".cpp")
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  local extra = lang == "c" and "" or "-Wno-invalid-offsetof -fno-access-control"
  local p = io.popen(("%s -w %s %s %s -S -o - %s 2>&1"):format(X.compilers[abi][lang], extra,
    X.flags[abi], flags or "", path))
  local out = p:read("a")
  local ok = p:close()
  os.remove(path)
  os.remove(path:sub(1, -(lang == "c" and 3 or 5)))
  if not ok then return false, out end
  local ints, dbls, vi, vd = {}, {}, data(out, "winshm_v"), data(out, "winshm_f")
  for i = 9, #vi, 8 do ints[#ints + 1] = string.unpack("<i8", vi, i) end
  for i = 9, #vd, 8 do dbls[#dbls + 1] = string.unpack("<d", vd, i) end
  return true, ints, dbls
end

-- Check shm.cdef's result r for header (a path) against the compiler:
-- true, number of checks; or false and what differs.  opts: { pre, post
-- = C lines before and after the header, flags = compiler arguments }.
function X.verify(header, r, abi, lang, opts)
  opts = opts or {}
  local ptrsize = abi == "win32" and 4 or 8
  local checks = X.checks(r, abi, lang, ptrsize)
  local ok, ints, dbls = X.run(X.program(header, checks, lang, opts.pre, opts.post), abi, lang,
    opts.flags)
  if not ok then return false, ints end
  local bad, i, d = {}, 0, 0
  for _, c in ipairs(checks) do
    local got
    if c.kind == "float" then d = d + 1; got = dbls[d] else i = i + 1; got = ints[i] end
    if got ~= c.want and not (c.kind and c.kind == got) then
      bad[#bad + 1] = ("%s: compiler %s, shm.cdef %s (%s)"):format(c.what, tostring(got),
        tostring(c.want), c.expr)
    end
  end
  if #bad > 0 then return false, table.concat(bad, "\n") end
  return true, #checks
end

-- shm.cdef on the text src (a header of language lang) under abi, then
-- checked against the compiler: the result, true, the number of checks;
-- or the result, false, what differs.
function X.snippet(src, abi, lang, opts)
  local base = os.tmpname()
  local path = base .. (lang == "c" and ".h" or ".hpp")
  local f = assert(io.open(path, "wb"))
  f:write(src)
  f:close()
  local ok, r = pcall(shm.cdef, src, { abi = abi, name = "snippet" })
  local ok2, n = false, r
  if ok then ok2, n = X.verify(path, r, abi, lang, opts) end
  os.remove(path)
  os.remove(base)
  return ok and r or nil, ok2, n
end

return X
