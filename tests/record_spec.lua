-- Recordings: shm.record / shm.recording, the file format and its codec
-- (lua/winshm/record*.lua, src/delta.c, src/record.c).
local shm = require "winshm"
local H = require "helper"

local T = require "tools_helper"
local tmppath = T.tmppath
local function slurp(p) return T.slurp(p, true) end

local function spit(p, s)
  local f = assert(io.open(p, "wb"))
  f:write(s)
  f:close()
end

local Vec = shm.struct { name = "Vec", { "x", "double" }, { "y", "double" } }
local Page = shm.struct { name = "Page",
  { "seq", "uint32_t" }, { "frame", "int32_t" }, { "speed", "float" },
  { "pos", Vec }, { "name", "char", 12 }, { "wheels", "float", 4 },
  { "grid", "int16_t", { 2, 3 } }, { "on", "bool" }, { "big", "uint64_t" },
}

-- A region of layout, a writable view, and a function to close both.
local function region(layout)
  local link = assert(shm.create(H.name("rec"), layout))
  return link, link:get_mut()
end

-- Record n frames of 'page' (frame i written by fill(v, i)) at times i/100.
local function record_frames(path, n, fill, opts, layout)
  local link, v = region(layout or Page)
  local rec = assert(shm.record(path, v, opts))
  for i = 1, n do
    fill(v, i)
    assert.is_true(rec:frame(i / 100))
  end
  rec:close()
  link:close()
  return rec
end

local function fill_page(v, i)
  v.frame = i
  v.speed = i / 4
  v.pos.x = i * 1.5
  v.name = "lap " .. (i // 10)
  v.wheels[(i % 4) + 1] = i
  v.grid[2][3] = -i
  v.on = i % 2 == 0
  v.big = -i   -- above 2^63 unsigned
end

describe("shm.record and shm.recording", function()
  it("round-trips every frame, its time and its values, in order", function()
    local path = tmppath()
    local rec = record_frames(path, 250, fill_page, { note = "a test" })
    assert.equal(250, rec.count)
    local r = assert(shm.recording(path))
    assert.equal(250, r.count)
    assert.near(2.49, r.duration, 1e-9)
    assert.equal("a test", r.note)
    assert.equal(shm.sizeof(Page), shm.sizeof(r.layout))
    local n = 0
    for t, fr in r:frames() do
      n = n + 1
      assert.near(n / 100, t, 1e-12)
      assert.equal(n, fr.frame)
      assert.equal(n / 4, fr.speed)
      assert.equal(n * 1.5, fr.pos.x)
      assert.equal("lap " .. (n // 10), fr.name)
      assert.equal(n, fr.wheels[(n % 4) + 1])
      assert.equal(-n, fr.grid[2][3])
      assert.equal(n % 2 == 0, fr.on)
      assert.equal(-n, fr.big)
    end
    assert.equal(250, n)
    r:close()
    os.remove(path)
  end)

  it("names the region, its size and the recorded view's offset", function()
    local path = tmppath()
    local name = H.name("recoff")
    local link = assert(shm.create(name, 4096))
    local v = link:view(Page, 1000, "rw")
    v.frame = 7
    local rec = assert(shm.record(path, v))
    assert(rec:frame())
    rec:close()
    local r = assert(shm.recording(path))
    assert.equal(name, r.name)
    assert.equal(link:size(), r.size)
    assert.equal(1000, r.offset)
    local t, fr = r:frames()()
    assert.is_true(t >= 0 and t < 5)
    assert.equal(7, fr.frame)
    r:close()
    link:close()
    os.remove(path)
  end)

  it("seeks through full frames: frames(from, to) gives just that span", function()
    local path = tmppath()
    record_frames(path, 1000, fill_page, { keyframe = 0.5 })
    local r = assert(shm.recording(path))
    assert.is_true(#r.index.keys >= 19, #r.index.keys)   -- every 0.5 s
    local got = {}
    for t, fr in r:frames(7.005, 7.05) do got[#got + 1] = fr.frame assert.near(fr.frame / 100, t, 1e-12) end
    assert.same({ 701, 702, 703, 704, 705 }, got)
    got = {}
    for _, fr in r:frames(9.985) do got[#got + 1] = fr.frame end
    assert.same({ 999, 1000 }, got)
    got = {}
    for _, fr in r:frames(nil, 0.025) do got[#got + 1] = fr.frame end
    assert.same({ 1, 2 }, got)
    r:close()
    os.remove(path)
  end)

  it("stores frames as changes: a page changing little takes little room", function()
    local path = tmppath()
    local Big = shm.struct { { "n", "uint32_t" }, { "rest", "uint8_t", 4092 } }
    local rec = record_frames(path, 500, function(v, i) v.n = i end, { keyframe = 1e9 }, Big)
    local size = #slurp(path)
    assert.is_true(size < 4096 * 500 / 100, size)   -- under 1% of the raw size
    assert.equal(rec.bytes, size)
    local r = assert(shm.recording(path))
    local last
    for _, fr in r:frames() do last = fr.n end
    assert.equal(500, last)
    r:close()
    os.remove(path)
  end)

  it("reads consistently under a scheme, and says 'torn' when the copy never is", function()
    local path = tmppath()
    local link, v = region(Page)
    local rec = assert(shm.record(path, v, { scheme = { seq = "seq" }, tries = 3 }))
    shm.write_consistent(v, { seq = "seq" }, { frame = 5 })
    assert.is_true(rec:frame())
    v.seq = 7   -- odd: a writer that never finishes
    assert.same({ nil, "torn" }, { rec:frame() })
    rec:close()
    local r = assert(shm.recording(path))
    assert.equal(1, r.count)
    assert.same({ seq = "seq" }, r.scheme)
    r:close()
    link:close()
    os.remove(path)
  end)

  it("refuses bad arguments with clear errors", function()
    local path = tmppath()
    local link, v = region(Page)
    assert.has_error(function() shm.record(path, v, { bogus = 1 }) end,
      "shm.record: invalid option 'bogus'")
    assert.has_error(function() shm.record(path, v, { scheme = { seq = "nope" } }) end)
    assert.has_error(function() shm.record(path, v.wheels) end)
    assert.has_error(function() shm.record(path, 42) end)
    assert.is_nil(io.open(path))   -- nothing was created
    local rec = assert(shm.record(path, v))
    assert.is_true(rec:frame(1))
    assert.has_error(function() rec:frame(0.5) end)
    assert.has_error(function() rec:frame(0 / 0) end)
    assert.has_error(function() rec:frame("soon") end)
    rec:close()
    rec:close()
    assert.has_error(function() rec:frame() end, "attempt to use a closed recorder")
    -- an existing file is never overwritten
    local again, err = shm.record(path, v)
    assert.is_nil(again)
    assert.matches("exists", err)
    link:close()
    os.remove(path)
  end)

  it("refuses a path it cannot create, with the system's reason", function()
    local link, v = region(Page)
    local rec, err = shm.record(tmppath() .. "/no/such/dir", v)
    assert.is_nil(rec)
    assert.matches("No such file", err)
    link:close()
  end)

  it("a closed recording refuses to iterate", function()
    local path = tmppath()
    record_frames(path, 3, fill_page)
    local r = assert(shm.recording(path))
    local it = r:frames()
    assert.is_truthy(it())
    r:close()
    r:close()
    assert.has_error(function() it() end, "attempt to use a closed recording")
    assert.has_error(function() r:frames() end, "attempt to use a closed recording")
    os.remove(path)
  end)
end)

describe("a recording's layout as C text", function()
  local ctext = require "winshm.record.ctext"

  -- Declare, parse back, compare: offsets, sizes, alignments, types.
  local function roundtrip(layout)
    local text, tname = ctext.declare(shm, layout)
    local ok, why = ctext.check(shm, layout, text, tname)
    assert(ok, tostring(why) .. "\n" .. text)
    return text
  end

  it("round-trips nested structs, arrays, unions, packing, alignment and explicit offsets", function()
    local U = shm.union { name = "U", { "i", "int32_t" }, { "f", "float" }, { "b", "uint8_t", 4 } }
    local P = shm.struct { name = "P", pack = 1, { "c", "char" }, { "d", "double" } }
    local P2 = shm.struct { name = "P2", pack = 2, { "c", "char" }, { "d", "double" } }
    local A = shm.struct { name = "A", align = 16, { "x", "float" } }
    local Other = shm.struct { name = "Vec", { "z", "int8_t" } }   -- a second "Vec"
    local W = shm.struct { name = "W", abi = "windows", { "l", "long" }, { "w", "wchar_t", 8 },
      { "u", "unsigned long" } }
    local S = shm.struct { { "s", "long" }, { "w", "wchar_t", 3 } }   -- sysv, anonymous
    local Game = shm.struct { name = "Game", abi = "windows",
      { "tick", "uint32_t" }, { "pos", Vec }, { "grid", "int16_t", { 2, 3, 2 } },
      { "u", U }, { "p", P }, { "p2", P2 }, { "a", A }, { "o", Other }, { "w", W }, { "s", S },
      { "name", "char", 16 }, { "at", "uint8_t", offset = 301 }, { "odd", "int32_t", offset = 309 },
      { "vs", Vec, { 2, 2 } }, { "b", "bool" }, { "c16", "char16_t", 4 }, { "c32", "char32_t", 2 },
      size = 512, align = 32 }
    local text = roundtrip(Game)
    assert.matches("#pragma pack(push, 1)", text, 1, true)
    assert.matches("struct Vec_2 {", text, 1, true)
    roundtrip(U)
    roundtrip(P)
    roundtrip(shm.union { { "a", "double" }, { "b", "char", 3 }, size = 16 })
    roundtrip(shm.struct { { "a", "int32_t" }, size = 64 })
    roundtrip(shm.struct { { "a", "char" }, { "b", "int64_t", offset = 3 } })
  end)

  it("lists every scalar field for readers that do not read C", function()
    local text = ctext.leaves(shm, shm.struct { { "a", "int32_t" }, { "v", Vec, 2 }, { "s", "char", 5 },
      { "m", "uint8_t", { 2, 2 } } })
    assert.equal(table.concat({ "0\tint32_t\t-\ta", "8\tdouble\t-\tv[1].x", "16\tdouble\t-\tv[1].y",
      "24\tdouble\t-\tv[2].x", "32\tdouble\t-\tv[2].y", "40\tchar\t5\ts", "45\tuint8_t\t2x2\tm" }, "\n"), text)
  end)

  it("refuses a layout that C cannot declare, naming why", function()
    local path = tmppath()
    local L = shm.struct { { "double", "int32_t" } }   -- a keyword as a name
    local link = assert(shm.create(H.name("kw"), L))
    local ok, err = pcall(shm.record, path, link:get())
    assert.is_false(ok)
    assert.matches("cannot be written as C declarations", err)
    assert.is_nil(io.open(path))
    link:close()
  end)
end)

describe("the frame codec", function()
  local codec = shm._rec

  it("computes zlib's CRC-32", function()
    assert.equal(0xCBF43926, codec.crc32("123456789"))
    assert.equal(0, codec.crc32(""))
    assert.equal(codec.crc32("123456789"), codec.crc32("6789", codec.crc32("12345")))
  end)

  it("decodes what it encodes, for random changes of every density", function()
    math.randomseed(17)
    for _ = 1, 300 do
      local n = math.random(0, 300)
      local a = {}
      for i = 1, n do a[i] = string.char(math.random(0, 255)) end
      local b = table.move(a, 1, n, 1, {})
      local density = math.random()
      for i = 1, n do
        if math.random() < density * density then b[i] = string.char(math.random(0, 255)) end
      end
      local sa, sb = table.concat(a), table.concat(b)
      local kind, payload = codec.encode(sa, sb)
      assert.is_true(#payload <= n)
      assert.equal(sb, codec.undelta(sa, kind, payload, n))
      local k0, full = codec.encode(nil, sb)
      assert.equal(0, k0)
      assert.equal(sb, full)
    end
  end)

  it("picks runs for sparse changes and blocks for dense scattered words", function()
    local a = ("\0"):rep(2048)
    local kind, payload = codec.encode(a, "\1" .. a:sub(2))
    assert.equal(1, kind)
    assert.equal(3, #payload)
    local words = {}
    for i = 0, 511 do words[i + 1] = i % 10 == 3 and "\1\2\3\4" or "\0\0\0\0" end
    kind, payload = codec.encode(a, table.concat(words))
    assert.equal(2, kind)
    assert.is_true(#payload < 2048 * 0.14, #payload)
    assert.same({ 1, "" }, { codec.encode(a, a) })
  end)

  it("refuses malformed payloads with a message, never reading past them", function()
    local a = ("x"):rep(10)
    for _, c in ipairs({
      { 1, "\11\1A" }, { 1, "\0\11" .. ("A"):rep(11) }, { 1, "\0\5AB" }, { 1, "\128" },
      { 1, "\0\0" }, { 2, "\7" }, { 2, "\0" }, { 2, "\0\255\3" }, { 2, "\3\1" .. ("A"):rep(9) },
      { 0, "short" }, { 3, "" },
    }) do
      local r, err = codec.undelta(a, c[1], c[2], 10)
      assert.is_nil(r)
      assert.is_string(err)
    end
    assert.same({ nil, "a change with no frame before it" }, { codec.undelta(nil, 1, "", 10) })
  end)
end)

-- Bad files: every kind gives nil and a message naming the file, never a
-- crash or a hang.
describe("shm.recording of a bad file", function()
  local good, good_path
  setup(function()
    good_path = tmppath()
    record_frames(good_path, 20, fill_page)
    good = slurp(good_path)
  end)
  teardown(function() os.remove(good_path) end)

  local function refused(bytes, pattern)
    local p = tmppath()
    spit(p, bytes)
    local r, err = shm.recording(p)
    os.remove(p)
    assert.is_nil(r, pattern)
    assert.is_string(err)
    assert.matches(p, err, 1, true)
    if pattern then assert.matches(pattern, err) end
    return err
  end

  local function header_end()
    local n = string.unpack("<I4", good, 13)
    return 16 + n + 4
  end

  it("random bytes, and an empty file", function()
    math.randomseed(3)
    for _ = 1, 50 do
      local t = {}
      for i = 1, math.random(0, 400) do t[i] = string.char(math.random(0, 255)) end
      refused(table.concat(t))
    end
    refused("", "empty")
    refused("PK\3\4 a zip file", "not a winshm recording")
  end)

  it("cut at every offset of the header", function()
    for i = 1, header_end() - 1 do
      refused(good:sub(1, i), "truncated header")
    end
  end)

  it("a header with a flipped bit fails its checksum", function()
    local i = header_end() - 40
    refused(good:sub(1, i - 1) .. string.char(good:byte(i) ~ 1) .. good:sub(i + 1), "checksum")
  end)

  it("a newer format version", function()
    refused(good:sub(1, 8) .. string.pack("<I2", 2) .. good:sub(11),
      "newer winshm: format version 2 %(this one reads 1%)")
  end)

  it("a huge header length, frame length or frame count", function()
    refused(good:sub(1, 12) .. string.pack("<I4", 0xFFFFFFFF) .. good:sub(17), "truncated header")
    local at = header_end()
    refused(good:sub(1, at) .. string.pack("<I4", 0xFFFF0000) .. good:sub(at + 5) .. ("\0"):rep(0x10000),
      "bytes for a frame of")
    -- a million frames claimed by a file that holds twenty: only what is there counts
    local r = assert(shm.recording(good_path))
    assert.equal(20, r.count)
    r:close()
  end)

  it("a layout text that does not parse, or does not fit the frames", function()
    local function with_layout(text)
      -- rebuild the header with another layout entry
      local format = require "winshm.record.format"
      local f = assert(io.open(good_path, "rb"))
      local h = assert(format.read_header(f, shm._rec.crc32))
      f:close()
      local entries = {}
      for _, k in ipairs(format.KEYS) do entries[#entries + 1] = { k, k == "layout" and text or h[k] } end
      return format.header(shm._rec.crc32, entries) .. good:sub(header_end() + 1)
    end
    refused(with_layout("struct Page { int x"), "layout does not parse")
    refused(with_layout("struct Other { int x; };"), "declares no type 'Page'")
    refused(with_layout("struct Page { int x; };"), "has 4 bytes, its frames")
  end)

  it("a frame of unknown kind, out of order, or damaged", function()
    local at = header_end()
    local len = string.unpack("<I4", good, at + 1)
    local second = at + 13 + len + 4
    refused(good:sub(1, at + 4) .. "\9" .. good:sub(at + 6), "unknown kind 9")
    refused(good:sub(1, second + 5) .. string.pack("<d", -1) .. good:sub(second + 14), "out of order")
    refused(good:sub(1, at + 4) .. "\1" .. good:sub(at + 6), "first frame is not full")
    -- a damaged payload opens (heads are fine) and fails when read
    local p = tmppath()
    spit(p, good:sub(1, at + 20) .. string.char(good:byte(at + 21) ~ 0xff) .. good:sub(at + 22))
    local r = assert(shm.recording(p))
    local ok, err = pcall(function() for _ in r:frames() do end end)
    r:close()
    os.remove(p)
    assert.is_false(ok)
    assert.matches("frame 1 %(byte %d+%): bad checksum", err)
  end)

  it("cut inside any frame: every whole frame before the cut is read", function()
    local at = header_end()
    local cuts = 0
    for cut = at, #good, 7 do
      local p = tmppath()
      spit(p, good:sub(1, cut))
      local r = assert(shm.recording(p))
      local n = 0
      for _, fr in r:frames() do n = n + 1 assert.equal(n, fr.frame) end
      assert.equal(r.count, n)
      r:close()
      os.remove(p)
      cuts = cuts + 1
    end
    assert.is_true(cuts > 20)
  end)
end)

describe("a recorder killed at random moments #posix", function()
  -- The recorder writes frames as fast as it can, large and small ones;
  -- frame i holds i in 'n' and in every word of 'fill' up to its size.
  local RECORDER = [[
    local shm = require "winshm"
    local path = ...
    local L = shm.struct { { "n", "uint32_t" }, { "m", "uint32_t" }, { "fill", "uint32_t", 16384 } }
    local link = assert(shm.create(path:gsub("[^%w]", "_"), L))
    local v = link:get_mut()
    local rec = assert(shm.record(path, v))
    print("ready")
    io.stdout:flush()
    for i = 1, math.huge do
      v.n = i
      local m = (i % 3 == 0) and 16384 or i % 50
      v.m = m
      for k = 1, m do v.fill[k] = i end
      rec:frame()
    end
  ]]

  it("leaves a file readable up to its last whole frame, every time", function()
    math.randomseed(os.time())
    for round = 1, 8 do
      local path = tmppath()
      local p = H.spawn(RECORDER, path)
      assert.truthy(H.until_true(function()
        local f = io.open(p.out)
        local s = f and f:read("a")
        if f then f:close() end
        return s and s:find("ready", 1, true)
      end, 30), "the recorder did not start")
      H.sleep(math.random() * 0.3 * (round % 4))   -- at once, or up to 0.9 s later
      p:kill("KILL")
      p:wait()
      local r, err = shm.recording(path)
      assert(r, err)
      local n = 0
      for _, fr in r:frames() do
        n = n + 1
        assert.equal(n, fr.n)
        for k = 1, fr.m do
          if fr.fill[k] ~= n then error(("frame %d: word %d is %d"):format(n, k, fr.fill[k])) end
        end
      end
      assert.equal(r.count, n)
      r:close()
      os.remove(path)
    end
  end)
end)

describe("shm._rec, what recordings take from C", function()
  it("decodes a frame's bytes as shm.read reads them, refusing other sizes", function()
    local link, v = region(Page)
    fill_page(v, 9)
    local bytes = link:read_bytes(0, shm.sizeof(Page))
    assert.same(shm.read(v), shm._rec.decode(Page, bytes))
    local into = shm._rec.decode(Page, bytes)
    assert.equal(into, shm._rec.decode(Page, bytes, into))
    assert.has_error(function() shm._rec.decode(Page, bytes .. "x") end)
    assert.has_error(function() shm._rec.decode(v, bytes) end)
    link:close()
  end)

  it("gives a field's offset and size by its path", function()
    assert.same({ 0, 4 }, { shm._rec.span(Page, "seq") })
    assert.same({ 24, 8 }, { shm._rec.span(Page, "pos.y") })
    assert.same({ 48, 4 }, { shm._rec.span(Page, "wheels[2]") })
    assert.has_error(function() shm._rec.span(Page, "nope") end, "no field 'nope' in layout 'Page'")
  end)
end)

describe("a stored frame", function()
  it("is its head, its payload and the CRC-32 of both, as docs/recordings.md says", function()
    local codec = shm._rec
    local a, b = ("\0"):rep(100), ("\0"):rep(50) .. "xy" .. ("\0"):rep(48)
    local frame, kind = codec.frame(a, b, 1.25)
    local _, payload = codec.encode(a, b)
    assert.equal(kind, (codec.encode(a, b)))
    local head = string.pack("<I4Bd", #payload, kind, 1.25)
    assert.equal(head .. payload .. string.pack("<I4", codec.crc32(head .. payload)), frame)
    local full = codec.frame(nil, b, 0)
    assert.equal(string.pack("<I4Bd", 100, 0, 0) .. b, full:sub(1, -5))
  end)
end)
