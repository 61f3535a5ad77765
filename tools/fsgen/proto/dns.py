"""DNS messages (RFC 1035); mDNS (RFC 6762) and LLMNR (RFC 4795) use the
same format on their own ports and groups."""

import struct

A, PTR, AAAA, SRV, ANY = 1, 12, 28, 33, 255
MDNS_PORT, LLMNR_PORT = 5353, 5355


def name(text):
    """Encoded name without the root label."""
    if isinstance(text, str):
        text = text.encode()
    return b''.join(bytes((len(p),)) + p for p in text.split(b'.') if p)


def query(qid, qname, qtype=A, flags=0x0100):
    return struct.pack('!HHHHHH', qid, flags, 1, 0, 0, 0) + name(qname) \
        + b'\0' + struct.pack('!HH', qtype, 1)


def answer(qid, qname, rtype, rdata, ttl=300, flags=0x8180):
    """Response repeating the question, one answer pointing back at it."""
    return struct.pack('!HHHHHH', qid, flags, 1, 1, 0, 0) + name(qname) \
        + b'\0' + struct.pack('!HHHHHIH', rtype, 1, 0xc00c, rtype, 1, ttl,
                              len(rdata)) + rdata


def announce(rname, rtype, rdata, ttl=120):
    """Unsolicited mDNS response (RFC 6762 8.3): no question, cache-flush
    bit set on the record's class."""
    return struct.pack('!HHHHHH', 0, 0x8400, 0, 1, 0, 0) + name(rname) \
        + b'\0' + struct.pack('!HHIH', rtype, 0x8001, ttl, len(rdata)) \
        + rdata
