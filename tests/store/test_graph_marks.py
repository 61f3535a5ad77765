#!/usr/bin/env python3
"""Graphs an operator can trust, on the generated incident replayed with
--rrd-dir and --html:
- events.log holds every alert raised and cleared (not the repeats), as
  the JSON output has them;
- librrd's own legend (floodspot-graph --info) marks adjacency losses apart
  from adjacencies forming, and alerts raised and cleared, on the graphs of
  their router and host, and nowhere else;
- one time zone: librrd prints the last value's time in UTC by default and
  in the local zone with --tz local (TZ=Asia/Kolkata), and the axis labels
  follow (PDF text, when pdftotext is installed); so do the HTML pages;
- views span an hour, a day, a week, a year;
- axes read plain numbers (no "500 m"), counts whole.

usage: test_graph_marks.py FLOODSPOT FLOODSPOT_GRAPH FS_GEN"""
import calendar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, done  # noqa: E402

FS, GRAPH, GEN = sys.argv[1], sys.argv[2], sys.argv[3]
IST = dict(os.environ, TZ="Asia/Kolkata")


def graph(rrd, args, env=None, fmt="png"):
    out = os.path.join(rrd, "..", "g." + fmt)
    r = subprocess.run([GRAPH, "--info", "--format", fmt, "-o", out] + args,
                       capture_output=True, text=True, timeout=60, env=env)
    check(r.returncode == 0, "floodspot-graph %s: %s" % (args, r.stderr))
    info = dict(l.split(" = ", 1) for l in r.stdout.splitlines() if " = " in l)
    return info, out


def legends(info):
    return [v.strip() for k, v in sorted(info.items()) if k.startswith("legend[")]


def pdf_text(path):
    tool = shutil.which("pdftotext")
    if not tool:
        return None
    return subprocess.run([tool, "-layout", path, "-"], capture_output=True,
                          text=True, timeout=30).stdout


with tempfile.TemporaryDirectory() as d:
    pcap = os.path.join(d, "inc.pcap")
    subprocess.run([sys.executable, GEN, "incident", "-o", pcap, "-q"],
                   check=True, timeout=300)
    rrd, html = os.path.join(d, "rrd"), os.path.join(d, "html")
    r = subprocess.run([FS, "-r", pcap, "--json", "--rrd-dir", rrd, "--html", html],
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, "replay: %s" % r.stderr)
    alerts = [json.loads(l) for l in r.stdout.splitlines()
              if l.startswith('{"event":"alert"')]
    # Graphs drawn while the writer updates the same files: neither side
    # loses to the other's lock.
    stats = [json.loads(l) for l in r.stdout.splitlines()
             if l.startswith('{"event":"stats"')][-1]
    check(stats["rrd"]["errors"] == 0 and stats["rrd"]["written"] > 0,
          "RRD updates failed: %r" % stats["rrd"])
    check("could not lock" not in r.stderr, "lock lost: %s" % r.stderr[-1000:])

    # events.log: raised and cleared alerts, with their subject.
    lines = open(os.path.join(rrd, "events.log")).read().splitlines()
    logged = [l.split() for l in lines if l.split()[1] == "alert"]
    want = [(a["state"], a["rule"], a.get("mac", "-"),
             a.get("router_id", "-")) for a in alerts if a["state"] != "active"]
    got = [(w[2], w[3], w[6], w[7]) for w in logged]
    check(sorted(got) == sorted(want), "events.log alerts %r, JSON %r" % (got, want))
    check(any(a["state"] == "active" for a in alerts) and len(got) < len(alerts),
          "repeats are not marks")

    culprit = "02:00:0a:00:00:0d"
    last = int(subprocess.run(["rrdtool", "last", os.path.join(
        rrd, "hosts", "10-" + culprit.replace(":", "-") + ".rrd")],
        capture_output=True, text=True).stdout)

    # Router: losses apart from forming; its alerts; counts whole.
    info, _ = graph(rrd, ["router", rrd, "10.0.0.1"])
    leg = legends(info)
    for l in ("adjacency lost", "adjacency formed (full)", "alert raised",
              "alert cleared"):
        check(l in leg, "router graph lacks %r: %r" % (l, leg))
    check(any(re.fullmatch(r"now \d+", l) for l in leg), "counts not whole: %r" % leg)
    check(any(re.fullmatch(r"\d+\.\d s", l) for l in leg), "gap not in s: %r" % leg)

    # The culprit's graph has its alerts; a quiet host's has none; the
    # segment had no alert of its own.
    info, _ = graph(rrd, ["host", rrd, "10", culprit])
    leg = legends(info)
    check("alert raised" in leg and "alert cleared" in leg, "host marks: %r" % leg)
    check("adjacency lost" not in leg, "adjacency marks on a host graph")
    info, _ = graph(rrd, ["host", rrd, "10", "02:00:0a:00:00:14"])
    check("alert raised" not in legends(info), "marks on a quiet host")
    info, _ = graph(rrd, ["segment", rrd])
    check("alert raised" not in legends(info), "host alerts on the segment graph")

    # One zone: UTC by default whatever TZ says; local when asked.
    def up_to(info, zone):
        """The time librrd printed as the graph's end, read as UTC."""
        for l in legends(info):
            m = re.fullmatch(r"times in %s, up to (.*)" % zone, l)
            if m:
                return calendar.timegm(time.strptime(m.group(1),
                                                     "%Y-%m-%d %H:%M:%S"))
        return None

    # librrd prints the end of its last row (rows of a few seconds).
    info, pdf = graph(rrd, ["host", rrd, "10", culprit], env=IST, fmt="pdf")
    check(int(info["graph_end"]) == last, "host graph ends at its last update")
    t_utc = up_to(info, "UTC")
    check(t_utc is not None and 0 <= t_utc - last <= 10,
          "UTC legend: %r (end %d)" % (legends(info), last))
    text_utc = pdf_text(pdf)
    info, pdf = graph(rrd, ["--tz", "local", "host", rrd, "10", culprit],
                      env=IST, fmt="pdf")
    t_ist = up_to(info, "IST")
    check(t_ist is not None and t_utc is not None and t_ist - t_utc == 19800,
          "local legend: %r" % legends(info))
    text_ist = pdf_text(pdf)
    if text_utc is not None:
        hm = lambda t: time.strftime("%H:%M", time.gmtime(t - t % 600))
        check(hm(last) in text_utc and hm(last + 19800) not in text_utc,
              "UTC axis: %s %r" % (hm(last), text_utc[-600:]))
        check(hm(last + 19800) in text_ist, "IST axis: %r" % text_ist[-600:])
        axis = [l.strip() for l in text_utc.splitlines()
                if re.fullmatch(r"\s*[\d.]+\s*[a-zA-Z]?\s*", l)]
        check(axis and all(re.fullmatch(r"\d+(\.\d+)?", a) for a in axis),
              "axis labels not plain numbers: %r" % axis)
        info, pdf = graph(rrd, ["router", rrd, "10.0.0.1"], fmt="pdf")
        ticks = re.findall(r"^\s*(\S+)\s+(\S+)\s*$", pdf_text(pdf), re.M)
        check(ticks and all(re.fullmatch(r"\d+", b) for a, b in ticks
                            if re.fullmatch(r"\d+(\.\d+)?", a)),
              "router right axis not whole numbers: %r" % ticks)
    else:
        print("note: pdftotext absent, axis labels not read")

    # Views.
    seg_last = int(subprocess.run(["rrdtool", "last", os.path.join(
        rrd, "segment.rrd")], capture_output=True, text=True).stdout)
    for view, span in (("hour", 3600), ("day", 86400), ("week", 604800),
                       ("year", 31536000)):
        info, _ = graph(rrd, ["--view", view, "segment", rrd])
        check(int(info["graph_end"]) - int(info["graph_start"]) == span and
              int(info["graph_end"]) == seg_last,
              "%s view: %r" % (view, (info.get("graph_start"), info.get("graph_end"))))
    r = subprocess.run([GRAPH, "--view", "month", "segment", rrd],
                       capture_output=True, text=True)
    check(r.returncode == 2, "unknown view accepted")

    # Pages: the views exist, times in one zone.
    page = open(os.path.join(html, "index.html")).read()
    for p in ("day.html", "week.html", "year.html"):
        check(os.path.exists(os.path.join(html, p)) and 'href="%s"' % p in page, p)
    zones = set(re.findall(r"\d\d:\d\d:\d\d\.\d{3} (\w+)", page))
    check(zones == {"UTC"}, "page zones %r" % zones)
    check('<div id="headline" class="culprit">' in page and culprit in page,
          "headline")
    html2 = os.path.join(d, "html-ist")
    r = subprocess.run([FS, "-r", pcap, "--tz", "local", "--rrd-dir", rrd + "2",
                        "--html", html2], capture_output=True, text=True,
                       timeout=300, env=IST)
    page = open(os.path.join(html2, "index.html")).read()
    zones = set(re.findall(r"\d\d:\d\d:\d\d\.\d{3} (\w+)", page))
    check(zones == {"IST"}, "local page zones %r" % zones)
    check("As of " + time.strftime("%Y-%m-%d", time.gmtime(last + 19800)) in page,
          "local page date")

sys.exit(done("graph-marks"))
