"""Command line: fs-gen SCENARIO -o out.pcap [--truth out.json] [options].
Same scenario, seed and options give byte-identical files; nothing depends
on wall-clock time (only the speed line on stderr does)."""

import argparse
import json
import random
import sys
import time

from .pcap import PcapOut, DEFAULT_START, iso_us
from .truth import HostCount
from .scenarios import lan, incident, spoof, mix

SCENARIOS = {
    'lan': lan,
    'incident': incident,
    'spoof': spoof,
    'mix': mix,
}


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
    ap.add_argument('--rate', type=int, default=100000,
                    help='spoof: flood packets per second (default 100000)')
    ap.add_argument('--hosts', type=int,
                    help='mix: number of hosts (default 2000)')
    ap.add_argument('--duration', type=int,
                    help='lan: seconds of traffic (default 120)')
    ap.add_argument('--start', type=int, default=DEFAULT_START,
                    help='capture start, seconds since the epoch '
                    '(default 2026-01-15T10:00:00Z)')
    ap.add_argument('-q', '--quiet', action='store_true')
    return ap


def main(argv=None):
    a = parser().parse_args(argv)
    rng = random.Random(a.seed)
    wall = time.monotonic()
    out = PcapOut(a.output)
    hc = HostCount()
    truth = {'scenario': a.scenario, 'seed': a.seed,
             'start': a.start, 'start_ts': iso_us(a.start * 1000000)}
    SCENARIOS[a.scenario].run(a, rng, out, hc, truth)
    out.close()
    truth['packets'] = out.packets
    truth['first_ts'] = iso_us(out.first_us) if out.first_us else None
    truth['last_ts'] = iso_us(out.last_us) if out.last_us else None
    truth['capture_duration_s'] = round(((out.last_us or 0) -
                                         (out.first_us or 0)) / 1e6, 6)
    hosts = hc.truth()
    truth['host_count'] = len(hosts)
    truth['hosts'] = hosts
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
