"""What the nodes of a segment.Topology say to each other, as timed frames
in a pcap.Capture.  Every conversation starts with a frame from the host
at its start time, so a host whose first conversation falls in the first
second has spoken in it.

Traffic that crosses the gateway appears with the gateway's MAC as source
and the remote address as source IP: the replies of web servers, the
resolver, NTP, the data-centre DHCP server, the backup target's ACKs, and
ICMP errors from routers beyond.  The gateway itself answers ARP and
neighbour solicitations for its addresses, refreshes its neighbour caches,
sends router advertisements, ICMP time-exceeded to traceroutes and
redirects towards the second router on VLANs that have one."""

import struct

from .frames import (csum, eth, ipv4, ipv6, tcp, udp, icmpv6, mcast_mac,
                     mcast6_mac, solicited_node, hop_by_hop_router_alert,
                     ipv4_router_alert, ip4, ip6, BCAST, BCAST4, ZERO4,
                     ZERO6, TH_SYN, TH_ACK, TH_PSH, TH_FIN, TCP_MSS_1460)
from .proto import (arp, dhcp, dns, icmp, igmp, lldp, mld, nbns, ndp, ntp,
                    snmp, ssdp, stp)
from .proto import ospf3
from .segment import (Topology, DC_RESOLVER, DC_RESOLVER6, DC_DHCP,
                      DC_BACKUP, DC_PREFIX, SWITCH_MAC)
from .ospf_model import Ospf

MDNS4 = ip4('224.0.0.251')
MDNS6 = ip6('ff02::fb')
LLMNR4 = ip4('224.0.0.252')
LLMNR6 = ip6('ff02::1:3')
SSDP4 = ip4('239.255.255.250')
ALL_NODES6 = ip6('ff02::1')
ALL_ROUTERS6 = ip6('ff02::2')
MLDV2_ROUTERS6 = ip6('ff02::16')
# established connections per host kind (min, max)
PERSISTENT = {'windows': (2, 8), 'macos': (2, 8), 'phone': (2, 6),
              'linux': (1, 4), 'vm': (1, 4), 'server': (1, 3),
              'container': (0, 2), 'printer': (0, 1), 'iot': (1, 2)}
HTTP_BODY = b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n'

# conversation kinds and their weight per host kind
CONV = {
    'windows': (('web', 34), ('dns', 18), ('arp', 8), ('nd', 5),
                ('llmnr', 6), ('nbns', 5), ('ssdp', 5), ('mdns', 3),
                ('smb', 6), ('ntp', 1), ('ping', 2), ('dhcp', 1),
                ('trace', 0.2), ('dc', 3), ('mcast_join', 2)),
    'macos': (('web', 36), ('dns', 18), ('arp', 6), ('nd', 6), ('mdns', 14),
              ('ntp', 2), ('smb', 3), ('dhcp', 1), ('trace', 0.2), ('dc', 2),
              ('mcast_join', 2), ('ping', 1)),
    'linux': (('web', 30), ('dns', 20), ('arp', 8), ('nd', 6), ('mdns', 4),
              ('ntp', 3), ('smb', 4), ('ping', 4), ('trace', 0.4), ('dc', 6),
              ('dhcp', 1)),
    'phone': (('web', 44), ('dns', 20), ('arp', 4), ('nd', 6), ('mdns', 12),
              ('ssdp', 4), ('dhcp', 2), ('mcast_join', 2)),
    'vm': (('web', 30), ('dns', 20), ('arp', 10), ('nd', 4), ('ntp', 3),
           ('dc', 10), ('ping', 3)),
    'container': (('web', 40), ('dns', 30), ('arp', 10), ('dc', 10)),
    'printer': (('mdns', 30), ('ssdp', 20), ('arp', 20), ('snmp', 20),
                ('dhcp', 2)),
    'server': (('web', 20), ('dns', 20), ('arp', 10), ('nd', 4), ('ntp', 5),
               ('dc', 20), ('ping', 5), ('smb', 6)),
    'iot': (('web', 30), ('dns', 20), ('arp', 20), ('ssdp', 15), ('ntp', 10),
            ('mdns', 5)),
}


class Traffic:
    def __init__(self, cap, rng, topo):
        self.cap = cap
        self.rng = rng
        self.topo = topo
        self.ident = rng.randrange(65536)
        self.port = 49152 + rng.randrange(16384)
        self.ext_weights = None
        self.redirects = 0
        self.time_exceeded = 0
        self.ospf = []                  # Ospf models, for the truth

    # ------------------------------------------------------------ sending

    def nid(self):
        self.ident = (self.ident + 1) & 0xffff
        return self.ident

    def nport(self):
        self.port = 49152 + (self.port - 49151) % 16384
        return self.port

    def send4(self, t, smac, dmac, vlan, src, dst, proto, l4, ttl=64,
              tos=0, options=b'', df=True):
        self.cap.emit(t, eth(dmac, smac, 0x0800,
                             ipv4(src, dst, proto, l4, ttl, self.nid(), tos,
                                  options, df), vlan))

    def send6(self, t, smac, dmac, vlan, src, dst, nh, payload, hlim=64):
        self.cap.emit(t, eth(dmac, smac, 0x86dd,
                             ipv6(src, dst, nh, payload, hlim), vlan))

    def sendicmp6(self, t, smac, dmac, vlan, src, dst, typ, body, hlim=255):
        self.send6(t, smac, dmac, vlan, src, dst, 58,
                   icmpv6(src, dst, typ, 0, body), hlim)

    def ext4(self):
        """A public address, popular ones more often (Zipf-like)."""
        pool = self.topo.externals4
        r = self.rng.random()
        return pool[int(len(pool) * r * r * r)] if r < 0.5 else \
            self.rng.choice(pool)

    def ext6(self):
        pool = self.topo.externals6
        r = self.rng.random()
        return pool[int(len(pool) * r * r)]

    def wan_ttl(self, h):
        """TTL of a packet that crossed the Internet to reach us."""
        return self.rng.choice((64, 128, 255)) - self.rng.randint(6, 22)

    # ------------------------------------------------------------ scheduling

    def host_traffic(self, seg, h, t0, t1, first=None):
        """Poisson conversations; the first at `first` when given."""
        kinds = CONV[h.kind]
        names = [k for k, _ in kinds]
        weights = [w for _, w in kinds]
        t = first if first is not None else \
            t0 + self.rng.expovariate(h.rate)
        while t < t1 - 0.5:
            self.conversation(seg, h, self.rng.choices(names, weights)[0], t)
            t += self.rng.expovariate(h.rate)

    def conversation(self, seg, h, kind, t):
        getattr(self, 'conv_' + kind)(seg, h, t)

    # ------------------------------------------------------------ L2/L3 glue

    def arp_exchange(self, t, vlan, asker, target, rtt=0.0002):
        self.cap.emit(t, eth(BCAST, asker.mac, arp.ETHERTYPE,
                             arp.request(asker.mac, asker.ip, target.ip),
                             vlan))
        self.cap.emit(t + rtt, eth(asker.mac, target.mac, arp.ETHERTYPE,
                                   arp.reply(target.mac, target.ip,
                                             asker.mac, asker.ip), vlan))

    def nd_exchange(self, t, vlan, asker, src6, target, tgt6, rtt=0.0002):
        sn = solicited_node(tgt6)
        self.sendicmp6(t, asker.mac, mcast6_mac(sn), vlan, src6, sn, ndp.NS,
                       ndp.ns_body(tgt6, asker.mac))
        flags = ndp.NA_SOLICITED | ndp.NA_OVERRIDE
        if target.kind in ('gateway', 'router'):
            flags |= ndp.NA_ROUTER
        self.sendicmp6(t + rtt, target.mac, asker.mac, vlan, tgt6, src6,
                       ndp.NA, ndp.na_body(tgt6, flags, target.mac))

    def src6(self, h):
        return h.temp6 or h.gua6

    # ------------------------------------------------------------ conversations

    def conv_web(self, seg, h, t, ext=None, v6=None, nreq=None):
        """HTTPS to a public server through the gateway."""
        rng = self.rng
        if v6 is None:
            v6 = rng.random() < h.v6_share
        gw = seg.gw
        if v6:
            src, dst = self.src6(h), ext or self.ext6()
        else:
            src, dst = h.ip, ext or self.ext4()
        rtt = rng.uniform(0.004, 0.12)
        self.tcp_session(t, seg.vlan, h, gw.mac, src, dst,
                         rng.choice((443, 443, 443, 80)), rtt,
                         self.wan_ttl(h), nreq or rng.randint(1, 3),
                         rng.choice((600, 1400, 1400, 1400)))

    def tcp_session(self, t, vlan, h, peer_mac, src, dst, dport, rtt,
                    peer_ttl, nreq, resp_len, peer=None):
        """SYN, SYN-ACK, ACK, nreq request/response rounds, FIN both
        ways.  IPv4 or IPv6 by address length."""
        rng = self.rng
        sp = self.nport()
        cs, ss = rng.getrandbits(32), rng.getrandbits(32)
        up = self.tcp_sender(vlan, h.mac, peer_mac, src, dst, sp, dport,
                             h.ttl)
        down = self.tcp_sender(vlan, peer_mac, h.mac, dst, src, dport, sp,
                               peer_ttl)
        up(t, cs, 0, TH_SYN, opts=TCP_MSS_1460)
        t += rtt
        down(t, ss, cs + 1, TH_SYN | TH_ACK, opts=TCP_MSS_1460)
        cs += 1
        ss += 1
        t += 0.0002
        up(t, cs, ss, TH_ACK)
        for _ in range(nreq):
            req = b'GET /%x HTTP/1.1\r\nHost: x\r\n\r\n' % rng.getrandbits(20)
            t += rng.uniform(0.0002, 0.05)
            up(t, cs, ss, TH_PSH | TH_ACK, req)
            cs += len(req)
            t += rtt
            for k in range(rng.randint(1, 4)):
                body = (HTTP_BODY + b'x' * resp_len)[:resp_len]
                down(t, ss, cs, TH_ACK, body)
                ss += len(body)
                t += 0.00012
                if k & 1:
                    up(t + 0.0001, cs, ss, TH_ACK)
            up(t + 0.0002, cs, ss, TH_ACK)
        t += rng.uniform(0.01, 0.5)
        up(t, cs, ss, TH_FIN | TH_ACK)
        t += rtt
        down(t, ss, cs + 1, TH_FIN | TH_ACK)
        up(t + 0.0002, cs + 1, ss + 1, TH_ACK)
        return t

    def tcp_sender(self, vlan, smac, dmac, src, dst, sport, dport, ttl):
        if len(src) == 16:
            def send(t, seq, ack, flags, data=b'', opts=b''):
                self.send6(t, smac, dmac, vlan, src, dst, 6,
                           tcp(src, dst, sport, dport, seq, ack, flags, data,
                               opts=opts), ttl)
        else:
            def send(t, seq, ack, flags, data=b'', opts=b''):
                self.send4(t, smac, dmac, vlan, src, dst, 6,
                           tcp(src, dst, sport, dport, seq, ack, flags, data,
                               opts=opts), ttl)
        return send

    def conv_dns(self, seg, h, t):
        """A and AAAA (or HTTPS) queries to the data-centre resolver."""
        rng = self.rng
        name = 'n%x.%s' % (rng.getrandbits(16), rng.choice(
            ('example.com', 'example.net', 'cdn.example.org',
             'updates.example.com')))
        v6 = h.gua6 is not None and rng.random() < h.v6_share
        src, dst = (h.gua6, DC_RESOLVER6) if v6 else (h.ip, DC_RESOLVER)
        for qtype in (dns.A, dns.AAAA):
            qid = rng.randrange(65536)
            sp = self.nport()
            rtt = rng.uniform(0.0008, 0.03)
            rdata = self.ext4() if qtype == dns.A else self.ext6()
            self.udp_pair(t, seg, h, seg.gw.mac, src, dst, sp, 53,
                          dns.query(qid, name, qtype),
                          dns.answer(qid, name, qtype, rdata,
                                     rng.choice((60, 300, 3600))), rtt, 62)
            t += 0.0003

    def udp_pair(self, t, seg, h, peer_mac, src, dst, sport, dport, req,
                 resp, rtt, peer_ttl):
        if len(src) == 16:
            self.send6(t, h.mac, peer_mac, seg.vlan, src, dst, 17,
                       udp(src, dst, sport, dport, req), h.ttl)
            if resp is not None:
                self.send6(t + rtt, peer_mac, h.mac, seg.vlan, dst, src, 17,
                           udp(dst, src, dport, sport, resp), peer_ttl)
        else:
            self.send4(t, h.mac, peer_mac, seg.vlan, src, dst, 17,
                       udp(src, dst, sport, dport, req), h.ttl)
            if resp is not None:
                self.send4(t + rtt, peer_mac, h.mac, seg.vlan, dst, src, 17,
                           udp(dst, src, dport, sport, resp), peer_ttl)

    def conv_ntp(self, seg, h, t):
        srv = self.ext4()
        us = self.cap.start + int(t * 1e6)
        req = ntp.client(us)
        rtt = self.rng.uniform(0.005, 0.08)
        self.udp_pair(t, seg, h, seg.gw.mac, h.ip, srv, 123, 123, req,
                      ntp.server(req, us + int(rtt * 5e5)), rtt,
                      self.wan_ttl(h))

    def conv_arp(self, seg, h, t):
        rng = self.rng
        if rng.random() < 0.6 or len(seg.hosts) < 2:
            target = seg.gw
        elif seg.r2 is not None and rng.random() < 0.1:
            target = seg.r2
        else:
            target = rng.choice(seg.hosts)
            if target is h:
                target = seg.gw
        self.arp_exchange(t, seg.vlan, h, target,
                          rng.uniform(0.00005, 0.0008))

    def conv_nd(self, seg, h, t):
        rng = self.rng
        if h.gua6 is None:
            return self.conv_arp(seg, h, t)
        if rng.random() < 0.6 or len(seg.hosts) < 2:
            self.nd_exchange(t, seg.vlan, h, h.ll6, seg.gw, seg.gw.ll6)
            return
        p = rng.choice(seg.hosts)
        if p is h or p.gua6 is None:
            p = seg.gw
        self.nd_exchange(t, seg.vlan, h, self.src6(h), p,
                         p.gua6 if p.kind != 'gateway' else p.ll6)

    def conv_mdns(self, seg, h, t):
        rng = self.rng
        v6 = h.gua6 is not None and rng.random() < 0.5
        if rng.random() < 0.5:
            pl = dns.query(0, rng.choice(('_airplay._tcp.local',
                                          '_googlecast._tcp.local',
                                          '_ipp._tcp.local',
                                          '_companion-link._tcp.local',
                                          '_spotify-connect._tcp.local')),
                           dns.PTR, flags=0)
        else:
            pl = dns.announce('%s.local' % h.name, dns.A, h.ip)
        if v6:
            self.send6(t, h.mac, mcast6_mac(MDNS6), seg.vlan, h.ll6, MDNS6,
                       17, udp(h.ll6, MDNS6, 5353, 5353, pl), 255)
        else:
            self.send4(t, h.mac, mcast_mac(MDNS4), seg.vlan, h.ip, MDNS4, 17,
                       udp(h.ip, MDNS4, 5353, 5353, pl), 255)

    def conv_llmnr(self, seg, h, t):
        name = 'fileserver%d' % self.rng.randrange(4)
        qid = self.rng.randrange(65536)
        sp = self.nport()
        self.send4(t, h.mac, mcast_mac(LLMNR4), seg.vlan, h.ip, LLMNR4, 17,
                   udp(h.ip, LLMNR4, sp, dns.LLMNR_PORT,
                       dns.query(qid, name, dns.A, flags=0)), 1)
        if h.gua6 is not None:
            self.send6(t + 0.0001, h.mac, mcast6_mac(LLMNR6), seg.vlan,
                       h.ll6, LLMNR6, 17,
                       udp(h.ll6, LLMNR6, sp, dns.LLMNR_PORT,
                           dns.query(qid, name, dns.AAAA, flags=0)), 1)

    def conv_nbns(self, seg, h, t):
        dst = seg.bcast()
        self.send4(t, h.mac, BCAST, seg.vlan, h.ip, dst, 17,
                   udp(h.ip, dst, nbns.PORT, nbns.PORT,
                       nbns.name_query(self.rng.randrange(65536),
                                       nbns.encode('WPAD'))), h.ttl)

    def conv_ssdp(self, seg, h, t):
        if h.kind in ('printer', 'iot') or self.rng.random() < 0.3:
            loc = b'http://%s:49152/desc.xml' % '.'.join(
                map(str, h.ip)).encode()
            pl = ssdp.notify(loc, b'upnp:rootdevice',
                             b'uuid:%08x::upnp:rootdevice'
                             % int.from_bytes(h.mac[2:], 'big'))
            sp = ssdp.PORT
        else:
            pl = ssdp.msearch(b'urn:dial-multiscreen-org:service:dial:1', 2)
            sp = self.nport()
        self.send4(t, h.mac, mcast_mac(SSDP4), seg.vlan, h.ip, SSDP4, 17,
                   udp(h.ip, SSDP4, sp, ssdp.PORT, pl), 2)

    def conv_smb(self, seg, h, t):
        """East-west: a session with a server on the same VLAN."""
        servers = [x for x in seg.hosts if x.kind == 'server' and x is not h]
        if not servers:
            return self.conv_web(seg, h, t)
        s = self.rng.choice(servers)
        self.tcp_session(t, seg.vlan, h, s.mac, h.ip, s.ip, 445,
                         self.rng.uniform(0.0002, 0.001), s.ttl,
                         self.rng.randint(1, 4), 1400)

    def conv_snmp(self, seg, h, t):
        """A printer's trap to the management station in the data
        centre (through the gateway, no answer)."""
        trap = snmp.trap_v2(b'public', self.rng.randrange(1 << 30),
                            self.rng.randrange(1 << 31))
        self.send4(t, h.mac, seg.gw.mac, seg.vlan, h.ip, DC_RESOLVER, 17,
                   udp(h.ip, DC_RESOLVER, self.nport(), snmp.TRAP_PORT, trap),
                   h.ttl)

    def conv_ping(self, seg, h, t):
        """Monitoring agent pinging its gateway."""
        ident = self.rng.randrange(65536)
        pl = bytes(range(56))
        for seq in range(self.rng.randint(1, 3)):
            self.send4(t, h.mac, seg.gw.mac, seg.vlan, h.ip, seg.gw.ip, 1,
                       icmp.echo(ident, seq, pl), h.ttl)
            self.send4(t + 0.0004, seg.gw.mac, h.mac, seg.vlan, seg.gw.ip,
                       h.ip, 1, icmp.echo(ident, seq, pl, reply=True), 255)
            t += 1.0

    def conv_dhcp(self, seg, h, t):
        """Lease renewal: unicast REQUEST to the DHCP server, ACK back
        through the gateway."""
        xid = self.rng.getrandbits(32)
        opts = dhcp.msg_type(dhcp.REQUEST) + dhcp.option(12, h.name.encode())
        req = dhcp.message(1, xid, h.mac, opts, ciaddr=h.ip)
        ack = dhcp.message(2, xid, h.mac, dhcp.msg_type(dhcp.ACK)
                           + dhcp.option(51, struct.pack('!I', 86400))
                           + dhcp.option(54, DC_DHCP)
                           + dhcp.option(3, seg.gw.ip), ciaddr=h.ip,
                           yiaddr=h.ip)
        self.udp_pair(t, seg, h, seg.gw.mac, h.ip, DC_DHCP, 68, 67, req, ack,
                      self.rng.uniform(0.001, 0.01), 62)

    def conv_trace(self, seg, h, t):
        """traceroute: UDP probes with TTL 1, 2, 3; the gateway answers
        the first with time-exceeded from its own address, routers beyond
        it answer the others (forwarded by the gateway)."""
        rng = self.rng
        dst = self.ext4()
        hops = [seg.gw.ip, ip4('10.255.%d.%d' % (rng.randrange(256),
                                                  rng.randrange(1, 255))),
                self.ext4()]
        sp = self.nport()
        for ttl in (1, 2, 3):
            for k in range(3):
                port = 33434 + (ttl - 1) * 3 + k
                probe = ipv4(h.ip, dst, 17, udp(h.ip, dst, sp, port,
                                                b'\0' * 32), ttl, self.nid())
                self.cap.emit(t, eth(seg.gw.mac, h.mac, 0x0800, probe,
                                     seg.vlan))
                rtt = 0.0005 if ttl == 1 else rng.uniform(0.002, 0.03)
                err = icmp.time_exceeded(probe)
                self.send4(t + rtt, seg.gw.mac, h.mac, seg.vlan, hops[ttl - 1],
                           h.ip, 1, err, 255 - (ttl - 1), df=False)
                self.time_exceeded += 1
                t += rtt + 0.001

    def conv_dc(self, seg, h, t):
        """A session with the data centre: on VLANs with a second router
        the gateway forwards the first packet to it and redirects the
        host (ICMP redirect), which then talks to the second router."""
        rng = self.rng
        dst = DC_PREFIX[:2] + bytes((rng.randrange(256),
                                     rng.randrange(1, 255)))
        if seg.r2 is not None and h.redirected:
            self.tcp_session(t, seg.vlan, h, seg.r2.mac, h.ip, dst, 443,
                             rng.uniform(0.0005, 0.003), 62,
                             rng.randint(1, 3), 1400)
            return
        if seg.r2 is None:
            self.tcp_session(t, seg.vlan, h, seg.gw.mac, h.ip, dst,
                             rng.choice((22, 443, 8443, 5432)),
                             rng.uniform(0.0005, 0.003), 62,
                             rng.randint(1, 3), 1400)
            return
        syn = ipv4(h.ip, dst, 6, tcp(h.ip, dst, self.nport(), 443,
                                     rng.getrandbits(32), 0, TH_SYN,
                                     opts=TCP_MSS_1460), h.ttl, self.nid())
        self.cap.emit(t, eth(seg.gw.mac, h.mac, 0x0800, syn, seg.vlan))
        fwd = bytearray(syn)                # forwarded: TTL - 1
        fwd[8] -= 1
        fwd[10:12] = b'\0\0'
        fwd[10:12] = csum(bytes(fwd[:20])).to_bytes(2, 'big')
        self.cap.emit(t + 0.0001, eth(seg.r2.mac, seg.gw.mac, 0x0800,
                                      bytes(fwd), seg.vlan))
        self.send4(t + 0.00012, seg.gw.mac, h.mac, seg.vlan, seg.gw.ip, h.ip,
                   1, icmp.redirect(seg.r2.ip, syn), 255, df=False)
        self.redirects += 1
        h.redirected = True
        self.tcp_session(t + 1.0, seg.vlan, h, seg.r2.mac, h.ip, dst, 443,
                         rng.uniform(0.0005, 0.003), 62, rng.randint(1, 3),
                         1400)

    def conv_mcast_join(self, seg, h, t):
        """IGMPv3 and MLDv2 reports for mDNS/SSDP groups."""
        rep = igmp.report([MDNS4, SSDP4])
        self.send4(t, h.mac, mcast_mac(igmp.ALL_IGMPV3), seg.vlan, h.ip,
                   igmp.ALL_IGMPV3, 2, rep, 1, tos=0xc0,
                   options=ipv4_router_alert(), df=False)
        if h.gua6 is not None:
            body = mld.report_body([MDNS6, solicited_node(h.gua6)])
            m = icmpv6(h.ll6, MLDV2_ROUTERS6, mld.REPORT_V2, 0, body)
            self.send6(t + 0.0002, h.mac, mcast6_mac(MLDV2_ROUTERS6),
                       seg.vlan, h.ll6, MLDV2_ROUTERS6, 0,
                       hop_by_hop_router_alert(58) + m, 1)

    # ------------------------------------------------------------ host joins

    def join(self, seg, h, t):
        """A host arriving: DHCP DISCOVER/OFFER/REQUEST/ACK relayed by the
        gateway, ARP probes and announcement, RS/RA, DAD, MLD."""
        rng = self.rng
        gw = seg.gw
        xid = rng.getrandbits(32)
        cl = dhcp.CLIENT_PORT, dhcp.SERVER_PORT
        steps = ((dhcp.DISCOVER, dhcp.OFFER), (dhcp.REQUEST, dhcp.ACK))
        for ask, answer in steps:
            opts = dhcp.msg_type(ask)
            if ask == dhcp.REQUEST:
                opts += dhcp.option(50, h.ip) + dhcp.option(54, DC_DHCP)
            self.send4(t, h.mac, BCAST, seg.vlan, ZERO4, BCAST4, 17,
                       udp(ZERO4, BCAST4, cl[0], cl[1],
                           dhcp.message(1, xid, h.mac, opts)), 64)
            t += rng.uniform(0.002, 0.02)
            rep = dhcp.message(2, xid, h.mac, dhcp.msg_type(answer)
                               + dhcp.option(54, DC_DHCP)
                               + dhcp.option(1, seg.mask)
                               + dhcp.option(3, gw.ip)
                               + dhcp.option(51, struct.pack('!I', 86400)),
                               yiaddr=h.ip, giaddr=gw.ip)
            # the relay agent answers from its own address (RFC 1542 4.1.2)
            self.send4(t, gw.mac, BCAST, seg.vlan, gw.ip, BCAST4, 17,
                       udp(gw.ip, BCAST4, cl[1], cl[0], rep), 255)
            t += rng.uniform(0.001, 0.01)
        for _ in range(3):                      # RFC 5227 probes
            self.cap.emit(t, eth(BCAST, h.mac, arp.ETHERTYPE,
                                 arp.request(h.mac, ZERO4, h.ip), seg.vlan))
            t += rng.uniform(0.2, 0.4)
        self.cap.emit(t, eth(BCAST, h.mac, arp.ETHERTYPE,
                             arp.request(h.mac, h.ip, h.ip), seg.vlan))
        if h.gua6 is None:
            return
        self.sendicmp6(t + 0.01, h.mac, mcast6_mac(ALL_ROUTERS6), seg.vlan,
                       h.ll6, ALL_ROUTERS6, ndp.RS, ndp.rs_body(h.mac))
        self.router_advert(t + rng.uniform(0.005, 0.3), seg)
        for addr in (h.ll6, h.gua6):
            sn = solicited_node(addr)
            self.sendicmp6(t + 0.02, h.mac, mcast6_mac(sn), seg.vlan, ZERO6,
                           sn, ndp.NS, ndp.ns_body(addr))
            t += 0.001
        self.conv_mcast_join(seg, h, t + 0.05)

    # ------------------------------------------------------------ the routers

    def router_advert(self, t, seg):
        gw = seg.gw
        self.sendicmp6(t, gw.mac, mcast6_mac(ALL_NODES6), seg.vlan, gw.ll6,
                       ALL_NODES6, ndp.RA,
                       ndp.ra_body(gw.mac, seg.prefix6 + b'\0' * 8))

    def gateway_chores(self, seg, t0, t1):
        """Unsolicited RAs (RFC 4861 6.2.1: 200-600 s apart, so one falls
        at a random time of a short capture), ARP and NS refreshes of the
        gateway's neighbour caches, answered by the hosts."""
        rng = self.rng
        gw = seg.gw
        t = t0 + rng.uniform(0, min(200.0, t1 - t0))
        while t < t1:
            self.router_advert(t, seg)
            t += rng.uniform(200, 600)
        if not seg.hosts:
            return
        rate = max(0.2, len(seg.hosts) / 240.0)     # entries age in ~4 min
        t = t0 + rng.expovariate(rate)
        while t < t1:
            h = rng.choice(seg.hosts)
            if h.gua6 is not None and rng.random() < 0.3:
                self.nd_exchange(t, seg.vlan, gw, gw.gua6, h, h.gua6)
            else:
                self.arp_exchange(t, seg.vlan, gw, h,
                                  rng.uniform(0.0001, 0.002))
            t += rng.expovariate(rate)

    def ospf_hellos(self, seg, t0, t1, v3=False):
        """The gateway and the second router, Full, at the VLAN's timers;
        the higher router id (R2) is DR.  Each router's hellos keep their
        own phase and a jitter of at most 2 ms."""
        r1, r2 = seg.ospf
        o = Ospf(self.cap, self.rng, r1, r2)
        self.ospf.append(o)
        times = {}
        for r, other, peer in ((r1, r2, seg.gw), (r2, r1, seg.r2)):
            t = t0 + self.rng.uniform(0, r.hello)
            times[r.name] = []
            while t < t1:
                ts = t + self.rng.uniform(-0.002, 0.002)
                o.hello(ts, r, [other], r2.ip, r1.ip)
                if v3:
                    self.ospf3_hello(ts + 0.0005, seg, r, peer, other)
                times[r.name].append(ts)
                t += r.hello
        return times

    def ospf3_hello(self, t, seg, r, node, other):
        """other: the neighbour listed (None: none, and no DR/BDR)."""
        if other is None:
            dr, bdr, nbrs = b'\0' * 4, b'\0' * 4, []
        else:
            dr, bdr, nbrs = seg.ospf[1].rid, seg.ospf[0].rid, [other.rid]
        body = ospf3.hello_body(seg.index + 1, r.prio, r.hello, r.dead,
                                dr, bdr, nbrs)
        dst = ospf3.ALL_SPF6
        self.send6(t, node.mac, mcast6_mac(dst), seg.vlan, node.ll6, dst, 89,
                   ospf3.packet(ospf3.HELLO, r.rid, body, node.ll6, dst), 1)

    def backup(self, seg, h, t0, t1, pps):
        """Bulk TCP from a server to the backup target through the
        gateway: full-size segments, an ACK every second one coming back
        from the gateway's MAC."""
        sp, dp = self.nport(), 10000
        seq, ack = self.rng.getrandbits(32), self.rng.getrandbits(32)
        n = int((t1 - t0) * pps)
        gap = 1.0 / pps
        body = bytes((i * 13) & 0xff for i in range(1448))
        ts_opt = b'\x01\x01\x08\x0a' + b'\0' * 8
        for i in range(n):
            t = t0 + i * gap
            self.send4(t, h.mac, seg.gw.mac, seg.vlan, h.ip, DC_BACKUP, 6,
                       tcp(h.ip, DC_BACKUP, sp, dp, seq, ack, TH_ACK, body,
                           opts=ts_opt), h.ttl)
            seq += len(body)
            if i & 1:
                self.send4(t + 0.0009, seg.gw.mac, h.mac, seg.vlan, DC_BACKUP,
                           h.ip, 6, tcp(DC_BACKUP, h.ip, dp, sp, ack, seq,
                                        TH_ACK, opts=ts_opt), 62)
        return n

    def download(self, seg, h, t0, t1, pps):
        """A long transfer already running when the capture starts: data
        from a public server through the gateway, ACKs back."""
        rng = self.rng
        v6 = rng.random() < h.v6_share
        src, ext = (self.src6(h), self.ext6()) if v6 else (h.ip, self.ext4())
        sp = self.nport()
        up = self.tcp_sender(seg.vlan, h.mac, seg.gw.mac, src, ext, sp, 443,
                             h.ttl)
        down = self.tcp_sender(seg.vlan, seg.gw.mac, h.mac, ext, src, 443,
                               sp, self.wan_ttl(h))
        cs, ss = rng.getrandbits(32), rng.getrandbits(32)
        body = bytes(rng.getrandbits(8) for _ in range(64)) * 22
        t = t0
        up(t, cs, ss, TH_ACK)               # the host speaks first
        k = 0
        while t < t1:
            t += rng.expovariate(pps)
            down(t, ss, cs, TH_ACK, body)
            ss += len(body)
            k += 1
            if k & 1 == 0:
                up(t + 0.0001, cs, ss, TH_ACK)
        return k

    def persistent(self, seg, h, t0, t1):
        """Connections a host holds open (push channels, sync clients,
        streaming, telemetry): already established when the capture
        starts, each with bursts of data from its server now and then.
        On a span port they make the gateway show many remote addresses
        from the first second on."""
        rng = self.rng
        n = rng.randint(*PERSISTENT.get(h.kind, (1, 4)))
        for _ in range(n):
            v6 = rng.random() < h.v6_share
            src, ext = (self.src6(h), self.ext6()) if v6 else \
                (h.ip, self.ext4())
            sp = self.nport()
            up = self.tcp_sender(seg.vlan, h.mac, seg.gw.mac, src, ext, sp,
                                 443, h.ttl)
            down = self.tcp_sender(seg.vlan, seg.gw.mac, h.mac, ext, src, 443,
                                   sp, self.wan_ttl(h))
            cs, ss = rng.getrandbits(32), rng.getrandbits(32)
            rate = rng.uniform(0.02, 0.5)
            t = t0 + (rng.uniform(0, 1.0) if rng.random() < 0.6 else
                      rng.expovariate(rate))
            while t < t1:
                for _ in range(rng.randint(1, 3)):
                    ln = rng.choice((90, 180, 600, 1400))
                    down(t, ss, cs, TH_PSH | TH_ACK, b'\x17\x03\x03' +
                         b'\0' * (ln - 3))
                    ss += ln
                    t += 0.0002
                up(t + rng.uniform(0.0001, 0.04), cs, ss, TH_ACK)
                t += rng.expovariate(rate)

    def switch_frames(self, t0, t1, vlans):
        """LLDP every 30 s on each VLAN, STP BPDUs every 2 s untagged."""
        t = t0 + self.rng.uniform(0, 30)
        while t < t1:
            for v in vlans:
                self.cap.emit(t, eth(lldp.DST, SWITCH_MAC, lldp.ETHERTYPE,
                                     lldp.lldpdu(SWITCH_MAC, b'Te1/0/48'), v))
            t += 30.0
        t = t0 + self.rng.uniform(0, 2)
        while t < t1:
            self.cap.emit(t, stp.frame(SWITCH_MAC,
                                       stp.config_bpdu(SWITCH_MAC,
                                                       SWITCH_MAC)))
            t += 2.0

    def inbound(self, seg, server, t0, t1, cps):
        """A public service on the segment: clients from all over the
        Internet connect through the gateway (each its own address)."""
        rng = self.rng
        t = t0 + rng.expovariate(cps)
        pool = self.topo.externals4
        while t < t1:
            cl = rng.choice(pool)
            rtt = rng.uniform(0.01, 0.2)
            sp, cs, ss = rng.randrange(1024, 65536), rng.getrandbits(32), \
                rng.getrandbits(32)
            down = self.tcp_sender(seg.vlan, seg.gw.mac, server.mac, cl,
                                   server.ip, sp, 443, self.wan_ttl(server))
            up = self.tcp_sender(seg.vlan, server.mac, seg.gw.mac, server.ip,
                                 cl, 443, sp, server.ttl)
            down(t, cs, 0, TH_SYN, opts=TCP_MSS_1460)
            up(t + 0.0001, ss, cs + 1, TH_SYN | TH_ACK, opts=TCP_MSS_1460)
            down(t + rtt, cs + 1, ss + 1, TH_ACK)
            req = b'GET / HTTP/1.1\r\nHost: www\r\n\r\n'
            down(t + rtt + 0.0001, cs + 1, ss + 1, TH_PSH | TH_ACK, req)
            up(t + rtt + 0.002, ss + 1, cs + 1 + len(req), TH_PSH | TH_ACK,
               HTTP_BODY + b'x' * 800)
            down(t + 2 * rtt, cs + 1 + len(req), ss + 846, TH_FIN | TH_ACK)
            up(t + 2 * rtt + 0.0001, ss + 846, cs + 2 + len(req),
               TH_FIN | TH_ACK)
            t += rng.expovariate(cps)

    # ------------------------------------------------------------ a whole LAN

    def populate(self, t0, t1, first_second=True, ospf_v3=False,
                 downloads=0.015, joins_per_minute=1.0, ospf=True):
        """Every host talks from t0 to t1; with first_second, each one's
        first conversation falls in [t0, t0 + 0.9) (the capture starts on a
        live segment).  A share of hosts have a transfer already running
        at t0, a few hosts join per VLAN and minute; the routers, the
        gateway's chores and the switch run throughout."""
        rng = self.rng
        for seg in self.topo.segments:
            for h in seg.hosts:
                first = t0 + rng.uniform(0, 0.9) if first_second else None
                self.host_traffic(seg, h, t0, t1, first)
                self.persistent(seg, h, t0, t1)
                if rng.random() < downloads:
                    self.download(seg, h, t0 + rng.uniform(0, 0.5),
                                  t0 + rng.uniform(2, 15),
                                  rng.uniform(50, 250))
            self.gateway_chores(seg, t0, t1)
            if seg.ospf and ospf:
                self.ospf_hellos(seg, t0, t1, ospf_v3)
            n = int(rng.expovariate(1.0) * joins_per_minute *
                    (t1 - t0) / 60.0 + 0.5)
            for _ in range(n):
                tj = t0 + rng.uniform(1, max(1.5, t1 - t0 - 3))
                h = self.topo.add_host(seg, rng.choice(('phone', 'windows',
                                                        'macos')),
                                       (0.1, 0.5))
                self.join(seg, h, tj)
                self.host_traffic(seg, h, tj + 2.0, t1)
        self.switch_frames(t0, t1, [s.vlan for s in self.topo.segments])


def quiet_segment(a, rng, cap, dur, hosts=40, externals=None, ospf=True):
    """One VLAN (--vlan, default 10) of a few dozen hosts with its gateway
    and, with ospf, a second router at --hello/--dead: the background of
    the scenarios that stage one misbehaving host."""
    vlan = a.vlan if a.vlan is not None else 10
    topo = Topology(rng, [vlan], hosts, ospf_every=1 if ospf else 0,
                    hello=a.hello, dead=a.dead, externals=externals)
    tr = Traffic(cap, rng, topo)
    tr.populate(0.0, dur, first_second=True)
    return topo, tr, topo.segments[0]


def pick(seg, kinds, avoid=()):
    """The first host of one of these kinds (any host when none)."""
    for h in seg.hosts:
        if h.kind in kinds and h not in avoid:
            return h
    return next(h for h in seg.hosts if h not in avoid)
