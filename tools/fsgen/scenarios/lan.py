"""lan: a benign LAN of ~40 hosts on VLANs 10, 20 and untagged, two OSPF
routers at hello 1 / dead 4, bulk server-to-server TCP.  No attack."""

from ..frames import mac_str, ip_str
from ..lan import Host, lan_world, EXT_DNS, SWITCH_MAC
from ..ospf_model import Ospf, two_routers, steady_hellos
from ..pcap import Capture, q, write_events


def run(a, rng, out, hc, truth):
    cap = Capture(a.start * 1000000)
    run_lan(a, rng, cap, truth)
    write_events(cap, out, hc)


def run_lan(a, rng, cap, truth):
    dur = float(a.duration or 120)
    r1, r2 = two_routers()
    spec = [(10, '10.0.0', 20, 16), (20, '10.0.20', 20, 15),
            (0, '192.168.1', 20, 6)]
    lan, hosts = lan_world(rng, cap, spec, (r1, r2))
    for h in hosts:
        lan.host_traffic(h, 0.0, dur)
    lan.switch_frames(0.0, dur, (10, 20))
    o = Ospf(cap, rng, r1, r2)
    # Replies to the last requests trail past dur: the routers go on too,
    # or the capture would end on a router that looks silent.
    steady_hellos(o, 0.0, dur + 1.0, rng)
    s1 = Host('10.0.0.100', 10)
    s2 = Host('10.0.0.101', 10)
    s1.peers, s2.peers = [s2], [s1]
    for s in (s1, s2):
        s.gw = r1
        s.dns = (EXT_DNS, r1)
        s.rate = 0.2
        lan.host_traffic(s, 0.0, dur)
    b0, b1 = q(dur / 3), q(dur * 7 / 12)     # 40..70 s of 120
    nb = lan.bulk(b0, b1, s1, s2, 5000)
    truth.update({
        'duration_s': dur,
        'routers': [r1.truth(), r2.truth()],
        'ospf': {'vlan': 10, 'area': '0.0.0.0', 'dr': '10.0.0.2',
                 'bdr': '10.0.0.1', 'adjacency': 'full throughout'},
        'bulk': {'src_mac': mac_str(s1.mac), 'dst_mac': mac_str(s2.mac),
                 'src_ip': ip_str(s1.ip), 'dst_ip': ip_str(s2.ip),
                 'vlan': 10, 'start_rel': b0, 'end_rel': b1,
                 'pps': 5000, 'frame_bytes': 1514, 'data_packets': nb},
        'switch_mac': mac_str(SWITCH_MAC),
        'attacks': [],
    })
    return dur
