"""Helpers for the store tests: run the feed driver, read RRDs back."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import daemons  # noqa: E402
# The store tests call it as st.stop.
from daemons import stop  # noqa: E402,F401

SKIP = 77


def need(prog):
    if shutil.which(prog) is None:
        print(f"SKIP: {prog} not installed")
        sys.exit(SKIP)


def feed(driver, rrd_dir, *args, expect=None, check=True, env=None):
    cmd = [driver, rrd_dir] + [str(a) for a in args]
    if expect:
        cmd += ["--expect", expect]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=90,
                       env=env)
    if check and p.returncode != 0:
        raise SystemExit(f"driver failed ({p.returncode}): {p.stderr}")
    line = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else "{}"
    return json.loads(line), p.stderr, p.returncode


def read_expect(path):
    hosts, seg, router, adj = {}, {}, {}, []
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == "host":
                name = f"{w[1]}-{w[2]}"
                hosts.setdefault(name, {})[int(w[3])] = [int(x) for x in w[4:10]]
            elif w[0] == "segment":
                seg[int(w[1])] = [int(w[2]), int(w[3])]
            elif w[0] == "router":
                router[int(w[2])] = [int(x) for x in w[3:7]]
            elif w[0] == "adj":
                adj.append(w[1:])
    return hosts, seg, router, adj


def fetch(path, start, end, cf="AVERAGE", daemon=None):
    cmd = ["rrdtool", "fetch", path, cf, "-r", "1", "-s", str(start),
           "-e", str(end)]
    if daemon:
        cmd += ["--daemon", daemon]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         timeout=30).stdout
    lines = out.splitlines()
    names = lines[0].split()
    rows = {}
    for line in lines[1:]:
        if ":" not in line:
            continue
        ts, vals = line.split(":", 1)
        rows[int(ts)] = [float(v) for v in vals.split()]
    return names, rows


def info(path):
    out = subprocess.run(["rrdtool", "info", path], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    d = {}
    for line in out.splitlines():
        k, _, v = line.partition(" = ")
        d[k] = v.strip().strip('"')
    return d


def compare_hosts(rrd_dir, hosts, skip_ts=(), daemon=None):
    """Every fed second reads back within 1 packet/s; returns rows checked."""
    checked = 0
    for name, per_ts in hosts.items():
        path = os.path.join(rrd_dir, "hosts", name + ".rrd")
        ts = sorted(per_ts)
        names, rows = fetch(path, ts[0] - 1, ts[-1], daemon=daemon)
        assert names == ["packets", "bytes", "ctrl", "broadcast",
                         "multicast", "arp"], names
        for t in ts:
            if t in skip_ts or t == ts[0]:
                # The first second of a fresh file has no previous value.
                continue
            got = rows.get(t)
            assert got is not None, f"{name}: no row at {t}"
            for i, (g, e) in enumerate(zip(got, per_ts[t])):
                assert not math.isnan(g), f"{name} {names[i]} @{t}: unknown, want {e}"
                assert abs(g - e) <= 1.0, f"{name} {names[i]} @{t}: {g} want {e}"
            checked += 1
    return checked


def tmpdir():
    return tempfile.mkdtemp(prefix="fs-store-")


def start_rrdcached(tmp, base, *extra):
    """rrdcached -g on a unix socket in tmp, base directory base; returns
    (Popen, address) once the socket exists."""
    jdir = os.path.join(tmp, "journal")
    os.makedirs(jdir, exist_ok=True)
    addr = "unix:" + os.path.join(tmp, "rrdcached.sock")
    proc = daemons.start_rrdcached(addr, base,
                                   os.path.join(tmp, "rrdcached.pid"),
                                   "-j", jdir, *extra, stderr=subprocess.PIPE)
    return proc, addr
