#!/usr/bin/env python3
"""The realistic scenarios of tools/fs-gen have the properties they claim,
read back from the pcap bytes with this file's own parsers (nothing of
the generator is imported): busy-lan, incident-slow, phase, arp-victims,
rotation, spoof --busy, and the delivery options --vlan, --qinq and
--mirror (decapsulated here and, for GRE and VXLAN, by tcpdump when it is
installed).  The ERSPAN parser is first checked against the public
captures in ../shared/data/pcap when they are there.

usage: test_scenarios.py PATH/TO/fs-gen"""

import ipaddress
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_generator import (FAILS, check, gen as gen_pair,  # noqa: E402
                            read_pcap, csum_ok, verify_truth)


def gen(fsgen, d, name, args):
    """(pcap bytes, truth, pcap path)."""
    data, t = gen_pair(fsgen, d, name, args)
    return data, t, os.path.join(d, name + '.pcap')


rd = read_pcap

# ---------------------------------------------------------------- parsing


def ip4b(s):
    return bytes(int(x) for x in s.split('.'))


def macb(s):
    return bytes.fromhex(s.replace(':', ''))


class Pkt:
    """The fields the checks need, from one Ethernet frame."""
    __slots__ = ('ts', 'f', 'dst', 'src', 'vlans', 'et', 'l3', 'v', 'ipsrc',
                 'ipdst', 'proto', 'ttl', 'l4', 'l4end')

    def __init__(self, ts, f):
        self.ts, self.f = ts, f
        self.dst, self.src = f[0:6], f[6:12]
        o = 12
        self.vlans = []
        et = struct.unpack_from('!H', f, o)[0]
        while et in (0x8100, 0x88a8, 0x9100):
            self.vlans.append((et, struct.unpack_from('!H', f, o + 2)[0]
                               & 0xfff))
            o += 4
            et = struct.unpack_from('!H', f, o)[0]
        self.et, self.l3 = et, o + 2
        self.v = None
        self.proto = None
        if et == 0x0800:
            o = self.l3
            self.v = 4
            ihl = (f[o] & 15) * 4
            self.ipsrc, self.ipdst = f[o + 12:o + 16], f[o + 16:o + 20]
            self.proto, self.ttl = f[o + 9], f[o + 8]
            self.l4 = o + ihl
            self.l4end = o + struct.unpack_from('!H', f, o + 2)[0]
        elif et == 0x86dd:
            o = self.l3
            self.v = 6
            self.ipsrc, self.ipdst = f[o + 8:o + 24], f[o + 24:o + 40]
            nh, p = f[o + 6], o + 40
            self.ttl = f[o + 7]
            self.l4end = p + struct.unpack_from('!H', f, o + 4)[0]
            while nh in (0, 43, 60):            # extension headers
                nh, p = f[p], p + (f[p + 1] + 1) * 8
            self.proto, self.l4 = nh, p

    @property
    def vlan(self):
        return self.vlans[0][1] if self.vlans else 0

    def ports(self):
        return struct.unpack_from('!HH', self.f, self.l4)


def parse(pkts):
    return [Pkt(ts, f) for ts, f in pkts]


def checksums_ok(p):
    """IPv4 header and TCP/UDP/ICMP(v6) checksums of one packet."""
    f = p.f
    if p.v == 4:
        o = p.l3
        if not csum_ok(f[o:p.l4]):
            return False
        seg = f[p.l4:p.l4end]
        if p.proto in (6, 17):
            if p.proto == 17 and seg[6:8] == b'\0\0':
                return True                     # no UDP checksum (VXLAN)
            return csum_ok(p.ipsrc + p.ipdst + struct.pack(
                '!BBH', 0, p.proto, len(seg)) + seg)
        if p.proto in (1, 2):
            return csum_ok(seg)
        return True
    if p.v == 6 and p.proto in (6, 17, 58):
        seg = f[p.l4:p.l4end]
        return csum_ok(p.ipsrc + p.ipdst + struct.pack('!IxxxB', len(seg),
                                                       p.proto) + seg)
    return True


def in_net(ip, net, plen):
    n = int.from_bytes(net, 'big')
    m = (0xffffffff << (32 - plen)) & 0xffffffff
    return int.from_bytes(ip, 'big') & m == n & m


def ospf_hellos(pp):
    """[(ts, vlan, src MAC, version, hello, dead, neighbours)]."""
    out = []
    for p in pp:
        if p.proto != 89:
            continue
        f, o = p.f, p.l4
        if f[o + 1] != 1:
            continue
        ln = struct.unpack_from('!H', f, o + 2)[0]
        if f[o] == 2:
            hello = struct.unpack_from('!H', f, o + 28)[0]
            dead = struct.unpack_from('!I', f, o + 32)[0]
            nb = [f[x:x + 4] for x in range(o + 44, o + ln, 4)]
        else:
            hello, dead = struct.unpack_from('!HH', f, o + 24)
            nb = [f[x:x + 4] for x in range(o + 36, o + ln, 4)]
        out.append((p.ts, p.vlan, p.src, f[o], hello, dead, nb))
    return out


def by_router(hellos, mac, version=2):
    return [h for h in hellos if h[2] == mac and h[3] == version]


def intervals(times):
    return [b - a for a, b in zip(times, times[1:])]


def punted(p):
    """Must the router's CPU see this packet addressed to it?  TTL/hop
    limit 1, ICMP(v6), IPv4 options or an IPv6 hop-by-hop header, TCP to
    the BGP port."""
    if p.ttl <= 1 or p.proto in (1, 58):
        return True
    if p.v == 4 and p.l4 - p.l3 > 20 or p.v == 6 and p.l4 - p.l3 > 40:
        return True
    return p.proto == 6 and p.ports()[1] == 179


def per_second(times, t0, t1):
    """Counts in each whole second [t0 + k s, t0 + (k+1) s) until t1."""
    out = [0] * int((t1 - t0) // 1000000)
    for t in times:
        k = (t - t0) // 1000000
        if 0 <= k < len(out):
            out[k] += 1
    return out

# ---------------------------------------------------------------- busy-lan


def test_busy_lan(fsgen, d):
    args = ['busy-lan', '--duration', '22', '--backup-pps', '1000']
    data, t, _ = gen(fsgen, d, 'busy', args)
    pk = rd(data)
    pp = parse(pk)
    start = t['start'] * 1000000
    verify_truth(pk, t, 'busy-lan')
    bad = sum(1 for p in pp if not checksums_ok(p))
    check(bad == 0, 'busy-lan: %d frames with bad checksums' % bad)
    first = {p.src for p in pp if p.ts < start + 1000000}
    check(len(first) >= 2000, 'busy-lan: %d distinct source MACs in the '
          'first second, want >= 2000' % len(first))
    hosts = {(h['vlan'], h['mac']) for h in t['hosts']}
    speak = {(p.vlan, ':'.join('%02x' % b for b in p.src)) for p in pp
             if p.ts < start + 1000000}
    check(len(speak & hosts) >= t['hosts_configured'],
          'busy-lan: only %d of the configured hosts speak in the first '
          'second' % len(speak & hosts))
    segs = t['topology']['segments']
    vlans = {p.vlan for p in pp if p.vlans and p.vlans[0][0] == 0x8100}
    check(len(segs) >= 2 and {s['vlan'] for s in segs} <= vlans,
          'busy-lan: 802.1Q VLANs %s, truth %s' % (sorted(vlans),
                                                   [s['vlan'] for s in segs]))
    ospf = ospf_hellos(pp)
    for s in segs:
        v = s['vlan']
        net, plen = s['subnet'].split('/')
        net, plen = ip4b(net), int(plen)
        gwip = ip4b(s['gateway']['ip'])
        vp = [p for p in pp if p.vlan == v]
        # the gateway as the wire shows it: the MAC answering ARP for .1
        gwmacs = {p.src for p in vp if p.et == 0x0806 and
                  p.f[p.l3 + 7] == 2 and p.f[p.l3 + 14:p.l3 + 18] == gwip}
        check(len(gwmacs) == 1, 'busy-lan vlan %d: %d MACs answer ARP for '
              'the gateway' % (v, len(gwmacs)))
        if len(gwmacs) != 1:
            continue
        gw = gwmacs.pop()
        ext = {p.ipsrc for p in vp if p.src == gw and p.v == 4 and
               not in_net(p.ipsrc, net, plen)}
        check(len(ext) >= 500, 'busy-lan vlan %d: %d off-link IPv4 sources '
              'behind the gateway, want >= 500' % (v, len(ext)))
        pfx6 = ipaddress.ip_network(s['prefix6']).network_address.packed[:8]
        ext6 = {p.ipsrc for p in vp if p.src == gw and p.v == 6 and
                p.ipsrc[:2] != b'\xfe\x80' and p.ipsrc[:8] != pfx6}
        check(len(ext6) >= 100, 'busy-lan vlan %d: %d off-link IPv6 '
              'sources behind the gateway' % (v, len(ext6)))
        icmp_from_gw = [p.f[p.l4] for p in vp if p.src == gw and p.v == 4 and
                        p.proto == 1 and p.ipsrc == gwip]
        check(11 in icmp_from_gw, 'busy-lan vlan %d: no ICMP time-exceeded '
              'from the gateway' % v)
        if s['ospf']:
            check(5 in icmp_from_gw, 'busy-lan vlan %d: no ICMP redirect '
                  'from the gateway' % v)
        kinds = {
            'ARP request': any(p.et == 0x0806 and p.f[p.l3 + 7] == 1
                               for p in vp),
            'RA': any(p.v == 6 and p.proto == 58 and p.f[p.l4] == 134 and
                      p.src == gw for p in vp),
            'NS': any(p.v == 6 and p.proto == 58 and p.f[p.l4] == 135
                      for p in vp),
            'NA': any(p.v == 6 and p.proto == 58 and p.f[p.l4] == 136
                      for p in vp),
            'DHCP': any(p.proto == 17 and 67 in p.ports() for p in vp),
            'mDNS v4': any(p.v == 4 and p.proto == 17 and
                           p.ports() == (5353, 5353) for p in vp),
            'mDNS v6': any(p.v == 6 and p.proto == 17 and
                           p.ports() == (5353, 5353) for p in vp),
            'LLMNR': any(p.proto == 17 and p.ports()[1] == 5355 for p in vp),
            'SSDP': any(p.proto == 17 and p.ports()[1] == 1900 for p in vp),
            'TCP SYN': any(p.proto == 6 and p.f[p.l4 + 13] == 0x02
                           for p in vp),
            'TCP FIN': any(p.proto == 6 and p.f[p.l4 + 13] & 1 for p in vp),
            'TCP over IPv6': any(p.v == 6 and p.proto == 6 for p in vp),
        }
        missing = [k for k, ok in kinds.items() if not ok]
        check(not missing, 'busy-lan vlan %d: no %s' % (v, missing))
        vo = [h for h in ospf if h[1] == v]
        if not s['ospf']:
            check(not vo, 'busy-lan vlan %d: OSPF where there is none' % v)
            continue
        routers = {h[2] for h in vo}
        check(len(routers) == 2 and gw in routers,
              'busy-lan vlan %d: OSPF routers %d, gateway among them: %s'
              % (v, len(routers), gw in routers))
        for r in routers:
            hs = [h for h in vo if h[2] == r]
            check(len(hs) >= 2 and all(h[4] == 10 and h[5] == 40
                                       for h in hs),
                  'busy-lan vlan %d: hellos %d, timers %s' % (
                      v, len(hs), {(h[4], h[5]) for h in hs}))
            iv = intervals([h[0] for h in hs])
            check(all(abs(x - 10000000) <= 5000 for x in iv),
                  'busy-lan vlan %d: hello intervals %s' % (v, iv))
            check(all(len(h[6]) == 1 for h in hs),
                  'busy-lan vlan %d: a router not listing its neighbour' % v)
    b = t['backup']
    bm, gwm = macb(b['mac']), macb(b['via_gateway_mac'])
    bk = [p for p in pp if p.src == bm and p.dst == gwm and p.v == 4 and
          p.ipdst == ip4b(b['dst_ip']) and len(p.f) >= 1500]
    secs = (b['end_rel'] - b['start_rel'])
    check(abs(len(bk) - b['pps'] * secs) <= b['pps'] * secs * 0.01,
          'busy-lan: backup %d full-size frames through the gateway, want '
          '%d' % (len(bk), b['pps'] * secs))
    check(t['attacks'] == [] and t['expected_alerts'] == [],
          'busy-lan: truth expects alerts')
    print('ok busy-lan: %d packets, %d MACs in the first second'
          % (len(pk), len(first)))

# ---------------------------------------------------------------- incident-slow


def test_incident_slow(fsgen, d, v6):
    name = 'slow6' if v6 else 'slow'
    rate = 20000
    args = ['incident-slow', '--rate', str(rate)] + (['--ipv6'] if v6 else [])
    data, t, _ = gen(fsgen, d, name, args)
    pk = rd(data)
    pp = parse(pk)
    verify_truth(pk, t, name)
    s = t['start'] * 1000000
    us = lambda rel: s + int(round(rel * 1e6))      # noqa: E731
    bad = sum(1 for p in pp if not checksums_ok(p))
    check(bad == 0, '%s: %d frames with bad checksums' % (name, bad))
    c = t['culprit']
    cm, r1m = macb(c['mac']), macb(t['gateway']['mac'])
    on, end = us(t['flood_onset_rel']), us(t['flood_end_rel'])
    dst = ipaddress.ip_address(c['dst_ip']).packed
    fl = [p for p in pp if p.src == cm and p.dst == r1m and
          p.v == (6 if v6 else 4) and len(p.f) == c['frame_bytes'] and
          p.ipdst == dst and on <= p.ts]
    check(fl and fl[0].ts == on, '%s: first flood packet at %s, onset %d'
          % (name, fl[0].ts if fl else None, on))
    check(abs(len(fl) - c['flood_packets']) <= 2 and
          abs(len(fl) - rate * (end - on) / 1e6) <= rate * 0.001,
          '%s: %d flood packets, truth %d' % (name, len(fl),
                                             c['flood_packets']))
    router_bound = sum(1 for p in fl if punted(p))
    check(router_bound == len(fl), '%s: %d of %d flood packets not '
          'router-bound' % (name, len(fl) - router_bound, len(fl)))
    pre = [p for p in pp if p.src == cm and p.ts < on]
    check(len(pre) / t['flood_onset_rel'] < rate / 100,
          '%s: culprit not quiet before onset (%d frames)' % (name, len(pre)))
    h = ospf_hellos(pp)
    ver = 2
    r1 = by_router(h, r1m, ver)
    r2 = by_router(h, macb(t['routers'][1]['mac']), ver)
    check(all(x[4] == 10 and x[5] == 40 for x in r1 + r2),
          '%s: hello/dead not 10/40' % name)
    last, rec = us(t['r1_last_hello_rel']), us(t['r1_recovery_hello_rel'])
    down = us(t['adjacency_down_rel'])
    before = [x[0] for x in r1 if x[0] <= last]
    check(before and before[-1] == last and
          all(abs(g - 10000000) <= 5000 for g in intervals(before)),
          '%s: R1 hellos before the starvation %s' % (name,
                                                      intervals(before)))
    check(not [x for x in r1 if last < x[0] < rec],
          '%s: R1 hello while starving' % name)
    late = us(t['late_hello_rel'])
    check(late == last + 10000000 and 9000000 <= late - on <= 11000000,
          '%s: late hello %.3f s after onset' % (name, (late - on) / 1e6))
    check(down == last + 40000000 and down - on >= 40000000,
          '%s: adjacency lost %.3f s after onset' % (name, (down - on) / 1e6))
    r1id = ip4b(t['routers'][0]['router_id'])
    lists = [(x[0], r1id in x[6]) for x in r2]
    check(all(ok for ts, ok in lists if ts < down) and
          any(not ok for ts, ok in lists if down < ts < rec),
          '%s: R2 hellos listing R1 %s' % (name, lists))
    gw = t['gateway']
    cp = [p for p in pp if p.src == r1m and last < p.ts < rec and
          (p.et == 0x0806 or (p.v == 4 and p.ipsrc == ip4b(gw['ip'])))]
    fwd = [p for p in pp if p.src == r1m and last < p.ts < rec and
           p.v == 4 and p.ipsrc[:2] != ip4b(gw['ip'])[:2]]
    check(not cp and fwd, '%s: R1 made %d frames of its own while starving, '
          'forwarded %d' % (name, len(cp), len(fwd)))
    dbd = [p for p in pp if p.proto == 89 and p.f[p.l4 + 1] == 2]
    check(dbd and all(p.ts > rec for p in dbd),
          '%s: no adjacency exchange after recovery' % name)
    if v6:
        h3 = [x for x in h if x[3] == 3]
        check(len(h3) >= 8 and all(x[4] == 10 and x[5] == 40 for x in h3),
              '%s: OSPFv3 hellos %d' % (name, len(h3)))
        # R1's OSPFv3 hellos starve with its OSPFv2 ones
        r1v3 = [x[0] for x in by_router(h, r1m, 3) if x[0] < rec]
        check(r1v3 and last < r1v3[-1] <= last + 1000,
              '%s: R1\'s last OSPFv3 hello %s, OSPFv2 %d'
              % (name, r1v3[-1:], last))
    print('ok %s: %d packets, %d flood' % (name, len(pk), len(fl)))

# ---------------------------------------------------------------- phase


def test_phase(fsgen, d):
    for ph in ('0.0', '0.37', '0.67', '0.99'):
        data, t, _ = gen(fsgen, d, 'phase' + ph, ['phase', '--phase', ph])
        pp = parse(rd(data))
        fl = t['flood']
        cm = macb(t['culprit']['mac'])
        first = fl['first_packet_us']
        want = int(round(float(ph) * 1e6))
        check(first % 1000000 == want, 'phase %s: truth first packet at '
              '%d us into its second' % (ph, first % 1000000))
        mine = [p.ts for p in pp if p.src == cm]
        check(first in mine, 'phase %s: no culprit frame at the truth\'s '
              'first packet time' % ph)
        before = sum(1 for x in mine if first - 1000000 <= x < first)
        after = sum(1 for x in mine if first <= x < first + 1000000)
        check(before < 20 and after >= 0.99 * fl['rate_pps'],
              'phase %s: culprit %d frames in the second before, %d after'
              % (ph, before, after))
        storm = [p for p in pp if p.src == cm and p.dst == b'\xff' * 6 and
                 p.ts >= first]
        check(storm and storm[0].ts == first and
              len(storm) >= fl['packets'] and
              {p.et for p in storm} >= {0x0806, 0x88b5},
              'phase %s: broadcast storm of %d ARP/non-IP frames'
              % (ph, len(storm)))
    print('ok phase: 4 phases')

# ---------------------------------------------------------------- arp-victims


def test_arp_victims(fsgen, d, v6):
    name = 'arp-victims' + (' --ipv6' if v6 else '')
    data, t, _ = gen(fsgen, d, 'arpv' + ('6' if v6 else ''),
                     ['arp-victims'] + (['--ipv6'] if v6 else []))
    pp = parse(rd(data))
    s = t['start'] * 1000000
    fl = t['flood']
    cm = macb(t['culprit']['mac'])
    on = s + int(fl['onset_rel'] * 1e6)
    end = on + 20000000

    def is_req(p):
        if v6:
            return p.v == 6 and p.proto == 58 and p.f[p.l4] == 135
        return p.et == 0x0806 and p.f[p.l3 + 7] == 1

    def is_rep(p):
        if v6:
            return p.v == 6 and p.proto == 58 and p.f[p.l4] == 136
        return p.et == 0x0806 and p.f[p.l3 + 7] == 2
    req = per_second([p.ts for p in pp if p.src == cm and is_req(p)], on, end)
    check(all(abs(x - fl['rate_pps']) <= fl['rate_pps'] * 0.02 for x in req),
          '%s: culprit requests per second %s' % (name, req))
    for v in t['victims']:
        vm = macb(v['mac'])
        reps = [p for p in pp if p.src == vm and is_rep(p) and
                p.dst == cm and on <= p.ts < end + 100000]
        if not v6:
            check(all(p.f[p.l3 + 14:p.l3 + 18] == ip4b(v['ip'])
                      for p in reps), '%s: %s answers for another address'
                  % (name, v['name']))
        ps = per_second([p.ts for p in reps], on, end)
        check(all(10 <= x <= 20 for x in ps), '%s: %s replies per second %s'
              % (name, v['name'], ps))
    print('ok %s' % name)

# ---------------------------------------------------------------- rotation


def test_rotation(fsgen, d):
    data, t, _ = gen(fsgen, d, 'rot', ['rotation'])
    pp = parse(rd(data))
    s = t['start'] * 1000000
    r = t['rotator']
    rm = macb(r['mac'])
    t0 = s + int(r['start_rel'] * 1e6)
    seen = set()
    new_per_s = []
    pps = []
    for k in range(int(r['seconds'])):
        lo, hi = t0 + k * 1000000, t0 + (k + 1) * 1000000
        ips = set()
        n = 0
        for p in pp:
            if p.src != rm or not lo <= p.ts < hi:
                continue
            n += 1
            if p.et == 0x0806:
                ips.add(p.f[p.l3 + 14:p.l3 + 18])
            elif p.v == 4:
                ips.add(p.ipsrc)
        new_per_s.append(len(ips - seen))
        seen |= ips
        pps.append(n)
    check(len(new_per_s) >= 5 and all(x >= 30 for x in new_per_s),
          'rotation: new source IPs per second %s' % new_per_s)
    check(all(x < 200 for x in pps), 'rotation: rotator not low-rate %s'
          % pps)
    g = t['gateway']
    gm = macb(g['mac'])
    net = ip4b(g['ip'])
    srcs = {p.ipsrc for p in pp if p.src == gm and p.v == 4 and
            p.ipsrc[:2] != net[:2]}
    check(len(srcs) >= 2000, 'rotation: gateway shows %d source IPs, want '
          'thousands' % len(srcs))
    check(t['expected'] == {'warning': [r['mac']], 'no_alert': [g['mac']]},
          'rotation: truth expectations %s' % t['expected'])
    print('ok rotation: %s new IPs/s, gateway %d sources' % (new_per_s,
                                                            len(srcs)))

# ---------------------------------------------------------------- spoof --busy


def test_spoof_busy(fsgen, d):
    data, t, _ = gen(fsgen, d, 'spoofbusy', [
        'spoof', '--busy', '--onset', '0', '--random-macs', '--packets',
        '200000', '--rate', '50000', '--hosts', '2000'])
    pp = parse(rd(data))
    s = t['start'] * 1000000
    fl = t['flood']
    vm = macb(fl['victim']['mac'])
    flood = [p for p in pp if p.dst == vm and p.proto == 6 and
             p.f[p.l4 + 13] == 0x02 and p.ipsrc[0] >> 4 == 1]
    check(flood and flood[0].ts == s, 'spoof --busy: flood does not start '
          'at t=0')
    check(len({p.src for p in flood}) == len(flood) == fl['packets'] and
          all(p.src[0] & 3 == 2 for p in flood),
          'spoof --busy: random MACs not distinct local unicast')
    fm = {p.src for p in flood}
    bg = {p.src for p in pp if p.ts < s + 1000000 and p.src not in fm}
    check(len(bg) >= 2000, 'spoof --busy: %d background MACs in the first '
          'second' % len(bg))
    print('ok spoof --busy: %d flood, %d background MACs in second 1'
          % (len(flood), len(bg)))

# ---------------------------------------------------------------- delivery


def decap(frame):
    """(kind, fields, inner frame) of a mirror encapsulation in IPv4, or
    None.  ERSPAN per draft-foschiano-erspan-03, VXLAN per RFC 7348, GRE
    per RFC 2784/2890."""
    if frame[12:14] != b'\x08\x00':
        return None
    o = 14
    ihl = (frame[o] & 15) * 4
    proto = frame[o + 9]
    p = o + ihl
    out = {'outer_ok': csum_ok(frame[o:p]), 'src': frame[o + 12:o + 16],
           'dst': frame[o + 16:o + 20],
           'ip_id': struct.unpack_from('!H', frame, o + 4)[0]}
    if proto == 17:
        sp, dp, ln, ck = struct.unpack_from('!HHHH', frame, p)
        if dp != 4789:
            return None
        fl, vni = struct.unpack_from('!II', frame, p + 8)
        out.update({'sport': sp, 'flags': fl >> 24, 'vni': vni >> 8,
                    'udp_csum': ck})
        return 'vxlan', out, frame[p + 16:]
    if proto != 47:
        return None
    flags, ptype = struct.unpack_from('!HH', frame, p)
    q = p + 4
    if flags & 0x8000:
        q += 4
    if flags & 0x2000:
        out['key'] = struct.unpack_from('!I', frame, q)[0]
        q += 4
    if flags & 0x1000:
        out['seq'] = struct.unpack_from('!I', frame, q)[0]
        q += 4
    if ptype == 0x6558:
        return 'gre', out, frame[q:]
    if ptype == 0x88be and 'seq' in out:
        w0, w1, w2 = struct.unpack_from('!HHI', frame, q)
        out.update({'ver': w0 >> 12, 'vlan': w0 & 0xfff, 'cos': w1 >> 13,
                    'en': (w1 >> 11) & 3, 't': (w1 >> 10) & 1,
                    'session': w1 & 0x3ff, 'index': w2 & 0xfffff})
        return 'erspan2', out, frame[q + 8:]
    if ptype == 0x22eb:
        w0, w1, ts, sgt, w3 = struct.unpack_from('!HHIHH', frame, q)
        out.update({'ver': w0 >> 12, 'vlan': w0 & 0xfff, 'cos': w1 >> 13,
                    'bso': (w1 >> 11) & 3, 'session': w1 & 0x3ff,
                    'timestamp': ts, 'p': w3 >> 15, 'ft': (w3 >> 10) & 0x1f,
                    'gra': (w3 >> 1) & 3, 'o': w3 & 1})
        return 'erspan3', out, frame[q + 12 + (8 if w3 & 1 else 0):]
    return None


def shared_pcap(src_root, rel):
    d = os.environ.get('FS_SHARED_DIR') or os.path.join(src_root, '..',
                                                        'shared')
    path = os.path.join(d, 'data', 'pcap', rel)
    return path if os.path.exists(path) else None


def test_decap_on_public(src_root):
    """The decapsulator reads the public captures as SOURCES.md says."""
    want = {
        'tcpdump/erspan-type-ii-2.pcap': ('erspan2', {'ver': 1,
                                                      'session': 1,
                                                      'vlan': 101}),
        'tcpdump/erspan-type-iii-ft-0.pcap': ('erspan3', {'ver': 2,
                                                          'vlan': 20,
                                                          'session': 0}),
        'zeek/erspanIII.pcap': ('erspan3', {'ver': 2, 'vlan': 20, 'p': 1}),
        'tcpdump/vxlan.pcap': ('vxlan', {'vni': 100, 'flags': 8}),
        'zeek/erspan.pcap': ('gre', {'key': 0}),
    }
    n = 0
    for rel, (kind, fields) in want.items():
        path = shared_pcap(src_root, rel)
        if path is None:
            continue
        with open(path, 'rb') as f:
            mark = len(FAILS)
            pk = read_pcap(f.read())
            del FAILS[mark:]                    # their headers, not ours
        r = decap(pk[0][1])
        ok = r is not None and r[0] == kind and all(
            r[1].get(k) == v for k, v in fields.items())
        check(ok, 'decap of public %s: %s' % (rel, r and (r[0], r[1])))
        if ok and kind == 'erspan3' and 'ft-0' in rel:
            check(r[2][12:14] == b'\x81\x00' and
                  struct.unpack_from('!H', r[2], 14)[0] & 0xfff == 20,
                  'decap of public %s: inner frame not VLAN 20' % rel)
        n += 1
    print('ok decapsulator on %d public captures%s' % (
        n, '' if n else ' (skipped: ../shared/data/pcap absent)'))


TS_LINE = re.compile(r'^\d\d:\d\d:\d\d\.\d{6} ')


def tcpdump_packets(path):
    """tcpdump -nn -e output, one whitespace-normalised string per packet
    (continuation lines joined), timestamps removed."""
    p = subprocess.run(['tcpdump', '-nn', '-e', '-r', path],
                       capture_output=True, text=True)
    out = []
    for ln in p.stdout.splitlines():
        if TS_LINE.match(ln):
            out.append(ln[16:])
        elif out:
            out[-1] += ' ' + ln
    return [' '.join(x.split()) for x in out]


def test_mirror(fsgen, d, plain_pk, plain_path, base_args):
    plain = [(ts, f) for ts, f in plain_pk]
    have_tcpdump = shutil.which('tcpdump') is not None
    for kind, extra in (('erspan2', []), ('erspan3', []), ('gre', []),
                        ('vxlan', []), ('erspan2', ['--mirror-vlan',
                                                    'header'])):
        tag = kind + ('-hdr' if extra else '')
        data, t, path = gen(fsgen, d, 'mir-' + tag, base_args + [
            '--mirror', kind, '--mirror-id', '77'] + extra)
        pk = rd(data)
        m = t['delivery']['mirror']
        check(len(pk) == len(plain) and m['packets'] == len(plain),
              'mirror %s: %d packets, plain %d' % (tag, len(pk), len(plain)))
        bad = []
        seqs = []
        for (ts, f), (pts, pf) in zip(pk, plain):
            r = decap(f)
            if r is None or r[0] != kind:
                bad.append('not %s' % kind)
                break
            _, o, inner = r
            if ts != pts or not o['outer_ok'] or \
                    o['src'] != ip4b(m['src_ip']) or \
                    o['dst'] != ip4b(m['dst_ip']):
                bad.append('outer header at %d' % ts)
            tagged = pf[12:14] == b'\x81\x00'
            vid = struct.unpack_from('!H', pf, 14)[0] & 0xfff if tagged \
                else 0
            if kind.startswith('erspan'):
                seqs.append(o['seq'])
                if o['session'] != 77 or o['vlan'] != vid:
                    bad.append('session/vlan %s' % o)
                if kind == 'erspan2' and o['ver'] != 1:
                    bad.append('version %d' % o['ver'])
                if kind == 'erspan3' and (o['ver'] != 2 or
                                          o['timestamp'] != (ts // 100) &
                                          0xffffffff or o['ft'] != 0):
                    bad.append('type III header %s' % o)
            if extra:
                want = pf[:12] + pf[16:] if tagged else pf
                want += b'\0' * (60 - len(want))
                if inner != want or o['en'] != (2 if tagged else 0):
                    bad.append('header-VLAN inner frame / En %s' % o)
            elif inner != pf:
                bad.append('inner frame differs at %d' % ts)
            if kind == 'erspan2' and not extra and \
                    o['en'] != (3 if tagged else 0):
                bad.append('En %d' % o['en'])
            if kind == 'vxlan' and (o['vni'] != 77 or o['flags'] != 8 or
                                    o['udp_csum'] != 0 or
                                    not 49152 <= o['sport'] <= 65535):
                bad.append('VXLAN header %s' % o)
            if kind == 'gre' and o.get('key') != 77:
                bad.append('GRE key %s' % o.get('key'))
            if len(bad) > 3:
                break
        check(not bad, 'mirror %s: %s' % (tag, bad[:3]))
        if seqs:
            check(all(b - a == 1 for a, b in zip(seqs, seqs[1:])),
                  'mirror %s: GRE sequence numbers not consecutive' % tag)
        if have_tcpdump and not extra:
            inner = tcpdump_packets(plain_path)
            outer = tcpdump_packets(path)
            decodes = kind in ('gre', 'vxlan') or \
                any('ERSPAN' in x for x in outer[:10])
            if not decodes:
                print('skip: this tcpdump does not decode %s' % kind)
                continue
            # each inner frame's decode appears in its mirrored packet's
            missing = [i for i, (a, b) in enumerate(zip(inner, outer))
                       if a not in b]
            check(len(inner) == len(outer) == len(plain) and not missing,
                  'mirror %s: tcpdump shows %d of %d inner frames, e.g. '
                  '%s' % (tag, len(inner) - len(missing), len(plain),
                          [(inner[i], outer[i]) for i in missing[:1]]))
    if not have_tcpdump:
        print('skip: tcpdump not installed, mirror decoding by tcpdump '
              'not checked')
    print('ok mirror: erspan2, erspan3, gre, vxlan')


def test_qinq_and_vlan(fsgen, d, plain_pk, base_args):
    data, t, _ = gen(fsgen, d, 'qinq', base_args + ['--qinq', '300'])
    pk = rd(data)
    ok = len(pk) == len(plain_pk) and all(
        f[12:16] == b'\x88\xa8\x01\x2c' and f[:12] + f[16:] == pf
        for (_, f), (_, pf) in zip(pk, plain_pk))
    check(ok, 'qinq: frames are not the plain ones with an S-tag 300')
    check(t['delivery']['qinq'] == {'tpid': '0x88a8', 'svid': 300},
          'qinq: truth %s' % t['delivery'])
    # --vlan on a classic scenario moves its VLAN 10
    a, ta, _ = gen(fsgen, d, 'inc', ['incident'])
    b, tb, _ = gen(fsgen, d, 'inc77', ['incident', '--vlan', '77'])
    pa, pb = rd(a), rd(b)
    same = len(pa) == len(pb)
    for (ts, fa), (tsb, fb) in zip(pa, pb):
        if fa[12:16] == b'\x81\x00\x00\x0a':
            same = same and fb[12:16] == b'\x81\x00\x00\x4d' and \
                fa[16:] == fb[16:]
        else:
            same = same and fa == fb
    check(same, 'incident --vlan 77: frames not moved from VLAN 10 to 77')
    check(tb['culprit']['vlan'] == 77 and
          all(r['vlan'] == 77 for r in tb['routers']) and
          {h['vlan'] for h in tb['hosts']} == {0, 77},
          'incident --vlan 77: truth not following')
    verify_truth(pb, tb, 'incident --vlan 77')
    print('ok qinq and --vlan')


def test_determinism(fsgen, d):
    for args in (['busy-lan', '--hosts', '150', '--duration', '8'],
                 ['incident-slow', '--rate', '2000', '--hosts', '20'],
                 ['phase', '--phase', '0.5'], ['arp-victims'],
                 ['rotation', '--ipv6']):
        a, ta, _ = gen(fsgen, d, 'det1', args)
        b, tb, _ = gen(fsgen, d, 'det2', args)
        c, _, _ = gen(fsgen, d, 'det3', args + ['--seed', '9'])
        check(a == b and ta == tb, '%s: same seed, different output' % args)
        check(a != c, '%s: seeds 1 and 9 gave the same pcap' % args)
    print('ok determinism')


def main():
    fsgen = sys.argv[1]
    src_root = os.path.dirname(os.path.dirname(os.path.abspath(fsgen)))
    with tempfile.TemporaryDirectory() as d:
        test_decap_on_public(src_root)
        test_busy_lan(fsgen, d)
        test_incident_slow(fsgen, d, False)
        test_incident_slow(fsgen, d, True)
        test_phase(fsgen, d)
        test_arp_victims(fsgen, d, False)
        test_arp_victims(fsgen, d, True)
        test_rotation(fsgen, d)
        test_spoof_busy(fsgen, d)
        base = ['phase', '--phase', '0.25']
        data, _, plain_path = gen(fsgen, d, 'plain', base)
        plain = rd(data)
        test_mirror(fsgen, d, plain, plain_path, base)
        test_qinq_and_vlan(fsgen, d, plain, base)
        test_determinism(fsgen, d)
    if FAILS:
        print('%d failures' % len(FAILS))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
