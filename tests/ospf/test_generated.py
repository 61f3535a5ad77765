#!/usr/bin/env python3
"""A generated capture (802.1Q VLAN 100, hello 1 s / dead 4 s) in which
router 1.1.1.1 falls silent: the tracker must report hello_late (silent)
the moment its hello is overdue, once: its interval plus a margin that
follows its jitter (here none: 50 ms, the floor), never more than 25 %,
`down` at last hello + dead interval (+-1 s),
then `full` again after it returns. Runs the whole path: libpcap, decode,
tracker, through ospf_replay.

usage: test_generated.py OSPF_REPLAY
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

R1, R2 = 0x01010101, 0x02020202
IP = {R1: bytes([10, 0, 0, 1]), R2: bytes([10, 0, 0, 2])}
MAC = {R1: bytes.fromhex('020000000001'), R2: bytes.fromhex('020000000002')}
T0 = 1700000000.0


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'>{len(data) // 2}H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(src, dst, ospf):
    """Ethernet + 802.1Q VLAN 100 + IPv4 (proto 89) around an OSPF packet."""
    dst_ip = IP[dst] if dst else bytes([224, 0, 0, 5])
    dst_mac = MAC[dst] if dst else bytes.fromhex('01005e000005')
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0xc0, 20 + len(ospf), 1, 0, 1,
                     89, 0, IP[src], dst_ip)
    ip = ip[:10] + struct.pack('>H', csum(ip)) + ip[12:]
    return (dst_mac + MAC[src] + struct.pack('>HHH', 0x8100, 100, 0x0800) +
            ip + ospf)


def ospf(kind, rid, body):
    hdr = struct.pack('>BBHIIHH8s', 2, kind, 24 + len(body), rid, 0, 0, 0,
                      b'\0' * 8)
    pkt = hdr + body
    return pkt[:12] + struct.pack('>H', csum(pkt)) + pkt[14:]


def hello(rid, nbrs):
    body = struct.pack('>IHBBIII', 0xffffff00, 1, 0x02, 1, 4,
                       0x0a000002, 0x0a000001)
    return ospf(1, rid, body + b''.join(struct.pack('>I', n) for n in nbrs))


def dbd(rid, flags, seq):
    return ospf(2, rid, struct.pack('>HBBI', 1500, 0x02, flags, seq))


def exchange(t, seq):
    """R2 (higher id) is master; nothing to request on either side."""
    return [(t, R2, R1, dbd(R2, 0x07, seq)),
            (t + 0.001, R1, R2, dbd(R1, 0x07, seq + 50)),
            (t + 0.002, R1, R2, dbd(R1, 0x02, seq)),
            (t + 0.003, R2, R1, dbd(R2, 0x01, seq + 1)),
            (t + 0.004, R1, R2, dbd(R1, 0x00, seq + 1))]


def build(path):
    pkts = []
    for i in range(30):
        t = float(i)
        if i < 10 or i >= 20:        # R1 silent from 10 s to 20 s
            pkts.append((t, R1, 0, hello(R1, [R2] if i else [])))
        pkts.append((t + 0.5, R2, 0, hello(R2, [R1])))
    pkts += exchange(3.2, 1000)
    pkts += exchange(21.2, 2000)
    pkts.sort(key=lambda p: p[0])
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, src, dst, o in pkts:
            data = frame(src, dst, o)
            sec = int(T0 + t)
            usec = int(round((T0 + t - sec) * 1e6))
            f.write(struct.pack('<IIII', sec, usec, len(data), len(data)))
            f.write(data)


EV = re.compile(r'^frame=\d+ t=(\S+) ev=(\S+) (.*)$')


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'silence.pcap')
        build(path)
        out = subprocess.run([tool, path], check=True, capture_output=True,
                             text=True).stdout
    events = []
    for line in out.splitlines():
        m = EV.match(line)
        if m:
            kv = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', m[3]))
            events.append((float(m[1]), m[2], kv))
    errs = []
    adj = [(t, kv['from'], kv['to']) for t, ev, kv in events if ev == 'adj']
    states = [to for _, _, to in adj]
    want = ['init', '2-way', 'exstart', 'exchange', 'full', 'down', '2-way',
            'exstart', 'exchange', 'full']
    if states != want:
        errs.append(f'states {states}, want {want}')
    downs = [t for t, _, to in adj if to == 'down']
    # Last hello of 1.1.1.1 at 9.0 s, dead interval 4 s.
    if len(downs) != 1 or abs(downs[0] - 13.0) > 1.0:
        errs.append(f'down at {downs}, want 13.0 +- 1')
    late = [(t, kv) for t, ev, kv in events if ev == 'hello_late']
    silent = [t for t, kv in late if kv['silent'] == '1']
    arrived = [kv for t, kv in late if kv['silent'] == '0']
    if len(silent) != 1 or abs(silent[0] - 10.05) > 0.001:
        errs.append(f'silent hello_late at {silent}, want 10.05')
    if arrived:
        errs.append(f'late arrivals {arrived}: the gap was told overdue')
    if any(kv.get('vlan') != '100' for _, ev, kv in events
           if ev in ('adj', 'hello_late', 'ospf_router')):
        errs.append('an event without vlan=100')
    if sum(1 for _, ev, _ in events if ev == 'ospf_router') != 2:
        errs.append('want two ospf_router events')
    for e in errs:
        print('FAIL:', e)
    if errs:
        print(out)
        return 1
    print('ok: generated silence capture')
    return 0


if __name__ == '__main__':
    sys.exit(main())
