-- html.lua IN.md OUT.html -- one page of the docs as HTML, for the Windows
-- zip: cmark-gfm renders the Markdown (tables too); headings get the ids
-- GitHub gives them, so "#errors" links work; links to other .md pages
-- point at their .html, a link to LICENSE at LICENSE.txt beside docs\.
local src, out = arg[1], arg[2]
assert(src and out, "usage: html.lua IN.md OUT.html")

local function slurp(cmd)
  local p = assert(io.popen(cmd, "r"))
  local s = p:read("a")
  local ok, _, code = p:close()
  assert(ok, ("%s failed (status %s)"):format(cmd, tostring(code)))
  return s
end

local f = assert(io.open(src, "rb"))
local md = f:read("a")
f:close()
local title = md:match("^#%s+([^\n]+)") or src

local body = slurp(("cmark-gfm --extension table --extension autolink --extension strikethrough '%s'")
  :format(src:gsub("'", "'\\''")))

-- GitHub's heading ids: the text, lower case, without punctuation but
-- '-' and '_', spaces as '-'; a repeated id gets -1, -2, ...
local seen = {}
local function slug(inner)
  local text = inner:gsub("<[^>]*>", ""):gsub("&[%a#%d]+;", ""):lower()
  local id = text:gsub("[^%w%s_%-\128-\255]", ""):gsub("%s", "-")
  local n = seen[id]
  seen[id] = (n or 0) + 1
  return n and ("%s-%d"):format(id, n) or id
end
body = body:gsub("<h([1-6])>(.-)</h%1>", function(level, inner)
  return ('<h%s id="%s">%s</h%s>'):format(level, slug(inner), inner, level)
end)

body = body:gsub('href="([^"]*)"', function(target)
  if target:match("^%a[%w+.-]*:") or target:match("^#") then return nil end
  local path, anchor = target:match("^([^#]*)(.*)$")
  if path == "LICENSE" then return 'href="../LICENSE.txt"' end
  local page = path:match("^docs/(.+)%.md$") or path:match("^([^/]+)%.md$")
  if page then return ('href="%s.html%s"'):format(page == "README" and "index" or page, anchor) end
  return nil
end)

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local page = ([[
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
<style>
body { max-width: 52em; margin: 2em auto; padding: 0 1em; font-family: sans-serif; line-height: 1.45; }
pre, code { background: #f4f4f4; }
pre { padding: 0.6em; overflow: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; }
</style>
</head>
<body>
%s</body>
</html>
]]):format(escape(title), body)

local o = assert(io.open(out, "wb"))
o:write(page)
o:close()
