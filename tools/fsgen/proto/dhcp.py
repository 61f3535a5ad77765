"""DHCPv4 (RFC 2131, options RFC 2132)."""

import struct

DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = range(1, 9)
MAGIC = b'\x63\x82\x53\x63'
CLIENT_PORT, SERVER_PORT = 68, 67
FLAG_BROADCAST = 0x8000


def option(code, value):
    return bytes((code, len(value))) + value


def message(op, xid, chaddr, options, ciaddr=b'\0' * 4, yiaddr=b'\0' * 4,
            siaddr=b'\0' * 4, giaddr=b'\0' * 4, flags=0, secs=0, hops=0):
    """op 1 = BOOTREQUEST, 2 = BOOTREPLY; options: bytes of encoded
    options (without the end option, which is appended)."""
    return struct.pack('!BBBBIHH4s4s4s4s', op, 1, 6, hops, xid, secs, flags,
                       ciaddr, yiaddr, siaddr, giaddr) \
        + chaddr + b'\0' * 202 + MAGIC + options + b'\xff'


def msg_type(t):
    return option(53, bytes((t,)))
