-- recording.lua: fuzz driver for recordings (lua/winshm/record/*.lua and
-- src/delta.c).  The input is used three ways:
--   - as a payload of every frame kind for the codec's undelta, which
--     gives a frame of the right size or nil and a message, never more;
--   - as a new frame encoded against an old one, which must decode back;
--   - as a file: as it is, and spliced after a good recording's header
--     (so that the frame heads get fuzzed); shm.recording opens it or
--     says why not, and reading its frames gives tables or raises a
--     message naming the file -- never a crash.
local shm = require "winshm"
local codec = shm._rec
local N = 64

local Frame = shm.struct { { "seq", "uint32_t" }, { "x", "double" }, { "s", "char", 20 },
                           { "w", "int16_t", 16 } }
local path = os.tmpname()
local good
do  -- a good recording of a few frames: its header is the splice point
  os.remove(path)
  local name = ("wshmfuzz_rec_%d_%d"):format(os.time(), math.random(1, 1e9))
  local link = assert(shm.create(name, Frame))
  shm.remove(name)
  local v = link:get_mut()
  local rec = assert(shm.record(path, v))
  for i = 1, 3 do
    v.seq, v.x, v.s = i, i / 3, ("f%d"):format(i)
    assert(rec:frame(i))
  end
  rec:close()
  link:close()
  local f = assert(io.open(path, "rb"))
  good = f:read("a")
  f:close()
end
local header_end = 16 + string.unpack("<I4", good, 13) + 4

local function open_and_read(bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  local r, err = shm.recording(path)
  if not r then
    if type(err) ~= "string" then fuzz.fail("shm.recording gave no message") end
    return
  end
  local ok, e = pcall(function()
    for t, frame in r:frames() do
      if type(t) ~= "number" or type(frame) ~= "table" then fuzz.fail("a frame that is not one") end
    end
  end)
  r:close()
  if not ok and type(e) ~= "string" then fuzz.fail("reading raised a non-string") end
end

return function(data)
  local prev = ("\170"):rep(N)
  for kind = 0, 3 do
    local r, err = codec.undelta(prev, kind, data, N)
    if r ~= nil and #r ~= N then fuzz.fail("undelta made a frame of the wrong size") end
    if r == nil and type(err) ~= "string" then fuzz.fail("undelta failed with no message") end
  end
  local cur = (data .. prev):sub(1, N)
  local kind, payload = codec.encode(prev, cur)
  if #payload > N then fuzz.fail("a change bigger than the frame") end
  if codec.undelta(prev, kind, payload, N) ~= cur then fuzz.fail("encode/undelta lost the frame") end
  open_and_read(data)
  open_and_read(good:sub(1, header_end) .. data)
end
