#!/usr/bin/env python3
"""Tests of tools/fs-gen itself: determinism, a valid pcap, checksums that
verify, and ground truth that matches a recount of the written file.

usage: test_generator.py PATH/TO/fs-gen
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
        print('FAIL: ' + msg)


def gen(fsgen, d, name, args):
    pcap = os.path.join(d, name + '.pcap')
    truth = os.path.join(d, name + '.json')
    subprocess.run([sys.executable, fsgen] + args +
                   ['-o', pcap, '--truth', truth, '-q'], check=True)
    with open(pcap, 'rb') as f:
        data = f.read()
    with open(truth) as f:
        t = json.load(f)
    return data, t


def read_pcap(data):
    """Tiny classic-pcap reader: yields (ts_us, frame)."""
    assert len(data) >= 24, 'short global header'
    magic, vmaj, vmin, _, _, snap, dlt = struct.unpack_from('<IHHiIII', data)
    check(magic == 0xa1b2c3d4, 'magic %#x' % magic)
    check((vmaj, vmin) == (2, 4), 'version %d.%d' % (vmaj, vmin))
    check(dlt == 1, 'linktype %d' % dlt)
    off = 24
    out = []
    while off < len(data):
        if off + 16 > len(data):
            check(False, 'truncated record header at %d' % off)
            break
        sec, usec, incl, orig = struct.unpack_from('<IIII', data, off)
        check(usec < 1000000, 'usec %d' % usec)
        check(incl <= snap and incl <= orig, 'caplen %d' % incl)
        check(off + 16 + incl <= len(data), 'truncated record at %d' % off)
        out.append((sec * 1000000 + usec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def csum_ok(data):
    """A correct Internet checksum makes the ones-complement sum 0xffff,
    i.e. the data, read as one number, is a multiple of 0xffff."""
    if len(data) & 1:
        data += b'\0'
    return int.from_bytes(data, 'big') % 0xffff == 0 and any(data)


def fletcher_ok(lsa):
    c0 = c1 = 0
    for x in lsa[2:]:
        c0 = (c0 + x) % 255
        c1 = (c1 + c0) % 255
    return c0 == 0 and c1 == 0


def l2(frame):
    """(vlan, src mac, ethertype, l3 offset)."""
    et = struct.unpack_from('!H', frame, 12)[0]
    if et == 0x8100:
        return (struct.unpack_from('!H', frame, 14)[0] & 0xfff, frame[6:12],
                struct.unpack_from('!H', frame, 16)[0], 18)
    return 0, frame[6:12], et, 14


def verify_frames(pkts, name, full=True):
    """Timestamps in order; IPv4, TCP, UDP, ICMP, OSPF and LSA checksums."""
    prev = 0
    bad = 0
    ospf = 0
    for ts, f in pkts:
        if ts < prev:
            bad += 1
        prev = ts
        if len(f) < 60:
            bad += 1
        vlan, src, et, o = l2(f)
        if et != 0x0800:
            continue
        ihl = (f[o] & 15) * 4
        tot = struct.unpack_from('!H', f, o + 2)[0]
        if not csum_ok(f[o:o + ihl]) or o + tot > len(f):
            bad += 1
            continue
        if not full:
            continue
        proto = f[o + 9]
        seg = f[o + ihl:o + tot]
        pseudo = f[o + 12:o + 20] + struct.pack('!BBH', 0, proto, len(seg))
        if proto in (6, 17) and not csum_ok(pseudo + seg):
            bad += 1
        elif proto == 1 and not csum_ok(seg):
            bad += 1
        elif proto == 89:
            ospf += 1
            if struct.unpack_from('!H', seg, 2)[0] != len(seg) or \
                    not csum_ok(seg):
                bad += 1
            typ = seg[1]
            if typ == 4:                        # LSU: check every LSA
                p = 28
                for _ in range(struct.unpack_from('!I', seg, 24)[0]):
                    ln = struct.unpack_from('!H', seg, p + 18)[0]
                    if not fletcher_ok(seg[p:p + ln]):
                        bad += 1
                    p += ln
    check(bad == 0, '%s: %d frames with bad order/length/checksum'
          % (name, bad))
    return ospf


def recount(pkts):
    raw = {}
    for _, f in pkts:
        k = f[6:12] + (f[14:16] if f[12:14] == b'\x81\x00' else b'')
        raw[k] = raw.get(k, 0) + 1
    hosts = {}
    for k, n in raw.items():
        vlan = (int.from_bytes(k[6:], 'big') & 0xfff) if len(k) > 6 else 0
        hosts[(vlan, ':'.join('%02x' % b for b in k[:6]))] = n
    return hosts


def verify_truth(pkts, t, name):
    check(t['packets'] == len(pkts), '%s: truth packets %d, file %d'
          % (name, t['packets'], len(pkts)))
    got = recount(pkts)
    want = {(h['vlan'], h['mac']): h['packets'] for h in t['hosts']}
    agg = t.get('random_mac_hosts')
    if agg:
        extra = {k: v for k, v in got.items() if k not in want}
        check(len(extra) == agg['count'] and
              sum(extra.values()) == agg['packets'],
              '%s: random-MAC hosts %d/%d, truth %s'
              % (name, len(extra), sum(extra.values()), agg))
        got = {k: v for k, v in got.items() if k in want}
    check(got == want, '%s: per-host recount differs from truth (%d vs %d '
          'hosts)' % (name, len(got), len(want)))


def ospf_hellos(pkts, mac):
    """[(ts_us, neighbor ids)] of the hellos sent from a MAC."""
    out = []
    for ts, f in pkts:
        vlan, src, et, o = l2(f)
        if et != 0x0800 or src != mac or f[o + 9] != 89:
            continue
        seg = f[o + (f[o] & 15) * 4:]
        if seg[1] != 1:
            continue
        ln = struct.unpack_from('!H', seg, 2)[0]
        nb = [seg[p:p + 4] for p in range(44, ln, 4)]
        out.append((ts, nb))
    return out


def verify_incident(pkts, t):
    s = t['start'] * 1000000
    us = lambda rel: s + int(round(rel * 1e6))      # noqa: E731
    r1 = bytes.fromhex('02000a000001')
    r2 = bytes.fromhex('02000a000002')
    cul = bytes.fromhex(t['culprit']['mac'].replace(':', ''))
    h1 = ospf_hellos(pkts, r1)
    h2 = ospf_hellos(pkts, r2)
    last = us(t['r1_last_hello_before_silence_rel'])
    rec = us(t['r1_recovery_hello_rel'])
    silent = [ts for ts, f in pkts if f[6:12] == r1 and last < ts < rec]
    check(not silent, 'incident: R1 sent %d frames while silent' % len(silent))
    check(any(ts == last for ts, _ in h1), 'incident: last R1 hello missing')
    check(rec - last > 20000000, 'incident: R1 silence too short')
    # late hellos: the truth's list is what the R1 hello gaps say
    late = []
    for (a, _), (b, _) in zip(h1, h1[1:]):
        if b - a > 1100000 and us(t['flood_onset_rel']) < b < \
                us(t['flood_end_rel']):
            late.append((b, b - a))
    want = [(us(g['ts_rel']), int(round(g['gap_s'] * 1e6)))
            for g in t['late_hellos']]
    check(late == want, 'incident: late hellos %s vs truth %s'
          % (late, want))
    check(len(late) >= 1 and 1250000 <= late[0][1] <= 1350000,
          'incident: first late gap not ~1.3 s')
    # steady before the flood: every gap 1 s +- 1 ms
    pre = [b - a for (a, _), (b, _) in zip(h1, h1[1:])
           if b < us(t['flood_onset_rel'])]
    check(pre and all(abs(g - 1000000) < 1000 for g in pre),
          'incident: pre-flood hello jitter')
    # R2 lists R1 up to the dead interval, not after it, until recovery
    down = us(t['adjacency_down_rel'])
    check(down == last + 4000000, 'incident: down != last hello + dead')
    r1id = bytes((10, 0, 0, 1))
    for ts, nb in h2:
        if last < ts < down:
            check(r1id in nb, 'incident: R2 dropped R1 early at %d' % ts)
        elif down < ts <= rec:
            check(r1id not in nb, 'incident: R2 still lists R1 at %d' % ts)
    # the flood: culprit to R1's MAC only between onset and end
    fl = [ts for ts, f in pkts if f[6:12] == cul and f[0:6] == r1]
    on, end = us(t['flood_onset_rel']), us(t['flood_end_rel'])
    inside = sum(1 for ts in fl if on <= ts < end)
    check(inside >= t['culprit']['flood_packets'],
          'incident: flood packets %d < %d' % (inside,
                                               t['culprit']['flood_packets']))
    before = sum(1 for ts in fl if ts < on)
    check(before < 30 * 5, 'incident: culprit not quiet before onset')
    # OSPF packet types seen: the full exchange twice
    kinds = {}
    for ts, f in pkts:
        vlan, src, et, o = l2(f)
        if et == 0x0800 and f[o + 9] == 89:
            k = f[o + (f[o] & 15) * 4 + 1]
            kinds[k] = kinds.get(k, 0) + 1
    check(all(kinds.get(k, 0) >= 2 for k in (1, 2, 3, 4, 5)),
          'incident: OSPF types %s' % kinds)


def verify_spoof(pkts, t, name):
    fl = t['flood']
    check(t['packets'] == 20000, '%s: --packets not honoured' % name)
    check(fl['packets'] + t['background_packets'] == t['packets'],
          '%s: flood + background != packets' % name)
    victim = bytes.fromhex(fl['victim']['mac'].replace(':', ''))
    syn = [(f[6:12], f[30:34]) for _, f in pkts
           if f[0:6] == victim and len(f) > 51 and f[51] == 0x02]
    check(len(syn) == fl['packets'], '%s: %d SYNs to the victim, truth %d'
          % (name, len(syn), fl['packets']))
    srcs = {ip for _, ip in syn}
    check(len(srcs) == fl['distinct_sources'], '%s: %d distinct sources, '
          'truth %d' % (name, len(srcs), fl['distinct_sources']))
    macs = {m for m, _ in syn}
    if fl['random_macs']:
        check(len(macs) == len(syn) and all(m[0] & 3 == 2 for m in macs),
              '%s: random MACs not distinct local unicast' % name)
    else:
        check(len(macs) == 1, '%s: flood from %d MACs' % (name, len(macs)))


def main():
    fsgen = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        runs = [
            ('lan', ['lan', '--duration', '10', '--seed', '7']),
            ('spoof', ['spoof', '--packets', '20000', '--sources', '5000',
                       '--seed', '7']),
            ('spoofr', ['spoof', '--packets', '20000', '--random-macs',
                        '--seed', '7']),
            ('mix', ['mix', '--packets', '25000', '--hosts', '120', '--seed', '7']),
        ]
        for name, args in runs:
            a, ta = gen(fsgen, d, name + '1', args)
            b, tb = gen(fsgen, d, name + '2', args)
            check(a == b, '%s: same seed gave different pcaps' % name)
            check(ta == tb, '%s: same seed gave different truth' % name)
            c, _ = gen(fsgen, d, name + '3', args[:-1] + ['8'])
            check(a != c, '%s: seeds 7 and 8 gave the same pcap' % name)
            pkts = read_pcap(a)
            verify_frames(pkts, name, full=(name == 'lan'))
            verify_truth(pkts, ta, name)
            if name.startswith('spoof'):
                verify_spoof(pkts, ta, name)
            if name == 'mix':
                check(ta['cycles'] >= 2, 'mix: fewer than 2 cycles')
            print('ok %s: %d packets' % (name, len(pkts)))
        data, t = gen(fsgen, d, 'incident', ['incident'])
        pkts = read_pcap(data)
        n = verify_frames(pkts, 'incident')
        check(n > 150, 'incident: only %d OSPF packets' % n)
        verify_truth(pkts, t, 'incident')
        verify_incident(pkts, t)
        print('ok incident: %d packets' % len(pkts))
    if FAILS:
        print('%d failures' % len(FAILS))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
