"""A central rrdcached on TCP, as many agents use it: bad addresses and an
unreachable or refusing daemon stop the agent at start with a clear error;
the agent's files are under its name; a second agent of the same name is
refused while the first runs and the name is free once it stopped; the
daemon stopped under traffic and restarted loses no second (updates held
and replayed in order, counted in the stats); no events.log appears in the
working directory."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import storetest as st  # noqa: E402
from daemons import free_port, start_rrdcached, stop  # noqa: E402

st.need("rrdcached")
st.need("rrdtool")
FS, SRC = os.path.abspath(sys.argv[1]), sys.argv[2]
RULES = os.path.join(SRC, "rules")
if os.geteuid() != 0:
    print("SKIP: live capture on lo needs root")
    sys.exit(77)

tmp = st.tmpdir()
procs = []


def start_cache(base, port, *opts):
    p = start_rrdcached("127.0.0.1:%d" % port, base,
                        os.path.join(tmp, "rrdcached-%d.pid" % port),
                        "-w", "3600", *opts)
    procs.append(p)
    return p


def agent(addr, name, *opts, udp_port=None, cwd=None):
    filt = ["udp port %d" % udp_port] if udp_port else ["udp port 9"]
    p = subprocess.Popen([FS, "-i", "lo", "--json", "--no-local-syslog",
                          "--rules", RULES, "--rrdcached", addr,
                          "--name", name, "--rrd-archives", "1s:10m", *opts,
                          *filt],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=cwd or tmp)
    procs.append(p)
    return p


def run_fail(*args):
    p = subprocess.run([FS, *args], capture_output=True, text=True,
                       timeout=30, cwd=tmp)
    return p.returncode, p.stderr


def send_udp(port, pps, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start, sent = time.monotonic(), 0
    while time.monotonic() - start < seconds:
        while sent < int((time.monotonic() - start) * pps) + 1:
            s.sendto(b"central", ("127.0.0.1", port))
            sent += 1
        time.sleep(0.01)
    s.close()


try:
    # Malformed addresses: refused before anything starts.
    for bad in ("tcp://127.0.0.1:42217", "127.0.0.1:99999", "unix:relative",
                "host name:1", "[::1:42217"):
        rc, err = run_fail("-i", "lo", "--rrdcached", bad, "--rules", RULES)
        assert rc != 0 and "rrdcached address" in err, (bad, rc, err)
    print("ok malformed addresses")

    # Unreachable: nobody listens on the port.
    dead = free_port()
    rc, err = run_fail("-i", "lo", "--rrdcached", "127.0.0.1:%d" % dead,
                       "--name", "x", "--rules", RULES)
    assert rc != 0 and "cannot connect" in err, (rc, err)
    print("ok unreachable:", err.strip().splitlines()[-1])

    # Refusing: a daemon without -R cannot make the agent's directory.
    base0, port0 = os.path.join(tmp, "base0"), free_port()
    c0 = start_cache(base0, port0)
    rc, err = run_fail("-i", "lo", "--rrdcached", "127.0.0.1:%d" % port0,
                       "--name", "x", "--rules", RULES)
    assert rc != 0 and "cannot create" in err and "-R" in err, (rc, err)
    stop(c0)
    print("ok refusing:", err.strip().splitlines()[-1])

    base, port = os.path.join(tmp, "base"), free_port()
    addr = "127.0.0.1:%d" % port
    journal = os.path.join(tmp, "journal")
    os.makedirs(journal)
    cache = start_cache(base, port, "-R", "-j", journal)
    udp = free_port()
    a = agent(addr, "rack1/span0", udp_port=udp)
    send_udp(udp, 200, 2.0)
    assert a.poll() is None, a.stderr.read()

    # Same name: refused while the first runs.
    rc, err = run_fail("-i", "lo", "--rrdcached", addr, "--name",
                       "rack1/span0", "--rules", RULES)
    assert rc != 0 and "in use" in err, (rc, err)
    print("ok same name refused:", err.strip().splitlines()[-1])

    # The daemon stopped for 5 s under traffic, then back.
    send_udp(udp, 200, 2.0)
    stop(cache)
    send_udp(udp, 200, 5.0)
    cache = start_cache(base, port, "-R", "-j", journal)
    send_udp(udp, 200, 6.0)
    a.send_signal(signal.SIGTERM)
    out, err = a.communicate(timeout=20)
    assert a.returncode == 0, err
    stats = [json.loads(l) for l in out.splitlines()
             if l.startswith('{"event":"stats"')][-1]["rrd"]
    assert stats["retry_queued"] > 0 and stats["daemon_outages"] == 1, stats
    assert stats["replayed"] == stats["retry_queued"], stats
    assert stats["errors"] == 0 and stats["dropped_retry"] == 0, stats
    assert stats["dropped_exit"] == 0, stats
    assert "replaying" in err, err
    print("ok outage:", {k: stats[k] for k in
                         ("retry_queued", "replayed", "written")})

    # Files under the agent's name ('/' made '_'); every second of the
    # traffic is in segment.rrd, the outage included.
    d = os.path.join(base, "rack1_span0")
    assert os.path.exists(os.path.join(d, "segment.rrd")), os.listdir(base)
    assert os.path.exists(os.path.join(d, "agent.rrd"))
    now = int(time.time())
    names, rows = st.fetch("rack1_span0/segment.rrd", now - 40, now,
                           daemon=addr)
    active = [t for t, v in sorted(rows.items()) if v[0] == v[0] and v[0] > 0]
    assert len(active) >= 14, rows
    span = [t for t in sorted(rows) if active[0] <= t <= active[-1]]
    gaps = [t for t in span if rows[t][0] != rows[t][0]]
    assert not gaps, ("seconds lost", gaps)
    print("ok no second lost: %d s of traffic" % len(span))

    # Released at stop: the name is free again at once.
    b = agent(addr, "rack1/span0")
    time.sleep(1.5)
    assert b.poll() is None, b.stderr.read()
    b.send_signal(signal.SIGTERM)
    b.communicate(timeout=20)
    assert b.returncode == 0
    # A remote store writes no events.log in the working directory.
    assert not os.path.exists(os.path.join(tmp, "events.log"))
    print("ok restart resumes; no events.log in the cwd")
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(tmp, ignore_errors=True)
