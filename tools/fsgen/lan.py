"""The classic benign LAN model (scenarios lan, incident, spoof, mix):
hosts named by their IPv4 address (MAC 02:00 + address), conversations
started per host at a Poisson rate, each a handful of packets."""

import struct

from .frames import (eth, ipv4, tcp, udp, icmp, ipv6, icmpv6, ip4, mac,
                     mcast_mac, BCAST, ZERO4, TH_SYN, TH_ACK, TH_PSH, TH_FIN)
from .proto import arp, dhcp, dns, lldp, nbns, ndp, ssdp, stp


class Host:
    def __init__(self, ip, vlan, gw=None):
        self.ip = ip4(ip)
        self.mac = b'\x02\x00' + self.ip
        self.vlan = vlan
        self.gw = gw                    # Router or None
        self.ll6 = (b'\xfe\x80' + b'\0' * 6 + bytes((0x00, 0x00, 0x00, 0xff,
                                                       0xfe)) + self.ip[1:])
        self.rate = 0.3                 # conversations per second
        self.dns = None                 # (ip, Host or Router)
        self.peers = []                 # local servers


EXTERNAL = [ip4('198.51.100.%d' % i) for i in (10, 20, 30, 80)] + \
    [ip4('203.0.113.%d' % i) for i in (5, 44, 80, 123)]
EXT_DNS = ip4('198.51.100.53')
SWITCH_MAC = mac('02:00:00:00:ee:01')
NBNS_NAME = b'\x20' + b'EOEBFAEC' * 4 + b'\0'


class Lan:
    """Benign background traffic: conversations started per host at a Poisson
    rate, each a handful of packets."""

    def __init__(self, cap, rng):
        self.cap = cap
        self.rng = rng
        self.ident = 1
        self.port = 40000

    def nid(self):
        self.ident = (self.ident + 1) & 0xffff
        return self.ident

    def nport(self):
        self.port = 40000 + (self.port - 39999) % 20000
        return self.port

    def send_ip(self, t, smac, dmac, vlan, src, dst, proto, l4, ttl=64,
                tos=0, options=b''):
        self.cap.emit(t, eth(dmac, smac, 0x0800,
                             ipv4(src, dst, proto, l4, ttl, self.nid(), tos,
                                  options), vlan))

    def arp(self, t, h, target_ip, target_mac):
        self.cap.emit(t, eth(BCAST, h.mac, arp.ETHERTYPE,
                             arp.request(h.mac, h.ip, target_ip), h.vlan))
        self.cap.emit(t + 0.0003, eth(h.mac, target_mac, arp.ETHERTYPE,
                                      arp.reply(target_mac, target_ip, h.mac,
                                                h.ip), h.vlan))

    def next_hop(self, h, dst_ip, dst_host):
        """(dst MAC, rtt) for a destination: local host or via gateway."""
        if dst_host is not None:
            return dst_host.mac, 0.0004
        return h.gw.mac, 0.015

    def conv_dns(self, t, h):
        dst, srv = h.dns
        dmac = srv.mac
        rtt = 0.0006 if dst[:3] == h.ip[:3] else 0.012
        qname = self.rng.choice([b'www.example.com', b'mail.example.org',
                                 b'time.example.net', b'updates.example.com'])
        qid = self.rng.randrange(65536)
        sp = self.nport()
        self.send_ip(t, h.mac, dmac, h.vlan, h.ip, dst, 17,
                     udp(h.ip, dst, sp, 53, dns.query(qid, qname)))
        a = dns.answer(qid, qname, dns.A, self.rng.choice(EXTERNAL))
        self.send_ip(t + rtt, dmac, h.mac, h.vlan, dst, h.ip, 17,
                     udp(dst, h.ip, 53, sp, a))

    def conv_tcp(self, t, h, dst_ip=None, dst_host=None, nreq=None):
        if dst_ip is None:
            if h.peers and (h.gw is None or self.rng.random() < 0.5):
                dst_host = self.rng.choice(h.peers)
                dst_ip = dst_host.ip
            else:
                dst_ip = self.rng.choice(EXTERNAL)
        dmac, rtt = self.next_hop(h, dst_ip, dst_host)
        sp = self.nport()
        dp = self.rng.choice((80, 443, 22, 445))
        cs = self.rng.getrandbits(32)
        ss = self.rng.getrandbits(32)
        mss = struct.pack('!BBH', 2, 4, 1460)
        v = h.vlan
        self.send_ip(t, h.mac, dmac, v, h.ip, dst_ip, 6,
                     tcp(h.ip, dst_ip, sp, dp, cs, 0, TH_SYN, opts=mss))
        t += rtt
        self.send_ip(t, dmac, h.mac, v, dst_ip, h.ip, 6,
                     tcp(dst_ip, h.ip, dp, sp, ss, cs + 1, TH_SYN | TH_ACK,
                         opts=mss))
        t += 0.0001
        cs += 1
        ss += 1
        self.send_ip(t, h.mac, dmac, v, h.ip, dst_ip, 6,
                     tcp(h.ip, dst_ip, sp, dp, cs, ss, TH_ACK))
        for _ in range(nreq or self.rng.randint(1, 3)):
            req = b'GET / HTTP/1.1\r\nHost: x\r\n\r\n' * self.rng.randint(1, 4)
            t += 0.0002
            self.send_ip(t, h.mac, dmac, v, h.ip, dst_ip, 6,
                         tcp(h.ip, dst_ip, sp, dp, cs, ss, TH_PSH | TH_ACK,
                             req))
            cs += len(req)
            t += rtt
            for _ in range(self.rng.randint(1, 3)):
                body = b'x' * self.rng.choice((120, 512, 1400))
                self.send_ip(t, dmac, h.mac, v, dst_ip, h.ip, 6,
                             tcp(dst_ip, h.ip, dp, sp, ss, cs, TH_ACK, body))
                ss += len(body)
                t += 0.0001
            self.send_ip(t, h.mac, dmac, v, h.ip, dst_ip, 6,
                         tcp(h.ip, dst_ip, sp, dp, cs, ss, TH_ACK))
        t += 0.002
        self.send_ip(t, h.mac, dmac, v, h.ip, dst_ip, 6,
                     tcp(h.ip, dst_ip, sp, dp, cs, ss, TH_FIN | TH_ACK))
        t += rtt
        self.send_ip(t, dmac, h.mac, v, dst_ip, h.ip, 6,
                     tcp(dst_ip, h.ip, dp, sp, ss, cs + 1, TH_FIN | TH_ACK))
        t += 0.0001
        self.send_ip(t, h.mac, dmac, v, h.ip, dst_ip, 6,
                     tcp(h.ip, dst_ip, sp, dp, cs + 1, ss + 1, TH_ACK))

    def conv_ping(self, t, h):
        if h.gw is not None and self.rng.random() < 0.5:
            dst_ip, dst_host = h.gw.ip, None
            dmac, rtt = h.gw.mac, 0.0003
        elif h.peers:
            dst_host = self.rng.choice(h.peers)
            dst_ip = dst_host.ip
            dmac, rtt = dst_host.mac, 0.0004
        else:
            return
        ident = self.rng.randrange(65536)
        for seq in range(self.rng.randint(1, 4)):
            pl = bytes(range(56))
            self.send_ip(t, h.mac, dmac, h.vlan, h.ip, dst_ip, 1,
                         icmp(8, 0, (ident << 16) | seq, pl))
            self.send_ip(t + rtt, dmac, h.mac, h.vlan, dst_ip, h.ip, 1,
                         icmp(0, 0, (ident << 16) | seq, pl))
            t += 1.0

    def conv_arp(self, t, h):
        if h.gw is not None and self.rng.random() < 0.5:
            self.arp(t, h, h.gw.ip, h.gw.mac)
        elif h.peers:
            p = self.rng.choice(h.peers)
            self.arp(t, h, p.ip, p.mac)

    def conv_bcast(self, t, h):
        if self.rng.random() < 0.5:
            # DHCP-like request from 0.0.0.0 to the limited broadcast
            pl = dhcp.message(1, self.rng.getrandbits(32), h.mac,
                              dhcp.msg_type(dhcp.REQUEST))
            self.send_ip(t, h.mac, BCAST, h.vlan, ZERO4, b'\xff' * 4, 17,
                         udp(ZERO4, b'\xff' * 4, 68, 67, pl), ttl=64)
        else:
            dst = h.ip[:3] + b'\xff'
            pl = nbns.name_query(self.rng.randrange(65536), NBNS_NAME)
            self.send_ip(t, h.mac, BCAST, h.vlan, h.ip, dst, 17,
                         udp(h.ip, dst, 137, 137, pl))

    def conv_mcast(self, t, h):
        if self.rng.random() < 0.5:
            g = ip4('224.0.0.251')
            pl = dns.query(0, '_http._tcp.local', dns.PTR, flags=0)
            self.send_ip(t, h.mac, mcast_mac(g), h.vlan, h.ip, g, 17,
                         udp(h.ip, g, 5353, 5353, pl), ttl=255)
        else:
            g = ip4('239.255.255.250')
            pl = ssdp.msearch()
            self.send_ip(t, h.mac, mcast_mac(g), h.vlan, h.ip, g, 17,
                         udp(h.ip, g, self.nport(), 1900, pl), ttl=4)

    def conv_nd(self, t, h):
        if not h.peers:
            return
        p = self.rng.choice(h.peers)
        tgt = p.ll6
        sn = b'\xff\x02' + b'\0' * 9 + b'\x01\xff' + tgt[13:]
        ns = icmpv6(h.ll6, sn, ndp.NS, 0, ndp.ns_body(tgt, h.mac))
        self.cap.emit(t, eth(b'\x33\x33' + sn[12:], h.mac, 0x86dd,
                             ipv6(h.ll6, sn, 58, ns), h.vlan))
        na = icmpv6(tgt, h.ll6, ndp.NA, 0,
                    ndp.na_body(tgt, ndp.NA_SOLICITED | ndp.NA_OVERRIDE,
                                p.mac))
        self.cap.emit(t + 0.0003, eth(h.mac, p.mac, 0x86dd,
                                      ipv6(tgt, h.ll6, 58, na), h.vlan))

    KINDS = (('dns', 20), ('tcp', 30), ('ping', 8), ('arp', 14),
             ('bcast', 6), ('mcast', 8), ('nd', 6))

    def host_traffic(self, h, t0, t1):
        kinds = [k for k, _ in self.KINDS]
        weights = [w for _, w in self.KINDS]
        t = t0 + self.rng.expovariate(h.rate)
        while t < t1 - 1.0:
            k = self.rng.choices(kinds, weights)[0]
            if k == 'dns' and h.dns is not None:
                self.conv_dns(t, h)
            elif k == 'tcp':
                self.conv_tcp(t, h)
            elif k == 'ping':
                self.conv_ping(t, h)
            elif k == 'arp':
                self.conv_arp(t, h)
            elif k == 'bcast':
                self.conv_bcast(t, h)
            elif k == 'mcast':
                self.conv_mcast(t, h)
            elif k == 'nd':
                self.conv_nd(t, h)
            t += self.rng.expovariate(h.rate)

    def switch_frames(self, t0, t1, vlans):
        """LLDP every 30 s (per VLAN and untagged) and STP BPDUs every 2 s."""
        t = t0 + 0.05
        while t < t1:
            for v in [0] + list(vlans):
                self.cap.emit(t, eth(lldp.DST, SWITCH_MAC, lldp.ETHERTYPE,
                                     lldp.lldpdu(SWITCH_MAC, b'g24'), v))
            t += 30.0
        t = t0 + 0.9
        while t < t1:
            self.cap.emit(t, stp.frame(SWITCH_MAC,
                                       stp.config_bpdu(SWITCH_MAC,
                                                       SWITCH_MAC)))
            t += 2.0

    def bulk(self, t0, t1, src, dst, pps):
        """Heavy but harmless server-to-server TCP: 1500-byte IP packets,
        an ACK every second segment."""
        sp, dp = 50123, 5001
        seq, ack = 1000, 77
        n = int((t1 - t0) * pps)
        gap = 1.0 / pps
        body = bytes((i * 7) & 0xff for i in range(1460))
        for i in range(n):
            t = t0 + i * gap
            self.send_ip(t, src.mac, dst.mac, src.vlan, src.ip, dst.ip, 6,
                         tcp(src.ip, dst.ip, sp, dp, seq, ack, TH_ACK, body))
            seq += 1460
            if i & 1:
                self.send_ip(t + gap / 2, dst.mac, src.mac, dst.vlan, dst.ip,
                             src.ip, 6, tcp(dst.ip, src.ip, dp, sp, ack, seq,
                                            TH_ACK))
        return n


def make_hosts(spec, routers_gw, rng):
    """spec: list of (vlan, prefix, first, count); returns hosts."""
    hosts = []
    for vlan, prefix, first, count in spec:
        for i in range(first, first + count):
            gw = None
            if routers_gw and vlan == 10:
                gw = routers_gw[0] if rng.random() < 0.75 else routers_gw[1]
            hosts.append(Host('%s.%d' % (prefix, i), vlan, gw))
    return hosts


def wire_hosts(hosts, servers_by_vlan, dns_by_vlan):
    for h in hosts:
        h.peers = [s for s in servers_by_vlan.get(h.vlan, []) if s is not h]
        if h.vlan in dns_by_vlan:
            h.dns = dns_by_vlan[h.vlan]
        elif h.gw is not None:
            h.dns = (EXT_DNS, h.gw)


def lan_world(rng, cap, spec, routers, nsrv=2):
    lan = Lan(cap, rng)
    hosts = make_hosts(spec, routers, rng)
    servers = {}
    dns_srv = {}
    for vlan in sorted({h.vlan for h in hosts}):
        vh = [h for h in hosts if h.vlan == vlan]
        servers[vlan] = vh[-nsrv:]
        if vlan != 10:
            dns_srv[vlan] = (vh[-1].ip, vh[-1])
    wire_hosts(hosts, servers, dns_srv)
    for h in hosts:
        h.rate = rng.uniform(0.15, 0.5)
    return lan, hosts
