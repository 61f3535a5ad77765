"""A segment shaped like a real one, for the scenarios after the classic
four: who is on it and with which addresses.  traffic.py makes them talk.

Per VLAN: a /20 of 10.16.0.0/12 and a /64 of 2001:db8::/32, a default
gateway (.1, fe80::1; one chassis MAC on every VLAN, as an L3 switch
uses), on some VLANs a second router (.2) running OSPF with the gateway,
and hosts of mixed kinds: vendor MACs, locally administered MACs (phones
with randomised MACs, VMs, containers), Windows TTL 128, SLAAC EUI-64 or
stable-privacy addresses plus temporary ones.  Off the segment: a
resolver, a DHCP server and a backup target in the data centre, and a
pool of public IPv4/IPv6 addresses the gateway forwards traffic from."""

import ipaddress
import struct

from .frames import ip4, ip6, mac_str, ip_str, ip6_str
from .ospf_model import Router

GW_LL6 = ip6('fe80::1')
DC_RESOLVER = ip4('10.250.0.53')
DC_RESOLVER6 = ip6('2001:db8:fa::53')
DC_DHCP = ip4('10.250.0.67')
DC_BACKUP = ip4('10.250.1.10')
DC_PREFIX = ip4('10.200.0.0')       # reached through the second router
SWITCH_MAC = bytes.fromhex('00005e005310')

# share of hosts per kind (sums to 100)
KINDS = (('windows', 38), ('macos', 14), ('linux', 14), ('phone', 12),
         ('vm', 8), ('container', 2), ('printer', 3), ('server', 6),
         ('iot', 3))
LOCAL_KINDS = ('phone', 'vm', 'container')

# public IPv4 space the external pool avoids (special-purpose registry)
RESERVED4 = [ipaddress.ip_network(n) for n in (
    '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8',
    '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
    '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
    '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3')]


class Node:
    """Anything with a MAC and addresses on one VLAN."""

    def __init__(self, name, kind, mac, vlan, ip, ll6=None, gua6=None):
        self.name = name
        self.kind = kind
        self.mac = mac
        self.vlan = vlan
        self.ip = ip
        self.ll6 = ll6
        self.gua6 = gua6
        self.temp6 = None               # privacy address, when used
        self.ttl = 64
        self.rate = 0.3                 # conversations per second
        self.v6_share = 0.4             # flows over IPv6 when possible
        self.redirected = False         # told to use the second router

    def truth(self):
        d = {'name': self.name, 'kind': self.kind, 'mac': mac_str(self.mac),
             'vlan': self.vlan, 'ip': ip_str(self.ip)}
        if self.gua6:
            d['ip6'] = ip6_str(self.gua6)
        return d


def eui64(prefix, mac):
    """SLAAC interface identifier from a MAC (RFC 4291 appendix A)."""
    return prefix + bytes((mac[0] ^ 2,)) + mac[1:3] + b'\xff\xfe' + mac[3:]


class Segment:
    """One VLAN: subnet, gateway, optional OSPF neighbour, hosts."""

    def __init__(self, index, vlan):
        self.index = index
        self.vlan = vlan
        self.net = bytes((10, 16 + index, 0, 0))
        self.plen = 20
        self.mask = ip4('255.255.240.0')
        self.prefix6 = ip6('2001:db8:%x::' % (0x100 + index))[:8]
        self.gw = None
        self.r2 = None                  # second router, when OSPF runs
        self.ospf = []                  # [Router, Router] for OSPFv2
        self.hosts = []
        self.next_host = 10

    def addr(self, n):
        """n-th address of the subnet (n < 4094)."""
        return self.net[:2] + struct.pack('!H', n)

    def bcast(self):
        return self.net[:2] + bytes((self.net[2] | 0x0f, 0xff))

    def on_link(self, ip):
        return ip[:2] == self.net[:2] and (ip[2] & 0xf0) == self.net[2]

    def truth(self):
        d = {'vlan': self.vlan, 'subnet': '%s/%d' % (ip_str(self.net),
                                                     self.plen),
             'prefix6': ip6_str(self.prefix6 + b'\0' * 8) + '/64',
             'gateway': self.gw.truth(), 'hosts': len(self.hosts),
             'ospf': bool(self.ospf)}
        if self.r2 is not None:
            d['second_router'] = self.r2.truth()
        return d


class Topology:
    """Segments, hosts and the outside world for one seed."""

    def __init__(self, rng, vlans, hosts, ospf_every=2, hello=10, dead=40,
                 host_rate=(0.1, 0.5), externals=None):
        if not 1 <= len(vlans) <= 64:
            raise SystemExit('fs-gen: 1..64 VLANs')
        self.rng = rng
        self.ouis = [self.universal(3) for _ in range(16)]
        self.gw_mac = self.universal(6)
        self.r2_mac = self.universal(6)
        self.used_macs = {self.gw_mac, self.r2_mac, SWITCH_MAC}
        self.segments = []
        for k, v in enumerate(vlans):
            s = Segment(k, v)
            s.gw = Node('gw-vlan%d' % v, 'gateway', self.gw_mac, v,
                        s.addr(1), GW_LL6, s.prefix6 + b'\0' * 7 + b'\1')
            s.gw.ttl = 255
            if ospf_every and k % ospf_every == 0:
                s.r2 = Node('r2-vlan%d' % v, 'router', self.r2_mac, v,
                            s.addr(2), ip6('fe80::2'),
                            s.prefix6 + b'\0' * 7 + b'\2')
                s.r2.ttl = 255
                s.ospf = [
                    Router('GW', '10.255.0.1', mac_str(self.gw_mac),
                           ip_str(s.gw.ip), 1, '10.255.0.1', v, hello,
                           dead, s.mask),
                    Router('R2', '10.255.0.2', mac_str(self.r2_mac),
                           ip_str(s.r2.ip), 1, '10.200.0.0', v, hello,
                           dead, s.mask)]
            self.segments.append(s)
        names = [k for k, _ in KINDS]
        weights = [w for _, w in KINDS]
        for i in range(hosts):
            seg = self.segments[i % len(self.segments)]
            kind = rng.choices(names, weights)[0]
            self.add_host(seg, kind, host_rate)
        self.externals4 = self.pool4(externals or max(4000, hosts * 6))
        self.externals6 = [self.public6() for _ in range(max(1000, hosts))]

    def universal(self, n):
        """Random bytes with the group and local bits of the first clear."""
        b = bytearray(self.rng.getrandbits(8) for _ in range(n))
        b[0] &= 0xfc
        return bytes(b)

    def host_mac(self, kind):
        rng = self.rng
        while True:
            if kind == 'vm':
                m = b'\x52\x54\x00' + bytes(rng.getrandbits(8)
                                            for _ in range(3))
            elif kind == 'container':
                m = b'\x02\x42\xac\x11' + bytes(rng.getrandbits(8)
                                                for _ in range(2))
            elif kind == 'phone' and rng.random() < 0.8:
                # randomised per network (RFC 9797 kind of behaviour)
                b = bytearray(rng.getrandbits(8) for _ in range(6))
                b[0] = (b[0] & 0xfc) | 0x02
                m = bytes(b)
            else:
                m = rng.choice(self.ouis) + bytes(rng.getrandbits(8)
                                                  for _ in range(3))
            if m not in self.used_macs:
                self.used_macs.add(m)
                return m

    def add_host(self, seg, kind, host_rate):
        rng = self.rng
        if seg.next_host >= 4090:
            raise SystemExit('fs-gen: too many hosts for VLAN %d' % seg.vlan)
        m = self.host_mac(kind)
        ip = seg.addr(seg.next_host)
        seg.next_host += 1
        ll6 = eui64(b'\xfe\x80' + b'\0' * 6, m)
        if kind in ('linux', 'server', 'printer', 'iot'):
            gua = eui64(seg.prefix6, m)
        else:
            gua = seg.prefix6 + bytes(rng.getrandbits(8) for _ in range(8))
            ll6 = b'\xfe\x80' + b'\0' * 6 + bytes(rng.getrandbits(8)
                                                  for _ in range(8))
        h = Node('%s-%d-%d' % (kind, seg.vlan, seg.next_host - 1), kind, m,
                 seg.vlan, ip, ll6, gua if kind != 'iot' else None)
        if kind in ('windows', 'macos', 'phone'):
            h.temp6 = seg.prefix6 + bytes(rng.getrandbits(8)
                                          for _ in range(8))
        h.ttl = 128 if kind == 'windows' else 64
        h.rate = rng.uniform(*host_rate)
        h.v6_share = 0.0 if h.gua6 is None else rng.uniform(0.2, 0.6)
        seg.hosts.append(h)
        return h

    def pool4(self, n):
        out = set()
        rng = self.rng
        while len(out) < n:
            a = ipaddress.ip_address(rng.getrandbits(32))
            if a.is_global and not any(a in r for r in RESERVED4):
                out.add(a.packed)
        return sorted(out)

    def public6(self):
        """An address in 2000::/3 outside the documentation prefix."""
        while True:
            b = bytearray(self.rng.getrandbits(8) for _ in range(16))
            b[0] = 0x20 | (b[0] & 0x1f)
            if bytes(b[:4]) != b'\x20\x01\x0d\xb8':
                return bytes(b)

    def hosts(self):
        return [h for s in self.segments for h in s.hosts]

    def truth(self):
        kinds = {}
        local = 0
        for h in self.hosts():
            kinds[h.kind] = kinds.get(h.kind, 0) + 1
            local += h.mac[0] & 2 != 0
        return {'segments': [s.truth() for s in self.segments],
                'host_kinds': kinds, 'locally_administered_macs': local,
                'gateway_mac': mac_str(self.gw_mac),
                'switch_mac': mac_str(SWITCH_MAC)}
