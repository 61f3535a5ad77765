#!/usr/bin/env python3
"""systemd-analyze verify on the configured unit (an instance of it, the
program path pointed at the build), and the offline security exposure
figure, which must stay below MAX_EXPOSURE. Skips (77) where
systemd-analyze is missing.

usage: test_unit_verify.py UNIT FLOODSPOT"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MAX_EXPOSURE = 2.5    # measured 1.6; "OK" in systemd's words is below 4.0


def main():
    unit, exe = sys.argv[1], sys.argv[2]
    sa = shutil.which("systemd-analyze")
    if not sa:
        print("SKIP: systemd-analyze not installed")
        return 77
    text = open(unit).read()
    m = re.search(r"^ExecStart=(\S+)", text, re.M)
    if not m:
        print("FAIL: no ExecStart in %s" % unit)
        return 1
    text = text.replace(m.group(1), os.path.abspath(exe))
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name in ("floodspot@.service", "floodspot@eth0.service"):
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run([sa, "verify", "--man=no", path],
                               capture_output=True, text=True, timeout=60)
            out = (r.stdout + r.stderr).strip()
            # Only this unit's own problems count; the host's other units
            # (a container's half-present systemd) are not ours to judge.
            ours = [l for l in out.splitlines() if "floodspot@" in l]
            if r.returncode != 0 or ours:
                print("FAIL: systemd-analyze verify %s: exit %d\n%s"
                      % (name, r.returncode, out))
                failed += 1
            else:
                print("verify %s: OK" % name)
        r = subprocess.run([sa, "security", "--offline=yes", "--no-pager",
                            os.path.join(d, "floodspot@eth0.service")],
                           capture_output=True, text=True, timeout=60)
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)",
                      r.stdout)
        if not m:
            if "offline" in r.stderr:
                print("note: this systemd-analyze has no --offline")
            else:
                print("FAIL: no exposure figure:\n%s%s" % (r.stdout, r.stderr))
                failed += 1
        else:
            level = float(m.group(1))
            print("systemd-analyze security --offline=yes: exposure %.1f %s"
                  % (level, m.group(2)))
            for line in r.stdout.splitlines():
                if line.startswith("\u2717"):
                    print("  " + " ".join(line.split()))
            if level > MAX_EXPOSURE:
                print("FAIL: exposure %.1f above %.1f" % (level, MAX_EXPOSURE))
                failed += 1
    print("unit_verify: %d passed, %d failed" % (2 - min(failed, 2), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
