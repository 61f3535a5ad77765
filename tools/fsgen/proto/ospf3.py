"""OSPFv3 (RFC 5340 A.3): the hello, sent as IPv6 next header 89 from the
link-local address with hop limit 1 to ff02::5.  The checksum is the
IPv6 upper-layer checksum (RFC 5340 2.5)."""

import struct

from ..frames import csum, ip6

HELLO = 1
ALL_SPF6 = ip6('ff02::5')
OPT_V6, OPT_E, OPT_R = 0x01, 0x02, 0x10


def packet(typ, rid, body, src, dst, area=b'\0' * 4, instance=0):
    p = bytearray(struct.pack('!BBH4s4sHBB', 3, typ, 16 + len(body), rid,
                              area, 0, instance, 0) + body)
    pseudo = src + dst + struct.pack('!IxxxB', len(p), 89)
    struct.pack_into('!H', p, 12, csum(pseudo + bytes(p)))
    return bytes(p)


def hello_body(iface_id, prio, hello, dead, dr, bdr, neighbors,
               options=OPT_V6 | OPT_E | OPT_R):
    """dr, bdr and neighbors are router ids (RFC 5340 A.3.2)."""
    return struct.pack('!IB3sHH4s4s', iface_id, prio,
                       options.to_bytes(3, 'big'), hello, dead, dr, bdr) \
        + b''.join(neighbors)
