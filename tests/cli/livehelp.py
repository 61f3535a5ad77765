"""Helpers for live tests on loopback: rrdcached and a TCP syslog collector
started by the test, a UDP sender, and floodspot with every output on.
Every wait has a deadline; only processes started here are stopped, by
PID."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import daemons  # noqa: E402
# The live tests call them as lh.free_port and lh.wait_for.
from daemons import free_port, wait_for  # noqa: E402,F401

RULES = """rule lo_flood {
	when host.pps > 100 for 1s
	severity warning
	clear below 10 for 2s
	message "test flood on lo"
}
"""


class Checks:
    """Counts checks; a failed one prints what and the test goes on."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def __call__(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)
        sys.stdout.flush()

    def exit(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed,
                                            self.failed))
        sys.exit(1 if self.failed else 0)


class Rrdcached:
    """rrdcached -g on a unix socket, base directory = the RRD directory."""

    def __init__(self, tmp, base):
        self.tmp, self.base = tmp, base
        self.sock = os.path.join(tmp, "rrdcached.sock")
        self.addr = "unix:" + self.sock
        self.proc = None
        os.makedirs(base, exist_ok=True)
        os.makedirs(os.path.join(tmp, "journal"), exist_ok=True)

    def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.proc = daemons.start_rrdcached(
            self.addr, self.base, os.path.join(self.tmp, "rrdcached.pid"),
            "-F", "-R", "-j", os.path.join(self.tmp, "journal"),
            "-w", "5", "-z", "1")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self):
        daemons.stop(self.proc)


class Collector:
    """A TCP syslog collector (RFC 6587 octet counting) in a thread: keeps
    every frame; stop() closes it, start() listens again on the port."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.frames = []
        self.lock = threading.Lock()
        self.sock = None
        self.thread = None
        self.running = False

    def start(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conns = []
        bufs = {}
        while self.running:
            try:
                c, _ = self.sock.accept()
                c.settimeout(0.05)
                conns.append(c)
                bufs[c] = b""
            except socket.timeout:
                pass
            except OSError:
                break
            for c in list(conns):
                try:
                    data = c.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    data = b""
                if not data:
                    conns.remove(c)
                    c.close()
                    continue
                bufs[c] += data
                while b" " in bufs[c]:
                    n, rest = bufs[c].split(b" ", 1)
                    if not n.isdigit() or len(rest) < int(n):
                        break
                    with self.lock:
                        self.frames.append(rest[:int(n)].decode(
                            errors="replace"))
                    bufs[c] = rest[int(n):]
        for c in conns:
            c.close()

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join(timeout=5)
        if self.sock:
            self.sock.close()
        self.sock = None

    def messages(self):
        with self.lock:
            return list(self.frames)


def send_udp(port, pps, seconds, dst="127.0.0.1"):
    """Paced UDP datagrams to dst:port; returns how many were sent."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        due = int((time.monotonic() - start) * pps) + 1
        while sent < due:
            try:
                s.sendto(b"floodspot-live-test", (dst, port))
            except OSError:
                pass
            sent += 1
        time.sleep(0.01)
    s.close()
    return sent


class Daemon:
    """floodspot with stdout (JSON lines) and stderr in files."""

    def __init__(self, cmd, tmp, name="fs"):
        self.out_path = os.path.join(tmp, name + ".out")
        self.err_path = os.path.join(tmp, name + ".err")
        self.out = open(self.out_path, "w")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err,
                                     stdin=subprocess.DEVNULL)

    def events(self):
        ev = []
        with open(self.out_path) as f:
            for line in f:
                if line.startswith("{") and line.endswith("\n"):
                    ev.append(json.loads(line))
        return ev

    def stats(self):
        return [e for e in self.events() if e.get("event") == "stats"]

    def stderr(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
