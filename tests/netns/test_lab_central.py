"""Issue 14 acceptance: many agents, one store, one collector.

Lab: three segments, each its own bridge, span port, monitor namespace
and traffic:
  A: bird2 routers RA1 (1.1.1.1) and RA2 (2.2.2.2), a bystander HA2 and
     the flooder HA1;
  B, C: two hosts each, one sending the other a steady stream.
A collector namespace "col", joined to each monitor by its own link (a
management network, never mirrored), runs one rrdcached (TCP, -B -R, a
journal) and one rsyslogd with imrelp and the per-agent files of
docs/CENTRAL.md, both with the test's own configuration. In each monitor:

    floodspot -i span0 --json --name segX/span0 --rrdcached COL:42217
              --syslog relp://COL:2514 --evidence DIR

The incident on A: HA1 floods RA1 (router-bound UDP); two seconds in,
RA1's bird is stopped past the dead interval. Faults during the flood:
rsyslogd stopped for 10 s (the culprit alert is raised while it is away)
and restarted; then rrdcached stopped for 10 s and restarted.

Asserts:
  a. every agent's files are under its name in the store (segX_span0/),
     and the RRD peaks are right: the flooder's host file and A's segment
     peak at the flood's rate, B's and C's segments at their streams';
  b. no RRD second lost: in every agent's segment.rrd each second from
     the first update to the last holds a value, across the rrdcached
     outage too, and the seconds add up to the packets the agent counted;
     the stats say how many updates were held and replayed, none dropped;
  c. the culprit alert reached rsyslog over RELP, in A's file, naming the
     agent and the flooder's MAC; no alert lost: every alert each agent
     emitted (rule, state, subject) is in its file at the collector;
  d. floodspot-central, run in the collector namespace against the
     daemon and rsyslog's files, shows A with an active flood, its
     culprit and the adjacency that suffered, and B and C without one.
Stops only what it started (by PID); deletes only its namespaces.
FS_FLOOD_PPS lowers the flood rate on a slow machine (default 5000)."""
import collections
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import central_conf  # noqa: E402

RA1, RA2 = "1.1.1.1", "2.2.2.2"
DEAD = 4
FLOOD_S = 40
OUTAGE_S = 10
RRD_PORT, RELP_PORT = 42217, 2514
SEGS = {"A": ("10.1.0", "10.9.1"), "B": ("10.2.0", "10.9.2"),
        "C": ("10.3.0", "10.9.3")}
STREAM_PPS = {"B": 300, "C": 150}


def fail(msg, L=None):
    print("FAIL: " + msg)
    if L:
        for f in ("agent-A.err", "agent-B.err", "agent-C.err",
                  "rrdcached.err", "rsyslogd.err", "ra1.log",
                  "flood-ha1.out"):
            print("---- %s\n%s" % (f, L.read(f)[-3000:]))
    sys.exit(1)


def rsyslog_conf(L):
    """docs/CENTRAL.md's configuration, the paths the test's."""
    agents = os.path.join(L.dir, "agents")
    conf = central_conf.rsyslog_conf(
        os.path.join(L.dir, "rsyslog-central.conf"),
        os.path.join(L.dir, "rsyslog.work"), RELP_PORT, agents)
    return conf, agents


def wait_port(L, node, port, proc, what):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail("%s exited %s at start" % (what, proc.returncode), L)
        ss = L.run(node, ["ss", "-Hlnt"], check=False).stdout
        if ":%d " % port in ss:
            return
        time.sleep(0.1)
    fail("%s did not listen on %d" % (what, port), L)


def start_rrdcached(L, base):
    err = open(os.path.join(L.dir, "rrdcached.err"), "a")
    p = L.spawn("col", ["rrdcached", "-g", "-l", "0.0.0.0:%d" % RRD_PORT,
                        "-b", base, "-B", "-R", "-j",
                        os.path.join(L.dir, "journal"), "-p",
                        os.path.join(L.dir, "rrdcached.pid"), "-w", "5"],
                name="rrdcached", stdout=err, stderr=err)
    wait_port(L, "col", RRD_PORT, p, "rrdcached")
    return p


def start_rsyslog(L, conf):
    err = open(os.path.join(L.dir, "rsyslogd.err"), "a")
    p = L.spawn("col", ["rsyslogd", "-n", "-f", conf, "-i",
                        os.path.join(L.dir, "rsyslogd-central.pid")],
                name="rsyslogd", stdout=err, stderr=err)
    wait_port(L, "col", RELP_PORT, p, "rsyslogd")
    return p


def fetch(L, daemon, path, start, end):
    """(names, {t: [values]}) of an RRD file through the daemon, run in
    the collector namespace."""
    r = L.run("col", ["rrdtool", "fetch", path, "AVERAGE", "-r", "1", "-s",
                      str(start), "-e", str(end), "--daemon", daemon])
    lines = r.stdout.splitlines()
    rows = {}
    for line in lines[1:]:
        if ":" in line:
            t, v = line.split(":", 1)
            rows[int(t)] = [float(x) for x in v.split()]
    return lines[0].split(), rows


def kv(line, key):
    m = re.search(r'(?:^| )%s=("(?:[^"\\]|\\.)*"|\S+)' % key, line)
    return m.group(1).strip('"') if m else None


def main():
    exe = os.environ.get("FS_FLOODSPOT")
    central = os.environ.get("FS_CENTRAL")
    if not exe or not central:
        lab.skip("FS_FLOODSPOT/FS_CENTRAL not set (run through meson test)")
    reason = lab.skip_reason(need_bird=True,
                             need=["rsyslogd", "rrdcached", "rrdtool", "ss"])
    if reason:
        lab.skip(reason)
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/rsyslog/imrelp.so"):
        lab.skip("rsyslog's imrelp module not installed (rsyslog-relp)")
    pps = int(os.environ.get("FS_FLOOD_PPS", "5000"))
    rules = os.environ.get("FS_RULES_SRC")

    with lab.Lab() as L:
        for seg, (net, _) in SEGS.items():
            L.add_switch("sw" + seg.lower())
            if seg == "A":
                L.add_router("ra1", net + ".1/24", RA1, stubs=["10.11.1.0/24"],
                             priority=10, dead=DEAD)
                L.add_router("ra2", net + ".2/24", RA2, stubs=["10.12.1.0/24"],
                             dead=DEAD)
                ha1 = L.add_host("ha1", net + ".13/24")
                L.add_host("ha2", net + ".14/24")
            else:
                L.add_host("h%s1" % seg.lower(), net + ".11/24")
                L.add_host("h%s2" % seg.lower(), net + ".12/24")
            L.add_monitor("mon" + seg.lower())
        L.add_node("col")
        for seg, (_, mg) in SEGS.items():
            L.link("mon" + seg.lower(), "mg0", mg + ".2/24", "col",
                   "mg" + seg.lower(), mg + ".1/24")
        base = os.path.join(L.dir, "central")
        os.makedirs(base)
        os.makedirs(os.path.join(L.dir, "journal"))
        cache = start_rrdcached(L, base)
        conf, agents_dir = rsyslog_conf(L)
        rs = start_rsyslog(L, conf)

        agents = {}
        for seg, (_, mg) in SEGS.items():
            cmd = [exe, "-i", "span0", "--json", "--no-local-syslog",
                   "--name", "seg%s/span0" % seg,
                   "--rrdcached", "%s.1:%d" % (mg, RRD_PORT),
                   "--syslog", "relp://%s.1:%d" % (mg, RELP_PORT),
                   "--evidence", os.path.join(L.dir, "evidence-" + seg)]
            if rules:
                cmd += ["--rules", rules]
            agents[seg] = L.spawn_json("mon" + seg.lower(), cmd,
                                       "agent-" + seg)
        time.sleep(1.5)
        for seg, fs in agents.items():
            if fs.proc.poll() is not None:
                fail("agent %s exited %s at start" % (seg, fs.proc.returncode),
                     L)
        t_start = int(time.time())
        L.start_bird("ra1")
        L.start_bird("ra2")
        L.start_flood("ha2", L.nodes["ra1"]["ip"], pps=5, seconds=60)
        L.start_flood("hb1", L.nodes["hb2"]["ip"], pps=STREAM_PPS["B"],
                      seconds=60)
        L.start_flood("hc1", L.nodes["hc2"]["ip"], pps=STREAM_PPS["C"],
                      seconds=60)
        A = agents["A"]
        _, ev = A.wait_for(lambda e: e.get("event") == "ospf_adjacency" and
                           e.get("to") == "full", 45)
        if ev is None:
            fail("no adjacency to full on segment A", L)
        time.sleep(3)

        # The incident, and the faults.
        mark = len(A.snapshot())
        flood = L.start_flood("ha1", L.nodes["ra1"]["ip"], pps=pps,
                              seconds=FLOOD_S)
        time.sleep(1)
        L.stop(rs)                              # collector away 10 s
        t_rs = time.monotonic()
        time.sleep(1)
        L.signal("ra1", signal.SIGSTOP)         # past the dead interval
        _, culprit = A.wait_for(lambda e: e.get("event") == "alert" and
                                e.get("rule") == "culprit" and
                                e.get("mac") == ha1["mac"], 15, start=mark)
        L.signal("ra1", signal.SIGCONT)
        if culprit is None:
            fail("agent A raised no culprit alert naming %s" % ha1["mac"], L)
        print("culprit (collector away): %s %s adjacencies=%s" % (
            culprit["ts"], culprit["mac"], culprit.get("adjacencies")))
        time.sleep(max(0, OUTAGE_S - (time.monotonic() - t_rs)))
        rs = start_rsyslog(L, conf)
        print("rsyslogd back after %.1f s" % (time.monotonic() - t_rs))
        time.sleep(2)
        L.stop(cache)                           # store away 10 s
        t_rc = time.monotonic()
        time.sleep(OUTAGE_S)
        cache = start_rrdcached(L, base)
        print("rrdcached back after %.1f s" % (time.monotonic() - t_rc))

        # (d) the central view while the flood is on.
        line = L.wait_file_match(os.path.join(agents_dir, "segA_span0.log"),
                                 r"culprit .*mac=%s" % ha1["mac"], 15)
        if line is None:
            fail("(c) no culprit line for %s in %s" % (
                ha1["mac"], os.path.join(agents_dir, "segA_span0.log")), L)
        out = os.path.join(L.dir, "overview")
        r = L.run("col", [central, "--daemon", "127.0.0.1:%d" % RRD_PORT,
                          "-o", out, "--alerts", agents_dir, "--window",
                          "120", "--summary"], check=False, timeout=60)
        if r.returncode != 0:
            fail("floodspot-central: %s %s" % (r.stdout, r.stderr), L)
        summary = {kv(l, "agent"): l for l in r.stdout.splitlines()}
        print(r.stdout.strip())
        sa = summary.get("segA_span0", "")
        if (kv(sa, "flood") != "yes" or kv(sa, "culprit") != ha1["mac"] or
                RA1 not in (kv(sa, "adjacencies") or "")):
            fail("(d) overview of A: %r" % sa, L)
        for seg in ("B", "C"):
            s = summary.get("seg%s_span0" % seg, "")
            if kv(s, "flood") != "no" or kv(s, "running") != "yes":
                fail("(d) overview of %s: %r" % (seg, s), L)
        with open(os.path.join(out, "index.html")) as f:
            page = f.read()
        if "agents/segA_span0.html" not in page or ha1["mac"] not in page:
            fail("(d) index.html lacks A's link or culprit", L)
        print("(d) overview: A flooded by %s, B and C quiet" % ha1["mac"])

        flood.wait(timeout=FLOOD_S + 10)
        time.sleep(3)
        finals = {}
        for seg, fs in agents.items():
            n = len(fs.snapshot())
            fs.proc.send_signal(signal.SIGTERM)
            try:
                fs.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                fail("agent %s did not stop" % seg, L)
            if fs.proc.returncode != 0:
                fail("agent %s exit %s" % (seg, fs.proc.returncode), L)
            _, st = fs.wait_for(lambda e: e.get("event") == "stats", 5,
                                start=n)
            finals[seg] = st
        t_end = int(time.time())
        daemon = "127.0.0.1:%d" % RRD_PORT

        # (a) files under each agent's name; (b) no second lost.
        for seg, st in finals.items():
            d = "seg%s_span0" % seg
            for f in ("agent.rrd", "segment.rrd", "hosts"):
                if not os.path.exists(os.path.join(base, d, f)):
                    fail("(a) %s/%s missing: %s" % (d, f, os.listdir(base)), L)
            rrd = st["rrd"]
            print("%s rrd: %s" % (seg, {k: rrd[k] for k in (
                "queued", "written", "retry_queued", "replayed",
                "dropped_retry", "errors", "dropped_exit", "dropped_full",
                "daemon_outages")}))
            if not (rrd["retry_queued"] > 0 and rrd["daemon_outages"] >= 1
                    and rrd["replayed"] == rrd["retry_queued"] and
                    rrd["dropped_retry"] == 0 and rrd["errors"] == 0 and
                    rrd["dropped_exit"] == 0 and rrd["dropped_full"] == 0):
                fail("(b) agent %s: updates lost or not replayed: %s"
                     % (seg, rrd), L)
            _, rows = fetch(L, daemon, d + "/segment.rrd", t_start - 5,
                            t_end + 2)
            have = sorted(t for t, v in rows.items() if v[0] == v[0])
            span = [t for t in rows if have[1] <= t <= have[-1]]
            lost = [t for t in span if rows[t][0] != rows[t][0]]
            if lost:
                fail("(b) %s: seconds lost in segment.rrd: %s" % (seg, lost), L)
            total = sum(rows[t][0] for t in have)
            if abs(total - st["packets"]) > 0.01 * st["packets"] + 50:
                fail("(b) %s: segment.rrd adds up to %.0f packets, the agent "
                     "counted %d" % (seg, total, st["packets"]), L)
            peak = max(rows[t][0] for t in have)
            want = pps if seg == "A" else STREAM_PPS[seg]
            if not 0.8 * want <= peak <= 1.3 * want + 50:
                fail("(a) %s: segment peak %.0f pps, want about %d"
                     % (seg, peak, want), L)
            print("(a)(b) %s: %d s, no second lost, %.0f packets (agent: %d), "
                  "peak %.0f pps" % (seg, len(span), total, st["packets"], peak))
        hfile = "segA_span0/hosts/0-%s.rrd" % ha1["mac"].replace(":", "-")
        _, rows = fetch(L, daemon, hfile, t_start, t_end)
        peak = max((v[0] for v in rows.values() if v[0] == v[0]), default=0)
        if not 0.8 * pps <= peak <= 1.2 * pps:
            fail("(a) flooder's host file peaks at %.0f pps, flood %d"
                 % (peak, pps), L)
        print("(a) flooder's file %s: peak %.0f pps" % (hfile, peak))

        # (c) every alert emitted reached the collector, in its file.
        for seg, fs in agents.items():
            emitted = collections.Counter(
                (e["rule"], e["state"]) for e in fs.snapshot()
                if e.get("event") == "alert")
            path = os.path.join(agents_dir, "seg%s_span0.log" % seg)
            got = collections.Counter()
            if os.path.exists(path):
                with open(path) as f:
                    for ln in f:
                        if kv(ln, "agent") == "seg%s/span0" % seg:
                            got[(kv(ln, "rule"), kv(ln, "state"))] += 1
            missing = {k: n - got[k] for k, n in emitted.items() if got[k] < n}
            al = finals[seg]["alerts"]
            if missing:
                fail("(c) %s: alerts lost on the way: %s (remote stats %s)"
                     % (seg, missing, al.get("remote")), L)
            print("(c) %s: %d alerts emitted, all at the collector; remote %s"
                  % (seg, sum(emitted.values()), al.get("remote")))
        with open(os.path.join(agents_dir, "segA_span0.log")) as f:
            text = f.read()
        if not re.search(r"culprit .*agent=segA/span0 .*mac=%s" % ha1["mac"],
                         text):
            fail("(c) A's culprit line lacks the agent or the host", L)
        print("PASS")


if __name__ == "__main__":
    main()
