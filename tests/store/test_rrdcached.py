"""Updates through rrdcached on a unix socket inside the test directory:
files are created through the daemon and values arrive."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

st.need("rrdtool")
st.need("rrdcached")
driver = sys.argv[1]
tmp = st.tmpdir()
proc = None
try:
    base = os.path.join(tmp, "base")
    jdir = os.path.join(tmp, "journal")
    os.makedirs(base)
    os.makedirs(jdir)
    sock = os.path.join(tmp, "rrdcached.sock")
    addr = "unix:" + sock
    proc = subprocess.Popen(
        ["rrdcached", "-g", "-l", addr, "-b", base, "-B", "-F",
         "-j", jdir, "-p", os.path.join(tmp, "rrdcached.pid"),
         "-w", "3600", "-z", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    else:
        raise SystemExit("rrdcached did not start")
    rrd = os.path.join(base, "rrd")
    exp = os.path.join(tmp, "expect")
    start, n = 1700000000, 15
    res, err, _ = st.feed(driver, rrd, "--start", start, "--seconds", n,
                          "--hosts", 2, "--rras", "1s:10m",
                          "--rrdcached", addr, expect=exp)
    assert res["errors"] == 0, (res, err)
    assert res["created"] == 2 + 1 + 1, res
    hosts, seg, _, _ = st.read_expect(exp)
    # -w 3600: the daemon still holds the values; fetch --daemon flushes.
    checked = st.compare_hosts(rrd, hosts, daemon=addr)
    assert checked >= 2 * (n - 2), checked
    names, rows = st.fetch(os.path.join(rrd, "segment.rrd"), start,
                           start + n, daemon=addr)
    for t, (pk, active) in seg.items():
        if t > start + 1:
            assert abs(rows[t][0] - pk) <= 1, (t, rows[t], pk)
    print("ok:", res)
finally:
    if proc:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(tmp, ignore_errors=True)
