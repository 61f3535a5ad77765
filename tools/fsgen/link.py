"""Layers between the segment and the sensor, applied as frames are
written (pcap.PcapOut):

- VLAN remap (--vlan on scenarios that fix their VLAN): the scenario's
  primary VLAN moves to another VID, or loses its tag (VID 0).  This is
  part of the segment, so the truth follows it.
- QinQ (--qinq SVID): an 802.1ad S-tag in front of every frame, as on a
  provider trunk.
- Remote mirror (--mirror): every frame wrapped in ERSPAN II / III (GRE),
  GRE Transparent Ethernet Bridging or VXLAN from a mirror source to a
  collector.

QinQ and the mirror are delivery: the truth's hosts stay those of the
segment; truth['delivery'] says how the frames reached the sensor."""

import random
import struct

from .frames import eth, ipv4, ip4, mac, mac_str
from .proto import erspan, gre, vxlan

TPIDS = (0x8100, 0x88a8, 0x9100)
S_TPID = 0x88a8
MIRROR_KINDS = ('erspan2', 'erspan3', 'gre', 'vxlan')
# RFC 7042 documentation MACs for the mirror source and the collector
MIRROR_SRC_MAC = mac('00:00:5e:00:53:01')
MIRROR_DST_MAC = mac('00:00:5e:00:53:02')
IPPROTO_UDP = 17


def l2_info(frame):
    """(first VID or None, offset of the ethertype after all tags)."""
    off = 12
    vid = None
    while len(frame) >= off + 4 and \
            int.from_bytes(frame[off:off + 2], 'big') in TPIDS:
        if vid is None:
            vid = int.from_bytes(frame[off + 2:off + 4], 'big') & 0xfff
        off += 4
    return vid, off


def pad60(f):
    return f + b'\0' * (60 - len(f)) if len(f) < 60 else f


def remap_vlan(frame, old, new):
    """Frames whose outer 802.1Q VID is old get new (0: tag removed)."""
    if frame[12:14] != b'\x81\x00' or \
            int.from_bytes(frame[14:16], 'big') & 0xfff != old:
        return frame
    if new == 0:
        return pad60(frame[:12] + frame[16:])
    tci = (int.from_bytes(frame[14:16], 'big') & 0xf000) | new
    return frame[:14] + tci.to_bytes(2, 'big') + frame[16:]


def remap_truth(obj, old, new):
    """VLAN values in the truth ('vlan', 'vlans') follow the remap."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == 'vlan' and v == old:
                obj[k] = new
            elif k == 'vlans' and isinstance(v, list):
                obj[k] = [new if x == old else x for x in v]
            else:
                remap_truth(v, old, new)
    elif isinstance(obj, list):
        for v in obj:
            remap_truth(v, old, new)


def cos_of(frame, l3):
    """Class of service for the ERSPAN header: the 802.1Q PCP when the
    frame has a tag, else the IP precedence (what Cisco and Linux put
    there)."""
    if frame[12:14] in (b'\x81\x00', b'\x88\xa8'):
        return frame[14] >> 5
    et = int.from_bytes(frame[l3 - 2:l3], 'big')
    if et == 0x0800 and len(frame) > l3 + 1:
        return frame[l3 + 1] >> 5
    if et == 0x86dd and len(frame) > l3 + 1:
        return (frame[l3] & 0x0f) >> 1
    return 0


class Mirror:
    """One remote-mirror session from src to dst (IPv4)."""

    def __init__(self, kind, src, dst, ident, seed, vlan_in_header=False):
        if kind not in MIRROR_KINDS:
            raise ValueError(kind)
        self.kind = kind
        self.src, self.dst = ip4(src), ip4(dst)
        self.id = ident
        self.vlan_in_header = vlan_in_header
        rng = random.Random(seed * 7919 + MIRROR_KINDS.index(kind))
        self.ip_id = rng.randrange(65536)
        self.seq = rng.randrange(1 << 24)
        self.first_seq = self.seq
        self.first_ip_id = self.ip_id
        self.packets = 0

    def truth(self):
        d = {'type': self.kind, 'src_ip': '.'.join(map(str, self.src)),
             'dst_ip': '.'.join(map(str, self.dst)),
             'src_mac': mac_str(MIRROR_SRC_MAC),
             'dst_mac': mac_str(MIRROR_DST_MAC),
             'packets': self.packets, 'first_ip_id': self.first_ip_id}
        if self.kind.startswith('erspan'):
            d.update({'session': self.id, 'first_gre_seq': self.first_seq,
                      'vlan_in': 'header' if self.vlan_in_header
                      else 'frame'})
        elif self.kind == 'gre':
            d['gre_key'] = self.id
        else:
            d.update({'vni': self.id, 'udp_port': vxlan.PORT})
        return d

    def wrap(self, ts_us, frame):
        vid, l3 = l2_info(frame)
        self.packets += 1
        self.ip_id = (self.ip_id + 1) & 0xffff
        if self.kind == 'vxlan':
            key = frame[:12] + frame[l3:l3 + 20]
            sport = vxlan.source_port(key)
            payload = vxlan.header(self.id) + frame
            seg = struct.pack('!HHHH', sport, vxlan.PORT, 8 + len(payload),
                              0) + payload      # no UDP checksum (IPv4)
            return self.outer(IPPROTO_UDP, seg)
        if self.kind == 'gre':
            return self.outer(gre.PROTO, gre.header(gre.TEB, key=self.id)
                              + frame)
        seq = self.seq
        self.seq = (self.seq + 1) & 0xffffffff
        cos = cos_of(frame, l3)
        single_q = frame[12:14] == b'\x81\x00' and l3 == 16
        if self.vlan_in_header and single_q:
            inner = pad60(frame[:12] + frame[16:])
            en = erspan.EN_8021Q
        else:
            inner = frame
            en = erspan.EN_INFRAME if vid is not None else \
                erspan.EN_UNTAGGED
        if self.kind == 'erspan2':
            h = gre.header(erspan.GRE_TYPE_II, seq=seq) + erspan.type2(
                self.id, vid or 0, cos, en, index=1)
        else:
            h = gre.header(erspan.GRE_TYPE_III, seq=seq) + erspan.type3(
                self.id, ts_us // 100, vid or 0, cos, hw_id=1)
        return self.outer(gre.PROTO, h + inner)

    def outer(self, proto, payload):
        return eth(MIRROR_DST_MAC, MIRROR_SRC_MAC, 0x0800,
                   ipv4(self.src, self.dst, proto, payload, ttl=64,
                        ident=self.ip_id))


class Delivery:
    """The frame pipeline PcapOut applies: remap, then QinQ, then mirror."""

    def __init__(self, remap=None, svid=None, mirror=None):
        self.remap = remap              # (old, new) or None
        self.svid = svid
        self.mirror = mirror

    def frame(self, ts_us, f):
        if self.remap is not None:
            f = remap_vlan(f, *self.remap)
        if self.svid is not None:
            f = f[:12] + struct.pack('!HH', S_TPID, self.svid) + f[12:]
        if self.mirror is not None:
            f = self.mirror.wrap(ts_us, f)
        return f

    def records(self, data):
        """The same on a buffer of formatted pcap records."""
        out = bytearray()
        mv = memoryview(data)
        rec = struct.Struct('<IIII')
        o = 0
        n = len(data)
        while o < n:
            sec, usec, incl, _ = rec.unpack_from(mv, o)
            f = self.frame(sec * 1000000 + usec, bytes(mv[o + 16:o + 16 +
                                                          incl]))
            out += rec.pack(sec, usec, len(f), len(f))
            out += f
            o += 16 + incl
        return out

    def truth(self):
        d = {}
        if self.remap is not None:
            d['vlan_remap'] = {'from': self.remap[0], 'to': self.remap[1]}
        if self.svid is not None:
            d['qinq'] = {'tpid': '0x%04x' % S_TPID, 'svid': self.svid}
        if self.mirror is not None:
            d['mirror'] = self.mirror.truth()
        return d

