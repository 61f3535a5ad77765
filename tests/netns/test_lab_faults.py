#!/usr/bin/env python3
"""Issue 9 acceptance: fault injection during a flood, in the lab.

Lab: bird2 routers R1 and R2 (hello 1, dead 4) Full on a bridge, a host H1
sending router-bound UDP to R1, and the monitor namespace where rrdcached
(unix socket), rsyslogd (TCP) and floodspot run with every output on:

    floodspot -i span0 --json --rules DIR --rrd-dir D --rrdcached unix:S
              --html H --syslog tcp://127.0.0.1:P --exec CMD

During the flood, one fault at a time:
  1. rrdcached killed (SIGKILL), restarted 3 s later;
  2. the syslog collector stopped, restarted 3 s later;
  3. the capture interface down for 3 s;
  4. SIGHUP with a broken rules file;
  5. SIGUSR1;
  6. SIGTERM.
floodspot survives 1-5 and reports each fault on stderr; exits 0 on 6
with final stats that account for every packet (decoded + truncated +
malformed = packets; packets + kernel drops = what span0 received) and
every alert (per sink: sent + dropped + queued = emitted); the routers
were never in trouble, so no routing alert (hello-late, adjacency-down,
route-flap, culprit) and no adjacency "down" is raised.

The routing check holds because a capture outage is a capture gap, marked
lossy, not missing hellos. Skips (77) where namespaces, bird,
rrdcached or rsyslogd are unavailable."""
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

R1, R2 = "1.1.1.1", "2.2.2.2"
DEAD = 4
PORT = 5514
ROUTING_KINDS = ("hello-late", "adjacency-down", "route-flap", "culprit")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)
    sys.stdout.flush()
    return cond


def wait_text(L, name, text, timeout, since=0):
    """True once text is in <dir>/name past offset since."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in L.read(name)[since:]:
            return True
        time.sleep(0.2)
    return False


def rx_packets(L):
    r = L.run("mon", ["cat", "/sys/class/net/span0/statistics/rx_packets"])
    return int(r.stdout.strip())


def start_cache(L, base, sock):
    if os.path.exists(sock):
        os.unlink(sock)
    p = L.spawn("mon", ["rrdcached", "-g", "-l", "unix:" + sock, "-b", base,
                        "-B", "-R", "-j", os.path.join(L.dir, "journal"),
                        "-p", os.path.join(L.dir, "rrdcached.pid"),
                        "-w", "5"], name="rrdcached")
    deadline = time.monotonic() + 10
    while not os.path.exists(sock):
        if p.poll() is not None or time.monotonic() > deadline:
            raise lab.LabError("rrdcached did not start")
        time.sleep(0.05)
    return p


def finish(L):
    print("---- floodspot.err (tail)\n" + L.read("floodspot.err")[-3000:])
    if not failures:
        print("ok")
        sys.exit(0)
    sys.exit(1)


def main():
    exe = os.environ.get("FS_FLOODSPOT")
    if not exe or not os.access(exe, os.X_OK):
        lab.skip("FS_FLOODSPOT not set (run through meson test)")
    reason = lab.skip_reason(need_bird=True, need=("rrdcached", "rsyslogd"))
    if reason:
        lab.skip(reason)

    with lab.Lab() as L:
        L.add_switch()
        L.add_router("r1", "10.0.0.1/24", R1, priority=10, dead=DEAD)
        L.add_router("r2", "10.0.0.2/24", R2, dead=DEAD)
        L.add_host("h1", "10.0.0.13/24")
        L.add_monitor("mon")
        L.start_bird("r1")
        L.start_bird("r2")
        if not L.wait_ospf_full("r1", R2, timeout=40):
            lab.skip("the lab's OSPF adjacency did not come up")

        rules = os.path.join(L.dir, "rules")
        shutil.copytree(os.environ["FS_RULES_SRC"], rules,
                        ignore=shutil.ignore_patterns("meson.build"))
        rrd, html = os.path.join(L.dir, "rrd"), os.path.join(L.dir, "html")
        os.makedirs(rrd)
        os.makedirs(os.path.join(L.dir, "journal"))
        sock = os.path.join(L.dir, "rrdcached.sock")
        cache = start_cache(L, rrd, sock)
        rs, syslog_out = L.start_rsyslog("mon", PORT)
        exec_log = os.path.join(L.dir, "exec.log")
        rx0 = rx_packets(L)
        fs = L.spawn_json("mon", [
            exe, "-i", "span0", "--json", "--rules", rules,
            "--rrd-dir", rrd, "--rrdcached", "unix:" + sock, "--html", html,
            "--syslog", "tcp://127.0.0.1:%d" % PORT,
            "--exec", 'echo "$FLOODSPOT_RULE $FLOODSPOT_STATE" >> ' +
            exec_log], "floodspot")
        time.sleep(1.5)
        if fs.proc.poll() is not None:
            check(False, "floodspot exited %s at start" % fs.proc.returncode)
            finish(L)
        flood = L.start_flood("h1", "10.0.0.1", pps=1500, seconds=45)
        _, ev = fs.wait_for(lambda e: e.get("event") == "alert" and
                            e.get("state") == "raised", 15)
        check(ev is not None, "no alert from the flood")

        def alive(what):
            return check(fs.proc.poll() is None, "%s killed floodspot "
                         "(exit %s)" % (what, fs.proc.returncode))

        # 1. rrdcached killed, then back.
        mark = len(L.read("floodspot.err"))
        os.kill(cache.pid, signal.SIGKILL)
        cache.wait(timeout=10)
        time.sleep(3)
        alive("rrdcached gone")
        check(wait_text(L, "floodspot.err", "rrdcached", 8, mark),
              "rrdcached gone: not reported")
        cache = start_cache(L, rrd, sock)
        check(wait_text(L, "floodspot.err", "connected again", 15, mark),
              "rrdcached back: not reported")
        print("1. rrdcached killed and restarted")

        # 2. The collector stopped, then back.
        mark = len(L.read("floodspot.err"))
        L.stop(rs)
        time.sleep(3)
        alive("collector gone")
        rs, _ = L.start_rsyslog("mon", PORT)
        check(wait_text(L, "floodspot.err", "remote syslog", 15, mark),
              "collector gone: not reported")
        check(wait_text(L, "floodspot.err", ": connected", 70, mark),
              "collector back: no reconnect reported")
        print("2. collector stopped and restarted")

        # 3. The capture interface down for 3 s.
        mark = len(fs.snapshot())
        L.run("mon", "ip link set dev span0 down")
        time.sleep(3)
        L.run("mon", "ip link set dev span0 up")
        _, ev = fs.wait_for(lambda e: e.get("event") == "link_change" and
                            e.get("ifname") == "span0" and
                            e.get("up") is False, 10, start=mark)
        check(ev is not None, "span0 down: not reported")
        time.sleep(2)
        alive("span0 down")
        print("3. span0 down for 3 s")

        # 4. SIGHUP with a broken rules file.
        with open(os.path.join(rules, "default.rules"), "a") as f:
            f.write("\nrule broken {\n  when host.nonsense_pps > 1\n}\n")
        mark = len(L.read("floodspot.err"))
        fs.proc.send_signal(signal.SIGHUP)
        check(wait_text(L, "floodspot.err", "stay in force", 5, mark),
              "broken rules: not reported")
        alive("SIGHUP with broken rules")
        print("4. SIGHUP with broken rules")

        # 5. SIGUSR1.
        st = L.stats(fs)
        check(st is not None, "SIGUSR1: no stats")
        alive("SIGUSR1")
        print("5. SIGUSR1")

        flood.wait(timeout=60)
        time.sleep(2)
        rx1 = rx_packets(L)
        # 6. SIGTERM: the end, within its bound.
        t0 = time.monotonic()
        fs.proc.send_signal(signal.SIGTERM)
        try:
            fs.proc.wait(timeout=20)
        except Exception:
            check(False, "no exit within 20 s of SIGTERM")
            finish(L)
        took = time.monotonic() - t0
        fs.wait_for(lambda e: False, 1)
        check(fs.proc.returncode == 0, "SIGTERM: exit %s" %
              fs.proc.returncode)
        check(took < 10, "SIGTERM took %.1f s" % took)
        finals = [e for e in fs.snapshot() if e.get("event") == "stats"]
        check(len(finals) == 2, "no final stats")
        if len(finals) == 2:
            fin = finals[-1]
            check(fin["decoded"] + fin["truncated"] + fin["malformed"] ==
                  fin["packets"], "packets do not balance: %s" % fin)
            seen = fin["packets"] + fin.get("capture_dropped", 0)
            check(abs(seen - (rx1 - rx0)) <= max(50, (rx1 - rx0) // 100),
                  "span0 received %d frames, floodspot counted %d + %d "
                  "dropped" % (rx1 - rx0, fin["packets"],
                               fin.get("capture_dropped", 0)))
            al = fin["alerts"]
            r = al["remote"]
            check(r["sent"] + r["dropped_queue_full"] +
                  r["dropped_send_error"] + r["dropped_exit"] +
                  r["queued"] == al["emitted"],
                  "remote alerts do not add up: %s" % al)
            x = al["exec"]
            states = [e.get("state") for e in fs.snapshot()
                      if e.get("event") == "alert"]
            runs = sum(1 for s in states if s in ("raised", "cleared"))
            check(x["spawned"] + x["dropped_busy"] + x["failed"] == runs,
                  "exec runs do not add up: %s, %d raised/cleared" % (
                      x, runs))
            print("6. final stats: %d packets, %d dropped; alerts %s" % (
                fin["packets"], fin.get("capture_dropped", 0), al))

        # The routers were never in trouble.
        events = fs.snapshot()
        bad = [e for e in events if e.get("event") == "alert" and
               e.get("kind") in ROUTING_KINDS]
        down = [e for e in events if e.get("event") == "ospf_adjacency" and
                e.get("to") == "down"]
        check(not bad, "routing: false routing alerts: %s" % bad[:3])
        check(not down, "routing: false adjacency losses: %s" % down[:3])
        check((L.ospf_neighbor_state("r1", R2) or "").startswith("Full"),
              "bird lost the adjacency itself")
        check("runtime error" not in L.read("floodspot.err"),
              "sanitizer report")
        finish(L)


if __name__ == "__main__":
    main()
