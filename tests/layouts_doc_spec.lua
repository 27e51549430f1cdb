-- layouts_doc_spec.lua -- the code samples of docs/layouts.md are right:
-- the Lua samples of each section run (together, in a winshm host process)
-- and the C samples compile.
local H = require "helper"
package.path = "./tests/compiler/?.lua;" .. package.path
local G = require "gen"
local C = require "cc"

local DOC = "docs/layouts.md"

-- { { title = "...", lua = { src, ... }, c = { src, ... } }, ... }
local function sections()
  local f = assert(io.open(DOC, "rb"))
  local text = f:read("a")
  f:close()
  local list, cur = {}, { title = "(top)", lua = {}, c = {} }
  list[1] = cur
  local lang, buf
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    if lang then
      if line:match("^```%s*$") then
        table.insert(cur[lang] or {}, table.concat(buf, "\n"))
        lang = nil
      else
        buf[#buf + 1] = line
      end
    elseif line:match("^```") then
      lang, buf = line:match("^```%s*(%w*)"), {}
    elseif line:match("^## ") then
      cur = { title = line:sub(4), lua = {}, c = {} }
      list[#list + 1] = cur
    end
  end
  assert(lang == nil, DOC .. ": a code block is not closed")
  return list
end

describe("docs/layouts.md", function()
  local list = sections()

  it("has Lua samples", function()
    local n = 0
    for _, s in ipairs(list) do n = n + #s.lua end
    assert(n >= 6, "only " .. n .. " Lua samples")
  end)

  for _, s in ipairs(list) do
    if #s.lua > 0 then
      it("runs the Lua samples of '" .. s.title .. "'", function()
        -- region names made unique for this run
        local src = table.concat(s.lua, "\n"):gsub("winshm_doc_", H.name("doc") .. "_")
        local ok, out = H.run(src)
        assert(ok, s.title .. ":\n" .. out)
        -- each `--> text` comment is a line printed, in this order
        local lines, at = {}, 1
        for l in out:gsub("\r\n", "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
        for want in src:gmatch("%-%-> ([^\n]*)") do
          while at <= #lines and lines[at] ~= want do at = at + 1 end
          assert(at <= #lines, ("%s: the output has no line %q (in order); it is:\n%s")
            :format(s.title, want, out))
          at = at + 1
        end
      end)
    end
    for i, c in ipairs(s.c) do
      for _, cc in ipairs({ "gcc", "x86_64-w64-mingw32-gcc" }) do
        it(("compiles C sample %d of '%s' with %s"):format(i, s.title, cc), function()
          if H.windows or not C.have(cc) then return pending(cc .. " is not available here") end
          local ok, out = C.compile(cc, G.c_prelude .. c .. "\n", "-fsyntax-only -Wall -Werror")
          assert(ok, out)
        end)
      end
    end
  end
end)
