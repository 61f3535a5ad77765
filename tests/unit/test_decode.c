/*
 * Decode: hand-built frames for every layer, valid, truncated by the
 * snaplen and malformed by the sender, with every output field asserted;
 * then every prefix of the valid frames. Remote mirrors (ERSPAN, GRE-TEB,
 * VXLAN) and the recognition of routing protocols are in the same table.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "floodspot/decode.h"

/* ---- frame builder ---------------------------------------------------- */

struct fb {
	uint8_t b[2048];
	uint32_t n;
	uint32_t ip;	/* offset of the last IP header started */
	uint32_t l4;	/* offset of the last UDP header started */
};

static void put8(struct fb *f, unsigned v) { f->b[f->n++] = (uint8_t)v; }
static void put16(struct fb *f, unsigned v) { put8(f, v >> 8); put8(f, v); }
static void put32(struct fb *f, uint32_t v) { put16(f, v >> 16); put16(f, v & 0xffff); }
static void putn(struct fb *f, const uint8_t *p, uint32_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}
static void fill(struct fb *f, unsigned v, uint32_t n)
{
	memset(f->b + f->n, (int)v, n);
	f->n += n;
}
static void set16(struct fb *f, uint32_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_OSPF[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
static const uint8_t MAC_STP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const uint8_t MAC_V6_1[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_V6_5[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x05 };
static const uint8_t MAC_V6_16[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x16 };
static const uint8_t MAC_GRP[6] = { 0x03, 0x00, 0x00, 0x00, 0x00, 0x0c };

static void eth(struct fb *f, const uint8_t *dst, const uint8_t *src,
		unsigned type)
{
	putn(f, dst, 6);
	putn(f, src, 6);
	put16(f, type);
}

static void ip4s(struct fb *f, unsigned proto, unsigned ttl, uint32_t src,
		 uint32_t dst, unsigned frag, unsigned ihl)
{
	f->ip = f->n;
	put8(f, 0x40 | ihl);
	put8(f, 0);
	put16(f, 0);		/* total length, see ip4_end */
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, ttl);
	put8(f, proto);
	put16(f, 0);
	put32(f, src);
	put32(f, dst);
	fill(f, 1, (ihl - 5) * 4);	/* NOP options */
}

static void ip4(struct fb *f, unsigned proto, unsigned ttl, uint32_t dst,
		unsigned frag, unsigned ihl)
{
	ip4s(f, proto, ttl, 0x0a000001, dst, frag, ihl);	/* from 10.0.0.1 */
}

static void ip4_end(struct fb *f) { set16(f, f->ip + 2, f->n - f->ip); }

static void ip6(struct fb *f, unsigned nh, unsigned hlim, const char *dst)
{
	uint8_t a[16];
	f->ip = f->n;
	put32(f, 0x60000000);
	put16(f, 0);		/* payload length, see ip6_end */
	put8(f, nh);
	put8(f, hlim);
	inet_pton(AF_INET6, "2001:db8::1", a);
	putn(f, a, 16);
	inet_pton(AF_INET6, dst, a);
	putn(f, a, 16);
}

static void ip6_end(struct fb *f) { set16(f, f->ip + 4, f->n - f->ip - 40); }

static void tcp(struct fb *f, unsigned flags, unsigned doff)
{
	put16(f, 40000);
	put16(f, 80);
	put32(f, 1);
	put32(f, 0);
	put8(f, doff << 4);
	put8(f, flags);
	put16(f, 65535);
	put32(f, 0);
	if (doff > 5)
		fill(f, 1, (doff - 5) * 4);
}

static void udp(struct fb *f)
{
	f->l4 = f->n;
	put16(f, 5353);
	put16(f, 53);
	put16(f, 0);	/* length, see udp_end */
	put16(f, 0);
}

static void udp_end(struct fb *f) { set16(f, f->l4 + 4, f->n - f->l4); }

static void icmp(struct fb *f, unsigned type, unsigned code)
{
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, 0x00010001);	/* id, sequence */
}

static void ospf(struct fb *f, unsigned version, unsigned len)
{
	put8(f, version);
	put8(f, 1);		/* hello */
	put16(f, len);
	put32(f, 0x01010101);
	fill(f, 0, len - 8);
}

static void arp(struct fb *f, unsigned hlen, unsigned plen)
{
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, hlen);
	put8(f, plen);
	put16(f, 1);		/* request */
	putn(f, MAC_A, 6);
	put32(f, 0x0a000001);
	fill(f, 0, 6);
	put32(f, 0x0a000002);
}

static void sll(struct fb *f, unsigned pkttype, unsigned halen, unsigned proto)
{
	put16(f, pkttype);
	put16(f, 1);		/* ARPHRD_ETHER */
	put16(f, halen);
	putn(f, MAC_A, 6);
	put16(f, 0);
	put16(f, proto);
}

static void sll2(struct fb *f, unsigned pkttype, unsigned halen, unsigned proto)
{
	put16(f, proto);
	put16(f, 0);
	put32(f, 2);		/* ifindex */
	put16(f, 1);
	put8(f, pkttype);
	put8(f, halen);
	putn(f, MAC_A, 6);
	put16(f, 0);
}

#define DST2 0x0a000002u	/* 10.0.0.2 */

/* ---- frames ----------------------------------------------------------- */

static void b_tcp_syn(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	putn(f, (const uint8_t *)"abcd", 4);
	ip4_end(f);
}

static void b_tcp_padded(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x12, 6);
	ip4_end(f);
	fill(f, 0, 6);	/* Ethernet padding beyond the IP length */
}

static void b_tcp_big(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x10, 5);
	fill(f, 0x55, 1400);
	ip4_end(f);
}

static void b_arp_req(struct fb *f)
{
	eth(f, MAC_BCAST, MAC_A, 0x0806);
	arp(f, 6, 4);
	fill(f, 0, 18);
}

static void b_ospf2(struct fb *f)
{
	eth(f, MAC_OSPF, MAC_A, 0x0800);
	ip4(f, 89, 1, 0xe0000005, 0, 5);
	ospf(f, 2, 44);
	ip4_end(f);
}

static void b_ip4_options(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 17, 64, DST2, 0, 6);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
}

static void b_udp_padded(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 17, 64, DST2, 0, 5);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
	fill(f, 0, 14);
}

static void b_frag_first(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 17, 64, DST2, 0x2000, 5);
	udp(f);
	fill(f, 0x55, 16);
	set16(f, f->l4 + 4, 1008);	/* the whole datagram */
	ip4_end(f);
}

static void b_frag_later(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 17, 64, DST2, 185, 5);
	fill(f, 0x55, 24);
	ip4_end(f);
}

static void b_icmp4(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 1, 64, DST2, 0, 5);
	icmp(f, 8, 0);
	ip4_end(f);
}

static void b_ip6_tcp(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x86dd);
	ip6(f, 6, 64, "2001:db8::2");
	tcp(f, 0x02, 5);
	ip6_end(f);
}

static void b_ip6_ndp(struct fb *f)
{
	eth(f, MAC_V6_1, MAC_A, 0x86dd);
	ip6(f, 58, 255, "ff02::1");
	icmp(f, 134, 0);
	ip6_end(f);
}

static void b_ip6_hbh_mld(struct fb *f)
{
	eth(f, MAC_V6_16, MAC_A, 0x86dd);
	ip6(f, 0, 1, "ff02::16");
	put8(f, 58);
	put8(f, 0);
	put32(f, 0x05020000);	/* router alert */
	put16(f, 0x0100);	/* PadN */
	icmp(f, 143, 0);
	ip6_end(f);
}

static void b_ip6_ospf_ah(struct fb *f)
{
	eth(f, MAC_V6_5, MAC_A, 0x86dd);
	ip6(f, 51, 1, "ff02::5");
	put8(f, 89);
	put8(f, 4);		/* (4 + 2) * 4 = 24 bytes */
	put16(f, 0);
	put32(f, 0x100);	/* SPI */
	put32(f, 1);		/* sequence */
	fill(f, 0xaa, 12);	/* ICV */
	ospf(f, 3, 40);
	ip6_end(f);
}

static void b_ip6_frag_first(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x86dd);
	ip6(f, 44, 64, "2001:db8::2");
	put8(f, 17);
	put8(f, 0);
	put16(f, 0x0001);	/* offset 0, M */
	put32(f, 7);
	udp(f);
	fill(f, 0x55, 16);
	set16(f, f->l4 + 4, 1008);
	ip6_end(f);
}

static void b_ip6_frag_later(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x86dd);
	ip6(f, 44, 64, "2001:db8::2");
	put8(f, 17);
	put8(f, 0);
	put16(f, 100 << 3);
	put32(f, 7);
	fill(f, 0x55, 24);
	ip6_end(f);
}

static void b_ip6_dstopts(struct fb *f, int count)
{
	eth(f, MAC_B, MAC_A, 0x86dd);
	ip6(f, 60, 64, "2001:db8::2");
	for (int i = 0; i < count; i++) {
		put8(f, i + 1 < count ? 60 : 17);
		put8(f, 0);
		put16(f, 0x0104);	/* PadN of 4 */
		put32(f, 0);
	}
	udp(f);
	udp_end(f);
	ip6_end(f);
}

static void b_ip6_ext8(struct fb *f) { b_ip6_dstopts(f, 8); }
static void b_ip6_ext9(struct fb *f) { b_ip6_dstopts(f, 9); }

static void b_ip6_ext_off_end(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x86dd);
	ip6(f, 0, 64, "2001:db8::2");
	put8(f, 17);
	put8(f, 10);		/* claims 88 bytes */
	fill(f, 0, 6);
	ip6_end(f);
}

static void b_vlan_udp(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x8100);
	put16(f, 100);
	put16(f, 0x0800);
	ip4(f, 17, 64, DST2, 0, 5);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
}

static void b_qinq_88a8(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x88a8);
	put16(f, 200);
	put16(f, 0x8100);
	put16(f, 5 << 13 | 100);
	put16(f, 0x0800);
	ip4(f, 17, 64, DST2, 0, 5);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
}

static void b_qinq_prio0(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x8100);
	put16(f, 3 << 13);
	put16(f, 0x8100);
	put16(f, 0);
	put16(f, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	ip4_end(f);
}

static void b_qinq_9100_arp(struct fb *f)
{
	eth(f, MAC_BCAST, MAC_A, 0x9100);
	put16(f, 7);
	put16(f, 0x8100);
	put16(f, 8);
	put16(f, 0x0806);
	arp(f, 6, 4);
}

static void b_vlan_5deep(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x8100);
	for (unsigned i = 1; i <= 5; i++) {
		put16(f, 10 * i);
		put16(f, i < 5 ? 0x8100 : 0x0800);
	}
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	ip4_end(f);
}

static void b_vlan_short(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x8100);
	put16(f, 100);
}

static void b_stp_llc(struct fb *f)
{
	eth(f, MAC_STP, MAC_A, 38);
	put8(f, 0x42);
	put8(f, 0x42);
	put8(f, 0x03);
	fill(f, 0, 35);
}

static void b_mpls(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x8847);
	put32(f, 29 << 12 | 1 << 8 | 64);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	ip4_end(f);
}

static void b_sll_arp(struct fb *f)
{
	sll(f, 1, 6, 0x0806);
	arp(f, 6, 4);
}

static void b_sll_nomac(struct fb *f)
{
	sll(f, 4, 0, 0x0800);
	ip4(f, 17, 64, DST2, 0, 5);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
}

static void b_sll_vlan(struct fb *f)
{
	sll(f, 0, 6, 0x8100);
	put16(f, 42);
	put16(f, 0x0800);
	ip4(f, 1, 64, DST2, 0, 5);
	icmp(f, 0, 0);
	ip4_end(f);
}

static void b_sll_llc(struct fb *f)
{
	sll(f, 0, 6, 0x0004);	/* LINUX_SLL_P_802_2 */
	fill(f, 0x42, 20);
}

static void b_sll2_ndp(struct fb *f)
{
	sll2(f, 2, 6, 0x86dd);
	ip6(f, 58, 255, "ff02::1");
	icmp(f, 134, 0);
	ip6_end(f);
}

static void b_raw4(struct fb *f)
{
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	ip4_end(f);
}

static void b_raw6(struct fb *f)
{
	ip6(f, 58, 64, "2001:db8::2");
	icmp(f, 128, 0);
	ip6_end(f);
}

static void b_null4_le(struct fb *f)
{
	put32(f, 0x02000000);	/* AF_INET written little-endian */
	b_raw4(f);
}

static void b_loop6(struct fb *f)
{
	put32(f, 24);		/* AF_INET6 on OpenBSD, network order */
	b_raw6(f);
}

static void b_null_other(struct fb *f)
{
	put32(f, 0x07000000);
	fill(f, 0x45, 20);
}

static void b_raw_v5(struct fb *f)
{
	b_raw4(f);
	f->b[0] = 0x55;
}

static void b_src_group(struct fb *f)
{
	eth(f, MAC_B, MAC_GRP, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	ip4_end(f);
}

static void b_ip4_bad_ihl(struct fb *f)
{
	b_tcp_syn(f);
	f->b[14] = 0x44;
}

static void b_ip4_totlen_long(struct fb *f)
{
	b_tcp_syn(f);
	set16(f, 16, 1000);
}

static void b_ip4_totlen_small(struct fb *f)
{
	b_tcp_syn(f);
	set16(f, 16, 10);
}

static void b_ip4_bad_version(struct fb *f)
{
	b_tcp_syn(f);
	f->b[14] = 0x65;
}

static void b_tcp_off4(struct fb *f)
{
	b_tcp_syn(f);
	f->b[14 + 20 + 12] = 4 << 4;
}

static void b_tcp_off15(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	tcp(f, 0x02, 5);
	f->b[14 + 20 + 12] = 15 << 4;
	ip4_end(f);
}

static void b_tcp_short(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	put16(f, 40000);
	put16(f, 80);
	put32(f, 1);
	put16(f, 0);
	ip4_end(f);
	fill(f, 0, 16);	/* padding: not part of the datagram */
}

static void b_udp_len4(struct fb *f)
{
	b_udp_padded(f);
	set16(f, f->l4 + 4, 4);
}

static void b_udp_len_long(struct fb *f)
{
	b_udp_padded(f);
	set16(f, f->l4 + 4, 13);	/* IP payload is 12 */
}

static void b_udp_short(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 17, 64, DST2, 0, 5);
	put16(f, 5353);
	put16(f, 53);
	put16(f, 8);
	ip4_end(f);
}

static void b_icmp_short(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 1, 64, DST2, 0, 5);
	put8(f, 3);
	put8(f, 1);
	ip4_end(f);
}

static void b_ip6_plen_long(struct fb *f)
{
	b_ip6_tcp(f);
	set16(f, 14 + 4, 200);
}

static void b_ip6_bad_version(struct fb *f)
{
	b_ip6_tcp(f);
	f->b[14] = 0x45;
}

static void b_arp_hlen8(struct fb *f)
{
	eth(f, MAC_BCAST, MAC_A, 0x0806);
	arp(f, 8, 4);
	fill(f, 0, 4);
}

static void b_arp_plen_huge(struct fb *f)
{
	eth(f, MAC_BCAST, MAC_A, 0x0806);
	arp(f, 6, 250);
	fill(f, 0, 500);
}

static void b_ospf_short(struct fb *f)
{
	eth(f, MAC_OSPF, MAC_A, 0x0800);
	ip4(f, 89, 1, 0xe0000005, 0, 5);
	put8(f, 2);
	put8(f, 1);
	put16(f, 44);
	fill(f, 0, 6);
	ip4_end(f);
}

/* VRRP with no VRRP header: a router DoS (packetlife VRRP_Malformed_DoS). */
static void b_vrrp_empty(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 112, 255, DST2, 0, 5);
	ip4_end(f);
}

static void b_vrrp(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 112, 255, DST2, 0, 5);
	fill(f, 0, 8);
	ip4_end(f);
}


/* ---- remote mirrors --------------------------------------------------- */

static const uint8_t MAC_TAP[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x5a };
static const uint8_t MAC_COL[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x5b };
#define OUT_SRC 0xc0000201u	/* 192.0.2.1: the mirroring switch */
#define OUT_DST 0xc0000202u	/* 192.0.2.2: the collector */

/* Outer Ethernet, IPv4 and GRE with the optional fields flags ask for;
 * returns the outer IP offset for outer_end(). */
static uint32_t gre4(struct fb *f, unsigned flags, unsigned proto,
		     uint32_t key, unsigned frag)
{
	eth(f, MAC_COL, MAC_TAP, 0x0800);
	uint32_t o = f->n;
	ip4s(f, 47, 64, OUT_SRC, OUT_DST, frag, 5);
	put16(f, flags);
	put16(f, proto);
	if (flags & 0x8000)
		put32(f, 0);		/* checksum, reserved1 */
	if (flags & 0x2000)
		put32(f, key);
	if (flags & 0x1000)
		put32(f, 106954);	/* sequence number */
	return o;
}

static void outer_end(struct fb *f, uint32_t o) { set16(f, o + 2, f->n - o); }

/* ERSPAN II: version 1, VLAN, COS 0, En, T 0, session; index 7. */
static void erspan2_hdr(struct fb *f, unsigned version, unsigned vlan,
			unsigned en, unsigned session)
{
	put16(f, version << 12 | vlan);
	put16(f, en << 11 | session);
	put32(f, 7);
}

/* ERSPAN III: version 2, VLAN, session; timestamp, SGT, frame type, O. */
static void erspan3_hdr(struct fb *f, unsigned vlan, unsigned session,
			unsigned ft, bool platform)
{
	put16(f, 2u << 12 | vlan);
	put16(f, session);
	put32(f, 0x12345678);
	put16(f, 0);
	put16(f, ft << 10 | (platform ? 1 : 0));
	if (platform)
		put32(f, 3u << 26), put32(f, 0);	/* platform id 3 */
}

/* The mirrored frame: UDP 10.0.0.1 -> 10.0.0.2 from MAC_A, 4 bytes. */
static void inner_udp(struct fb *f, int vlan)
{
	if (vlan >= 0) {
		eth(f, MAC_B, MAC_A, 0x8100);
		put16(f, (unsigned)vlan);
		put16(f, 0x0800);
	} else {
		eth(f, MAC_B, MAC_A, 0x0800);
	}
	ip4(f, 17, 64, DST2, 0, 5);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
}

static void erspan2_frame(struct fb *f, unsigned gre_flags, unsigned version,
			  unsigned en, int inner_vlan)
{
	uint32_t o = gre4(f, gre_flags, 0x88be, 0, 0);
	erspan2_hdr(f, version, en == 3 ? 999 : 101, en, 5);
	inner_udp(f, inner_vlan);
	outer_end(f, o);
}

static void b_erspan2(struct fb *f) { erspan2_frame(f, 0x1000, 1, 0, -1); }
/* En 3: the frame kept its tag, the header's VLAN is undefined. */
static void b_erspan2_tag_kept(struct fb *f)
{
	erspan2_frame(f, 0x1000, 1, 3, 7);
}
/* Routing bit: RFC 2784 receivers discard it. */
static void b_gre_routing(struct fb *f) { erspan2_frame(f, 0x5000, 1, 0, -1); }
static void b_erspan2_version2(struct fb *f)
{
	erspan2_frame(f, 0x1000, 2, 0, -1);
}

static void erspan3_frame(struct fb *f, unsigned ft, unsigned vlan,
			  unsigned session)
{
	uint32_t o = gre4(f, 0, 0x22eb, 0, 0);
	erspan3_hdr(f, vlan, session, ft, false);
	inner_udp(f, -1);
	outer_end(f, o);
}

static void b_erspan3(struct fb *f) { erspan3_frame(f, 0, 20, 9); }
static void b_erspan3_ft7(struct fb *f) { erspan3_frame(f, 7, 0, 101); }

/* GRE straight around the mirrored frame. */
static void gre_frame(struct fb *f, unsigned flags, unsigned proto)
{
	uint32_t o = gre4(f, flags, proto, 0, 0);
	inner_udp(f, -1);
	outer_end(f, o);
}

static void b_erspan1(struct fb *f) { gre_frame(f, 0, 0x88be); }
static void b_gre_version1(struct fb *f) { gre_frame(f, 0x0001, 0x6558); }

/* Platform subheader, frame type IP: the mirrored packet has no L2. */
static void b_erspan3_ip(struct fb *f)
{
	uint32_t o = gre4(f, 0x1000, 0x22eb, 0, 0);
	erspan3_hdr(f, 20, 1023, 2, true);
	ip4(f, 17, 64, DST2, 0, 5);
	udp(f);
	put32(f, 0xdeadbeef);
	udp_end(f);
	ip4_end(f);
	outer_end(f, o);
}

static void b_gre_teb_key(struct fb *f)
{
	uint32_t o = gre4(f, 0xa000, 0x6558, 0x02000000, 0);
	eth(f, MAC_BCAST, MAC_A, 0x0806);
	arp(f, 6, 4);
	outer_end(f, o);
}

/* VXLAN over outer IPv4 (or IPv6), VNI vni, flags, around inner. */
static void vxlan_open(struct fb *f, bool v6, unsigned flags, unsigned vni,
		       uint32_t *o, uint32_t *u)
{
	if (v6) {
		eth(f, MAC_COL, MAC_TAP, 0x86dd);
		*o = f->n;
		ip6(f, 17, 64, "2001:db8::2");
	} else {
		eth(f, MAC_COL, MAC_TAP, 0x0800);
		*o = f->n;
		ip4s(f, 17, 64, OUT_SRC, OUT_DST, 0, 5);
	}
	*u = f->n;
	put16(f, 49152);
	put16(f, 4789);
	put16(f, 0);
	put16(f, 0);
	put8(f, flags);
	fill(f, 0, 3);
	put16(f, vni >> 8);
	put8(f, vni & 0xff);
	put8(f, 0);
}

static void vxlan_close(struct fb *f, bool v6, uint32_t o, uint32_t u)
{
	set16(f, u + 4, f->n - u);
	if (v6)
		set16(f, o + 4, f->n - o - 40);
	else
		outer_end(f, o);
}

static void vxlan_frame(struct fb *f, bool v6, unsigned flags)
{
	uint32_t o, u;
	vxlan_open(f, v6, flags, 100, &o, &u);
	inner_udp(f, -1);
	vxlan_close(f, v6, o, u);
}

static void b_vxlan(struct fb *f) { vxlan_frame(f, false, 0x08); }
static void b_vxlan6(struct fb *f) { vxlan_frame(f, true, 0x08); }
/* Group policy (G, 0x80) beside I: other bits are ignored on receipt. */
static void b_vxlan_gbp(struct fb *f) { vxlan_frame(f, false, 0x88); }
/* No I flag: not VXLAN, a datagram to port 4789. */
static void b_vxlan_no_i(struct fb *f) { vxlan_frame(f, false, 0x00); }

static void vxlan_nest(struct fb *f, unsigned depth)
{
	uint32_t o[8], u[8];
	for (unsigned i = 0; i < depth; i++)
		vxlan_open(f, false, 0x08, i + 1, &o[i], &u[i]);
	inner_udp(f, -1);
	for (unsigned i = depth; i-- > 0;)
		vxlan_close(f, false, o[i], u[i]);
}

static void b_vxlan_x3(struct fb *f) { vxlan_nest(f, 3); }
static void b_vxlan_x4(struct fb *f) { vxlan_nest(f, 4); }

/* The outer IP packet ends 4 bytes into the ERSPAN header. */
static void b_erspan2_cut_by_sender(struct fb *f)
{
	uint32_t o = gre4(f, 0x1000, 0x88be, 0, 0);
	put32(f, 0x10650001);
	outer_end(f, o);
	fill(f, 0, 8);		/* Ethernet padding */
}

/* ... and 10 bytes into the mirrored frame. */
static void b_erspan2_inner_short(struct fb *f)
{
	uint32_t o = gre4(f, 0x1000, 0x88be, 0, 0);
	erspan2_hdr(f, 1, 101, 0, 5);
	putn(f, MAC_B, 6);
	putn(f, MAC_A, 4);
	outer_end(f, o);
}

/* A broken outer frame is its sender's: it is not opened. */
static void b_erspan2_outer_group_src(struct fb *f)
{
	eth(f, MAC_COL, MAC_GRP, 0x0800);
	uint32_t o = f->n;
	ip4s(f, 47, 64, OUT_SRC, OUT_DST, 0, 5);
	put16(f, 0x1000);
	put16(f, 0x88be);
	put32(f, 1);
	erspan2_hdr(f, 1, 101, 0, 5);
	inner_udp(f, -1);
	outer_end(f, o);
}

/* First fragment of a large mirrored frame: its inner IP length runs on
 * into later fragments and is believed. */
static void b_erspan2_first_fragment(struct fb *f)
{
	uint32_t o = gre4(f, 0x1000, 0x88be, 0, 0x2000);
	erspan2_hdr(f, 1, 101, 0, 5);
	inner_udp(f, -1);
	set16(f, f->ip + 2, 1400);
	outer_end(f, o);
}

/* A fragment boundary inside the inner IP header: the sender's doing. */
static void b_erspan2_frag_in_inner_hdr(struct fb *f)
{
	uint32_t o = gre4(f, 0x1000, 0x88be, 0, 0x2000);
	erspan2_hdr(f, 1, 101, 0, 5);
	eth(f, MAC_B, MAC_A, 0x0800);
	put32(f, 0x45000578);
	put32(f, 0);
	outer_end(f, o);
}

/* A routed GRE tunnel (IPv4 inside) is no mirror: left as GRE. */
static void b_gre_ip(struct fb *f)
{
	uint32_t o = gre4(f, 0, 0x0800, 0, 0);
	ip4(f, 1, 64, DST2, 0, 5);
	icmp(f, 8, 0);
	ip4_end(f);
	outer_end(f, o);
}

/* ---- routing protocols recognised ------------------------------------ */

static void b_bgp_keepalive(struct fb *f)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 6, 64, DST2, 0, 5);
	uint32_t t = f->n;
	tcp(f, 0x18, 5);
	set16(f, t + 2, 179);
	fill(f, 0xff, 16);
	put16(f, 19);
	put8(f, 4);
	ip4_end(f);
}

static void udp_to(struct fb *f, unsigned port, unsigned len)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 17, 255, DST2, 0, 5);
	udp(f);
	set16(f, f->l4 + 2, port);
	put8(f, 0x20);		/* BFD version 1 */
	fill(f, 0, len - 1);
	udp_end(f);
	ip4_end(f);
}

static void b_bfd(struct fb *f) { udp_to(f, 3784, 24); }
static void b_bfd_multihop(struct fb *f) { udp_to(f, 4784, 24); }
static void b_hsrp(struct fb *f) { udp_to(f, 1985, 20); }

static void proto112(struct fb *f, unsigned b0, unsigned b3, unsigned len)
{
	eth(f, MAC_B, MAC_A, 0x0800);
	ip4(f, 112, 255, DST2, 0, 5);
	put8(f, b0);
	put16(f, 0x0164);	/* VRID/VHID 1, priority/skew 100 */
	put8(f, b3);
	fill(f, 0, len - 4);
	ip4_end(f);
}

static void b_vrrp3(struct fb *f) { proto112(f, 0x31, 1, 12); }
static void b_carp(struct fb *f) { proto112(f, 0x21, 7, 36); }
/* 36 bytes too, but 5 addresses where CARP has authlen 7. */
static void b_vrrp2_36(struct fb *f) { proto112(f, 0x21, 5, 36); }

/* ---- expectations ----------------------------------------------------- */

#define C(x) FS_CLASS_BIT(FS_CLASS_##x)
#define NULL_T (-100)	/* DLT_NULL is 0, the "unset" value */
#define BAD C(MALFORMED)

struct dcase {
	const char *name;
	void (*build)(struct fb *f);
	int dlt;		/* 0 means DLT_EN10MB; DLT_NULL is NULL_T */
	uint32_t snap;		/* caplen = snap < n, wirelen = n */
	uint32_t keep;		/* frame ends after keep bytes, not cut */
	enum fs_decode_status status;
	enum fs_decode_reason reason;
	uint32_t classes;
	bool has_mac;
	const uint8_t *src_mac, *dst_mac;
	uint16_t vlan, vlan_inner;
	uint8_t vlan_depth;
	uint16_t ethertype;
	uint8_t ip_version, ip_proto, ttl;
	const char *src_ip, *dst_ip;
	uint16_t src_port, dst_port;
	uint8_t tcp_flags, icmp_type, icmp_code;
	uint16_t arp_op;
	const char *arp_spa, *arp_tpa;
	bool is_ospf;
	uint8_t ospf_version;
	enum fs_route_kind route;
	uint32_t l4_off, l4_len;
	enum fs_mirror_kind mirror;
	uint8_t mirror_depth;
	uint32_t mirror_id;
	uint32_t hdr_end;	/* prefix test: shortest undamaged caplen */
};

#define ETH_AB .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_B
#define V4_AB .ip_version = 4, .src_ip = "10.0.0.1", .dst_ip = "10.0.0.2"
#define V6_AB .ip_version = 6, .src_ip = "2001:db8::1", .dst_ip = "2001:db8::2"
#define TCP_P .ip_proto = 6, .src_port = 40000, .dst_port = 80
#define UDP_P .ip_proto = 17, .src_port = 5353, .dst_port = 53
#define ARP_REQ .arp_op = 1, .arp_spa = "10.0.0.1", .arp_tpa = "10.0.0.2"
#define OUTER .has_mac = true, .src_mac = MAC_TAP, .dst_mac = MAC_COL, \
	.ethertype = 0x0800, .ip_version = 4, .src_ip = "192.0.2.1", \
	.dst_ip = "192.0.2.2", .ttl = 64
#define INNER_UDP ETH_AB, .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64

static const struct dcase cases[] = {
	/* valid, one per layer */
	{ "tcp_syn", b_tcp_syn, .classes = C(TCP_SYN), ETH_AB,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02,
	  .l4_off = 54, .l4_len = 4, .hdr_end = 54 },
	{ "tcp_synack_opts_padded", b_tcp_padded, ETH_AB, .ethertype = 0x0800,
	  V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x12, .l4_off = 58,
	  .hdr_end = 58 },
	{ "tcp_snaplen_96", b_tcp_big, .snap = 96, ETH_AB,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x10,
	  .l4_off = 54, .l4_len = 42 },
	{ "arp_request", b_arp_req, .classes = C(BROADCAST) | C(ARP),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_BCAST,
	  .ethertype = 0x0806, ARP_REQ, .hdr_end = 42 },
	{ "ospf2_hello", b_ospf2,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(TTL_LE1),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_OSPF,
	  .ethertype = 0x0800, .ip_version = 4, .src_ip = "10.0.0.1",
	  .dst_ip = "224.0.0.5", .ip_proto = 89, .ttl = 1, .is_ospf = true, .route = FS_ROUTE_OSPF,
	  .ospf_version = 2, .l4_off = 34, .l4_len = 44, .hdr_end = 50 },
	{ "ip4_options", b_ip4_options, .classes = C(IP_OPTIONS), ETH_AB,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64, .l4_off = 46,
	  .l4_len = 4, .hdr_end = 46 },
	{ "udp_padded", b_udp_padded, ETH_AB, .ethertype = 0x0800, V4_AB,
	  UDP_P, .ttl = 64, .l4_off = 42, .l4_len = 4, .hdr_end = 42 },
	{ "ip4_first_fragment", b_frag_first, .classes = C(FRAGMENT), ETH_AB,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64, .l4_off = 42,
	  .l4_len = 16, .hdr_end = 42 },
	{ "ip4_later_fragment", b_frag_later, .classes = C(FRAGMENT), ETH_AB,
	  .ethertype = 0x0800, V4_AB, .ip_proto = 17, .ttl = 64,
	  .hdr_end = 34 },
	{ "icmp4_echo", b_icmp4, .classes = C(ICMP), ETH_AB,
	  .ethertype = 0x0800, V4_AB, .ip_proto = 1, .ttl = 64,
	  .icmp_type = 8, .l4_off = 38, .l4_len = 4, .hdr_end = 38 },
	{ "ip6_tcp_syn", b_ip6_tcp, .classes = C(TCP_SYN), ETH_AB,
	  .ethertype = 0x86dd, V6_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02,
	  .l4_off = 74, .hdr_end = 74 },
	{ "ip6_ndp_ra", b_ip6_ndp,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(ICMP),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_V6_1,
	  .ethertype = 0x86dd, .ip_version = 6, .src_ip = "2001:db8::1",
	  .dst_ip = "ff02::1", .ip_proto = 58, .ttl = 255, .icmp_type = 134,
	  .l4_off = 58, .l4_len = 4, .hdr_end = 58 },
	{ "ip6_hbh_mld", b_ip6_hbh_mld,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(ICMP) |
		     C(TTL_LE1) | C(IP_OPTIONS),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_V6_16,
	  .ethertype = 0x86dd, .ip_version = 6, .src_ip = "2001:db8::1",
	  .dst_ip = "ff02::16", .ip_proto = 58, .ttl = 1, .icmp_type = 143,
	  .l4_off = 66, .l4_len = 4, .hdr_end = 66 },
	{ "ip6_ospf3_ah", b_ip6_ospf_ah,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(TTL_LE1),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_V6_5,
	  .ethertype = 0x86dd, .ip_version = 6, .src_ip = "2001:db8::1",
	  .dst_ip = "ff02::5", .ip_proto = 89, .ttl = 1, .is_ospf = true, .route = FS_ROUTE_OSPF,
	  .ospf_version = 3, .l4_off = 78, .l4_len = 40, .hdr_end = 94 },
	{ "ip6_first_fragment", b_ip6_frag_first, .classes = C(FRAGMENT),
	  ETH_AB, .ethertype = 0x86dd, V6_AB, UDP_P, .ttl = 64, .l4_off = 70,
	  .l4_len = 16, .hdr_end = 70 },
	{ "ip6_later_fragment", b_ip6_frag_later, .classes = C(FRAGMENT),
	  ETH_AB, .ethertype = 0x86dd, V6_AB, .ip_proto = 17, .ttl = 64,
	  .hdr_end = 62 },
	{ "ip6_8_ext_headers", b_ip6_ext8, ETH_AB, .ethertype = 0x86dd,
	  V6_AB, UDP_P, .ttl = 64, .l4_off = 126, .hdr_end = 126 },
	{ "vlan_udp", b_vlan_udp, ETH_AB, .vlan = 100, .vlan_depth = 1,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64, .l4_off = 46,
	  .l4_len = 4, .hdr_end = 46 },
	{ "qinq_88a8", b_qinq_88a8, ETH_AB, .vlan = 200, .vlan_inner = 100,
	  .vlan_depth = 2, .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64,
	  .l4_off = 50, .l4_len = 4, .hdr_end = 50 },
	{ "qinq_priority_tags", b_qinq_prio0, .classes = C(TCP_SYN), ETH_AB,
	  .vlan_depth = 2, .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64,
	  .tcp_flags = 0x02, .l4_off = 62, .hdr_end = 62 },
	{ "qinq_9100_arp", b_qinq_9100_arp, .classes = C(BROADCAST) | C(ARP),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_BCAST, .vlan = 7,
	  .vlan_inner = 8, .vlan_depth = 2, .ethertype = 0x0806, ARP_REQ,
	  .hdr_end = 50 },
	{ "stp_llc", b_stp_llc, .classes = C(MULTICAST) | C(NON_IP),
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_STP,
	  .ethertype = 38, .hdr_end = 14 },
	{ "mpls", b_mpls, .classes = C(NON_IP), ETH_AB, .ethertype = 0x8847,
	  .hdr_end = 14 },
	{ "sll_arp_broadcast", b_sll_arp, .dlt = DLT_LINUX_SLL,
	  .classes = C(BROADCAST) | C(ARP), .has_mac = true, .src_mac = MAC_A,
	  .ethertype = 0x0806, ARP_REQ, .hdr_end = 44 },
	{ "sll_outgoing_no_addr", b_sll_nomac, .dlt = DLT_LINUX_SLL,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64, .l4_off = 44,
	  .l4_len = 4, .hdr_end = 44 },
	{ "sll_vlan_icmp", b_sll_vlan, .dlt = DLT_LINUX_SLL,
	  .classes = C(ICMP), .has_mac = true, .src_mac = MAC_A, .vlan = 42,
	  .vlan_depth = 1, .ethertype = 0x0800, V4_AB, .ip_proto = 1,
	  .ttl = 64, .l4_off = 44, .l4_len = 4, .hdr_end = 44 },
	{ "sll_llc", b_sll_llc, .dlt = DLT_LINUX_SLL, .classes = C(NON_IP),
	  .has_mac = true, .src_mac = MAC_A, .ethertype = 4, .hdr_end = 16 },
	{ "sll2_ndp_multicast", b_sll2_ndp, .dlt = DLT_LINUX_SLL2,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(ICMP),
	  .has_mac = true, .src_mac = MAC_A, .ethertype = 0x86dd,
	  .ip_version = 6, .src_ip = "2001:db8::1", .dst_ip = "ff02::1",
	  .ip_proto = 58, .ttl = 255, .icmp_type = 134, .l4_off = 64,
	  .l4_len = 4, .hdr_end = 64 },
	{ "raw_v4", b_raw4, .dlt = DLT_RAW, .classes = C(TCP_SYN),
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02,
	  .l4_off = 40, .hdr_end = 40 },
	{ "raw_v6", b_raw6, .dlt = DLT_RAW, .classes = C(ICMP),
	  .ethertype = 0x86dd, V6_AB, .ip_proto = 58, .ttl = 64,
	  .icmp_type = 128, .l4_off = 44, .l4_len = 4, .hdr_end = 44 },
	{ "dlt_ipv4", b_raw4, .dlt = DLT_IPV4, .classes = C(TCP_SYN),
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02,
	  .l4_off = 40, .hdr_end = 40 },
	{ "dlt_ipv6", b_raw6, .dlt = DLT_IPV6, .classes = C(ICMP),
	  .ethertype = 0x86dd, V6_AB, .ip_proto = 58, .ttl = 64,
	  .icmp_type = 128, .l4_off = 44, .l4_len = 4, .hdr_end = 44 },

	{ "null_v4_little_endian", b_null4_le, .dlt = NULL_T,
	  .classes = C(TCP_SYN), .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64,
	  .tcp_flags = 0x02, .l4_off = 44, .hdr_end = 44 },
	{ "loop_v6_af24", b_loop6, .dlt = DLT_LOOP, .classes = C(ICMP),
	  .ethertype = 0x86dd, V6_AB, .ip_proto = 58, .ttl = 64,
	  .icmp_type = 128, .l4_off = 48, .l4_len = 4, .hdr_end = 48 },
	{ "null_unknown_family", b_null_other, .dlt = NULL_T,
	  .classes = C(NON_IP), .hdr_end = 4 },

	/* remote mirrors: the inner frame is the packet */
	{ "erspan2", b_erspan2, INNER_UDP, .vlan = 101, .l4_off = 92,
	  .l4_len = 4, .mirror = FS_MIRROR_ERSPAN_II, .mirror_depth = 1,
	  .mirror_id = 5, .hdr_end = 92 },
	{ "erspan2_tag_kept", b_erspan2_tag_kept, INNER_UDP, .vlan = 7,
	  .vlan_depth = 1, .l4_off = 96, .l4_len = 4,
	  .mirror = FS_MIRROR_ERSPAN_II, .mirror_depth = 1, .mirror_id = 5,
	  .hdr_end = 96 },
	{ "erspan1", b_erspan1, INNER_UDP, .l4_off = 80, .l4_len = 4,
	  .mirror = FS_MIRROR_ERSPAN_I, .mirror_depth = 1, .hdr_end = 80 },
	{ "erspan3", b_erspan3, INNER_UDP, .vlan = 20, .l4_off = 92,
	  .l4_len = 4, .mirror = FS_MIRROR_ERSPAN_III, .mirror_depth = 1,
	  .mirror_id = 9, .hdr_end = 92 },
	{ "erspan3_platform_ip", b_erspan3_ip, .ethertype = 0x0800, V4_AB,
	  UDP_P, .ttl = 64, .vlan = 20, .l4_off = 90, .l4_len = 4,
	  .mirror = FS_MIRROR_ERSPAN_III, .mirror_depth = 1,
	  .mirror_id = 1023, .hdr_end = 90 },
	{ "gre_teb_key_checksum", b_gre_teb_key,
	  .classes = C(BROADCAST) | C(ARP), .has_mac = true,
	  .src_mac = MAC_A, .dst_mac = MAC_BCAST, .ethertype = 0x0806, ARP_REQ,
	  .mirror = FS_MIRROR_GRE_TEB, .mirror_depth = 1,
	  .mirror_id = 0x02000000, .hdr_end = 88 },
	{ "vxlan", b_vxlan, INNER_UDP, .l4_off = 92, .l4_len = 4,
	  .mirror = FS_MIRROR_VXLAN, .mirror_depth = 1, .mirror_id = 100,
	  .hdr_end = 92 },
	{ "vxlan_over_ip6", b_vxlan6, INNER_UDP, .l4_off = 112, .l4_len = 4,
	  .mirror = FS_MIRROR_VXLAN, .mirror_depth = 1, .mirror_id = 100,
	  .hdr_end = 112 },
	{ "vxlan_group_policy_bit", b_vxlan_gbp, INNER_UDP, .l4_off = 92,
	  .l4_len = 4, .mirror = FS_MIRROR_VXLAN, .mirror_depth = 1,
	  .mirror_id = 100, .hdr_end = 92 },
	{ "vxlan_without_i_flag", b_vxlan_no_i, OUTER, .ip_proto = 17,
	  .src_port = 49152, .dst_port = 4789, .l4_off = 42, .l4_len = 54,
	  .hdr_end = 50 },
	{ "vxlan_nested_3", b_vxlan_x3, INNER_UDP, .l4_off = 192, .l4_len = 4,
	  .mirror = FS_MIRROR_VXLAN, .mirror_depth = 3, .mirror_id = 1,
	  .hdr_end = 192 },
	{ "vxlan_nested_4_too_deep", b_vxlan_x4,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_MIRROR_TOO_DEEP,
	  .classes = BAD, OUTER, .ip_proto = 17, .src_port = 49152,
	  .dst_port = 4789, .l4_off = 192, .l4_len = 54,
	  .mirror = FS_MIRROR_VXLAN, .mirror_depth = 3, .mirror_id = 1 },
	{ "gre_ip_tunnel_not_a_mirror", b_gre_ip, OUTER, .ip_proto = 47,
	  .l4_off = 34, .l4_len = 32, .hdr_end = 38 },
	/* no prefix test: a first fragment shorter than a GRE header is not
	 * judged (as for any protocol in l4.c) */
	{ "erspan2_outer_first_fragment", b_erspan2_first_fragment, INNER_UDP,
	  .vlan = 101, .l4_off = 92, .l4_len = 4,
	  .mirror = FS_MIRROR_ERSPAN_II, .mirror_depth = 1, .mirror_id = 5 },
	{ "gre_routing_bit", b_gre_routing, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_GRE_BAD_HEADER, .classes = BAD, OUTER,
	  .ip_proto = 47, .l4_off = 34, .l4_len = 62 },
	{ "gre_version_1", b_gre_version1, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_GRE_BAD_HEADER, .classes = BAD, OUTER,
	  .ip_proto = 47, .l4_off = 34, .l4_len = 50 },
	{ "erspan2_version_2", b_erspan2_version2,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_ERSPAN_BAD_VERSION,
	  .classes = BAD, OUTER, .ip_proto = 47, .l4_off = 34, .l4_len = 62 },
	{ "erspan3_frame_type_7", b_erspan3_ft7,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_ERSPAN_FRAME_TYPE,
	  .classes = BAD, OUTER, .ip_proto = 47, .l4_off = 34, .l4_len = 62 },
	{ "erspan2_cut_by_sender", b_erspan2_cut_by_sender,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_ERSPAN_SHORT,
	  .classes = BAD, OUTER, .ip_proto = 47, .l4_off = 34, .l4_len = 12 },
	{ "erspan2_inner_frame_short", b_erspan2_inner_short,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_L2_SHORT,
	  .classes = BAD, .dst_mac = MAC_B, .vlan = 101,
	  .mirror = FS_MIRROR_ERSPAN_II, .mirror_depth = 1, .mirror_id = 5 },
	{ "erspan2_outer_src_group", b_erspan2_outer_group_src,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_SRC_MAC_GROUP,
	  .classes = BAD, .has_mac = true, .src_mac = MAC_GRP,
	  .dst_mac = MAC_COL, .ethertype = 0x0800, .ip_version = 4,
	  .src_ip = "192.0.2.1", .dst_ip = "192.0.2.2", .ttl = 64,
	  .ip_proto = 47, .l4_off = 34, .l4_len = 62 },
	{ "erspan2_fragment_in_inner_header", b_erspan2_frag_in_inner_hdr,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP4_SHORT,
	  .classes = BAD, ETH_AB, .ethertype = 0x0800, .ip_version = 4,
	  .vlan = 101, .mirror = FS_MIRROR_ERSPAN_II, .mirror_depth = 1,
	  .mirror_id = 5 },
	{ "erspan2_snap_in_gre", b_erspan2, .snap = 40,
	  .status = FS_DECODE_TRUNCATED, .reason = FS_DR_GRE_SHORT,
	  .classes = BAD, OUTER, .ip_proto = 47, .l4_off = 34, .l4_len = 6 },
	{ "erspan2_snap_in_erspan", b_erspan2, .snap = 48,
	  .status = FS_DECODE_TRUNCATED, .reason = FS_DR_ERSPAN_SHORT,
	  .classes = BAD, OUTER, .ip_proto = 47, .l4_off = 34, .l4_len = 14 },
	{ "vxlan_snap_in_header", b_vxlan, .snap = 46,
	  .status = FS_DECODE_TRUNCATED, .reason = FS_DR_VXLAN_SHORT,
	  .classes = BAD, OUTER, .ip_proto = 17, .src_port = 49152,
	  .dst_port = 4789, .l4_off = 42, .l4_len = 4 },

	/* routing protocols recognised, parsed on request */
	{ "bgp_keepalive", b_bgp_keepalive, ETH_AB, .ethertype = 0x0800, V4_AB,
	  .ip_proto = 6, .src_port = 40000, .dst_port = 179, .ttl = 64,
	  .tcp_flags = 0x18, .route = FS_ROUTE_BGP, .l4_off = 54,
	  .l4_len = 19, .hdr_end = 54 },
	{ "bfd", b_bfd, ETH_AB, .ethertype = 0x0800, V4_AB, .ip_proto = 17,
	  .src_port = 5353, .dst_port = 3784, .ttl = 255,
	  .route = FS_ROUTE_BFD, .l4_off = 42, .l4_len = 24, .hdr_end = 42 },
	{ "bfd_multihop", b_bfd_multihop, ETH_AB, .ethertype = 0x0800, V4_AB,
	  .ip_proto = 17, .src_port = 5353, .dst_port = 4784, .ttl = 255,
	  .route = FS_ROUTE_BFD, .l4_off = 42, .l4_len = 24, .hdr_end = 42 },
	{ "hsrp", b_hsrp, ETH_AB, .ethertype = 0x0800, V4_AB, .ip_proto = 17,
	  .src_port = 5353, .dst_port = 1985, .ttl = 255,
	  .route = FS_ROUTE_HSRP, .l4_off = 42, .l4_len = 20, .hdr_end = 42 },
	{ "vrrp3", b_vrrp3, ETH_AB, .ethertype = 0x0800, V4_AB,
	  .ip_proto = 112, .ttl = 255, .route = FS_ROUTE_VRRP, .l4_off = 34,
	  .l4_len = 12, .hdr_end = 42 },
	{ "carp", b_carp, ETH_AB, .ethertype = 0x0800, V4_AB, .ip_proto = 112,
	  .ttl = 255, .route = FS_ROUTE_CARP, .l4_off = 34, .l4_len = 36,
	  .hdr_end = 42 },
	{ "vrrp2_36_bytes", b_vrrp2_36, ETH_AB, .ethertype = 0x0800, V4_AB,
	  .ip_proto = 112, .ttl = 255, .route = FS_ROUTE_VRRP, .l4_off = 34,
	  .l4_len = 36, .hdr_end = 42 },

	/* the sender's faults */
	{ "src_mac_group", b_src_group, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_SRC_MAC_GROUP, .classes = C(TCP_SYN) | BAD,
	  .has_mac = true, .src_mac = MAC_GRP, .dst_mac = MAC_B,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02,
	  .l4_off = 54 },
	{ "dlt_ipv4_holding_v6", b_raw6, .dlt = DLT_IPV4,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP4_BAD_VERSION,
	  .classes = BAD, .ethertype = 0x0800 },
	{ "raw_version_5", b_raw_v5, .dlt = DLT_RAW,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP4_BAD_VERSION,
	  .classes = BAD, .ethertype = 0x0800 },
	{ "eth_10_bytes_dst_kept", b_tcp_syn, .keep = 10,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_L2_SHORT,
	  .classes = BAD, .dst_mac = MAC_B },
	{ "eth_13_bytes_macs_kept", b_tcp_syn, .keep = 13,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_L2_SHORT,
	  .classes = BAD, ETH_AB },
	{ "ip4_bad_ihl", b_ip4_bad_ihl, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_IP4_BAD_IHL, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, .ip_proto = 6, .ttl = 64 },
	{ "ip4_totlen_beyond_frame", b_ip4_totlen_long,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP4_BAD_TOTLEN,
	  .classes = BAD, ETH_AB, .ethertype = 0x0800, V4_AB, .ip_proto = 6,
	  .ttl = 64 },
	{ "ip4_totlen_below_header", b_ip4_totlen_small,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP4_BAD_TOTLEN,
	  .classes = BAD, ETH_AB, .ethertype = 0x0800, V4_AB, .ip_proto = 6,
	  .ttl = 64 },
	{ "ip4_version_6_in_0800", b_ip4_bad_version,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP4_BAD_VERSION,
	  .classes = BAD, ETH_AB, .ethertype = 0x0800 },
	{ "tcp_offset_4", b_tcp_off4, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_TCP_BAD_OFFSET, .classes = C(TCP_SYN) | BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02 },
	{ "tcp_offset_beyond_ip", b_tcp_off15, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_TCP_BAD_OFFSET, .classes = C(TCP_SYN) | BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x02 },
	{ "tcp_header_short", b_tcp_short, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_TCP_SHORT, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64 },
	{ "udp_len_4", b_udp_len4, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_UDP_BAD_LEN, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64 },
	{ "udp_len_beyond_ip", b_udp_len_long, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_UDP_BAD_LEN, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64 },
	{ "udp_header_short", b_udp_short, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_UDP_SHORT, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, UDP_P, .ttl = 64 },
	{ "icmp_short", b_icmp_short, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_ICMP_SHORT, .classes = C(ICMP) | BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, .ip_proto = 1, .ttl = 64,
	  .icmp_type = 3, .icmp_code = 1 },
	{ "ip6_ext_runs_off_end", b_ip6_ext_off_end,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP6_EXT_SHORT,
	  .classes = C(IP_OPTIONS) | BAD, ETH_AB, .ethertype = 0x86dd, V6_AB,
	  .ip_proto = 0, .ttl = 64 },
	{ "ip6_9_ext_headers", b_ip6_ext9, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_IP6_EXT_TOO_MANY, .classes = BAD, ETH_AB,
	  .ethertype = 0x86dd, V6_AB, .ip_proto = 60, .ttl = 64 },
	{ "ip6_plen_beyond_frame", b_ip6_plen_long,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP6_BAD_PLEN,
	  .classes = BAD, ETH_AB, .ethertype = 0x86dd, V6_AB, .ip_proto = 6,
	  .ttl = 64 },
	{ "ip6_version_4_in_86dd", b_ip6_bad_version,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_IP6_BAD_VERSION,
	  .classes = BAD, ETH_AB, .ethertype = 0x86dd },
	{ "arp_hlen_8", b_arp_hlen8, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_ARP_BAD_LEN, .classes = C(BROADCAST) | C(ARP) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_BCAST,
	  .ethertype = 0x0806, .arp_op = 1 },
	{ "arp_plen_250", b_arp_plen_huge, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_ARP_BAD_LEN, .classes = C(BROADCAST) | C(ARP) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_BCAST,
	  .ethertype = 0x0806, .arp_op = 1 },
	{ "arp_20_bytes", b_arp_req, .keep = 34, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_ARP_SHORT, .classes = C(BROADCAST) | C(ARP) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_BCAST,
	  .ethertype = 0x0806, .arp_op = 1, .arp_spa = "10.0.0.1" },
	{ "vlan_5_deep", b_vlan_5deep, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_VLAN_TOO_DEEP, .classes = BAD, ETH_AB, .vlan = 10,
	  .vlan_inner = 40, .vlan_depth = 4 },
	{ "vlan_short", b_vlan_short, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_VLAN_SHORT, .classes = BAD, ETH_AB },
	{ "ospf_short", b_ospf_short, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_OSPF_SHORT,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(TTL_LE1) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_OSPF,
	  .ethertype = 0x0800, .ip_version = 4, .src_ip = "10.0.0.1",
	  .dst_ip = "224.0.0.5", .ip_proto = 89, .ttl = 1, .is_ospf = true, .route = FS_ROUTE_OSPF,
	  .ospf_version = 2, .l4_off = 34, .l4_len = 10 },
	{ "sll_short", b_sll_arp, .dlt = DLT_LINUX_SLL, .keep = 15,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_L2_SHORT,
	  .classes = BAD },
	{ "null_short", b_null4_le, .dlt = NULL_T, .keep = 3,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_L2_SHORT,
	  .classes = BAD },
	{ "sll2_short", b_sll2_ndp, .dlt = DLT_LINUX_SLL2, .keep = 19,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_L2_SHORT,
	  .classes = BAD },
	{ "unsupported_dlt", b_tcp_syn, .dlt = DLT_FDDI,
	  .status = FS_DECODE_MALFORMED, .reason = FS_DR_LINKTYPE,
	  .classes = BAD },

	/* cut by the snaplen: our side */
	{ "eth_snap_10", b_tcp_syn, .snap = 10, .status = FS_DECODE_TRUNCATED,
	  .reason = FS_DR_L2_SHORT, .classes = BAD, .dst_mac = MAC_B },
	{ "ip4_snap_30", b_tcp_big, .snap = 30, .status = FS_DECODE_TRUNCATED,
	  .reason = FS_DR_IP4_SHORT, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, .ip_version = 4, .src_ip = "10.0.0.1",
	  .ip_proto = 6, .ttl = 64 },
	{ "tcp_snap_50", b_tcp_big, .snap = 50, .status = FS_DECODE_TRUNCATED,
	  .reason = FS_DR_TCP_SHORT, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, TCP_P, .ttl = 64, .tcp_flags = 0x10 },
	{ "ip6_ext_snap", b_ip6_ospf_ah, .snap = 64,
	  .status = FS_DECODE_TRUNCATED, .reason = FS_DR_IP6_EXT_SHORT,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(TTL_LE1) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_V6_5,
	  .ethertype = 0x86dd, .ip_version = 6, .src_ip = "2001:db8::1",
	  .dst_ip = "ff02::5", .ip_proto = 51, .ttl = 1 },
	{ "vrrp_empty", b_vrrp_empty, .status = FS_DECODE_MALFORMED,
	  .reason = FS_DR_L4_SHORT, .classes = BAD, ETH_AB,
	  .ethertype = 0x0800, V4_AB, .ip_proto = 112, .ttl = 255,
	  .l4_off = 34, .l4_len = 0 },
	{ "vrrp", b_vrrp, ETH_AB, .ethertype = 0x0800, V4_AB, .ip_proto = 112,
	  .ttl = 255, .l4_off = 34, .l4_len = 8, .hdr_end = 42 },
	{ "ospf_snap_40", b_ospf2, .snap = 40, .status = FS_DECODE_TRUNCATED,
	  .reason = FS_DR_OSPF_SHORT,
	  .classes = C(MULTICAST) | C(IP_MCAST_LOCAL) | C(TTL_LE1) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_OSPF,
	  .ethertype = 0x0800, .ip_version = 4, .src_ip = "10.0.0.1",
	  .dst_ip = "224.0.0.5", .ip_proto = 89, .ttl = 1, .is_ospf = true, .route = FS_ROUTE_OSPF,
	  .ospf_version = 2, .l4_off = 34, .l4_len = 6 },
	{ "arp_snap_30", b_arp_req, .snap = 30, .status = FS_DECODE_TRUNCATED,
	  .reason = FS_DR_ARP_SHORT, .classes = C(BROADCAST) | C(ARP) | BAD,
	  .has_mac = true, .src_mac = MAC_A, .dst_mac = MAC_BCAST,
	  .ethertype = 0x0806, .arp_op = 1 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void expect_addr(const char *text, const uint8_t *got, size_t n,
			const char *what, const char *name)
{
	uint8_t want[16] = { 0 };
	if (text)
		assert_int_equal(inet_pton(strchr(text, ':') ? AF_INET6
							      : AF_INET,
					   text, want),
				 1);
	if (memcmp(want, got, n) != 0) {
		print_error("%s: %s differs from %s\n", name, what,
			    text ? text : "zero");
		fail();
	}
}

static void expect_mac(const uint8_t *want, const uint8_t *got,
		       const char *what, const char *name)
{
	static const uint8_t zero[6];
	if (memcmp(want ? want : zero, got, 6) != 0) {
		print_error("%s: %s differs\n", name, what);
		fail();
	}
}

#define EQ(field) \
	do { \
		if ((long long)p.field != (long long)k->field) { \
			print_error("%s: " #field " = %lld, want %lld\n", \
				    k->name, (long long)p.field, \
				    (long long)k->field); \
			fail(); \
		} \
	} while (0)

static int case_dlt(const struct dcase *k)
{
	if (k->dlt == NULL_T)
		return DLT_NULL;
	return k->dlt ? k->dlt : DLT_EN10MB;
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		const struct dcase *k = &cases[i];
		struct fb f = { .n = 0 };
		k->build(&f);
		uint32_t caplen = f.n, wirelen = f.n;
		if (k->snap) {
			assert_true(k->snap < f.n);
			caplen = k->snap;
		}
		if (k->keep) {
			assert_true(k->keep < f.n);
			caplen = wirelen = k->keep;
		}
		struct fs_pkt p;
		memset(&p, 0xa5, sizeof(p));	/* decode must reset it */
		enum fs_decode_status st = fs_decode(case_dlt(k), f.b, caplen,
						     wirelen, 77, &p);
		assert_int_equal(st, p.status);
		EQ(status);
		EQ(reason);
		EQ(classes);
		EQ(has_mac);
		EQ(vlan);
		EQ(vlan_inner);
		EQ(vlan_depth);
		EQ(ethertype);
		EQ(ip_version);
		EQ(ip_proto);
		EQ(ttl);
		EQ(src_port);
		EQ(dst_port);
		EQ(tcp_flags);
		EQ(icmp_type);
		EQ(icmp_code);
		EQ(arp_op);
		EQ(is_ospf);
		EQ(ospf_version);
		EQ(route);
		EQ(l4_off);
		EQ(l4_len);
		EQ(mirror);
		EQ(mirror_depth);
		EQ(mirror_id);
		assert_int_equal(p.ts_us, 77);
		assert_int_equal(p.caplen, caplen);
		assert_int_equal(p.wirelen, wirelen);
		expect_mac(k->src_mac, p.src_mac, "src_mac", k->name);
		expect_mac(k->dst_mac, p.dst_mac, "dst_mac", k->name);
		expect_addr(k->src_ip, p.src_ip, 16, "src_ip", k->name);
		expect_addr(k->dst_ip, p.dst_ip, 16, "dst_ip", k->name);
		expect_addr(k->arp_spa, p.arp_spa, 4, "arp_spa", k->name);
		expect_addr(k->arp_tpa, p.arp_tpa, 4, "arp_tpa", k->name);
	}
}

/*
 * Every prefix of every valid frame: cut by the snaplen it is truncated
 * exactly while a header is incomplete; ended by the sender it is never
 * "truncated" and is malformed while a header is incomplete.
 */
static void test_every_prefix(void **state)
{
	(void)state;
	int frames = 0;
	for (size_t i = 0; i < NCASES; i++) {
		const struct dcase *k = &cases[i];
		if (!k->hdr_end)
			continue;
		frames++;
		struct fb f = { .n = 0 };
		k->build(&f);
		assert_true(k->hdr_end <= f.n);
		for (uint32_t len = 0; len <= f.n; len++) {
			/* a private copy of exactly len bytes, so ASan sees
			 * any read past caplen */
			uint8_t *buf = test_malloc(len ? len : 1);
			memcpy(buf, f.b, len);
			struct fs_pkt p;
			fs_decode(case_dlt(k), buf, len, f.n, 1, &p);
			bool want_trunc = len < k->hdr_end;
			if (p.status != (want_trunc ? FS_DECODE_TRUNCATED
						    : FS_DECODE_OK)) {
				print_error("%s: snaplen %u: status %d (%s)\n",
					    k->name, len, p.status,
					    fs_decode_reason_name(p.reason));
				fail();
			}
			assert_true(p.l4_off + p.l4_len <= len);
			assert_int_equal(!!(p.classes & C(MALFORMED)),
					 p.status != FS_DECODE_OK);

			fs_decode(case_dlt(k), buf, len, len, 1, &p);
			assert_int_not_equal(p.status, FS_DECODE_TRUNCATED);
			if (len < k->hdr_end)
				assert_int_equal(p.status,
						 FS_DECODE_MALFORMED);
			assert_true(p.l4_off + p.l4_len <= len);
			test_free(buf);
		}
	}
	assert_true(frames >= 20);
}

static void test_wirelen_below_caplen(void **state)
{
	(void)state;
	struct fb f = { .n = 0 };
	b_tcp_syn(&f);
	struct fs_pkt p;
	/* bogus header from a file: treated as "not cut" */
	fs_decode(DLT_EN10MB, f.b, 20, 10, 0, &p);
	assert_int_equal(p.status, FS_DECODE_MALFORMED);
	assert_int_equal(p.reason, FS_DR_IP4_SHORT);
	fs_decode(DLT_EN10MB, NULL, 0, 60, 0, &p);
	assert_int_equal(p.status, FS_DECODE_TRUNCATED);
	assert_int_equal(p.reason, FS_DR_L2_SHORT);
}

static void test_linktypes(void **state)
{
	(void)state;
	assert_true(fs_decode_linktype_supported(DLT_EN10MB));
	assert_true(fs_decode_linktype_supported(DLT_LINUX_SLL));
	assert_true(fs_decode_linktype_supported(DLT_LINUX_SLL2));
	assert_true(fs_decode_linktype_supported(DLT_RAW));
	assert_true(fs_decode_linktype_supported(DLT_IPV4));
	assert_true(fs_decode_linktype_supported(DLT_IPV6));
	assert_true(fs_decode_linktype_supported(DLT_NULL));
	assert_true(fs_decode_linktype_supported(DLT_LOOP));
	assert_false(fs_decode_linktype_supported(DLT_FRELAY));
	assert_false(fs_decode_linktype_supported(DLT_C_HDLC));
	assert_false(fs_decode_linktype_supported(-1));
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(fs_decode_reason_name(FS_DR_NONE), "none");
	assert_string_equal(fs_decode_reason_name(FS_DR_SRC_MAC_GROUP),
			    "src_mac_group");
	assert_string_equal(fs_decode_reason_name(FS_DR_COUNT), "unknown");
	for (int i = 0; i < FS_DR_COUNT; i++) {
		const char *a = fs_decode_reason_name((enum fs_decode_reason)i);
		assert_string_not_equal(a, "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				a, fs_decode_reason_name(
					   (enum fs_decode_reason)j));
	}
}

/* Each kind has its own name; out of range is "unknown". */
static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(fs_mirror_kind_name(FS_MIRROR_ERSPAN_II),
			    "erspan2");
	assert_string_equal(fs_mirror_kind_name(FS_MIRROR_VXLAN), "vxlan");
	assert_string_equal(fs_mirror_kind_name(FS_MIRROR_COUNT), "unknown");
	assert_string_equal(fs_route_kind_name(FS_ROUTE_CARP), "carp");
	assert_string_equal(fs_route_kind_name(FS_ROUTE_COUNT), "unknown");
	for (int i = 0; i < FS_MIRROR_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				fs_mirror_kind_name((enum fs_mirror_kind)i),
				fs_mirror_kind_name((enum fs_mirror_kind)j));
	for (int i = 0; i < FS_ROUTE_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				fs_route_kind_name((enum fs_route_kind)i),
				fs_route_kind_name((enum fs_route_kind)j));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_wirelen_below_caplen),
		cmocka_unit_test(test_linktypes),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
