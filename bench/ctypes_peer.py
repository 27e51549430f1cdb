# ctypes_peer.py N: Python's way to the same field -- ctypes.Structure
# over multiprocessing.shared_memory.  Prints seconds per field read.
import ctypes
import sys
import time
from multiprocessing import shared_memory


class State(ctypes.Structure):
    _fields_ = [("u32", ctypes.c_uint32), ("f64", ctypes.c_double)]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    shm = shared_memory.SharedMemory(create=True, size=4096)
    try:
        s = State.from_buffer(shm.buf)
        s.u32 = 7
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n):
                s.u32
            t = (time.perf_counter() - t0) / n
            times.append(t)
        times.sort()
        print("%.12f" % times[len(times) // 2])
        del s
    finally:
        shm.close()
        shm.unlink()


main()
