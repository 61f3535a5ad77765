#!/usr/bin/env python3
"""/metrics during a replay: floodspot -r with --metrics-linger keeps the
final figures up until they are scraped; they must equal the generator's
ground truth and the same run's JSON stats and alerts. The exposition is
checked by a strict parser (and promtool when installed); the agent name,
which may hold a quote and a backslash, is escaped. Also: other paths and
methods are refused, bad --metrics values are errors, a busy port is a
startup error.

usage: test_metrics_replay.py FLOODSPOT FS_GEN WORKDIR"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from checks import check, done  # noqa: E402
import promparse  # noqa: E402
import scrape  # noqa: E402
from promparse import value  # noqa: E402

FS, GEN = sys.argv[1], sys.argv[2]

# The parser can fail: each of these must be rejected.
for bad, why in (
        ('# TYPE a_total counter\na_total{x="\\q"} 1\n', "bad escape"),
        ('# TYPE a_total counter\na_total{x="a"b"} 1\n', "bare quote"),
        ('# TYPE a_total counter\na_total 1\na_total 2\n', "series twice"),
        ('# TYPE a counter\na 1\n', "counter without _total"),
        ('a 1\n', "sample before TYPE"),
        ('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n', "family split"),
        ('# TYPE a gauge\na 1', "no final newline"),
        ('# TYPE a gauge\na{1x="v"} 1\n', "bad label name")):
    try:
        promparse.parse(bad)
        check(False, "parser accepted: " + why)
    except ValueError:
        check(True, why)

with tempfile.TemporaryDirectory() as d:
    pcap, truth_path = os.path.join(d, "inc.pcap"), os.path.join(d, "inc.json")
    subprocess.run([sys.executable, GEN, "incident", "-o", pcap, "--truth",
                    truth_path, "-q"], check=True, timeout=300)
    truth = json.load(open(truth_path))
    out, err = os.path.join(d, "out.jsonl"), os.path.join(d, "err.txt")
    name = 'lab"1\\a'
    p = subprocess.Popen([FS, "-r", pcap, "--json", "--metrics", "127.0.0.1:0",
                          "--metrics-linger", "30", "--name", name],
                         stdout=open(out, "w"), stderr=open(err, "w"))
    try:
        port = scrape.wait_port(err, p)
        check(port, "no metrics port logged: " + open(err).read())
        # The replay runs on; its figures are final once the stats line
        # is out (the last second closed), and stay until scraped.
        end = time.monotonic() + 60
        while time.monotonic() < end and p.poll() is None:
            if '"event":"stats"' in open(out).read():
                break
            time.sleep(0.05)
        check(p.poll() is None, "floodspot did not linger for the scrape")
        # Refused requests do not count as the scrape it waits for.
        status, _, _ = scrape.get(port, "/nope")
        check(status == 404, "other path: %s" % status)
        status, _, _ = scrape.get(port, "/metrics", method="POST")
        check(status == 405, "POST: %s" % status)
        samples, body = scrape.scrape(port)
        verdict = scrape.promtool(body)
        if verdict is not None:
            check(verdict[0] == 0, "promtool check metrics: %s" % verdict[1])
        p.wait(timeout=10)
        check(p.returncode == 0, "exit %s after the scrape" % p.returncode)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    lines = [json.loads(l) for l in open(out) if l.startswith("{")]
    stats = [e for e in lines if e.get("event") == "stats"][-1]

    info = promparse.series(samples, "floodspot_info")
    check(len(info) == 1 and info[0][0].get("agent") == name and
          info[0][0].get("mode") == "replay", "info: %r" % info)
    check('agent="lab\\"1\\\\a"' in body, "agent label not escaped")

    # Against the generator's ground truth.
    check(value(samples, "floodspot_packets_total") == truth["packets"],
          "packets %s, truth %s" % (value(samples, "floodspot_packets_total"),
                                    truth["packets"]))
    check(value(samples, "floodspot_hosts_tracked") == truth["host_count"],
          "hosts tracked vs truth")
    check(value(samples, "floodspot_ospf_routers") == len(truth["routers"]),
          "routers vs truth")
    mix = truth["culprit"]["flood_mix"]
    cls = {l["class"]: v for l, v in
           promparse.series(samples, "floodspot_class_packets_total")}
    check(cls.get("ip_options") == mix["ip_options"],
          "ip_options %s, truth %s" % (cls.get("ip_options"), mix["ip_options"]))
    ospf = value(samples, "floodspot_ospf_packets_total")
    # TTL 1: the flood's UDP and every OSPF packet (sent with TTL 1).
    check(cls.get("ttl_le1") == mix["udp_ttl1"] + ospf,
          "ttl_le1 %s, truth %s + %s OSPF" % (cls.get("ttl_le1"), mix["udp_ttl1"], ospf))
    check(cls.get("to_router", 0) >= truth["culprit"]["flood_packets"],
          "to_router below the flood")
    check(sum(v for l, v in promparse.series(samples, "floodspot_decode_packets_total"))
          == truth["packets"], "decode statuses do not add up")

    # Against the same run's JSON.
    for key, metric in (("packets", "floodspot_packets_total"),
                        ("bytes", "floodspot_bytes_total"),
                        ("hosts", "floodspot_hosts_tracked"),
                        ("hosts_evicted", "floodspot_hosts_evicted_total"),
                        ("ospf_packets", "floodspot_ospf_packets_total"),
                        ("seconds", "floodspot_seconds_total")):
        check(value(samples, metric) == stats[key],
              "%s %s, JSON %s" % (metric, value(samples, metric), stats[key]))
    raised = {}
    for e in lines:
        if e.get("event") == "alert" and e.get("state") == "raised":
            raised[e["rule"]] = raised.get(e["rule"], 0) + 1
    got = {l["rule"]: v for l, v in
           promparse.series(samples, "floodspot_alerts_raised_total")}
    check(got == raised and raised.get("culprit") == 1,
          "alerts by rule %r, JSON %r" % (got, raised))
    adj = {l["state"]: v for l, v in
           promparse.series(samples, "floodspot_ospf_adjacencies")}
    check(adj.get("full") == 1 and sum(adj.values()) == 1,
          "adjacencies by state: %r" % adj)
    sus = promparse.series(samples, "floodspot_suspect_ctrl_pps")
    check(0 < len(sus) <= 10 and
          sorted(int(l["rank"]) for l, _ in sus) == list(range(1, len(sus) + 1)),
          "suspect ranks: %r" % sus)
    vals = [v for l, v in sorted(sus, key=lambda x: int(x[0]["rank"]))]
    check(vals == sorted(vals, reverse=True), "suspects not by rate: %r" % vals)

    # --metrics-top bounds the suspects whatever the traffic: spoofed
    # sources, thousands of hosts active in one second.
    spoof = os.path.join(d, "spoof.pcap")
    subprocess.run([sys.executable, GEN, "spoof", "-o", spoof, "-q", "--packets",
                    "20000", "--sources", "20000", "--rate", "20000",
                    "--random-macs"], check=True, timeout=300)
    err2 = os.path.join(d, "err2.txt")
    p = subprocess.Popen([FS, "-r", spoof, "--metrics", "127.0.0.1:0",
                          "--metrics-linger", "30", "--metrics-top", "3",
                          "--capacity", "1024"],
                         stdout=subprocess.DEVNULL, stderr=open(err2, "w"))
    try:
        port = scrape.wait_port(err2, p)
        time.sleep(0.5)
        # Until the final snapshot, a scrape answers with what is closed.
        samples2 = None
        end = time.monotonic() + 60
        while time.monotonic() < end and p.poll() is None:
            samples2, body2 = scrape.scrape(port)
            if value(samples2, "floodspot_packets_total") == 20000:
                break
            time.sleep(0.1)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(samples2 and value(samples2, "floodspot_packets_total") == 20000,
          "spoof: packets")
    check(samples2 and value(samples2, "floodspot_hosts_evicted_total") > 0,
          "spoof: no evictions counted")
    check(samples2 and len(promparse.series(samples2, "floodspot_suspect_ctrl_pps")) <= 3,
          "spoof: more suspects than --metrics-top")
    check(samples2 and len(samples2) < 200, "spoof: %d series" % len(samples2 or ()))

    # Bad values are errors that name the option; a busy port is a startup
    # error with a non-zero exit.
    for bad in ("1.2.3.4", "1.2.3.4:99999", "::1:9100", "[::1", "host.example:9100",
                "-5", ""):
        r = subprocess.run([FS, "-r", pcap, "--metrics", bad],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 2 and "--metrics" in r.stderr,
              "--metrics %r: %s %r" % (bad, r.returncode, r.stderr))
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    r = subprocess.run([FS, "-r", pcap, "--metrics",
                        "127.0.0.1:%d" % busy.getsockname()[1]],
                       capture_output=True, text=True, timeout=30)
    busy.close()
    check(r.returncode != 0 and "cannot listen" in r.stderr,
          "busy port: %s %r" % (r.returncode, r.stderr))


sys.exit(done("metrics-replay"))
