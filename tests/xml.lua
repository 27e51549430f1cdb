-- xml.lua: a strict reader of well-formed XML 1.0 (no DTD), for the specs
-- that check what the tools write.
--
--   xml.parse(text) -> root element | nil, message
--   element: { tag =, attrs = { name = value }, children = { element | string } }
--   xml.find(element, tag [, attr, value]) -> every element below with
--                                             that tag (and attribute value)
--   xml.text(element) -> its text, children included
local M = {}

local ENTITIES = { amp = "&", lt = "<", gt = ">", quot = '"', apos = "'" }
local NAME = "^[%a_:][%w_:%.%-]*"

local function unescape(s, at)
  return (s:gsub("&([^;]*);?", function(e)
    if ENTITIES[e] then return ENTITIES[e] end
    local n = e:match("^#x(%x+)$") or e:match("^#(%d+)$")
    if n then return utf8.char(tonumber(n, e:find("x") and 16 or 10)) end
    error(("bad entity '&%s' near byte %d"):format(e, at), 0)
  end))
end

-- Skip whitespace, comments and processing instructions from i on.
local function misc(s, i)
  while true do
    local j = s:match("^%s*()", i)
    if s:sub(j, j + 3) == "<!--" then
      local e = s:find("-->", j + 4, true)
      if not e then error("comment not closed", 0) end
      i = e + 3
    elseif s:sub(j, j + 1) == "<?" then
      local e = s:find("?>", j + 2, true)
      if not e then error("processing instruction not closed", 0) end
      i = e + 2
    else
      return j
    end
  end
end

local element

-- The element's content up to its end tag; returns the index after it.
local function content(s, i, el)
  while true do
    local lt = s:find("<", i, true)
    if not lt then error(("<%s> not closed"):format(el.tag), 0) end
    if lt > i then
      local text = s:sub(i, lt - 1)
      if text:find(">", 1, true) and text:find("]]>", 1, true) then error("']]>' in text", 0) end
      el.children[#el.children + 1] = unescape(text, i)
    end
    if s:sub(lt, lt + 1) == "</" then
      local name, e = s:match("^</(" .. NAME:sub(2) .. ")%s*>()", lt)
      if name ~= el.tag then
        error(("</%s> closes <%s> near byte %d"):format(tostring(name), el.tag, lt), 0)
      end
      return e
    elseif s:sub(lt, lt + 3) == "<!--" or s:sub(lt, lt + 1) == "<?" then
      i = misc(s, lt)
    else
      local child
      child, i = element(s, lt)
      el.children[#el.children + 1] = child
    end
  end
end

function element(s, i)
  local tag, j = s:match("^<(" .. NAME:sub(2) .. ")()", i)
  if not tag then error(("expected an element near byte %d"):format(i), 0) end
  local el = { tag = tag, attrs = {}, children = {} }
  while true do
    local k = s:match("^%s*()", j)
    if s:sub(k, k + 1) == "/>" then return el, k + 2 end
    if s:sub(k, k) == ">" then return el, content(s, k + 1, el) end
    if k == j then error(("expected a space before an attribute near byte %d"):format(k), 0) end
    local name, q, after = s:match("^(" .. NAME:sub(2) .. ")%s*=%s*([\"'])()", k)
    if not name then error(("bad attribute near byte %d"):format(k), 0) end
    local close = s:find(q, after, true)
    if not close then error("attribute value not closed", 0) end
    local value = s:sub(after, close - 1)
    if value:find("<", 1, true) then error(("'<' in attribute %s"):format(name), 0) end
    if el.attrs[name] then error(("attribute %s twice"):format(name), 0) end
    el.attrs[name] = unescape(value, after)
    j = close + 1
  end
end

function M.parse(s)
  local ok, root, rest = pcall(function()
    if not utf8.len(s) then error("not UTF-8", 0) end
    local el, i = element(s, misc(s, 1))
    return el, misc(s, i)
  end)
  if not ok then return nil, root end
  if rest <= #s then return nil, ("text after the root element at byte %d"):format(rest) end
  return root
end

function M.find(el, tag, attr, value, out)
  out = out or {}
  for _, c in ipairs(el.children) do
    if type(c) == "table" then
      if c.tag == tag and (not attr or c.attrs[attr] == value) then out[#out + 1] = c end
      M.find(c, tag, attr, value, out)
    end
  end
  return out
end

function M.text(el)
  local t = {}
  for _, c in ipairs(el.children) do t[#t + 1] = type(c) == "table" and M.text(c) or c end
  return table.concat(t)
end

return M
