#!/usr/bin/env python3
"""read_recording.py -- a reader of winshm recordings in plain Python 3
(standard library only), written from docs/recordings.md.

    python3 read_recording.py FILE            the frames as CSV, as
                                              `winshm export FILE --csv` writes them
    python3 read_recording.py --info FILE     what the header says

As a module:

    from read_recording import Recording
    rec = Recording("session.wshmrec")
    print(rec.header["name"], len(rec.fields))
    for time, values in rec.frames():          # values: {"path": value}
        print(time, values["speed"])
"""
import struct
import sys
import zlib

MAGIC = b"WSHM-REC"
VERSION = 1

# A field's type: its struct code and size.
SCALARS = {
    "int8_t": ("b", 1), "uint8_t": ("B", 1), "int16_t": ("h", 2), "uint16_t": ("H", 2),
    "int32_t": ("i", 4), "uint32_t": ("I", 4), "int64_t": ("q", 8), "uint64_t": ("Q", 8),
    "float": ("f", 4), "double": ("d", 8), "bool": ("B", 1),
}
# Text types: the size of one character and its encoding.
TEXT = {"char": (1, "utf-8"), "char16_t": (2, "utf-16-le"), "char32_t": (4, "utf-32-le")}


class BadRecording(Exception):
    pass


def read_varint(b, i):
    """An unsigned LEB128 number at b[i:], and the index after it."""
    value, shift = 0, 0
    while True:
        if i >= len(b):
            raise BadRecording("truncated varint")
        byte = b[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def apply_delta(prev, kind, payload, n):
    """The frame that payload (of kind 0, 1 or 2) makes from the frame before."""
    if kind == 0:
        if len(payload) != n:
            raise BadRecording("full frame of the wrong size")
        return bytes(payload)
    if prev is None:
        raise BadRecording("a change with no frame before it")
    out = bytearray(prev)
    if kind == 1:  # runs: (gap, length, bytes)...
        i = at = 0
        while i < len(payload):
            gap, i = read_varint(payload, i)
            length, i = read_varint(payload, i)
            at += gap
            if length == 0 or at + length > n or i + length > len(payload):
                raise BadRecording("bad run")
            out[at:at + length] = payload[i:i + length]
            i += length
            at += length
        return bytes(out)
    if kind == 2:  # blocks: log2 size, bitmap, the changed blocks
        if not payload or payload[0] > 6:
            raise BadRecording("bad block size")
        size = 1 << payload[0]
        count = (n + size - 1) // size
        bitmap = payload[1:1 + (count + 7) // 8]
        i = 1 + len(bitmap)
        for block in range(count):
            if bitmap[block // 8] >> (block % 8) & 1:
                at = block * size
                length = min(size, n - at)
                out[at:at + length] = payload[i:i + length]
                i += length
        if i != len(payload):
            raise BadRecording("bad block payload")
        return bytes(out)
    raise BadRecording("unknown frame kind %d" % kind)


def parse_fields(text):
    """The 'fields' header entry: [(offset, type, dims, path)]."""
    fields = []
    for line in text.split("\n"):
        if not line:
            continue
        offset, ctype, dims, path = line.split("\t")
        fields.append((int(offset), ctype, [] if dims == "-" else [int(d) for d in dims.split("x")], path))
    return fields


def decode_text(raw, ctype):
    size, encoding = TEXT[ctype]
    for i in range(0, len(raw), size):  # up to the first NUL character
        if raw[i:i + size] == b"\0" * size:
            raw = raw[:i]
            break
    return raw.decode(encoding, errors="replace")


def leaves(field):
    """(path, offset, type, is_text, length) of each value of a field,
    arrays flattened row-major as path[i][j] (1-based)."""
    offset, ctype, dims, path = field
    if ctype in TEXT:
        csize = TEXT[ctype][0]
        strlen = dims[-1] if dims else 1
        dims, esize = dims[:-1], csize * strlen
    else:
        esize = SCALARS[ctype][1]
    count = 1
    for d in dims:
        count *= d
    for k in range(count):
        index, rest = [], k
        for d in reversed(dims):
            index.append(rest % d + 1)
            rest //= d
        name = path + "".join("[%d]" % i for i in reversed(index))
        yield name, offset + k * esize, ctype, esize


class Recording:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        self.path = path
        d = self.data
        if len(d) < 16:
            raise BadRecording("truncated header")
        if d[:8] != MAGIC:
            raise BadRecording("not a winshm recording")
        version, reserved, n = struct.unpack_from("<HHI", d, 8)
        if version > VERSION:
            raise BadRecording("made by a newer winshm: format version %d" % version)
        end = 16 + n
        if end + 4 > len(d):
            raise BadRecording("truncated header")
        (crc,) = struct.unpack_from("<I", d, end)
        if zlib.crc32(d[:end]) != crc:
            raise BadRecording("bad header checksum")
        self.header, i = {}, 16
        while i < end:
            klen = d[i]
            key = d[i + 1:i + 1 + klen].decode()
            (vlen,) = struct.unpack_from("<I", d, i + 1 + klen)
            i += 1 + klen + 4
            self.header[key] = d[i:i + vlen].decode("utf-8", errors="replace")
            i += vlen
        self.length = int(self.header["length"])
        self.fields = parse_fields(self.header["fields"])
        self.columns = [leaf for field in self.fields for leaf in leaves(field)]
        self.first_frame = end + 4

    def raw_frames(self):
        """(time, bytes) of each whole frame, in order."""
        d, i, prev = self.data, self.first_frame, None
        while i + 17 <= len(d):
            length, kind, time = struct.unpack_from("<IBd", d, i)
            if i + 17 + length > len(d):
                return  # cut short: the recorder was stopped while writing it
            payload = d[i + 13:i + 13 + length]
            (crc,) = struct.unpack_from("<I", d, i + 13 + length)
            if zlib.crc32(d[i:i + 13 + length]) != crc:
                raise BadRecording("frame at byte %d: bad checksum" % i)
            prev = apply_delta(prev, kind, payload, self.length)
            yield time, prev
            i += 17 + length

    def values(self, frame):
        """[(path, value)] of one frame's bytes."""
        out = []
        for name, offset, ctype, size in self.columns:
            raw = frame[offset:offset + size]
            if ctype in TEXT:
                out.append((name, decode_text(raw, ctype)))
            elif ctype == "bool":
                out.append((name, raw[0] != 0))
            else:
                out.append((name, struct.unpack("<" + SCALARS[ctype][0], raw)[0]))
        return out

    def frames(self):
        for time, frame in self.raw_frames():
            yield time, dict(self.values(frame))


# ------------------------------------------------- CSV, as winshm writes it

def shortest(v, single):
    """The shortest text that reads back as v (as a 4-byte float if single)."""
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    for digits in range(6 if single else 15, 18):
        s = "%.*g" % (digits, v)
        back = float(s)
        if single:
            back = struct.unpack("<f", struct.pack("<f", back))[0]
        if back == v:
            return s
    return "%.17g" % v


def cell(value, ctype):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return shortest(value, ctype == "float")
    spaces = " \t\n\v\f\r"
    if any(c in value for c in ',"\r\n') or (value != "" and (value[0] in spaces or value[-1] in spaces)):
        return '"' + value.replace('"', '""') + '"'
    return value


def main(argv):
    if len(argv) == 3 and argv[1] == "--info":
        rec = Recording(argv[2])
        for key in sorted(rec.header):
            if key not in ("layout", "fields"):
                print("%s: %s" % (key, rec.header[key]))
        print("layout:\n" + rec.header["layout"])
        return 0
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    rec = Recording(argv[1])
    out = sys.stdout
    out.write(",".join(["time"] + [cell(c[0], "char") for c in rec.columns]) + "\n")
    for time, frame in rec.raw_frames():
        row = [shortest(time, False)]
        for (name, value), column in zip(rec.values(frame), rec.columns):
            row.append(cell(value, column[2]))
        out.write(",".join(row) + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BadRecording as e:
        sys.stderr.write("read_recording.py: %s: %s\n" % (sys.argv[-1], e))
        sys.exit(1)
