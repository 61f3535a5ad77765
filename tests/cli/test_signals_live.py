#!/usr/bin/env python3
"""Issue 9.1 and 9.2: each signal sent to a live daemon with every output
on (--json, --rrd-dir through a test-started rrdcached, --html, remote
syslog over TCP to a test-started collector, --exec, local syslog).

- SIGHUP reloads (a broken file keeps the running rules), SIGUSR1 dumps,
  the daemon stays up; SIGTERM and SIGINT flush, deliver, print the final
  stats and exit 0 (before: the writer or renderer thread took the signal
  and the process died with 129, 138, 143, 130).
- rrdcached killed under traffic does not kill floodspot (before: SIGPIPE,
  exit 141): it is reported, retried, and writes resume once it is back.
- The final stats account for every alert: per sink, sent + dropped +
  queued = emitted.
Needs root for the loopback capture: skipped (77) otherwise."""
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import livehelp as lh  # noqa: E402

FS = sys.argv[1]
check = lh.Checks("signals-live")

if os.geteuid() != 0:
    print("SKIP: live capture needs root")
    sys.exit(77)
for prog in ("rrdcached", "rrdtool"):
    if not shutil.which(prog):
        print("SKIP: %s not installed" % prog)
        sys.exit(77)


def alert_accounting(st):
    """Every emitted alert is sent, dropped or still queued, per sink."""
    al = st["alerts"]
    em = al["emitted"]
    r = al["remote"]
    remote = (r["sent"] + r["dropped_queue_full"] + r["dropped_send_error"]
              + r["dropped_exit"] + r["queued"])
    loc = al["local"]
    return (remote == em and loc["sent"] + loc["dropped"] == em,
            "emitted %d remote %s local %s" % (em, r, loc))


def start_all(tmp, tag):
    rrd = os.path.join(tmp, "rrd-" + tag)
    html = os.path.join(tmp, "html-" + tag)
    cache = lh.Rrdcached(os.path.join(tmp, "cache-" + tag), rrd)
    cache.start()
    coll = lh.Collector()
    coll.start()
    port = lh.free_port(lh.socket.SOCK_DGRAM)
    rules = os.path.join(tmp, "rules-" + tag)
    os.makedirs(rules)
    with open(os.path.join(rules, "test.rules"), "w") as f:
        f.write(lh.RULES)
    exec_log = os.path.join(tmp, "exec-%s.log" % tag)
    cmd = [FS, "-i", "lo", "--json", "--local-syslog", "--rules", rules,
           "--rrd-dir", rrd, "--rrdcached", cache.addr, "--html", html,
           "--name", "lo-" + tag,
           "--syslog", "tcp://127.0.0.1:%d" % coll.port,
           "--exec", 'echo "$FLOODSPOT_RULE $FLOODSPOT_STATE" >> ' + exec_log,
           "udp port %d" % port]
    d = lh.Daemon(cmd, tmp, "fs-" + tag)
    time.sleep(1.0)
    return d, cache, coll, port, rules, rrd, html, exec_log


with tempfile.TemporaryDirectory() as tmp:
    d, cache, coll, port, rules, rrd, html, exec_log = start_all(tmp, "a")
    try:
        check(d.alive(), "did not start: " + d.stderr())
        lh.send_udp(port, 300, 3.0)
        check(lh.wait_for(lambda: any(e.get("event") == "alert"
                                      for e in d.events()), 5),
              "no alert from 300 pps on lo")

        # SIGHUP, good rules: reloaded, still running.
        d.proc.send_signal(signal.SIGHUP)
        check(lh.wait_for(lambda: "rules loaded" in d.stderr(), 5),
              "SIGHUP: no reload: " + d.stderr())
        time.sleep(0.5)
        check(d.alive(), "SIGHUP killed it: exit %s" % d.proc.returncode)

        # SIGHUP, broken rules: the running rules stay, still running.
        with open(os.path.join(rules, "test.rules"), "a") as f:
            f.write("rule broken {\n  when host.nonsense_pps > 1\n}\n")
        d.proc.send_signal(signal.SIGHUP)
        check(lh.wait_for(lambda: "running rules stay" in d.stderr(), 5),
              "SIGHUP with a broken file: no message")
        check(d.alive(), "broken reload killed it")

        # SIGHUP with an empty rules file, then with a FIFO named *.rules
        # beside it: errors, the running rules stay, nothing waits.
        open(os.path.join(rules, "test.rules"), "w").close()
        d.proc.send_signal(signal.SIGHUP)
        check(lh.wait_for(lambda: "no rules" in d.stderr(), 5),
              "SIGHUP with an empty file: no error")
        with open(os.path.join(rules, "test.rules"), "w") as f:
            f.write(lh.RULES)
        os.mkfifo(os.path.join(rules, "zz.rules"))
        d.proc.send_signal(signal.SIGHUP)
        check(lh.wait_for(lambda: "zz.rules: a FIFO" in d.stderr(), 5),
              "SIGHUP with a FIFO: no error")
        os.unlink(os.path.join(rules, "zz.rules"))
        check(d.stderr().count("running rules stay") == 3,
              "bad reloads did not keep the running rules")

        # SIGUSR1: a dump with stats, still running.
        d.proc.send_signal(signal.SIGUSR1)
        check(lh.wait_for(lambda: len(d.stats()) == 1, 5),
              "SIGUSR1: no stats dump")
        time.sleep(0.5)
        check(d.alive(), "SIGUSR1 killed it: exit %s" % d.proc.returncode)

        # rrdcached killed under traffic: no SIGPIPE death, reported,
        # held; replayed in order and nothing lost once it is back.
        cache.kill()
        lh.send_udp(port, 200, 3.0)
        check(d.alive(), "rrdcached gone killed it: exit %s"
              % d.proc.returncode)
        check(lh.wait_for(lambda: "rrdcached" in d.stderr(), 8),
              "rrdcached gone: not reported")
        cache.start()
        # The client reconnects within 5 s; keep traffic coming meanwhile.
        lh.send_udp(port, 200, 7.0)
        d.proc.send_signal(signal.SIGUSR1)
        lh.wait_for(lambda: len(d.stats()) == 2, 5)
        st = d.stats()
        check(len(st) == 2 and st[1]["rrd"]["written"] >
              st[0]["rrd"]["written"] + 3 and st[1]["rrd"]["errors"] == 0
              and st[1]["rrd"]["retry_queued"] > 0
              and st[1]["rrd"]["replayed"] == st[1]["rrd"]["retry_queued"],
              "rrdcached back: writes did not resume: %s"
              % [s.get("rrd") for s in st])
        check(d.alive(), "rrdcached restart killed it")

        # SIGTERM: final flush, stats, exit 0, within a bound.
        t0 = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        try:
            d.proc.wait(timeout=15)
        except Exception:
            pass
        took = time.monotonic() - t0
        check(d.proc.returncode == 0, "SIGTERM: exit %s: %s"
              % (d.proc.returncode, d.stderr()[-2000:]))
        check(took < 10, "SIGTERM took %.1f s" % took)
        st = d.stats()
        check(len(st) == 3, "SIGTERM: no final stats (%d)" % len(st))
        err = d.stderr()
        check("exit on Terminated" in err, "no exit summary: " + err[-500:])
        if len(st) == 3:
            fin = st[2]
            ok, why = alert_accounting(fin)
            check(ok, "alerts not accounted: " + why)
            check(fin["alerts"]["remote"]["sent"] >= 1,
                  "collector got nothing: %s" % fin["alerts"])
            check(fin["rrd"]["dropped_exit"] == 0,
                  "rrd updates lost at exit: %s" % fin["rrd"])
        msgs = coll.messages()
        check(any("lo_flood" in m for m in msgs),
              "collector: no lo_flood alert in %d messages" % len(msgs))
        check(os.path.exists(os.path.join(rrd, "lo-a", "segment.rrd")),
              "no segment.rrd")
        check(os.path.exists(os.path.join(html, "index.html")),
              "no index.html")
        check(os.path.exists(exec_log) and "lo_flood raised" in
              open(exec_log).read(), "--exec did not run")
        check("runtime error" not in err, "sanitizer report")
    finally:
        d.kill()
        cache.stop()
        coll.stop()

    # SIGINT with the collector away: the same clean end, and the alerts
    # that could not be delivered are counted and said (before: dropped
    # without a word).
    d, cache, coll, port, rules, rrd, html, exec_log = start_all(tmp, "b")
    try:
        coll.stop()
        lh.send_udp(port, 300, 2.5)
        lh.wait_for(lambda: any(e.get("event") == "alert"
                                for e in d.events()), 5)
        d.proc.send_signal(signal.SIGINT)
        try:
            d.proc.wait(timeout=15)
        except Exception:
            pass
        check(d.proc.returncode == 0, "SIGINT: exit %s" % d.proc.returncode)
        st = d.stats()
        check(len(st) == 1 and st[0]["packets"] >= 700,
              "SIGINT: final stats %s" % st)
        err = d.stderr()
        check("exit on Interrupt" in err, "SIGINT: no summary")
        if st:
            r = st[0]["alerts"]["remote"]
            ok, why = alert_accounting(st[0])
            check(ok, "collector away: " + why)
            check(r["dropped_exit"] >= 1 and r["sent"] == 0,
                  "collector away: undelivered not counted: %s" % r)
            check("%d alerts not delivered at exit" % r["dropped_exit"] in err,
                  "collector away: not said on stderr: " + err[-800:])
    finally:
        d.kill()
        cache.stop()
        coll.stop()

# As a service runs it (User= with CAP_NET_RAW as an ambient capability):
# the capture works, and an --exec hook gets no capability at all (before:
# ambient capabilities survived its execve).
if shutil.which("setpriv"):
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        out = os.path.join(tmp, "hook")
        os.mkdir(out)
        os.chmod(out, 0o1777)
        rules = os.path.join(tmp, "rules")
        os.mkdir(rules)
        with open(os.path.join(rules, "test.rules"), "w") as f:
            f.write(lh.RULES)
        os.chmod(rules, 0o755)
        port = lh.free_port(lh.socket.SOCK_DGRAM)
        caps = os.path.join(out, "caps")
        d = lh.Daemon(["setpriv", "--reuid=nobody", "--regid=nogroup",
                       "--clear-groups", "--inh-caps=-all,+net_raw",
                       "--ambient-caps=-all,+net_raw", FS, "-i", "lo",
                       "--json", "--no-local-syslog", "--rules", rules,
                       "--exec", "grep ^Cap /proc/self/status > " + caps,
                       "udp port %d" % port], tmp, "fs-c")
        try:
            time.sleep(1.0)
            check(d.alive(), "as a service user: did not start: " +
                  d.stderr())
            lh.send_udp(port, 300, 2.5)
            check(lh.wait_for(lambda: os.path.exists(caps) and
                              os.path.getsize(caps) > 0, 8),
                  "as a service user: --exec did not run: " + d.stderr())
            if os.path.exists(caps):
                got = dict(l.split(":") for l in open(caps).read().split("\n")
                           if ":" in l)
                for k in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
                    check(int(got.get(k, "1").strip(), 16) == 0,
                          "--exec child has %s %s" % (k, got.get(k)))
            d.proc.send_signal(signal.SIGTERM)
            d.proc.wait(timeout=15)
            check(d.proc.returncode == 0, "as a service user: exit %s" %
                  d.proc.returncode)
        finally:
            d.kill()

check.exit()
