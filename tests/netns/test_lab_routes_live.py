#!/usr/bin/env python3
"""Issue 3's second live test: floodspot itself runs INSIDE router R1's
namespace (its kernel watcher uses libnl in the namespace it runs in) while
two bird2 routers form an OSPF adjacency on the lab bridge:

    floodspot -i eth0 --json --no-local-syslog      (in R1's namespace)

Asserts, from floodspot's JSON lines and stderr:
  1. R2's static routes, exported into OSPF, appear on R1 as route_change
     "add" with protocol "bird", the right prefixes, on eth0;
  2. after R2's bird is stopped (SIGSTOP) past the dead interval they are
     withdrawn ("del", protocol "bird"), no sooner than the dead interval
     allows; after SIGCONT they come back ("add");
  3. a second interface (dummy, else veth) set down gives a link_change
     with up false and "capture" false;
  4. the capture interface itself (eth0) set down gives a link_change with
     up false and "capture" true; while down floodspot stays alive without
     spinning; set up again, it keeps counting packets (SIGUSR1 stats
     before and after, rising by at least 90 % of what the test sent);
     then eth0 unplugged and replugged (veth pair deleted and made again:
     same name, new ifindex): stderr says "eth0: capture reopened" and
     the packets sent afterwards are counted;
  5. floodspot exits 0 on SIGTERM.
Skips (77) only where namespaces or bird are unavailable."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

R2_STUBS = ["10.2.1.0/24", "10.2.2.0/24"]
DEAD = 4
TRAFFIC_PPS, TRAFFIC_S = 200, 3


def fail(msg, L=None):
    print("FAIL: " + msg)
    if L:
        for f in ("floodspot.out", "floodspot.err", "r1.log", "r2.log"):
            print("---- %s\n%s" % (f, L.read(f)[-4000:]))
    sys.exit(1)


def route_ev(action, dst):
    return lambda e: (e.get("event") == "route_change" and
                      e.get("action") == action and e.get("dst") == dst)


def link_ev(ifname, up):
    return lambda e: (e.get("event") == "link_change" and
                      e.get("ifname") == ifname and e.get("up") is up)


def wait_routes(L, fs, action, start, timeout):
    """Waits for action on every R2 prefix, protocol bird, on eth0;
    returns the largest event index."""
    deadline = time.monotonic() + timeout
    last = start
    for dst in R2_STUBS:
        j, ev = fs.wait_for(route_ev(action, dst),
                            max(0.0, deadline - time.monotonic()),
                            start=start)
        if ev is None:
            fail("no route_change %s for %s (R1's bird routes: %s)" % (
                action, dst, L.kernel_routes("r1")), L)
        if ev.get("protocol") != "bird":
            fail("route %s %s with protocol %r, want 'bird': %r" % (
                dst, action, ev.get("protocol"), ev), L)
        if action == "add" and ev.get("ifname") != "eth0":
            fail("route %s added on %r, want eth0: %r" % (
                dst, ev.get("ifname"), ev), L)
        last = max(last, j)
    return last


def cpu_s(pid):
    """user + system CPU seconds of a process (from /proc)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def link_packets(L, node, ifname):
    """rx + tx packets of the interface, as the kernel counts them."""
    r = L.run(node, ["cat", "/sys/class/net/%s/statistics/rx_packets" %
                     ifname, "/sys/class/net/%s/statistics/tx_packets" %
                     ifname])
    return sum(int(x) for x in r.stdout.split())


def check_counting(L, fs, step):
    """Known traffic to R1's eth0 (R2 sends UDP to R1) must be counted:
    SIGUSR1 stats before and after, against the kernel's own rx + tx
    counters of eth0 over the same span."""
    # Warm-up: R2's neighbour entry and the bridge's FDB settle first.
    L.start_flood("r2", "10.0.0.1", pps=50, seconds=0.5).wait(timeout=10)
    time.sleep(0.5)
    before = stats(L, fs)
    k0 = link_packets(L, "r1", "eth0")
    fl = L.start_flood("r2", "10.0.0.1", pps=TRAFFIC_PPS,
                       seconds=TRAFFIC_S)
    fl.wait(timeout=TRAFFIC_S + 10)
    time.sleep(0.5)
    k1 = link_packets(L, "r1", "eth0")
    after = stats(L, fs)
    sent = TRAFFIC_PPS * TRAFFIC_S
    got = after["packets"] - before["packets"]
    print("%s. packets %d -> %d (+%d); eth0 rx+tx +%d; %d were sent to "
          "eth0" % (step, before["packets"], after["packets"], got,
                    k1 - k0, sent))
    if k1 - k0 < sent // 2:
        fail("%s: the lab lost traffic: eth0 counted %d packets while %d "
             "were sent" % (step, k1 - k0, sent), L)
    if got < (k1 - k0) * 9 // 10:
        fail("%s: floodspot counted %d packets while eth0 carried %d" % (
            step, got, k1 - k0), L)


def stats(L, fs):
    """SIGUSR1 -> the stats line floodspot dumps."""
    st = L.stats(fs)
    if st is None:
        fail("no stats line after SIGUSR1 (floodspot %s)" % (
            "alive" if fs.proc.poll() is None
            else "exited %s" % fs.proc.returncode), L)
    return st


def main():
    exe = os.environ.get("FS_FLOODSPOT")
    if not exe or not os.access(exe, os.X_OK):
        lab.skip("FS_FLOODSPOT not set to the built floodspot "
                 "(run through meson test)")
    reason = lab.skip_reason(need_bird=True)
    if reason:
        lab.skip(reason)

    with lab.Lab() as L:
        L.add_switch()
        L.add_router("r1", "10.0.0.1/24", "1.1.1.1",
                     stubs=["10.1.1.0/24"], priority=10, dead=DEAD)
        L.add_router("r2", "10.0.0.2/24", "2.2.2.2", stubs=R2_STUBS,
                     dead=DEAD)
        # A second interface on R1: a dummy, or a veth pair where the
        # kernel has no dummy driver.
        if L.run("r1", "ip link add dum0 type dummy", check=False
                 ).returncode != 0:
            L.run("r1", "ip link add dum0 type veth peer name dum1")
            L.run("r1", "ip link set dev dum1 up")
        L.run("r1", "ip link set dev dum0 up")
        # floodspot first: its baseline holds no bird routes yet.
        fs = L.spawn_json("r1", [exe, "-i", "eth0", "--json",
                                 "--no-local-syslog"], "floodspot")
        time.sleep(1.0)
        if fs.proc.poll() is not None:
            fail("floodspot exited %s at start" % fs.proc.returncode, L)
        L.start_bird("r1")
        L.start_bird("r2")

        # 1. R2's routes arrive.
        t0 = time.monotonic()
        i_add = wait_routes(L, fs, "add", 0, 45)
        print("1. adds seen after %.1f s" % (time.monotonic() - t0))

        # 2. R2 starves: R1 drops the neighbour and withdraws its routes.
        L.signal("r2", signal.SIGSTOP)
        t_stop = time.monotonic()
        i_del = wait_routes(L, fs, "del", i_add + 1, DEAD + 15)
        took = time.monotonic() - t_stop
        L.signal("r2", signal.SIGCONT)
        print("2. dels seen %.1f s after SIGSTOP" % took)
        if took < DEAD - 1:
            fail("routes withdrawn %.1f s after SIGSTOP, before the dead "
                 "interval (%d s): not the adjacency loss" % (took, DEAD), L)
        wait_routes(L, fs, "add", i_del + 1, 45)
        print("2. re-added %.1f s after SIGCONT" % (
            time.monotonic() - t_stop - took))

        # 3. The second interface goes down.
        mark = len(fs.snapshot())
        L.run("r1", "ip link set dev dum0 down")
        _, ev = fs.wait_for(link_ev("dum0", False), 10, start=mark)
        if ev is None:
            fail("no link_change up=false for dum0", L)
        if ev.get("capture") is not False:
            fail("dum0 flagged as the capture interface: %r" % ev, L)
        print("3. %r" % ev)

        # 4a. The capture interface goes down and comes back up. The
        # kernel keeps the packet socket bound and resumes it on up, so
        # libpcap may report nothing: the capture must simply go on (or be
        # reopened), without floodspot spinning meanwhile.
        mark = len(fs.snapshot())
        L.run("r1", "ip link set dev eth0 down")
        j, ev = fs.wait_for(link_ev("eth0", False), 10, start=mark)
        if ev is None:
            fail("no link_change up=false for eth0 (the capture "
                 "interface)", L)
        if ev.get("capture") is not True:
            fail("eth0 not flagged as the capture interface: %r" % ev, L)
        print("4a. %r" % ev)
        cpu0 = cpu_s(fs.proc.pid)
        time.sleep(3.0)         # past a reopen attempt or two
        cpu_down = cpu_s(fs.proc.pid) - cpu0
        print("4a. CPU while eth0 down: %.2f s in 3 s" % cpu_down)
        if fs.proc.poll() is not None:
            fail("floodspot exited %s with its capture interface down" %
                 fs.proc.returncode, L)
        if cpu_down > 1.5:
            fail("floodspot used %.2f s CPU in 3 s with its capture "
                 "interface down (busy loop?)" % cpu_down, L)
        L.run("r1", "ip link set dev eth0 up")
        j, ev = fs.wait_for(link_ev("eth0", True), 10, start=j + 1)
        if ev is None:
            fail("no link_change up=true for eth0 after ip link set up", L)
        time.sleep(1.0)
        check_counting(L, fs, "4a")
        print("4a. stderr says: %r" % [
            ln for ln in L.read("floodspot.err").splitlines()
            if "capture" in ln or "eth0" in ln])

        # 4b. eth0 unplugged and replugged: the same name, a new ifindex.
        # The old packet socket is dead for good: floodspot must reopen.
        mark = len(fs.snapshot())
        L.replug("r1")
        if not L.wait_file_match(os.path.join(L.dir, "floodspot.err"),
                                 r"eth0: capture reopened", 15):
            fail("floodspot did not say 'eth0: capture reopened' within "
                 "15 s of eth0 being replugged", L)
        if fs.proc.poll() is not None:
            fail("floodspot exited %s after eth0 was replugged" %
                 fs.proc.returncode, L)
        check_counting(L, fs, "4b")
        print("4b. stderr says: %r" % [
            ln for ln in L.read("floodspot.err").splitlines()
            if "capture" in ln or "eth0" in ln])
        # 5. A clean exit.
        fs.proc.send_signal(signal.SIGTERM)
        try:
            rc = fs.proc.wait(timeout=15)
        except Exception:
            fail("floodspot did not exit on SIGTERM", L)
        if rc != 0:
            fail("floodspot exited %s on SIGTERM" % rc, L)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
