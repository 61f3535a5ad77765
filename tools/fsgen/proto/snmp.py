"""SNMPv2c trap (RFC 3416 4.2.6, BER per X.690), UDP 162."""

import struct

TRAP_PORT = 162
SYS_UPTIME_0 = bytes((0x2b, 6, 1, 2, 1, 1, 3, 0))           # 1.3.6.1.2.1.1.3.0
SNMP_TRAP_OID_0 = bytes((0x2b, 6, 1, 6, 3, 1, 1, 4, 1, 0))  # snmpTrapOID.0
COLD_START = bytes((0x2b, 6, 1, 6, 3, 1, 1, 5, 1))          # coldStart


def tlv(tag, value):
    n = len(value)
    if n < 128:
        return bytes((tag, n)) + value
    return bytes((tag, 0x82)) + struct.pack('!H', n) + value


def integer(v, tag=0x02):
    return tlv(tag, v.to_bytes(max(1, (v.bit_length() + 8) // 8), 'big',
                               signed=True))


def trap_v2(community, request_id, uptime_cs, trap_oid=COLD_START):
    varbinds = tlv(0x30, tlv(0x30, tlv(0x06, SYS_UPTIME_0) +
                             integer(uptime_cs, 0x43)) +
                   tlv(0x30, tlv(0x06, SNMP_TRAP_OID_0) +
                       tlv(0x06, trap_oid)))
    pdu = tlv(0xa7, integer(request_id) + integer(0) + integer(0) + varbinds)
    return tlv(0x30, integer(1) + tlv(0x04, community) + pdu)
