-- cdef_helper.lua: what the shm.cdef specs share -- the test headers
-- (tests/cdef), the message of a refusal, notes, and the specs that check
-- headers against the compilers (cdef_compiler.lua).
local shm = require "winshm"
local X = require "cdef_compiler"
local luassert = require "luassert"

local T = {}

T.dir = (os.getenv("PWD") or ".") .. "/tests/cdef"
T.all = { "sysv", "windows", "win32" }

-- The text of test header 'name'.
function T.read(name)
  local f = assert(io.open(T.dir .. "/" .. name, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- The message f(...) raises (fails the test when it raises none).
function T.err(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end

-- The message shm.cdef raises for src.
function T.fails(src, opts) return T.err(shm.cdef, src, opts) end

-- Whether a note holds text (and, when not, all of them, for the message).
function T.has(notes, text)
  for _, n in ipairs(notes) do
    if n:find(text, 1, true) then return true end
  end
  return false, "no note '" .. text .. "' in:\n" .. table.concat(notes, "\n")
end

-- One spec (busted's it, and pending) per header and ABI: { file,
-- language, ABIs, names of layouts that must be there, options of the
-- check (X.verify) }; each header is read with the include option set to
-- its directory.
function T.against_compilers(it, pending, cases)
  for _, c in ipairs(cases) do
    local file, lang, abis, must, opts = c[1], c[2], c[3], c[4], c[5]
    for _, abi in ipairs(abis) do
      local cc = X.compilers[abi][lang]:match("^%S+")
      it(("%s under abi %s matches %s"):format(file, abi, cc), function()
        if not X.available(abi, lang) then
          return pending(cc .. " is not installed (scripts/deps.sh)")
        end
        local r = shm.cdef(T.read(file), { abi = abi, name = file, include = { T.dir } })
        for _, t in ipairs(must) do luassert.equal("layout", shm.type(r[t]), t) end
        local ok, n = X.verify(T.dir .. "/" .. file, r, abi, lang, opts)
        luassert.is_true(ok, n)
        luassert.is_true(n > 20, "too few checks")
      end)
    end
  end
end

return T
