#!/usr/bin/env python3
"""Issue 5 acceptance, live and end to end: the incident reproduced in the
namespace lab and reported through a real rsyslogd.

Lab: bridge switch, bird2 routers R1 (1.1.1.1) and R2 (2.2.2.2) with hello
1 / dead 4, host H1 (the flooder), host H2 (a quiet bystander sending a few
packets a second to R1), and a span port into the monitor namespace, where
rsyslogd listens on 127.0.0.1 (its own configuration, writing to files in
the test directory) and floodspot runs:

    floodspot -i span0 --json --no-local-syslog --syslog udp://127.0.0.1:P

The incident: once the adjacency is Full, H1 sends router-bound UDP to R1
at FS_FLOOD_PPS (default 20000) for up to 30 s; two seconds in, R1's bird
is stopped (SIGSTOP) for 6 s, past the dead interval, then continued.

Asserts, from floodspot's JSON lines and rsyslog's files:
  a. an alert (raised) naming H1's MAC and IP within a few seconds of the
     flood's start;
  b. an ospf_adjacency event to "down" naming both router ids;
  c. an alert with rule "culprit" naming H1's MAC (and IP), at most 1 s
     (packet time) after the routing symptom that triggered it, and in
     the same 100 ms slice when that symptom is a late hello;
  d. rsyslog received an RFC 5424 message (parsed strictly from the raw
     datagram, and as rsyslog itself parsed it) from app "floodspot" whose
     structured data [floodspot@32473 ...] (--sd-id) has rule="culprit" and
     mac="<H1's MAC>";
  e. no alert names any other host's MAC (a router's own MAC may appear in
     an alert about that router, i.e. one carrying its router_id).
Prints floodspot's final stats (SIGTERM), capture drops included, and
checks that alerts carrying drops= stay within them (lossy=yes iff
drops>0). Skips (77) only where namespaces, bird or rsyslogd are
unavailable. FS_FLOOD_PPS lowers the flood rate on a slow machine;
FS_SYSLOG_PROTO=tcp sends to rsyslog over TCP (RFC 6587 octet counting)
instead of UDP."""
import calendar
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

R1, R2 = "1.1.1.1", "2.2.2.2"
DEAD = 4
STOP_S = 6
FLOOD_S = 30
NAME_WITHIN_S = 5       # (a): shipped rule holds for 1 s, + 1 s tick slack
SYSLOG_PORT = 5514
SD_ID = "floodspot@32473"   # RFC 5612's documentation number: a test
MAC_RX = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")


def fail(msg, L=None):
    print("FAIL: " + msg)
    if L:
        for f in ("floodspot.out", "floodspot.err", "r1.log", "r2.log",
                  "flood-h1.out", "rsyslogd.err", "syslog.out",
                  "syslog.raw"):
            print("---- %s\n%s" % (f, L.read(f)[-4000:]))
    sys.exit(1)


# ---- RFC 5424 -------------------------------------------------------------

HEADER_RX = re.compile(
    r"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) ")
PARAM_RX = re.compile(r' ([^= \]"]{1,32})="((?:[^"\\\]]|\\["\\\]])*)"')


def parse_sd(s):
    """Parses STRUCTURED-DATA at the start of s: returns ({sd_id: {name:
    value}}, rest) or (None, reason). '-' is the nil value."""
    if s.startswith("-"):
        return {}, s[1:]
    out = {}
    while s.startswith("["):
        m = re.match(r'\[([^= \]"]{1,32})', s)
        if not m:
            return None, "bad SD-ID at %r" % s[:40]
        sd_id, s = m.group(1), s[m.end():]
        params = {}
        while not s.startswith("]"):
            m = PARAM_RX.match(s)
            if not m:
                return None, "bad SD-PARAM at %r" % s[:60]
            params[m.group(1)] = re.sub(r'\\(["\\\]])', r"\1", m.group(2))
            s = s[m.end():]
        out[sd_id] = params
        s = s[1:]
    if not out:
        return None, "no structured data"
    return out, s


def parse_rfc5424(line):
    """A whole RFC 5424 message (as received) -> dict, or (None, reason)."""
    m = HEADER_RX.match(line)
    if not m:
        return None, "no RFC 5424 header"
    pri = int(m.group(1))
    if pri > 191:
        return None, "PRI %d out of range" % pri
    ts = m.group(2)
    if ts != "-" and not re.match(
            r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$",
            ts):
        return None, "bad TIMESTAMP %r" % ts
    sd, rest = parse_sd(line[m.end():])
    if sd is None:
        return None, rest
    if rest and not rest.startswith(" "):
        return None, "no space between SD and MSG"
    return {"pri": pri, "ts": ts, "host": m.group(3), "app": m.group(4),
            "procid": m.group(5), "msgid": m.group(6), "sd": sd,
            "msg": rest[1:]}, None


def parse_plain(line):
    """A line of lab.start_rsyslog's fsplain template: TIMESTAMP HOSTNAME
    APP-NAME PROCID MSGID STRUCTURED-DATA MSG, as rsyslog parsed it."""
    f = line.split(" ", 5)
    if len(f) < 6:
        return None
    sd, rest = parse_sd(f[5])
    if sd is None:
        return None
    return {"ts": f[0], "host": f[1], "app": f[2], "procid": f[3],
            "msgid": f[4], "sd": sd, "msg": rest.strip()}


def syslog_culprit(path, mac, parser):
    """Messages of path from floodspot with a culprit SD naming mac."""
    found = []
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return found, []
    bad = []
    for line in lines:
        if not line.strip():
            continue
        r = parser(line)
        msg = r[0] if isinstance(r, tuple) else r
        if msg is None:
            bad.append((line, r[1] if isinstance(r, tuple) else "unparsed"))
            continue
        sd = msg["sd"].get(SD_ID)
        if (msg["app"] == "floodspot" and sd and
                sd.get("rule") == "culprit" and sd.get("mac") == mac):
            found.append(msg)
    return found, bad


# ---- the test -------------------------------------------------------------

def alert_macs(e):
    """(key, value) of every MAC-valued member of an alert."""
    return [(k, v) for k, v in e.items()
            if isinstance(v, str) and MAC_RX.match(v)]


def ts_s(ts):
    """floodspot's ISO 8601 UTC ms timestamp -> seconds since the epoch."""
    return calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + \
        float("0" + ts[19:].rstrip("Z"))


def check_trigger(fs, ev_c, mark, rid, L):
    """The culprit alert came at most 1 s after its trigger, in the same
    slice when the trigger is the late hello of router rid."""
    t_c = ts_s(ev_c["ts"])
    if ev_c.get("trigger") == "hello-late":
        lates = [e for e in fs.snapshot()[mark:]
                 if e.get("event") == "hello_late" and
                 e.get("router_id") == rid and ts_s(e["ts"]) <= t_c]
        late = lates[-1] if lates else None
        if late is None:
            fail("(c) culprit triggered by a late hello, but no hello_late "
                 "event for %s" % rid, L)
        t_l = ts_s(late["ts"])
        # The alert is stamped with the end of its slice: the late hello
        # lies in (end - 100 ms, end].
        if not 0 <= t_c - t_l < 0.1 + 1e-6:
            fail("(c) culprit at %s, not in the slice of the late hello at "
                 "%s" % (ev_c["ts"], late["ts"]), L)
        print("(c) culprit %.3f s after the late hello, same slice" %
              (t_c - t_l))
    elif ev_c.get("trigger") == "adjacency-down":
        downs = [e for e in fs.snapshot()[mark:]
                 if e.get("event") == "ospf_adjacency" and
                 e.get("to") == "down" and ts_s(e["ts"]) <= t_c]
        down = downs[-1] if downs else None
        if down is None or not 0 <= t_c - ts_s(down["ts"]) <= 1.0:
            fail("(c) culprit at %s not within 1 s of the loss %r" % (
                ev_c["ts"], down), L)
    else:
        fail("(c) culprit with trigger %r" % ev_c.get("trigger"), L)


def adj(e, to):
    return (e.get("event") == "ospf_adjacency" and e.get("to") == to and
            {e.get("router_id"), e.get("neighbor_id")} == {R1, R2})


def main():
    exe = os.environ.get("FS_FLOODSPOT")
    if not exe or not os.access(exe, os.X_OK):
        lab.skip("FS_FLOODSPOT not set to the built floodspot "
                 "(run through meson test)")
    reason = lab.skip_reason(need_bird=True, need=["rsyslogd", "ss"])
    if reason:
        lab.skip(reason)
    pps = int(os.environ.get("FS_FLOOD_PPS", "20000"))
    proto = os.environ.get("FS_SYSLOG_PROTO", "udp")
    if proto not in ("udp", "tcp"):
        fail("FS_SYSLOG_PROTO must be udp or tcp, not %r" % proto)

    with lab.Lab() as L:
        L.add_switch()
        L.add_router("r1", "10.0.0.1/24", R1, stubs=["10.1.1.0/24"],
                     priority=10, dead=DEAD)
        L.add_router("r2", "10.0.0.2/24", R2, stubs=["10.2.1.0/24"],
                     dead=DEAD)
        h1 = L.add_host("h1", "10.0.0.13/24")
        h2 = L.add_host("h2", "10.0.0.14/24")
        L.add_monitor("mon")
        raw = os.path.join(L.dir, "syslog.raw")
        _, plain = L.start_rsyslog("mon", SYSLOG_PORT, raw_file=raw)

        fs = L.spawn_json("mon", [exe, "-i", "span0", "--json",
                                  "--sd-id", SD_ID,
                                  "--no-local-syslog", "--syslog",
                                  "%s://127.0.0.1:%d" % (proto,
                                                          SYSLOG_PORT)],
                          "floodspot")
        time.sleep(1.0)
        if fs.proc.poll() is not None:
            fail("floodspot exited %s at start" % fs.proc.returncode, L)
        L.start_bird("r1")
        L.start_bird("r2")
        # The bystander: 5 packets/s at R1 the whole time.
        L.start_flood("h2", L.nodes["r1"]["ip"], pps=5, seconds=60)

        i_full, ev = fs.wait_for(lambda e: adj(e, "full"), 45)
        if ev is None:
            fail("no ospf_adjacency to full between %s and %s (bird: %s)"
                 % (R1, R2, L.ospf_neighbor_state("r1", R2)), L)
        print("full: %r" % ev)
        # Some quiet seconds: the hosts' history before the flood.
        time.sleep(3.0)

        mark = len(fs.snapshot())
        flood = L.start_flood("h1", L.nodes["r1"]["ip"], pps=pps,
                              seconds=FLOOD_S)
        t_flood = time.monotonic()

        def names_h1(e):
            return (e.get("event") == "alert" and e.get("state") == "raised"
                    and e.get("mac") == h1["mac"] and
                    e.get("ip") == h1["ip"])
        i_a, ev = fs.wait_for(names_h1, NAME_WITHIN_S + 5, start=mark)
        took_a = time.monotonic() - t_flood
        if ev is None or took_a > NAME_WITHIN_S:
            fail("(a) no alert naming %s %s within %d s of the flood start "
                 "(%s after %.1f s)" % (h1["mac"], h1["ip"], NAME_WITHIN_S,
                                        ev, took_a), L)
        print("(a) named after %.1f s: %r" % (took_a, ev))

        # The router starves while the flood runs.
        time.sleep(max(0.0, 2.0 - (time.monotonic() - t_flood)))
        L.signal("r1", signal.SIGSTOP)
        t_stop = time.monotonic()
        i_b, ev_b = fs.wait_for(lambda e: adj(e, "down"), DEAD + 6,
                                start=i_full + 1)
        took_b = time.monotonic() - t_stop
        time.sleep(max(0.0, STOP_S - (time.monotonic() - t_stop)))
        L.signal("r1", signal.SIGCONT)
        if ev_b is None:
            fail("(b) no ospf_adjacency to down naming %s and %s within "
                 "%d s of SIGSTOP" % (R1, R2, DEAD + 6), L)
        print("(b) down %.1f s after SIGSTOP: %r" % (took_b, ev_b))

        i_c, ev_c = fs.wait_for(lambda e: e.get("event") == "alert" and
                                e.get("rule") == "culprit" and
                                e.get("mac") == h1["mac"], 10, start=mark)
        if ev_c is None:
            fail("(c) no culprit alert naming %s" % h1["mac"], L)
        if ev_c.get("ip") != h1["ip"]:
            fail("(c) culprit alert names ip %r, want %s: %r" % (
                ev_c.get("ip"), h1["ip"], ev_c), L)
        print("(c) culprit: %r" % ev_c)
        check_trigger(fs, ev_c, mark, R1, L)
        # The incident's culprit alert tells the lost adjacency within 1 s
        # (packet time) of the loss: raised then, or re-sent as active.
        t_down = ts_s(ev_b["ts"])
        _, ev_c2 = fs.wait_for(
            lambda e: (e.get("event") == "alert" and
                       e.get("rule") == "culprit" and
                       e.get("mac") == h1["mac"] and
                       e.get("state") in ("raised", "active") and
                       0 <= ts_s(e["ts"]) - t_down <= 1.0 and
                       R1 in ",".join(e.get("adjacencies", [])) and
                       R2 in ",".join(e.get("adjacencies", []))), 5,
            start=i_b + 1)
        if ev_c2 is None:
            fail("(c) no culprit alert naming %s and the adjacency %s-%s "
                 "within 1 s of its loss at %s" % (h1["mac"], R1, R2,
                                                   ev_b["ts"]), L)
        print("(c) culprit after the loss: %s %s adjacencies=%s" % (
            ev_c2["state"], ev_c2["ts"], ev_c2["adjacencies"]))

        line = L.wait_file_match(raw, r"culprit.*mac=\"%s\"" % h1["mac"], 10)
        found_raw, bad_raw = syslog_culprit(raw, h1["mac"], parse_rfc5424)
        found_pl, _ = syslog_culprit(plain, h1["mac"], parse_plain)
        if bad_raw:
            fail("(d) rsyslog received messages that are not RFC 5424: %r"
                 % bad_raw[:3], L)
        if not found_raw or line is None:
            fail("(d) no RFC 5424 culprit message naming %s in %s" % (
                h1["mac"], raw), L)
        if not found_pl:
            fail("(d) rsyslog's own parse of the culprit message lacks "
                 "app floodspot or [%s ... mac=\"%s\"]" % (SD_ID, h1["mac"]),
                 L)
        m = found_raw[0]
        if m["msgid"] != ev_c.get("kind") or m["sd"][SD_ID].get("ip") != \
                h1["ip"]:
            fail("(d) syslog culprit message disagrees with the JSON alert: "
                 "%r vs %r" % (m, ev_c), L)
        print("(d) rsyslog: app=%s msgid=%s sd=%r" % (
            found_pl[0]["app"], found_pl[0]["msgid"], found_pl[0]["sd"]))

        # Let the flood end and alerts settle, then stop floodspot.
        try:
            flood.wait(timeout=FLOOD_S + 10)
        except Exception:
            pass
        print("flood: %s" % L.read("flood-h1.out").strip())
        if fs.proc.poll() is not None:
            fail("floodspot exited %s during the test" % fs.proc.returncode,
                 L)
        fs.proc.send_signal(signal.SIGTERM)
        try:
            rc = fs.proc.wait(timeout=15)
        except Exception:
            fail("floodspot did not exit on SIGTERM", L)
        _, st = fs.wait_for(lambda e: e.get("event") == "stats", 5)
        if rc != 0:
            fail("floodspot exited %s on SIGTERM" % rc, L)
        if st is None or "capture_dropped" not in st:
            fail("no final stats with capture drops: %r" % st, L)
        print("stats: packets=%s capture_received=%s capture_dropped=%s "
              "interface_dropped=%s alerts_raised=%s" % (
                  st.get("packets"), st.get("capture_received"),
                  st.get("capture_dropped"), st.get("interface_dropped"),
                  st.get("alerts_raised")))

        # (e) over every alert of the run.
        routers = {L.nodes[r]["mac"]: L.nodes[r]["router_id"]
                   for r in ("r1", "r2")}
        alerts = [e for e in fs.snapshot() if e.get("event") == "alert"]
        for e in alerts:
            for k, v in alert_macs(e):
                if v == h1["mac"]:
                    continue
                if k == "mac" and routers.get(v) == e.get("router_id"):
                    continue
                fail("(e) alert names %s=%s (not the flooder %s): %r" % (
                    k, v, h1["mac"], e), L)
        # Alerts that report capture drops stay within what the capture
        # dropped in all, and say lossy exactly when they count some.
        total_drops = st["capture_dropped"] + st.get("interface_dropped", 0)
        for e in alerts:
            if "drops" not in e:
                continue
            if not 0 <= e["drops"] <= total_drops or \
                    e.get("lossy") is not (e["drops"] > 0):
                fail("alert's drops=%r lossy=%r disagree with the capture's "
                     "%d drops: %r" % (e["drops"], e.get("lossy"),
                                       total_drops, e), L)
            print("    %s %s: drops=%s lossy=%s" % (
                e["rule"], e["state"], e["drops"], e.get("lossy")))
        print("(e) %d alerts, none naming another host: %s" % (
            len(alerts), sorted({(e.get("rule"), e.get("state"))
                                 for e in alerts})))
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
