"""ICMPv4 (RFC 792): echo and the errors routers send.  Errors quote the
offending IP header and the first 8 bytes of its payload."""

from ..frames import icmp

ECHO_REPLY, UNREACH, REDIRECT, ECHO, TIME_EXCEEDED = 0, 3, 5, 8, 11
REDIRECT_HOST = 1
UNREACH_PORT = 3


def quote(ip_packet):
    ihl = (ip_packet[0] & 15) * 4
    return ip_packet[:ihl + 8]


def echo(ident, seq, payload, reply=False):
    return icmp(ECHO_REPLY if reply else ECHO, 0, (ident << 16) | seq,
                payload)


def time_exceeded(ip_packet):
    return icmp(TIME_EXCEEDED, 0, 0, quote(ip_packet))


def redirect(gateway, ip_packet, code=REDIRECT_HOST):
    return icmp(REDIRECT, code, int.from_bytes(gateway, 'big'),
                quote(ip_packet))


def unreachable(ip_packet, code=UNREACH_PORT):
    return icmp(UNREACH, code, 0, quote(ip_packet))
