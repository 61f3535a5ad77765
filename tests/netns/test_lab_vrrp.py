#!/usr/bin/env python3
"""Issue 13 acceptance with a real VRRP speaker: keepalived (VRRPv2,
advert 1 s) on routers R1 (10.0.0.1, priority 150, master) and R2
(10.0.0.2, priority 100) sharing 10.0.0.254 as group 7, a host H1
flooding R1, and R1's VRRP process starved (SIGSTOP) for 6 s: R2's
master-down timer (3 adverts + skew, 3.6 s) runs out and R2 takes over.

Asserts, from floodspot's JSON lines (-i span0 --json):
  a. R1 told master of group 7 first (fhrp_master, first seen);
  b. R1's first late advert (session_late, what advert);
  c. the change of master to R2 with cause master_silent, R1 silent for
     the master-down interval (3 s to 4.5 s), not unseen;
  d. a vrrp_master_change alert naming the group, and a culprit alert
     naming H1 whose sessions list the group, in the slice of the change
     (raised then, or re-sent as active);
  e. once R1 runs again it takes the group back (it preempts).
Skips (77) where namespaces or keepalived are unavailable."""
import datetime
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

FLOOD_S = 20
STOP_S = 6.0
GROUP, VIP = 7, "10.0.0.254"
R1_IP, R2_IP = "10.0.0.1", "10.0.0.2"


def fail(msg, L=None):
    lab.fail(msg, L, show=(("floodspot.out", "vrrp"),
                           ("keepalived-r1.log", None),
                           ("keepalived-r2.log", None)))


def ts_s(ts):
    return datetime.datetime.fromisoformat(
        ts.replace("Z", "+00:00")).timestamp()


def keepalived_conf(L, name, prio):
    """Writes <dir>/keepalived-<name>.conf: one VRRPv2 instance on eth0."""
    path = os.path.join(L.dir, "keepalived-%s.conf" % name)
    with open(path, "w") as f:
        f.write("global_defs {\n\trouter_id %s\n}\n"
                "vrrp_instance g%d {\n"
                "\tstate BACKUP\n\tinterface eth0\n"
                "\tvirtual_router_id %d\n\tpriority %d\n\tadvert_int 1\n"
                "\tvirtual_ipaddress {\n\t\t%s/24\n\t}\n}\n" % (
                    name, GROUP, GROUP, prio, VIP))
    return path


def start_keepalived(L, name, prio):
    """keepalived in the foreground (-n), VRRP only (-P), its own pid
    files; returns (Popen, path of the VRRP child's pid file)."""
    conf = keepalived_conf(L, name, prio)
    pid = os.path.join(L.dir, "keepalived-%s.pid" % name)
    vrrp_pid = os.path.join(L.dir, "keepalived-%s.vrrp.pid" % name)
    log = open(os.path.join(L.dir, "keepalived-%s.log" % name), "w")
    p = L.spawn(name, ["keepalived", "-n", "-l", "-P", "-f", conf,
                       "-p", pid, "-r", vrrp_pid],
                name="keepalived-" + name, stdout=log,
                stderr=log)
    return p, vrrp_pid


def child_pid(path, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            time.sleep(0.1)
    return None


def main():
    exe = lab.floodspot_or_skip(need_bird=False, need=("keepalived",))
    pps = int(os.environ.get("FS_FLOOD_PPS", "20000"))

    with lab.Lab() as L:
        L.add_switch()
        L.add_host("r1", R1_IP + "/24")
        L.add_host("r2", R2_IP + "/24")
        h1 = L.add_host("h1", "10.0.0.13/24")
        L.add_monitor("mon")
        fs = L.start_floodspot(exe)
        k1, r1_vrrp_pid = start_keepalived(L, "r1", 150)
        time.sleep(0.5)
        start_keepalived(L, "r2", 100)

        def master(ip):
            return lambda e: (e.get("event") == "fhrp_master" and
                              e.get("group") == GROUP and
                              e.get("master") == ip)
        _, first = fs.wait_for(master(R1_IP), 20)
        if first is None:
            fail("(a) R1 never seen master of group %d" % GROUP, L)
        print("(a) %r" % first)
        pid = child_pid(r1_vrrp_pid)
        if pid is None:
            fail("keepalived on r1 wrote no VRRP pid", L)
        time.sleep(5.0)     # quiet seconds: the hosts' history

        mark = len(fs.snapshot())
        L.start_flood("h1", R1_IP, pps=pps, seconds=FLOOD_S)
        time.sleep(2.0)
        os.kill(pid, signal.SIGSTOP)
        t_stop = time.monotonic()
        try:
            i_chg, chg = fs.wait_for(master(R2_IP), 3 + 3, start=mark)
            time.sleep(max(0.0, STOP_S - (time.monotonic() - t_stop)))
        finally:
            os.kill(pid, signal.SIGCONT)
        if chg is None:
            fail("(c) no change of master to R2 within 6 s of SIGSTOP", L)
        print("(c) %r" % chg)
        silent = chg.get("previous_silent_ms", 0)
        if chg.get("cause") != "master_silent" or \
                chg.get("previous") != R1_IP or \
                not 3000 <= silent <= 4500 or chg.get("unseen"):
            fail("(c) not R2 taking over from a silent R1: %r" % chg, L)

        _, late = fs.wait_for(lambda e: e.get("event") == "session_late" and
                              e.get("what") == "advert" and
                              e.get("from") == R1_IP, 1, start=mark)
        if late is None or ts_s(late["ts"]) > ts_s(chg["ts"]):
            fail("(b) no late advert from R1 before the change: %r" % late,
                 L)
        print("(b) %r" % late)

        name = "%s:%d@0" % (chg["proto"], GROUP)
        t = ts_s(chg["ts"])
        _, a = fs.wait_for(lambda e: e.get("event") == "alert" and
                           e.get("rule") == "vrrp_master_change" and
                           e.get("state") == "raised", 5, start=mark)
        if a is None or a.get("session") != name:
            fail("(d) no vrrp_master_change alert naming %s: %r" % (name, a),
                 L)
        _, c = fs.wait_for(
            lambda e: (e.get("event") == "alert" and
                       e.get("rule") == "culprit" and
                       e.get("mac") == h1["mac"] and
                       e.get("state") in ("raised", "active") and
                       name in e.get("sessions", []) and
                       0 <= ts_s(e["ts"]) - t <= 0.1 + 1e-6), 5, start=mark)
        if c is None:
            fail("(d) no culprit naming %s listing %s in the slice of %s: "
                 "%r" % (h1["mac"], name, chg["ts"],
                         [e for e in fs.snapshot()[mark:]
                          if e.get("rule") == "culprit"]), L)
        print("(d) culprit %s %s sessions=%s" % (c["state"], c["ts"],
                                                 c["sessions"]))

        _, back = fs.wait_for(master(R1_IP), 10, start=i_chg + 1)
        if back is None:
            fail("(e) R1 did not take the group back", L)
        print("(e) %r" % back)
        if k1.poll() is not None:
            fail("keepalived on r1 exited %s" % k1.returncode, L)
    print("PASS")


if __name__ == "__main__":
    main()
