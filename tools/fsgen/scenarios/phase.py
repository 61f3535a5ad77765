"""phase: a broadcast storm whose first packet falls at --phase
(0.0..0.99) within its second, on a quiet but live segment.

One host sends ARP requests for addresses of its subnet and frames of a
non-IP ethertype (0x88b5, IEEE local experimental) to the broadcast
address at --rate (default 3,000 pps) for 10 s, starting at second
--onset (default 20) plus the phase.  --ipv6: neighbour solicitations to
solicited-node groups instead of ARP.  The truth has the first packet's
exact time."""

import struct

from ..frames import (eth, ipv6, icmpv6, mac_str, ip_str, ip6_str,
                      mcast6_mac, solicited_node, BCAST)
from ..pcap import Capture, iso_us, write_events
from ..proto import arp, ndp
from ..traffic import quiet_segment, pick

NATIVE_VLAN = True
IPV6 = True
DEFAULT_RATE = 3000
FLOOD_S = 10
ETHERTYPE_EXPERIMENTAL = 0x88b5


def storm(cap, rng, seg, c, first_us, rate, n, v6):
    """n frames at first_us + i * 1e6 // rate: two of ARP/NS for one of
    the non-IP type."""
    kinds = {'arp' if not v6 else 'nd': 0, 'non_ip': 0}
    for i in range(n):
        ts = first_us + i * 1000000 // rate
        tgt = seg.addr(rng.randrange(3, 4000))
        if i % 3 == 2:
            f = eth(BCAST, c.mac, ETHERTYPE_EXPERIMENTAL,
                    struct.pack('!HI', 1, i) + b'\0' * 40, seg.vlan)
            kinds['non_ip'] += 1
        elif not v6:
            f = eth(BCAST, c.mac, arp.ETHERTYPE,
                    arp.request(c.mac, c.ip, tgt), seg.vlan)
            kinds['arp'] += 1
        else:
            t6 = seg.prefix6 + bytes(rng.getrandbits(8) for _ in range(8))
            sn = solicited_node(t6)
            f = eth(mcast6_mac(sn), c.mac, 0x86dd,
                    ipv6(c.gua6, sn, 58, icmpv6(c.gua6, sn, ndp.NS, 0,
                                                ndp.ns_body(t6, c.mac))),
                    seg.vlan)
            kinds['nd'] += 1
        cap.ev.append((ts, f))
    return kinds


def run(a, rng, out, hc, truth):
    rate = a.rate if a.rate is not None else DEFAULT_RATE
    if not 10 <= rate <= 200000:
        raise SystemExit('fs-gen: phase: --rate must be 10..200000')
    sec = int(a.onset) if a.onset is not None else 20
    if not 1 <= sec <= 3600:
        raise SystemExit('fs-gen: phase: --onset must be 1..3600')
    phase_us = int(round(a.phase * 1e6))
    dur = float(sec + FLOOD_S + 10)
    cap = Capture(a.start * 1000000)
    topo, tr, seg = quiet_segment(a, rng, cap, dur)
    c = pick(seg, ('linux', 'windows', 'iot'))
    first_us = cap.start + sec * 1000000 + phase_us
    n = FLOOD_S * rate
    kinds = storm(cap, rng, seg, c, first_us, rate, n, a.ipv6)
    last_us = first_us + (n - 1) * 1000000 // rate
    write_events(cap, out, hc)
    rel = sec + phase_us / 1e6
    truth.update({
        'duration_s': dur,
        'culprit': {'mac': mac_str(c.mac), 'ip': ip_str(c.ip),
                    'ip6': ip6_str(c.gua6) if c.gua6 else None,
                    'vlan': seg.vlan, 'kind': c.kind},
        'flood': {'rate_pps': rate, 'packets': n, 'mix': kinds,
                  'phase': phase_us / 1e6, 'first_packet_rel': rel,
                  'first_packet_ts': iso_us(first_us),
                  'first_packet_us': first_us,
                  'last_packet_ts': iso_us(last_us),
                  'ipv6': bool(a.ipv6)},
        'expected': {'first_alert_by_rel': round(rel + 1.2, 6)},
        'topology': topo.truth(),
    })
