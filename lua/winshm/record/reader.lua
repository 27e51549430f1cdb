-- winshm.record.reader: shm.recording(path) -> recording | nil, message.
--
--   recording.layout, .name, .count, .duration     (seconds, first to last)
--   recording.size, .offset, .abi, .start (seconds since 1970), .note,
--   recording.scheme (nil or { seq = ... }), .header (every entry)
--   recording:frames([from_s [, to_s]]) -> iterator of time_s, table
--   recording:raw([from_s [, to_s]])    -> iterator of time_s, bytes
--   recording:close()                   (also __close and __gc)
--
-- Opening reads the header and every frame's head (not its payload):
-- frames past the end of the file -- the one a killed recorder was
-- writing -- are not counted.  A frame whose checksum or encoding is bad
-- raises an error naming it when the iterators reach it.
local ctext = require "winshm.record.ctext"
local format = require "winshm.record.format"

local M = {}

local Recording = { __name = "winshm.recording" }
Recording.__index = Recording

local function posint(s)
  local n = math.tointeger(tonumber(s))
  return n and n >= 0 and n or nil
end

-- The layout of header h: its C text parsed back, checked against the
-- sizes the header gives.
local function layout_of(shm, h)
  local ok, t = pcall(shm.cdef, h.layout, { name = "layout" })
  if not ok then return nil, "its layout does not parse: " .. tostring(t) end
  local layout = t[h.type]
  if shm.type(layout) ~= "layout" then
    return nil, ("its layout declares no type '%s'"):format(h.type)
  end
  if shm.sizeof(layout) ~= h.length then
    return nil, ("its layout has %d bytes, its frames %d"):format(shm.sizeof(layout), h.length)
  end
  return layout
end

-- Read the head of every frame from 'at' on: the count, the first and
-- last time, and the full frames (keys: { time, offset, number }).
local function scan(f, at, filesize, length)
  local keys, count, first, last = {}, 0, nil, -math.huge
  while at + format.HEAD + format.TAIL <= filesize do
    f:seek("set", at)
    local head = f:read(format.HEAD)
    local len, kind, time = string.unpack("<I4Bd", head)
    local where = ("frame %d (byte %d)"):format(count + 1, at)
    if not format.KINDS[kind] then return nil, where .. ": unknown kind " .. kind end
    if len > length then return nil, ("%s: %d bytes for a frame of %d"):format(where, len, length) end
    if at + format.HEAD + len + format.TAIL > filesize then break end  -- cut short
    if time ~= time or time < last or time == math.huge then
      return nil, ("%s: time %s out of order"):format(where, time)
    end
    if count == 0 and kind ~= 0 then return nil, where .. ": the first frame is not full" end
    if kind == 0 then keys[#keys + 1] = { time = time, offset = at, number = count + 1 } end
    count = count + 1
    first = first or time
    last = time
    at = at + format.HEAD + len + format.TAIL
  end
  return { keys = keys, count = count, first = first or 0, last = count > 0 and last or 0 }
end

function M.recording(shm, path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local function bad(why)
    f:close()
    return nil, ("%s: %s"):format(path, why)
  end
  local filesize = f:seek("end")
  f:seek("set", 0)
  local h, at = format.read_header(f, shm._rec.crc32, filesize)
  if not h then return bad(at) end
  for _, k in ipairs({ "size", "offset", "length" }) do
    h[k] = posint(h[k])
    if not h[k] then return bad(("header: bad '%s'"):format(k)) end
  end
  if h.offset + h.length > h.size then return bad("header: frames past the end of the region") end
  local layout, lerr = layout_of(shm, h)
  if not layout then return bad(lerr) end
  local index, serr = scan(f, at, filesize, h.length)
  if not index then return bad(serr) end
  local scheme
  if h.seq or h.check or h.begin then
    scheme = { seq = h.seq, check = h.check, begin = h.begin, ["end"] = h["end"] }
  end
  return setmetatable({
    f = f, path = path, shm = shm, header = h, layout = layout, index = index,
    name = h.name, size = h.size, offset = h.offset, abi = h.abi, note = h.note,
    start = tonumber(h.start), scheme = scheme, count = index.count,
    duration = index.last - index.first,
    pads = h.layout:find(ctext.PAD, 1, true) ~= nil,
  }, Recording)
end

-- The full frame to start from to reach time 'from'.
local function keyframe(index, from)
  local keys, lo, hi = index.keys, 1, #index.keys
  if hi == 0 or keys[1].time >= from then return keys[1] end
  while lo < hi do  -- the last key with time <= from
    local mid = (lo + hi + 1) // 2
    if keys[mid].time <= from then lo = mid else hi = mid - 1 end
  end
  return keys[lo]
end

function Recording:raw(from, to)
  if not self.f then error("attempt to use a closed recording", 2) end
  from, to = from or -math.huge, to or math.huge
  local key = keyframe(self.index, from)
  if not key then return function() return nil end end
  local at, n, prev = key.offset, key.number - 1, nil
  local f, codec, length = self.f, self.shm._rec, self.header.length
  return function()
    while n < self.count do
      if not self.f then error("attempt to use a closed recording", 2) end
      f:seek("set", at)
      local head = f:read(format.HEAD)
      local len, kind, time = string.unpack("<I4Bd", head)
      local payload = len > 0 and f:read(len) or ""
      local tail = f:read(format.TAIL)
      n = n + 1
      local where = ("%s: frame %d (byte %d)"):format(self.path, n, at)
      if #payload < len or not tail or #tail < format.TAIL then
        error(where .. ": cut short since the recording was opened", 0)
      end
      local crc = string.unpack("<I4", tail)
      at = at + format.HEAD + len + format.TAIL
      if codec.crc32(payload, codec.crc32(head)) ~= crc then
        error(where .. ": bad checksum", 0)
      end
      local bytes, why = codec.undelta(prev, kind, payload, length)
      if not bytes then error(("%s: %s"):format(where, why), 0) end
      prev = bytes
      if time > to then n = self.count return nil end
      if time >= from then return time, bytes end
    end
    return nil
  end
end

-- Remove padding members (the C text's, not the layout's) from t.
local function unpad(t)
  for k, v in pairs(t) do
    if type(k) == "string" and ctext.padding(k) then
      t[k] = nil
    elseif type(v) == "table" then
      unpad(v)
    end
  end
  return t
end

function Recording:frames(from, to)
  local raw = self:raw(from, to)
  local decode, layout = self.shm._rec.decode, self.layout
  return function()
    local time, bytes = raw()
    if not time then return nil end
    local t = decode(layout, bytes)
    return time, self.pads and unpad(t) or t
  end
end

Recording.close = format.close
Recording.__close = format.close
Recording.__gc = format.close

return M
