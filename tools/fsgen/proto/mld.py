"""MLDv2 listener report (RFC 3810 5.2), ICMPv6 type 143 to ff02::16,
sent with hop limit 1 and a Router Alert hop-by-hop option."""

import struct

REPORT_V2 = 143
CHANGE_TO_EXCLUDE = 4


def report_body(groups, rtype=CHANGE_TO_EXCLUDE):
    """ICMPv6 body after type/code/checksum: reserved, record count and one
    record without sources per group."""
    return struct.pack('!HH', 0, len(groups)) + b''.join(
        struct.pack('!BBH', rtype, 0, 0) + g for g in groups)
