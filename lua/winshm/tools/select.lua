-- winshm.tools.select: picking fields by name, for export and plot.
--
--   select.names(text, path) -> does a pattern of 'text' name 'path'?
--   select.pick(leaves, text, what) -> the leaves (format.leaves) that
--                    the patterns of 'text' name ("a,b*,wheels[?].temp"),
--                    in their order; a failure naming a pattern that
--                    names none.  A pattern names a field path or one of
--                    its parents: "pos" names pos.x and pos.y, "wheels"
--                    names wheels[1].temp, ...
--
-- A pattern is a glob: '*' is any run of characters, '?' one character,
-- every other character stands for itself.
local cli = require "winshm.tools.cli"

local M = {}

-- A glob as a Lua pattern, anchored, also matching the fields under it.
local function topattern(glob)
  local p = glob:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".")
  return "^" .. p .. "$", "^" .. p .. "[%.%[]"
end

local function globs(text)
  local t = {}
  for g in text:gmatch("[^,]+") do
    g = g:match("^%s*(.-)%s*$")
    if g ~= "" then t[#t + 1] = { g, topattern(g) } end
  end
  return t
end

local function matches(g, path)
  return path:find(g[2]) ~= nil or path:find(g[3]) ~= nil
end

-- Does one of the patterns of 'text' name 'path'?
function M.names(text, path)
  for _, g in ipairs(globs(text)) do
    if matches(g, path) then return true end
  end
  return false
end

function M.pick(leaves, text, what)
  local gs = globs(text)
  if #gs == 0 then cli.usage_error(("no field named in %s '%s'"):format(what, text)) end
  local out, used = {}, {}
  for _, l in ipairs(leaves) do
    for i, g in ipairs(gs) do
      if matches(g, l.path) then
        used[i] = true
        out[#out + 1] = l
        break
      end
    end
  end
  for i, g in ipairs(gs) do
    if not used[i] then cli.fail(("no field matches '%s' (%s)"):format(g[1], what)) end
  end
  return out
end

-- The value a leaf's keys (as M.pick gives them) reach in frame t.
function M.at(t, keys)
  local v = t
  for i = 1, #keys do v = v[keys[i]] end
  return v
end

return M
