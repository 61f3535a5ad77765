"""NetBIOS name service (RFC 1002 4.2.12), UDP 137 broadcast."""

import struct

PORT = 137


def encode(nbname, suffix=0x00):
    """First-level encoding of a 15-character name plus suffix byte."""
    raw = nbname.upper().encode()[:15].ljust(15) + bytes((suffix,))
    return bytes((32,)) + bytes(
        c for b in raw for c in (0x41 + (b >> 4), 0x41 + (b & 15))) + b'\0'


def name_query(tid, encoded, flags=0x0110):
    """encoded: the name as it goes on the wire (length, 32 bytes, 0)."""
    return struct.pack('!HHHHHH', tid, flags, 1, 0, 0, 0) + encoded \
        + struct.pack('!HH', 0x20, 1)
