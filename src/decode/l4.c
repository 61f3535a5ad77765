/*
 * Upper layer: TCP flags, UDP length, ICMP/ICMPv6 type; routing protocols
 * recognised (their messages are parsed on request, see pkt.h); remote
 * mirrors in GRE and VXLAN handed to mirror.c.
 */
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

#define PORT_BGP 179
#define PORT_BFD 3784		/* RFC 5881 single hop */
#define PORT_BFD_MULTIHOP 4784	/* RFC 5883 */
#define PORT_BFD_LAG 6784	/* RFC 7130 micro-BFD */
#define PORT_HSRP 1985
#define PORT_HSRP6 2029
#define PORT_VXLAN 4789		/* RFC 7348 */

#define CARP_LEN 36		/* OpenBSD ip_carp.h: the whole advert */
#define CARP_AUTHLEN 7		/* counter + SHA1 HMAC in 32-bit words */

#define TCP_MIN_HDR 20
#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define UDP_HDR 8
#define OSPF_MIN_HDR 16	/* common header, v2 (24 with auth) and v3 */

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
	fs_dec_payload(d, c, (uint32_t)c->left);
	/* Every segment: the BGP tracker needs SYN, FIN and RST too. */
	if (p->src_port == PORT_BGP || p->dst_port == PORT_BGP)
		p->route = FS_ROUTE_BGP;
}

static uint8_t udp_route(uint16_t dst_port)
{
	switch (dst_port) {
	case PORT_BFD:
	case PORT_BFD_MULTIHOP:
	case PORT_BFD_LAG:
		return FS_ROUTE_BFD;
	case PORT_HSRP:
	case PORT_HSRP6:
		return FS_ROUTE_HSRP;
	default:
		return FS_ROUTE_NONE;
	}
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
	if (p->dst_port == PORT_VXLAN) {
		fs_dec_vxlan(d, c, len - UDP_HDR, declared - UDP_HDR,
			     first_frag);
		return;
	}
	fs_dec_payload(d, c, len - UDP_HDR);
	p->route = udp_route(p->dst_port);
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
	fs_dec_payload(d, c, (uint32_t)c->left);
}

static void ospf(struct fs_dec *d, struct fs_cursor *c, bool clipped)
{
	struct fs_pkt *p = d->p;
	struct fs_cursor peek = *c;

	p->is_ospf = true;
	p->route = FS_ROUTE_OSPF;
	p->ospf_version = fs_cursor_u8(&peek);
	fs_dec_payload(d, c, (uint32_t)c->left);
	if (c->left < OSPF_MIN_HDR)
		fs_dec_short(d, FS_DR_OSPF_SHORT, clipped);
}

/*
 * CARP reuses VRRP's protocol number and version 2. Its advert is always
 * 36 bytes with 7 in the byte where VRRPv2 counts addresses, and a VRRPv2
 * advert with 7 addresses is 44 bytes (RFC 3768 5.1), so the two never
 * meet.
 */
static uint8_t vrrp_route(const struct fs_cursor *c, uint32_t declared)
{
	uint8_t h[4];
	struct fs_cursor peek = *c;

	fs_cursor_copy(&peek, h, sizeof(h));
	if (peek.failed)
		return FS_ROUTE_NONE;
	switch (h[0] >> 4) {
	case 2:
		if (declared == CARP_LEN && h[3] == CARP_AUTHLEN)
			return FS_ROUTE_CARP;
		return FS_ROUTE_VRRP;
	case 3:
		return FS_ROUTE_VRRP;
	default:
		return FS_ROUTE_NONE;
	}
}

static size_t router_proto_min_len(uint8_t proto)
{
	switch (proto) {
	case PROTO_IGMP: return 8;
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
			fs_dec_payload(d, c, (uint32_t)c->left);
		break;
	case PROTO_ICMPV6:
		if (p->ip_version == 6)
			icmp(d, c, clipped);
		else
			fs_dec_payload(d, c, (uint32_t)c->left);
		break;
	case PROTO_OSPF:
		ospf(d, c, clipped);
		break;
	case PROTO_GRE:
		fs_dec_gre(d, c, declared, clipped, first_frag);
		break;
	default:
		fs_dec_payload(d, c, (uint32_t)c->left);
		/* Control protocols routers must parse: an empty or cut header
		 * aimed at them is malformed (VRRP with no payload is a known
		 * router DoS). */
		if (!first_frag && c->left < router_proto_min_len(p->ip_proto))
			fs_dec_short(d, FS_DR_L4_SHORT, clipped);
		else if (p->ip_proto == PROTO_VRRP)
			p->route = vrrp_route(c, declared);
		break;
	}
}
