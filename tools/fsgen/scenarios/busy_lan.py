"""busy-lan: a benign segment the agent starts on while it is busy.

--hosts hosts (default 2,000) on --vlans 802.1Q VLANs (default 4, VIDs
--vlan, +10, ...), every one of them speaking in the first second; dual
stack; one gateway per VLAN forwarding traffic from public addresses;
OSPF between the gateway and a second router at --hello/--dead (default
10/40) on every other VLAN, none on the rest; a backup server sending bulk
TCP through its gateway.  Nothing here is an attack: zero alerts are
expected."""

from ..frames import mac_str, ip_str, ip6_str
from ..pcap import Capture, q, write_events
from ..segment import Topology
from ..traffic import Traffic
from ..truth import speakers, forwarded_sources

DEFAULT_HOSTS = 2000
DEFAULT_VLANS = 4
DEFAULT_DURATION = 30
NATIVE_VLAN = True


def vlan_ids(a, n):
    base = a.vlan if a.vlan is not None else 10
    ids = [base + 10 * k for k in range(n)]
    if ids[-1] > 4094:
        raise SystemExit('fs-gen: --vlan %d with %d VLANs passes 4094'
                         % (base, n))
    return ids


def build(a, rng, cap, hosts, nvlans, dur, backup_pps):
    """The busy segment, reused by spoof --busy."""
    topo = Topology(rng, vlan_ids(a, nvlans), hosts, hello=a.hello,
                    dead=a.dead)
    seg0 = topo.segments[0]
    server = topo.add_host(seg0, 'server', (0.2, 0.4))
    server.name = 'backup-%d' % seg0.vlan
    tr = Traffic(cap, rng, topo)
    tr.populate(0.0, dur, first_second=True, ospf_v3=a.ipv6)
    b0, b1 = q(min(6.0, dur / 4)), q(dur - 1.0)
    nb = tr.backup(seg0, server, b0, b1, backup_pps) if backup_pps else 0
    backup = {'mac': mac_str(server.mac), 'ip': ip_str(server.ip),
              'vlan': seg0.vlan, 'dst_ip': '10.250.1.10',
              'via_gateway_mac': mac_str(topo.gw_mac), 'start_rel': b0,
              'end_rel': b1, 'pps': backup_pps, 'data_packets': nb,
              'frame_bytes': 1514 + (4 if seg0.vlan else 0)}
    return topo, tr, backup


def gateway_truth(topo, tr, events, start_us):
    on_link = {}
    for s in topo.segments:
        on_link[s.vlan] = (lambda s: lambda ip: s.on_link(ip) if len(ip) == 4
                           else ip[:8] == s.prefix6)(s)
    v4, v6 = forwarded_sources(events, topo.gw_mac, on_link)
    out = []
    for s in topo.segments:
        out.append({'vlan': s.vlan, 'mac': mac_str(s.gw.mac),
                    'ip': ip_str(s.gw.ip), 'ip6': ip6_str(s.gw.gua6),
                    'external_sources': len(v4.get(s.vlan, ())),
                    'external_sources6': len(v6.get(s.vlan, ())),
                    'ospf': bool(s.ospf)})
    return out


def ospf_truth(tr, a):
    out = []
    for o in tr.ospf:
        out.append({'vlan': o.r1.vlan, 'dr': ip_str(o.r2.ip),
                    'bdr': ip_str(o.r1.ip), 'adjacency': 'full throughout',
                    'hello_interval': o.r1.hello,
                    'dead_interval': o.r1.dead, 'ospfv3': bool(a.ipv6),
                    'routers': [o.r1.truth(), o.r2.truth()]})
    return out


def run(a, rng, out, hc, truth):
    hosts = a.hosts if a.hosts is not None else DEFAULT_HOSTS
    nvlans = a.vlans if a.vlans is not None else DEFAULT_VLANS
    dur = float(a.duration or DEFAULT_DURATION)
    if not 1 <= hosts <= 60000:
        raise SystemExit('fs-gen: --hosts must be 1..60000')
    if dur < 5:
        raise SystemExit('fs-gen: busy-lan needs --duration 5 or more')
    bpps = 4000 if a.backup_pps is None else a.backup_pps
    cap = Capture(a.start * 1000000)
    topo, tr, backup = build(a, rng, cap, hosts, nvlans, dur, bpps)
    ev = cap.sorted()
    s0 = cap.start
    first = speakers(ev, s0, s0 + 1000000)
    truth.update({
        'duration_s': dur,
        'topology': topo.truth(),
        'gateways': gateway_truth(topo, tr, ev, s0),
        'ospf': ospf_truth(tr, a),
        'backup': backup,
        'hosts_configured': hosts,
        'first_second_speakers': len(first),
        'icmp_redirects': tr.redirects,
        'icmp_time_exceeded': tr.time_exceeded,
        'attacks': [],
        'expected_alerts': [],
    })
    write_events(cap, out, hc)
