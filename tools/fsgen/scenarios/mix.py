"""mix: the benchmark LAN: a 10 s cycle of a ~2,000-host LAN built once
and repeated with shifted timestamps until --packets."""

import struct

from ..frames import mac_str
from ..lan import Host, lan_world
from ..ospf_model import Ospf, two_routers, steady_hellos
from ..pcap import Capture
from ..small import shrink
from ..truth import HostCount


def run(a, rng, out, hc, truth):
    """A 10 s cycle of a ~2,000-host LAN, built once and repeated with
    shifted timestamps (one pack_into per record) until --packets."""
    n = a.packets if a.packets is not None else 5000000
    cyc_us = 10000000
    cap = Capture(0)
    r1, r2 = two_routers()
    nh = a.hosts if a.hosts is not None else 2000
    if not 2 <= nh <= 40000:
        raise SystemExit('fs-gen: --hosts must be 2..40000')
    nv = (nh + 199) // 200              # at most 200 hosts per VLAN
    vlans = [10 * (k + 1) for k in range(nv)]
    spec = []
    for k, v in enumerate(vlans):
        net = '10.0.0' if v == 10 else '10.%d.%d' % (v >> 8, v & 0xff)
        spec.append((v, net, 20, nh // nv + (1 if k < nh % nv else 0)))
    lan, hosts = lan_world(rng, cap, spec, (r1, r2))
    for h in hosts:
        h.rate = rng.uniform(0.3, 0.8)      # nearly every host in each cycle
        lan.host_traffic(h, 0.0, 11.0)
    lan.switch_frames(0.0, 10.0, vlans)
    steady_hellos(Ospf(cap, rng, r1, r2), 0.0, 10.0, rng)
    s1 = Host('10.0.0.250', 10)
    s2 = Host('10.0.0.251', 10)
    bulk_pps = max(100, nh)             # 2,000 pps for 2,000 hosts
    nb = lan.bulk(0.0, 10.0, s1, s2, bulk_pps)
    # fold conversations that run past the cycle end onto its start
    ev = sorted(((ts % cyc_us, shrink(f) if a.small else f)
                 for ts, f in cap.ev), key=lambda e: e[0])
    rel = [ts for ts, _ in ev]
    offs = []
    parts = []
    o = 0
    for _, f in ev:
        offs.append(o)
        parts.append(struct.pack('<IIII', 0, 0, len(f), len(f)))
        parts.append(f)
        o += 16 + len(f)
    offs.append(o)
    tmpl = b''.join(parts)
    per = len(ev)
    full, rest = divmod(n, per)
    cyc_hc = HostCount()
    for _, f in ev:
        cyc_hc.add(f)
    start = a.start * 1000000
    tsp = struct.Struct('<II').pack_into
    cycles = full + (1 if rest else 0)
    for k in range(cycles):
        m = per if k < full else rest
        buf = bytearray(tmpl[:offs[m]])
        base = start + k * cyc_us
        for i in range(m):
            s, u = divmod(base + rel[i], 1000000)
            tsp(buf, offs[i], s, u)
        out.raw(buf, m, base + rel[0], base + rel[m - 1])
    for key, (cnt, ips) in cyc_hc.hosts.items():
        hc.hosts[key] = [cnt * full, set(ips)]
    if rest:
        for _, f in ev[:rest]:
            hc.add(f)
    hc.hosts = {k: v for k, v in hc.hosts.items() if v[0]}
    truth.update({
        'cycle_s': cyc_us / 1e6, 'cycle_packets': per, 'cycles': cycles,
        'vlans': vlans, 'small': bool(a.small),
        'routers': [r1.truth(), r2.truth()],
        'bulk': {'src_mac': mac_str(s1.mac), 'dst_mac': mac_str(s2.mac),
                 'vlan': 10, 'pps': bulk_pps, 'data_packets_per_cycle': nb},
        'attacks': [],
    })
