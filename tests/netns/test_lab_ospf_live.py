#!/usr/bin/env python3
"""Live OSPF adjacency test (issue 3): two bird2 routers on the lab bridge,
floodspot capturing the span port in the monitor namespace:

    floodspot -i span0 --json --no-local-syslog

Asserts, from floodspot's JSON lines only:
  1. an ospf_adjacency event with to "full" between 1.1.1.1 and 2.2.2.2;
  2. after R2's bird is stopped (SIGSTOP) past the dead interval, an
     ospf_adjacency event with to "down" naming both router ids, no sooner
     than the dead interval allows;
  3. after SIGCONT, "full" again between the same pair.
Before that it checks the lab itself: tcpdump on span0 must see the OSPF
hellos the bridge mirrors. Skips (77) where namespaces or bird are
unavailable, or where the floodspot binary offers no live --json mode."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

R1, R2 = "1.1.1.1", "2.2.2.2"
DEAD = 4


def fail(msg, L=None):
    print("FAIL: " + msg)
    if L:
        for f in ("floodspot.out", "floodspot.err", "r1.log", "r2.log"):
            print("---- %s\n%s" % (f, L.read(f)[-4000:]))
    sys.exit(1)


def floodspot_live_capable(exe):
    """The documented CLI: -h lists -i and --json. A tree whose main.c is
    still a stub prints nothing: that is not something to test yet."""
    try:
        r = subprocess.run([exe, "-h"], capture_output=True, text=True,
                           timeout=10)
    except (OSError, subprocess.SubprocessError) as e:
        return "cannot run %s: %s" % (exe, e)
    usage = r.stdout + r.stderr
    if "--json" not in usage or "-i" not in usage:
        return "%s -h does not offer -i/--json (CLI not implemented in " \
               "this tree)" % exe
    return None


def pair(e, to):
    return (e.get("event") == "ospf_adjacency" and e.get("to") == to and
            {e.get("router_id"), e.get("neighbor_id")} == {R1, R2})


def check_span(L):
    """The lab itself: the span port mirrors the routers' hellos."""
    n = L.capture_count("mon", "span0", "ip proto 89", 3, 10)
    if n < 3:
        fail("span0 saw %d OSPF packets in 10 s: the mirror does not work"
             % n, L)
    print("span0 mirrors OSPF (%d packets, classifier %s)" % (
        n, L.mirror_classifier))
    return n


def main():
    exe = os.environ.get("FS_FLOODSPOT")
    if not exe or not os.access(exe, os.X_OK):
        lab.skip("FS_FLOODSPOT not set to the built floodspot "
                 "(run through meson test)")
    reason = lab.skip_reason(need_bird=True, need=["tcpdump"])
    if reason:
        lab.skip(reason)
    cli_missing = floodspot_live_capable(exe)

    with lab.Lab() as L:
        L.add_switch()
        L.add_router("r1", "10.0.0.1/24", R1, stubs=["10.1.1.0/24"],
                     priority=10, dead=DEAD)
        L.add_router("r2", "10.0.0.2/24", R2, stubs=["10.2.1.0/24"],
                     dead=DEAD)
        L.add_monitor("mon")
        if cli_missing:
            # Still prove the lab: bird's hellos reach the span port.
            L.start_bird("r1")
            L.start_bird("r2")
            n = check_span(L)
            lab.skip("%s; lab verified: span0 mirrored %d OSPF packets "
                     "(classifier %s)" % (cli_missing, n,
                                          L.mirror_classifier))
        # floodspot first, so it sees the adjacency form from Down.
        fs = L.spawn_json("mon", [exe, "-i", "span0", "--json",
                                  "--no-local-syslog"], "floodspot")
        time.sleep(1.0)
        if fs.proc.poll() is not None:
            fail("floodspot exited %s at start" % fs.proc.returncode, L)
        L.start_bird("r1")
        L.start_bird("r2")
        check_span(L)

        i_full, ev = fs.wait_for(lambda e: pair(e, "full"), 45)
        if ev is None:
            fail("no ospf_adjacency to full between %s and %s (bird: %s)"
                 % (R1, R2, L.ospf_neighbor_state("r1", R2)), L)
        print("full: %r" % ev)

        L.signal("r2", signal.SIGSTOP)
        t_stop = time.monotonic()
        i_down, ev = fs.wait_for(lambda e: pair(e, "down"), DEAD + 6,
                                 start=i_full + 1)
        took = time.monotonic() - t_stop
        # Hold the stop past the dead interval whatever happened.
        time.sleep(max(0.0, DEAD + 3 - took))
        L.signal("r2", signal.SIGCONT)
        if ev is None:
            fail("no ospf_adjacency to down naming %s and %s within %d s "
                 "of SIGSTOP" % (R1, R2, DEAD + 6), L)
        # Earliest correct report: last hello (up to one hello interval
        # before the stop) + dead interval - the tracker's 1 s tolerance.
        if took < DEAD - 2.0:
            fail("down reported %.1f s after SIGSTOP, sooner than the dead "
                 "interval (%d s) allows: %r" % (took, DEAD, ev), L)
        print("down after %.1f s: %r" % (took, ev))

        i_back, ev = fs.wait_for(lambda e: pair(e, "full"), 45,
                                 start=i_down + 1)
        if ev is None:
            fail("no ospf_adjacency back to full after SIGCONT (bird: %s)"
                 % L.ospf_neighbor_state("r1", R2), L)
        print("full again: %r" % ev)
        if fs.proc.poll() is not None:
            fail("floodspot exited %s during the test" % fs.proc.returncode,
                 L)
        L.stop(fs.proc)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
