-- ffi_peer.lua N [REPS]: LuaJIT's way to the same field -- an FFI struct
-- pointer over a POSIX shared memory mapping -- read in the same loop the
-- winshm case runs.  Meant for `luajit -joff` (the interpreter, no
-- traces).  Prints the median of REPS timings, in seconds of this
-- thread's CPU per field read.
local ffi = require "ffi"
ffi.cdef [[
typedef struct { uint32_t u32; double f64; } State;
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct bench_timespec *ts);
int shm_open(const char *name, int oflag, unsigned mode);
int shm_unlink(const char *name);
int ftruncate(int fd, int64_t length);
void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t off);
int munmap(void *addr, size_t length);
int close(int fd);
]]
local C = ffi.C
local O_RDWR, O_CREAT, O_EXCL = 2, 64, 128
local PROT_RW, MAP_SHARED, CLOCK_THREAD_CPUTIME_ID = 3, 1, 3

local n, reps = tonumber(arg[1]) or 1000000, tonumber(arg[2]) or 3
local name = ("/winshm_ffi_peer_%d_%d"):format(os.time(), math.random(1e6))
local fd = C.shm_open(name, O_RDWR + O_CREAT + O_EXCL, 384)
assert(fd >= 0, "shm_open failed")
C.shm_unlink(name)
assert(C.ftruncate(fd, 4096) == 0, "ftruncate failed")
local p = C.mmap(nil, 4096, PROT_RW, MAP_SHARED, fd, 0)
assert(ffi.cast("intptr_t", p) ~= -1, "mmap failed")
local st = ffi.cast("State *", p)
st.u32 = 7

local ts = ffi.new("struct bench_timespec")
local function cpu()
  C.clock_gettime(CLOCK_THREAD_CPUTIME_ID, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local function reads(k)
  local s = 0
  for _ = 1, k do s = s + st.u32 end
  return s
end

reads(math.floor(n / 10))  -- warm up
local times = {}
for i = 1, reps do
  local t0 = cpu()
  reads(n)
  times[i] = (cpu() - t0) / n
end
table.sort(times)
print(("%.12f"):format(times[math.floor((#times + 1) / 2)]))
C.munmap(p, 4096)
C.close(fd)
