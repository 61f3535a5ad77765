"""incident: the 2009 story at hello 1 / dead 4 on VLAN 10: a host floods
its gateway R1 with router-bound packets, R1 starves, its hellos come late
and then stop, R2 drops the adjacency; recovery after the flood."""

from ..frames import udp, icmp, mac_str, ip_str, ZERO4
from ..lan import Host, lan_world, EXT_DNS
from ..ospf_model import Ospf, two_routers, jitter
from ..pcap import Capture, q, to_ts, write_events


def run(a, rng, out, hc, truth):
    cap = Capture(a.start * 1000000)
    run_incident(a, rng, cap, truth)
    write_events(cap, out, hc)


def run_incident(a, rng, cap, truth):
    dur = 90.0
    T0 = 30.0
    flood_end = T0 + 25.0
    r1, r2 = two_routers()
    spec = [(10, '10.0.0', 20, 10)]
    lan, hosts = lan_world(rng, cap, spec, (r1, r2))
    culprit = Host('10.0.0.13', 10, r1)
    culprit.dns = (EXT_DNS, r1)
    culprit.peers = hosts[-2:]
    culprit.rate = 0.4
    for h in hosts + [culprit]:
        lan.host_traffic(h, 0.0, dur)
    lan.switch_frames(0.0, dur, (10,))
    o = Ospf(cap, rng, r1, r2)

    # Initial LSDBs: each router alone, a router-LSA with stub links.
    o.router_lsa(r1)
    o.router_lsa(r2)

    # R1 hello times (phase .0): starts 1.0, on time up to T0; late/early
    # pairs once the flood starves it (1.3 s then 0.2 s, 1.4 s then 0.2 s),
    # silent from T0+3.1, back at T0+27.0.
    r1_times = [q(1.0 + k + jitter(rng)) for k in range(0, 30)]   # .. 30.0
    starving = [T0 + 1.3, T0 + 1.5, T0 + 2.9, T0 + 3.1]
    starving = [q(x + jitter(rng)) for x in starving]
    restart = T0 + 27.0
    r1_after = []
    t = restart
    while t < dur:
        r1_after.append(q(t + jitter(rng)))
        t += 1.0
    r1_all = r1_times + starving + r1_after
    r1_last = starving[-1]
    down = q(r1_last + r1.dead)
    r2_times = []
    t = 0.5
    while t < dur:
        r2_times.append(q(t + jitter(rng)))
        t += 1.0

    # Each router's view: R2 lists R1 if it heard an R1 hello within the
    # dead interval; R1 lists R2 if it heard R2 since its own (re)start.
    r1_starts = [0.95, restart - 0.05]
    hellos = sorted([(x, 'R1') for x in r1_all] + [(x, 'R2') for x in r2_times])
    heard = {'R1': None, 'R2': None}            # last hello ts of each
    listed = {'R1': False, 'R2': False}         # last hello listed the other
    r1_start = None
    down_done = False
    full_ts = []
    for ts, who in hellos:
        if not down_done and ts > down:
            # R2 loses R1 at the dead interval: router-LSA back to stub,
            # its network-LSA flushed (MaxAge).
            down_done = True
            rk = o.router_lsa(r2)
            nk = (2, r2.ip, r2.rid)
            r2.flush(nk)
            o.lsu(down + 0.001, r2, None, [rk, nk])
        if who == 'R1':
            st = max(s for s in r1_starts if s <= ts)
            if st != r1_start:
                if r1_start is not None:
                    # back from starvation: it lost R2 meanwhile, so its
                    # own router-LSA is re-originated with the stub link
                    o.router_lsa(r1)
                r1_start = st
                heard['R2'] = None
            sees = heard['R2'] is not None and heard['R2'] >= r1_start \
                and ts - heard['R2'] < r1.dead
            if sees and listed['R2']:
                o.hello(ts, r1, [r2], r2.ip, r1.ip)
            elif sees:
                o.hello(ts, r1, [r2], ZERO4, ZERO4)
            else:
                o.hello(ts, r1, [], ZERO4, ZERO4)
            was = listed['R1']
            listed['R1'] = sees
            heard['R1'] = ts
            if sees and listed['R2'] and not was:
                full_ts.append(o.exchange(ts, r1, r2))
        else:
            sees = heard['R1'] is not None and ts - heard['R1'] < r2.dead
            bdr = r1.ip if sees and listed['R1'] else ZERO4
            o.hello(ts, r2, [r1] if sees else [], r2.ip, bdr)
            listed['R2'] = sees
            heard['R2'] = ts

    # The culprit's flood at its gateway R1.
    fl = flood(lan, culprit, r1, T0, flood_end, 4000, rng)
    # A starved R1 sends nothing at all (no forwarding, no ARP replies)
    # between its last hello and its recovery.
    lo = cap.start + int(round(r1_last * 1e6))
    hi = cap.start + int(round(r1_after[0] * 1e6))
    cap.ev = [e for e in cap.ev if not (lo < e[0] < hi and
                                        e[1][6:12] == r1.mac)]

    pre = sum(1 for ts, f in cap.ev
              if f[6:12] == culprit.mac and ts < cap.start + T0 * 1000000)
    r1_hellos = sorted(r1_all)
    gaps = []
    for i in range(1, len(r1_hellos)):
        g = q(r1_hellos[i] - r1_hellos[i - 1])
        if r1_hellos[i] > T0 and g > 1.1 and r1_hellos[i] < flood_end:
            gaps.append({'ts_rel': r1_hellos[i], 'gap_s': g,
                         'late_s': q(g - r1.hello)})
    truth.update({
        'duration_s': dur,
        'culprit': {'mac': mac_str(culprit.mac), 'ip': ip_str(culprit.ip),
                    'vlan': 10, 'flood_packets': fl['packets'],
                    'flood_pps': 4000, 'flood_mix': fl['mix'],
                    'pre_flood_packets': pre,
                    'pre_flood_pps': round(pre / T0, 3),
                    'dst_mac': mac_str(r1.mac), 'dst_ip': ip_str(r1.ip)},
        'flood_onset_rel': T0, 'flood_end_rel': flood_end,
        'routers': [r1.truth(), r2.truth()],
        'ospf': {'vlan': 10, 'area': '0.0.0.0', 'dr': '10.0.0.2',
                 'bdr': '10.0.0.1', 'exchange_packets': o.log},
        'r1_first_hello_rel': round(r1_hellos[0], 6),
        'adjacency_full_rel': [q(x) for x in full_ts],
        'r1_last_hello_before_silence_rel': round(r1_last, 6),
        'adjacency_down_rel': round(down, 6),
        'r2_first_hello_without_r1_rel': round(min(x for x in r2_times
                                                   if x > down), 6),
        'r1_recovery_hello_rel': round(r1_after[0], 6),
        'late_hellos': gaps,
        'r1_hellos_during_flood_rel': [round(x, 6) for x in r1_hellos
                                       if T0 <= x <= flood_end],
    })
    for k in list(truth):
        if k.endswith('_rel') and isinstance(truth[k], float):
            truth[k[:-4] + '_ts'] = to_ts(a.start, truth[k])
    truth['adjacency_full_ts'] = [to_ts(a.start, x) for x in full_ts]
    for g in gaps:
        g['ts'] = to_ts(a.start, g['ts_rel'])
    return dur


def flood(lan, h, r, t0, t1, pps, rng):
    """Router-bound flood: UDP with TTL 1, ICMP echo, IP options
    (Router Alert), aimed at the router's MAC and IP."""
    n = int((t1 - t0) * pps)
    gap = 1.0 / pps
    mix = {'udp_ttl1': 0, 'icmp_echo': 0, 'ip_options': 0}
    ra = b'\x94\x04\x00\x00'
    for i in range(n):
        t = t0 + i * gap + rng.uniform(0, gap * 0.2)
        k = i % 3
        if k == 0:
            lan.send_ip(t, h.mac, r.mac, h.vlan, h.ip, r.ip, 17,
                        udp(h.ip, r.ip, 40000 + (i & 0xfff), 33434 + i % 30,
                            b'\0' * 32), ttl=1)
            mix['udp_ttl1'] += 1
        elif k == 1:
            lan.send_ip(t, h.mac, r.mac, h.vlan, h.ip, r.ip, 1,
                        icmp(8, 0, (0x4242 << 16) | (i & 0xffff),
                             b'\0' * 56))
            mix['icmp_echo'] += 1
        else:
            lan.send_ip(t, h.mac, r.mac, h.vlan, h.ip, r.ip, 17,
                        udp(h.ip, r.ip, 40000 + (i & 0xfff), 9, b'\0' * 32),
                        options=ra)
            mix['ip_options'] += 1
    return {'packets': n, 'mix': mix}
