#!/usr/bin/env python3
"""The service unit's ExecStart, run as the unit says: as its user (or
nobody when that user does not exist here), with only the unit's
capabilities (ambient, bounding set, no new privileges), on a span port in
the namespace lab. Asserts that it captures and alerts, that it holds no
other capability, that promiscuous mode took, that a reload (the unit's
ExecReload signal) re-reads the configuration as that user, and that it
stops cleanly.

Lab: a bridge, host H1 flooding host R1 (declared a router in the
configuration) with router-bound UDP, and the span port span0 in the
monitor namespace, where the unit's command line runs with %I = span0.

The configuration is the shipped file with the test's own lines in place
of rules, local-syslog, json, router and include: rules from the source
tree, alerts as JSON lines on stdout.

Environment: FS_UNIT (the configured unit), FS_UNIT_CONF (the
configuration file it names), FS_FLOODSPOT (the program to run in place of
the unit's), FS_RULES_SRC (rules). The package check points them at the
installed files. Skips (77) without root, namespaces or setpriv."""
import json
import os
import pwd
import grp
import shlex
import shutil
import signal
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

CAP_NET_RAW = 13
CAP_BITS = {"CAP_NET_RAW": 13, "CAP_NET_ADMIN": 12}
OWN_KEYS = ("rules", "local-syslog", "json", "router", "include")


def fail(msg, L=None, extra=""):
    print("FAIL: " + msg)
    if L:
        for f in ("floodspot.out", "floodspot.err", "flood-h1.out"):
            print("---- %s\n%s" % (f, L.read(f)[-3000:]))
    if extra:
        print(extra)
    sys.exit(1)


def parse_unit(path):
    """[Service] settings of a unit file: {key: [values]}."""
    out, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]" and "=" in line:
                k, v = line.split("=", 1)
                out.setdefault(k.strip(), []).append(v.strip())
    return out


def caps_of(values):
    names = " ".join(values).split()
    for n in names:
        if n not in CAP_BITS:
            fail("unit names a capability this test does not know: " + n)
    return names


def main():
    reason = lab.skip_reason(need_bird=False, need=("setpriv",))
    if reason:
        lab.skip(reason)
    unit = os.environ.get("FS_UNIT")
    conf_src = os.environ.get("FS_UNIT_CONF")
    exe = os.environ.get("FS_FLOODSPOT")
    rules_src = os.environ.get("FS_RULES_SRC")
    if not (unit and conf_src and exe and rules_src):
        fail("FS_UNIT, FS_UNIT_CONF, FS_FLOODSPOT and FS_RULES_SRC must be set")

    svc = parse_unit(unit)
    execstart = svc["ExecStart"][-1]
    user = svc.get("User", ["root"])[-1]
    group = svc.get("Group", [user])[-1]
    ambient = caps_of(svc.get("AmbientCapabilities", []))
    bounding = caps_of(svc.get("CapabilityBoundingSet", []))
    if svc.get("ExecReload", [""])[-1] != "/bin/kill -HUP $MAINPID":
        fail("ExecReload is not SIGHUP: %r" % svc.get("ExecReload"))
    try:
        pwd.getpwnam(user)
        grp.getgrnam(group)
    except KeyError:
        print("note: user %s:%s does not exist here; running as nobody" %
              (user, group))
        user, group = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    print("unit: %s\n  ExecStart=%s\n  User=%s Group=%s ambient=%s bounding=%s"
          % (unit, execstart, user, group, ambient, bounding))

    # The unprivileged user must read all of it: a world-readable copy.
    work = tempfile.mkdtemp(prefix="fs-unit-")
    os.chmod(work, 0o755)
    try:
        rules = os.path.join(work, "rules.d")
        shutil.copytree(rules_src, rules,
                        ignore=shutil.ignore_patterns("meson.build"))
        for root, dirs, files in os.walk(work):
            for n in dirs:
                os.chmod(os.path.join(root, n), 0o755)
            for n in files:
                os.chmod(os.path.join(root, n), 0o644)
        run(execstart, exe, conf_src, rules, work, user, group, ambient,
            bounding, svc)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(execstart, exe, conf_src, rules, work, user, group, ambient, bounding,
        svc):
    with lab.Lab() as L:
        L.add_switch()
        h1 = L.add_host("h1", "10.0.0.13/24")
        r1 = L.add_host("r1", "10.0.0.1/24")
        L.add_monitor("mon")

        keep = []
        with open(conf_src) as f:
            for line in f:
                words = line.split()
                if words and words[0] in OWN_KEYS:
                    continue
                keep.append(line)
        conf = os.path.join(work, "floodspot.conf")
        with open(conf, "w") as f:
            f.writelines(keep)
            f.write("rules %s\nlocal-syslog no\njson yes\nrouter %s\n"
                    % (rules, r1["ip"]))
        os.chmod(conf, 0o644)

        argv = shlex.split(execstart.replace("%I", "span0")
                           .replace("%i", "span0"))
        if "--config" not in argv:
            fail("ExecStart has no --config: %r" % execstart)
        argv[argv.index("--config") + 1] = conf
        argv[0] = exe
        caps = lambda names: ",".join(["-all"] + ["+" + n[4:].lower()
                                                  for n in names])
        cmd = ["setpriv", "--reuid=" + user, "--regid=" + group,
               "--clear-groups", "--inh-caps=" + caps(ambient),
               "--ambient-caps=" + caps(ambient),
               "--bounding-set=" + caps(bounding)]
        if svc.get("NoNewPrivileges", ["no"])[-1] == "yes":
            cmd.append("--no-new-privs")
        cmd += ["--"] + argv
        print("running: ip netns exec %s %s" % (L.ns("mon"), " ".join(cmd)))
        fs = L.spawn_json("mon", cmd, "floodspot")
        time.sleep(1.5)
        if fs.proc.poll() is not None:
            fail("exited at start (%s)" % fs.proc.returncode, L)

        with open("/proc/%d/status" % fs.proc.pid) as f:
            st = dict(l.split(":", 1) for l in f if ":" in l)
        uid = st["Uid"].split()
        eff = int(st["CapEff"].strip(), 16)
        want = sum(1 << CAP_BITS[c] for c in ambient)
        if any(u != str(pwd.getpwnam(user).pw_uid) for u in uid):
            fail("not running as %s: Uid %s" % (user, uid), L)
        if eff != want:
            fail("CapEff %#x, want %#x (%s only)" % (eff, want, ambient), L)
        print("running as %s, CapEff %#x" % (user, eff))
        link = L.run("mon", "ip -d link show span0").stdout
        if "promiscuity 1" not in link:
            fail("span0 not promiscuous: " + link, L)
        print("span0 promiscuous (promiscuity 1) with %s only" % ambient)

        flood = L.start_flood("h1", r1["ip"], pps=3000, seconds=6)
        _, ev = fs.wait_for(lambda e: e.get("event") == "alert" and
                            e.get("mac") == h1["mac"] and
                            e.get("state") == "raised", 12)
        if ev is None:
            fail("no alert naming %s" % h1["mac"], L)
        expect_agent = "%s/span0" % socket.gethostname()
        if ev.get("agent") != expect_agent or ev.get("schema") != 1:
            fail("alert agent/schema: %r" % ev, L)
        print("alert: %s %s %s pps=%s agent=%s" % (
            ev["rule"], ev["state"], ev["mac"], ev.get("pps"), ev["agent"]))
        flood.wait(timeout=30)

        # ExecReload: SIGHUP re-reads the configuration as this user.
        os.kill(fs.proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                "configuration reloaded" not in L.read("floodspot.err"):
            time.sleep(0.1)
        if "configuration reloaded" not in L.read("floodspot.err"):
            fail("reload as %s did not re-read the configuration" % user, L)
        print("reload: configuration re-read as %s" % user)

        os.kill(fs.proc.pid, signal.SIGTERM)
        fs.proc.wait(timeout=10)
        if fs.proc.returncode != 0:
            fail("SIGTERM: exit %d" % fs.proc.returncode, L)
        stats = [e for e in fs.snapshot() if e.get("event") == "stats"]
        if not stats or stats[-1]["packets"] < 3000:
            fail("captured too little: %r" % stats[-1:], L)
        print("stopped cleanly; captured %d packets, %d dropped" % (
            stats[-1]["packets"], stats[-1].get("capture_dropped", 0)))
    print("unit: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
