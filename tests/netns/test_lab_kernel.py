#!/usr/bin/env python3
"""Live test of the kernel watcher (issue 3): kernel_watch runs in router
R1's namespace while two bird2 routers form an OSPF adjacency on the lab
bridge. Asserts that R2's routes appear on R1 as route_change "add" with
protocol "bird", disappear ("del") once R2's bird is stopped past the dead
interval, and that setting R1's eth0 down gives a link_change with
up=false for the capture interface and a del of its connected route (which
the kernel flushes silently). Skips (77) where namespaces, bird or
the built driver are unavailable."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

R2_STUBS = ["10.2.1.0/24", "10.2.2.0/24"]
DEAD = 4


def fail(msg, L=None):
    print("FAIL: " + msg)
    if L:
        for f in ("r1.log", "r2.log", "kernel_watch.out", "kernel_watch.err"):
            print("---- %s\n%s" % (f, L.read(f)[-3000:]))
    sys.exit(1)


def main():
    watch = os.environ.get("FS_KERNEL_WATCH")
    if not watch or not os.access(watch, os.X_OK):
        lab.skip("FS_KERNEL_WATCH not set to the built kernel_watch "
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
        # The watcher first: its baseline holds no bird routes yet.
        w = L.spawn_json("r1", [watch, "-i", "eth0", "-t", "120"],
                         "kernel_watch")
        i, ev = w.wait_for(lambda e: e.get("event") == "ready", 10)
        if ev is None:
            fail("kernel_watch did not start", L)
        L.start_bird("r1")
        L.start_bird("r2")

        def route_ev(action, dst):
            return lambda e: (e.get("event") == "route_change" and
                              e.get("action") == action and
                              e.get("dst") == dst)

        t0 = time.monotonic()
        adds = {}
        for dst in R2_STUBS:
            j, ev = w.wait_for(route_ev("add", dst), 40 - (time.monotonic()
                                                          - t0))
            if ev is None:
                fail("no route_change add for %s (kernel routes: %s)" % (
                    dst, L.kernel_routes("r1")), L)
            if ev.get("protocol") != "bird":
                fail("route %s added with protocol %r, want 'bird'" % (
                    dst, ev.get("protocol")), L)
            if ev.get("ifname") != "eth0" or ev.get("table") != 254:
                fail("route %s: ifname %r table %r, want eth0/254" % (
                    dst, ev.get("ifname"), ev.get("table")), L)
            adds[dst] = j
        print("adds seen after %.1f s" % (time.monotonic() - t0))

        # R2 starves: hellos stop; R1 drops the neighbour after DEAD s and
        # withdraws R2's routes from the kernel.
        L.signal("r2", signal.SIGSTOP)
        t_stop = time.monotonic()
        for dst in R2_STUBS:
            j, ev = w.wait_for(route_ev("del", dst), DEAD + 15,
                               start=adds[dst] + 1)
            if ev is None:
                fail("no route_change del for %s after SIGSTOP (kernel "
                     "routes: %s)" % (dst, L.kernel_routes("r1")), L)
            if ev.get("protocol") != "bird":
                fail("route %s removed with protocol %r" % (
                    dst, ev.get("protocol")), L)
        took = time.monotonic() - t_stop
        print("dels seen %.1f s after SIGSTOP" % took)
        if took < DEAD - 1:
            fail("routes withdrawn %.1f s after SIGSTOP, before the dead "
                 "interval (%d s): not caused by the adjacency loss" % (
                     took, DEAD), L)
        L.signal("r2", signal.SIGCONT)

        # Link down on R1's capture interface.
        mark = len(w.snapshot())
        L.run("r1", "ip link set dev eth0 down")
        j, ev = w.wait_for(lambda e: e.get("event") == "link_change" and
                           e.get("ifname") == "eth0", 10, start=mark)
        if ev is None:
            fail("no link_change for eth0 after ip link set down", L)
        if ev.get("up") is not False or ev.get("carrier") is not False:
            fail("link_change after down: %r" % ev, L)
        if ev.get("is_capture_iface") is not True:
            fail("eth0 not flagged as the capture interface: %r" % ev, L)
        # The kernel flushes eth0's IPv4 routes without a notification;
        # the watcher's dump must still report the connected route gone.
        # (bird installs its own 10.0.0.0/24 too: look for proto kernel.)
        k, ev = w.wait_for(lambda e: route_ev("del", "10.0.0.0/24")(e) and
                           e.get("protocol") == "kernel", 10, start=mark)
        if ev is None:
            fail("connected route 10.0.0.0/24 (proto kernel) not reported "
                 "removed after eth0 down", L)
        L.run("r1", "ip link set dev eth0 up")
        j, ev = w.wait_for(lambda e: e.get("event") == "link_change" and
                           e.get("ifname") == "eth0" and e.get("up"), 10,
                           start=j + 1)
        if ev is None:
            fail("no link_change up=true for eth0 after ip link set up", L)

        L.stop(w.proc)
        if w.proc.returncode != 0:      # sanitizer findings exit non-zero
            fail("kernel_watch exited %s" % w.proc.returncode, L)
        j, st = w.wait_for(lambda e: e.get("event") == "kernel_stats", 5)
        if st is None:
            fail("kernel_watch printed no stats at exit", L)
        if st.get("bad_messages") != 0:
            fail("bad_messages %r on real kernel traffic" % st, L)
        print("stats: %r" % st)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
