"""Command line: fs-gen SCENARIO -o out.pcap [--truth out.json] [options].
Same scenario, seed and options give byte-identical files; nothing depends
on wall-clock time (only the speed line on stderr does)."""

import argparse
import json
import os
import random
import sys
import time

from .link import Delivery, Mirror, MIRROR_KINDS, remap_truth
from .pcap import PcapOut, DEFAULT_START, iso_us
from .truth import HostCount
from .scenarios import (lan, incident, spoof, mix, busy_lan, incident_slow,
                        phase, arp_victims, rotation, sessions)

SCENARIOS = {
    'lan': lan,
    'incident': incident,
    'spoof': spoof,
    'mix': mix,
    'busy-lan': busy_lan,
    'incident-slow': incident_slow,
    'phase': phase,
    'arp-victims': arp_victims,
    'rotation': rotation,
    'sessions': sessions,
}
CLASSIC_VLAN = 10               # the primary VLAN of lan/incident/spoof/mix


def vid(text):
    v = int(text, 0)
    if not 0 <= v <= 4094:
        raise argparse.ArgumentTypeError('VLAN id must be 0..4094')
    return v


def svid(text):
    v = int(text, 0)
    if not 1 <= v <= 4094:
        raise argparse.ArgumentTypeError('S-VLAN id must be 1..4094')
    return v


def parser():
    ap = argparse.ArgumentParser(
        prog='fs-gen', description='deterministic floodspot test captures')
    ap.add_argument('scenario', choices=tuple(SCENARIOS))
    ap.add_argument('-o', '--output', required=True, help='pcap to write')
    ap.add_argument('--truth', help='ground-truth JSON to write')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--packets', type=int,
                    help='total packets (spoof: default 10,000,000; '
                    'mix: default 5,000,000)')
    ap.add_argument('--sources', type=int,
                    help='spoof: distinct source IPs (default: --packets)')
    ap.add_argument('--random-macs', action='store_true',
                    help='spoof: a different random source MAC per packet')
    ap.add_argument('--rate', type=int,
                    help='flood packets per second (spoof 100000, '
                    'incident-slow 200000, phase 3000, arp-victims 3000)')
    ap.add_argument('--flooder-every', type=int, metavar='K',
                    help='spoof --random-macs: every K-th flood packet '
                    'from the flooder\'s own MAC (the rest random)')
    ap.add_argument('--hosts', type=int,
                    help='hosts (mix and busy-lan: default 2000)')
    ap.add_argument('--vlans', type=int,
                    help='busy-lan: number of VLANs (default 4)')
    ap.add_argument('--duration', type=int,
                    help='seconds of traffic (lan 120, busy-lan 30)')
    ap.add_argument('--start', type=int, default=DEFAULT_START,
                    help='capture start, seconds since the epoch '
                    '(default 2026-01-15T10:00:00Z)')
    ap.add_argument('--hello', type=int, default=10,
                    help='OSPF hello interval of the new scenarios '
                    '(default 10)')
    ap.add_argument('--dead', type=int, default=40,
                    help='OSPF dead interval of the new scenarios '
                    '(default 40)')
    ap.add_argument('--backup-pps', type=int,
                    help='busy-lan: backup server data packets per second '
                    '(default 4000, 0: none)')
    ap.add_argument('--phase', type=float, default=0.0,
                    help='phase: where in its second the flood starts '
                    '(0.0..0.99)')
    ap.add_argument('--onset', type=float,
                    help='spoof: flood start in seconds (default 0.5); '
                    'phase, arp-victims, rotation: start second')
    ap.add_argument('--busy', action='store_true',
                    help='spoof: the busy-lan segment as background')
    ap.add_argument('--ipv6', action='store_true',
                    help='the IPv6 variant of the scenario (OSPFv3, ND '
                    'instead of ARP, IPv6 flood and sources)')
    ap.add_argument('--vlan', type=vid,
                    help='VLAN id of the scenario\'s segment (0: untagged); '
                    'busy-lan: the first of its VLANs')
    ap.add_argument('--qinq', type=svid, metavar='SVID',
                    help='an 802.1ad S-tag (TPID 0x88a8) on every frame')
    ap.add_argument('--mirror', choices=MIRROR_KINDS,
                    help='wrap every frame in a remote-mirror encapsulation')
    ap.add_argument('--mirror-src', default='192.0.2.10',
                    help='mirror source (IPv4, default 192.0.2.10)')
    ap.add_argument('--mirror-dst', default='192.0.2.20',
                    help='collector (IPv4, default 192.0.2.20)')
    ap.add_argument('--mirror-id', type=int, default=1,
                    help='ERSPAN session (0..1023), GRE key or VXLAN VNI '
                    '(default 1)')
    ap.add_argument('--mirror-vlan', choices=('frame', 'header'),
                    default='frame',
                    help='ERSPAN: keep the 802.1Q tag in the mirrored '
                    'frame (default) or move it into the ERSPAN header')
    ap.add_argument('--small', action='store_true',
                    help='mix: every frame cut to its headers (payload '
                    'dropped, lengths and checksums set again): '
                    'minimum-size frames for benchmarks')
    ap.add_argument('-q', '--quiet', action='store_true')
    return ap


def check_args(a, ap):
    mod = SCENARIOS[a.scenario]
    if a.ipv6 and not getattr(mod, 'IPV6', False):
        ap.error('--ipv6: no IPv6 variant of %s' % a.scenario)
    if a.mirror is not None:
        limit = 1023 if a.mirror.startswith('erspan') else \
            0xffffff if a.mirror == 'vxlan' else 0xffffffff
        if not 0 <= a.mirror_id <= limit:
            ap.error('--mirror-id must be 0..%d for %s' % (limit, a.mirror))
        for x in (a.mirror_src, a.mirror_dst):
            p = x.split('.')
            if len(p) != 4 or not all(y.isdigit() and int(y) < 256
                                      for y in p):
                ap.error('--mirror-src/--mirror-dst: %r is not an IPv4 '
                         'address' % x)
    if not 1 <= a.hello <= 65535 or not a.hello < a.dead <= 65535:
        ap.error('--hello 1..65535 and --dead above it')
    if a.flooder_every is not None and (a.scenario != 'spoof' or
                                        a.flooder_every < 1):
        ap.error('--flooder-every: spoof only, K >= 1')
    if a.small and a.scenario != 'mix':
        ap.error('--small: only for mix')
    if not 0.0 <= a.phase < 1.0:
        ap.error('--phase must be 0.0..0.99')


def delivery(a):
    remap = None
    if a.vlan is not None and not getattr(SCENARIOS[a.scenario],
                                          'NATIVE_VLAN', False):
        remap = (CLASSIC_VLAN, a.vlan)
    mirror = None
    if a.mirror is not None:
        mirror = Mirror(a.mirror, a.mirror_src, a.mirror_dst, a.mirror_id,
                        a.seed, a.mirror_vlan == 'header')
    if remap is None and a.qinq is None and mirror is None:
        return None
    return Delivery(remap, a.qinq, mirror)


def main(argv=None):
    ap = parser()
    a = ap.parse_args(argv)
    check_args(a, ap)
    rng = random.Random(a.seed)
    wall = time.monotonic()
    dl = delivery(a)
    out = PcapOut(a.output, dl)
    hc = HostCount()
    truth = {'scenario': a.scenario, 'seed': a.seed,
             'start': a.start, 'start_ts': iso_us(a.start * 1000000)}
    try:
        SCENARIOS[a.scenario].run(a, rng, out, hc, truth)
    except BaseException:
        out.close()
        os.unlink(a.output)
        raise
    out.close()
    truth['packets'] = out.packets
    truth['first_ts'] = iso_us(out.first_us) if out.first_us else None
    truth['last_ts'] = iso_us(out.last_us) if out.last_us else None
    truth['capture_duration_s'] = round(((out.last_us or 0) -
                                         (out.first_us or 0)) / 1e6, 6)
    if dl is not None and dl.remap is not None:
        remap_truth(truth, *dl.remap)
        hc.remap_vlan(*dl.remap)
    hosts = hc.truth()
    truth['host_count'] = len(hosts)
    truth['hosts'] = hosts
    if dl is not None:
        truth['delivery'] = dl.truth()
    if a.truth:
        with open(a.truth, 'w') as f:
            json.dump(truth, f, indent=1, sort_keys=True)
            f.write('\n')
    el = time.monotonic() - wall
    if not a.quiet:
        print('fs-gen: %s: %d packets, %d bytes in %.2f s (%.0f packets/s)'
              % (a.scenario, out.packets, out.bytes, el,
                 out.packets / el if el > 0 else 0), file=sys.stderr)
    return 0
