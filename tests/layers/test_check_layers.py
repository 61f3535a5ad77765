#!/usr/bin/env python3
"""The layer check passes on the source tree and fails on a tree with an
upward include, an unplaced module and an unplaced public header."""
import os
import shutil
import subprocess
import sys
import tempfile

root, script = sys.argv[1], sys.argv[2]


def run(tree):
    r = subprocess.run([sys.executable, script, tree], capture_output=True,
                       text=True)
    return r.returncode, r.stdout


rc, out = run(root)
print(out, end="")
assert rc == 0, "the source tree breaks its own layers"

with tempfile.TemporaryDirectory() as tmp:
    for d in ("src", "include"):
        shutil.copytree(os.path.join(root, d), os.path.join(tmp, d))
    hosts = os.path.join(tmp, "src", "hosts", "hosts.c")
    text = open(hosts).read()
    open(hosts, "w").write('#include "floodspot/detect.h"\n' + text)
    os.mkdir(os.path.join(tmp, "src", "newmod"))
    open(os.path.join(tmp, "include", "floodspot", "new.h"), "w").write("")
    rc, out = run(tmp)
    print(out, end="")
    assert rc == 1, "an upward include was not reported"
    for want in ("src/hosts/hosts.c:1: hosts (layer 2) includes "
                 "floodspot/detect.h of rules (layer 4)",
                 "src/newmod: module on no layer",
                 "include/floodspot/new.h: public header on no layer"):
        assert want in out, "missing: " + want
print("ok")
