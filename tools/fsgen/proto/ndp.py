"""IPv6 neighbour discovery (RFC 4861) message bodies (after the ICMPv6
type/code/checksum, which frames.icmpv6 adds)."""

import struct

RS, RA, NS, NA, REDIRECT = 133, 134, 135, 136, 137
NA_ROUTER, NA_SOLICITED, NA_OVERRIDE = 0x80, 0x40, 0x20
OPT_SRC_LL, OPT_TGT_LL, OPT_PREFIX, OPT_MTU = 1, 2, 3, 5


def ll_option(kind, mac):
    return bytes((kind, 1)) + mac


def ns_body(target, src_mac=None):
    """Neighbour solicitation; no source link-layer option from ::
    (duplicate address detection)."""
    b = b'\0' * 4 + target
    return b + ll_option(OPT_SRC_LL, src_mac) if src_mac else b


def na_body(target, flags, tgt_mac):
    return bytes((flags,)) + b'\0\0\0' + target \
        + ll_option(OPT_TGT_LL, tgt_mac)


def rs_body(src_mac=None):
    return b'\0' * 4 + (ll_option(OPT_SRC_LL, src_mac) if src_mac else b'')


def prefix_option(prefix, plen=64, valid=2592000, preferred=604800):
    """On-link and autonomous (SLAAC) prefix."""
    return struct.pack('!BBBBII4x16s', OPT_PREFIX, 4, plen, 0xc0, valid,
                       preferred, prefix)


def ra_body(src_mac, prefix, lifetime=1800, mtu=1500, hop_limit=64):
    return struct.pack('!BBHII', hop_limit, 0, lifetime, 0, 0) \
        + ll_option(OPT_SRC_LL, src_mac) \
        + struct.pack('!BBHI', OPT_MTU, 1, 0, mtu) + prefix_option(prefix)
