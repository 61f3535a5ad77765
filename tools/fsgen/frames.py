"""Addresses, the Internet checksum and the Ethernet/IP/TCP/UDP/ICMP layers
every protocol module builds on.  Frames are bytes; nothing here keeps
state."""

import struct


def mac(s):
    return bytes.fromhex(s.replace(':', ''))


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def mac_str(b):
    return ':'.join('%02x' % x for x in b)


def ip_str(b):
    return '.'.join(str(x) for x in b)


def ip6(s):
    """Text IPv6 address to 16 bytes (accepts '::')."""
    head, _, tail = s.partition('::')
    hw = [int(x, 16) for x in head.split(':') if x]
    tw = [int(x, 16) for x in tail.split(':') if x]
    words = hw + [0] * (8 - len(hw) - len(tw)) + tw
    return struct.pack('!8H', *words)


def ip6_str(b):
    """Compressed text form (RFC 5952: longest zero run becomes '::')."""
    w = struct.unpack('!8H', b)
    best, cur = (0, 0), None
    for i, x in enumerate(w + (1,)):
        if x == 0 and i < 8:
            cur = cur if cur is not None else i
        elif cur is not None:
            if i - cur > best[1] - best[0] and i - cur > 1:
                best = (cur, i)
            cur = None
    if best[1] > best[0]:
        left = ':'.join('%x' % x for x in w[:best[0]])
        right = ':'.join('%x' % x for x in w[best[1]:])
        return left + '::' + right
    return ':'.join('%x' % x for x in w)


def csum(data):
    """Internet checksum.  Sum of 16-bit words == value mod 0xffff."""
    if len(data) & 1:
        data += b'\0'
    s = int.from_bytes(data, 'big') % 0xffff
    if s == 0:
        # the ones-complement sum is 0xffff unless every word is zero
        return 0 if any(data) else 0xffff
    return 0xffff - s


BCAST = b'\xff' * 6
ZERO4 = b'\0' * 4
ZERO6 = b'\0' * 16
BCAST4 = b'\xff' * 4


def mcast_mac(ip):
    return bytes((0x01, 0x00, 0x5e, ip[1] & 0x7f, ip[2], ip[3]))


def mcast6_mac(ip):
    """RFC 2464 7: 33:33 and the low 32 bits of the group."""
    return b'\x33\x33' + ip[12:]


def solicited_node(addr):
    """ff02::1:ffXX:XXXX for an IPv6 address (RFC 4291 2.7.1)."""
    return b'\xff\x02' + b'\0' * 9 + b'\x01\xff' + addr[13:]


def eth(dst, src, etype, payload, vlan=0):
    if vlan:
        f = dst + src + struct.pack('!HHH', 0x8100, vlan, etype) + payload
    else:
        f = dst + src + struct.pack('!H', etype) + payload
    if len(f) < 60:
        f += b'\0' * (60 - len(f))
    return f


def ipv4(src, dst, proto, payload, ttl=64, ident=0, tos=0, options=b'',
         df=True):
    ihl = 5 + len(options) // 4
    h = bytearray(struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, tos,
                              ihl * 4 + len(payload), ident,
                              0x4000 if df else 0, ttl, proto, 0, src, dst)
                  + options)
    struct.pack_into('!H', h, 10, csum(bytes(h)))
    return bytes(h) + payload


def l4_csum(src, dst, proto, seg):
    """TCP/UDP checksum over the IPv4 or IPv6 pseudo-header."""
    if len(src) == 16:
        pseudo = src + dst + struct.pack('!IxxxB', len(seg), proto)
        return csum(pseudo + seg)
    return csum(src + dst + struct.pack('!BBH', 0, proto, len(seg)) + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b'', win=64240,
        opts=b''):
    off = (20 + len(opts)) // 4
    seg = bytearray(struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff,
                                ack & 0xffffffff, off << 4, flags, win, 0, 0)
                    + opts + payload)
    struct.pack_into('!H', seg, 16, l4_csum(src, dst, 6, bytes(seg)))
    return bytes(seg)


def udp(src, dst, sport, dport, payload):
    seg = bytearray(struct.pack('!HHHH', sport, dport, 8 + len(payload), 0)
                    + payload)
    c = l4_csum(src, dst, 17, bytes(seg))
    struct.pack_into('!H', seg, 6, c or 0xffff)
    return bytes(seg)


def icmp(typ, code, rest, payload=b''):
    m = bytearray(struct.pack('!BBHI', typ, code, 0, rest) + payload)
    struct.pack_into('!H', m, 2, csum(bytes(m)))
    return bytes(m)


def ipv6(src, dst, nh, payload, hlim=255):
    return struct.pack('!IHBB', 0x60000000, len(payload), nh, hlim) \
        + src + dst + payload


def icmpv6(src, dst, typ, code, body):
    m = bytearray(struct.pack('!BBH', typ, code, 0) + body)
    pseudo = src + dst + struct.pack('!IxxxB', len(m), 58)
    struct.pack_into('!H', m, 2, csum(pseudo + bytes(m)))
    return bytes(m)


def hop_by_hop_router_alert(nh):
    """IPv6 Hop-by-Hop header with the Router Alert option (RFC 2711),
    value 0 (MLD); 8 bytes."""
    return struct.pack('!BBBBHBB', nh, 0, 5, 2, 0, 1, 0)


def ipv4_router_alert():
    """IPv4 Router Alert option (RFC 2113), 4 bytes."""
    return b'\x94\x04\x00\x00'


TH_FIN, TH_SYN, TH_RST, TH_PSH, TH_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
TCP_MSS_1460 = struct.pack('!BBH', 2, 4, 1460)
