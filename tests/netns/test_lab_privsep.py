#!/usr/bin/env python3
"""Issue 9.5: -Z USER on a live span port, in the lab.

    floodspot -i span0 -Z nobody --json --rrd-dir D --html H --exec CMD

Asserts:
  1. the process started (the parent) runs as the user with CAP_NET_RAW
     alone (effective, permitted and bounding); its child, the worker,
     as the user with no capability; the worker holds no packet socket;
  2. RRD files and the HTML page are written after the drop, owned by
     the user (before: the directories were root's and every write
     failed);
  3. the span port deleted and made again (new ifindex) is reopened by
     the parent ("span0: capture reopened") and the packets sent after it
     are counted (before: reopening needed CAP_NET_RAW and failed forever);
  4. the --exec child sees descriptors 0, 1 and 2 only, and an environment
     of its own: the alert, PATH, no variable of floodspot's (before: it
     inherited the promiscuous packet socket and the whole environment);
  5. SIGTERM to the parent reaches the worker: final stats, exit 0.
Skips (77) where namespaces are unavailable or there is no user nobody."""
import json
import os
import pwd
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

CAP_NET_RAW = 1 << 13
RULES = """rule lab_flood {
	when host.pps > 200 for 1s
	severity warning
	clear below 10 for 3s
	message "lab flood"
}
"""
PROBE = ("python3 -c 'import os,json\n"
         "def link(f):\n"
         " try: os.fstat(f)\n"
         " except OSError: return None\n"
         " return os.readlink(\"/proc/self/fd/%%d\" %% f)\n"
         "fds={f:link(f) for f in range(1024) if link(f)}\n"
         "json.dump({\"fds\":fds,\"env\":dict(os.environ),"
         "\"uid\":os.getuid()},open(\"%s/exec-\"+os.environ[\"FLOODSPOT_STATE\"]"
         "+\".json\",\"w\"))'")


def fail(msg, L=None):
    print("FAIL: " + msg)
    if L:
        for f in ("floodspot.out", "floodspot.err"):
            print("---- %s\n%s" % (f, L.read(f)[-3000:]))
    sys.exit(1)


def status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(x) for x in f.read().split()]


def stats(L, fs):
    st = L.stats(fs)
    if st is None:
        fail("no stats after SIGUSR1", L)
    return st


def main():
    exe = os.environ.get("FS_FLOODSPOT")
    if not exe or not os.access(exe, os.X_OK):
        lab.skip("FS_FLOODSPOT not set (run through meson test)")
    reason = lab.skip_reason(need_bird=False)
    if reason:
        lab.skip(reason)
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        lab.skip("no user nobody")

    with lab.Lab() as L:
        L.add_switch()
        L.add_host("h1", "10.0.0.13/24")
        L.add_host("h2", "10.0.0.14/24")
        L.add_monitor("mon")
        out = tempfile.mkdtemp(prefix="fs-privsep-", dir=L.dir)
        os.chmod(L.dir, 0o755)
        os.chmod(out, 0o1777)
        rules = os.path.join(L.dir, "lab.rules")
        with open(rules, "w") as f:
            f.write(RULES)
        os.chmod(rules, 0o644)
        rrd, html = os.path.join(L.dir, "rrd"), os.path.join(L.dir, "html")
        os.environ["FS_TEST_SECRET"] = "must-not-leak"
        fs = L.spawn_json("mon", [exe, "-i", "span0", "-Z", "nobody",
                                  "--json", "--no-local-syslog",
                                  "--rules", rules, "--rrd-dir", rrd,
                                  "--html", html, "--exec", PROBE % out],
                          "floodspot")
        del os.environ["FS_TEST_SECRET"]
        time.sleep(1.5)
        if fs.proc.poll() is not None:
            fail("exited %s at start" % fs.proc.returncode, L)

        # 1. Who holds what.
        parent = status(fs.proc.pid)
        kids = children(fs.proc.pid)
        if len(kids) != 1:
            fail("want one worker under the parent, got %s" % kids, L)
        worker = status(kids[0])
        for who, st in (("parent", parent), ("worker", worker)):
            if any(int(u) != nobody.pw_uid for u in st["Uid"]):
                fail("%s uids %s" % (who, st["Uid"]), L)
        for k in ("CapEff", "CapPrm", "CapBnd"):
            if int(parent[k][0], 16) != CAP_NET_RAW:
                fail("parent %s %s, want CAP_NET_RAW alone" % (
                    k, parent[k][0]), L)
        if int(worker["CapEff"][0], 16) or int(worker["CapPrm"][0], 16):
            fail("worker has capabilities %s" % worker["CapEff"], L)
        wfds = os.listdir("/proc/%d/fd" % kids[0])
        with open("/proc/%d/net/packet" % kids[0]) as f:
            inodes = {line.split()[-1] for line in f.readlines()[1:]}
        for fd in wfds:
            link = os.readlink("/proc/%d/fd/%s" % (kids[0], fd))
            if link.startswith("socket:[") and link[8:-1] in inodes:
                fail("worker holds a packet socket (fd %s)" % fd, L)
        print("1. parent %s CapEff %s; worker %s CapEff %s; worker fds %s"
              % (fs.proc.pid, parent["CapEff"][0], kids[0],
                 worker["CapEff"][0], sorted(wfds, key=int)))

        # 2. A flood raises an alert (and runs --exec); files appear.
        L.start_flood("h1", "10.0.0.14", pps=1000, seconds=4).wait(
            timeout=20)
        _, ev = fs.wait_for(lambda e: e.get("event") == "alert" and
                            e.get("rule") == "lab_flood", 10)
        if ev is None:
            fail("no lab_flood alert", L)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (
                os.path.exists(os.path.join(html, "index.html")) and
                os.path.exists(os.path.join(rrd, "segment.rrd")) and
                os.path.exists(os.path.join(out, "exec-raised.json"))):
            time.sleep(0.2)
        for path in (os.path.join(rrd, "segment.rrd"),
                     os.path.join(html, "index.html")):
            if not os.path.exists(path):
                fail("%s not written under -Z" % path, L)
            if os.stat(path).st_uid != nobody.pw_uid:
                fail("%s not owned by nobody" % path, L)
        hosts = os.listdir(os.path.join(rrd, "hosts"))
        if not hosts:
            fail("no host RRD file under -Z", L)
        print("2. written as nobody: segment.rrd, %d host files, "
              "index.html" % len(hosts))

        # 4. (early: the alert ran it) the --exec child's world.
        path = os.path.join(out, "exec-raised.json")
        if not os.path.exists(path):
            fail("--exec did not run", L)
        with open(path) as f:
            probe = json.load(f)
        fds = probe["fds"]
        if sorted(fds, key=int) != ["0", "1", "2"]:
            fail("--exec child descriptors: %s" % probe["fds"], L)
        if any(v.startswith("socket:") for v in fds.values()):
            fail("--exec child holds a socket: %s" % fds, L)
        extra = [k for k in probe["env"] if not k.startswith("FLOODSPOT_")
                 and k not in ("PATH", "TZ", "LANG")]
        # /bin/sh sets PWD (to "/", where the child starts); python3 may
        # set LC_CTYPE when it coerces the C locale.
        extra = [k for k in extra if k != "LC_CTYPE" and
                 not (k == "PWD" and probe["env"][k] == "/")]
        if extra or "FS_TEST_SECRET" in probe["env"]:
            fail("--exec child environment leaks: %s" % extra, L)
        if probe["env"].get("FLOODSPOT_RULE") != "lab_flood" or \
                probe["uid"] != nobody.pw_uid:
            fail("--exec child: %s" % probe, L)
        print("4. --exec: fds %s, env %s" % (
            sorted(fds, key=int), sorted(probe["env"])))

        # 3. The span port is deleted and made again: reopened, counting.
        L.replug_monitor("mon", down_s=1)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and \
                "span0: capture reopened" not in L.read("floodspot.err"):
            time.sleep(0.2)
        if "span0: capture reopened" not in L.read("floodspot.err"):
            fail("span0 not reopened under -Z", L)
        before = stats(L, fs)
        L.start_flood("h2", "10.0.0.13", pps=300, seconds=2).wait(
            timeout=20)
        time.sleep(1.0)
        after = stats(L, fs)
        got = after["packets"] - before["packets"]
        if got < 540:
            fail("after the reopen %d packets counted of 600 sent" % got, L)
        print("3. reopened; %d packets counted after it" % got)

        # 5. SIGTERM to the parent ends the worker cleanly.
        fs.proc.send_signal(signal.SIGTERM)
        try:
            fs.proc.wait(timeout=20)
        except Exception:
            fail("no exit 20 s after SIGTERM", L)
        fs.wait_for(lambda e: False, 2)
        if fs.proc.returncode != 0:
            fail("exit %s after SIGTERM" % fs.proc.returncode, L)
        finals = [e for e in fs.snapshot() if e.get("event") == "stats"]
        if len(finals) != 3:
            fail("no final stats after SIGTERM", L)
        if "runtime error" in L.read("floodspot.err"):
            fail("sanitizer report", L)
        print("5. exit 0 with final stats")
    print("ok")


if __name__ == "__main__":
    main()
