# frame_ctypes.py DESC NAME SEQ HOW FRAMES REPS [dump]: what a Python
# dashboard does each frame with a page in shared memory -- ctypes'
# from_buffer_copy of the page (while its sequence counter SEQ is even and
# the same before and after), then every field into a dict (nested dicts,
# lists for arrays, str for char arrays).  HOW is "generic": the usual
# conversion, a walk of each Structure's _fields_; or "generated": Python
# code written out field by field for the page (generated once here), the
# fastest conversion Python has.  The ctypes Structures are built from DESC
# (bench/describe.lua's description of the layout, checked against
# ctypes' own offsets).  The region is the POSIX shared memory object
# /NAME, mapped read-only.  Prints the median of REPS timings of FRAMES
# frames, in seconds of this thread's CPU per frame; with "dump", the
# frame's values as bench.lua's dump prints them instead.
import ctypes
import mmap
import os
import struct
import sys
import time

SCALARS = {
    "int8_t": ctypes.c_int8, "int16_t": ctypes.c_int16, "int32_t": ctypes.c_int32,
    "int64_t": ctypes.c_int64, "uint8_t": ctypes.c_uint8, "uint16_t": ctypes.c_uint16,
    "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64, "float": ctypes.c_float,
    "double": ctypes.c_double, "bool": ctypes.c_bool, "char": ctypes.c_char,
}


def parse(text):
    """The structs of a description, in order: (name, size, fields)."""
    structs, cur = [], None
    for line in text.splitlines():
        w = line.split()
        if w[0] == "struct":
            cur = (w[1], int(w[2]), [])
        elif w[0] == "end":
            structs.append(cur)
        else:
            cur[2].append((w[0], w[1], int(w[2]), [int(d) for d in w[3:]]))
    return structs


def build(structs):
    """ctypes classes and dict converters (generated source) for structs."""
    classes, src = {}, []
    for name, size, fields in structs:
        cfields = []
        for fname, ftype, off, dims in fields:
            t = classes.get(ftype) or SCALARS[ftype]
            for d in reversed(dims):
                t = t * d
            cfields.append((fname, t))
        cls = type(name, (ctypes.Structure,), {"_fields_": cfields})
        if ctypes.sizeof(cls) != size:
            sys.exit("ctypes lays out %s in %d bytes, winshm in %d" % (name, ctypes.sizeof(cls), size))
        for fname, _, off, _ in fields:
            if getattr(cls, fname).offset != off:
                sys.exit("ctypes places %s.%s at %d, winshm at %d"
                         % (name, fname, getattr(cls, fname).offset, off))
        classes[name] = cls
        items = []
        for fname, ftype, _, dims in fields:
            items.append("%r: %s" % (fname, convert(ftype, dims, "s." + fname, classes, 0)))
        src.append("def to_%s(s):\n    return {%s}\n" % (name, ", ".join(items)))
    scope = {}
    exec("\n".join(src), scope)
    return classes, scope


def convert(ftype, dims, x, classes, depth):
    """Python expression giving the value of x (a field, array level depth)."""
    text = ftype == "char"
    if depth < len(dims) - (1 if text else 0):
        v = "v%d" % depth
        return "[%s for %s in %s]" % (convert(ftype, dims, v, classes, depth + 1), v, x)
    if ftype in classes:
        return "to_%s(%s)" % (ftype, x)
    if text:
        return "%s.decode('utf-8', 'replace')" % x
    return x


def generic(v):
    """v as plain Python values: the usual walk of a ctypes value."""
    if isinstance(v, ctypes.Structure):
        return {name: generic(getattr(v, name)) for name, _ in v._fields_}
    if isinstance(v, ctypes.Array):
        return [generic(x) for x in v]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return v


def dump(value, path, out):
    """Lines 'path=value' of every leaf, as bench.lua's dump writes them."""
    if isinstance(value, dict):
        for k, v in value.items():
            dump(v, path + "." + k if path else k, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            dump(v, "%s[%d]" % (path, i + 1), out)
    elif isinstance(value, bool):
        out.append("%s=%s" % (path, "true" if value else "false"))
    elif isinstance(value, (int, float)):
        out.append("%s=%.17g" % (path, value))
    else:
        out.append("%s=%s" % (path, value))


def main():
    desc, name, seq, how = sys.argv[1:5]
    frames, reps = int(sys.argv[5]), int(sys.argv[6])
    with open(desc) as f:
        structs = parse(f.read())
    classes, conv = build(structs)
    pname, psize, pfields = structs[-1]
    page = classes[pname]
    to_page = {"generic": generic, "generated": conv["to_" + pname]}[how]
    seq_at = [off for fname, _, off, _ in pfields if fname == seq][0]
    unpack = struct.Struct("=i").unpack_from
    fd = os.open("/dev/shm/" + name, os.O_RDONLY)
    mm = mmap.mmap(fd, psize, mmap.MAP_SHARED, mmap.PROT_READ)
    os.close(fd)

    def frame():
        for _ in range(100):
            s1 = unpack(mm, seq_at)[0]
            if s1 & 1:
                continue
            p = page.from_buffer_copy(mm)
            if unpack(mm, seq_at)[0] == s1:
                return to_page(p)
        return None

    if sys.argv[7:] == ["dump"]:
        out = []
        dump(frame(), "", out)
        print("\n".join(sorted(out)))
        return
    for _ in range(frames // 10):  # warm up
        frame()
    times = []
    for _ in range(reps):
        t0 = time.thread_time()
        for _ in range(frames):
            frame()
        times.append((time.thread_time() - t0) / frames)
    times.sort()
    print("%.12f" % times[len(times) // 2])
    mm.close()


main()
