"""arp-victims: one host floods ARP requests at --rate (default 3,000
pps) for 20 s from second --onset (default 15); a third of them ask for
the gateway R1, a third for the second router R2, the rest for unused
addresses.  Both routers answer, rate-limited as real control planes are
(R1 about 12, R2 about 15 replies per second).  The sender is the
culprit; the routers are its victims, not sources.

--ipv6: neighbour solicitations for the routers' addresses instead, the
routers answering with neighbour advertisements at the same limits."""

from ..frames import (eth, ipv6, icmpv6, mac_str, ip_str, ip6_str,
                      mcast6_mac, solicited_node, BCAST)
from ..pcap import Capture, iso_us, write_events
from ..proto import arp, ndp
from ..traffic import quiet_segment, pick

NATIVE_VLAN = True
IPV6 = True
DEFAULT_RATE = 3000
FLOOD_S = 20
REPLY_LIMITS = (12.0, 15.0)         # replies per second, R1 and R2


def run(a, rng, out, hc, truth):
    rate = a.rate if a.rate is not None else DEFAULT_RATE
    if not 10 <= rate <= 200000:
        raise SystemExit('fs-gen: arp-victims: --rate must be 10..200000')
    onset = float(a.onset) if a.onset is not None else 15.0
    dur = onset + FLOOD_S + 10
    cap = Capture(a.start * 1000000)
    topo, tr, seg = quiet_segment(a, rng, cap, dur)
    routers = (seg.gw, seg.r2)
    c = pick(seg, ('linux', 'windows', 'vm'))
    first_us = cap.start + int(round(onset * 1e6))
    n = int(FLOOD_S * rate)
    v6 = a.ipv6
    nexts = [0, 0]                  # earliest next reply per router (us)
    replies = [[], []]
    asked = [0, 0, 0]
    for i in range(n):
        ts = first_us + i * 1000000 // rate
        k = i % 3
        asked[k] += 1
        r = routers[k] if k < 2 else None
        if not v6:
            tpa = r.ip if r is not None else seg.addr(rng.randrange(3000,
                                                                    4000))
            cap.ev.append((ts, eth(BCAST, c.mac, arp.ETHERTYPE,
                                   arp.request(c.mac, c.ip, tpa), seg.vlan)))
        else:
            t6 = r.gua6 if r is not None else \
                seg.prefix6 + bytes(rng.getrandbits(8) for _ in range(8))
            sn = solicited_node(t6)
            cap.ev.append((ts, eth(mcast6_mac(sn), c.mac, 0x86dd, ipv6(
                c.gua6, sn, 58, icmpv6(c.gua6, sn, ndp.NS, 0,
                                       ndp.ns_body(t6, c.mac))), seg.vlan)))
        if r is None or ts < nexts[k]:
            continue
        rt = ts + rng.randrange(200, 2000)
        if not v6:
            f = eth(c.mac, r.mac, arp.ETHERTYPE,
                    arp.reply(r.mac, r.ip, c.mac, c.ip), seg.vlan)
        else:
            f = eth(c.mac, r.mac, 0x86dd, ipv6(r.gua6, c.gua6, 58, icmpv6(
                r.gua6, c.gua6, ndp.NA, 0, ndp.na_body(
                    r.gua6, ndp.NA_ROUTER | ndp.NA_SOLICITED |
                    ndp.NA_OVERRIDE, r.mac))), seg.vlan)
        cap.ev.append((rt, f))
        replies[k].append(rt)
        nexts[k] = ts + int(1e6 / REPLY_LIMITS[k] * rng.uniform(0.9, 1.1))
    last_us = first_us + (n - 1) * 1000000 // rate
    write_events(cap, out, hc)
    victims = []
    for k, r in enumerate(routers):
        victims.append({'name': ('R1', 'R2')[k], 'mac': mac_str(r.mac),
                        'ip': ip_str(r.ip), 'ip6': ip6_str(r.gua6),
                        'requests_for_it': asked[k],
                        'replies': len(replies[k]),
                        'reply_pps': round(len(replies[k]) / FLOOD_S, 2),
                        'first_reply_ts': iso_us(replies[k][0]),
                        'gateway': k == 0})
    truth.update({
        'duration_s': dur,
        'culprit': {'mac': mac_str(c.mac), 'ip': ip_str(c.ip),
                    'ip6': ip6_str(c.gua6) if c.gua6 else None,
                    'vlan': seg.vlan, 'kind': c.kind},
        'flood': {'kind': 'nd' if v6 else 'arp', 'rate_pps': rate,
                  'packets': n, 'onset_rel': onset,
                  'onset_ts': iso_us(first_us), 'end_ts': iso_us(last_us),
                  'requests_for_unused': asked[2]},
        'victims': victims,
        'ospf': {'vlan': seg.vlan, 'hello_interval': a.hello,
                 'dead_interval': a.dead,
                 'routers': [r.truth() for r in seg.ospf]},
        'expected': {'culprit': mac_str(c.mac),
                     'not_sources': [v['mac'] for v in victims]},
        'topology': topo.truth(),
    })
