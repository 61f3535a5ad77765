#!/usr/bin/env python3
"""Captures real rtnetlink notifications as fuzz seeds for fuzz_netlink.

Run as root: python3 tests/netns/nl_seeds.py OUTDIR
In a throwaway namespace it subscribes to link and route groups, then
creates a veth pair, adds and deletes routes of several protocols and
families, and sets the link down; every notification datagram received
is written to OUTDIR/<n>-<type>.bin (one recvmsg = one file).
"""
import os
import socket
import struct
import subprocess
import sys

RTMGRP_LINK, RTMGRP_IPV4_ROUTE, RTMGRP_IPV6_ROUTE = 0x1, 0x40, 0x400
TYPES = {16: "newlink", 17: "dellink", 24: "newroute", 25: "delroute"}
SCRIPT = [
    "ip link add va type veth peer name vb",
    "ip link set va up", "ip link set vb up",
    "ip addr add 10.0.0.1/24 dev va",
    "ip -6 addr add 2001:db8::1/64 dev va nodad",
    "ip route add 10.1.0.0/24 dev va proto bird",
    "ip route add 10.2.0.0/16 via 10.0.0.2 proto zebra metric 20",
    "ip route add 10.3.0.0/24 dev va proto 188 table 100",
    "ip route add blackhole 10.4.0.0/24 proto static",
    "ip -6 route add 2001:db8:1::/48 dev va proto bird",
    "ip route del 10.1.0.0/24 dev va proto bird",
    "ip link set va down",
]


def record(out):
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                       socket.NETLINK_ROUTE)
    sk.bind((0, RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE))
    for c in SCRIPT:
        subprocess.run(c.split(), check=True, timeout=10)
    sk.settimeout(0.5)
    n = 0
    while n < 200:
        try:
            data = sk.recv(65536)
        except socket.timeout:
            break
        t = struct.unpack_from("=H", data, 4)[0]
        if t in TYPES:
            path = os.path.join(out, "%02d-%s.bin" % (n, TYPES[t]))
            with open(path, "wb") as f:
                f.write(data)
            n += 1
    print("%d seeds written" % n)


def main():
    out = os.path.abspath(sys.argv[-1])
    if sys.argv[1] == "--inside":
        record(out)
        return
    os.makedirs(out, exist_ok=True)
    ns = "fs%d-seeds" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True, timeout=10)
    try:
        subprocess.run(["ip", "netns", "exec", ns, sys.executable,
                        os.path.abspath(__file__), "--inside", out],
                       check=True, timeout=60)
    finally:
        subprocess.run(["ip", "netns", "del", ns], timeout=10)


if __name__ == "__main__":
    main()
