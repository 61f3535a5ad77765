"""IGMPv3 membership report (RFC 3376 4.2) to 224.0.0.22, TTL 1, with the
IPv4 Router Alert option."""

import struct

from ..frames import csum

REPORT_V3 = 0x22
CHANGE_TO_EXCLUDE = 4
ALL_IGMPV3 = bytes((224, 0, 0, 22))


def report(groups, rtype=CHANGE_TO_EXCLUDE):
    m = bytearray(struct.pack('!BBHHH', REPORT_V3, 0, 0, 0, len(groups))
                  + b''.join(struct.pack('!BBH', rtype, 0, 0) + g
                             for g in groups))
    struct.pack_into('!H', m, 2, csum(bytes(m)))
    return bytes(m)
