#!/usr/bin/env python3
"""Bounded UDP sender for the lab's flooding host (stdlib only).

flood.py --dst IP [--port N] [--pps N] [--seconds S] [--size BYTES]
Sends UDP datagrams to IP:port, paced to pps in 10 ms slices, for at most
seconds; caps: pps <= 50000, seconds <= 60, size <= 1400. Prints one JSON
line at the end: {"sent":N,"errors":N,"seconds":S}. Send errors (ICMP
unreachable echoed back as ECONNREFUSED, ENOBUFS) are counted, not fatal.
"""
import argparse
import json
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, default=9)
    ap.add_argument("--pps", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--size", type=int, default=64)
    a = ap.parse_args()
    pps = max(1, min(a.pps, 50000))
    seconds = max(0.0, min(a.seconds, 60.0))
    payload = b"floodspot-lab-flood" + bytes(max(0, min(a.size, 1400) - 19))
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = errors = 0
    start = time.monotonic()
    end = start + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - start) * pps) + 1
        while sent + errors < due:
            try:
                sk.sendto(payload, (a.dst, a.port))
                sent += 1
            except OSError:
                errors += 1
        time.sleep(0.01)
    print(json.dumps({"sent": sent, "errors": errors,
                      "seconds": round(time.monotonic() - start, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
