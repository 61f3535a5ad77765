"""Issue 9.3: the RRD files on disk are bounded by configuration, whatever
the traffic. A random-MAC flood (every second's top hosts are new) used to
leave a file per passing host: 1,239 files against a cap of 200 after 3 M
packets at 5,000 pps. Now a new file needs room: files of hosts with no
update for --rrd-retire are deleted, oldest first; when none is that old,
the file is not made (counted). Checked by count (--rrd-max-hosts) and by
bytes (--rrd-max-size), on a plain directory and through rrdcached."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

fs, src, feed = sys.argv[1], sys.argv[2], sys.argv[3]
tmp = st.tmpdir()
cache = None


def replay(pcap, rrd, *opts):
    p = subprocess.run([fs, "-r", pcap, "--json", "--no-local-syslog",
                        "--rules", os.path.join(src, "rules"),
                        "--rrd-dir", rrd, "--rrd-archives", "1s:10m",
                        "--capacity", "1024", *opts], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    stats = [json.loads(l) for l in p.stdout.splitlines()
             if l.startswith('{"event":"stats"')]
    return stats[-1]["rrd"], p.stderr


def on_disk(rrd):
    d = os.path.join(rrd, "hosts")
    names = [n for n in os.listdir(d) if n.endswith(".rrd")]
    return len(names), sum(os.path.getsize(os.path.join(d, n))
                           for n in names)


try:
    pcap = os.path.join(tmp, "spoof.pcap")
    # 300,000 packets at 1,000 pps from random MACs: 300 s of packet time
    # (a tracked host leaves the capture side 60 s after its last update).
    # A small hosts table (--capacity 1024) lets hosts pass through as a
    # big one does under millions of packets.
    subprocess.run([sys.executable, os.path.join(src, "tools", "fs-gen"),
                    "spoof", "-o", pcap, "--seed", "7", "--packets",
                    "300000", "--random-macs", "--rate", "1000", "-q"],
                   check=True, timeout=300)

    # By count: at most 40 files; idle for 10 s means deletable.
    rrd = os.path.join(tmp, "count")
    r, err = replay(pcap, rrd, "--rrd-max-hosts", "40", "--rrd-retire", "10s")
    n, size = on_disk(rrd)
    assert n <= 40, (n, r)
    host_files = r["files_created"] - 3    # segment.rrd, 2 routers
    assert host_files > 40 and r["files_retired"] > 0, r
    assert host_files - r["files_retired"] == n, (n, r)
    assert r["disk_files"] == n and r["disk_bytes"] == size, (n, size, r)
    print("ok count:", n, "files;", r)

    # Nothing idle long enough (1 h): the cap holds by refusing.
    rrd = os.path.join(tmp, "refuse")
    r, err = replay(pcap, rrd, "--rrd-max-hosts", "40", "--rrd-retire", "1h")
    n, size = on_disk(rrd)
    assert n == 40 and r["files_retired"] == 0 and r["files_refused"] > 0, r
    assert r["no_file"] > 0 and r["errors"] == 0, r
    assert "hosts/" in err and "not created: files at the cap" in err, (
        err[-1000:])
    print("ok refuse:", r)

    # Router files have their own cap (the capture has 2 OSPF routers).
    rrd = os.path.join(tmp, "routers")
    r, err = replay(pcap, rrd, "--rrd-max-routers", "1", "--rrd-retire",
                    "1h")
    assert len(os.listdir(os.path.join(rrd, "routers"))) == 1, r
    assert r["router_files"] == 1 and r["files_refused"] >= 1, r
    print("ok routers:", r["router_files"])

    # By size: 1 MiB of 60,352-byte files is 17 of them.
    rrd = os.path.join(tmp, "size")
    r, err = replay(pcap, rrd, "--rrd-max-size", "1M", "--rrd-retire", "10s")
    n, size = on_disk(rrd)
    assert size <= 1 << 20 and n == (1 << 20) // 60352, (n, size, r)
    assert r["files_retired"] > 0, r
    print("ok size:", n, "files,", size, "bytes")

    # A smaller cap after a restart: the directory shrinks back as the
    # old files pass the age (here at once: the replay runs on).
    r, err = replay(pcap, os.path.join(tmp, "count"), "--rrd-max-hosts",
                    "20", "--rrd-retire", "1s")
    n, _ = on_disk(os.path.join(tmp, "count"))
    assert n <= 20, (n, r)
    print("ok shrink:", n)

    # events.log: a flapping (or forged) adjacency cannot fill the disk:
    # past 16 MiB it becomes events.log.1 (one generation kept).
    ev_dir = os.path.join(tmp, "events")
    res, err, _ = st.feed(feed, ev_dir, "--seconds", 2000, "--hosts", 0,
                          "--flaps", 400, "--rras", "1s:10m")
    log, old = (os.path.join(ev_dir, n) for n in ("events.log",
                                                   "events.log.1"))
    assert os.path.exists(old), os.listdir(ev_dir)
    cap = 16 << 20
    assert os.path.getsize(old) <= cap + 100, os.path.getsize(old)
    assert os.path.getsize(log) <= cap + 100, os.path.getsize(log)
    lines = sum(1 for _ in open(log)) + sum(1 for _ in open(old))
    assert res["events"] == 2000 * 400 + 1, res
    assert lines < res["events"], (lines, res)  # the oldest went
    print("ok events.log:", os.path.getsize(log), os.path.getsize(old))

    # Through rrdcached on a local socket: deleted there too, after the
    # daemon forgets them. The agent's files are under its name.
    if shutil.which("rrdcached"):
        rrd = os.path.join(tmp, "cached")
        cache, addr = st.start_rrdcached(tmp, rrd, "-R", "-w", "3600")
        r, err = replay(pcap, rrd, "--rrdcached", addr, "--name", "span-a",
                        "--rrd-max-hosts", "40", "--rrd-retire", "10s")
        n, _ = on_disk(os.path.join(rrd, "span-a"))
        assert n <= 40 and r["files_retired"] > 0 and r["errors"] == 0, (
            n, r, err[-1000:])
        print("ok rrdcached:", n, "files;", r)
finally:
    st.stop(cache)
    shutil.rmtree(tmp, ignore_errors=True)
