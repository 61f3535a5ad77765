/*
 * Whole frames for the session tracker tests: Ethernet (optionally one
 * 802.1Q tag), IPv4, then TCP or UDP or a bare IP payload, decoded by
 * fs_decode as the agent would, so the trackers see what they see live.
 */
#ifndef FS_TEST_WIRE_BUILD_H
#define FS_TEST_WIRE_BUILD_H

#include <pcap/dlt.h>
#include <stdint.h>
#include <string.h>

#include "floodspot/decode.h"
#include "msg_build.h"

struct wire {
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan;		/* 0: untagged */
	uint32_t src, dst;	/* IPv4, host order */
	uint8_t ttl;
};

#define W_IP4(a, b, c, d)                                                     \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Ethernet and IPv4 headers; returns where the IP total length goes. */
static inline size_t wire_ip(struct mb *m, const struct wire *w, unsigned proto)
{
	m->n = 0;
	mb_bytes(m, w->dst_mac, 6);
	mb_bytes(m, w->src_mac, 6);
	if (w->vlan) {
		mb_be16(m, 0x8100);
		mb_be16(m, w->vlan);
	}
	mb_be16(m, 0x0800);
	size_t ip = m->n;
	mb_u8(m, 0x45);
	mb_u8(m, 0xc0);
	mb_be16(m, 0);		/* total length, patched */
	mb_be32(m, 0);
	mb_u8(m, w->ttl ? w->ttl : 1);
	mb_u8(m, proto);
	mb_be16(m, 0);
	mb_be32(m, w->src);
	mb_be32(m, w->dst);
	return ip;
}

static inline void wire_ip_end(struct mb *m, size_t ip)
{
	mb_put16(m, ip + 2, (unsigned)(m->n - ip));
}

#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10

static inline void wire_tcp(struct mb *m, const struct wire *w, uint16_t sport,
			    uint16_t dport, uint32_t seq, unsigned flags,
			    const uint8_t *payload, size_t len)
{
	size_t ip = wire_ip(m, w, 6);
	mb_be16(m, sport);
	mb_be16(m, dport);
	mb_be32(m, seq);
	mb_be32(m, 1);		/* ack */
	mb_u8(m, 5 << 4);
	mb_u8(m, flags);
	mb_be16(m, 65535);
	mb_be32(m, 0);		/* checksum, urgent */
	if (len)
		mb_bytes(m, payload, len);
	wire_ip_end(m, ip);
}

static inline void wire_udp(struct mb *m, const struct wire *w, uint16_t sport,
			    uint16_t dport, const uint8_t *payload, size_t len)
{
	size_t ip = wire_ip(m, w, 17);
	mb_be16(m, sport);
	mb_be16(m, dport);
	mb_be16(m, (unsigned)(8 + len));
	mb_be16(m, 0);
	if (len)
		mb_bytes(m, payload, len);
	wire_ip_end(m, ip);
}

static inline void wire_raw(struct mb *m, const struct wire *w, unsigned proto,
			    const uint8_t *payload, size_t len)
{
	size_t ip = wire_ip(m, w, proto);
	mb_bytes(m, payload, len);
	wire_ip_end(m, ip);
}

static inline void wire_decode(const struct mb *m, int64_t ts, struct fs_pkt *p)
{
	fs_decode(DLT_EN10MB, m->b, (uint32_t)m->n, (uint32_t)m->n, ts, p);
}

#endif
