#!/usr/bin/env python3
"""The documents agree with the program: every option of --help is in
floodspot(8), every configuration key in floodspot.conf(5) and none there
that the program lacks; the shipped configuration passes floodspot -t; the
rules language names its metrics as the parser does; the RRD size stated
in the README and man page is what the default archives give.

usage: test_docs.py FLOODSPOT SRC_ROOT BUILD_CONF"""
import os
import re
import subprocess
import sys

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

# Metrics: what the parser rejects it names in floodspot.rules(5).
rules5 = man_text("floodspot.rules.5")
for m in ("host.pps", "host.ctrl_pps", "host.share", "segment.new_macs",
          "router.hello_late_ratio", "ospf.adjacency_down",
          "kernel.route_flaps"):
    check(m in rules5, "floodspot.rules.5 lacks %s" % m)
r = subprocess.run([FS, "--check-rules", "/dev/stdin"], input=
                   "rule x {\n when host.nope_pps > 1\n}\n",
                   capture_output=True, text=True)
check("floodspot.rules(5)" in r.stderr, "parser error points elsewhere: %r" % r.stderr)

# to_router: one definition, as the code has it (routers.c: punted_from_l2).
readme = open(os.path.join(SRC, "README.md")).read()
for name, text in (("README.md", readme), ("floodspot.rules.5", rules5)):
    flat = " ".join(text.split())
    check("Routed traffic through a gateway is not to_router" in flat,
          "%s: to_router definition differs" % name)

# RRD size of a host file with the default archives: 6 data sources, AVERAGE
# and MAX, 3600 + 8640 + 10080 + 105120 rows, 8 bytes each.
rows = 3600 + 86400 // 10 + 7 * 86400 // 60 + 365 * 86400 // 300
mib = 6 * 2 * rows * 8 / 2**20
stated = "%.1f MiB" % mib
check(stated in readme, "README lacks the host RRD size %s" % stated)
check(stated.replace(" ", " ") in man8 or "11.7 MiB" in man8,
      "floodspot.8 lacks the host RRD size %s" % stated)

sys.exit(done("docs"))
