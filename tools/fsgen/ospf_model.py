"""OSPFv2 routers on a VLAN: each router's LSDB, the hellos, and the full
adjacency exchange (DBD ExStart/Exchange, LSR, LSU, LSAck) when one comes
up.  Packet bytes come from proto.ospf."""

import struct

from .frames import eth, ipv4, ip4, mac, mac_str, ip_str, mcast_mac
from .proto.ospf import (ospf, lsa, hello_body, router_lsa_body,
                         network_lsa_body, newer, MAXAGE, OPT_E, DBD_I,
                         DBD_M, DBD_MS, OSPF_HELLO, OSPF_DBD, OSPF_LSR,
                         OSPF_LSU, OSPF_LSACK, OSPF_TYPE_NAMES, ALL_SPF,
                         TOS_INTERNETWORK_CONTROL)

MASK24 = ip4('255.255.255.0')


class Router:
    def __init__(self, name, rid, macs, ip, prio, stub_net, vlan,
                 hello=1, dead=4, mask=MASK24):
        self.name = name
        self.rid = ip4(rid)
        self.mac = mac(macs)
        self.ip = ip4(ip)
        self.prio = prio
        self.stub_net = ip4(stub_net)
        self.vlan = vlan
        self.hello = hello
        self.dead = dead
        self.mask = mask
        self.lsdb = {}          # (type, lsid, adv) -> [seq, age, body]
        self.seq = {}           # own LSA -> last sequence number used

    def originate(self, typ, lsid, body, age=1):
        key = (typ, lsid, self.rid)
        s = self.seq.get(key, 0x80000000) + 1
        self.seq[key] = s
        self.lsdb[key] = [s, age, body]
        return key

    def flush(self, key):
        self.lsdb[key][1] = MAXAGE

    def lsa_bytes(self, key):
        s, age, body = self.lsdb[key]
        return lsa(key[0], key[1], key[2], s, body, age)

    def truth(self):
        return {'router_id': ip_str(self.rid), 'mac': mac_str(self.mac),
                'ip': ip_str(self.ip), 'vlan': self.vlan,
                'priority': self.prio, 'hello_interval': self.hello,
                'dead_interval': self.dead}


def lsa_name(k, inst):
    return {'type': k[0], 'id': ip_str(k[1]), 'adv': ip_str(k[2]),
            'seq': '0x%08x' % inst[0], 'age': inst[1]}


class Ospf:
    """Two routers on one VLAN: hellos, and the full adjacency exchange
    (DBD ExStart/Exchange, LSR, LSU, LSAck) when one comes up."""

    def __init__(self, cap, rng, r1, r2):
        self.cap = cap
        self.rng = rng
        self.r1, self.r2 = r1, r2
        self.log = []           # non-hello OSPF packets, for the truth
        self.ident = 0x1000

    def send(self, t, r, dst_r, typ, body):
        if dst_r is None:
            dst_ip, dmac = ALL_SPF, mcast_mac(ALL_SPF)
        else:
            dst_ip, dmac = dst_r.ip, dst_r.mac
        self.ident = (self.ident + 1) & 0xffff
        pkt = ospf(typ, r.rid, body)
        self.cap.emit(t, eth(dmac, r.mac, 0x0800,
                             ipv4(r.ip, dst_ip, 89, pkt, ttl=1,
                                  ident=self.ident,
                                  tos=TOS_INTERNETWORK_CONTROL, df=False),
                             r.vlan))
        return pkt

    def hello(self, t, r, nbrs, dr, bdr):
        body = hello_body(r.mask, r.hello, r.prio, r.dead, dr, bdr,
                          [n.rid for n in nbrs])
        self.send(t, r, None, OSPF_HELLO, body)

    def note(self, t, r, dst, typ, **kw):
        d = {'t': round(t, 6), 'from': ip_str(r.rid),
             'to': ip_str(dst.rid) if dst else '224.0.0.5',
             'type': OSPF_TYPE_NAMES[typ]}
        d.update(kw)
        self.log.append(d)

    def dbd(self, t, r, dst, flags, seq, keys):
        body = struct.pack('!HBBI', 1500, OPT_E, flags, seq) + \
            b''.join(r.lsa_bytes(k)[:20] for k in keys)
        self.send(t, r, dst, OSPF_DBD, body)
        fl = [n for b, n in ((DBD_I, 'I'), (DBD_M, 'M'), (DBD_MS, 'MS'))
              if flags & b]
        self.note(t, r, dst, OSPF_DBD, flags=fl, dd_seq=seq,
                  lsa_headers=len(keys))

    def lsu(self, t, r, dst, keys):
        body = struct.pack('!I', len(keys)) + \
            b''.join(r.lsa_bytes(k) for k in keys)
        self.send(t, r, dst, OSPF_LSU, body)
        self.note(t, r, dst, OSPF_LSU, lsas=[lsa_name(k, r.lsdb[k])
                                             for k in keys])

    def lsack(self, t, r, keys, src_r):
        body = b''.join(src_r.lsa_bytes(k)[:20] for k in keys)
        self.send(t, r, None, OSPF_LSACK, body)
        self.note(t, r, None, OSPF_LSACK, lsas=len(keys))

    def router_lsa(self, r, dr_ip=None):
        links = []
        if dr_ip is not None:
            links.append((dr_ip, r.ip, 2, 10))          # transit network
        else:
            net = bytes(a & b for a, b in zip(r.ip, r.mask))
            links.append((net, r.mask, 3, 10))                  # stub
        links.append((r.stub_net, MASK24, 3, 10))
        return r.originate(1, r.rid, router_lsa_body(links))

    def exchange(self, t, slave, master):
        """slave (lower router-id) meets master; returns the inferred Full
        time (later of the last DBD and the LSUs answering the LSRs)."""
        a = 0x2000 + self.rng.randrange(0x1000)
        b = 0x5000 + self.rng.randrange(0x1000)
        self.dbd(t + 0.002, slave, master, DBD_I | DBD_M | DBD_MS, a, [])
        self.dbd(t + 0.003, master, slave, DBD_I | DBD_M | DBD_MS, b, [])
        skeys = sorted(slave.lsdb)
        mkeys = sorted(master.lsdb)
        self.dbd(t + 0.004, slave, master, DBD_M, b, skeys)
        self.dbd(t + 0.005, master, slave, DBD_MS, b + 1, mkeys)
        self.dbd(t + 0.006, slave, master, 0, b + 1, [])
        last = t + 0.006
        want_s = [k for k in mkeys if newer(master.lsdb[k], slave.lsdb.get(k))]
        want_m = [k for k in skeys if newer(slave.lsdb[k], master.lsdb.get(k))]
        tt = t + 0.007
        for req, frm, keys in ((slave, master, want_s),
                               (master, slave, want_m)):
            if keys:
                body = b''.join(struct.pack('!I4s4s', k[0], k[1], k[2])
                                for k in keys)
                self.send(tt, req, frm, OSPF_LSR, body)
                self.note(tt, req, frm, OSPF_LSR, requests=len(keys))
                tt += 0.001
        for req, frm, keys in ((slave, master, want_s),
                               (master, slave, want_m)):
            if keys:
                self.lsu(tt, frm, req, keys)
                last = tt
                tt += 0.001
        for req, frm, keys in ((slave, master, want_s),
                               (master, slave, want_m)):
            for k in keys:
                req.lsdb[k] = list(frm.lsdb[k])
            if keys:
                self.lsack(tt, req, keys, frm)
                tt += 0.001
        # Full: the DR (master here) originates the network-LSA listing
        # both routers; both re-originate router-LSAs with a transit link.
        dr = master
        nk = dr.originate(2, dr.ip, network_lsa_body(dr.mask,
                                                     [dr.rid, slave.rid]))
        rk = self.router_lsa(dr, dr.ip)
        tt += 0.008
        self.lsu(tt, dr, None, [rk, nk])
        sk = self.router_lsa(slave, dr.ip)
        self.lsu(tt + 0.001, slave, None, [sk])
        for k in (rk, nk):
            slave.lsdb[k] = list(dr.lsdb[k])
        master.lsdb[sk] = list(slave.lsdb[sk])
        self.lsack(tt + 0.009, slave, [rk, nk], dr)
        self.lsack(tt + 0.010, dr, [sk], slave)
        return last


def two_routers(vlan=10):
    r1 = Router('R1', '10.0.0.1', '02:00:0a:00:00:01', '10.0.0.1', 1,
                '10.1.0.0', vlan)
    r2 = Router('R2', '10.0.0.2', '02:00:0a:00:00:02', '10.0.0.2', 1,
                '10.2.0.0', vlan)
    return r1, r2


def jitter(rng):
    return rng.uniform(-0.0004, 0.0004)


def steady_hellos(o, t0, t1, rng):
    """Both routers Full, R2 DR and R1 BDR (equal priority, higher id wins)."""
    r1, r2 = o.r1, o.r2
    times = []
    for r, other, phase in ((r1, r2, 0.2), (r2, r1, 0.7)):
        t = t0 + phase
        while t < t1:
            ts = t + jitter(rng)
            o.hello(ts, r, [other], r2.ip, r1.ip)
            times.append((r.name, ts))
            t += 1.0
    return times

