"""ERSPAN headers (draft-foschiano-erspan-03), carried in GRE with the
sequence-number bit set: type II = GRE protocol 0x88be with the version 1
header (8 bytes), type III = 0x22eb with the version 2 header (12 bytes,
no platform sub-header)."""

import struct

GRE_TYPE_II = 0x88be
GRE_TYPE_III = 0x22eb
VER_II, VER_III = 1, 2
# En (type II): how the mirrored port carried the VLAN
EN_UNTAGGED, EN_ISL, EN_8021Q, EN_INFRAME = 0, 1, 2, 3
# Gra (type III): timestamp granularity
GRA_100US, GRA_100NS, GRA_1588 = 0, 1, 2


def type2(session, vlan=0, cos=0, en=EN_UNTAGGED, truncated=False,
          index=0):
    """Ver | VLAN(12) ; COS(3) En(2) T(1) Session(10) ; Reserved(12)
    Index(20)."""
    return struct.pack('!HHI', (VER_II << 12) | (vlan & 0xfff),
                       (cos & 7) << 13 | (en & 3) << 11 |
                       (1 if truncated else 0) << 10 | (session & 0x3ff),
                       index & 0xfffff)


def type3(session, timestamp, vlan=0, cos=0, bso=0, truncated=False,
          sgt=0, hw_id=0, direction=0, gra=GRA_100US, frame_type=0):
    """Ver | VLAN ; COS BSO T Session ; Timestamp(32) ; SGT(16) P(1)
    FT(5) HwID(6) D(1) Gra(2) O(1).  P = 1: the payload is an Ethernet
    frame (FT 0)."""
    return struct.pack('!HHIHH', (VER_III << 12) | (vlan & 0xfff),
                       (cos & 7) << 13 | (bso & 3) << 11 |
                       (1 if truncated else 0) << 10 | (session & 0x3ff),
                       timestamp & 0xffffffff, sgt,
                       1 << 15 | (frame_type & 0x1f) << 10 |
                       (hw_id & 0x3f) << 4 | (direction & 1) << 3 |
                       (gra & 3) << 1)
