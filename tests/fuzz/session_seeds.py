#!/usr/bin/env python3
"""Writes the seed inputs of the session tracker fuzzers (bgp_tracker,
bfd_tracker, fhrp_tracker): whole lives of sessions in each target's
record format, so the fuzzers start from the states worth mutating.

usage: session_seeds.py [DIR]   (default: the directory of this script)"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- BGP: records of delta_ms, ctl, tcp flags, seq offset, len, payload

def bgp_hdr(t, body=b""):
    return b"\xff" * 16 + struct.pack(">HB", 19 + len(body), t) + body


def bgp_open(asn, hold, rid):
    return bgp_hdr(1, struct.pack(">BHHIB", 4, asn, hold, rid, 0))


KA = bgp_hdr(4)


def bgp_update(n_wd, n_nlri):
    wd = b"".join(bytes([24, 10, 1, i]) for i in range(n_wd))
    attrs = bytes([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 10, 0, 0, 2]) if n_nlri else b""
    nlri = b"".join(bytes([24, 10, 2, i]) for i in range(n_nlri))
    return bgp_hdr(2, struct.pack(">H", len(wd)) + wd +
                   struct.pack(">H", len(attrs)) + attrs + nlri)


def bgp_notification(code, sub):
    return bgp_hdr(3, bytes([code, sub]))


def seg(dms, side, flags, payload=b"", off=0, pair=0, alt=0):
    ctl = side | pair << 1 | alt << 3
    return struct.pack(">HBBhH", dms, ctl, flags, off, len(payload)) + payload


SYN, FIN, RST, PSH, ACK = 2, 1, 4, 8, 0x10
DATA = PSH | ACK


def bgp_seeds():
    # A whole life: handshake, OPENs (hold 3), keepalives every second, a
    # split UPDATE, a late keepalive, NOTIFICATION hold timer expired, FIN.
    s = bytes([0x0d])
    s += seg(0, 0, SYN) + seg(1, 1, SYN | ACK)
    s += seg(10, 0, DATA, bgp_open(65001, 3, 0x01010101))
    s += seg(10, 1, DATA, bgp_open(65002, 3, 0x02020202) + KA)
    s += seg(10, 0, DATA, KA)
    u = bgp_update(2, 20)
    s += seg(100, 1, DATA, u[:7]) + seg(1, 1, DATA, u[7:40]) + seg(1, 1, DATA, u[40:])
    for _ in range(4):
        s += seg(1000, 0, DATA, KA) + seg(5, 1, DATA, KA + bgp_update(1, 0) + KA)
    s += seg(1800, 0, DATA, KA)
    s += seg(1500, 0, DATA, bgp_notification(4, 0)) + seg(5, 1, DATA, KA)
    s += seg(5, 0, FIN | ACK)
    write("bgp_tracker", "life", s)
    # Picked up mid-message, a hole, a retransmission, a mirrored copy.
    s = bytes([0x07])
    s += seg(0, 1, DATA, bgp_update(0, 5)[9:] + KA) + seg(3, 0, DATA, KA)
    s += seg(30000, 1, DATA, KA) + seg(0, 1, DATA, KA, off=-19)
    s += seg(200, 1, DATA, KA, off=-19)
    u = bgp_update(0, 30)
    s += seg(30000, 1, DATA, u[:60]) + seg(1, 1, DATA, u[80:] + KA, off=20)
    s += seg(30000, 0, DATA, KA) + seg(3, 1, DATA, KA)
    write("bgp_tracker", "midstream", s)
    # A restart on a second connection, a third pair, a reset.
    s = bytes([0x01])
    for alt in (0, 1):
        s += seg(100, 0, SYN, alt=alt) + seg(1, 1, SYN | ACK, alt=alt)
        s += seg(10, 0, DATA, bgp_open(65001, 9, 1), alt=alt)
        s += seg(10, 1, DATA, bgp_open(65002, 9, 2) + KA, alt=alt)
        s += seg(10, 0, DATA, KA, alt=alt)
    s += seg(10, 0, SYN, pair=1) + seg(10, 0, RST, alt=1)
    write("bgp_tracker", "reconnect", s)


# ---- BFD: records of delta_ms, ctl, len, control packet

def bfd_ctl(state, diag=0, flags=0, my=1, your=0, tx=100000, rx=100000, mult=3):
    return struct.pack(">BBBBIIIII", 1 << 5 | diag, state << 6 | flags, mult, 24,
                       my, your, tx, rx, 0)


def bfd(dms, side, payload, pair=0, multihop=0):
    return struct.pack(">HBB", dms, side | pair << 1 | multihop << 3, len(payload)) + payload


def bfd_seeds():
    DOWN, INIT, UP, ADMIN = 1, 2, 3, 0
    s = bytes([0x03])
    s += bfd(0, 0, bfd_ctl(DOWN, my=0x11)) + bfd(1, 1, bfd_ctl(INIT, my=0x22, your=0x11))
    s += bfd(1, 0, bfd_ctl(UP, my=0x11, your=0x22)) + bfd(1, 1, bfd_ctl(UP, my=0x22, your=0x11))
    for _ in range(10):
        s += bfd(100, 0, bfd_ctl(UP, my=0x11, your=0x22)) + bfd(3, 1, bfd_ctl(UP, my=0x22, your=0x11))
    s += bfd(160, 0, bfd_ctl(UP, my=0x11, your=0x22))
    # 0x11 falls silent; 0x22 says detection time expired.
    s += bfd(400, 1, bfd_ctl(DOWN, diag=1, my=0x22))
    s += bfd(2000, 1, bfd_ctl(DOWN, diag=1, my=0x22, tx=1000000))
    # Back up, then administratively down, answered by neighbor down.
    s += bfd(100, 0, bfd_ctl(DOWN, my=0x33)) + bfd(1, 1, bfd_ctl(INIT, my=0x22, your=0x33))
    s += bfd(1, 0, bfd_ctl(UP, my=0x33, your=0x22)) + bfd(1, 1, bfd_ctl(UP, my=0x22, your=0x33))
    s += bfd(100, 1, bfd_ctl(ADMIN, diag=7, my=0x22)) + bfd(2, 0, bfd_ctl(DOWN, diag=3, my=0x33))
    # Multihop, demand mode, and a zero multiplier refused.
    s += bfd(10, 0, bfd_ctl(UP, my=5, your=6), multihop=1)
    s += bfd(10, 1, bfd_ctl(UP, my=6, your=5, flags=0x02), multihop=1)
    s += bfd(10, 0, bfd_ctl(UP, my=5, your=6, mult=0), multihop=1)
    write("bfd_tracker", "life", s)


# ---- VRRP/CARP/HSRP: records of delta_ms, ctl, len, advert

def vrrp3(prio, vrid=7, cs=100):
    return struct.pack(">BBBBHH", 0x31, vrid, prio, 1, cs, 0) + bytes([10, 0, 0, 254])


def vrrp2(prio, vrid=1, secs=1):
    return struct.pack(">BBBBBBH", 0x21, vrid, prio, 1, 0, secs, 0) + bytes([10, 0, 0, 254]) + bytes(8)


def carp(skew, vhid=3):
    return struct.pack(">BBBBBBH", 0x21, vhid, skew, 7, 0, 1, 0) + struct.pack(">II", 0, 1) + bytes(20)


def hsrp(opcode, state, prio, group=1):
    return struct.pack(">BBBBBBBB", 0, opcode, state, 3, 10, prio, group, 0) + b"cisco\0\0\0" + bytes([10, 0, 0, 254])


def adv(dms, host, payload, udp=0, vlan=0):
    return struct.pack(">HBB", dms, (host - 1) | udp << 3 | vlan << 4, len(payload)) + payload


def fhrp_seeds():
    s = bytes([0x03])
    for _ in range(4):
        s += adv(1000, 1, vrrp3(100))
    s += adv(1300, 1, vrrp3(100)) + adv(200, 2, vrrp3(200))      # late, preempted
    s += adv(1000, 2, vrrp3(200)) + adv(3700, 3, vrrp3(50))      # master silent
    s += adv(500, 3, vrrp3(0)) + adv(300, 4, vrrp3(40))          # resigned
    s += adv(100, 5, vrrp3(10)) + adv(1000, 4, vrrp3(40))        # two masters
    s += adv(10, 1, vrrp2(150), vlan=1) + adv(10, 2, carp(100), vlan=1) + adv(10, 3, carp(0), vlan=1)
    write("fhrp_tracker", "vrrp", s)
    s = bytes([0x01])
    for i in range(3):
        s += adv(3000 if i else 0, 1, hsrp(0, 16, 100), udp=1) + adv(10, 2, hsrp(0, 8, 90), udp=1)
    s += adv(1000, 3, hsrp(1, 4, 200), udp=1) + adv(100, 3, hsrp(0, 16, 200), udp=1)
    s += adv(100, 1, hsrp(2, 4, 100), udp=1)
    s += adv(11000, 2, hsrp(0, 16, 90), udp=1)                    # after the hold time
    write("fhrp_tracker", "hsrp", s)


if __name__ == "__main__":
    bgp_seeds()
    bfd_seeds()
    fhrp_seeds()
