#!/usr/bin/env python3
"""Fails when a file includes a header from a layer above its own.

Each module (a directory of src/ and the public headers it owns in
include/floodspot/) sits on a layer. A file may include headers of its own
module and of modules on lower layers, never of a module on its own layer
or above: data moves one way, and a reader can learn the code bottom-up.
docs/ARCHITECTURE.md draws the same table; a new module or public header
must be placed here before it builds into the suite.

Usage: check_layers.py SOURCE_ROOT
"""
import os
import re
import sys

# layer, module, the public headers it owns (include/floodspot/<name>)
LAYERS = [
    (0, "base", ["pkt.h", "cursor.h", "fmt.h", "log.h", "event.h",
                 "clock.h", "gap.h", "hash.h", "thread.h"]),
    (1, "decode", ["decode.h", "ospf_msg.h", "bgp_msg.h", "bfd_msg.h",
                   "fhrp_msg.h"]),
    (1, "session", ["session.h"]),
    (1, "kernel", ["kernel.h"]),
    (1, "alert", ["alert.h"]),
    (1, "evidence", ["evidence.h"]),
    (2, "capture", ["capture.h"]),
    (2, "hosts", ["hosts.h", "baseline.h", "routers.h"]),
    (3, "ospf", ["ospf.h"]),
    (3, "bgp", ["bgp.h"]),
    (3, "bfd", ["bfd.h"]),
    (3, "fhrp", ["fhrp.h"]),
    (4, "rules", ["rules.h", "detect.h", "health.h"]),
    (4, "store", ["store.h"]),
    (5, "html", ["html.h"]),
    (5, "metrics", ["metrics.h"]),
    (6, "core", ["agent.h", "config.h", "options.h", "output.h"]),
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(root):
    rank = {m: r for r, m, _ in LAYERS}
    owner = {}
    for _, mod, headers in LAYERS:
        for h in headers:
            owner["floodspot/" + h] = mod
    problems = []

    pub = os.path.join(root, "include", "floodspot")
    for h in sorted(os.listdir(pub)):
        if h.endswith(".h") and "floodspot/" + h not in owner:
            problems.append("include/floodspot/%s: public header on no layer "
                            "(add it to tests/layers/check_layers.py)" % h)
    files = []
    src = os.path.join(root, "src")
    for d in sorted(os.listdir(src)):
        path = os.path.join(src, d)
        if not os.path.isdir(path):
            continue
        if d not in rank:
            problems.append("src/%s: module on no layer (add it to "
                            "tests/layers/check_layers.py)" % d)
            continue
        for base, _, names in os.walk(path):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    files.append((d, os.path.join(base, n)))
    for h, mod in owner.items():
        files.append((mod, os.path.join(root, "include", h)))

    for mod, path in files:
        rel = os.path.relpath(path, root)
        try:
            text = open(path, encoding="utf-8").read()
        except FileNotFoundError:
            problems.append("%s: listed on layer %s but missing" % (rel, mod))
            continue
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            if inc.startswith("floodspot/"):
                other = owner.get(inc)
                if other is None:
                    problems.append("%s:%d: includes %s, a header on no layer"
                                    % (rel, line, inc))
                elif other != mod and rank[other] >= rank[mod]:
                    problems.append(
                        "%s:%d: %s (layer %d) includes %s of %s (layer %d)"
                        % (rel, line, mod, rank[mod], inc, other,
                           rank[other]))
            elif "/" in inc and inc != "fs_config.h":
                # A private header of another module, reached by path.
                problems.append("%s:%d: includes %s: another module's "
                                "private header" % (rel, line, inc))
    for p in problems:
        print(p)
    print("layers: %d files checked, %d problems" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
