"""LLDPDU (IEEE 802.1AB) to 01:80:c2:00:00:0e, ethertype 0x88cc."""

import struct

ETHERTYPE = 0x88cc
DST = bytes.fromhex('0180c200000e')


def tlv(typ, value):
    return struct.pack('!H', (typ << 9) | len(value)) + value


def lldpdu(chassis_mac, port_name, ttl=120):
    """Chassis id (MAC, subtype 4), port id (interface name, subtype 5),
    TTL, end."""
    return tlv(1, b'\x04' + chassis_mac) + tlv(2, b'\x05' + port_name) \
        + tlv(3, struct.pack('!H', ttl)) + b'\0\0'
