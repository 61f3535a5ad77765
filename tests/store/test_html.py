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

    def browser(*extra):
        prof = os.path.join(tmp, "profile")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={prof}", "--window-size=1280,1600",
               "--virtual-time-budget=5000"] + list(extra) + [
               "file://" + index]
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

    os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
    if os.path.exists(shot):
        os.unlink(shot)
    s = browser(f"--screenshot={os.path.abspath(shot)}")
    assert s.returncode == 0 and os.path.getsize(shot) > 10000, s.stderr[-2000:]
    print("ok: screenshot", shot)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
