"""Packet time and the classic pcap writer (microsecond timestamps,
DLT_EN10MB, snaplen 65535)."""

import struct
import time

DEFAULT_START = 1768471200          # 2026-01-15T10:00:00Z
SNAPLEN = 65535
DLT_EN10MB = 1
REC = struct.Struct('<IIII')        # ts_sec, ts_usec, caplen, len


def q(t):
    """Seconds on the microsecond grid the capture is written with."""
    return int(round(t * 1e6)) / 1e6


def iso_us(us):
    s, u = divmod(us, 1000000)
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(s)) + \
        '.%06dZ' % u


def to_ts(start, rel):
    us = start * 1000000 + int(round(rel * 1e6))
    return iso_us(us)


class Capture:
    """Collects (ts_us, frame) events, sorts them (stable) and writes them."""

    def __init__(self, start_us):
        self.start = start_us
        self.ev = []

    def emit(self, t, frame):
        self.ev.append((self.start + int(round(t * 1e6)), frame))

    def sorted(self):
        self.ev.sort(key=lambda e: e[0])
        return self.ev


class PcapOut:
    """Classic pcap writer with a big output buffer.  A delivery stage
    (link.Delivery: QinQ, remote mirror) may rewrite each frame on its way
    out; what the scenario counted is the frame before it."""

    CHUNK = 8 << 20

    def __init__(self, path, delivery=None):
        self.f = open(path, 'wb')
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, SNAPLEN,
                                 DLT_EN10MB))
        self.buf = bytearray()
        self.packets = 0
        self.bytes = 24
        self.first_us = None
        self.last_us = None
        self.delivery = delivery

    def record(self, ts_us, frame):
        if self.delivery is not None:
            frame = self.delivery.frame(ts_us, frame)
        sec, usec = divmod(ts_us, 1000000)
        self.buf += struct.pack('<IIII', sec, usec, len(frame), len(frame))
        self.buf += frame
        self.packets += 1
        if self.first_us is None:
            self.first_us = ts_us
        self.last_us = ts_us
        if len(self.buf) >= self.CHUNK:
            self.flush()

    def raw(self, data, packets, first_us, last_us):
        """Append already formatted records."""
        if self.delivery is not None:
            data = self.delivery.records(data)
        self.flush()
        self.f.write(data)
        self.bytes += len(data)
        self.packets += packets
        if self.first_us is None:
            self.first_us = first_us
        self.last_us = last_us

    def flush(self):
        if self.buf:
            self.f.write(self.buf)
            self.bytes += len(self.buf)
            self.buf = bytearray()

    def close(self):
        self.flush()
        self.f.close()


def write_events(cap, out, hc):
    for ts, frame in cap.sorted():
        out.record(ts, frame)
        hc.add(frame)
