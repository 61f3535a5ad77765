"""ARP for IPv4 over Ethernet (RFC 826)."""

import struct

REQUEST, REPLY = 1, 2
ETHERTYPE = 0x0806


def packet(op, sha, spa, tha, tpa):
    return struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op, sha, spa,
                       tha, tpa)


def request(sha, spa, tpa):
    return packet(REQUEST, sha, spa, b'\0' * 6, tpa)


def reply(sha, spa, tha, tpa):
    return packet(REPLY, sha, spa, tha, tpa)
