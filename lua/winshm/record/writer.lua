-- winshm.record.writer: shm.record(path, view [, opts]) -> recorder.
--
--   rec:frame([time_s]) -> true | nil, "torn"
--   rec:close()                     (also __close and __gc)
--   rec.count, rec.bytes            frames and bytes written so far
--
-- The file is created new (never an existing one).  The header is one
-- write; each frame is one write, flushed, so that a recorder killed at
-- any moment leaves every frame before the one it was writing whole.
-- Each frame is the view's bytes as shm._snapshot copies them (under the
-- scheme, if any).
local ctext = require "winshm.record.ctext"
local format = require "winshm.record.format"

local M = {}

local Recorder = { __name = "winshm.recorder" }
Recorder.__index = Recorder

local OPTS = { scheme = true, note = true, keyframe = true, tries = true }
local SCHEME_KEYS = { seq = true, check = true, begin = true, ["end"] = true, timeout = true }

-- Errors of shm.record name it; the caller is C (src/record.c), so they
-- carry no position.
local function raise(fmt, ...)
  error("shm.record: " .. fmt:format(...), 0)
end

-- The message of a raised error, without the position.
local function message(e)
  return (tostring(e):gsub("^[^\n]-:%d+: ", ""))
end

local function checkopts(opts)
  for k in pairs(opts) do
    if not OPTS[k] then raise("invalid option '%s'", tostring(k)) end
  end
  local s = opts.scheme
  if s ~= nil then
    if type(s) ~= "table" then raise("scheme must be a table") end
    for k in pairs(s) do
      if not SCHEME_KEYS[k] then raise("invalid field name '%s' in scheme", tostring(k)) end
    end
  end
  if opts.note ~= nil and type(opts.note) ~= "string" then raise("note must be a string") end
  local kf = opts.keyframe
  if kf ~= nil and (type(kf) ~= "number" or not (kf > 0 and kf < math.huge)) then
    raise("keyframe must be a positive number of seconds")
  end
  local tries = opts.tries
  if tries ~= nil and (math.type(tries) ~= "integer" or tries < 1) then
    raise("tries must be a positive integer")
  end
end

-- The header entries of a recording of 'view'.
local function entries(shm, link, layout, offset, opts, text, tname)
  local e = {
    { "name", link:name() }, { "size", tostring(link:size()) },
    { "offset", tostring(offset) }, { "length", tostring(shm.sizeof(layout)) },
    { "abi", tostring(layout):match("abi (%w+)") or "native" },
    { "type", tname }, { "layout", text }, { "fields", ctext.leaves(shm, layout) },
    { "start", ("%.6f"):format(shm._sys.time()) },
    { "keyframe", ("%g"):format(opts.keyframe or 5) },
    { "writer", "winshm " .. shm._VERSION },
  }
  local s = opts.scheme or {}
  for _, k in ipairs({ "seq", "check", "begin", "end" }) do
    if s[k] then e[#e + 1] = { k, s[k] } end
  end
  if opts.note then e[#e + 1] = { "note", opts.note } end
  return e
end

function M.record(shm, path, view, opts)
  opts = opts or {}
  checkopts(opts)
  if shm.type(view) ~= "view" then raise("bad argument #2 (view expected, got %s)", type(view)) end
  local vok, link, layout, offset = pcall(shm._rec.viewinfo, view)
  if not vok then raise("bad argument #2 (%s)", message(link):match("%((.*)%)$") or message(link)) end
  local dok, text, tname = pcall(ctext.declare, shm, layout)
  local ok, why = dok, text
  if dok then ok, why = ctext.check(shm, layout, text, tname) end
  if not ok then raise("the layout cannot be written as C declarations: %s", message(why)) end
  if opts.scheme then  -- a scheme that does not fit the view raises
    local sok, serr = pcall(shm.read_consistent, view, opts.scheme, 1)
    if not sok then raise("bad scheme: %s", message(serr)) end
  end
  local f, err = shm._sys.create(path)
  if not f then return nil, err end
  local head = format.header(shm._rec.crc32, entries(shm, link, layout, offset, opts, text, tname))
  local wok, werr = f:write(head)
  if wok then wok, werr = f:flush() end
  if not wok then
    f:close()
    os.remove(path)
    return nil, werr
  end
  local rec = setmetatable({
    shm = shm, f = f, path = path, link = link, view = view, layout = layout,
    offset = offset, length = shm.sizeof(layout), scheme = opts.scheme,
    tries = opts.tries or 100, keyframe = opts.keyframe or 5,
    t0 = shm._sys.clock(), last = -math.huge, lastkey = -math.huge,
    count = 0, bytes = #head,
  }, Recorder)
  return rec
end

function Recorder:frame(time)
  if not self.f then error("attempt to use a closed recorder", 2) end
  if time == nil then   -- now, in whole microseconds
    time = math.floor((self.shm._sys.clock() - self.t0) * 1e6 + 0.5) / 1e6
  elseif type(time) ~= "number" or time ~= time or time == math.huge or time == -math.huge then
    error("bad argument #1 to 'frame' (finite number of seconds expected)", 2)
  end
  if time < self.last then
    error(("bad argument #1 to 'frame' (time %.6f is before the last frame's, %.6f)")
      :format(time, self.last), 2)
  end
  local bytes, why = self.shm._snapshot(self.view, self.scheme, self.tries)
  if not bytes then return nil, why end
  local full = time - self.lastkey >= self.keyframe
  if full then self.lastkey = time end
  local frame = self.shm._rec.frame(not full and self.prev or nil, bytes, time)
  local ok, err = self.f:write(frame)
  if ok then ok, err = self.f:flush() end
  if not ok then error(("cannot write to '%s': %s"):format(self.path, err), 2) end
  self.prev, self.last = bytes, time
  self.count = self.count + 1
  self.bytes = self.bytes + #frame
  return true
end

Recorder.close = format.close
Recorder.__close = format.close
Recorder.__gc = format.close

return M
