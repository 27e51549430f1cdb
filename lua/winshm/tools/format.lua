-- winshm.tools.format: turning what a region holds into lines of text.
--
--   fields(value, layout)  -> { {path, text}, ... }   one per scalar, in
--                             declaration order, arrays and nested layouts
--                             expanded: "pos.x", "wheels[2].temp", "grid[1][3]"
--   leaves(value, layout)  -> { {path =, keys =, type =}, ... } the same
--                             scalars, with the keys leading to each
--   hexdump(bytes, base [, collapse]) -> { {offset, text}, ... }
--   quote(s)               -> s as a double-quoted, escaped string
--   escape(s)              -> s escaped the same way, without the quotes
--   exact(number, tname)   -> the shortest text that reads back the same
--   utf8(s)                -> s with bytes of no UTF-8 character as U+FFFD
--   size(n)                -> "512", "10.0K", "1.5M": bytes for a column
--   columns(rows)          -> rows of cells as aligned text
local shm = require "winshm"

local M = {}

local escapes = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
                  ['"'] = '\\"', ["\\"] = "\\\\" }

-- The bytes of s as \ddd escapes (or \n, \t, ...).
local function byte_escapes(s)
  return (s:gsub(".", function(c) return escapes[c] or ("\\%03d"):format(c:byte()) end))
end

-- s with what a terminal would act on escaped: C0 and C1 control
-- characters, DEL, bytes that are not UTF-8, the backslash and the
-- characters of 'also'.  Printable UTF-8 is kept.
local function escaped(s, also)
  local out, i, n = {}, 1, #s
  while i <= n do
    local j = s:find("[\0-\31\127-\255\\" .. also .. "]", i)
    if not j then out[#out + 1] = s:sub(i) break end
    out[#out + 1] = s:sub(i, j - 1)
    local c = s:byte(j)
    local len = c >= 0xF0 and 4 or c >= 0xE0 and 3 or c >= 0xC0 and 2 or 1
    local ch = s:sub(j, j + len - 1)
    local cp = c >= 0x80 and utf8.len(ch) == 1 and utf8.codepoint(ch)
    if cp and cp > 0x9F then
      out[#out + 1] = ch
    else
      ch = s:sub(j, j)   -- a control character, or a byte of no character
      out[#out + 1] = byte_escapes(ch)
    end
    i = j + #ch
  end
  return table.concat(out)
end

-- A string as one printable line: see escaped; UTF-8 kept.
function M.quote(s)
  return '"' .. escaped(s, '"') .. '"'
end

-- A name (of a region, an owner) safe to print: escaped, unquoted.
function M.escape(s)
  return escaped(s, "")
end

local float4 = { float = true, f32 = true }

-- A 64-bit integer read as negative (two's complement) shown unsigned.
local function unsigned(v)
  local q = (v >> 1) // 5        -- v // 10, unsigned
  return tostring(q) .. tostring(v - q * 10)
end

local function isunsigned(tname)
  return type(tname) == "string" and (tname:match("^u") or tname:match("^unsigned")) ~= nil
end

-- One scalar as text; 'tname' is its C type name when known.
function M.value(v, tname)
  local t = type(v)
  if t == "string" then return M.quote(v) end
  if math.type(v) == "integer" and v < 0 and isunsigned(tname) then
    return unsigned(v)
  end
  if math.type(v) == "float" then
    if v ~= v then return "nan" end
    if v == math.huge then return "inf" end
    if v == -math.huge then return "-inf" end
    if float4[tname] then
      local s = ("%.7g"):format(v)
      if not s:find("[.eni]") then s = s .. ".0" end
      return s
    end
    return tostring(v)
  end
  return tostring(v)
end

local function islayout(x)
  return shm.type(x) == "layout"
end

local walk

-- Keys from the root to this value, and one more: a new table, or nil
-- when nobody wants them.
local function push(keys, k)
  if not keys then return nil end
  local t = table.move(keys, 1, #keys, 1, {})
  t[#t + 1] = k
  return t
end

-- The elements of an array value (a sequence, nested for several dimensions).
local function walk_array(v, lay, tname, path, keys, emit)
  for i = 1, #v do
    walk(v[i], lay, tname, path .. "[" .. i .. "]", push(keys, i), emit)
  end
end

-- The members of a struct value, in the layout's declaration order; keys
-- the layout does not know (there should be none) follow, sorted.
local function walk_struct(v, lay, path, keys, emit)
  local seen = {}
  local prefix = path == "" and "" or path .. "."
  if lay then
    for _, f in ipairs(shm.fields(lay)) do
      seen[f.name] = true
      local sub = f.layout or (islayout(f.type) and f.type) or nil
      if v[f.name] ~= nil then
        walk(v[f.name], sub, f.type, prefix .. f.name, push(keys, f.name), emit)
      end
    end
  end
  local rest = {}
  for k in pairs(v) do
    if not seen[k] then rest[#rest + 1] = k end
  end
  table.sort(rest, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(rest) do
    walk(v[k], nil, nil, prefix .. tostring(k), push(keys, k), emit)
  end
end

-- Call emit(path, value, tname, keys) for every scalar in v.
function walk(v, lay, tname, path, keys, emit)
  if type(v) ~= "table" then
    emit(path, v, tname, keys)
  elseif v[1] ~= nil or next(v) == nil then
    walk_array(v, lay, tname, path, keys, emit)
  else
    walk_struct(v, lay, path, keys, emit)
  end
end

-- Every scalar of 'value' (as shm.read gives it) as {path, text}.
function M.fields(value, layout)
  local out = {}
  walk(value, layout, nil, "", nil, function(path, v, tname)
    out[#out + 1] = { path, M.value(v, tname) }
  end)
  return out
end

-- Every scalar of 'value' as { path =, keys = {k1, k2, ...}, type = C
-- type name }: where to find it in any value of the same layout.
function M.leaves(value, layout)
  local out = {}
  walk(value, layout, nil, "", {}, function(path, _, tname, keys)
    out[#out + 1] = { path = path, keys = keys, type = tname }
  end)
  return out
end

-- hexdump -C style lines of 'bytes', whose first byte is at offset 'base'.
-- With 'collapse', a run of lines equal to the one before is one "*" line.
function M.hexdump(bytes, base, collapse)
  local out, prev, starred = {}, nil, false
  for i = 1, #bytes, 16 do
    local chunk = bytes:sub(i, i + 15)
    if collapse and chunk == prev and #chunk == 16 then
      if not starred then out[#out + 1] = { "*", "*" } end
      starred = true
    else
      local hex = chunk:gsub(".", function(c) return ("%02x "):format(c:byte()) end)
      if #chunk > 8 then hex = hex:sub(1, 24) .. " " .. hex:sub(25) end
      local text = chunk:gsub("[^\32-\126]", ".")
      local off = ("%08x"):format(base + i - 1)
      out[#out + 1] = { off, ("%s  %-49s |%s|"):format(off, hex, text) }
      starred = false
    end
    prev = chunk
  end
  if collapse and starred then
    out[#out + 1] = { ("%08x"):format(base + #bytes), ("%08x"):format(base + #bytes) }
  end
  return out
end

-- A number as the shortest text that reads back as the same value (as
-- a 4-byte float when 'tname' is one); nan, inf, -inf for those.
function M.exact(v, tname)
  if math.type(v) == "integer" then
    return (v < 0 and isunsigned(tname)) and unsigned(v) or tostring(v)
  end
  if v ~= v then return "nan" end
  if v == math.huge then return "inf" end
  if v == -math.huge then return "-inf" end
  local single = float4[tname]
  for digits = single and 6 or 15, 17 do
    local s = ("%." .. digits .. "g"):format(v)
    local back = tonumber(s)
    if single then back = string.unpack("f", string.pack("f", back)) end
    if back == v then return s end
  end
  return ("%.17g"):format(v)
end

-- s with every byte that is not part of a UTF-8 character replaced by
-- U+FFFD, as text formats need.
function M.utf8(s)
  if utf8.len(s) then return s end
  local out, i = {}, 1
  while i <= #s do
    local n, bad = utf8.len(s, i)
    if n then out[#out + 1] = s:sub(i) break end
    out[#out + 1] = s:sub(i, bad - 1)
    out[#out + 1] = "\u{FFFD}"
    i = bad + 1
  end
  return table.concat(out)
end

-- A byte count for a column: exact below 10 KiB, else K/M/G/T.
function M.size(n)
  if n < 10240 then return tostring(n) end
  local units, i = { "K", "M", "G", "T" }, 0
  repeat n = n / 1024; i = i + 1 until n < 1024 or i == #units
  return ("%.1f%s"):format(n, units[i])
end

-- Rows of cells as columns, sizes (column 2) to the right, the last
-- column unpadded.
function M.columns(rows)
  local width = {}
  for _, r in ipairs(rows) do
    for i, c in ipairs(r) do width[i] = math.max(width[i] or 0, #c) end
  end
  local out = {}
  for _, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(r) do
      local pad = (" "):rep(width[i] - #c)
      cells[i] = i == #r and c or i == 2 and pad .. c or c .. pad
    end
    out[#out + 1] = table.concat(cells, "  ")
  end
  return table.concat(out, "\n") .. "\n"
end

return M
