#!/usr/bin/env python3
"""RELP (relp://) to a real rsyslogd with imrelp, configured as
docs/CENTRAL.md documents it: one file per agent, named after the alert's agent= field.
Then the collector away: alerts raised while rsyslogd is stopped wait and
arrive, in order and every one, once it is back; a bound past which the
oldest are dropped and counted. Skipped (77) without rsyslogd or imrelp."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import central_conf  # noqa: E402
import daemons  # noqa: E402

SKIP = 77
MODDIR = "/usr/lib/x86_64-linux-gnu/rsyslog"


def write_conf(tmp, port, agents_dir):
    return central_conf.rsyslog_conf(os.path.join(tmp, "rsyslog.conf"),
                                     os.path.join(tmp, "work"), port,
                                     agents_dir, address="127.0.0.1")


def seqs(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [int(l.split(" seq=")[1].split(" ")[0]) for l in f
                if " seq=" in l]


def main():
    driver = sys.argv[1]
    rsyslogd = daemons.find_rsyslogd()
    if not rsyslogd or not glob.glob(
            os.path.join(MODDIR, "imrelp.so")):
        print("SKIP: rsyslogd or its imrelp module not installed")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="fs_relp_")
    agents = os.path.join(tmp, "agents")
    port = daemons.free_port()
    conf = write_conf(tmp, port, agents)
    url = "relp://127.0.0.1:%d" % port
    proc = None
    try:
        # 1. Two agents, one file each.
        proc = daemons.start_rsyslogd(rsyslogd, conf, tmp, port)
        for name in ("rack1/span0", "rack2/span0"):
            r = subprocess.run([driver, "--remote", url, "--agent", name,
                                "--alert-agent", name, "--alerts", "3",
                                "--expect-sent", "3", "--timeout", "15"],
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, (name, r.stdout, r.stderr)
        deadline = time.time() + 10
        while time.time() < deadline and not (
                len(seqs(os.path.join(agents, "rack1_span0.log"))) == 3 and
                len(seqs(os.path.join(agents, "rack2_span0.log"))) == 3):
            time.sleep(0.1)
        for name in ("rack1_span0", "rack2_span0"):
            got = seqs(os.path.join(agents, name + ".log"))
            assert got == [0, 1, 2], (name, got, os.listdir(agents))
        with open(os.path.join(agents, "rack1_span0.log")) as f:
            line = f.readline()
        assert " rack1 flood-start " in line and "agent=rack1/span0" in line, line
        print("ok one file per agent:", sorted(os.listdir(agents)))

        def driver_run(name, n, *opts):
            return subprocess.Popen([driver, "--remote", url, "--agent", name,
                                     "--alert-agent", name, "--alerts",
                                     str(n), "--timeout", "40", *opts],
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)

        def finish(d, name, want):
            out, err = d.communicate(timeout=60)
            assert d.returncode == 0, (out, err)
            path = os.path.join(agents, name.replace("/", "_") + ".log")
            deadline = time.time() + 10
            while time.time() < deadline and len(set(seqs(path))) < want:
                time.sleep(0.1)
            return json.loads(out), seqs(path)

        def in_order(got, n):
            # RELP is at-least-once: a message the broken session had not
            # seen acknowledged may come twice, but none is missing or out
            # of order.
            dedup = [s for i, s in enumerate(got) if i == 0 or s != got[i - 1]]
            return dedup == list(range(n))

        # 2. The collector away for 4 s while 12 alerts are raised (one
        # every 500 ms): every one arrives, in order, once it is back.
        daemons.stop(proc)
        proc = None
        d = driver_run("rack3/span0", 12, "--interval-ms", "500",
                       "--expect-sent", "12")
        time.sleep(4)
        proc = daemons.start_rsyslogd(rsyslogd, conf, tmp, port)
        st, got = finish(d, "rack3/span0", 12)
        assert st["sent"] == 12 and st["dropped_queue_full"] == 0, st
        assert st["connect_failures"] > 0, st
        assert in_order(got, 12), got
        print("ok collector away 4 s: 12 of 12 in order;", st)

        # 2b. Connected, then the collector stopped for 3 s mid-stream
        # and back: the session is re-established, nothing is lost.
        d = driver_run("rack5/span0", 16, "--interval-ms", "400",
                       "--expect-sent", "16")
        time.sleep(2)
        daemons.stop(proc)
        proc = None
        time.sleep(3)
        proc = daemons.start_rsyslogd(rsyslogd, conf, tmp, port)
        st, got = finish(d, "rack5/span0", 16)
        assert st["sent"] == 16 and st["disconnects"] >= 1, st
        assert in_order(got, 16), got
        print("ok collector restarted mid-stream: 16 of 16 in order "
              "(%d lines);" % len(got), st)

        # 3. The bound: a queue of 4 with the collector away for 10
        # alerts: the one being tried when it filled (one of the first)
        # and the 3 newest arrive, the 6 others are counted dropped.
        daemons.stop(proc)
        proc = None
        d = driver_run("rack4/span0", 10, "--queue", "4", "--expect-sent",
                       "4")
        time.sleep(2)
        proc = daemons.start_rsyslogd(rsyslogd, conf, tmp, port)
        st, got = finish(d, "rack4/span0", 4)
        assert st["dropped_queue_full"] == 6 and st["sent"] == 4, st
        got = sorted(set(got))
        assert len(got) == 4 and got[0] < 7 and got[1:] == [7, 8, 9], got
        # The loss is told at the collector, once, after the next delivery.
        deadline = time.time() + 10
        told = []
        while time.time() < deadline and not told:
            with open(os.path.join(agents, "rack4_span0.log")) as f:
                told = [l for l in f if "alerts-dropped dropped=6 " in l]
            time.sleep(0.1)
        assert len(told) == 1 and st["summaries"] == 1, (told, st)
        print("ok bound: 4 delivered (the head and the 3 newest), 6 counted "
              "dropped and told in one alerts-dropped message")
        return 0
    finally:
        daemons.stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
