/* IPv6: fixed header and a bounded walk of the extension-header chain. */
#include "decode_int.h"

#define IP6_HDR 40
#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_DSTOPTS 60

void fs_dec_ip6(struct fs_dec *d, struct fs_cursor *c)
{
	struct fs_pkt *p = d->p;
	uint32_t avail = (uint32_t)c->left;
	uint64_t wire = (uint64_t)avail + d->missing;

	uint8_t v = fs_cursor_u8(c);
	if (c->failed) {
		fs_dec_short(d, FS_DR_IP6_SHORT, d->missing > 0);
		return;
	}
	if (v >> 4 != 6) {
		fs_dec_fail(d, FS_DR_IP6_BAD_VERSION);
		return;
	}
	p->ip_version = 6;
	fs_cursor_skip(c, 3);	/* traffic class, flow label */
	uint16_t plen = fs_cursor_be16(c);
	uint8_t nh = fs_cursor_u8(c);
	p->ttl = fs_cursor_u8(c);
	fs_cursor_copy(c, p->src_ip, 16);
	fs_cursor_copy(c, p->dst_ip, 16);
	p->ip_proto = nh;
	if (c->failed) {
		fs_dec_short(d, FS_DR_IP6_SHORT, d->missing > 0);
		return;
	}

	if (p->ttl <= 1)
		fs_dec_class(d, FS_CLASS_TTL_LE1);
	if (p->dst_ip[0] == 0xff && p->dst_ip[1] == 0x02)
		fs_dec_class(d, FS_CLASS_IP_MCAST_LOCAL);
	if ((uint64_t)IP6_HDR + plen > wire) {
		fs_dec_fail(d, FS_DR_IP6_BAD_PLEN);
		return;
	}
	bool clipped = avail - IP6_HDR < plen;
	struct fs_cursor pl = fs_cursor_sub(c, plen < c->left ? plen : c->left);
	uint32_t declared = plen;
	bool more_frags = false;

	for (int n = 0;; n++) {
		uint32_t size;
		switch (nh) {
		case NH_HOPOPTS:
		case NH_ROUTING:
			fs_dec_class(d, FS_CLASS_IP_OPTIONS);
			/* fall through */
		case NH_DSTOPTS:
		case NH_AH:
		case NH_FRAGMENT:
			break;
		default:
			goto upper;
		}
		if (n == FS_DEC_IP6_EXT_MAX) {
			fs_dec_fail(d, FS_DR_IP6_EXT_TOO_MANY);
			return;
		}
		uint8_t next = fs_cursor_u8(&pl);
		uint8_t len = fs_cursor_u8(&pl);
		bool nonfirst = false;
		if (nh == NH_FRAGMENT) {
			fs_dec_class(d, FS_CLASS_FRAGMENT);
			uint16_t fo = fs_cursor_be16(&pl);
			fs_cursor_skip(&pl, 4);	/* identification */
			nonfirst = (fo & 0xfff8) != 0;
			more_frags = (fo & 1) != 0;
			size = 8;
		} else {
			size = nh == NH_AH ? ((uint32_t)len + 2) * 4
					   : ((uint32_t)len + 1) * 8;
			fs_cursor_skip(&pl, size - 2);
		}
		if (pl.failed) {
			fs_dec_short(d, FS_DR_IP6_EXT_SHORT, clipped);
			return;
		}
		declared -= size;	/* pl held them, so size <= declared */
		nh = next;
		p->ip_proto = nh;
		if (nonfirst)
			return;
	}
upper:
	fs_dec_l4(d, &pl, declared, clipped, more_frags);
}
