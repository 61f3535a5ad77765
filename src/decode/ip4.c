/* IPv4: header checks, options, fragments, TTL and link-local multicast. */
#include <string.h>

#include "decode_int.h"

#define IP4_MIN_HDR 20
#define IP4_MF 0x2000
#define IP4_OFFMASK 0x1fff

/*
 * Fewer bytes than the fixed header: report a bad version or the cut,
 * keeping the fields that came before it.
 */
static void ip4_short(struct fs_dec *d, struct fs_cursor *c)
{
	struct fs_pkt *p = d->p;
	uint8_t h[IP4_MIN_HDR] = { 0 };
	size_t n = c->left;

	fs_cursor_copy(c, h, n);
	if (n >= 1 && h[0] >> 4 != 4) {
		fs_dec_fail(d, FS_DR_IP4_BAD_VERSION);
		return;
	}
	if (n >= 1)
		p->ip_version = 4;
	if (n > 8)
		p->ttl = h[8];
	if (n > 9)
		p->ip_proto = h[9];
	if (n >= 16)
		memcpy(p->src_ip, &h[12], 4);
	fs_dec_short(d, FS_DR_IP4_SHORT, d->missing > 0);
}

void fs_dec_ip4(struct fs_dec *d, struct fs_cursor *c)
{
	struct fs_pkt *p = d->p;
	uint32_t avail = (uint32_t)c->left;	/* captured from here on */
	uint64_t wire = (uint64_t)avail + d->missing;
	uint8_t h[IP4_MIN_HDR];

	if (c->left < IP4_MIN_HDR) {
		ip4_short(d, c);
		return;
	}
	fs_cursor_copy(c, h, IP4_MIN_HDR);
	uint8_t vihl = h[0];
	if (vihl >> 4 != 4) {
		fs_dec_fail(d, FS_DR_IP4_BAD_VERSION);
		return;
	}
	p->ip_version = 4;
	uint16_t totlen = fs_dec_be16(h, 2);
	uint16_t frag = fs_dec_be16(h, 6);
	p->ttl = h[8];
	p->ip_proto = h[9];
	memcpy(p->src_ip, &h[12], 4);
	memcpy(p->dst_ip, &h[16], 4);

	if (p->ttl <= 1)
		fs_dec_class(d, FS_CLASS_TTL_LE1);
	if (p->dst_ip[0] == 224 && p->dst_ip[1] == 0 && p->dst_ip[2] == 0)
		fs_dec_class(d, FS_CLASS_IP_MCAST_LOCAL);
	if (frag & (IP4_MF | IP4_OFFMASK))
		fs_dec_class(d, FS_CLASS_FRAGMENT);

	uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
	if (hlen < IP4_MIN_HDR) {
		fs_dec_fail(d, FS_DR_IP4_BAD_IHL);
		return;
	}
	/* Shorter than the frame is Ethernet padding; longer than what was
	 * on the wire is the sender's lie. */
	if (totlen < hlen || totlen > wire) {
		fs_dec_fail(d, FS_DR_IP4_BAD_TOTLEN);
		return;
	}
	bool clipped = avail < totlen;
	if (hlen > IP4_MIN_HDR) {
		fs_dec_class(d, FS_CLASS_IP_OPTIONS);
		fs_cursor_skip(c, hlen - IP4_MIN_HDR);
		if (c->failed) {
			fs_dec_short(d, FS_DR_IP4_SHORT, clipped);
			return;
		}
	}

	uint32_t declared = totlen - hlen;
	struct fs_cursor pl = fs_cursor_sub(
		c, declared < c->left ? declared : c->left);
	if (frag & IP4_OFFMASK)
		return;	/* not the first fragment: no upper-layer header */
	fs_dec_l4(d, &pl, declared, clipped, (frag & IP4_MF) != 0);
}
