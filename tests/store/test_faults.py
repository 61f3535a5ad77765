"""Faults: an unusable directory, a full filesystem and a filesystem that
turns read-only mid-run give a clear logged error (file name and librrd's
text), counted failed updates, and a caller that is never blocked."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storetest as st  # noqa: E402

st.need("rrdtool")
driver = sys.argv[1]
MAX_ENQUEUE_US = 50000  # generous: a loaded 2-core CI box may preempt us

tmp = st.tmpdir()
mounts = []


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}",
                        "tmpfs", path], capture_output=True, text=True)
    if p.returncode != 0:
        return False
    mounts.append(path)
    return True


try:
    # 1. A path under a regular file can never be a directory, root or not.
    plain = os.path.join(tmp, "plainfile")
    open(plain, "w").close()
    bad = os.path.join(plain, "rrd")
    res, err, rc = st.feed(driver, bad, "--seconds", 3, check=False)
    assert rc == 1 and res.get("create_failed"), (rc, res)
    assert bad in err or plain in err, err
    assert "Not a directory" in err, err

    if not mount_tmpfs(os.path.join(tmp, "full"), "64k"):
        print("SKIP: cannot mount tmpfs (needs root / CAP_SYS_ADMIN)")
        sys.exit(st.SKIP)

    # 2. Full filesystem: a 1 h archive at 1 s does not fit in 64 KiB.
    full = os.path.join(tmp, "full", "rrd")
    res, err, rc = st.feed(driver, full, "--seconds", 10, "--hosts", 3,
                           "--rras", "1s:1h")
    assert rc == 0, (rc, err)
    assert res["errors"] > 0 and res["written"] < res["queued"], res
    assert res["max_enqueue_us"] < MAX_ENQUEUE_US, res
    assert "cannot create" in err and full in err, err
    assert "No space left" in err or "space" in err.lower(), err
    lines = [x for x in err.splitlines() if "cannot create" in x]
    assert len(lines) <= 3, lines  # rate limited, not one per update
    # No partial file left behind to block a later resume.
    assert not os.listdir(os.path.join(full, "hosts")), os.listdir(
        os.path.join(full, "hosts"))

    # 3. Read-only mid-run: files exist and are written, then refused.
    ro_mnt = os.path.join(tmp, "ro")
    assert mount_tmpfs(ro_mnt, "4m")
    ro = os.path.join(ro_mnt, "rrd")
    res, err, rc = st.feed(driver, ro, "--seconds", 12, "--hosts", 3,
                           "--rras", "1s:2m", "--run-at", 6,
                           f"mount -o remount,ro {ro_mnt}")
    assert rc == 0, (rc, err)
    assert res["written"] > 0 and res["errors"] > 0, res
    assert res["max_enqueue_us"] < MAX_ENQUEUE_US, res
    assert "update failed" in err and ro in err, err
    assert "Read-only" in err or "read-only" in err, err
    print("ok:", res)
finally:
    for m in reversed(mounts):
        subprocess.run(["umount", "-l", m])
    shutil.rmtree(tmp, ignore_errors=True)
