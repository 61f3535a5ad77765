"""GRE (RFC 2784, key and sequence number RFC 2890), IP protocol 47."""

import struct

PROTO = 47
FLAG_KEY, FLAG_SEQ = 0x2000, 0x1000
TEB = 0x6558                    # Transparent Ethernet Bridging


def header(ptype, key=None, seq=None):
    """Version 0; the key precedes the sequence number when both are
    present (RFC 2890 2)."""
    flags = (FLAG_KEY if key is not None else 0) | \
        (FLAG_SEQ if seq is not None else 0)
    h = struct.pack('!HH', flags, ptype)
    if key is not None:
        h += struct.pack('!I', key & 0xffffffff)
    if seq is not None:
        h += struct.pack('!I', seq & 0xffffffff)
    return h
