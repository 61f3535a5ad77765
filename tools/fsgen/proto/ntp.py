"""NTP client request (RFC 5905 7.3), UDP 123."""

import struct

PORT = 123
NTP_EPOCH_OFFSET = 2208988800       # 1900-01-01 to 1970-01-01 in seconds


def client(ts_us):
    """Mode 3, version 4; transmit timestamp from the packet time."""
    sec, us = divmod(ts_us, 1000000)
    frac = (us << 32) // 1000000
    return struct.pack('!BBbb', 0x23, 0, 6, -20) + b'\0' * 36 \
        + struct.pack('!II', (sec + NTP_EPOCH_OFFSET) & 0xffffffff, frac)


def server(req, ts_us, stratum=2, refid=b'\xc0\x00\x02\x01'):
    """Mode 4 answer to a client request."""
    sec, us = divmod(ts_us, 1000000)
    now = struct.pack('!II', (sec + NTP_EPOCH_OFFSET) & 0xffffffff,
                      (us << 32) // 1000000)
    return struct.pack('!BBbb', 0x24, stratum, 6, -23) + b'\0' * 8 + refid \
        + now + req[40:48] + now + now
