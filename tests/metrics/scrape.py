"""Shared by the metrics tests: start floodspot with --metrics on an
ephemeral port, find the port in its log, scrape, and check the text with
the strict parser and with promtool when it is installed."""
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import promparse


def wait_port(err_path, proc, timeout=15):
    """The port floodspot logged ("metrics on ... (port N)")."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open(err_path) as f:
            m = re.search(r"metrics on \S+ \(port (\d+)\)", f.read())
        if m:
            return int(m.group(1))
        if proc.poll() is not None:
            return None
        time.sleep(0.05)
    return None


def get(port, path="/metrics", method="GET", timeout=10):
    """(status, headers, body text)."""
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def promtool(text):
    """promtool's verdict (returncode, output), or None when absent."""
    tool = shutil.which("promtool")
    if not tool:
        return None
    r = subprocess.run([tool, "check", "metrics"], input=text,
                       capture_output=True, text=True, timeout=30)
    return r.returncode, (r.stdout + r.stderr).strip()


def scrape(port):
    """Parsed samples of one scrape; raises on a bad exposition."""
    status, headers, body = get(port)
    if status != 200:
        raise ValueError("status %d: %s" % (status, body))
    ctype = headers.get("Content-Type", "")
    if not ctype.startswith("text/plain; version=0.0.4"):
        raise ValueError("content type %r" % ctype)
    samples, types, helps = promparse.parse(body)
    return samples, body
