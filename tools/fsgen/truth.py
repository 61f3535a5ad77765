"""Ground truth counted from the frames actually written."""

from .frames import ZERO4, mac_str, ip_str


class HostCount:
    """Per (vlan, source MAC) packets and IPv4 sources, taken from the bytes
    actually written (before any delivery layer: QinQ S-tag, mirror)."""

    def __init__(self):
        self.hosts = {}
        self.ip_count = {}      # (vlan, mac) -> distinct IPs, when not kept

    def add(self, frame, n=1):
        src = frame[6:12]
        et = (frame[12] << 8) | frame[13]
        vlan = 0
        off = 14
        if et == 0x8100 and len(frame) >= 18:
            vlan = ((frame[14] << 8) | frame[15]) & 0x0fff
            et = (frame[16] << 8) | frame[17]
            off = 18
        h = self.hosts.get((vlan, src))
        if h is None:
            h = self.hosts[(vlan, src)] = [0, set()]
        h[0] += n
        if et == 0x0800 and len(frame) >= off + 20:
            ip = frame[off + 12:off + 16]
            if ip != ZERO4:
                h[1].add(ip)

    def remap_vlan(self, old, new):
        """Hosts of VLAN old move to new, merged with any already there."""
        hosts, counts = {}, {}
        for (vlan, src), (n, ips) in self.hosts.items():
            key = (new if vlan == old else vlan, src)
            h = hosts.setdefault(key, [0, set()])
            h[0] += n
            h[1] |= ips
            if (vlan, src) in self.ip_count:
                counts[key] = counts.get(key, 0) + self.ip_count[(vlan, src)]
        self.hosts, self.ip_count = hosts, counts

    def truth(self, ip_cap=16):
        out = []
        for (vlan, src), (n, ips) in sorted(self.hosts.items()):
            ipl = sorted(ips)
            d = {'mac': mac_str(src), 'vlan': vlan,
                 'ips': [ip_str(i) for i in ipl[:ip_cap]],
                 'ip_count': self.ip_count.get((vlan, src), len(ipl)),
                 'packets': n}
            out.append(d)
        return out


def l2(frame):
    """(vlan, ethertype, offset of L3) of a frame with at most one
    802.1Q tag."""
    if frame[12:14] == b'\x81\x00':
        return (((frame[14] << 8) | frame[15]) & 0xfff,
                (frame[16] << 8) | frame[17], 18)
    return 0, (frame[12] << 8) | frame[13], 14


def speakers(events, start_us, until_us):
    """(vlan, MAC) pairs that sent a frame before until_us."""
    out = set()
    for ts, f in events:
        if start_us <= ts < until_us:
            out.add((l2(f)[0], f[6:12]))
    return out


def forwarded_sources(events, mac, on_link):
    """Per VLAN, the distinct IPv4 and IPv6 source addresses that frames
    from mac carried and that are not on the VLAN's own subnet (on_link:
    vlan -> function(ip) -> bool; IPv6 link-local and the VLAN prefix
    count as on-link)."""
    v4, v6 = {}, {}
    for _, f in events:
        if f[6:12] != mac:
            continue
        vlan, et, o = l2(f)
        if et == 0x0800:
            ip = f[o + 12:o + 16]
            if not on_link[vlan](ip):
                v4.setdefault(vlan, set()).add(ip)
        elif et == 0x86dd:
            ip = f[o + 8:o + 24]
            if ip[:2] != b'\xfe\x80' and not on_link[vlan](ip):
                v6.setdefault(vlan, set()).add(ip)
    return v4, v6
