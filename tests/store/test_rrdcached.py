"""Updates through rrdcached on a unix socket inside the test directory:
files are created through the daemon and values arrive."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

st.need("rrdtool")
st.need("rrdcached")
driver = sys.argv[1]
tmp = st.tmpdir()
proc = None
try:
    base = os.path.join(tmp, "base")
    proc, addr = st.start_rrdcached(tmp, base, "-F", "-w", "3600", "-z", "1")
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
    st.stop(proc)
    shutil.rmtree(tmp, ignore_errors=True)
