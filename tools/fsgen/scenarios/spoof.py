"""spoof: a TCP SYN flood with spoofed sources (and optionally a random
source MAC per packet) over a small background."""

import argparse
import struct

from ..frames import eth, ipv4, tcp, mac, mac_str, ip_str, ZERO4, TH_SYN
from ..lan import Host, lan_world
from ..ospf_model import Ospf, two_routers, steady_hellos
from ..pcap import Capture, iso_us
from ..traffic import pick
from . import busy_lan

SPOOF_NET = 0x10000000          # spoofed sources: 16.0.0.0/4
SPOOF_BITS = 28
MAC_BITS = 46


def odd(rng, bits):
    return rng.getrandbits(bits) | 1


def run(a, rng, out, hc, truth):
    """SYN flood with distinct spoofed sources over a small background.

    Flood records are fixed-size: a template record is patched in place with
    struct.pack_into.  The source IP of packet j is an affine permutation of
    j (so N sources are distinct); the IP ident and the TCP source port carry
    the ones-complement of the source-IP words, which keeps the template's
    IP and TCP checksums valid without recomputing them."""
    n = a.packets if a.packets is not None else 10000000
    nsrc = a.sources if a.sources is not None else n
    if not 1 <= nsrc <= (1 << SPOOF_BITS):
        raise SystemExit('fs-gen: --sources must be 1..%d' % (1 << SPOOF_BITS))
    rate = a.rate if a.rate is not None else 100000
    if not 1 <= rate <= 1000000:
        raise SystemExit('fs-gen: --rate must be 1..1000000')
    start = a.start * 1000000
    gap = 1000000 // rate
    f0 = 500000                         # flood starts 0.5 s in
    if a.onset is not None:
        if not 0.0 <= a.onset <= 3600.0:
            raise SystemExit('fs-gen: spoof: --onset must be 0..3600')
        f0 = int(round(a.onset * 1e6))
    dur = (f0 + n * gap) / 1e6
    cap = Capture(start)
    if a.busy:
        # the busy LAN (VLANs 10, 20, ...; --vlan remaps 10 afterwards)
        ns = argparse.Namespace(**vars(a))
        ns.vlan = None
        topo, _, _ = busy_lan.build(
            ns, rng, cap, a.hosts or busy_lan.DEFAULT_HOSTS,
            a.vlans or busy_lan.DEFAULT_VLANS, dur + 1.0,
            4000 if a.backup_pps is None else a.backup_pps)
        seg = topo.segments[0]
        victim = pick(seg, ('server',))
        routers = [r.truth() for s in topo.segments for r in s.ospf]
    else:
        r1, r2 = two_routers()
        lan, hosts = lan_world(rng, cap, [(10, '10.0.0', 20, 8)], (r1, r2))
        for h in hosts:
            lan.host_traffic(h, 0.0, dur + 1.0)
        steady_hellos(Ospf(cap, rng, r1, r2), 0.0, dur + 1.0, rng)
        routers = [r1.truth(), r2.truth()]
    bg = cap.sorted()

    if not a.busy:
        victim = Host('10.0.0.100', 10)
    culprit = mac('02:00:0a:00:00:66')
    mss = struct.pack('!BBH', 2, 4, 1460)
    seq = rng.getrandbits(32)
    frame = eth(victim.mac, culprit, 0x0800,
                ipv4(ZERO4, victim.ip, 6,
                     tcp(ZERO4, victim.ip, 0, 80, seq, 0, TH_SYN, opts=mss),
                     ttl=64, ident=0), 10)
    rec = struct.pack('<IIII', 0, 0, len(frame), len(frame)) + frame
    R = len(rec)
    ipo = 16 + 18                       # IPv4 header in the record
    # one struct from the source MAC to the TCP source port
    body = struct.Struct('!HI10sH6sI4sH')
    fix10 = rec[28:ipo + 4]
    fix6 = rec[ipo + 6:ipo + 12]
    dst4 = rec[ipo + 16:ipo + 20]
    tsp = struct.Struct('<II').pack_into
    bp = body.pack_into
    mul_ip, add_ip = odd(rng, SPOOF_BITS), rng.getrandbits(SPOOF_BITS)
    mul_mac, add_mac = odd(rng, MAC_BITS), rng.getrandbits(MAC_BITS)
    m_ip = (1 << SPOOF_BITS) - 1
    m_mac = (1 << MAC_BITS) - 1
    chi = (culprit[0] << 8) | culprit[1]
    clo = int.from_bytes(culprit[2:], 'big')
    rnd = a.random_macs
    # --flooder-every K: every K-th flood packet from the culprit's MAC
    every = a.flooder_every or 0
    if every and not rnd:
        raise SystemExit('fs-gen: spoof: --flooder-every needs --random-macs')
    nc = 0                              # flood packets from the culprit MAC

    K = 65536
    buf = bytearray(rec * K)
    mv = memoryview(buf)
    bgi = 0
    nbg = len(bg)
    next_bg = bg[0][0] if nbg else 1 << 62
    t = start + f0
    sec, usec = divmod(t, 1000000)
    written = 0
    nf = 0
    first_ips = set()
    o = 0
    while written < n:
        # background frames due before the next flood packet
        while next_bg <= t and written < n:
            if o:
                out.raw(mv[:o], o // R, 0, 0)
                o = 0
            ts, f = bg[bgi]
            out.record(ts, f)
            hc.add(f)
            written += 1
            bgi += 1
            next_bg = bg[bgi][0] if bgi < nbg else 1 << 62
        # flood packets up to the next background frame or the buffer end
        m = min(n - written, K - o // R)
        if next_bg < 1 << 62:
            m = min(m, (next_bg - t) // gap + 1)
        for _ in range(m):
            j = nf % nsrc
            ip = SPOOF_NET | ((j * mul_ip + add_ip) & m_ip)
            x = (ip >> 16) + (ip & 0xffff)
            c = (0xffff - ((x & 0xffff) + (x >> 16))) or 0xffff
            if rnd and (not every or nf % every):
                v = (nf * mul_mac + add_mac) & m_mac
                bp(buf, o + 22, (((v >> 40) << 10) | 0x200 | ((v >> 32) & 0xff)),
                   v & 0xffffffff, fix10, c, fix6, ip, dst4, c)
            else:
                bp(buf, o + 22, chi, clo, fix10, c, fix6, ip, dst4, c)
                if len(first_ips) < 16:
                    first_ips.add(ip)
                nc += 1
            tsp(buf, o, sec, usec)
            nf += 1
            o += R
            t += gap
            usec += gap
            if usec >= 1000000:
                usec -= 1000000
                sec += 1
        written += m
        if o == K * R or written >= n:
            out.raw(mv[:o], o // R, 0, 0)
            o = 0
        if m == 0 and next_bg == 1 << 62 and written < n:
            break
    firsts = ([start + f0] if nf else []) + ([bg[0][0]] if bgi else [])
    out.first_us = min(firsts)
    last_flood = start + f0 + (nf - 1) * gap
    out.last_us = max(([last_flood] if nf else []) +
                      ([bg[bgi - 1][0]] if bgi else []))
    nsources = min(nsrc, nf)
    if nc:
        hc.hosts[(10, culprit)] = [nc, {i.to_bytes(4, 'big')
                                        for i in first_ips}]
        hc.ip_count[(10, culprit)] = nsources if not rnd else \
            min(nc, nsrc)
    if rnd:
        truth['random_mac_hosts'] = {'count': nf - nc, 'packets': nf - nc,
                                     'vlan': 10}
    truth.update({
        'flood': {'mac': mac_str(culprit) if nc else None,
                  'culprit_packets': nc,
                  'random_macs': bool(rnd), 'vlan': 10, 'packets': nf,
                  'distinct_sources': nsources, 'source_net': '16.0.0.0/4',
                  'rate_pps': 1000000 // gap, 'onset_rel': f0 / 1e6,
                  'onset_ts': iso_us(start + f0),
                  'end_ts': iso_us(last_flood),
                  'victim': {'mac': mac_str(victim.mac),
                             'ip': ip_str(victim.ip), 'port': 80}},
        'routers': routers,
        'background_packets': bgi,
    })
    if a.busy:
        truth['busy'] = True
