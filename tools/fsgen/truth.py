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
