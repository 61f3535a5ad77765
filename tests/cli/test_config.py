#!/usr/bin/env python3
"""The configuration file from the outside: --config on a replay (the
command line wins), errors as file:line with exit 2, floodspot -t (exit 0
or 1, like nginx -t), --name in the alerts; live on loopback (root), SIGHUP
re-reads the file: a bad edit keeps everything running and says so, a
restart-only key is reported as such, a good edit of the rules applies.

usage: test_config.py FLOODSPOT SRC_ROOT"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

FS, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, done  # noqa: E402


def run(*args, timeout=60):
    return subprocess.run([FS, *args], capture_output=True, text=True,
                          timeout=timeout)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def flood_pcap(path, n=3000, t0=1700000000):
    """n UDP frames from one MAC to 10.0.0.1 within one second: enough to
    trip a 1 kpps rule."""
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    eth = bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0x42]) + b"\x08\x00"
    payload = b"x" * 10
    udp = struct.pack("!HHHH", 1000, 2000, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 1, 17, 0,
                     bytes([10, 0, 0, 66]), bytes([10, 0, 0, 1]))
    frame = eth + ip + udp
    for sec in range(4):
        for i in range(n):
            us = i * (1000000 // n)
            out += struct.pack("<IIII", t0 + sec, us, len(frame), len(frame))
            out += frame
    with open(path, "wb") as f:
        f.write(out)


def alerts(stdout):
    return [json.loads(l) for l in stdout.splitlines()
            if l.startswith("{") and '"alert"' in l]


def stats(stdout):
    s = [json.loads(l) for l in stdout.splitlines() if '"stats"' in l]
    return s[0] if s else {}


with tempfile.TemporaryDirectory() as d:
    pcap = os.path.join(d, "flood.pcap")
    flood_pcap(pcap)
    rules = os.path.join(d, "ttl.rules")
    write(rules, "rule ttl_flood {\n  when host.ttl_le1_pps > 1k for 2s\n"
                 "  severity warning\n}\n")
    conf = os.path.join(d, "floodspot.conf")
    write(conf, "# test\ncapacity 1024\nrules %s\nname cfg-agent\n"
                "json yes\nlocal-syslog no\ninclude conf.d/*.conf\n" % rules)
    os.mkdir(os.path.join(d, "conf.d"))
    write(os.path.join(d, "conf.d", "top.conf"), "top 3\n")

    # The file's settings apply; the command line overrides key by key.
    p = run("--config", conf, "-r", pcap)
    check(p.returncode == 0, "replay with --config: exit %d %s" % (p.returncode, p.stderr))
    check(stats(p.stdout).get("hosts_capacity") == 1024,
          "capacity from the file: %s" % stats(p.stdout))
    al = alerts(p.stdout)
    check(any(a["rule"] == "ttl_flood" and a["agent"] == "cfg-agent" and
              a["schema"] == 1 for a in al),
          "rules and name from the file: %s" % al)
    check("floodspot top 3 hosts" in p.stderr,
          "top 3 from the included file: %r" % p.stderr[:300])
    html = os.path.join(d, "html")
    p = run("--config", conf, "-r", pcap, "--capacity", "2048", "--name", "cli<&>",
            "--html", html)
    with open(os.path.join(html, "index.html")) as f:
        page = f.read()
    check("<title>floodspot overview &#8212; cli&lt;&amp;&gt;</title>" in page,
          "--name in the HTML title, escaped: %r" % page[:300])
    p = run("--config", conf, "-r", pcap, "--capacity", "2048", "--name", "cli")
    check(stats(p.stdout).get("hosts_capacity") == 2048,
          "--capacity over the file: %s" % stats(p.stdout))
    check(all(a["agent"] == "cli" for a in alerts(p.stdout)) and alerts(p.stdout),
          "--name over the file")
    # Default name on a replay: the host name alone.
    p = run("-r", pcap, "--json", "--no-local-syslog", "--rules", rules)
    check(alerts(p.stdout) and
          all(a["agent"] == socket.gethostname() for a in alerts(p.stdout)),
          "default name on -r: %s" % alerts(p.stdout)[:1])
    p = run("-r", pcap, "--rules", rules, "--no-local-syslog")
    check(" agent=%s " % socket.gethostname() in p.stdout,
          "agent= in key=value: %r" % p.stdout[:300])

    # -t: the file, then its rules; like nginx -t, 0 or 1.
    p = run("-t", "--config", conf)
    check(p.returncode == 0, "-t good: exit %d %s" % (p.returncode, p.stderr))
    check("configuration OK (6 settings)" in p.stdout and "1 rules OK" in p.stdout,
          "-t good: %r" % p.stdout)

    # Errors: every one as file:line, exit 2 (run) or 1 (-t).
    badconf = os.path.join(d, "bad.conf")
    write(badconf, "capacity 1024\nbogus 1\ncapacity 64\njson maybe\n"
                   "include missing.conf\n")
    want = ["%s:2: unknown key 'bogus'" % badconf,
            "%s:3: duplicate key 'capacity' (first at %s:1)" % (badconf, badconf),
            "%s:4: json: 'maybe' is not yes or no" % badconf,
            "%s:5: include %s/missing.conf: No such file or directory" % (badconf, d)]
    p = run("--config", badconf, "-r", pcap)
    check(p.returncode == 2, "bad config: exit %d" % p.returncode)
    for w in want:
        check(w in p.stderr, "bad config: %r not in %r" % (w, p.stderr))
    check("4 error(s)" in p.stderr, "bad config: count: %r" % p.stderr)
    check(p.stdout == "", "bad config: ran anyway")
    p = run("-t", "--config", badconf)
    check(p.returncode == 1 and all(w in p.stderr for w in want),
          "-t bad: exit %d %r" % (p.returncode, p.stderr))
    p = run("--config", os.path.join(d, "nope.conf"), "-r", pcap)
    check(p.returncode == 2 and "nope.conf: No such file or directory" in p.stderr,
          "missing config: %r" % p.stderr)
    # Good file, bad rules: -t fails on the rules.
    badrules = os.path.join(d, "bad.rules")
    write(badrules, "rule x {\n  when host.nonsense > 1\n}\n")
    conf2 = os.path.join(d, "badrules.conf")
    write(conf2, "rules %s\n" % badrules)
    p = run("-t", "--config", conf2)
    check(p.returncode == 1 and "bad.rules:2:" in p.stderr,
          "-t with bad rules: exit %d %r" % (p.returncode, p.stderr))
    p = run("--config", conf, "-r", pcap, "--sd-id", "floodspot")
    check(p.returncode == 2 and "NAME@PEN" in p.stderr, "--sd-id without PEN")

    # Live: SIGHUP re-reads the file (root: a capture on lo).
    if os.geteuid() != 0:
        print("live part skipped: needs root")
    else:
        live = os.path.join(d, "live.conf")
        rdir = os.path.join(d, "rules.d")
        shutil.copytree(os.path.join(SRC, "rules"), rdir,
                        ignore=shutil.ignore_patterns("meson.build"))
        base = "rules %s\ncapacity 1024\nlocal-syslog no\njson yes\n" % rdir
        write(live, base)
        err = open(os.path.join(d, "err.txt"), "w+")
        out = open(os.path.join(d, "out.txt"), "w+")
        p = subprocess.Popen([FS, "--config", live, "-i", "lo", "udp port 54998"],
                             stdout=out, stderr=err)

        def log():
            with open(err.name) as f:
                return f.read()

        def wait_log(text, timeout=5):
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                if text in log():
                    return True
                time.sleep(0.05)
            return False

        try:
            time.sleep(1.0)
            check(p.poll() is None, "live: exited at start: " + log())
            # A bad edit: everything stays, and it says so with file:line.
            write(live, base + "top 0\n")
            p.send_signal(signal.SIGHUP)
            check(wait_log("the running configuration and rules stay in force"),
                  "bad reload: no message: " + log())
            check("live.conf:5: top: '0' is not a number" in log(), "bad reload: no file:line")
            # Broken rules named by a good file: the same.
            write(live, base.replace(rdir, badrules))
            p.send_signal(signal.SIGHUP)
            check(wait_log("bad.rules: 1 error(s); the running configuration "
                           "and rules stay in force"), "bad rules reload: " + log())
            # A restart-only key changed with good rules: warned, rules
            # applied, still running.
            write(live, base.replace("capacity 1024", "capacity 2048")
                  .replace(rdir, rules))
            p.send_signal(signal.SIGHUP)
            check(wait_log("'capacity' changed; it takes effect at restart"),
                  "restart-only key: no warning: " + log())
            check(wait_log("%s: 1 rules loaded" % rules), "rules not reloaded: " + log())
            check(wait_log("configuration reloaded"), "no reload notice")
            p.send_signal(signal.SIGUSR1)
            time.sleep(0.5)
            out.flush()
            with open(out.name) as f:
                st = [json.loads(l) for l in f if '"stats"' in l]
            check(st and st[-1]["hosts_capacity"] == 1024,
                  "capacity changed without a restart: %s" % st[-1:])
            check(p.poll() is None, "died on reload")
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)
            check(p.returncode == 0, "SIGTERM: exit %d" % p.returncode)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()

sys.exit(done("config"))
