#!/usr/bin/env python3
"""A capture outage is not a routing incident (issue 9, item 6), live:
bird2 routers R1 and R2 at hello 1 / dead 4 keep their adjacency while the
span port floodspot listens on goes down for 5 s (longer than the dead
interval) and comes back.

Asserts from floodspot's JSON lines: a capture_gap event covering the
outage, ospf_unseen events for the routers' timers that ran out in it, and
no hello_late event, no adjacency loss, no alert at all; floodspot is still
capturing afterwards (the adjacency's hellos are seen again). Skips (77)
where namespaces or bird are unavailable."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
from test_lab_culprit_live import adj, fail, ts_s  # noqa: E402

R1, R2 = "1.1.1.1", "2.2.2.2"
OUTAGE_S = 5


def main():
    exe = lab.floodspot_or_skip()

    with lab.Lab() as L:
        L.add_switch()
        L.add_router("r1", "10.0.0.1/24", R1, priority=10)
        L.add_router("r2", "10.0.0.2/24", R2)
        h = L.add_host("h1", "10.0.0.13/24")
        L.add_monitor("mon")
        fs = L.spawn_json("mon", [exe, "-i", "span0", "--json",
                                  "--no-local-syslog"], "floodspot")
        time.sleep(1.0)
        L.start_bird("r1")
        L.start_bird("r2")
        i_full, ev = fs.wait_for(lambda e: adj(e, "full"), 45)
        if ev is None:
            fail("no ospf_adjacency to full", L)
        # Ordinary traffic, so that silence means something.
        L.start_flood("h1", L.nodes["r2"]["ip"], pps=50, seconds=30)
        time.sleep(6.0)
        mark = len(fs.snapshot())
        L.run("mon", "ip link set span0 down")
        time.sleep(OUTAGE_S)
        L.run("mon", "ip link set span0 up")
        t_up = time.monotonic()
        # Back: hellos of both routers seen again.
        i_back, ev_back = fs.wait_for(
            lambda e: e.get("event") == "capture_gap" and
            e.get("state") == "closed", 15, start=mark)
        if ev_back is None:
            fail("no capture_gap closed after the outage", L)
        print("gap: %r" % ev_back)
        time.sleep(max(0.0, 6.0 - (time.monotonic() - t_up)))
        events = fs.snapshot()[mark:]
        unseen = [e for e in events if e.get("event") == "ospf_unseen"]
        if not unseen:
            fail("no ospf_unseen for the timers that ran out in the outage",
                 L)
        bad = [e for e in events
               if e.get("event") in ("hello_late", "alert") or
               adj(e, "down") or (e.get("event") == "ospf_adjacency" and
                                  e.get("to") in ("down", "init"))]
        if bad:
            fail("routing symptoms from a capture outage: %r" % bad[:3], L)
        print("unseen: %d events, e.g. %r" % (len(unseen), unseen[0]))
        fs.proc.send_signal(signal.SIGTERM)
        fs.proc.wait(timeout=15)
        _, st = fs.wait_for(lambda e: e.get("event") == "stats", 5)
        print("stats: packets=%s" % (st and st.get("packets")))
        del h
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
