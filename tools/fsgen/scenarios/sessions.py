"""sessions: BGP, BFD and VRRP at their usual timers on VLAN 10, and a
host flooding R2's control plane until R1's BGP hold timer runs out.

R1 (10.0.0.1, AS 65001, offers hold 180) and R2 (10.0.0.2, AS 65002,
offers 90) run eBGP: hold 90, keepalives every 30 s. BFD between them at
300 ms x 3. VRRPv3 group 7 (adverts every 1 s): R2 master at priority
200, R1 backup at 100. From T0 a host floods R2 with router-bound
packets; R2 starves 2 s later and sends nothing more: R1 declares BFD
down 0.9 s after R2's last control packet (diag 1), takes over VRRP after
the master-down interval (3 s + skew), and its hold timer expires 90 s
after R2's last keepalive: NOTIFICATION hold timer expired, then FIN."""

import struct

from ..frames import tcp, udp, l4_csum, ip4, mac, mac_str, ip_str
from ..lan import Host, lan_world
from ..ospf_model import two_routers, jitter
from ..pcap import Capture, q, to_ts, write_events
from .incident import flood

BGP_PORT = 179
BFD_PORT = 3784
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
VRID = 7
VMAC = mac('00:00:5e:00:01:07')
VRRP_GROUP = ip4('224.0.0.18')
VRRP_MAC = mac('01:00:5e:00:00:12')
VIP = ip4('10.0.0.254')


def bgp(typ, body=b''):
    return b'\xff' * 16 + struct.pack('!HB', 19 + len(body), typ) + body


def bgp_open(asn, hold, rid):
    return bgp(1, struct.pack('!BHH4sB', 4, asn, hold, rid, 0))


KEEPALIVE = bgp(4)


class Conn:
    """One TCP connection, R1's port 40000 to R2's 179: sequence numbers
    kept per side."""

    def __init__(self, lan, r1, r2):
        self.lan, self.r = lan, (r1, r2)
        self.port = (40000, BGP_PORT)
        self.seq = [1000, 5000]

    def send(self, t, side, flags, payload=b''):
        a, b = self.r[side], self.r[1 - side]
        seg = tcp(a.ip, b.ip, self.port[side], self.port[1 - side],
                  self.seq[side], self.seq[1 - side], flags, payload)
        self.lan.send_ip(t, a.mac, b.mac, 10, a.ip, b.ip, 6, seg, ttl=1)
        self.seq[side] += len(payload) + (1 if flags & (SYN | FIN) else 0)


def bfd_packet(diag, state, mult, my, your, tx_us):
    return struct.pack('!BBBBIIIII', (1 << 5) | diag, state << 6, mult, 24,
                       my, your, tx_us, tx_us, 0)


def vrrp3(src, prio):
    body = bytearray(struct.pack('!BBBBHH4s', 0x31, VRID, prio, 1, 100, 0,
                                 VIP))
    struct.pack_into('!H', body, 6, l4_csum(src, VRRP_GROUP, 112, bytes(body)))
    return bytes(body)


def run(a, rng, out, hc, truth):
    cap = Capture(a.start * 1000000)
    dur, T0 = 150.0, 40.0
    starve = T0 + 2.0
    r1, r2 = two_routers()
    lan, hosts = lan_world(rng, cap, [(10, '10.0.0', 20, 10)], (r1, r2))
    culprit = Host('10.0.0.13', 10, r2)
    culprit.peers = hosts[-2:]
    culprit.rate = 0.4
    for h in hosts + [culprit]:
        lan.host_traffic(h, 0.0, dur)
    lan.switch_frames(0.0, dur, (10,))

    def alive(side, t):
        return side == 0 or t < starve

    # BGP: handshake, OPENs (hold 180 / 90), keepalives every 30 s.
    c = Conn(lan, r1, r2)
    c.send(1.0, 0, SYN)
    c.send(1.001, 1, SYN | ACK)
    c.send(1.002, 0, ACK)
    c.send(1.1, 0, PSH | ACK, bgp_open(65001, 180, r1.ip))
    c.send(1.2, 1, PSH | ACK, bgp_open(65002, 90, r2.ip) + KEEPALIVE)
    c.send(1.3, 0, PSH | ACK, KEEPALIVE)
    last_ka = [1.3, 1.2]
    kas = []
    for side, first in ((0, 31.3), (1, 31.2)):
        t = first
        while t < dur:
            ts = q(t + jitter(rng))
            if alive(side, ts):
                kas.append((ts, side))
            t += 30.0
    hold_expiry = None
    for ts, side in sorted(kas):
        if hold_expiry is None and ts > last_ka[1] + 90.0:
            break
        c.send(ts, side, PSH | ACK, KEEPALIVE)
        last_ka[side] = ts
    hold_expiry = q(last_ka[1] + 90.0)
    c.send(hold_expiry, 0, PSH | ACK, bgp(3, bytes((4, 0))))
    c.send(q(hold_expiry + 0.001), 0, FIN | ACK)

    # BFD: Down, Init, Up at 300 ms x 3; R1 says Down diag 1 when R2 has
    # been silent for the detection time, then sends at 1 s.
    disc = (0x11, 0x22)
    tx = 300000

    def bfd(t, side, diag, state, your):
        a, b = (r1, r2)[side], (r1, r2)[1 - side]
        lan.send_ip(t, a.mac, b.mac, 10, a.ip, b.ip, 17,
                    udp(a.ip, b.ip, 49152, BFD_PORT,
                        bfd_packet(diag, state, 3, disc[side], your, tx)),
                    ttl=255)

    bfd(0.5, 0, 0, 1, 0)
    bfd(0.6, 1, 0, 2, disc[0])
    bfd(0.7, 0, 0, 3, disc[1])
    bfd(0.8, 1, 0, 3, disc[0])
    last_bfd = [0.7, 0.8]
    for side, first in ((1, 1.1), (0, 1.0)):
        t = first
        while t < dur:
            ts = q(t + rng.uniform(-0.02, 0.0))
            if not alive(side, ts):
                break
            if side == 0 and ts > last_bfd[1] + 0.9:
                break
            bfd(ts, side, 0, 3, disc[1 - side])
            last_bfd[side] = ts
            t += 0.3
    bfd_down = q(last_bfd[1] + 0.9)
    t = bfd_down
    while t < dur:
        bfd(t, 0, 1, 1, 0)
        t = q(t + 1.0)

    # VRRPv3 group 7: R2 master, every 1 s, until it starves; R1 takes
    # over after 3 x 1 s + (256 - 100) / 256 s.
    last_adv = None
    t = 0.25
    while t < dur:
        ts = q(t + jitter(rng))
        if not alive(1, ts):
            break
        lan.send_ip(ts, VMAC, VRRP_MAC, 10, r2.ip, VRRP_GROUP, 112,
                    vrrp3(r2.ip, 200), ttl=255)
        last_adv = ts
        t += 1.0
    takeover = q(last_adv + 3.0 + (256 - 100) / 256.0)
    t = takeover
    while t < dur:
        lan.send_ip(t, VMAC, VRRP_MAC, 10, r1.ip, VRRP_GROUP, 112,
                    vrrp3(r1.ip, 100), ttl=255)
        t = q(t + 1.0)

    fl = flood(lan, culprit, r2, T0, dur, 1500, rng)
    # A starved R2 sends nothing at all.
    lo = cap.start + int(round(starve * 1e6))
    cap.ev = [e for e in cap.ev if not (e[0] > lo and e[1][6:12] == r2.mac)]

    truth.update({
        'duration_s': dur,
        'culprit': {'mac': mac_str(culprit.mac), 'ip': ip_str(culprit.ip),
                    'vlan': 10, 'flood_pps': 1500,
                    'flood_packets': fl['packets'],
                    'dst_mac': mac_str(r2.mac), 'dst_ip': ip_str(r2.ip)},
        'flood_onset_rel': T0,
        'bgp': {'speaker': ip_str(r1.ip), 'peer': ip_str(r2.ip),
                'speaker_as': 65001, 'peer_as': 65002, 'hold_s': 90,
                'keepalive_s': 30,
                'r2_last_keepalive_rel': round(last_ka[1], 6),
                'hold_expiry_rel': hold_expiry},
        'bfd': {'tx_ms': 300, 'mult': 3,
                'r2_last_rel': round(last_bfd[1], 6), 'down_rel': bfd_down},
        'vrrp': {'group': VRID, 'version': 3, 'advert_s': 1,
                 'master': ip_str(r2.ip), 'backup': ip_str(r1.ip),
                 'last_advert_rel': round(last_adv, 6),
                 'takeover_rel': takeover},
    })
    for k in ('hold_expiry', 'r2_last_keepalive'):
        truth['bgp'][k + '_ts'] = to_ts(a.start, truth['bgp'][k + '_rel'])
    truth['bfd']['down_ts'] = to_ts(a.start, bfd_down)
    truth['vrrp']['takeover_ts'] = to_ts(a.start, takeover)
    truth['flood_onset_ts'] = to_ts(a.start, T0)
    write_events(cap, out, hc)
