#!/usr/bin/python3
"""make_aedat4_fixtures.py: AEDAT 4.0 files built with the official flatbuffers library, for
tests/io/aedat_test.cpp, so that rockpool-cpp's hand-written flatbuffer decoder is checked
against buffers it did not lay out itself (the builder's own alignment, padding, field
order and omitted default fields).

The schemas are the public AEDAT 4.0 ones (iniVation DV: IOHeader with file identifier
IOHE { compression: int32 = 0; dataTablePosition: int64 = -1; infoNode: string }, and
EventPacket with identifier EVTS { elements: [Event] }, struct Event { t: int64; x: int16;
y: int16; on: bool }), written out below with flatbuffers.Builder calls (no flatc step).

Writes tests/io/fixtures/aedat4_c<N>.aedat4 for the five compression values N (0 NONE,
1 LZ4, 2 LZ4_HIGH, 3 ZSTD, 4 ZSTD_HIGH). Each holds two event packets of stream 0 and, in
between, one IMUS packet of stream 1 that readers skip; the NONE file also ends with a
stand-in data table that dataTablePosition points at. The events are EVENTS below; the C++
test states them again and checks the decoded channels and times.

Needs Debian's python3-flatbuffers, python3-lz4 and python3-zstandard. CI does not run it:
its outputs are committed.

  /usr/bin/python3 tools/make_aedat4_fixtures.py
  /usr/bin/python3 tools/make_aedat4_fixtures.py --check FILE.aedat4
      # decode a file (e.g. one written by rockpool-cpp) with the flatbuffers library and
      # print its streams and events
"""
import os
import struct
import sys

import flatbuffers
import lz4.frame
import zstandard
from flatbuffers import number_types as N

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "io", "fixtures")
MAGIC = b"#!AER-DAT4.0\r\n"
WIDTH, HEIGHT = 640, 480
T0 = 1_700_000_000_123_456  # Unix µs
# (t, x, y, on), split into two packets
EVENTS = [
    [(T0, 0, 0, True), (T0 + 1, 639, 479, False), (T0 + 1, 17, 300, True)],
    [(T0 + 250, 5, 3, False), (T0 + 1_000_000, 320, 240, True)],
]
XML = (
    '<dv version="2.0"><node name="outInfo" path="/outInfo/">'
    '<node name="0" path="/outInfo/0/"><attr key="compression" type="string">X</attr>'
    '<attr key="typeIdentifier" type="string">EVTS</attr>'
    '<node name="info" path="/outInfo/0/info/"><attr key="sizeX" type="int">%d</attr>'
    '<attr key="sizeY" type="int">%d</attr></node></node>'
    '<node name="1" path="/outInfo/1/"><attr key="typeIdentifier" type="string">IMUS</attr></node>'
    "</node></dv>" % (WIDTH, HEIGHT)
)


def io_header(compression, data_table):
    b = flatbuffers.Builder(0)
    info = b.CreateString(XML)
    b.StartObject(3)
    b.PrependInt32Slot(0, compression, 0)  # omitted when 0 (the default)
    b.PrependInt64Slot(1, data_table, -1)  # omitted when -1 (the default)
    b.PrependUOffsetTRelativeSlot(2, info, 0)
    b.FinishSizePrefixed(b.EndObject(), file_identifier=b"IOHE")
    return bytes(b.Output())


def event_packet(events):
    b = flatbuffers.Builder(0)
    b.StartVector(16, len(events), 8)
    for t, x, y, on in reversed(events):
        b.Prep(8, 16)  # struct Event: size 16, aligned 8
        b.Pad(3)
        b.PrependBool(on)
        b.PrependInt16(y)
        b.PrependInt16(x)
        b.PrependInt64(t)
    vector = b.EndVector()
    b.StartObject(1)
    b.PrependUOffsetTRelativeSlot(0, vector, 0)
    b.FinishSizePrefixed(b.EndObject(), file_identifier=b"EVTS")
    return bytes(b.Output())


def imu_packet():
    b = flatbuffers.Builder(0)
    b.StartObject(1)
    b.FinishSizePrefixed(b.EndObject(), file_identifier=b"IMUS")
    return bytes(b.Output())


def compress(data, compression):
    if compression == 0:
        return data
    if compression in (1, 2):
        return lz4.frame.compress(data, compression_level=0 if compression == 1 else 9)
    return zstandard.ZstdCompressor(level=3 if compression == 3 else 19).compress(data)


def packet(stream, data, compression):
    body = compress(data, compression)
    return struct.pack("<iI", stream, len(body)) + body


def make(compression):
    packets = (
        packet(0, event_packet(EVENTS[0]), compression)
        + packet(1, imu_packet(), compression)
        + packet(0, event_packet(EVENTS[1]), compression)
    )
    table = b"a stand-in for the FileDataTable"
    if compression == 0:
        head_size = len(MAGIC) + len(io_header(0, 1 << 40))  # same size whatever the position
        header = io_header(0, head_size + len(packets))
        return MAGIC + header + packets + table
    return MAGIC + io_header(compression, -1) + packets


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(MAGIC), "not AEDAT 4.0"
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    buf = bytearray(data[len(MAGIC) + 4 : len(MAGIC) + 4 + length])
    tab = flatbuffers.table.Table(buf, flatbuffers.encode.Get(N.UOffsetTFlags.packer_type, buf, 0))

    def field(t, slot):
        return t.Offset(4 + 2 * slot)

    o = field(tab, 0)
    compression = tab.Get(N.Int32Flags, o + tab.Pos) if o else 0
    o = field(tab, 1)
    data_table = tab.Get(N.Int64Flags, o + tab.Pos) if o else -1
    o = field(tab, 2)
    xml = tab.String(o + tab.Pos).decode() if o else ""
    print("compression", compression, "dataTablePosition", data_table)
    print("infoNode", xml)
    pos = len(MAGIC) + 4 + length
    end = data_table if data_table >= 0 else len(data)
    while pos < end:
        stream, size = struct.unpack_from("<iI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        pos += 8 + size
        if compression in (1, 2):
            body = lz4.frame.decompress(body)
        elif compression in (3, 4):
            body = zstandard.ZstdDecompressor().decompress(body)
        ident = body[8:12].decode()
        print("packet stream", stream, ident, len(body), "bytes")
        if ident != "EVTS":
            continue
        pb = bytearray(body[4:])
        t = flatbuffers.table.Table(pb, flatbuffers.encode.Get(N.UOffsetTFlags.packer_type, pb, 0))
        o = field(t, 0)
        n = t.VectorLen(o)
        start = t.Vector(o)
        for k in range(n):
            ts, x, y, on = struct.unpack_from("<qhh?", pb, start + 16 * k)
            print("  event", ts, x, y, int(on))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        for path in sys.argv[2:]:
            check(path)
        return
    os.makedirs(FIXTURES, exist_ok=True)
    for compression in range(5):
        path = os.path.join(FIXTURES, "aedat4_c%d.aedat4" % compression)
        with open(path, "wb") as f:
            f.write(make(compression))
        print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
