"""802.1D configuration BPDU in an 802.3/LLC frame to 01:80:c2:00:00:00."""

import struct

DST = bytes.fromhex('0180c2000000')


def config_bpdu(root_mac, bridge_mac, port=0x8001, root_cost=0,
                prio=0x8000, max_age=20, hello=2, fwd_delay=15):
    return b'\x42\x42\x03' + struct.pack(
        '!HBBB8sI8sHHHHH', 0, 0, 0, 0,
        struct.pack('!H', prio) + root_mac, root_cost,
        struct.pack('!H', prio) + bridge_mac, port, 0, max_age * 256,
        hello * 256, fwd_delay * 256)


def frame(src_mac, bpdu):
    """802.3 length field instead of an ethertype; padded to 60 bytes."""
    f = DST + src_mac + struct.pack('!H', len(bpdu)) + bpdu
    return f + b'\0' * (60 - len(f))
