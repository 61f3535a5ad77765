"""rotation: one MAC cycling through dozens of source addresses per
second for several seconds, shaped like a DHCP-starvation or ARP-scanning
tool, next to a gateway that legitimately shows thousands of source
addresses (clients of a public web server on the segment, forwarded from
the Internet).

From second --onset (default 10) for 8 s the rotator takes 40 new
addresses of its subnet each second; from each it sends an ARP request
for another address of the subnet and an ICMP echo to a host of the
segment (--ipv6: addresses of the VLAN's /64, a neighbour solicitation
and an ICMPv6 echo).
The rotator deserves a warning; the gateway deserves none."""

from ..frames import (eth, ipv4, ipv6, icmpv6, mac_str, ip_str, ip6_str,
                      mcast6_mac, solicited_node, BCAST)
from ..pcap import Capture, iso_us, write_events
from ..proto import arp, icmp, ndp
from ..traffic import quiet_segment, pick
from ..truth import forwarded_sources

NATIVE_VLAN = True
IPV6 = True
ROTATE_S = 8
IPS_PER_S = 40
INBOUND_CPS = 250                   # connections per second to the server


def run(a, rng, out, hc, truth):
    onset = int(a.onset) if a.onset is not None else 10
    if not 1 <= onset <= 3600:
        raise SystemExit('fs-gen: rotation: --onset must be 1..3600')
    dur = float(onset + ROTATE_S + 12)
    cap = Capture(a.start * 1000000)
    topo, tr, seg = quiet_segment(a, rng, cap, dur,
                                  externals=int(INBOUND_CPS * dur * 2))
    web = pick(seg, ('server', 'linux'))
    tr.inbound(seg, web, 0.0, dur, INBOUND_CPS)
    rot = pick(seg, ('linux', 'windows', 'vm'), avoid=(web,))
    used = set(rng.sample(range(2000, 4000), IPS_PER_S * ROTATE_S))
    addrs = sorted(used)
    rng.shuffle(addrs)
    per_second = []
    k = 0
    v6 = a.ipv6
    for s in range(ROTATE_S):
        ips = []
        for j in range(IPS_PER_S):
            t = onset + s + (j + rng.random()) / IPS_PER_S
            if not v6:
                tgt = seg.addr(rng.randrange(10, 2000))
                src = seg.addr(addrs[k])
                cap.emit(t, eth(BCAST, rot.mac, arp.ETHERTYPE,
                                arp.request(rot.mac, src, tgt), seg.vlan))
                peer = rng.choice(seg.hosts)
                cap.emit(t + 0.004, eth(peer.mac, rot.mac, 0x0800, ipv4(
                    src, peer.ip, 1, icmp.echo(0x1d00 + s, j, b'\0' * 32),
                    64, tr.nid()), seg.vlan))
                ips.append(ip_str(src))
            else:
                src = seg.prefix6 + bytes(rng.getrandbits(8) for _ in range(8))
                t6 = seg.prefix6 + bytes(rng.getrandbits(8) for _ in range(8))
                sn = solicited_node(t6)
                cap.emit(t, eth(mcast6_mac(sn), rot.mac, 0x86dd, ipv6(
                    src, sn, 58, icmpv6(src, sn, ndp.NS, 0,
                                        ndp.ns_body(t6, rot.mac))), seg.vlan))
                peer = rng.choice([h for h in seg.hosts if h.gua6])
                cap.emit(t + 0.004, eth(peer.mac, rot.mac, 0x86dd, ipv6(
                    src, peer.gua6, 58, icmpv6(src, peer.gua6, 128, 0,
                                               bytes((0x1d, s, 0, j)) +
                                               b'\0' * 32), 64), seg.vlan))
                ips.append(ip6_str(src))
            k += 1
        per_second.append(ips)
    ev = cap.sorted()
    on_link = {seg.vlan: lambda ip: seg.on_link(ip) if len(ip) == 4
               else ip[:8] == seg.prefix6}
    v4, v6s = forwarded_sources(ev, topo.gw_mac, on_link)
    write_events(cap, out, hc)
    truth.update({
        'duration_s': dur,
        'rotator': {'mac': mac_str(rot.mac), 'vlan': seg.vlan,
                    'own_ip': ip_str(rot.ip), 'kind': rot.kind,
                    'start_rel': float(onset),
                    'start_ts': iso_us(cap.start + onset * 1000000),
                    'end_rel': float(onset + ROTATE_S),
                    'ips_per_second': IPS_PER_S, 'seconds': ROTATE_S,
                    'distinct_ips': IPS_PER_S * ROTATE_S, 'ipv6': bool(v6),
                    'per_second_first': [p[0] for p in per_second]},
        'gateway': {'mac': mac_str(topo.gw_mac), 'vlan': seg.vlan,
                    'ip': ip_str(seg.gw.ip),
                    'external_sources': len(v4.get(seg.vlan, ())),
                    'external_sources6': len(v6s.get(seg.vlan, ())),
                    'web_server': {'mac': mac_str(web.mac),
                                   'ip': ip_str(web.ip),
                                   'connections_per_s': INBOUND_CPS}},
        'expected': {'warning': [mac_str(rot.mac)],
                     'no_alert': [mac_str(topo.gw_mac)]},
        'topology': topo.truth(),
    })
