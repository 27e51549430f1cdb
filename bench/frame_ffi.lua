-- frame_ffi.lua DESC NAME SEQ FRAMES REPS [dump]: LuaJIT's way to a whole
-- frame of a page in shared memory -- ffi.copy of the page into a struct
-- (while its sequence counter SEQ is even and the same before and after),
-- then every field into a Lua table, refilled in place frame after frame
-- as winshm's read_consistent with 'into' does.  The C declarations for
-- ffi.cdef and the Lua code that fills the table are generated from DESC
-- (bench/describe.lua's description of the layout; ffi.sizeof and
-- ffi.offsetof are checked against it).  The region is the POSIX shared
-- memory object /NAME, opened with shm_open and mapped read-only with
-- mmap, both declared from libc with ffi.cdef.  Run with `luajit` (the
-- JIT) or `luajit -joff` (the interpreter).  Prints the median of REPS
-- timings of FRAMES frames, in seconds of this thread's CPU per frame;
-- with "dump", the frame's values as bench.lua's dump prints them.
local ffi = require "ffi"
local HERE = arg[0]:match("^(.*[/\\])") or "./"
local parse = dofile(HERE .. "desc.lua")
local descpath, name, seq = arg[1], arg[2], arg[3]
local frames, reps = tonumber(arg[4]), tonumber(arg[5])

ffi.cdef [[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct bench_timespec *ts);
int shm_open(const char *name, int oflag, unsigned mode);
void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t off);
int munmap(void *addr, size_t length);
int close(int fd);
size_t strnlen(const char *s, size_t maxlen);
]]
local C = ffi.C
local O_RDONLY, PROT_READ, MAP_SHARED, CLOCK_THREAD_CPUTIME_ID = 0, 1, 1, 3

local file = assert(io.open(descpath))
local structs = parse(file:read("*a"))
file:close()
local page = structs[#structs]

-- The C declarations, and a fill function per struct as Lua source.
local decl, src = {}, { "local C, ffi = ...", "local type = type" }
local function emit(fmt, ...) src[#src + 1] = fmt:format(...) end
for _, s in ipairs(structs) do
  local lines = {}
  for _, f in ipairs(s.fields) do
    local dims = {}
    for i, d in ipairs(f.dims) do dims[i] = ("[%d]"):format(d) end
    lines[#lines + 1] = ("  %s%s %s%s;"):format(f.struct and "struct " or "",
      f.type, f.name, table.concat(dims))
  end
  decl[#decl + 1] = ("struct %s {\n%s\n};"):format(s.name, table.concat(lines, "\n"))
end
ffi.cdef(table.concat(decl, "\n"))
for _, s in ipairs(structs) do
  assert(ffi.sizeof("struct " .. s.name) == s.size, "LuaJIT lays out " .. s.name .. " otherwise")
  for _, f in ipairs(s.fields) do
    assert(ffi.offsetof("struct " .. s.name, f.name) == f.offset,
      "LuaJIT places " .. s.name .. "." .. f.name .. " otherwise")
  end
end

-- Emit what stores the value x of field f (array level d on) at dest.
local function fill(f, d, x, dest, depth, ind)
  local text = f.type == "char"
  if d <= #f.dims - (text and 1 or 0) then
    local t, i = "t" .. depth, "i" .. depth
    emit("%slocal %s = %s", ind, t, dest)
    emit("%sif type(%s) ~= 'table' then %s = {} %s = %s end", ind, t, t, dest, t)
    emit("%sfor %s = 0, %d do", ind, i, f.dims[d] - 1)
    fill(f, d + 1, ("%s[%s]"):format(x, i), ("%s[%s + 1]"):format(t, i), depth + 1, ind .. "  ")
    emit("%send", ind)
  elseif f.struct then
    local t = "t" .. depth
    emit("%slocal %s = %s", ind, t, dest)
    emit("%sif type(%s) ~= 'table' then %s = {} %s = %s end", ind, t, t, dest, t)
    emit("%sfill_%s(%s, %s)", ind, f.type, t, x)
  elseif text then
    emit("%s%s = ffi.string(%s, C.strnlen(%s, %d))", ind, dest, x, x, f.dims[#f.dims])
  else
    emit("%s%s = %s", ind, dest, x)
  end
end
for _, s in ipairs(structs) do
  emit("local function fill_%s(t, s)", s.name)
  for _, f in ipairs(s.fields) do fill(f, 1, "s." .. f.name, "t." .. f.name, 0, "  ") end
  emit("end")
end
emit("return fill_%s", page.name)
local fillpage = assert(load(table.concat(src, "\n")))(C, ffi)

local size = page.size
local fd = C.shm_open("/" .. name, O_RDONLY, 0)
assert(fd >= 0, "shm_open failed")
local map = C.mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
C.close(fd)
assert(ffi.cast("intptr_t", map) ~= -1, "mmap failed")
local seqp
for _, f in ipairs(page.fields) do
  if f.name == seq then seqp = ffi.cast("const int32_t *", ffi.cast("const char *", map) + f.offset) end
end
local copy = ffi.new("struct " .. page.name)

local function frame(t)
  for _ = 1, 100 do
    local s1 = seqp[0]
    if s1 % 2 == 0 then
      ffi.copy(copy, map, size)
      if seqp[0] == s1 then
        fillpage(t, copy)
        return t
      end
    end
  end
end

local ts = ffi.new("struct bench_timespec")
local function cpu()
  C.clock_gettime(CLOCK_THREAD_CPUTIME_ID, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local t = frame({})
if arg[6] == "dump" then
  print(dofile(HERE .. "dump.lua")(t))
  os.exit(0)
end
for _ = 1, math.floor(frames / 10) do frame(t) end  -- warm up
local times = {}
for r = 1, reps do
  local t0 = cpu()
  for _ = 1, frames do frame(t) end
  times[r] = (cpu() - t0) / frames
end
table.sort(times)
print(("%.12f"):format(times[math.floor((#times + 1) / 2)]))
C.munmap(map, size)
