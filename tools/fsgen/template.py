"""Floods of millions of packets, fast: each packet kind is one template
record packed once; per packet only the timestamp, the IP ident, one
varying L4 field and the two checksums they touch are rewritten (the
checksums incrementally, RFC 1624).  Background frames are merged in
time order."""

import struct

REC = struct.Struct('<IIII')
TS = struct.Struct('<II')
IP4_VAR = struct.Struct('!HHBBH')       # ident, flags/frag, ttl, proto, csum
UDP_HDR = struct.Struct('!HHHH')        # sport, dport, length, csum
ICMP_HDR = struct.Struct('!BBHHH')      # type, code, csum, ident, seq
TCP_HEAD = struct.Struct('!HHIIBBHH')   # ports, seq, ack, off, flags, win, csum


def fold(s):
    s = (s & 0xffff) + (s >> 16)
    return (s & 0xffff) + (s >> 16)


def ones_sum(data):
    """Ones-complement sum of 16-bit words (0..0xffff)."""
    if len(data) & 1:
        data += b'\0'
    s = int.from_bytes(data, 'big') % 0xffff
    return s if s or not any(data) else 0xffff


class Kind:
    """One packet kind of a flood: a template frame and what varies.

    l4: 'udp' (source port varies), 'icmp' (sequence varies), 'tcp'
    (source port varies) or 'icmp6'/'udp6'/'tcp6' for IPv6 (no IP ident).
    ip_off: offset of the IP header in the frame.  l4_off: offset of the
    L4 header.  Varying fields are zero in the template; base sums are
    taken without them and without the checksums."""

    def __init__(self, name, frame, ip_off, l4_off, l4, length):
        self.name = name
        f = bytearray(frame + b'\0' * (length - len(frame)))
        self.l4 = l4
        self.ip_off, self.l4_off = ip_off, l4_off
        self.v4 = not l4.endswith('6')
        if self.v4:
            f[ip_off + 4:ip_off + 6] = b'\0\0'          # ident
            f[ip_off + 10:ip_off + 12] = b'\0\0'        # header checksum
            ihl = (f[ip_off] & 15) * 4
            self.ip_base = ones_sum(bytes(f[ip_off:ip_off + ihl]))
            self.ip_fixed = struct.unpack_from('!HBB', f, ip_off + 6)
            tot = struct.unpack_from('!H', f, ip_off + 2)[0]
            seg_end = ip_off + tot
            src, dst = f[ip_off + 12:ip_off + 16], f[ip_off + 16:ip_off + 20]
            proto = f[ip_off + 9]
            pseudo = src + dst + struct.pack('!BBH', 0, proto,
                                             seg_end - l4_off)
        else:
            self.ip_base = self.ip_fixed = None
            plen = struct.unpack_from('!H', f, ip_off + 4)[0]
            seg_end = ip_off + 40 + plen
            src, dst = f[ip_off + 8:ip_off + 24], f[ip_off + 24:ip_off + 40]
            nh = {'udp6': 17, 'tcp6': 6, 'icmp6': 58}[l4]
            pseudo = src + dst + struct.pack('!IxxxB', seg_end - l4_off, nh)
        base = l4.rstrip('6')
        if base == 'udp':
            f[l4_off:l4_off + 2] = b'\0\0'
            f[l4_off + 6:l4_off + 8] = b'\0\0'
            self.fixed = struct.unpack_from('!HH', f, l4_off + 2)
        elif base == 'icmp':
            f[l4_off + 2:l4_off + 4] = b'\0\0'
            f[l4_off + 6:l4_off + 8] = b'\0\0'
            self.fixed = (f[l4_off], f[l4_off + 1],
                          struct.unpack_from('!H', f, l4_off + 4)[0])
        else:
            f[l4_off:l4_off + 2] = b'\0\0'
            f[l4_off + 16:l4_off + 18] = b'\0\0'
            self.fixed = struct.unpack_from('!HIIBBH', f, l4_off + 2)
        pseudo_sum = ones_sum(bytes(pseudo)) if base != 'icmp' or \
            not self.v4 else 0
        self.l4_base = fold(ones_sum(bytes(f[l4_off:seg_end])) + pseudo_sum)
        self.frame = bytes(f)


def fill(buf, kinds, first_us, rate, i0, limit_us, count, ident0, word0):
    """Write up to count flood records (packets i0, i0+1, ...) into buf,
    stopping before the first packet at or after limit_us.  Packet i is
    at first_us + i * 1e6 // rate, of kind i mod len(kinds); its IP ident
    is ident0 + i and its varying L4 field word0 + i (16 bits each).
    Returns the number written."""
    nk = len(kinds)
    R = 16 + len(kinds[0].frame)
    ts_pack = TS.pack_into
    ip_pack = IP4_VAR.pack_into
    udp_pack, icmp_pack, tcp_pack = (UDP_HDR.pack_into, ICMP_HDR.pack_into,
                                     TCP_HEAD.pack_into)
    spec = []
    for k in kinds:
        base = k.l4.rstrip('6')
        spec.append((k.v4, base, k.ip_off + 16, k.l4_off + 16, k.ip_base,
                     k.ip_fixed if k.v4 else None, k.l4_base, k.fixed))
    o = 0
    i = i0
    end = i0 + count
    while i < end:
        ts = first_us + i * 1000000 // rate
        if ts >= limit_us:
            break
        v4, base, ipo, l4o, ipb, ipf, l4b, fx = spec[i % nk]
        ts_pack(buf, o, ts // 1000000, ts % 1000000)
        if v4:
            ident = (ident0 + i) & 0xffff
            s = ipb + ident
            s = (s & 0xffff) + (s >> 16)
            ip_pack(buf, o + ipo + 4, ident, ipf[0], ipf[1], ipf[2],
                    (~s) & 0xffff)
        w = (word0 + i) & 0xffff
        s = l4b + w
        s = (s & 0xffff) + (s >> 16)
        c = (~s) & 0xffff
        if base == 'udp':
            udp_pack(buf, o + l4o, w, fx[0], fx[1], c or 0xffff)
        elif base == 'icmp':
            icmp_pack(buf, o + l4o, fx[0], fx[1], c, fx[2], w)
        else:
            tcp_pack(buf, o + l4o, w, fx[0], fx[1], fx[2], fx[3], fx[4],
                     fx[5], c)
        o += R
        i += 1
    return i - i0


def stream(out, hc, bg, kinds, first_us, rate, n, ident0=0, word0=0):
    """Write the background events bg (sorted (ts_us, frame)) and n flood
    packets in time order; background frames are counted in hc, the
    flood is the caller's to count.  Returns the last flood timestamp."""
    nk = len(kinds)
    R = 16 + len(kinds[0].frame)
    K = 65536 // nk * nk
    # record j of the block holds kind j mod nk, so packet i is written
    # at record (i mod nk) + its rank in this fill
    buf = bytearray()
    for j in range(K):
        f = kinds[j % nk].frame
        buf += REC.pack(0, 0, len(f), len(f)) + f
    mv = memoryview(buf)
    bgi = 0
    nbg = len(bg)
    i = 0
    while i < n or bgi < nbg:
        next_bg = bg[bgi][0] if bgi < nbg else 1 << 62
        if i < n:
            skip = i % nk
            m = fill(mv[skip * R:], kinds, first_us, rate, i, next_bg,
                     min(K - skip, n - i), ident0, word0)
            if m:
                out.raw(mv[skip * R:(skip + m) * R], m,
                        first_us + i * 1000000 // rate,
                        first_us + (i + m - 1) * 1000000 // rate)
                i += m
                continue
        ts, f = bg[bgi]
        out.record(ts, f)
        hc.add(f)
        bgi += 1
    return first_us + (n - 1) * 1000000 // rate if n else None
