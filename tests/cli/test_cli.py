#!/usr/bin/env python3
"""Bad input on the command line and in capture files: one clear line, the
usage hint, exit 2; mid-file damage: the file and packet named, everything
before it still reported, exit 1."""
import json
import os
import struct
import subprocess
import sys
import tempfile

FS = sys.argv[1]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(*args, timeout=60):
    return subprocess.run([FS, *args], capture_output=True, text=True,
                          timeout=timeout)


def frame(i):
    """A small valid Ethernet/IPv4/UDP frame from a per-i MAC."""
    eth = bytes([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 0x10 + i]) + b"\x08\x00"
    payload = b"x" * 10
    udp = struct.pack("!HHHH", 1000, 2000, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 10 + i]), bytes([10, 0, 0, 1]))
    return eth + ip + udp


def pcap(frames, t0=1700000000):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", t0 + i, 0, len(f), len(f)) + f
    return out


def usage_error(p, what, needle):
    check(p.returncode == 2, f"{what}: exit {p.returncode}, want 2")
    check("--help" in p.stderr, f"{what}: no usage hint: {p.stderr!r}")
    check(needle in p.stderr, f"{what}: {needle!r} not in {p.stderr!r}")
    check(p.stdout == "", f"{what}: stdout not empty")


with tempfile.TemporaryDirectory() as d:
    good = os.path.join(d, "good.pcap")
    with open(good, "wb") as f:
        f.write(pcap([frame(i) for i in range(3)]))

    # Option values.
    usage_error(run(), "no source", "give -i IFACE or -r FILE")
    usage_error(run("-r", good, "-i", "lo"), "both sources", "exclude")
    usage_error(run("-r", good, "-c", "0"), "-c 0", "from 1 to")
    usage_error(run("-r", good, "-c", "abc"), "-c abc", "'abc' is not a number")
    usage_error(run("-r", good, "-B", "1"), "-B 1", "-B: '1' is not a number from 64")
    usage_error(run("-r", good, "--top", "-3"), "--top -3", "--top")
    usage_error(run("-r", good, "--capacity", "99999999999"), "--capacity", "from 16 to")
    usage_error(run("-r", good, "--bogus"), "unknown option", "unknown option --bogus")
    usage_error(run("-r"), "missing value", "needs a value")
    usage_error(run("-r", good, "--syslog", "http://x"), "--syslog", "udp://HOST:PORT")
    usage_error(run("-r", good, "--rrd-max-hosts", "0"), "--rrd-max-hosts", "from 1 to 100000")
    usage_error(run("-r", good, "--rrd-archives", "1x:2y"), "--rrd-archives", "STEP:SPAN")
    usage_error(run("-r", good, "--syslog-facility", "nope"), "facility", "unknown facility")

    # Source errors: exit 2, one line naming the culprit.
    p = run("-r", os.path.join(d, "missing.pcap"))
    check(p.returncode == 2 and "missing.pcap" in p.stderr, f"missing file: {p.stderr!r}")
    garbage = os.path.join(d, "garbage.pcap")
    with open(garbage, "wb") as f:
        f.write(b"this is not a capture file at all" * 4)
    p = run("-r", garbage)
    check(p.returncode == 2 and "garbage.pcap" in p.stderr, f"garbage file: {p.stderr!r}")
    p = run("-r", good, "tcp", "port", "nonsense")
    check(p.returncode == 2 and "bad filter expression" in p.stderr,
          f"bad BPF: {p.stderr!r}")
    p = run("-i", "fs-no-such-if0")
    check(p.returncode == 2 and "fs-no-such-if0" in p.stderr, f"bad iface: {p.stderr!r}")
    p = run("-r", good, "--router", "not-an-address")
    check(p.returncode == 2 and "not-an-address" in p.stderr, f"bad router: {p.stderr!r}")

    # Truncated in the middle of packet 3: packets 1-2 reported, exit 1.
    trunc = os.path.join(d, "trunc.pcap")
    data = pcap([frame(i) for i in range(3)])
    with open(trunc, "wb") as f:
        f.write(data[:-20])
    p = run("-r", trunc, "--json")
    check(p.returncode == 1, f"truncated file: exit {p.returncode}")
    check("trunc.pcap: packet 3" in p.stderr, f"truncated file: {p.stderr!r}")
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    stats = [l for l in lines if l["event"] == "stats"]
    check(stats and stats[0]["packets"] == 2, f"truncated: counts before lost: {lines}")
    check(len([l for l in lines if l["event"] == "host"]) == 2, "truncated: 2 hosts")

    # Filter and count work on a good file.
    p = run("-r", good, "--json", "-c", "2")
    stats = [json.loads(l) for l in p.stdout.splitlines() if '"stats"' in l]
    check(p.returncode == 0 and stats and stats[0]["packets"] == 2, "-c 2")
    p = run("-r", good, "--json", "udp and src host 10.0.0.11")
    stats = [json.loads(l) for l in p.stdout.splitlines() if '"stats"' in l]
    check(p.returncode == 0 and stats and stats[0]["packets"] == 1, "BPF filter on replay")

    # -r - reads standard input.
    with open(good, "rb") as f:
        p = subprocess.run([FS, "-r", "-", "--json"], stdin=f,
                           capture_output=True, text=True, timeout=60)
    stats = [json.loads(l) for l in p.stdout.splitlines() if '"stats"' in l]
    check(p.returncode == 0 and stats and stats[0]["packets"] == 3,
          f"-r -: {p.returncode} {p.stderr!r}")

    # Rules that would switch detection off, or hang a reload, are errors:
    # an empty file, an empty directory, a FIFO named *.rules (refused
    # without waiting for a writer).
    empty = os.path.join(d, "empty.rules")
    open(empty, "w").close()
    p = run("--check-rules", empty)
    check(p.returncode == 1 and "empty.rules: no rules" in p.stderr,
          f"empty rules file: {p.returncode} {p.stdout!r} {p.stderr!r}")
    p = run("-r", good, "--rules", empty)
    check(p.returncode == 2 and "empty.rules: no rules" in p.stderr,
          f"run with empty rules: {p.returncode} {p.stderr!r}")
    emptydir = os.path.join(d, "norules")
    os.mkdir(emptydir)
    p = run("--check-rules", emptydir)
    check(p.returncode == 1 and "norules: no rules" in p.stderr,
          f"empty rules dir: {p.returncode} {p.stderr!r}")
    fifodir = os.path.join(d, "fiforules")
    os.mkdir(fifodir)
    os.mkfifo(os.path.join(fifodir, "x.rules"))
    p = run("--check-rules", fifodir, timeout=10)
    check(p.returncode == 1 and "x.rules: a FIFO, not a rules file"
          in p.stderr, f"FIFO rules: {p.returncode} {p.stderr!r}")

    p = run("--version")
    check(p.returncode == 0 and p.stdout.startswith("floodspot "), "--version")
    p = run("--help")
    check(p.returncode == 0 and "usage:" in p.stdout, "--help")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
