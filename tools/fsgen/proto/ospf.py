"""OSPFv2 packets and LSAs (RFC 2328 A.3, A.4), AuType 0.  Sent as IPv4
protocol 89, TTL 1, to 224.0.0.5 (AllSPFRouters) or a neighbour."""

import struct

from ..frames import csum, ip4

OSPF_HELLO, OSPF_DBD, OSPF_LSR, OSPF_LSU, OSPF_LSACK = 1, 2, 3, 4, 5
OSPF_TYPE_NAMES = {1: 'hello', 2: 'dbd', 3: 'lsr', 4: 'lsu', 5: 'lsack'}
PROTO = 89
ALL_SPF = ip4('224.0.0.5')
ALL_DR = ip4('224.0.0.6')
AREA0 = b'\0' * 4
OPT_E = 0x02
DBD_I, DBD_M, DBD_MS = 0x04, 0x02, 0x01
MAXAGE = 3600
TOS_INTERNETWORK_CONTROL = 0xc0


def ospf(typ, rid, body, area=AREA0):
    """OSPFv2 header (RFC 2328 A.3.1); the checksum covers the whole packet
    except the 64-bit authentication field, which is zero (AuType 0)."""
    p = bytearray(struct.pack('!BBH4s4sHH8s', 2, typ, 24 + len(body), rid,
                              area, 0, 0, b'\0' * 8) + body)
    struct.pack_into('!H', p, 12, csum(bytes(p)))
    return bytes(p)


def hello_body(mask, hello, prio, dead, dr, bdr, neighbors, options=OPT_E):
    """neighbors: router ids (4 bytes each)."""
    return struct.pack('!4sHBBI4s4s', mask, hello, options, prio, dead, dr,
                       bdr) + b''.join(neighbors)


def fletcher_lsa(lsa):
    """Fill the LSA checksum (RFC 2328 12.1.7, ISO 8473 Fletcher), computed
    from LS age excluded (offset 2) with the checksum at LSA offset 16."""
    b = bytearray(lsa)
    b[16:18] = b'\0\0'
    data = b[2:]
    c0 = c1 = 0
    for x in data:
        c0 = (c0 + x) % 255
        c1 = (c1 + c0) % 255
    pos = 14
    x = ((len(data) - pos - 1) * c0 - c1) % 255
    if x <= 0:
        x += 255
    y = 510 - c0 - x
    if y > 255:
        y -= 255
    b[16] = x & 0xff
    b[17] = y & 0xff
    return bytes(b)


def lsa(typ, lsid, adv, seq, body, age=1):
    h = struct.pack('!HBB4s4sIHH', age, OPT_E, typ, lsid, adv, seq, 0,
                    20 + len(body))
    return fletcher_lsa(h + body)


def router_lsa_body(links):
    b = struct.pack('!BBH', 0, 0, len(links))
    for lid, ldata, ltype, metric in links:
        b += struct.pack('!4s4sBBH', lid, ldata, ltype, 0, metric)
    return b


def network_lsa_body(mask, attached):
    return mask + b''.join(attached)


def newer(a, b):
    """Is LSA instance a ([seq, age, ...]) newer than b (RFC 2328 13.1)?"""
    if b is None:
        return True
    if a[0] != b[0]:
        return a[0] > b[0]
    return a[1] == MAXAGE and b[1] != MAXAGE
