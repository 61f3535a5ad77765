"""Network-namespace lab for floodspot's live tests (Python 3 stdlib only).

Topology, all inside namespaces named fs<pid>-<role> (nothing touches the
host's own interfaces):

    host ns "r1" eth0 --+                +-- eth0 ns "r2"
                        |  ns "sw": br0  |
    host ns "h1" eth0 --+   (a bridge)   +-- span0 ns "mon"   (mirror only)

- The switch is a Linux bridge in its own namespace; every node is a
  namespace joined to it by a veth pair (node side "eth0", switch side
  "p-<node>").
- The span port: "m-<monitor>" in the switch namespace, its peer "span0"
  in the monitor namespace. Every bridge port gets a clsact qdisc and a
  matchall filter with "action mirred egress mirror dev m-<monitor>"
  (u32 matching everything where the kernel lacks cls_matchall).
  By default only ingress is mirrored: every frame enters the bridge by
  exactly one port, so the monitor sees each frame once (mirroring both
  directions would show each frame twice and fake hello timing).
- Routers run bird2 (bird -f -c CONF -s SOCK -P PIDFILE) with OSPFv2 on
  eth0 (hello 1, dead 4 by default) and static routes exported into OSPF,
  so neighbours install them in their kernel with protocol "bird".
- Helpers for issue 5's end-to-end test: start_flood() runs flood.py in a
  host namespace (router-bound UDP at a bounded rate and duration), and
  start_rsyslog() runs rsyslogd with its own configuration (imudp and
  imtcp on a loopback port inside a namespace, writing to a file).
  start_capture()/stop_capture() count frames with tcpdump; spawn_json()
  runs a program (floodspot --json) and lets the test wait for events.

Bounds: every command has a timeout, every wait a deadline, node and
process counts are capped. Cleanup (close(), also via atexit and on
SIGTERM/SIGINT) stops only the processes this lab started, by PID, and
deletes only the namespaces it created, by name.

Usage:
    reason = lab.skip_reason(need_bird=True)
    if reason: lab.skip(reason)          # exit 77
    with lab.Lab() as L:
        L.add_switch()
        L.add_router("r1", "10.0.0.1/24", "1.1.1.1", stubs=["10.1.1.0/24"])
        L.add_router("r2", "10.0.0.2/24", "2.2.2.2", stubs=["10.2.1.0/24"])
        L.add_monitor("mon")
        L.start_bird("r1"); L.start_bird("r2")
        L.wait_ospf_full("r1", "2.2.2.2", timeout=30)

Issue 5's live test, sketched with these helpers:
        L.add_host("h1", "10.0.0.13/24")          # before add_monitor or
        rs, out = L.start_rsyslog("mon", 5514)   # after: ports are mirrored
        fs = L.spawn_json("mon", [floodspot, "-i", "span0", "--json",
                                  "--syslog", "udp://127.0.0.1:5514"],
                          "floodspot")
        L.start_flood("h1", L.nodes["r1"]["ip"], pps=5000, seconds=20)
        L.signal("r2", signal.SIGSTOP)           # past the dead interval
        fs.wait_for(lambda e: e.get("rule") == "culprit", 30)
        L.wait_file_match(out, "mac=" + L.nodes["h1"]["mac"], 10)
Namespaces and files: L.ns(node) is the namespace name, L.dir the work
directory (kept when FS_LAB_KEEP=1), L.nodes[node] has ip, mac, port.
"""

import atexit
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_NODES = 16
MAX_PROCS = 32
CMD_TIMEOUT = 15
SKIP = 77
CLASSIFIERS = {"matchall": ["matchall"],
               "u32": ["u32", "match", "u32", "0", "0"]}


def skip(reason):
    """Reports the test as skipped (meson: exit code 77)."""
    print("SKIP: " + reason)
    sys.stdout.flush()
    sys.exit(SKIP)


def fail(msg, L=None, show=()):
    """Prints "FAIL: msg" and, for each (file, word) in show, the end of
    that file of the lab's directory (only its lines holding word, unless
    word is None); exits 1."""
    print("FAIL:", msg)
    for rel, word in (show if L is not None else ()):
        text = L.read(rel)
        if word is not None:
            text = "\n".join(l for l in text.splitlines() if word in l)
        print("--- %s%s" % (rel, " (lines with %s)" % word if word else ""))
        print(text[-3000:])
    sys.exit(1)


def floodspot_or_skip(need_bird=True, need=()):
    """The built floodspot (FS_FLOODSPOT, set by meson test), or a skip
    when it or what the lab needs is missing."""
    exe = os.environ.get("FS_FLOODSPOT")
    if not exe or not os.access(exe, os.X_OK):
        skip("FS_FLOODSPOT not set to the built floodspot "
             "(run through meson test)")
    reason = skip_reason(need_bird=need_bird, need=need)
    if reason:
        skip(reason)
    return exe


def skip_reason(need_bird=True, need=()):
    """Why the lab cannot run here, or None. Probes by creating and
    deleting a namespace of our own; need lists further programs."""
    if os.geteuid() != 0:
        return "network namespaces need root (euid %d)" % os.geteuid()
    progs = ["ip", "tc"] + (["bird", "birdc"] if need_bird else []) + list(need)
    for prog in progs:
        if not shutil.which(prog):
            return "%s not installed" % prog
    probe = "fs%d-probe" % os.getpid()
    try:
        r = subprocess.run(["ip", "netns", "add", probe], capture_output=True,
                           text=True, timeout=CMD_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as e:
        return "ip netns add failed: %s" % e
    if r.returncode != 0:
        return "ip netns add failed: %s" % r.stderr.strip()
    try:
        r = subprocess.run(["ip", "netns", "exec", probe, "ip", "link", "add",
                            "fsp0", "type", "veth", "peer", "name", "fsp1"],
                           capture_output=True, text=True, timeout=CMD_TIMEOUT)
        if r.returncode != 0:
            return "veth pairs unavailable: %s" % r.stderr.strip()
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True,
                       timeout=CMD_TIMEOUT)
    return None


class LabError(Exception):
    pass


class JsonLines:
    """Reads a process's stdout in a thread; keeps every JSON object line
    (others go to .text) and lets a test wait for a matching one."""

    def __init__(self, proc, name, log_path=None):
        self.proc = proc
        self.name = name
        self.events = []
        self.arrived = []   # wall time each event's line was read
        self.text = []
        self._cond = threading.Condition()
        self._log = open(log_path, "w") if log_path else None
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        for line in self.proc.stdout:
            if self._log:
                self._log.write(line)
                self._log.flush()
            line = line.strip()
            obj = None
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = None
            with self._cond:
                if isinstance(obj, dict):
                    self.events.append(obj)
                    self.arrived.append(time.time())
                else:
                    self.text.append(line)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, pred, timeout, start=0):
        """First event at index >= start satisfying pred, as (index, event);
        (None, None) on timeout or when the process ended without it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(start, len(self.events)):
                    if pred(self.events[i]):
                        return i, self.events[i]
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None
                                 and not self._t.is_alive()):
                    return None, None
                self._cond.wait(min(left, 0.5))

    def snapshot(self):
        with self._cond:
            return list(self.events)

    def arrival(self, i):
        """Wall-clock time (s) event i was read from the process."""
        with self._cond:
            return self.arrived[i]


class Lab:
    """A set of namespaces and processes owned by this test process."""

    def __init__(self, workdir=None, keep=False):
        self.prefix = "fs%d-" % os.getpid()
        self.nodes = {}          # name -> dict(ns, ip, mac, port, ...)
        self.namespaces = []     # created, in order
        self.procs = []          # (name, Popen) started here
        self.switch = None
        self.monitors = {}
        self.mirror_dir = "ingress"
        self.mirror_classifier = None   # "matchall" or "u32", once known
        self._owns_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix=self.prefix)
        self.keep = keep or bool(os.environ.get("FS_LAB_KEEP"))
        self._closed = False
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    # ---- lifecycle -------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _on_signal(self, signum, frame):
        # meson's timeout sends SIGTERM: unwind so finally/close run.
        raise SystemExit(128 + signum)

    def close(self):
        """Stops our processes (by PID) and deletes our namespaces (by
        name). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for name, p in reversed(self.procs):
            self._stop(p)
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True,
                           timeout=CMD_TIMEOUT)
        if self._owns_dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        elif self.keep:
            print("lab: kept files in %s" % self.dir)

    @staticmethod
    def _stop(p, grace=3.0):
        if p.poll() is not None:
            return
        try:
            os.kill(p.pid, signal.SIGCONT)   # a stopped process ignores TERM
            p.terminate()
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=grace)
        except ProcessLookupError:
            pass

    # ---- commands --------------------------------------------------------

    def ns(self, name):
        """Full namespace name of a node."""
        return self.prefix + name

    def run(self, node, cmd, check=True, timeout=CMD_TIMEOUT):
        """Runs cmd (list or string) in the node's namespace; returns the
        CompletedProcess (text). node None runs in the caller's namespace
        (only ever 'ip netns' commands)."""
        if isinstance(cmd, str):
            cmd = cmd.split()
        full = (["ip", "netns", "exec", self.ns(node)] if node else []) + cmd
        r = subprocess.run(full, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise LabError("%s: %s: %s" % (node, " ".join(cmd),
                                            r.stderr.strip()))
        return r

    def spawn(self, node, cmd, name=None, stdout=None, stderr=None,
              text=True):
        """Starts a long-running process in the node's namespace (ip netns
        exec execs it, so Popen.pid is the program's own PID)."""
        if len(self.procs) >= MAX_PROCS:
            raise LabError("too many processes")
        full = ["ip", "netns", "exec", self.ns(node)] + list(cmd)
        p = subprocess.Popen(full, stdin=subprocess.DEVNULL,
                             stdout=stdout if stdout is not None
                             else subprocess.DEVNULL,
                             stderr=stderr if stderr is not None
                             else subprocess.DEVNULL,
                             text=text)
        self.procs.append((name or cmd[0], p))
        return p

    def spawn_json(self, node, cmd, name):
        """spawn() with stdout read as JSON lines (see JsonLines); stderr
        goes to <dir>/<name>.err, raw stdout to <dir>/<name>.out."""
        err = open(os.path.join(self.dir, name + ".err"), "w")
        p = self.spawn(node, cmd, name=name, stdout=subprocess.PIPE,
                       stderr=err)
        return JsonLines(p, name, os.path.join(self.dir, name + ".out"))

    def start_floodspot(self, exe, node="mon", args=()):
        """floodspot -i span0 --json --no-local-syslog (plus args) in the
        monitor's namespace, read as JSON lines (name "floodspot"); raises
        LabError when it is gone a second later."""
        fs = self.spawn_json(node, [exe, "-i", "span0", "--json",
                                    "--no-local-syslog"] + list(args),
                             "floodspot")
        time.sleep(1.0)
        if fs.proc.poll() is not None:
            raise LabError("floodspot exited %s at start: %s" % (
                fs.proc.returncode, self.read("floodspot.err")[-2000:]))
        return fs

    def stop(self, p):
        """Stops one process started here."""
        self._stop(p)

    # ---- topology --------------------------------------------------------

    def _add_ns(self, name):
        if len(self.namespaces) >= MAX_NODES:
            raise LabError("too many namespaces")
        ns = self.ns(name)
        self.run(None, ["ip", "netns", "add", ns])
        self.namespaces.append(ns)
        self.run(name, "ip link set lo up")
        # No IPv6 chatter (RS, DAD, MLD): the span carries only what the
        # test makes.
        self.run(name, "sysctl -q -w net.ipv6.conf.all.disable_ipv6=1")
        self.run(name, "sysctl -q -w net.ipv6.conf.default.disable_ipv6=1")
        return ns

    def add_switch(self, name="sw"):
        """The bridge namespace with br0 (no STP, no multicast snooping,
        so OSPF multicast floods to every port). Nodes and monitors added
        after it join this switch; several switches make several segments,
        each mirrored only to its own monitors."""
        self._add_ns(name)
        self.run(name, "ip link add br0 type bridge stp_state 0 "
                       "mcast_snooping 0")
        self.run(name, "ip link set br0 up")
        self.switch = name

    def _mac(self):
        n = len(self.nodes) + len(self.monitors) + 1
        return "02:00:0a:00:00:%02x" % n

    def add_host(self, name, cidr, mac=None):
        """A namespace with eth0 (address cidr) on the switch."""
        if not self.switch:
            raise LabError("add_switch() first")
        self._add_ns(name)
        port = "p-" + name
        mac = mac or self._mac()
        self.run(name, ["ip", "link", "add", "eth0", "address", mac, "type",
                        "veth", "peer", "name", port, "netns",
                        self.ns(self.switch)])
        self.run(name, ["ip", "addr", "add", cidr, "dev", "eth0"])
        self.run(name, "ip link set eth0 up")
        self.run(self.switch, ["ip", "link", "set", port, "master", "br0"])
        self.run(self.switch, ["ip", "link", "set", port, "up"])
        node = {"ns": self.ns(name), "cidr": cidr, "ip": cidr.split("/")[0],
                "mac": mac, "port": port, "kind": "host",
                "switch": self.switch}
        self.nodes[name] = node
        for mon, m in self.monitors.items():
            if m["switch"] == self.switch:
                self._mirror(port, mon)
        return node

    def replug(self, name):
        """Deletes the node's eth0 veth pair and makes it again with the
        same name, MAC, address, bridge port and mirrors (an unplugged and
        replugged NIC: same name, new ifindex)."""
        n = self.nodes[name]
        self.run(name, "ip link del dev eth0")
        sw = n["switch"]
        self.run(name, ["ip", "link", "add", "eth0", "address", n["mac"],
                        "type", "veth", "peer", "name", n["port"], "netns",
                        self.ns(sw)])
        self.run(name, ["ip", "addr", "add", n["cidr"], "dev", "eth0"])
        self.run(name, "ip link set eth0 up")
        self.run(sw, ["ip", "link", "set", n["port"], "master", "br0"])
        self.run(sw, ["ip", "link", "set", n["port"], "up"])
        for mon, m in self.monitors.items():
            if m["switch"] == sw:
                self._mirror(n["port"], mon)

    def add_router(self, name, cidr, router_id, stubs=(), priority=1,
                   hello=1, dead=4, wait=None, extra=""):
        """A host that will run bird2: OSPFv2 on eth0 and the static
        blackhole routes in stubs exported into OSPF. wait (default: dead)
        is how long bird waits before electing a DR; extra is appended to
        its configuration (BGP, BFD)."""
        node = self.add_host(name, cidr)
        node.update(kind="router", router_id=router_id, stubs=list(stubs),
                    priority=priority, hello=hello, dead=dead,
                    wait=dead if wait is None else wait, extra=extra)
        self.run(name, "sysctl -q -w net.ipv4.ip_forward=1")
        return node

    def add_monitor(self, name="mon", direction=None):
        """The span port: a namespace whose span0 receives a mirror copy of
        every bridge port's traffic (direction "ingress" by default, or
        "both"). Ports added later are mirrored too."""
        if not self.switch:
            raise LabError("add_switch() first")
        if direction:
            self.mirror_dir = direction
        self._add_ns(name)
        tap = "m-" + name
        self.run(name, ["ip", "link", "add", "span0", "type", "veth",
                        "peer", "name", tap, "netns", self.ns(self.switch)])
        self.run(name, "ip link set span0 up")
        self.run(self.switch, ["ip", "link", "set", tap, "up"])
        self.monitors[name] = {"ns": self.ns(name), "iface": "span0",
                               "tap": tap, "switch": self.switch}
        for node in self.nodes.values():
            if node["switch"] == self.switch:
                self._mirror(node["port"], name)
        return self.monitors[name]

    def add_node(self, name):
        """A bare namespace (no link): a collector, joined to others with
        link()."""
        self._add_ns(name)
        self.nodes[name] = {"ns": self.ns(name), "kind": "bare",
                            "switch": None, "port": None}
        return self.nodes[name]

    def link(self, a, a_if, a_cidr, b, b_if, b_cidr):
        """A veth pair between two namespaces, addressed and up (a
        management network: not on any switch, never mirrored)."""
        self.run(a, ["ip", "link", "add", a_if, "type", "veth", "peer",
                     "name", b_if, "netns", self.ns(b)])
        self.run(a, ["ip", "addr", "add", a_cidr, "dev", a_if])
        self.run(b, ["ip", "addr", "add", b_cidr, "dev", b_if])
        self.run(a, ["ip", "link", "set", a_if, "up"])
        self.run(b, ["ip", "link", "set", b_if, "up"])

    def replug_monitor(self, name="mon", down_s=0):
        """Deletes the span port (span0 and its switch side) and, after
        down_s seconds, makes it again with the same name and the mirrors
        of every port: a new ifindex, as a replaced NIC."""
        m = self.monitors[name]
        self.run(name, "ip link del dev span0")
        if down_s:
            time.sleep(down_s)
        self.run(name, ["ip", "link", "add", "span0", "type", "veth",
                        "peer", "name", m["tap"], "netns",
                        self.ns(m["switch"])])
        self.run(name, "ip link set span0 up")
        self.run(m["switch"], ["ip", "link", "set", m["tap"], "up"])
        for node in self.nodes.values():
            if node["switch"] == m["switch"]:
                self._mirror(node["port"], name)

    def _mirror(self, port, mon):
        tap = self.monitors[mon]["tap"]
        sw = self.monitors[mon]["switch"]
        r = self.run(sw, ["tc", "qdisc", "show", "dev", port])
        if "clsact" not in r.stdout:
            self.run(sw, ["tc", "qdisc", "add", "dev", port, "clsact"])
        dirs = ["ingress"] if self.mirror_dir == "ingress" else \
            ["ingress", "egress"]
        for d in dirs:
            # matchall where the kernel has it (CONFIG_NET_CLS_MATCHALL);
            # else u32 with an empty mask, which also matches every frame.
            for cls in ([self.mirror_classifier] if self.mirror_classifier
                        else list(CLASSIFIERS)):
                r = self.run(sw, ["tc", "filter", "add", "dev", port, d,
                                  "protocol", "all"] + CLASSIFIERS[cls] +
                             ["action", "mirred", "egress", "mirror", "dev",
                              tap], check=False)
                if r.returncode == 0:
                    self.mirror_classifier = cls
                    break
            else:
                raise LabError("tc mirror on %s failed: %s" % (
                    port, r.stderr.strip()))

    # ---- bird ------------------------------------------------------------

    def bird_conf(self, name):
        """Writes <dir>/<name>.conf and returns its path."""
        n = self.nodes[name]
        statics = "".join("\troute %s blackhole;\n" % s for s in n["stubs"])
        conf = (
            'log "{dir}/{name}.log" all;\n'
            "router id {rid};\n"
            "protocol device {{ scan time 10; }}\n"
            "protocol kernel {{\n"
            "\tipv4 {{ import none; export all; }};\n"
            "\tscan time 10;\n"
            "}}\n"
            "protocol static {{\n"
            "\tipv4;\n"
            "{statics}"
            "}}\n"
            "protocol ospf v2 {{\n"
            "\tipv4 {{ import all; export where source = RTS_STATIC; }};\n"
            "\tarea 0 {{\n"
            '\t\tinterface "eth0" {{\n'
            "\t\t\ttype broadcast;\n"
            "\t\t\thello {hello}; dead {dead}; wait {wait};\n"
            "\t\t\tpriority {prio};\n"
            "\t\t}};\n"
            "\t}};\n"
            "}}\n{extra}").format(extra=n.get("extra", ""), dir=self.dir, name=name, rid=n["router_id"],
                          statics=statics, hello=n["hello"], dead=n["dead"],
                          wait=n["wait"], prio=n["priority"])
        path = os.path.join(self.dir, name + ".conf")
        with open(path, "w") as f:
            f.write(conf)
        return path

    def start_bird(self, name):
        """Starts bird in the router's namespace, in the foreground so the
        PID we hold is bird's own. Returns the Popen."""
        n = self.nodes[name]
        conf = self.bird_conf(name)
        sock = os.path.join(self.dir, name + ".ctl")
        pidf = os.path.join(self.dir, name + ".pid")
        err = open(os.path.join(self.dir, name + ".bird.err"), "w")
        p = self.spawn(name, ["bird", "-f", "-c", conf, "-s", sock, "-P",
                              pidf], name="bird-" + name, stderr=err)
        n["bird"] = p
        n["ctl"] = sock
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            if p.poll() is not None:
                raise LabError("bird in %s exited %s: %s" % (
                    name, p.returncode, self.read(name + ".bird.err")))
            if time.monotonic() > deadline:
                raise LabError("bird in %s: no control socket" % name)
            time.sleep(0.1)
        return p

    def birdc(self, name, *args):
        """birdc output for the router (e.g. 'show', 'ospf', 'neighbors')."""
        r = self.run(name, ["birdc", "-s", self.nodes[name]["ctl"]] +
                     list(args), check=False)
        return r.stdout

    def ospf_neighbor_state(self, name, router_id):
        """bird's state for the neighbour ("Full/DR", ...) or None."""
        out = self.birdc(name, "show", "ospf", "neighbors")
        for line in out.splitlines():
            f = line.split()
            if f and f[0] == router_id and len(f) >= 3:
                return f[2]
        return None

    def wait_ospf_full(self, name, router_id, timeout=40):
        """Waits until bird on name has router_id in state Full."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.ospf_neighbor_state(name, router_id)
            if st and st.startswith("Full"):
                return True
            time.sleep(0.5)
        return False

    def kernel_routes(self, name, proto="bird"):
        """Prefixes of the node's main table with that protocol."""
        r = self.run(name, ["ip", "-4", "route", "show", "proto", proto])
        out = []
        for line in r.stdout.splitlines():
            f = line.split()
            # "10.2.1.0/24 via ..." or "blackhole 10.1.1.0/24 ..."
            if f and f[0] in ("blackhole", "unreachable", "prohibit"):
                f = f[1:]
            if f:
                out.append(f[0] if "/" in f[0] or f[0] == "default"
                           else f[0] + "/32")
        return out

    def signal(self, name, sig):
        """Sends sig to the router's bird (SIGSTOP/SIGCONT/SIGTERM)."""
        p = self.nodes[name]["bird"]
        if p.poll() is None:
            os.kill(p.pid, sig)

    # ---- issue 5 helpers: flood and rsyslog ------------------------------

    def start_flood(self, host, dst_ip, pps=2000, seconds=10, dport=9,
                    size=64, src_ips=None):
        """Starts flood.py in host's namespace: UDP to dst_ip:dport at pps
        packets/s for seconds (bounded by flood.py: pps <= 50000, seconds
        <= 60). With dst_ip a router's address, every frame is router-bound.
        Returns the Popen; its stdout ends with a JSON summary line."""
        cmd = [sys.executable, os.path.join(HERE, "flood.py"), "--dst",
               dst_ip, "--port", str(dport), "--pps", str(pps), "--seconds",
               str(seconds), "--size", str(size)]
        out = open(os.path.join(self.dir, "flood-%s.out" % host), "w")
        return self.spawn(host, cmd, name="flood-" + host, stdout=out,
                          stderr=subprocess.STDOUT)

    def start_rsyslog(self, node, port=5514, out_file=None, raw_file=None):
        """Starts rsyslogd in node's namespace with its own configuration:
        imudp and imtcp on 127.0.0.1:port, every message written to
        out_file (default <dir>/syslog.out) with a plain template, and,
        when raw_file is given, also as received (%rawmsg%, one per line)
        to raw_file; no local sockets (-n foreground, -f conf, -i
        pidfile). Returns (Popen, out_file) once both listeners are
        bound."""
        if not shutil.which("rsyslogd"):
            raise LabError("rsyslogd not installed")
        out_file = out_file or os.path.join(self.dir, "syslog.out")
        work = os.path.join(self.dir, "rsyslog.d")
        os.makedirs(work, exist_ok=True)
        conf = os.path.join(self.dir, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write(
                'global(workDirectory="%s")\n'
                'module(load="imudp")\n'
                'module(load="imtcp")\n'
                'input(type="imudp" address="127.0.0.1" port="%d")\n'
                'input(type="imtcp" address="127.0.0.1" port="%d")\n'
                'template(name="fsplain" type="string" string="%%TIMESTAMP:::'
                'date-rfc3339%% %%HOSTNAME%% %%APP-NAME%% %%PROCID%% '
                '%%MSGID%% %%STRUCTURED-DATA%% %%msg%%\\n")\n'
                '*.* action(type="omfile" file="%s" template="fsplain")\n'
                % (work, port, port, out_file))
            if raw_file:
                f.write('template(name="fsraw" type="string" '
                        'string="%%rawmsg%%\\n")\n'
                        '*.* action(type="omfile" file="%s" '
                        'template="fsraw")\n' % raw_file)
        pidf = os.path.join(self.dir, "rsyslogd.pid")
        err = open(os.path.join(self.dir, "rsyslogd.err"), "w")
        p = self.spawn(node, ["rsyslogd", "-n", "-f", conf, "-i", pidf],
                       name="rsyslogd", stderr=err, stdout=err)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise LabError("rsyslogd exited %s: %s" % (
                    p.returncode, self.read("rsyslogd.err")))
            ss = self.run(node, ["ss", "-Hlntu"], check=False).stdout
            if ss.count("127.0.0.1:%d" % port) >= 2:
                return p, out_file
            time.sleep(0.2)
        raise LabError("rsyslogd did not bind 127.0.0.1:%d" % port)

    def send_syslog(self, node, port, msg, tcp=False):
        """Sends one test line to a collector from inside node (logger)."""
        cmd = ["logger", "-n", "127.0.0.1", "-P", str(port),
               "--rfc5424", "-t", "fslab"] + (["-T"] if tcp else ["-d"]) + \
            [msg]
        return self.run(node, cmd)

    @staticmethod
    def stats(fs, timeout=5):
        """SIGUSR1 to a spawn_json() floodspot -> the stats line it dumps,
        or None."""
        mark = len(fs.snapshot())
        fs.proc.send_signal(signal.SIGUSR1)
        _, st = fs.wait_for(lambda e: e.get("event") == "stats", timeout,
                            start=mark)
        return st

    # ---- files -----------------------------------------------------------

    def read(self, rel):
        try:
            with open(os.path.join(self.dir, rel), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    @staticmethod
    def wait_file_match(path, regex, timeout):
        """First line of path matching regex within timeout, or None."""
        rx = re.compile(regex)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(path, errors="replace") as f:
                    for line in f:
                        if rx.search(line):
                            return line.rstrip("\n")
            except OSError:
                pass
            time.sleep(0.2)
        return None

    def start_capture(self, node, iface, bpf, name="capture"):
        """Starts tcpdump in node on iface writing <dir>/<name>.pcap;
        stop_capture() ends it and returns the packet count. Waits until
        tcpdump is listening, so nothing sent afterwards is missed."""
        pcap = os.path.join(self.dir, name + ".pcap")
        errp = os.path.join(self.dir, name + ".err")
        err = open(errp, "w")
        # Immediate mode: a kill after the traffic must not lose the ring
        # block still waiting for its timeout.
        p = self.spawn(node, ["tcpdump", "-n", "--immediate-mode", "-i",
                              iface, "-U", "-w", pcap]
                       + bpf.split(), name=name, stderr=err)
        p.fs_errpath = errp
        deadline = time.monotonic() + 10
        while "listening on" not in self.read(name + ".err"):
            if p.poll() is not None or time.monotonic() > deadline:
                raise LabError("tcpdump did not start: %s" %
                               self.read(name + ".err"))
            time.sleep(0.1)
        return p

    def stop_capture(self, p):
        """Stops a start_capture() tcpdump; returns packets captured.
        Frames the kernel dropped because tcpdump fell behind (a loaded
        machine) are in p.fs_dropped: a capture loss, not a mirror loss."""
        time.sleep(1.0)     # let the last frames through the ring
        self._stop(p)
        with open(p.fs_errpath, errors="replace") as f:
            text = f.read()
        m = re.search(r"(\d+) packets? captured", text)
        d = re.search(r"(\d+) packets? dropped by kernel", text)
        p.fs_dropped = int(d.group(1)) if d else 0
        return int(m.group(1)) if m else 0

    def capture_count(self, node, iface, bpf, count, timeout):
        """Runs tcpdump in node on iface until count packets match bpf or
        timeout seconds pass; returns how many it saw."""
        cmd = ["timeout", str(timeout), "tcpdump", "-n", "--immediate-mode",
               "-i", iface,
               "-c", str(count), "-w", "/dev/null"] + bpf.split()
        r = self.run(node, cmd, check=False, timeout=timeout + 5)
        m = re.search(r"(\d+) packets? captured", r.stderr)
        return int(m.group(1)) if m else 0
