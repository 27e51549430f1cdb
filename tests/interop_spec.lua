-- Interop: regions made by other programs (Python's
-- multiprocessing.shared_memory, a plain C shm_open program) open, read
-- and write as expected, and winshm never removes them; and the other
-- way round, those programs open what winshm made.
local shm = require "winshm"
local H = require "helper"

local sh = H.sh

local function have(cmd)
  return (sh("command -v " .. cmd))
end

local function tmpwrite(src, suffix)
  local path = os.tmpname() .. (suffix or "")
  local f = assert(io.open(path, "w"))
  f:write(src)
  f:close()
  return path
end

-- Python: SharedMemory(name) is /name.  Python 3.8-3.12 register every
-- segment they open with the resource tracker, which unlinks it when the
-- program ends; the script unregisters so the segment outlives it, as a
-- long-running Python producer's would.
local PY = [[
import sys
from multiprocessing import shared_memory, resource_tracker
op, name = sys.argv[1], sys.argv[2]
if op == "create":
    m = shared_memory.SharedMemory(name=name, create=True, size=4096)
    m.buf[0:11] = b"from python"
else:
    m = shared_memory.SharedMemory(name=name)
resource_tracker.unregister(m._name, "shared_memory")
if op == "read":
    sys.stdout.write(bytes(m.buf[100:108]).decode())
    m.buf[200:206] = b"py was"
elif op == "unlink":
    m.unlink()
m.close()
]]

-- C: create (and fill), read, or unlink /name with nothing but POSIX calls.
local C_SRC = [[
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
int main (int argc, char **argv) {
  char name[300];
  int fd;
  unsigned char *p;
  snprintf(name, sizeof name, "/%s", argv[2]);
  if (strcmp(argv[1], "unlink") == 0) return shm_unlink(name) != 0;
  if (strcmp(argv[1], "hold") == 0) {
    /* map it, say so by creating argv[3], wait until that file is gone,
       then check the mapping still holds what was written */
    int i;
    FILE *f;
    fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) return 2;
    p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 3;
    memcpy(p + 300, "held", 4);
    if ((f = fopen(argv[3], "w")) == NULL) return 4;
    fclose(f);
    for (i = 0; i < 600 && access(argv[3], F_OK) == 0; i++) usleep(50000);
    return memcmp(p + 300, "held", 4) != 0 ? 5 : 0;
  }
  fd = shm_open(name, strcmp(argv[1], "create") == 0 ? O_CREAT | O_EXCL | O_RDWR
                                                     : O_RDWR, 0600);
  if (fd < 0) { perror("shm_open"); return 1; }
  if (strcmp(argv[1], "create") == 0 && ftruncate(fd, 8192) != 0) return 1;
  p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  if (strcmp(argv[1], "create") == 0) {
    memcpy(p, "from c", 6);
    p[8191] = 0x5a;
  } else {
    fwrite(p + 100, 1, 8, stdout);
    memcpy(p + 200, "c was", 5);
  }
  munmap(p, 8192);
  close(fd);
  return 0;
}
]]

local cprog
local function cbin()
  if cprog then return cprog end
  local src = tmpwrite(C_SRC, ".c")
  local bin = os.tmpname()
  local ok, out = sh(("cc -O1 -o %s %s"):format(H.quote(bin), H.quote(src)))
  os.remove(src)
  assert(ok, "compiling the C program: " .. out)
  cprog = bin
  return bin
end

describe("interop", function()
  teardown(function() if cprog then os.remove(cprog) end end)

  describe("with Python's multiprocessing.shared_memory", function()
    local py
    setup(function() py = tmpwrite(PY, ".py") end)
    teardown(function() os.remove(py) end)
    local function python(op, name)
      return sh(("python3 %s %s %s"):format(H.quote(py), op, H.quote(name)))
    end

    it("a region Python made opens, reads, writes, and outlives us #posix", function()
      local name = H.name("py")
      local ok, out = python("create", name)
      assert.is_true(ok, out)
      local r = assert(shm.open(name, 4096))
      assert.equal("ReadOnly", r:access())
      assert.equal("from python", r:read_bytes(0, 11))
      local w, created = assert(shm.get_or_create(name, 4096))
      assert.is_false(created)
      w:write_bytes(100, "from lua")
      w:close(); r:close()
      assert.is_true(H.shm_exists(name))      -- still there after our last close
      ok, out = python("read", name)
      assert.is_true(ok, out)
      assert.equal("from lua", out)
      local again = assert(shm.open_existing(name, 0))
      assert.equal("py was", again:read_bytes(200, 6))
      again:close()
      assert.is_true(H.shm_exists(name))
      ok, out = python("unlink", name)
      assert.is_true(ok, out)
      assert.is_false(H.shm_exists(name))
    end, { "posix" })

    it("Python opens a region winshm made #posix", function()
      local name = H.name("pyr")
      local l = assert(shm.create(name, 4096))
      l:write_bytes(100, "to pyth!")
      local ok, out = python("read", name)
      assert.is_true(ok, out)
      assert.equal("to pyth!", out)
      assert.equal("py was", l:read_bytes(200, 6))
      l:close()
      assert.is_false(H.shm_exists(name))   -- ours: gone with our last handle
    end, { "posix" })
  end)

  describe("with a plain C shm_open program", function()
    it("a region C made opens, reads, writes, and outlives us #posix", function()
      if not have("cc") then pending("no C compiler") return end
      local bin = cbin()
      local name = H.name("c")
      local ok, out = sh(H.quote(bin) .. " create " .. name)
      assert.is_true(ok, out)
      local l = assert(shm.open_existing(name, 8192))
      assert.equal(8192, l:size())
      assert.equal("from c", l:read_bytes(0, 6))
      assert.equal("\x5a", l:read_bytes(8191, 1))
      l:write_bytes(100, "from lua")
      l:close()
      -- closed by every kind of opener, including the collector
      for _, f in ipairs({ shm.open, shm.get_or_create }) do
        local x = assert(f(name, 16))
        x:close()
      end
      do local _ = shm.open(name, 16) end
      collectgarbage(); collectgarbage()
      assert.is_true(H.shm_exists(name))
      ok, out = sh(H.quote(bin) .. " read " .. name)
      assert.is_true(ok, out)
      assert.equal("from lua", out)
      local none, err = shm.create(name, 16)
      assert.is_nil(none)
      assert.equal("AlreadyExists", err.kind)
      assert.is_true(shm.remove(name))
      assert.is_false(H.shm_exists(name))
    end, { "posix" })

    it("C opens a region winshm made and sees our bytes #posix", function()
      if not have("cc") then pending("no C compiler") return end
      local bin = cbin()
      local name = H.name("cr")
      local l = assert(shm.create(name, 8192))
      l:write_bytes(100, "to c ok!")
      local ok, out = sh(H.quote(bin) .. " read " .. name)
      assert.is_true(ok, out)
      assert.equal("to c ok!", out)
      assert.equal("c was", l:read_bytes(200, 5))
      l:close()
      assert.is_false(H.shm_exists(name))
    end, { "posix" })

    it("a region winshm made goes with its last winshm handle, though C maps it #posix", function()
      -- the documented limit: lifetime counts winshm handles only
      if not have("cc") then pending("no C compiler") return end
      local bin = cbin()
      local name = H.name("cheld")
      local l = assert(shm.create(name, 8192))
      local ready = os.tmpname()
      os.remove(ready)
      finally(function() os.remove(ready) end)
      local holder = H.start({ bin, "hold", name, ready })
      assert.is_truthy(H.until_true(function()
        local f = io.open(ready)
        if f then f:close() end
        return f ~= nil
      end, 30), "the C program did not map the region")
      assert.equal("held", l:read_bytes(300, 4))
      l:close()
      assert.is_false(H.shm_exists(name))   -- gone with our last handle
      os.remove(ready)                       -- the C program may finish
      local ok, out = holder:wait(60)
      assert.is_true(ok, out)                -- its mapping stayed whole
    end)

    it("a foreign region nobody holds is never taken for a stale one #posix", function()
      -- the sticky bit marks winshm's own regions; a foreign region whose
      -- maker died is never taken for a stale winshm region
      if not have("cc") then pending("no C compiler") return end
      local bin = cbin()
      local name = H.name("cstale")
      assert.is_true((sh(H.quote(bin) .. " create " .. name)))
      local l = assert(shm.open(name, 0))   -- nobody holds it; still kept
      assert.equal("from c", l:read_bytes(0, 6))
      l:close()
      local g, created = assert(shm.get_or_create(name, 64))
      assert.is_false(created)
      g:close()
      assert.is_true(H.shm_exists(name))
      assert.is_true(shm.remove(name))
    end, { "posix" })
  end)
end)
