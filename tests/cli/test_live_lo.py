#!/usr/bin/env python3
"""Live capture on the loopback interface: packets sent to 127.0.0.1 are
counted per host, SIGUSR1 dumps hosts and stats, SIGHUP reloads the rules
(a broken file keeps the running rules and says why), SIGTERM ends with a
final dump. Needs CAP_NET_RAW: skipped (77) without it."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

FS, SRC = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


if os.geteuid() != 0:
    print("SKIP: live capture needs root")
    sys.exit(77)


def run_lo(extra, label):
    """The live checks, with extra options; label names the mode."""
    def ck(cond, what):
        check(cond, "%s: %s" % (label, what))

    with tempfile.TemporaryDirectory() as d:
        rules = os.path.join(d, "rules")
        shutil.copytree(os.path.join(SRC, "rules"), rules,
                        ignore=shutil.ignore_patterns("meson.build"))
        out = open(os.path.join(d, "out.jsonl"), "w+")
        err = open(os.path.join(d, "err.txt"), "w+")
        p = subprocess.Popen([FS, "-i", "lo", "--json", "--no-local-syslog",
                              "--rules", rules, *extra, "udp port 54999"],
                             stdout=out, stderr=err)
        try:
            time.sleep(1.0)
            ck(p.poll() is None, "floodspot exited at start: " + open(err.name).read())
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(200):
                s.sendto(b"x" * 32, ("127.0.0.1", 54999))
            s.close()
            time.sleep(0.5)

            def lines():
                out.flush()
                with open(out.name) as f:
                    return [json.loads(l) for l in f if l.startswith("{")]

            threads = len(os.listdir("/proc/%d/task" % p.pid))
            p.send_signal(signal.SIGUSR1)
            ck(wait_for(lambda: any(e["event"] == "stats" for e in lines()), 5),
                  "SIGUSR1: no stats dump")
            ev = lines()
            st = [e for e in ev if e["event"] == "stats"]
            # Each datagram is seen once on lo (outgoing copies are filtered by
            # the kernel for loopback captures only once): at least 200.
            ck(st and st[0]["packets"] >= 200, f"live count: {st}")
            ck(st and "capture_dropped" in st[0], "live stats lack capture drops")
            hosts = [e for e in ev if e["event"] == "host"]
            ck(any("127.0.0.1" in h["ips"] for h in hosts), f"no 127.0.0.1 host: {hosts}")

            # Break the rules and reload: the running rules stay.
            with open(os.path.join(rules, "default.rules"), "a") as f:
                f.write("\nrule broken {\n  when host.nonsense_pps > 1\n}\n")
            p.send_signal(signal.SIGHUP)
            ck(wait_for(lambda: "running rules stay in force" in open(err.name).read(), 5),
                  "SIGHUP with a broken file: no message")
            ck("default.rules:" in open(err.name).read(), "reload error lacks file:line")
            ck(p.poll() is None, "floodspot died on a bad reload")

            # Fix the rules and reload: loaded.
            shutil.copy(os.path.join(SRC, "rules", "default.rules"),
                        os.path.join(rules, "default.rules"))
            p.send_signal(signal.SIGHUP)
            ck(wait_for(lambda: "rules loaded" in open(err.name).read(), 5),
                  "SIGHUP with good rules: not reloaded")

            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)
            ck(p.returncode == 0, f"SIGTERM: exit {p.returncode}")
            ck(len([e for e in lines() if e["event"] == "stats"]) == 2,
                  "SIGTERM: no final dump")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        ck("runtime error" not in open(err.name).read(), "sanitizer report")
    return threads


plain_threads = run_lo(["--no-reader-thread"], "plain")
# By default a reader thread drains the kernel ring: same counts, signals
# and stop, one thread more.
reader_threads = run_lo([], "reader thread")
check(reader_threads == plain_threads + 1,
      "reader thread: %s threads, %s with --no-reader-thread" % (
          reader_threads, plain_threads))

# -Z: privileges dropped after the capture is open; an unknown user is a
# clear startup error.
p = subprocess.run([FS, "-i", "lo", "-Z", "fs-no-such-user", "--no-local-syslog"],
                   capture_output=True, text=True, timeout=30)
check(p.returncode == 2 and "fs-no-such-user" in p.stderr, f"-Z unknown: {p.stderr!r}")
p = subprocess.Popen([FS, "-i", "lo", "-Z", "nobody", "--no-local-syslog", "--json"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(1.0)
alive = p.poll() is None
if alive:
    with open(f"/proc/{p.pid}/status") as f:
        uid = [l for l in f if l.startswith("Uid:")][0].split()[1:]
    check(all(u == str(__import__("pwd").getpwnam("nobody").pw_uid) for u in uid),
          f"-Z nobody: uids {uid}")
    p.send_signal(signal.SIGTERM)
out, errs = p.communicate(timeout=10)
check(alive and p.returncode == 0, f"-Z nobody: exit {p.returncode} {errs!r}")

print(f"live-lo: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
