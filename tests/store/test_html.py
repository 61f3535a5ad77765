"""The HTML overview in a real browser: headless Chromium loads index.html,
every image loads, and the flooding host is first in the top table. The
screenshot stays in the build directory as an artifact."""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

driver, shot = sys.argv[1], sys.argv[2]
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("SKIP: chromium not installed (apt-get install chromium)")
    sys.exit(st.SKIP)

tmp = st.tmpdir()
try:
    html, rrd = os.path.join(tmp, "html"), os.path.join(tmp, "rrd")
    p = subprocess.run([driver, html, rrd, "60", "6"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout.strip().splitlines()[-1])
    index = os.path.join(html, "index.html")
    page = open(index).read()
    assert not os.path.exists(index + ".tmp")
    # Untrusted text is escaped.
    assert "broadcast&lt;&amp;&gt;" in page and "broadcast<&>" not in page

    def browser(*extra, page_path=index):
        prof = os.path.join(tmp, "profile")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={prof}", "--window-size=1280,1600",
               "--virtual-time-budget=5000"] + list(extra) + [
               "file://" + page_path]
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=120)

    d = browser("--dump-dom")
    assert d.returncode == 0, d.stderr[-2000:]
    dom = d.stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    total = int(re.search(r'data-images-total="(\d+)"', body).group(1))
    loaded = int(re.search(r'data-images-loaded="(\d+)"', body).group(1))
    # segment + 5 top hosts + 1 router
    assert total == 7 and loaded == total, (loaded, total)
    macs = re.findall(r'<tr class="host" data-mac="([0-9a-f:]+)"', dom)
    assert macs and macs[0] == info["culprit"], (macs, info)
    assert len(macs) == 5, macs
    assert "dead interval expired" in dom and 'id="timeline"' in dom
    assert "culprit" in dom and "broadcast-flood" in dom
    # The headline names the culprit and links its evidence and graph.
    head = re.search(r'<div id="headline" class="culprit">(.*?)</div>', dom, re.S)
    assert head and info["culprit"] in head.group(1), dom[:3000]
    assert 'id="evidence" href="evidence/culprit%201%22.pcap"' in head.group(1), head.group(1)
    assert re.search(r'href="#g-\d+-%s"' % info["culprit"].replace(":", "-"),
                     head.group(1)), head.group(1)
    # One time zone: every time on the page is UTC (the default).
    times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (\w+)", dom)
    assert times and set(times) == {"UTC"}, set(times)
    # MRTG's views: each page loads with all its images.
    nav = re.search(r'<nav id="views">(.*?)</nav>', dom).group(1)
    for view in ("day", "week", "year"):
        assert 'href="%s.html"' % view in nav, nav
        vd = browser("--dump-dom", page_path=os.path.join(html, view + ".html"))
        vb = re.search(r"<body([^>]*)>", vd.stdout).group(1)
        vt = int(re.search(r'data-images-total="(\d+)"', vb).group(1))
        vl = int(re.search(r'data-images-loaded="(\d+)"', vb).group(1))
        assert vt == 7 and vl == vt, (view, vl, vt)
        assert re.search(r'src="segment-%s\.png"' % view, vd.stdout), view
        assert "<b>%s</b>" % view in vd.stdout, view

    os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
    if os.path.exists(shot):
        os.unlink(shot)
    s = browser(f"--screenshot={os.path.abspath(shot)}")
    assert s.returncode == 0 and os.path.getsize(shot) > 10000, s.stderr[-2000:]
    print("ok: screenshot", shot)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
