#!/usr/bin/env python3
"""The documents agree with the program: every option of --help is in
floodspot(8), every configuration key in floodspot.conf(5) and none there
that the program lacks; the shipped configuration passes floodspot -t;
floodspot.rules(5) lists exactly the metrics of the parser's table and
the rules shipped in rules/*.rules (the health ones in floodspot(8) too);
floodspot(8) lists exactly the JSON event types the code prints, the
members a replay prints in host, router and stats objects, and every
alert field the detector adds; the RRD size and the hosts memory bound
stated in the README and man pages are what the program gives.

usage: test_docs.py FLOODSPOT SRC_ROOT BUILD_CONF"""
import glob
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

FS, SRC, CONF = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, done  # noqa: E402


def man_text(name):
    with open(os.path.join(SRC, "man", name)) as f:
        # roff escapes for '-' and font changes, so names read plainly
        return re.sub(r"\\f[BIRPV]|\\f\[[A-Z]*\]", "", f.read()).replace("\\-", "-")


help_out = subprocess.run([FS, "--help"], capture_output=True, text=True).stdout
longs = re.findall(r"--([a-z][a-z-]+)", help_out)
check(len(longs) > 25, "too few options in --help: %r" % longs)
man8 = man_text("floodspot.8")
conf5 = man_text("floodspot.conf.5")
for o in longs:
    check(re.search(r"--%s\b" % re.escape(o), man8) or
          (o in ("verbose", "check-config", "help", "version") and
           re.search(r"-%s\b" % o, man8)),
          "floodspot.8 does not document --%s" % o)
cli_only = {"config", "check-config", "check-rules", "help", "version",
            "no-local-syslog"}
keys = set(re.findall(r"^\.B[IR]? ([a-z][a-z\\-]+)", conf5, re.M))
keys = {k.replace("\\", "") for k in keys}
for o in longs:
    if o in cli_only:
        continue
    check(o in keys, "floodspot.conf.5 does not document the key %s" % o)
for k in re.findall(r"^\.TP\n\.B[IR]? ([a-z][a-z-]+)", conf5, re.M):
    check(k in longs or k == "include",
          "floodspot.conf.5 documents '%s', which floodspot lacks" % k)

# The shipped configuration passes -t with the source tree's rules.
r = subprocess.run([FS, "-t", "--config", CONF, "--rules",
                    os.path.join(SRC, "rules")], capture_output=True, text=True)
check(r.returncode == 0, "floodspot -t on the shipped file: %s" % r.stderr)


def section(text, title):
    """The roff text of the .SH section whose title starts with title."""
    m = re.search(r"^\.SH %s[^\n]*\n(.*?)(?=^\.SH |\Z)" % re.escape(title),
                  text, re.M | re.S)
    check(m, "no section %s" % title)
    return m.group(1) if m else ""


def tags(text):
    """Tag line -> body of every .TP item, macros and quotes dropped; items
    indented in .RS/.RE are part of the item that holds them."""
    text = re.sub(r"^\.RS\n.*?^\.RE\n",
                  lambda m: m.group(0).replace("\n.TP\n", "\n.IP\n"),
                  text, flags=re.M | re.S)
    out = {}
    for item in re.split(r"^\.TP\n", text, flags=re.M)[1:]:
        head, _, body = item.partition("\n")
        head = re.sub(r"^\.[A-Z]+ ", "", head).replace('"', "")
        out[head] = body
    return out


def names(tag_lines):
    """Names of comma-separated tag lines; ".field" takes the subject of
    the name before it (segment.pps, .bps)."""
    out = set()
    for line in tag_lines:
        subj = ""
        for n in (x.strip() for x in line.split(",")):
            if n.startswith(".") and subj:
                n = subj + n
            subj = n.split(".")[0] if "." in n else subj
            out.add(n)
    return out


# Metrics: floodspot.rules(5) lists those of the parser's table, no more.
rules5 = man_text("floodspot.rules.5")
with open(os.path.join(SRC, "src", "rules", "metric.c")) as f:
    table = re.findall(r'\[FS_F_\w+\] = \{ "([^"]+)",\s*([^,]+),', f.read())
code_metrics = {"%s.%s" % (subj.lower(), name) for name, subjects in table
                for subj in re.findall(r"FS_SUBJ_(\w+)", subjects)}
check(len(code_metrics) > 25, "metric table not read: %r" % code_metrics)
doc_metrics = names(tags(section(rules5, "METRICS")))
for m in sorted(code_metrics - doc_metrics):
    check(False, "floodspot.rules.5 METRICS lacks %s" % m)
for m in sorted(doc_metrics - code_metrics):
    check(False, "floodspot.rules.5 METRICS names %s, which the parser lacks" % m)
r = subprocess.run([FS, "--check-rules", "/dev/stdin"], input=
                   "rule x {\n when host.nope_pps > 1\n}\n",
                   capture_output=True, text=True)
check("floodspot.rules(5)" in r.stderr, "parser error points elsewhere: %r" % r.stderr)


def rule_names(path):
    r = subprocess.run([FS, "--check-rules", path, "-v"], capture_output=True,
                       text=True)
    check(r.returncode == 0, "--check-rules %s: %s" % (path, r.stderr))
    return set(re.findall(r"^rule (\S+) \{", r.stdout, re.M))


# Shipped rules: each file's rules, as the parser reads them, are the ones
# floodspot.rules(5) describes; the health rules are in floodspot(8) too.
shipped = set()
for path in sorted(glob.glob(os.path.join(SRC, "rules", "*.rules"))):
    got = rule_names(path)
    check(got, "%s: no rules" % path)
    shipped |= got
    if path.endswith("health.rules"):
        health_sec = man8[man8.find(".SS HEALTH"):man8.find(".SH METRICS")]
        health = names(re.sub(r" \(kinds? .*", "", t) for t in tags(health_sec))
        for n in sorted(got - health):
            check(False, "floodspot.8 HEALTH lacks the rule %s" % n)
doc_rules = names(tags(section(rules5, "SHIPPED RULES")))
for n in sorted(shipped - doc_rules):
    check(False, "floodspot.rules.5 SHIPPED RULES lacks the rule %s" % n)
for n in sorted(doc_rules - shipped):
    check(False, "floodspot.rules.5 describes the rule %s, which rules/ lacks" % n)

# JSON events: the types the code prints are the ones OUTPUT lists.
printed = set()
for path in glob.glob(os.path.join(SRC, "src", "**", "*.c"), recursive=True):
    with open(path) as f:
        printed |= set(re.findall(r'\\"event\\":\\"([a-z_]+)\\"', f.read()))
check(len(printed) >= 14, "JSON event printers not found: %r" % printed)
out8 = tags(section(man8, "OUTPUT"))
for e in sorted(printed - names(out8)):
    check(False, "floodspot.8 OUTPUT lacks the JSON event %s" % e)
for e in sorted(names(out8) - printed):
    check(False, "floodspot.8 OUTPUT lists the JSON event %s, which nothing prints" % e)

# Alert fields the detector adds by name are in floodspot(8) ALERTS.
alerts8 = section(man8, "ALERTS")
keys = set()
for path in glob.glob(os.path.join(SRC, "src", "rules", "*.c")):
    with open(path) as f:
        keys |= set(re.findall(r'fs_alert_add\w*\(\s*[^,()]+,\s*"([a-z_]+)"',
                               f.read()))
check(len(keys) > 20, "alert fields not found: %r" % keys)
for k in sorted(keys):
    check(re.search(r"\b%s\b" % k, alerts8), "floodspot.8 ALERTS lacks the field %s" % k)


def pcap(frames, path):
    """A pcap of Ethernet frames, one a second from 2026-01-01."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1767225600 + i, 0, len(fr), len(fr)))
            f.write(fr)


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b + b"\0" * (len(b) % 2)))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


# A replay's host, router and stats objects: every member is in OUTPUT.
# An ICMP redirect makes its sender a router learned from the wire.
gw, host = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
inner = ipv4([10, 0, 0, 2], [192, 0, 2, 1], 17, b"\0" * 8)
icmp = struct.pack("!BBH4s", 5, 1, 0, bytes([10, 0, 0, 9])) + inner
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
frame = host + gw + b"\x08\x00" + ipv4([10, 0, 0, 1], [10, 0, 0, 2], 1, icmp)
with tempfile.TemporaryDirectory() as tmp:
    cap = os.path.join(tmp, "redirect.pcap")
    pcap([frame, frame], cap)
    r = subprocess.run([FS, "-r", cap, "--json", "--no-local-syslog", "--rules",
                        os.path.join(SRC, "rules"), "--evidence",
                        os.path.join(tmp, "ev")], capture_output=True, text=True)
    check(r.returncode == 0, "replay: %s" % r.stderr)
    objs = [json.loads(line) for line in r.stdout.splitlines()]
seen = {}
for o in objs:
    seen.setdefault(o["event"], set()).update(o)
for ev in ("host", "router", "router_learned", "stats"):
    check(ev in seen, "the replay printed no %s object: %r" % (ev, objs))
    body = next((b for t, b in out8.items() if ev in names([t])), "")
    for k in sorted(seen.get(ev, set()) - {"event", "ts"}):
        check(re.search(r"\b%s\b" % k, body),
              "floodspot.8 OUTPUT %s lacks the member %s" % (ev, k))
bound = next((o["memory_bound_bytes"] for o in objs if o["event"] == "stats"), 0)

# to_router: one definition, as the code has it (routers.c: punted_from_l2).
readme = open(os.path.join(SRC, "README.md")).read()
for name, text in (("README.md", readme), ("floodspot.rules.5", rules5)):
    flat = " ".join(text.split())
    check("Routed traffic through a gateway is not to_router" in flat,
          "%s: to_router definition differs" % name)

# RRD size of a host file with the default archives: 6 data sources, AVERAGE
# and MAX, 1800 + 2160 + 2880 + 4320 + 8760 rows, 8 bytes each.
rows = 1800 + 6 * 3600 // 10 + 2 * 86400 // 60 + 30 * 86400 // 600 + 8760
mib = 6 * 2 * rows * 8 / 2**20
stated = "%.1f MiB" % mib
check(mib <= 2.0, "a host file is above 2 MiB: %s" % stated)
check(stated in readme, "README lacks the host RRD size %s" % stated)
check(stated in man8, "floodspot.8 lacks the host RRD size %s" % stated)

# The hosts bound at the default capacity, as the stats give it.
mib = "%.1f MiB" % (bound / 2**20)
memory_md = readme[readme.find("## Memory bound"):readme.find("## Performance")]
for name, text in (("README.md Memory bound", memory_md), ("floodspot.8", man8),
                   ("floodspot.conf.5", conf5)):
    check(bound and mib in text, "%s lacks the hosts bound %s" % (name, mib))

sys.exit(done("docs"))
