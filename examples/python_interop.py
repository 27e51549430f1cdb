"""python_interop.py: the Python side of python_interop.lua.

    python3 python_interop.py create NAME   Python creates the region
    python3 python_interop.py open NAME     Python opens winshm's region

Both sides agree on one C struct, little-endian, 40 bytes:

    struct Lap { uint32_t lap; /* 4 bytes padding */ double best;
                 char driver[16]; int32_t reply; /* 4 bytes padding */ };
"""
import struct
import sys
import time
from multiprocessing import shared_memory

LAP = struct.Struct("<I4xd16si4x")
REPLY = 32  # offset of 'reply'


def attach(name):
    """Open an existing region without letting Python remove it at exit."""
    try:
        return shared_memory.SharedMemory(name=name, track=False)  # 3.13+
    except TypeError:
        shm = shared_memory.SharedMemory(name=name)
        from multiprocessing import resource_tracker
        resource_tracker.unregister(shm._name, "shared_memory")
        return shm


def create(name):
    shm = shared_memory.SharedMemory(name=name, create=True, size=LAP.size)
    try:
        LAP.pack_into(shm.buf, 0, 7, 83.25, b"Grace", 0)
        print("ready", flush=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            reply = struct.unpack_from("<i", shm.buf, REPLY)[0]
            if reply:
                print("python: winshm replied %d" % reply, flush=True)
                return 0
            time.sleep(0.01)
        print("python: no reply from winshm", file=sys.stderr)
        return 1
    finally:
        shm.close()
        shm.unlink()


def open_existing(name):
    shm = attach(name)
    try:
        lap, best, driver, _ = LAP.unpack_from(shm.buf, 0)
        driver = driver.split(b"\0", 1)[0].decode()
        print("python: lap %d best %.2f driver %s" % (lap, best, driver))
        struct.pack_into("<i", shm.buf, REPLY, lap * 100)
        return 0
    finally:
        shm.close()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("create", "open"):
        sys.exit("usage: python_interop.py create|open NAME")
    sys.exit(create(sys.argv[2]) if sys.argv[1] == "create"
             else open_existing(sys.argv[2]))
