#!/usr/bin/env python3
"""A real rsyslogd (Debian's) receives our RFC 5424 alerts over UDP and TCP
(octet counting) and writes them to a file with the structured data intact,
also parsed by its own mmpstrucdata; and our local-socket messages (the
/dev/log protocol) through imuxsock on a socket in the test directory.
Skipped (77) without rsyslogd."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import daemons  # noqa: E402

SKIP = 77


def expected_sd(i):
    return ('[floodspot@32473 state="raised" rule="router_flood" '
            'severity="critical" seq="%d" mac="02:00:0a:00:00:%02x" vlan="0" '
            'ip="10.0.0.%d" class="to_router" pps="%d" '
            'note="say \\"hi\\" [x\\] \\\\ y"]' % (i, i, i, 4000 + i))


def main():
    driver = sys.argv[1]
    rsyslogd = daemons.find_rsyslogd()
    if not rsyslogd:
        print("SKIP: rsyslogd not installed")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="fs_rsyslog_")
    work = os.path.join(tmp, "work")
    os.mkdir(work)
    out = os.path.join(tmp, "out.log")
    udp_port = daemons.free_port(socket.SOCK_DGRAM)
    tcp_port = daemons.free_port(socket.SOCK_STREAM)
    logsock = os.path.join(tmp, "log.sock")
    conf = os.path.join(tmp, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(f'''
global(workDirectory="{work}")
module(load="imudp")
module(load="imtcp")
module(load="mmpstrucdata")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="{logsock}" CreatePath="off")
input(type="imudp" address="127.0.0.1" port="{udp_port}")
input(type="imtcp" address="127.0.0.1" port="{tcp_port}")
template(name="fs" type="list") {{
  property(name="inputname") constant(value="|")
  property(name="procid") constant(value="|")
  property(name="pri") constant(value="|")
  property(name="timereported" dateFormat="rfc3339") constant(value="|")
  property(name="app-name") constant(value="|")
  property(name="msgid") constant(value="|")
  property(name="structured-data") constant(value="|")
  property(name="$!rfc5424-sd") constant(value="|")
  property(name="msg") constant(value="\\n")
}}
action(type="mmpstrucdata")
action(type="omfile" file="{out}" template="fs")
''')
    proc = None
    try:
        # Ready when the TCP input accepts.
        proc = daemons.start_rsyslogd(rsyslogd, conf, tmp, tcp_port)
        for url, n in ((f"udp://127.0.0.1:{udp_port}", 2),
                       (f"tcp://127.0.0.1:{tcp_port}", 2)):
            r = subprocess.run([driver, "--sd-id", "floodspot@32473",
                                "--remote", url, "--facility", "local4",
                                "--alerts", str(n), "--expect-sent", str(n),
                                "--timeout", "10"],
                               capture_output=True, text=True, timeout=30)
            if r.returncode != 0:
                print("driver failed:", url, r.stdout, r.stderr)
                return 1
        deadline = time.time() + 5
        while not os.path.exists(logsock) and time.time() < deadline:
            time.sleep(0.05)
        local = subprocess.Popen([driver, "--local", logsock, "--facility",
                                  "local4", "--alerts", "2"],
                                 stdout=subprocess.PIPE, text=True)
        lout, _ = local.communicate(timeout=30)
        lstats = json.loads(lout)
        if local.returncode != 0 or lstats["local_sent"] != 2:
            print("local driver failed:", lout)
            return 1
        lines = []
        deadline = time.time() + 10
        while time.time() < deadline:
            if os.path.exists(out):
                with open(out) as f:
                    lines = [l.rstrip("\n") for l in f if l.strip()]
                if len(lines) >= 6:
                    break
            time.sleep(0.1)
        print("\n".join(lines))
        if len(lines) != 6:
            print("expected 6 lines, got", len(lines))
            return 1
        seen = {}
        for line in lines:
            parts = line.split("|", 8)
            inputname, procid, pri, ts, app, msgid, sd, sdjson, msg = parts
            if inputname == "imuxsock":
                # RFC 3164 form: no MSGID or SD; the body is the kv line.
                assert pri == "162" and app == "floodspot", line
                assert procid == str(local.pid), (procid, local.pid)
                seq = int(msg.split(" seq=")[1].split(" ")[0])
                assert msg.lstrip() .startswith(
                    "flood-start state=raised rule=router_flood "
                    "severity=critical seq=%d mac=02:00:0a:00:00:%02x " % (seq, seq)), msg
                assert msg.endswith('note="say \\"hi\\" [x] \\\\ y" '
                                    'msg="host %d floods the routers"' % seq), msg
                seen.setdefault(inputname, []).append(seq)
                continue
            seq = int(sd.split(' seq="')[1].split('"')[0])
            seen.setdefault(inputname, []).append(seq)
            assert pri == "162", pri             # local4.crit
            assert app == "floodspot", app
            assert msgid == "flood-start", msgid
            origin = re.match(r'^\[origin software="floodspot" '
                              r'swVersion="[^"\\\]]+"\]', sd)
            assert origin, sd
            sd = sd[origin.end():]
            assert sd == expected_sd(seq), (sd, expected_sd(seq))
            assert ts.startswith("2026-01-15T10:00:%02d.250" % (30 + seq)), ts
            parsed = json.loads(sdjson)["floodspot@32473"]
            assert parsed["note"] == 'say "hi" [x] \\ y', parsed
            assert parsed["mac"] == "02:00:0a:00:00:%02x" % seq, parsed
            assert parsed["state"] == "raised" and parsed["rule"] == "router_flood"
            assert msg.lstrip().startswith(
                "flood-start state=raised rule=router_flood severity=critical "
                "seq=%d " % seq), msg
            assert msg.endswith('msg="host %d floods the routers"' % seq), msg
        assert sorted(seen.get("imudp", [])) == [0, 1], seen
        assert sorted(seen.get("imtcp", [])) == [0, 1], seen
        assert sorted(seen.get("imuxsock", [])) == [0, 1], seen
        print("OK: rsyslogd kept 6 messages (2 UDP, 2 TCP with SD intact, "
              "2 local)")
        return 0
    finally:
        daemons.stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
