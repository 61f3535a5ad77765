"""incident-slow: the incident at OSPF's default timers (hello 10 s, dead
40 s) on a live segment.

One host floods its gateway R1 with router-bound packets at --rate
(default 200,000 pps) from --onset (default 30 s).  R1 still sends the
hello due 0.4 s after the onset, then its control plane starves: no
hello, ARP, ND, ICMP or DHCP relay frame of its own until the flood ends
(what it forwards in hardware goes on).  The next hello is due 10 s into
the flood and never comes; R2 drops the adjacency one dead interval after
the last hello, 40.4 s into the flood; the flood stops 1.6 s later, R1
comes back, the adjacency forms again.  The symptom comes tens of seconds
after the onset: detection must look back that far.

--ipv6: the flood is IPv6 and the routers also run OSPFv3 (hellos)."""

from ..frames import (eth, ipv4, ipv6, udp, icmp, icmpv6, tcp, mac_str,
                      ip_str, ip6_str, ipv4_router_alert,
                      hop_by_hop_router_alert, ZERO4, TH_SYN, TCP_MSS_1460)
from ..ospf_model import Ospf
from ..pcap import Capture, q, to_ts, iso_us
from ..proto.ospf import network_lsa_body
from ..segment import Topology
from ..template import Kind, stream
from ..traffic import Traffic

NATIVE_VLAN = True
IPV6 = True
DEFAULT_RATE = 200000
DEFAULT_HOSTS = 60
LAST_HELLO_AFTER_ONSET = 0.4
FLOOD_AFTER_DOWN = 1.6
RECOVERY_AFTER_FLOOD = 0.5


def flood_kinds(c, gw, vlan, v6):
    """Router-bound kinds, all to R1's MAC and own address."""
    l2 = 18 if vlan else 14
    mk = []
    if not v6:
        d = gw.ip
        mk.append(('udp_ttl1', eth(gw.mac, c.mac, 0x0800, ipv4(
            c.ip, d, 17, udp(c.ip, d, 0, 33434, b'\0' * 18), ttl=1), vlan),
            l2, l2 + 20, 'udp'))
        mk.append(('icmp_echo', eth(gw.mac, c.mac, 0x0800, ipv4(
            c.ip, d, 1, icmp(8, 0, 0x42420000, b'\0' * 18)), vlan),
            l2, l2 + 20, 'icmp'))
        mk.append(('ip_options', eth(gw.mac, c.mac, 0x0800, ipv4(
            c.ip, d, 17, udp(c.ip, d, 0, 9, b'\0' * 14),
            options=ipv4_router_alert()), vlan), l2, l2 + 24, 'udp'))
        mk.append(('tcp_syn_179', eth(gw.mac, c.mac, 0x0800, ipv4(
            c.ip, d, 6, tcp(c.ip, d, 0, 179, 0x5eed0000, 0, TH_SYN,
                            opts=TCP_MSS_1460)), vlan),
            l2, l2 + 20, 'tcp'))
    else:
        s, d = c.gua6, gw.gua6
        mk.append(('udp_hlim1', eth(gw.mac, c.mac, 0x86dd, ipv6(
            s, d, 17, udp(s, d, 0, 33434, b'\0' * 18), hlim=1), vlan),
            l2, l2 + 40, 'udp6'))
        mk.append(('icmp6_echo', eth(gw.mac, c.mac, 0x86dd, ipv6(
            s, d, 58, icmpv6(s, d, 128, 0, b'\x42\x42\0\0' + b'\0' * 18),
            hlim=64), vlan), l2, l2 + 40, 'icmp6'))
        mk.append(('hbh_router_alert', eth(gw.mac, c.mac, 0x86dd, ipv6(
            s, d, 0, hop_by_hop_router_alert(17) +
            udp(s, d, 0, 9, b'\0' * 14), hlim=64), vlan),
            l2, l2 + 48, 'udp6'))
        mk.append(('tcp_syn_179', eth(gw.mac, c.mac, 0x86dd, ipv6(
            s, d, 6, tcp(s, d, 0, 179, 0x5eed0000, 0, TH_SYN,
                         opts=TCP_MSS_1460), hlim=64), vlan),
            l2, l2 + 40, 'tcp6'))
    length = max(len(f) for _, f, _, _, _ in mk)
    return [Kind(n, f, ipo, l4o, l4, length) for n, f, ipo, l4o, l4 in mk]


def control_plane(f, gw):
    """Is this frame from the gateway one its CPU made (not forwarded)?"""
    if f[6:12] != gw.mac:
        return False
    o = 18 if f[12:14] == b'\x81\x00' else 14
    et = f[o - 2:o]
    if et == b'\x08\x06':
        return True
    if et == b'\x08\x00':
        return f[o + 12:o + 16] == gw.ip
    if et == b'\x86\xdd':
        return f[o + 8:o + 24] in (gw.ll6, gw.gua6)
    return False


def schedule(rng, o, seg, r1, r2, T0, dur, v3, tr):
    """Emit both routers' hellos and the OSPF events; returns the facts."""
    H, D = r1.hello, r1.dead
    jit = lambda: rng.uniform(-0.002, 0.002)        # noqa: E731
    last = q(T0 + LAST_HELLO_AFTER_ONSET + jit())
    down = q(last + D)
    flood_end = q(down + FLOOD_AFTER_DOWN)
    rec = q(flood_end + RECOVERY_AFTER_FLOOD)
    r1_times = []
    t = last
    while t > 0:
        r1_times.insert(0, t)
        t = q(t - H + jit())
    t = rec
    while t < dur:
        r1_times.append(t)
        t = q(t + H + jit())
    # R2's phase puts one of its hellos 0.6 s after the adjacency loss,
    # before R1 is back: the loss shows in R2's hellos too
    r2_times = []
    t = q((down + 0.6) % H)
    t = q(t + H) if t < 0.5 else t
    while t < dur:
        r2_times.append(t)
        t = q(t + H + jit())
    # initial LSDBs: Full with R2 as DR
    rk1 = o.router_lsa(r1, r2.ip)
    rk2 = o.router_lsa(r2, r2.ip)
    nk = r2.originate(2, r2.ip, network_lsa_body(r2.mask, [r2.rid, r1.rid]))
    r2.lsdb[rk1] = list(r1.lsdb[rk1])
    for k in (rk2, nk):
        r1.lsdb[k] = list(r2.lsdb[k])
    hellos = sorted([(x, 'R1') for x in r1_times] +
                    [(x, 'R2') for x in r2_times])
    heard_r1 = None                 # R2's last hello from R1
    r2_lists_r1 = True
    r1_lists_r2 = True              # R1's view (lost while starving)
    down_done = False
    full = []
    for ts, who in hellos:
        if not down_done and ts > down:
            down_done = True
            rk = o.router_lsa(r2)
            r2.flush(nk)
            o.lsu(down + 0.001, r2, None, [rk, nk])
            r2_lists_r1 = False
        if who == 'R1':
            if ts == rec:
                # back from starvation: its dead timer for R2 ran out,
                # its router-LSA is a stub again
                o.router_lsa(r1)
                r1_lists_r2 = False
            two_way = not r1_lists_r2 and r2_lists_r1
            if two_way:
                r1_lists_r2 = True
            if r1_lists_r2:
                o.hello(ts, r1, [r2], r2.ip, r1.ip)
            else:
                o.hello(ts, r1, [], ZERO4, ZERO4)
            if v3:
                tr.ospf3_hello(ts + 0.0005, seg, r1, seg.gw,
                               r2 if r1_lists_r2 else None)
            if two_way:
                full.append(q(o.exchange(ts, r1, r2)))
            heard_r1 = ts
        else:
            sees = heard_r1 is not None and ts - heard_r1 < D
            r2_lists_r1 = sees
            o.hello(ts, r2, [r1] if sees else [], r2.ip,
                    r1.ip if sees and r1_lists_r2 else ZERO4)
            if v3:
                tr.ospf3_hello(ts + 0.0005, seg, r2, seg.r2,
                               r1 if sees else None)
    return {'last': last, 'down': down, 'flood_end': flood_end, 'rec': rec,
            'r1_times': r1_times, 'r2_times': r2_times, 'full': full}


def run(a, rng, out, hc, truth):
    rate = a.rate if a.rate is not None else DEFAULT_RATE
    if not 1000 <= rate <= 2000000:
        raise SystemExit('fs-gen: incident-slow: --rate must be '
                         '1000..2000000')
    T0 = float(a.onset) if a.onset is not None else 30.0
    if not 1.0 <= T0 <= 600.0:
        raise SystemExit('fs-gen: incident-slow: --onset must be 1..600')
    nhosts = a.hosts if a.hosts is not None else DEFAULT_HOSTS
    vlan = a.vlan if a.vlan is not None else 10
    topo = Topology(rng, [vlan], nhosts, ospf_every=1, hello=a.hello,
                    dead=a.dead)
    seg = topo.segments[0]
    r1, r2 = seg.ospf
    r1.name, r2.name = 'R1', 'R2'
    H, D = r1.hello, r1.dead
    rec_guess = T0 + LAST_HELLO_AFTER_ONSET + D + FLOOD_AFTER_DOWN + \
        RECOVERY_AFTER_FLOOD
    dur = float(int(rec_guess + 2 * H + 2))
    cap = Capture(a.start * 1000000)
    culprit = next(h for h in seg.hosts if h.kind in ('linux', 'server'))
    tr = Traffic(cap, rng, topo)
    tr.populate(0.0, dur, first_second=True, ospf=False)
    o = Ospf(cap, rng, r1, r2)
    f = schedule(rng, o, seg, r1, r2, T0, dur, a.ipv6, tr)
    # silent from just after its last hellos (the OSPFv3 one follows the
    # OSPFv2 one by 0.5 ms) until it is back
    lo = cap.start + int(round(f['last'] * 1e6)) + 1000
    hi = cap.start + int(round(f['rec'] * 1e6))
    gw = seg.gw
    cap.ev = [e for e in cap.ev if not (lo < e[0] < hi and
                                        control_plane(e[1], gw))]
    bg = cap.sorted()
    on_us = cap.start + int(round(T0 * 1e6))
    pre = sum(1 for ts, fr in bg if fr[6:12] == culprit.mac and ts < on_us)
    kinds = flood_kinds(culprit, gw, vlan, a.ipv6)
    n = int(round((f['flood_end'] - T0) * rate))
    last_us = stream(out, hc, bg, kinds, on_us, rate, n,
                     ident0=rng.randrange(65536),
                     word0=rng.randrange(65536))
    key = (vlan, culprit.mac)
    hc.hosts.setdefault(key, [0, set()])
    hc.hosts[key][0] += n
    if not a.ipv6:
        hc.hosts[key][1].add(culprit.ip)
    mix = {k.name: n // len(kinds) + (1 if j < n % len(kinds) else 0)
           for j, k in enumerate(kinds)}
    st = a.start
    r1_during = [x for x in f['r1_times'] if T0 <= x <= f['flood_end']]
    late = q(f['last'] + H)
    truth.update({
        'duration_s': dur,
        'culprit': {'mac': mac_str(culprit.mac), 'ip': ip_str(culprit.ip),
                    'ip6': ip6_str(culprit.gua6) if culprit.gua6 else None,
                    'vlan': vlan, 'kind': culprit.kind,
                    'flood_packets': n, 'flood_pps': rate,
                    'flood_mix': mix, 'flood_ipv6': bool(a.ipv6),
                    'frame_bytes': len(kinds[0].frame),
                    'pre_flood_packets': pre,
                    'pre_flood_pps': round(pre / T0, 3),
                    'dst_mac': mac_str(gw.mac),
                    'dst_ip': ip6_str(gw.gua6) if a.ipv6 else ip_str(gw.ip)},
        'flood_onset_rel': T0, 'flood_onset_ts': to_ts(st, T0),
        'flood_last_packet_ts': iso_us(last_us),
        'flood_end_rel': f['flood_end'],
        'routers': [r1.truth(), r2.truth()],
        'gateway': {'mac': mac_str(gw.mac), 'ip': ip_str(gw.ip),
                    'ip6': ip6_str(gw.gua6), 'router': 'R1'},
        'ospf': {'vlan': vlan, 'area': '0.0.0.0', 'dr': ip_str(r2.ip),
                 'bdr': ip_str(r1.ip), 'hello_interval': H,
                 'dead_interval': D, 'ospfv3': bool(a.ipv6),
                 'exchange_packets': o.log},
        'r1_last_hello_rel': f['last'],
        'late_hello_rel': late,
        'late_hello_after_onset_s': round(late - T0, 6),
        'adjacency_down_rel': f['down'],
        'adjacency_down_after_onset_s': round(f['down'] - T0, 6),
        'r2_first_hello_without_r1_rel': min(x for x in f['r2_times']
                                             if x > f['down']),
        'r1_control_plane_silent_rel': [f['last'], f['rec']],
        'r1_recovery_hello_rel': f['rec'],
        'adjacency_full_rel': f['full'],
        'r1_hellos_during_flood_rel': r1_during,
        'r1_hellos_rel': f['r1_times'],
        'r2_hellos_rel': f['r2_times'],
        'expected': {
            'culprit_named_by_rel': q(T0 + 1.0),
            'culprit_alert_by_rel': q(late + 1.0),
            'baseline_below_pps': rate / 100.0,
            'adjacency_loss_in_alert_by_rel': q(f['down'] + 1.0)},
    })
    for k in list(truth):
        if k.endswith('_rel') and isinstance(truth[k], float) and \
                k[:-4] + '_ts' not in truth:
            truth[k[:-4] + '_ts'] = to_ts(st, truth[k])
