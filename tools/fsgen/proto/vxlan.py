"""VXLAN (RFC 7348 5): UDP destination port 4789, an 8-byte header with
the I flag and a 24-bit VNI, then the inner Ethernet frame."""

import struct
import zlib

PORT = 4789
FLAG_I = 0x08


def header(vni):
    return struct.pack('!II', FLAG_I << 24, (vni & 0xffffff) << 8)


def source_port(flow_key):
    """RFC 7348 5: a hash of the inner frame's addresses (flow_key), in
    the dynamic range 49152-65535, so one inner flow keeps one outer
    port."""
    return 49152 + zlib.crc32(flow_key) % 16384
