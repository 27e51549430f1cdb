-- winshm.record.format: the bytes of a recording file (docs/recordings.md
-- is the specification; keep the two in step).
--
--   file   = header frame*
--   header = "WSHM-REC" u16 version u16 0 u32 n entries(n bytes) u32 crc
--   entry  = u8 klen key u32 vlen value          (text; see KEYS)
--   frame  = u32 len u8 kind f64 time payload(len bytes) u32 crc
--
-- All integers little-endian; each crc is zlib's CRC-32 of the bytes of
-- its header or frame before it.
--
--   format.header(crc32, entries) -> bytes   entries: { {key, value}, ... }
--   format.read_header(f, crc32, filesize) -> entries (key -> value),
--                                     offset of the first frame | nil, why
--   (frames are written by src/delta.c's frame, read by winshm.record.reader)
--   format.HEAD, format.TAIL          bytes before and after a payload
--   format.close(obj)                 close obj.f, once (recorders' and
--                                     recordings' close)
local M = {}

M.MAGIC = "WSHM-REC"
M.VERSION = 1
M.HEAD = 13     -- u32 len, u8 kind, f64 time
M.TAIL = 4      -- u32 crc
M.KINDS = { [0] = "full", [1] = "runs", [2] = "blocks" }
M.MAXHEADER = 64 * 1024 * 1024   -- a layout text of 64 MiB is not a layout

-- The keys every header has (others may follow; readers ignore keys they
-- do not know).
M.KEYS = { "name", "size", "offset", "length", "abi", "type", "layout", "fields",
           "start", "keyframe", "writer" }

local PRE = 8 + 2 + 2 + 4    -- magic, version, reserved, entries' length

function M.header(crc32, entries)
  local body = {}
  for i, e in ipairs(entries) do
    body[i] = string.pack("<s1s4", e[1], e[2])
  end
  body = table.concat(body)
  local head = M.MAGIC .. string.pack("<I2I2I4", M.VERSION, 0, #body) .. body
  return head .. string.pack("<I4", crc32(head))
end

-- Read exactly n bytes of f, or nil.
local function need(f, n)
  local s = f:read(n)
  if s == nil or #s < n then return nil end
  return s
end

-- The header of the file f (at its start) as key -> value, and where the
-- frames start; nil and why when it is not the whole header of a
-- recording this reader reads.
function M.read_header(f, crc32, filesize)
  local pre = f:read(PRE) or ""
  local m = math.min(#pre, #M.MAGIC)
  if #pre == 0 then return nil, "empty file" end
  if pre:sub(1, m) ~= M.MAGIC:sub(1, m) then return nil, "not a winshm recording" end
  if #pre < PRE then return nil, "truncated header" end
  local version, reserved, n = string.unpack("<I2I2I4", pre, #M.MAGIC + 1)
  if version > M.VERSION then
    return nil, ("made by a newer winshm: format version %d (this one reads %d)"):format(
      version, M.VERSION)
  end
  if version < 1 or reserved ~= 0 then return nil, "bad header (version or flags)" end
  if n > M.MAXHEADER or (filesize and PRE + n + 4 > filesize) then
    return nil, "truncated header"
  end
  local body, crc = need(f, n), need(f, 4)
  if not body or not crc then return nil, "truncated header" end
  if crc32(pre .. body) ~= string.unpack("<I4", crc) then
    return nil, "bad header checksum"
  end
  local t, i = {}, 1
  while i <= #body do
    local ok, k, v, nexti = pcall(string.unpack, "<s1s4", body, i)
    if not ok then return nil, "bad header entry" end
    t[k] = v
    i = nexti
  end
  for _, k in ipairs(M.KEYS) do
    if t[k] == nil then return nil, ("header has no '%s'"):format(k) end
  end
  return t, PRE + n + 4
end

function M.close(obj)
  local f = obj.f
  if f then
    obj.f = nil
    f:close()
  end
  return true
end

return M
