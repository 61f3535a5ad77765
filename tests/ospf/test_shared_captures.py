#!/usr/bin/env python3
"""Replays the shared third-party OSPF captures through ospf_replay and checks
the facts /work/shared/data/pcap/SOURCES.md lists for them: router ids,
intervals, DR/BDR, neighbor lists, and the frame at which each adjacency
state is first reached. Exit 77 (skipped) when the shared directory is absent.

usage: test_shared_captures.py OSPF_REPLAY SOURCE_ROOT
"""
import os
import re
import subprocess
import sys

EV_RE = re.compile(r'^frame=(\d+) t=\S+ ev=adj rid=(\S+) nbr=(\S+) vlan=(\d+) '
                   r'area=(\S+) from=(\S+) to=(\S+) reason="([^"]*)"$')


def shared_dir(source_root):
    d = os.environ.get('FS_SHARED_DIR')
    if not d:
        d = os.path.join(source_root, '..', 'shared')
    return os.path.join(d, 'data', 'pcap')


def replay(tool, path, extra=()):
    out = subprocess.run([tool, *extra, path], check=True,
                         capture_output=True, text=True).stdout
    adj, routers, pairs, stats = [], {}, {}, {}
    for line in out.splitlines():
        m = EV_RE.match(line)
        if m:
            adj.append(dict(frame=int(m[1]), pair=frozenset((m[2], m[3])),
                            frm=m[6], to=m[7], reason=m[8]))
        elif line.startswith('router '):
            kv = dict(f.split('=', 1) for f in line.split()[1:] if '=' in f)
            kv['nbrs'] = set(filter(None, kv['nbrs'].split(',')))
            routers[kv['rid']] = kv
        elif line.startswith('adj '):
            kv = dict(f.split('=', 1) for f in line.split()[1:])
            pairs[frozenset((kv['rid'], kv['nbr']))] = kv['state']
        elif line.startswith('stats '):
            stats = dict(f.split('=', 1) for f in line.split()[1:])
    return adj, routers, pairs, stats


def first(adj, a, b, state):
    for e in adj:
        if e['pair'] == frozenset((a, b)) and e['to'] == state:
            return e['frame']
    return None


# (file, replay options, {router id: expected fields}, [(a, b, state, frame)],
#  {pair: final state}, extra checks)
CASES = [
    ('packetlife-backup/OSPF_broadcast_adjacencies.cap', (), {
        '1.1.1.1': dict(ip='10.0.0.1', hello='10', dead='40', prio='1',
                        dr='10.0.0.3', bdr='10.0.0.2',
                        nbrs={'2.2.2.2', '3.3.3.3'}),
        '2.2.2.2': dict(ip='10.0.0.2', dr='10.0.0.3', bdr='10.0.0.2',
                        nbrs={'1.1.1.1', '3.3.3.3'}),
        '3.3.3.3': dict(ip='10.0.0.3', dr='10.0.0.3', bdr='10.0.0.2',
                        nbrs={'1.1.1.1', '2.2.2.2'}),
    }, [
        ('1.1.1.1', '2.2.2.2', '2-way', 5),
        ('1.1.1.1', '3.3.3.3', '2-way', 6),
        ('2.2.2.2', '3.3.3.3', '2-way', 6),
        ('1.1.1.1', '3.3.3.3', 'exstart', 13),
        ('1.1.1.1', '3.3.3.3', 'exchange', 18),
        ('1.1.1.1', '3.3.3.3', 'loading', 23),
        ('1.1.1.1', '3.3.3.3', 'full', 31),
        ('1.1.1.1', '2.2.2.2', 'exstart', 20),
        ('1.1.1.1', '2.2.2.2', 'exchange', 26),
        ('1.1.1.1', '2.2.2.2', 'loading', 33),
        ('1.1.1.1', '2.2.2.2', 'full', 39),
        # Not visible from R1's port: the DR's own network-LSA says so
        # (#41 carries a MaxAge flush of the old instance, #51 the new one).
        ('2.2.2.2', '3.3.3.3', 'full', 51),
    ], {('1.1.1.1', '2.2.2.2'): 'full', ('1.1.1.1', '3.3.3.3'): 'full',
        ('2.2.2.2', '3.3.3.3'): 'full'}, {'no_down': True}),

    ('tcpdump/OSPFv2_Capture_FINAL.pcapng', (), {
        '192.168.255.14': dict(ip='192.168.121.4', hello='10', dead='40',
                               prio='1', dr='192.168.121.4',
                               bdr='192.168.121.5',
                               nbrs={'192.168.255.11', '192.168.255.15'}),
        '192.168.255.15': dict(ip='192.168.121.5', dr='192.168.121.4',
                               bdr='192.168.121.5',
                               nbrs={'192.168.255.11', '192.168.255.14'}),
        '192.168.255.11': dict(ip='192.168.121.42', dr='192.168.121.4',
                               bdr='192.168.121.5',
                               nbrs={'192.168.255.14', '192.168.255.15'}),
    }, [
        ('192.168.255.11', '192.168.255.14', 'exstart', 3),
        ('192.168.255.11', '192.168.255.14', 'exchange', 5),
        ('192.168.255.11', '192.168.255.14', 'loading', 7),
        ('192.168.255.11', '192.168.255.14', 'full', 9),
        ('192.168.255.11', '192.168.255.15', 'exstart', 14),
        ('192.168.255.11', '192.168.255.15', 'exchange', 16),
        ('192.168.255.11', '192.168.255.15', 'loading', 18),
        ('192.168.255.11', '192.168.255.15', 'full', 20),
        ('192.168.255.14', '192.168.255.15', '2-way', 2),
        ('192.168.255.14', '192.168.255.15', 'full', 9),
    ], {}, {'no_down': True, 'malformed': '0', 'hello': '7', 'dbd': '10',
            'lsr': '2', 'lsu': '9', 'ack': '2'}),

    ('packetlife-backup/OSPF_NBMA_adjacencies.cap', (), {
        '192.168.1.1': dict(ip='10.0.0.1', hello='30', dead='120', prio='1',
                            dr='10.0.0.1', bdr='0.0.0.0',
                            nbrs={'192.168.2.1', '192.168.3.1',
                                  '192.168.4.1'}),
        '192.168.2.1': dict(prio='0', dr='10.0.0.1', bdr='0.0.0.0'),
        '192.168.3.1': dict(prio='0', dr='10.0.0.1', bdr='0.0.0.0'),
        '192.168.4.1': dict(prio='0', dr='10.0.0.1', bdr='0.0.0.0'),
    }, [
        ('192.168.1.1', '192.168.2.1', 'exstart', 7),
        ('192.168.1.1', '192.168.3.1', 'exstart', 8),
        ('192.168.1.1', '192.168.4.1', 'exstart', 10),
        ('192.168.1.1', '192.168.2.1', 'full', 43),
        ('192.168.1.1', '192.168.3.1', 'full', 32),
        ('192.168.1.1', '192.168.4.1', 'full', 46),
    ], {}, {'no_down': True, 'no_late': True}),

    ('tcpdump/OSPFv3_broadcast_adjacency.pcap', (), {
        '1.1.1.1': dict(ip='fe80::1', area='0.0.0.1', hello='10', dead='40',
                        dr='1.1.1.1', bdr='2.2.2.2', nbrs={'2.2.2.2'}),
        '2.2.2.2': dict(ip='fe80::2', area='0.0.0.1', dr='1.1.1.1',
                        bdr='2.2.2.2', nbrs={'1.1.1.1'}),
    }, [
        ('1.1.1.1', '2.2.2.2', 'init', 6),
        ('1.1.1.1', '2.2.2.2', 'exstart', 7),
        ('1.1.1.1', '2.2.2.2', 'exchange', 9),
        ('1.1.1.1', '2.2.2.2', 'loading', 12),
        ('1.1.1.1', '2.2.2.2', 'full', 17),
    ], {('1.1.1.1', '2.2.2.2'): 'full'}, {'no_down': True}),

    ('networklessons-labs/ospf-neighbor-adjacency-broadcast.pcap', (), {
        '192.168.12.1': dict(dr='192.168.12.1', bdr='192.168.12.2',
                             nbrs={'2.2.2.2'}),
        '2.2.2.2': dict(ip='192.168.12.2', dr='192.168.12.1',
                        bdr='192.168.12.2', nbrs={'192.168.12.1'}),
    }, [
        ('192.168.12.1', '2.2.2.2', '2-way', 2),
        # The initial DBD retransmitted at #5, #8, #10, #13 is no progress.
        ('192.168.12.1', '2.2.2.2', 'exstart', 4),
        ('192.168.12.1', '2.2.2.2', 'exchange', 14),
        ('192.168.12.1', '2.2.2.2', 'loading', 16),
        ('192.168.12.1', '2.2.2.2', 'full', 20),
    ], {}, {'no_down': True, 'events_per_pair': 6}),

    ('networklessons-labs/ospf-neighbor-adjacency-broadcast-two-routers.pcapng',
     (), {
        '1.1.1.1': dict(ip='192.168.12.1', dr='192.168.12.1',
                        bdr='192.168.12.2', nbrs={'2.2.2.2'}),
        '2.2.2.2': dict(ip='192.168.12.2', nbrs={'1.1.1.1'}),
    }, [
        ('1.1.1.1', '2.2.2.2', 'init', 3),
        # The DBD (#4) precedes 2.2.2.2's Hello listing 1.1.1.1 (#5).
        ('1.1.1.1', '2.2.2.2', 'exstart', 4),
        ('1.1.1.1', '2.2.2.2', 'exchange', 7),
        ('1.1.1.1', '2.2.2.2', 'loading', 9),
        ('1.1.1.1', '2.2.2.2', 'full', 13),
    ], {}, {'no_down': True}),

    ('networklessons-labs/ospf-point-to-point-neighbor-adjacency.pcapng', (), {
        '1.1.1.1': dict(dr='0.0.0.0', bdr='0.0.0.0', nbrs={'2.2.2.2'}),
        '2.2.2.2': dict(dr='0.0.0.0', bdr='0.0.0.0', nbrs={'1.1.1.1'}),
    }, [
        ('1.1.1.1', '2.2.2.2', 'exstart', 4),
        ('1.1.1.1', '2.2.2.2', 'exchange', 7),
        ('1.1.1.1', '2.2.2.2', 'full', 9),
    ], {}, {'no_down': True, 'never': [('1.1.1.1', '2.2.2.2', 'loading')]}),

    ('networklessons-labs/ospf-network-type-point-to-point.pcapng', (), {}, [
        ('1.1.1.1', '2.2.2.2', 'loading', 9),
        ('1.1.1.1', '2.2.2.2', 'full', 13),
    ], {}, {'no_down': True}),

    ('zeek-spicy-ospf/traces/ospf.cap', (), {
        '192.168.170.8': dict(area='0.0.0.1', dr='192.168.170.8',
                              bdr='192.168.170.2', nbrs={'192.168.170.3'}),
        # The old router id behind 192.168.170.2 ages out.
        '192.168.170.2': dict(ip='192.168.170.2'),
        '192.168.170.3': dict(ip='192.168.170.2', nbrs={'192.168.170.8'}),
    }, [
        ('192.168.170.3', '192.168.170.8', 'exstart', 10),
        ('192.168.170.3', '192.168.170.8', 'exchange', 12),
        # Exchange ends at #16 with requests implied by the DBDs (the LSRs
        # follow at #17/#18); the LSUs answering them are #19 and #20.
        ('192.168.170.3', '192.168.170.8', 'loading', 16),
        ('192.168.170.3', '192.168.170.8', 'full', 20),
    ], {('192.168.170.3', '192.168.170.8'): 'full'},
     {'never': [('192.168.170.2', '192.168.170.8', 'full')],
      'final_not': [('192.168.170.2', '192.168.170.8', 'full')]}),

    ('networklessons-labs/wireshark-ospfv3-esp.pcap', (), {}, [], {},
     {'no_down': True}),

    ('packetlife-backup/OSPF_with_MD5_auth.cap', (), {
        '10.0.0.1': dict(ip='10.0.0.1', dr='10.0.0.1', bdr='10.0.0.2',
                         nbrs={'10.0.0.2'}),
        '10.0.0.2': dict(ip='10.0.0.2', dr='10.0.0.1', bdr='10.0.0.2',
                         nbrs={'10.0.0.1'}),
    }, [
        ('10.0.0.1', '10.0.0.2', '2-way', 4),
        ('10.0.0.1', '10.0.0.2', 'exstart', 5),
        ('10.0.0.1', '10.0.0.2', 'exchange', 7),
        ('10.0.0.1', '10.0.0.2', 'loading', 9),
        ('10.0.0.1', '10.0.0.2', 'full', 15),
    ], {}, {'no_down': True, 'malformed': '0'}),

    ('packetlife-backup/OSPF_LSA_types.cap', (), {
        '4.4.4.4': dict(area='0.0.0.20', dr='10.0.20.2', bdr='10.0.20.1'),
        '5.5.5.5': dict(ip='10.0.20.2', dr='10.0.20.2', bdr='10.0.20.1'),
    }, [
        ('4.4.4.4', '5.5.5.5', '2-way', 6),
        ('4.4.4.4', '5.5.5.5', 'exstart', 7),
        ('4.4.4.4', '5.5.5.5', 'exchange', 8),
        ('4.4.4.4', '5.5.5.5', 'loading', 11),
        ('4.4.4.4', '5.5.5.5', 'full', 14),
    ], {}, {'no_down': True, 'malformed': '0'}),

    ('packetlife-backup/OSPF_type7_LSA.cap', (), {
        '2.2.2.2': dict(ip='10.0.10.2', dr='10.0.10.1', bdr='10.0.10.2'),
        '3.3.3.3': dict(ip='10.0.10.1', dr='10.0.10.1', bdr='10.0.10.2'),
    }, [
        ('2.2.2.2', '3.3.3.3', '2-way', 5),
        ('2.2.2.2', '3.3.3.3', 'exstart', 6),
        ('2.2.2.2', '3.3.3.3', 'full', 14),
    ], {}, {'no_down': True}),

    ('tcpdump/OSPFv3_with_AH.pcap', (), {
        '1.1.1.1': dict(dr='2.2.2.2', bdr='1.1.1.1', nbrs={'2.2.2.2'}),
        '2.2.2.2': dict(dr='2.2.2.2', bdr='1.1.1.1', nbrs={'1.1.1.1'}),
    }, [
        ('1.1.1.1', '2.2.2.2', '2-way', 4),
        ('1.1.1.1', '2.2.2.2', 'exstart', 8),
        ('1.1.1.1', '2.2.2.2', 'exchange', 14),
        ('1.1.1.1', '2.2.2.2', 'full', 23),
    ], {}, {'no_down': True, 'malformed': '0'}),

    ('networklessons-labs/wireshark-ospfv3-ah.pcap', (), {
        '1.1.1.1': dict(dr='2.2.2.2', bdr='1.1.1.1'),
        '2.2.2.2': dict(dr='2.2.2.2', bdr='1.1.1.1'),
    }, [
        ('1.1.1.1', '2.2.2.2', 'exstart', 8),
        ('1.1.1.1', '2.2.2.2', 'exchange', 12),
        ('1.1.1.1', '2.2.2.2', 'full', 17),
    ], {}, {'no_down': True}),

    # Frame Relay, unwrapped by the driver; the routers disagree on BDR.
    ('tcpdump/OSPFv3_NBMA_adjacencies.pcap', (), {
        '3.3.3.3': dict(prio='100', hello='30', dead='120', dr='3.3.3.3',
                        bdr='2.2.2.2', nbrs={'1.1.1.1', '2.2.2.2'}),
        '1.1.1.1': dict(dr='3.3.3.3', bdr='1.1.1.1'),
        '2.2.2.2': dict(dr='3.3.3.3', bdr='2.2.2.2'),
    }, [
        ('1.1.1.1', '3.3.3.3', 'exstart', 4),
        ('1.1.1.1', '3.3.3.3', 'exchange', 6),
        ('1.1.1.1', '3.3.3.3', 'full', 14),
        ('2.2.2.2', '3.3.3.3', 'exstart', 19),
        ('2.2.2.2', '3.3.3.3', 'exchange', 21),
        ('2.2.2.2', '3.3.3.3', 'full', 29),
    ], {}, {'no_down': True, 'no_late': True}),

    ('tcpdump/ospf3_auth.pcapng', (), {
        '10.10.10.2': dict(dr='10.10.10.1', bdr='10.10.10.2',
                           nbrs={'10.10.10.1'}),
    }, [], {}, {'malformed': '0', 'hello': '1'}),

    ('networklessons-labs/ospfv3-authentication-trailer-hello.pcapng', (), {
        '1.1.1.1': dict(dr='2.2.2.2', bdr='1.1.1.1', nbrs={'2.2.2.2'}),
    }, [], {}, {'malformed': '0', 'hello': '1'}),

    ('packetlife-backup/ospf simple password authentication.cap', (), {
        '192.168.103.1': dict(ip='10.0.0.2', area='0.0.0.1', nbrs=set()),
    }, [], {}, {'malformed': '0', 'hello': '7', 'no_late': True}),

    # One hub router id on three p2p subnets (DLCIs) of one link: each
    # link's neighbor list stands on its own, so no false drops.
    ('packetlife-backup/OSPF_point-to-point_adjacencies.cap', (), {
        '192.168.1.1': dict(dr='0.0.0.0', bdr='0.0.0.0',
                            nbrs={'192.168.2.1', '192.168.3.1',
                                  '192.168.4.1'}),
    }, [
        ('192.168.1.1', '192.168.2.1', 'exstart', 8),
        ('192.168.1.1', '192.168.2.1', 'exchange', 10),
        ('192.168.1.1', '192.168.2.1', 'loading', 12),
        ('192.168.1.1', '192.168.3.1', 'exstart', 22),
        ('192.168.1.1', '192.168.4.1', 'exstart', 38),
    ], {('192.168.1.1', '192.168.2.1'): 'full',
        ('192.168.1.1', '192.168.3.1'): 'full',
        ('192.168.1.1', '192.168.4.1'): 'full'},
     {'no_down': True, 'no_late': True, 'no_unlisted': True}),

    ('packetlife-backup/OSPF_multipoint_adjacencies.cap', (), {
        '192.168.1.1': dict(dr='0.0.0.0', bdr='0.0.0.0'),
    }, [
        ('192.168.1.1', '192.168.2.1', 'exstart', 24),
        ('192.168.1.1', '192.168.3.1', 'exstart', 25),
        ('192.168.1.1', '192.168.4.1', 'exstart', 28),
        ('192.168.1.1', '192.168.2.1', 'full', 57),
        ('192.168.1.1', '192.168.3.1', 'full', 52),
        ('192.168.1.1', '192.168.4.1', 'full', 60),
    ], {}, {'no_down': True, 'no_late': True, 'no_unlisted': True}),

    # Valid formation, then a corrupted LSU (#15): counted, no crash.
    ('tcpdump/ospf6_print_lshdr-oobr.pcap', (), {}, [
        ('1.1.1.1', '2.2.2.2', 'exstart', 7),
    ], {}, {'no_down': True}),
]


def check(tool, pcap_dir, case):
    name, opts, rexp, milestones, final, extra = case
    path = os.path.join(pcap_dir, name)
    adj, routers, pairs, stats = replay(tool, path, opts)
    errs = []
    for rid, fields in rexp.items():
        r = routers.get(rid)
        if r is None:
            errs.append(f'router {rid} missing')
            continue
        for k, v in fields.items():
            if r.get(k) != v:
                errs.append(f'router {rid} {k}={r.get(k)!r}, want {v!r}')
    for a, b, state, frame in milestones:
        got = first(adj, a, b, state)
        if got != frame:
            errs.append(f'{a}<->{b} {state} at #{got}, want #{frame}')
    for (a, b), state in final.items():
        got = pairs.get(frozenset((a, b)))
        if got != state:
            errs.append(f'{a}<->{b} final {got}, want {state}')
    if extra.get('no_late') and stats.get('late') != '0':
        errs.append(f'{stats.get("late")} hello_late events, want none')
    if extra.get('no_unlisted'):
        for e in adj:
            if e['reason'] == 'hello no longer lists neighbor':
                errs.append(f'false drop at #{e["frame"]}: {e}')
    if extra.get('no_down'):
        for e in adj:
            if e['to'] == 'down':
                errs.append(f'unexpected down at #{e["frame"]}: {e}')
    for a, b, state in extra.get('never', []):
        got = first(adj, a, b, state)
        if got is not None:
            errs.append(f'{a}<->{b} reached {state} at #{got}')
    for a, b, state in extra.get('final_not', []):
        if pairs.get(frozenset((a, b))) == state:
            errs.append(f'{a}<->{b} still {state} at the end')
    if 'events_per_pair' in extra:
        n = len(adj)
        if n != extra['events_per_pair']:
            errs.append(f'{n} adjacency events, want {extra["events_per_pair"]}')
    for k in ('malformed', 'hello', 'dbd', 'lsr', 'lsu', 'ack'):
        if k in extra and stats.get(k) != extra[k]:
            errs.append(f'stats {k}={stats.get(k)}, want {extra[k]}')
    return errs


def main():
    tool, source_root = sys.argv[1], sys.argv[2]
    pcap_dir = shared_dir(source_root)
    if not os.path.isdir(pcap_dir):
        print(f'SKIP: {pcap_dir} absent')
        return 77
    failed = 0
    for case in CASES:
        errs = check(tool, pcap_dir, case)
        status = 'ok' if not errs else 'FAIL'
        print(f'{status}: {case[0]}')
        for e in errs:
            print(f'    {e}')
        failed += bool(errs)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
