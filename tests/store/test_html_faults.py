"""The HTML step under faults (issue 9.8):
- a full disk never replaces a good graph with a truncated one: the last
  good PNG stays (and stays on the page), the failure is logged;
- librrd's graph code leaks in-process, so graphs are drawn in a child
  process: the renderer's RSS stays flat over many refreshes."""
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

html_feed, draw_rss = sys.argv[1], sys.argv[2]
tmp = st.tmpdir()
mnt = os.path.join(tmp, "small")


def png_problem(path):
    """None for a whole PNG (every chunk and CRC up to IEND), else why."""
    b = open(path, "rb").read()
    if b[:8] != b"\x89PNG\r\n\x1a\n":
        return "no signature"
    i = 8
    while i + 12 <= len(b):
        n, t = struct.unpack(">I4s", b[i:i + 8])
        if i + 12 + n > len(b):
            return "chunk %s cut at %d bytes" % (t, len(b))
        crc, = struct.unpack(">I", b[i + 8 + n:i + 12 + n])
        if zlib.crc32(b[i + 4:i + 8 + n]) != crc:
            return "bad CRC in %s" % t
        if t == b"IEND":
            return None if i + 12 + n == len(b) else "bytes after IEND"
        i += 12 + n
    return "no IEND (%d bytes)" % len(b)


try:
    os.makedirs(mnt)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                        mnt], capture_output=True, text=True)
    if p.returncode != 0:
        print("SKIP: cannot mount tmpfs (needs root)")
        sys.exit(st.SKIP)
    html, rrd = os.path.join(mnt, "html"), os.path.join(tmp, "rrd")
    p = subprocess.run([html_feed, html, rrd, "60", "6"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    pngs = sorted(f for f in os.listdir(html) if f.endswith(".png"))
    # segment, 5 hosts, 1 router, each in the hour, day, week, year views
    assert len(pngs) == 7 * 4, pngs
    before = {f: open(os.path.join(html, f), "rb").read() for f in pngs}
    assert all(png_problem(os.path.join(html, f)) is None for f in pngs)

    # Leave 12 KiB: every graph is larger, so every write comes up short.
    vfs = os.statvfs(mnt)
    with open(os.path.join(mnt, "fill"), "wb") as f:
        os.posix_fallocate(f.fileno(), 0,
                           vfs.f_bavail * vfs.f_frsize - 12288)
    p = subprocess.run([html_feed, html, rrd, "60", "6"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    for f in pngs:
        path = os.path.join(html, f)
        assert png_problem(path) is None, (f, png_problem(path))
        assert open(path, "rb").read() == before[f], f + " changed"
    assert "cut short" in p.stderr or "No space" in p.stderr, p.stderr
    assert not [f for f in os.listdir(html) if f.endswith(".tmp")]
    page = open(os.path.join(html, "index.html")).read()
    assert page.count('class="host-graph"') == 5, "old graphs not shown"
    os.unlink(os.path.join(mnt, "fill"))
    print("ok: full disk keeps the last good graphs")

    out = os.path.join(tmp, "out")
    os.makedirs(out)
    p = subprocess.run([draw_rss, rrd, out, "100"], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    growth = r["rss_last_kb"] - r["rss_first_kb"]
    # In-process, librrd 1.7 loses about 1.5 KiB a graph: 700 graphs
    # would be about 1 MiB.
    assert growth < 256, r
    assert all(png_problem(os.path.join(out, f)) is None
               for f in os.listdir(out)), os.listdir(out)
    print("ok: renderer RSS", r)
finally:
    subprocess.run(["umount", mnt], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
