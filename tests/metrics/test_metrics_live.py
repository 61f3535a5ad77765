#!/usr/bin/env python3
"""/metrics during a live capture on the loopback interface, and the span
port health alert.

1. Nothing matches the filter: the "span port silent" rule (thresholds
   shortened in a test rules file) raises, as JSON and in /metrics.
2. Clients hold connections open (half a request, a request never read,
   a bare connect, then more than the server's connection limit) while
   datagrams are sent: the capture and its one-second ticks go on (scrapes
   on fresh connections see packet time advance with wall time), every
   datagram is counted (packets, to_router class, suspect rank 1), none
   dropped, and the silence alert clears.
Needs root for the capture: skipped (77) without it."""
import json
import os
import shutil
import signal
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

FS, SRC = sys.argv[1], sys.argv[2]
PORT_UDP = 54996
N = 3000

if os.geteuid() != 0:
    print("SKIP: live capture needs root")
    sys.exit(77)


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = pred()
        if r:
            return r
        time.sleep(0.05)
    return None


def held_connections(port, n, how):
    """n sockets to the metrics port, each left in a stalled state."""
    out = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if how == "partial":
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        elif how == "unread":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        out.append(s)
    return out


def still_open(s):
    """True when the server has not closed the connection (no EOF)."""
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


with tempfile.TemporaryDirectory() as d:
    rules = os.path.join(d, "rules")
    os.mkdir(rules)
    shutil.copy(os.path.join(SRC, "rules", "default.rules"), rules)
    with open(os.path.join(rules, "health.rules"), "w") as f:
        f.write("rule span_silent {\n when agent.silent > 2s\n"
                " severity critical\n clear below 1s for 2s\n"
                " message \"span port silent\"\n}\n")
    out = open(os.path.join(d, "out.jsonl"), "w+")
    err_path = os.path.join(d, "err.txt")
    p = subprocess.Popen([FS, "-i", "lo", "--json", "--no-local-syslog",
                          "--rules", rules, "--router", "127.0.0.1",
                          "--metrics", "127.0.0.1:0",
                          "udp port %d" % PORT_UDP],
                         stdout=out, stderr=open(err_path, "w"))
    held = []
    try:
        def events():
            out.flush()
            with open(out.name) as f:
                return [json.loads(l) for l in f if l.startswith("{")]

        def alert(state):
            return [e for e in events() if e.get("event") == "alert" and
                    e.get("rule") == "span_silent" and e.get("state") == state]

        port = scrape.wait_port(err_path, p)
        check(port, "no metrics port: " + open(err_path).read())
        if not port:
            raise SystemExit(done("metrics-live"))

        # 1. Silence: nothing passes the filter.
        raised = wait_for(lambda: alert("raised"), 15)
        check(raised and raised[0].get("kind") == "span-silent",
              "no span-silent alert: %r" % events()[-3:])
        s0, body = scrape.scrape(port)
        verdict = scrape.promtool(body)
        if verdict is not None:
            check(verdict[0] == 0, "promtool: %s" % verdict[1])
        check(value(s0, "floodspot_alerts_active", rule="span_silent") == 1,
              "silence alert not active in /metrics")
        check(value(s0, "floodspot_health_silent_seconds") >= 2,
              "silent seconds %s" % value(s0, "floodspot_health_silent_seconds"))
        check(value(s0, "floodspot_packets_total") == 0, "packets before sending")
        info = promparse.series(s0, "floodspot_info")
        check(info and info[0][0].get("mode") == "live", "mode: %r" % info)

        # 2. Stalled clients, then traffic.
        held += held_connections(port, 2, "partial")
        held += held_connections(port, 1, "unread")
        held += held_connections(port, 1, "connect")
        rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rx.bind(("127.0.0.1", PORT_UDP))
        rx.setblocking(False)
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sec0 = value(scrape.scrape(port)[0], "floodspot_seconds_total")
        t0 = time.monotonic()
        mid = None
        for i in range(N):
            tx.sendto(b"y" * 40, ("127.0.0.1", PORT_UDP))
            if i % 100 == 99:
                time.sleep(0.1)   # 1000 datagrams/s for 3 s
                try:
                    while rx.recv(2048):
                        pass
                except BlockingIOError:
                    pass
            if i == N // 2:
                mid = scrape.scrape(port)[0]
        t1 = time.monotonic()
        check(mid is not None and
              promparse.series(mid, "floodspot_suspect_ctrl_pps"),
              "no suspect while sending")
        if mid:
            top = [l for l, v in promparse.series(mid, "floodspot_suspect_ctrl_pps")
                   if l["rank"] == "1"]
            check(top and top[0]["ip"] == "127.0.0.1" and
                  top[0]["mac"] == "00:00:00:00:00:00" and
                  top[0]["class"] == "to_router", "suspect rank 1: %r" % top)

        # Every datagram counted once its second closed.
        def final():
            s = scrape.scrape(port)[0]
            return s if value(s, "floodspot_control_plane_packets_total") >= N \
                else None
        s1 = wait_for(final, 10)
        check(s1 is not None, "datagrams not all counted")
        if s1:
            check(value(s1, "floodspot_packets_total") == N,
                  "packets %s, sent %d" % (value(s1, "floodspot_packets_total"), N))
            cls = {l["class"]: v for l, v in
                   promparse.series(s1, "floodspot_class_packets_total")}
            check(cls["to_router"] == N, "to_router %s" % cls["to_router"])
            check(value(s1, "floodspot_capture_dropped_total", where="kernel") == 0,
                  "kernel drops")
            check(value(s1, "floodspot_capture_received_total") >= N,
                  "kernel received")
            check(value(s1, "floodspot_hosts_tracked") == 1, "hosts tracked")
            # Ticks went on in real time while clients stalled.
            ticked = value(s1, "floodspot_seconds_total") - sec0
            check(ticked >= int(t1 - t0) - 1,
                  "%s seconds ticked in %.1f s of sending" % (ticked, t1 - t0))
            check(value(s1, "floodspot_metrics_publish_skipped_total") <= 1,
                  "publications skipped")
        check(all(still_open(s) for s in held[:2] + held[3:]),
              "the stalled clients were not held during the capture")

        # More stalled clients than the server takes: capture goes on.
        held += held_connections(port, 20, "connect")
        before = [e for e in events() if e.get("event") == "stats"]
        p.send_signal(signal.SIGUSR1)
        st = wait_for(lambda: [e for e in events() if e.get("event") == "stats"][len(before):], 5)
        time.sleep(2.2)
        p.send_signal(signal.SIGUSR1)
        st2 = wait_for(lambda: [e for e in events() if e.get("event") == "stats"][len(before) + 1:], 5)
        check(st and st2 and st2[0]["seconds"] >= st[0]["seconds"] + 2,
              "ticks stalled behind a full server: %r %r" % (st, st2))
        for s in held:
            s.close()
        held = []
        check(wait_for(lambda: scrape.get(port)[0] == 200, 10),
              "server did not recover after the clients left")

        cleared = wait_for(lambda: alert("cleared"), 10)
        check(cleared, "silence alert not cleared after traffic")
        s2 = scrape.scrape(port)[0]
        check(value(s2, "floodspot_alerts_cleared_total", rule="span_silent") == 1,
              "cleared not counted in /metrics")

        p.send_signal(signal.SIGTERM)
        p.wait(timeout=15)
        check(p.returncode == 0, "SIGTERM: exit %s" % p.returncode)
    finally:
        for s in held:
            s.close()
        if p.poll() is None:
            p.kill()
            p.wait()
    check("runtime error" not in open(err_path).read(), "sanitizer report")

sys.exit(done("metrics-live"))
