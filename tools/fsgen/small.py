"""Minimum-size frames: a frame cut to its headers, for benchmarks that
compare per-packet cost as a user comparing tools would (60-64 byte
frames, where the fixed cost per packet dominates).  The payload after
the TCP, UDP or ICMP header is dropped; the IP length, the IPv4 header
checksum and the TCP/UDP/ICMP checksums are set again, so the frame is
as valid as it was.  Routing protocols, fragments, IPv6 extension
headers and everything not TCP/UDP/ICMP keep their bytes: what floodspot
parses must stay parseable."""

import struct

from .frames import csum, l4_csum

# UDP/TCP ports whose payload is a routing protocol (BGP, BFD, HSRP, RIP)
# or a mirror (VXLAN): kept whole.
KEEP_PORTS = frozenset((179, 520, 521, 1985, 2029, 3784, 4784, 4789, 6784))
VLAN_TPIDS = (0x8100, 0x88a8, 0x9100)


def _l4_header(proto, seg):
    """Length of the transport header at the start of seg, or None."""
    if proto == 6 and len(seg) >= 20:
        n = (seg[12] >> 4) * 4
        return n if 20 <= n <= len(seg) else None
    if proto in (17, 1) and len(seg) >= 8:
        return 8
    return None


def _ports_kept(proto, seg):
    if proto not in (6, 17):
        return False
    sport, dport = struct.unpack_from('!HH', seg, 0)
    return sport in KEEP_PORTS or dport in KEEP_PORTS


def _cut_segment(proto, seg, src, dst):
    """The transport header alone with its checksum set again, or None."""
    n = _l4_header(proto, seg)
    if n is None or n == len(seg) or _ports_kept(proto, seg):
        return None
    h = bytearray(seg[:n])
    if proto == 6:
        struct.pack_into('!H', h, 16, 0)
        struct.pack_into('!H', h, 16, l4_csum(src, dst, 6, bytes(h)))
    elif proto == 17:
        struct.pack_into('!HH', h, 4, 8, 0)
        c = l4_csum(src, dst, 17, bytes(h))
        struct.pack_into('!H', h, 6, c or 0xffff)
    else:
        struct.pack_into('!H', h, 2, 0)
        struct.pack_into('!H', h, 2, csum(bytes(h)))
    return bytes(h)


def shrink(f):
    """The frame cut to its headers (padded to 60 bytes), or f itself
    when it has no payload to drop or must keep it."""
    o = 12
    if len(f) < o + 2:
        return f
    et = struct.unpack_from('!H', f, o)[0]
    while et in VLAN_TPIDS and len(f) >= o + 6:
        o += 4
        et = struct.unpack_from('!H', f, o)[0]
    o += 2
    if et == 0x0800 and len(f) >= o + 20:
        ihl = (f[o] & 15) * 4
        tot = struct.unpack_from('!H', f, o + 2)[0]
        frag = struct.unpack_from('!H', f, o + 6)[0]
        proto = f[o + 9]
        if ihl < 20 or frag & 0x3fff or tot > len(f) - o:
            return f
        src, dst = f[o + 12:o + 16], f[o + 16:o + 20]
        seg = _cut_segment(proto, f[o + ihl:o + tot], src, dst)
        if seg is None:
            return f
        ip = bytearray(f[o:o + ihl])
        struct.pack_into('!H', ip, 2, ihl + len(seg))
        struct.pack_into('!H', ip, 10, 0)
        struct.pack_into('!H', ip, 10, csum(bytes(ip)))
        out = f[:o] + bytes(ip) + seg
    elif et == 0x86dd and len(f) >= o + 40:
        plen = struct.unpack_from('!H', f, o + 4)[0]
        proto = f[o + 6]
        if plen > len(f) - o - 40:
            return f
        src, dst = f[o + 8:o + 24], f[o + 24:o + 40]
        seg = _cut_segment(proto, f[o + 40:o + 40 + plen], src, dst) \
            if proto in (6, 17) else None
        if seg is None:
            return f
        ip = bytearray(f[o:o + 40])
        struct.pack_into('!H', ip, 4, len(seg))
        out = f[:o] + bytes(ip) + seg
    else:
        return f
    if len(out) < 60:
        out += b'\0' * (60 - len(out))
    return out
