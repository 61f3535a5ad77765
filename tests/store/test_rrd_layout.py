"""Values fed per second read back with rrdtool fetch; the documented
layout shows in rrdtool info; a restart resumes the same files."""
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

st.need("rrdtool")
driver = sys.argv[1]
tmp = st.tmpdir()
try:
    rrd = os.path.join(tmp, "rrd")
    exp = os.path.join(tmp, "expect")
    start, n = 1700000000, 20
    res, err, _ = st.feed(driver, rrd, "--start", start, "--seconds", n,
                          "--hosts", 3, "--rras", "1s:10m,10s:1h",
                          expect=exp)
    hosts, seg, router, adj = st.read_expect(exp)
    assert res["errors"] == 0 and res["dropped"] == 0, (res, err)
    assert res["created"] == 3 + 1 + 1, res
    checked = st.compare_hosts(rrd, hosts)
    assert checked >= 3 * (n - 2), checked
    # Idle seconds read 0, not unknown (the pattern has idle seconds).
    idle = [t for h in hosts.values() for t, v in h.items() if v[0] == 0]
    assert idle, "pattern should contain idle seconds"

    names, rows = st.fetch(os.path.join(rrd, "segment.rrd"), start, start + n)
    assert names[-1] == "hosts_active", names
    for t, (pk, active) in seg.items():
        if t == start + 1:
            continue
        assert abs(rows[t][0] - pk) <= 1, (t, rows[t], pk)
        assert rows[t][-1] == active, (t, rows[t], active)

    names, rows = st.fetch(os.path.join(rrd, "routers", "10.0.0.1.rrd"),
                           start, start + n, cf="MAX")
    assert names == ["hello_gap_ms", "neighbors", "adj_full", "lsus"], names
    for t, (gap, nb, full, lsus) in router.items():
        assert rows[t][0] == gap and rows[t][1] == nb, (t, rows[t])
        if t > start + 1:
            assert abs(rows[t][3] - lsus) < 0.01, (t, rows[t])

    with open(os.path.join(rrd, "events.log")) as f:
        ev = [line.split() for line in f]
    assert [e[:5] for e in ev] == adj, (ev, adj)

    # Layout as documented, on a file made with the default archives.
    rrd2 = os.path.join(tmp, "rrd-default")
    res2, err, _ = st.feed(driver, rrd2, "--start", start, "--seconds", 3,
                           "--hosts", 1)
    i = st.info(os.path.join(rrd2, "hosts", "10-02-00-0a-00-00-00.rrd"))
    assert i["step"] == "1", i["step"]
    for ds in ("packets", "bytes", "ctrl", "broadcast", "multicast", "arp"):
        assert i[f"ds[{ds}].type"] == "DERIVE", ds
        assert i[f"ds[{ds}].minimal_heartbeat"] == "120", ds
        assert i[f"ds[{ds}].min"].startswith("0.0"), i[f"ds[{ds}].min"]
    # 1 s for 30 min, 10 s for 6 h, 1 min for 2 days, 10 min for 30
    # days, 1 h for a year; the file at most 2 MiB.
    want = [(1, 1800), (10, 2160), (60, 2880), (600, 4320), (3600, 8760)]
    got = []
    for r in range(10):
        got.append((i[f"rra[{r}].cf"], int(i[f"rra[{r}].pdp_per_row"]),
                    int(i[f"rra[{r}].rows"])))
    assert f"rra[10].cf" not in i
    size = os.path.getsize(os.path.join(rrd2, "hosts",
                                        "10-02-00-0a-00-00-00.rrd"))
    assert size <= 2 << 20, size
    assert got == [(cf, s, rows) for s, rows in want
                   for cf in ("AVERAGE", "MAX")], got
    i = st.info(os.path.join(rrd2, "routers", "10.0.0.1.rrd"))
    assert i["ds[hello_gap_ms].type"] == "GAUGE"
    assert i["ds[lsus].type"] == "DERIVE"
    i = st.info(os.path.join(rrd2, "segment.rrd"))
    assert i["ds[hosts_active].type"] == "GAUGE"

    # Restart on the same directory: nothing recreated, old rows kept,
    # updates not after the file's last one skipped and counted.
    before = {name: st.fetch(os.path.join(rrd, "hosts", name + ".rrd"),
                             start, start + n)[1] for name in hosts}
    exp2 = os.path.join(tmp, "expect2")
    res3, err, _ = st.feed(driver, rrd, "--start", start + n - 5,
                           "--seconds", n, "--hosts", 3,
                           "--rras", "1s:10m,10s:1h", expect=exp2)
    assert res3["created"] == 0, res3
    assert res3["skipped"] > 0 and res3["errors"] == 0, res3
    for name, rows in before.items():
        _, now = st.fetch(os.path.join(rrd, "hosts", name + ".rrd"),
                          start, start + n)
        for t in range(start + 2, start + n + 1):
            a, b = rows[t], now[t]
            assert all((math.isnan(x) and math.isnan(y)) or x == y
                       for x, y in zip(a, b)), (name, t, a, b)
    # The resumed run's adjacency change is later than the first run's:
    # appended; a replay of the first run's span adds nothing.
    with open(os.path.join(rrd, "events.log")) as f:
        ev2 = [line.split()[:5] for line in f]
    _, _, _, adj2 = st.read_expect(exp2)
    assert ev2 == adj + adj2, (ev2, adj, adj2)
    res4, err, _ = st.feed(driver, rrd, "--start", start, "--seconds", n,
                           "--hosts", 3, "--rras", "1s:10m,10s:1h")
    assert res4["written"] == 0 and res4["created"] == 0, res4
    with open(os.path.join(rrd, "events.log")) as f:
        assert [line.split()[:5] for line in f] == ev2
    hosts2, _, _, _ = st.read_expect(exp2)
    # The first second after the resume point has no valid previous
    # counter (the new process counts from zero): it reads unknown.
    st.compare_hosts(rrd, {k: {t: v for t, v in h.items() if t > start + n + 1}
                           for k, h in hosts2.items()})
    print("ok:", res, res3)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
