# ctypes_peer.py N [REPS]: Python's way to the same field -- a
# ctypes.Structure from_buffer over multiprocessing.shared_memory -- read
# in the same loop the Lua side runs (s = s + field).  Prints the median
# of REPS timings, in seconds of this thread's CPU per field read.
import ctypes
import sys
import time
from multiprocessing import shared_memory


class State(ctypes.Structure):
    _fields_ = [("u32", ctypes.c_uint32), ("f64", ctypes.c_double)]


def reads(st, n):
    s = 0
    for _ in range(n):
        s = s + st.u32
    return s


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    shm = shared_memory.SharedMemory(create=True, size=4096)
    try:
        st = State.from_buffer(shm.buf)
        st.u32 = 7
        reads(st, n // 10)  # warm up
        times = []
        for _ in range(reps):
            t0 = time.thread_time()
            reads(st, n)
            times.append((time.thread_time() - t0) / n)
        times.sort()
        print("%.12f" % times[len(times) // 2])
        del st
    finally:
        shm.close()
        shm.unlink()


main()
