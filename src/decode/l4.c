/* Upper layer: TCP flags, UDP length, ICMP/ICMPv6 type, OSPF detection. */
#include "decode_int.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_OSPF 89
#define PROTO_IGMP 2
#define PROTO_GRE 47
#define PROTO_PIM 103
#define PROTO_VRRP 112

#define TCP_MIN_HDR 20
#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define UDP_HDR 8
#define OSPF_MIN_HDR 16	/* common header, v2 (24 with auth) and v3 */

static void set_payload(struct fs_dec *d, const struct fs_cursor *c,
			uint32_t len)
{
	d->p->l4_off = (uint32_t)fs_cursor_offset(c, d->base);
	d->p->l4_len = len < c->left ? len : (uint32_t)c->left;
}

/*
 * Fewer bytes than the TCP or UDP header: keep the fields that came
 * before the cut (ports; TCP flags are the 14th byte).
 */
static void ports_short(struct fs_dec *d, struct fs_cursor *c,
			enum fs_decode_reason r, bool clipped)
{
	struct fs_pkt *p = d->p;
	uint8_t h[14] = { 0 };
	size_t n = c->left < sizeof(h) ? c->left : sizeof(h);

	fs_cursor_copy(c, h, n);
	if (n >= 2)
		p->src_port = fs_dec_be16(h, 0);
	if (n >= 4)
		p->dst_port = fs_dec_be16(h, 2);
	if (n >= 14)
		p->tcp_flags = h[13];
	fs_dec_short(d, r, clipped);
}

static void tcp(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
		bool clipped, bool first_frag)
{
	struct fs_pkt *p = d->p;
	uint8_t h[TCP_MIN_HDR];

	if (c->left < TCP_MIN_HDR) {
		ports_short(d, c, FS_DR_TCP_SHORT, clipped);
		return;
	}
	fs_cursor_copy(c, h, TCP_MIN_HDR);
	p->src_port = fs_dec_be16(h, 0);
	p->dst_port = fs_dec_be16(h, 2);
	uint8_t off = h[12];
	p->tcp_flags = h[13];
	if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		fs_dec_class(d, FS_CLASS_TCP_SYN);
	uint32_t hlen = (uint32_t)(off >> 4) * 4;
	if (hlen < TCP_MIN_HDR || (!first_frag && hlen > declared)) {
		fs_dec_fail(d, FS_DR_TCP_BAD_OFFSET);
		return;
	}
	fs_cursor_skip(c, hlen - TCP_MIN_HDR);
	if (c->failed) {
		fs_dec_short(d, FS_DR_TCP_SHORT, clipped);
		return;
	}
	set_payload(d, c, (uint32_t)c->left);
}

static void udp(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
		bool clipped, bool first_frag)
{
	struct fs_pkt *p = d->p;
	uint8_t h[UDP_HDR];

	if (c->left < UDP_HDR) {
		ports_short(d, c, FS_DR_UDP_SHORT, clipped);
		return;
	}
	fs_cursor_copy(c, h, UDP_HDR);
	p->src_port = fs_dec_be16(h, 0);
	p->dst_port = fs_dec_be16(h, 2);
	uint16_t len = fs_dec_be16(h, 4);
	/* A first fragment carries only part of the datagram. */
	if (len < UDP_HDR || (!first_frag && len > declared)) {
		fs_dec_fail(d, FS_DR_UDP_BAD_LEN);
		return;
	}
	set_payload(d, c, len - UDP_HDR);
}

static void icmp(struct fs_dec *d, struct fs_cursor *c, bool clipped)
{
	struct fs_pkt *p = d->p;

	fs_dec_class(d, FS_CLASS_ICMP);
	p->icmp_type = fs_cursor_u8(c);
	p->icmp_code = fs_cursor_u8(c);
	fs_cursor_skip(c, 2);	/* checksum */
	if (c->failed) {
		fs_dec_short(d, FS_DR_ICMP_SHORT, clipped);
		return;
	}
	set_payload(d, c, (uint32_t)c->left);
}

static void ospf(struct fs_dec *d, struct fs_cursor *c, bool clipped)
{
	struct fs_pkt *p = d->p;
	struct fs_cursor peek = *c;

	p->is_ospf = true;
	p->ospf_version = fs_cursor_u8(&peek);
	set_payload(d, c, (uint32_t)c->left);
	if (c->left < OSPF_MIN_HDR)
		fs_dec_short(d, FS_DR_OSPF_SHORT, clipped);
}

static size_t router_proto_min_len(uint8_t proto)
{
	switch (proto) {
	case PROTO_IGMP: return 8;
	case PROTO_GRE: return 4;
	case PROTO_PIM: return 4;
	case PROTO_VRRP: return 8;
	default: return 0;
	}
}

void fs_dec_l4(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
	       bool clipped, bool first_frag)
{
	struct fs_pkt *p = d->p;

	switch (p->ip_proto) {
	case PROTO_TCP:
		tcp(d, c, declared, clipped, first_frag);
		break;
	case PROTO_UDP:
		udp(d, c, declared, clipped, first_frag);
		break;
	case PROTO_ICMP:
		if (p->ip_version == 4)
			icmp(d, c, clipped);
		else
			set_payload(d, c, (uint32_t)c->left);
		break;
	case PROTO_ICMPV6:
		if (p->ip_version == 6)
			icmp(d, c, clipped);
		else
			set_payload(d, c, (uint32_t)c->left);
		break;
	case PROTO_OSPF:
		ospf(d, c, clipped);
		break;
	default:
		set_payload(d, c, (uint32_t)c->left);
		/* Control protocols routers must parse: an empty or cut header
		 * aimed at them is malformed (VRRP with no payload is a known
		 * router DoS). */
		if (!first_frag && c->left < router_proto_min_len(p->ip_proto))
			fs_dec_short(d, FS_DR_L4_SHORT, clipped);
		break;
	}
}
