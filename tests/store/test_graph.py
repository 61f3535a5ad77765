"""floodspot-graph draws every kind of graph, PNG and SVG, from a store
directory, with the default range taken from the files' last update."""
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

driver, graph = sys.argv[1], sys.argv[2]
tmp = st.tmpdir()
try:
    rrd = os.path.join(tmp, "rrd")
    start, n = 1700000000, 40
    res, err, _ = st.feed(driver, rrd, "--start", start, "--seconds", n,
                          "--hosts", 4, "--rras", "1s:1h,10s:1d")
    cases = [
        ["host", rrd, "10", "02:00:0a:00:00:00"],
        ["segment", rrd],
        ["top", rrd, "3"],
        ["router", rrd, "10.0.0.1"],
    ]
    for fmt in ("png", "svg"):
        for c in cases:
            out = os.path.join(tmp, f"{c[0]}.{fmt}")
            p = subprocess.run([graph, "--format", fmt, "-o", out,
                                "--width", "400", "--height", "120"] + c,
                               capture_output=True, text=True, timeout=60)
            assert p.returncode == 0, (c, p.stderr)
            data = open(out, "rb").read()
            if fmt == "png":
                assert data[:8] == b"\x89PNG\r\n\x1a\n", c
                w, h = struct.unpack(">II", data[16:24])
                assert w > 400 and h > 120, (c, w, h)
            else:
                root = ET.fromstring(data)
                assert root.tag.endswith("svg"), root.tag
                # cairo draws text as glyph paths: check it has some.
                assert len(root.findall(".//{*}path")) > 20, c
    # Errors are reported, not crashes: a missing host file.
    p = subprocess.run([graph, "-o", os.path.join(tmp, "x.png"), "host",
                        rrd, "99", "02:00:00:00:00:99"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "99-02-00-00-00-00-99.rrd" in p.stderr, p.stderr
    p = subprocess.run([graph, "host", rrd, "5000", "zz"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2, p
    print("ok")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
