"""fs_store_tick with the real hosts table: hosts above the noise floor or
in the top N get files (capped), rates read back per second, and an idle
stretch of a stored host reads 0, not unknown."""
import math
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

st.need("rrdtool")
driver = sys.argv[1]
tmp = st.tmpdir()
try:
    rrd = os.path.join(tmp, "rrd")
    p = subprocess.run([driver, rrd, "40"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    fed = {}
    for line in p.stdout.split("\n"):
        if line:
            n, ts, pk, bc = (int(x) for x in line.split())
            fed.setdefault(n, {})[ts] = (pk, bc)
    files = sorted(os.listdir(os.path.join(rrd, "hosts")))
    name = lambda n: f"7-02-00-00-00-00-{n:02x}.rrd"  # noqa: E731
    floor, top_n, cap = 100, 3, 4
    totals = {n: sum(v[0] for v in f.values()) for n, f in fed.items()}
    top = sorted(totals, key=lambda n: -totals[n])[:top_n]
    want = sorted(name(n) for n in fed
                  if max(v[0] for v in fed[n].values()) >= floor or n in top)
    assert len(want) <= cap
    assert files == want, (files, want)

    for n in fed:
        if name(n) not in files:
            continue
        ts = sorted(fed[n])
        names, rows = st.fetch(os.path.join(rrd, "hosts", name(n)),
                               ts[0], ts[-1])
        checked = zeros = 0
        for t in ts[2:]:
            pk, bc = fed[n][t]
            got = rows[t]
            assert not math.isnan(got[0]), (n, t, "unknown")
            assert abs(got[0] - pk) <= 1, (n, t, got[0], pk)
            assert abs(got[3] - bc) <= 1, (n, t, got[3], bc)
            checked += 1
            zeros += pk == 0
        assert checked >= len(ts) - 3
        if n == 2:
            assert zeros >= 10, zeros  # its idle stretch was checked
    print("ok:", files, p.stderr.strip())
finally:
    shutil.rmtree(tmp, ignore_errors=True)
