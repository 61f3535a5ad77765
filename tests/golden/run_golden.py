#!/usr/bin/env python3
"""Golden tests: generated capture + options -> expected JSON lines.

Each line of LIST: NAME SCENARIO SEED [fs-gen args --] [floodspot options].
The capture is made by tools/fs-gen (deterministic), replayed with --json,
and the output compared with NAME.expected. Output depends only on packet
time, so any difference is a behaviour change: read the diff, and if it is
intended, regenerate with tools/golden-update and commit the new files.

usage: run_golden.py FLOODSPOT SRC_ROOT WORKDIR [--update] [NAME...]"""
import difflib
import os
import shlex
import subprocess
import sys


def cases(src_root):
    with open(os.path.join(src_root, "tests", "golden", "LIST")) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = shlex.split(line)
            if len(words) < 3:
                sys.exit(f"LIST:{n}: want NAME SCENARIO SEED [gen args --] [options]")
            name, scenario, seed, rest = words[0], words[1], words[2], words[3:]
            gen_args, options = [], rest
            if "--" in rest:
                i = rest.index("--")
                gen_args, options = rest[:i], rest[i + 1:]
            yield name, scenario, seed, gen_args, options


def capture(src_root, workdir, scenario, seed, gen_args):
    key = "-".join([scenario, seed] + [a.strip("-") for a in gen_args])
    path = os.path.join(workdir, key + ".pcap")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        subprocess.run([sys.executable, os.path.join(src_root, "tools", "fs-gen"),
                        scenario, "-o", tmp, "--seed", seed,
                        "--truth", path[:-5] + ".truth.json", *gen_args],
                       check=True)
        os.rename(tmp, path)
    return path


def main():
    args = sys.argv[1:]
    update = "--update" in args
    args = [a for a in args if a != "--update"]
    fs, src_root, workdir = args[:3]
    only = set(args[3:])
    os.makedirs(workdir, exist_ok=True)
    passed = failed = 0
    for name, scenario, seed, gen_args, options in cases(src_root):
        if only and name not in only:
            continue
        pcap = capture(src_root, workdir, scenario, seed, gen_args)
        cmd = [fs, "-r", pcap, "--json", "--no-local-syslog", "--seed", "1",
               "--name", "golden", "--rules", os.path.join(src_root, "rules"),
               *options]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, TZ="UTC"))
        got = p.stdout
        if p.returncode != 0:
            print(f"FAIL {name}: exit {p.returncode}\n{p.stderr[-3000:]}")
            failed += 1
            continue
        expected_path = os.path.join(src_root, "tests", "golden", name + ".expected")
        if update:
            with open(expected_path, "w") as f:
                f.write(got)
            print(f"updated {expected_path}")
            passed += 1
            continue
        try:
            with open(expected_path) as f:
                want = f.read()
        except FileNotFoundError:
            print(f"FAIL {name}: {expected_path} missing (run tools/golden-update)")
            failed += 1
            continue
        if got == want:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name}: output differs from {name}.expected")
            sys.stdout.writelines(list(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True),
                name + ".expected", name + ".got", n=1))[:200])
    print(f"golden: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
