"""The real daemons some tests talk to (rsyslogd, rrdcached), started with
the test's own configuration on loopback, ready once they listen, and
stopped by their Popen: only what the test started is ever stopped."""
import os
import shutil
import signal
import socket
import subprocess
import time


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port nothing was bound to a moment ago."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return bool(pred())


def tcp_listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def stop(proc):
    """SIGTERM, then SIGKILL if it is still there 10 s later."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _started(proc, name, ready, timeout):
    """proc once ready() holds; the test ends if it exits first or never
    gets there (stopped then, so nothing is left behind)."""
    if wait_for(lambda: proc.poll() is not None or ready(), timeout) and \
            proc.poll() is None:
        return proc
    if proc.poll() is None:
        stop(proc)
        raise SystemExit("%s did not start" % name)
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    raise SystemExit("%s exited: %s" % (name, out))


def find_rsyslogd():
    """Its path, or None where it is not installed."""
    return shutil.which("rsyslogd") or (
        "/usr/sbin/rsyslogd" if os.access("/usr/sbin/rsyslogd", os.X_OK)
        else None)


def start_rsyslogd(rsyslogd, conf, tmp, port, timeout=10):
    """rsyslogd -n on configuration conf, its pid file in tmp; ready once
    its TCP (or RELP) input on port accepts."""
    p = subprocess.Popen([rsyslogd, "-n", "-f", conf, "-i",
                          os.path.join(tmp, "rsyslogd.pid")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return _started(p, "rsyslogd", lambda: tcp_listening(port), timeout)


def start_rrdcached(listen, base, pidfile, *opts, stderr=subprocess.DEVNULL,
                    timeout=5):
    """rrdcached -g on listen ("unix:PATH" or "127.0.0.1:PORT"), files
    under base only; ready once the socket is there (unix) or accepts."""
    os.makedirs(base, exist_ok=True)
    p = subprocess.Popen(["rrdcached", "-g", "-l", listen, "-b", base, "-B",
                          "-p", pidfile, *opts],
                         stdout=subprocess.DEVNULL, stderr=stderr)
    if listen.startswith("unix:"):
        path = listen[len("unix:"):]
        ready = lambda: os.path.exists(path)  # noqa: E731
    else:
        port = int(listen.rsplit(":", 1)[1])
        ready = lambda: tcp_listening(port)  # noqa: E731
    return _started(p, "rrdcached", ready, timeout)
