#!/usr/bin/env python3
"""Packet time against bad timestamps and capture gaps, on the generated
incident (issue 9, items 4 and 6):

- one packet copied 600 s, 1 h or 5 years ahead into the capture: the
  same alerts (rule, state, time, subject) as without it, the outlier
  counted;
- the capture's second half before its first: a clock_step event (a
  warning) and no flood, culprit or routing alert; the same for the
  sessions capture (BGP, BFD, VRRP forgotten at the seam);
- 3 s with no packet at all in the middle of steady traffic: a capture
  gap, the hellos that fell in it "not seen", no late hello, no adjacency
  loss, no culprit.

usage: test_time.py FLOODSPOT SRC_ROOT WORKDIR"""
import datetime
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_golden import capture  # noqa: E402

FS, SRC, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def read_pcap(path):
    """(header bytes, [(sec, usec, frame, orig_len)]) of a classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1", "little-endian microsecond pcap"
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack_from("<IIII", data, off)
        recs.append((sec, usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return data[:24], recs


def write_pcap(path, hdr, recs):
    with open(path, "wb") as f:
        f.write(hdr)
        for sec, usec, frame, orig in recs:
            f.write(struct.pack("<IIII", sec, usec, len(frame), orig))
            f.write(frame)


def replay(pcap):
    p = subprocess.run([FS, "-r", pcap, "--json", "--no-local-syslog",
                        "--seed", "1"], capture_output=True, text=True,
                       timeout=600)
    check(p.returncode == 0, f"{pcap}: exit {p.returncode}: {p.stderr[-800:]}")
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")], p.stderr


def alert_key(a):
    return (a["ts"], a["rule"], a["state"], a.get("mac"), a.get("router_id"))


pcap = capture(SRC, WORK, "incident", "1", [])
with open(pcap[:-5] + ".truth.json") as f:
    truth = json.load(f)
hdr, recs = read_pcap(pcap)
base, _ = replay(pcap)
want = [alert_key(e) for e in base if e["event"] == "alert"]
check(any(k[1] == "culprit" for k in want), "incident: no culprit to compare")

# --- one packet far ahead ---------------------------------------------------
onset = ts(truth["flood_onset_ts"])
mid = next(i for i, r in enumerate(recs) if r[0] + r[1] / 1e6 > onset + 3)
for name, ahead in (("600s", 600), ("1h", 3600), ("5y", 5 * 365 * 86400)):
    sec, usec, frame, orig = recs[mid]
    bad = recs[:mid + 1] + [(sec + ahead, usec, frame, orig)] + recs[mid + 1:]
    path = os.path.join(WORK, f"incident-ahead-{name}.pcap")
    write_pcap(path, hdr, bad)
    ev, err = replay(path)
    got = [alert_key(e) for e in ev if e["event"] == "alert"]
    check(got == want, f"ahead {name}: alerts differ:\n  got  {got}\n  want {want}")
    st = [e for e in ev if e["event"] == "stats"][-1]
    check(st["clock_outliers"] == 1, f"ahead {name}: outliers {st['clock_outliers']}")
    check(st["clock_steps"] == 0 and st["clock_jumps"] == 0,
          f"ahead {name}: steps {st['clock_steps']} jumps {st['clock_jumps']}")
    check(st["packets"] == len(bad), f"ahead {name}: {st['packets']} packets")
    check("1 timestamps out of line" in err, f"ahead {name}: no warning: {err[-300:]}")

# --- halves swapped ---------------------------------------------------------
half = len(recs) // 2
path = os.path.join(WORK, "incident-swapped.pcap")
# The first half of the incident is quiet (the flood starts later), so
# the second half, flood included, comes first.
write_pcap(path, hdr, recs[half:] + recs[:half])
ev, err = replay(path)
steps = [e for e in ev if e["event"] == "clock_step"]
check(len(steps) == 1 and steps[0]["by_ms"] < 0 and steps[0]["rebased"],
      f"swapped: clock steps {steps}")
check("clock: timestamps stepped" in err, f"swapped: no warning: {err[-500:]}")
alerts = [e for e in ev if e["event"] == "alert" and e["state"] == "raised"]
# The flood itself is real (it is in the first part now); what must not
# appear is anything made by the seam: a second flood, a routing symptom
# at the seam, a culprit for it.
seam = ts(steps[0]["ts"]) if steps else 0
at_seam = [a for a in alerts if abs(ts(a["ts"]) - seam) < 5]
check(not at_seam, f"swapped: alerts at the seam: {at_seam}")
late = [e for e in ev if e["event"] == "hello_late" and abs(ts(e["ts"]) - seam) < 5]
check(not late, f"swapped: hellos late at the seam: {late}")
downs = [e for e in ev if e["event"] == "ospf_adjacency" and e["to"] == "down"
         and abs(ts(e["ts"]) - seam) < 5]
check(not downs, f"swapped: adjacency lost at the seam: {downs}")
st = [e for e in ev if e["event"] == "stats"][-1]
check(st["packets"] == len(recs), f"swapped: {st['packets']} packets")

# --- the sessions capture's halves swapped ---------------------------------
# BGP, BFD and VRRP learned before the seam are forgotten there: nothing
# is told lost or late because of it (the real losses come 42 s on), and
# the VRRP group is seen anew, not as taken over by preemption.
spcap = capture(SRC, WORK, "sessions", "1", [])
shdr, srecs = read_pcap(spcap)
shalf = len(srecs) // 2
path = os.path.join(WORK, "sessions-swapped.pcap")
write_pcap(path, shdr, srecs[shalf:] + srecs[:shalf])
ev, err = replay(path)
steps = [e for e in ev if e["event"] == "clock_step"]
check(len(steps) == 1 and steps[0]["rebased"],
      f"sessions swapped: clock steps {steps}")
seam = ts(steps[0]["ts"]) if steps else 0
near = [e for e in ev if "ts" in e and 0 <= ts(e["ts"]) - seam < 30 and (
    (e["event"] == "session" and e["down"]) or e["event"] == "session_late" or
    (e["event"] == "fhrp_master" and e.get("cause") == "master_silent") or
    (e["event"] == "alert" and e["rule"] in (
        "bgp_session_down", "bfd_session_down", "vrrp_master_change")))]
check(not near, f"sessions swapped: losses made by the seam: {near[:3]}")
check(any(e["event"] == "session" and e["up"] for e in ev
          if "ts" in e and ts(e["ts"]) >= seam),
      "sessions swapped: no session learned again after the seam")
masters = [e for e in ev if e["event"] == "fhrp_master" and ts(e["ts"]) >= seam]
check(masters and masters[0]["cause"] == "first_seen",
      f"sessions swapped: the group after the seam not seen anew: {masters[:1]}")

# --- 3 s with no packet at all, before the flood ---------------------------
t_hole = onset - 15
hole = [r for r in recs if not (t_hole <= r[0] + r[1] / 1e6 < t_hole + 3)]
path = os.path.join(WORK, "incident-hole.pcap")
write_pcap(path, hdr, hole)
ev, err = replay(path)
gaps = [e for e in ev if e["event"] == "capture_gap"]
check(any(g["state"] == "closed" and g["reason"] == "silence" and
          abs(ts(g["end"]) - (t_hole + 3)) < 0.2 for g in gaps),
      f"hole: no capture gap ending at the hole's end: {gaps}")
unseen = [e for e in ev if e["event"] == "ospf_unseen"]
check(unseen, "hole: hellos in the hole not told unseen")
before = [e for e in ev if "ts" in e and t_hole - 1 <= ts(e["ts"]) < t_hole + 8]
bad = [e for e in before if e["event"] in ("hello_late", "alert") or
       (e["event"] == "ospf_adjacency" and e["to"] == "down")]
check(not bad, f"hole: routing symptoms from the hole: {bad}")
cul = [e for e in ev if e["event"] == "alert" and e["rule"] == "culprit" and
       e["state"] == "raised"]
check(cul and ts(cul[0]["ts"]) > onset, f"hole: culprit {cul[:1]}")

print(f"time: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
