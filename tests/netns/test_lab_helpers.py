#!/usr/bin/env python3
"""The lab's own promises, for the tests built on it (issue 5's live test
among them): the span port shows every frame exactly once (ingress-only
mirroring), the flooding host sends at the rate and for the time asked,
and the rsyslog collector started by the lab receives RFC 5424 lines over
UDP and TCP on its loopback port. Needs no bird; skips (77) without
namespaces, tcpdump, rsyslogd or logger."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    reason = lab.skip_reason(need_bird=False,
                             need=["tcpdump", "rsyslogd", "logger", "ss"])
    if reason:
        lab.skip(reason)
    with lab.Lab() as L:
        L.add_switch()
        L.add_host("r1", "10.0.0.1/24")
        L.add_host("h1", "10.0.0.13/24")
        L.add_monitor("mon")
        r1_mac = L.nodes["r1"]["mac"]
        # Resolve ARP first, so the count below is only the flood.
        L.start_flood("h1", "10.0.0.1", pps=2, seconds=0.5).wait(timeout=10)

        cap = L.start_capture("mon", "span0",
                              "udp and dst host 10.0.0.1 and dst port 9 "
                              "and ether dst " + r1_mac, "span")
        f = L.start_flood("h1", "10.0.0.1", pps=1000, seconds=2)
        f.wait(timeout=15)
        seen = L.stop_capture(cap)
        summary = json.loads(L.read("flood-h1.out").strip().splitlines()[-1])
        sent = summary["sent"]
        dropped = cap.fs_dropped
        print("flood: %r, span0 saw %d, tcpdump dropped %d" % (
            summary, seen, dropped))
        if not 1800 <= sent <= 2200:
            fail("flood sent %d datagrams in %.2f s, asked 1000/s for 2 s"
                 % (sent, summary["seconds"]))
        if seen > sent:
            fail("span0 saw %d frames for %d sent: mirrored twice" % (
                seen, sent))
        if seen + dropped < sent * 0.98:
            fail("span0 saw %d frames for %d sent: the mirror loses "
                 "frames" % (seen, sent))

        p, out = L.start_rsyslog("mon", 5514)
        L.send_syslog("mon", 5514, "fslab-udp-probe")
        L.send_syslog("mon", 5514, "fslab-tcp-probe", tcp=True)
        for probe in ("fslab-udp-probe", "fslab-tcp-probe"):
            line = L.wait_file_match(out, probe, 10)
            if line is None:
                fail("rsyslog did not write %s to %s" % (probe, out))
            if " fslab " not in line:
                fail("rsyslog line lacks the app name: %r" % line)
            print("rsyslog: %s" % line)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
