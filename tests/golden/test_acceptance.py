#!/usr/bin/env python3
"""Acceptance on generated captures, against the generator's ground truth:
the incident's culprit is named within 2 s of its flood onset, the culprit
alert ties it to the lost adjacency, nothing else is alerted, the culprit
tops --top; the benign LAN gives no alert; spoofed floods alert once and
the table stays bounded.

usage: test_acceptance.py FLOODSPOT SRC_ROOT WORKDIR"""
import datetime
import json
import os
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


def replay(pcap, *opts):
    p = subprocess.run([FS, "-r", pcap, "--json", "--no-local-syslog",
                        "--seed", "1", *opts], capture_output=True, text=True,
                       timeout=600)
    check(p.returncode == 0, f"{pcap}: exit {p.returncode}: {p.stderr[-1000:]}")
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]


def scenario(name, seed, *gen_args):
    pcap = capture(SRC, WORK, name, str(seed), list(gen_args))
    with open(pcap[:-5] + ".truth.json") as f:
        return pcap, json.load(f)


# --- the incident -----------------------------------------------------------
pcap, truth = scenario("incident", 1)
ev = replay(pcap)
alerts = [e for e in ev if e["event"] == "alert"]
raised = [a for a in alerts if a["state"] == "raised"]
culprit = truth["culprit"]
onset = ts(truth["flood_onset_ts"])
down = ts(truth["adjacency_down_ts"])

naming = [a for a in raised if a.get("mac") == culprit["mac"]]
check(naming, "incident: no alert names the culprit MAC")
if naming:
    first = naming[0]
    check(ts(first["ts"]) - onset <= 2.0,
          f"incident: culprit first named {ts(first['ts']) - onset:.3f} s after onset")
    check(first.get("ip") == culprit["ip"], f"incident: alert IP {first.get('ip')}")
    check(first.get("vlan") == culprit["vlan"], f"incident: alert VLAN {first.get('vlan')}")

cul = [a for a in alerts if a["rule"] == "culprit" and a["state"] in ("raised", "active")]
check(cul, "incident: no culprit alert")
if cul:
    check(all(a.get("mac") == culprit["mac"] for a in cul),
          f"incident: culprit alert names {[a.get('mac') for a in cul]}")
    # Named by the time the adjacency has been down for 1 s, and tied to it.
    by_down = [a for a in cul if ts(a["ts"]) <= down + 1.0]
    check(by_down, "incident: culprit not named within 1 s of the adjacency loss")
    r1 = [r for r in truth["routers"] if r.get("starves") or r["router_id"] == "10.0.0.1"]
    check(any("10.0.0.1" in str(a.get("adjacencies", "")) for a in cul),
          f"incident: culprit alert does not name the suffering router: {cul}")

downs = [e for e in ev if e["event"] == "ospf_adjacency" and e["to"] == "down"]
check(downs and abs(ts(downs[0]["ts"]) - down) <= 1.0,
      f"incident: adjacency down at {downs and downs[0]['ts']}, truth {truth['adjacency_down_ts']}")
if downs:
    check({downs[0]["router_id"], downs[0]["neighbor_id"]} == {"10.0.0.1", "10.0.0.2"},
          f"incident: down names {downs[0]}")
fulls = [e for e in ev if e["event"] == "ospf_adjacency" and e["to"] == "full"]
check(len(fulls) >= 2 and ts(fulls[-1]["ts"]) > down,
      "incident: adjacency not full again after recovery")

# Nothing else: host alerts only for the culprit; routing alerts only for
# the routers of the incident.
others = [a for a in raised if "mac" in a and a["mac"] != culprit["mac"]
          and a.get("router_id") is None]
check(not others, f"incident: alerts for other hosts: {others}")

hosts = [e for e in ev if e["event"] == "host"]
check(hosts and hosts[0]["mac"] == culprit["mac"], "incident: culprit is not the top host")

p = subprocess.run([FS, "-r", pcap, "--top", "3", "--no-local-syslog"],
                   capture_output=True, text=True, timeout=120)
rows = [l for l in p.stdout.splitlines() if l.startswith("1 ")]
check(rows and culprit["mac"] in rows[0], f"incident: --top first row {rows}")

# --- benign LAN: zero alerts ------------------------------------------------
pcap, truth = scenario("lan", 1, "--duration", "60")
ev = replay(pcap)
alerts = [e for e in ev if e["event"] == "alert"]
check(not alerts, f"lan: {len(alerts)} alerts, first {alerts[:1]}")
hosts = {(e["vlan"], e["mac"]): e for e in ev if e["event"] == "host"}
for h in truth["hosts"]:
    got = hosts.get((h["vlan"], h["mac"]))
    check(got is not None and got["packets"] == h["packets"],
          f"lan: host {h['vlan']}/{h['mac']} {got and got['packets']} != {h['packets']}")

# --- spoofed flood behind one MAC: one alert, the MAC tracked ---------------
pcap, truth = scenario("spoof", 1, "--packets", "60000", "--sources", "30000",
                       "--rate", "20000")
ev = replay(pcap, "--capacity", "1024")
raised = [e for e in ev if e["event"] == "alert" and e["state"] == "raised"]
flooder = "02:00:0a:00:00:66"
mine = [a for a in raised if a.get("mac") == flooder]
check(len(mine) >= 1, "spoof: the flooding MAC is not alerted")
check(len({a["rule"] for a in mine}) == len(mine), f"spoof: repeated raises {mine}")
st = [e for e in ev if e["event"] == "stats"][-1]
check(st["hosts"] <= 1024, f"spoof: {st['hosts']} hosts in a 1024 table")

# --- random-MAC flood: the table stays bounded, the segment alerts ----------
pcap, truth = scenario("spoof", 2, "--packets", "60000", "--sources", "30000",
                       "--rate", "20000", "--random-macs")
ev = replay(pcap, "--capacity", "1024")
st = [e for e in ev if e["event"] == "stats"][-1]
check(st["hosts"] <= 1024 and st["hosts_evicted"] > 0,
      f"spoof-macs: hosts {st['hosts']} evicted {st['hosts_evicted']}")
raised = [e for e in ev if e["event"] == "alert" and e["state"] == "raised"]
seg = [a for a in raised if "new_macs" in a]
check(len(seg) == 1, f"spoof-macs: {len(seg)} new-MAC alerts")

print(f"acceptance: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
