/*
 * VRRP version 2 (RFC 3768 5) and 3 (RFC 5798 5), and CARP (OpenBSD
 * ip_carp.h), which shares VRRP's protocol number and version 2. The
 * checksum is verified, not required: a bad one is reported, the advert
 * still parsed (the tracker decides what it is worth).
 */
#include <string.h>

#include "floodspot/cursor.h"
#include "floodspot/fhrp_msg.h"

#define PROTO_VRRP 112
#define VRRP_HDR 8
#define VRRP_ADVERTISEMENT 1
#define CARP_LEN 36

/* One's complement sum of c's bytes, as 16-bit words. */
static uint32_t sum16(struct fs_cursor c, uint32_t sum)
{
	while (c.left >= 2)
		sum += fs_cursor_be16(&c);
	if (c.left == 1)
		sum += (uint32_t)fs_cursor_u8(&c) << 8;
	return sum;
}

static bool sum_ok(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* RFC 5798 5.2.8: the IPv6 (RFC 2460 8.1) or IPv4 pseudo-header. */
static uint32_t pseudo_sum(uint8_t ip_version, const uint8_t src[16],
			   const uint8_t dst[16], size_t len)
{
	size_t alen = ip_version == 6 ? 16 : 4;
	uint32_t sum = sum16(fs_cursor_make(src, alen), 0);
	sum = sum16(fs_cursor_make(dst, alen), sum);
	return sum + PROTO_VRRP + (uint32_t)(len & 0xffff) +
	       (uint32_t)(len >> 16);
}

static enum fs_fhrp_checksum vrrp_checksum(struct fs_cursor all,
					   uint8_t version, uint8_t ip_version,
					   const uint8_t src[16],
					   const uint8_t dst[16])
{
	uint32_t body = sum16(all, 0);
	if (version == 2)
		return sum_ok(body) ? FS_FHRP_CSUM_OK : FS_FHRP_CSUM_BAD;
	if (sum_ok(body + pseudo_sum(ip_version, src, dst, all.left)))
		return FS_FHRP_CSUM_OK;
	if (ip_version == 4 && sum_ok(body))
		return FS_FHRP_CSUM_OK_NO_PSEUDO;
	return FS_FHRP_CSUM_BAD;
}

enum fs_fhrp_reason fs_vrrp_parse(const uint8_t *buf, size_t len,
				  uint8_t ip_version, const uint8_t src[16],
				  const uint8_t dst[16], bool snap_cut,
				  struct fs_fhrp_msg *m)
{
	static const uint8_t none[1];
	struct fs_cursor all = fs_cursor_make(buf ? buf : none, buf ? len : 0);
	struct fs_cursor c = all;
	uint8_t h[VRRP_HDR];

	memset(m, 0, sizeof(*m));
	enum fs_fhrp_reason r = FS_FHRP_R_OK;
	fs_cursor_copy(&c, h, sizeof(h));
	if (c.failed) {
		r = snap_cut ? FS_FHRP_R_TRUNCATED : FS_FHRP_R_SHORT;
		goto out;
	}
	uint8_t version = h[0] >> 4;
	m->proto = version == 3 ? FS_FHRP_VRRP3 : FS_FHRP_VRRP2;
	m->opcode = h[0] & 0x0f;
	m->group = h[1];
	m->priority = h[2];
	m->n_addrs = h[3];
	m->ip_version = ip_version == 6 ? 6 : 4;
	if (version == 2) {
		m->auth_type = h[4];
		m->interval_ms = h[5] * 1000u;
	} else {
		m->interval_ms = ((uint32_t)(h[4] & 0x0f) << 8 | h[5]) * 10u;
	}
	if ((version != 2 && version != 3) || (version == 2 && ip_version == 6)) {
		r = FS_FHRP_R_BAD_VERSION;
		goto out;
	}
	if (m->opcode != VRRP_ADVERTISEMENT) {
		r = FS_FHRP_R_BAD_TYPE;
		goto out;
	}
	size_t alen = m->ip_version == 6 ? 16 : 4;
	for (unsigned i = 0; i < m->n_addrs; i++) {
		uint8_t a[16] = { 0 };
		fs_cursor_copy(&c, a, alen);
		if (i < FS_FHRP_MAX_ADDRS)
			memcpy(m->addrs[i], a, sizeof(a));
	}
	if (c.failed) {
		r = snap_cut ? FS_FHRP_R_TRUNCATED : FS_FHRP_R_BAD_LENGTH;
		goto out;
	}
	/* v2 authentication data (8 bytes) is never kept. */
	if (!snap_cut)
		m->checksum = (uint8_t)vrrp_checksum(all, version, m->ip_version,
						     src, dst);
out:
	m->reason = (uint8_t)r;
	return r;
}

enum fs_fhrp_reason fs_carp_parse(const uint8_t *buf, size_t len,
				  bool snap_cut, struct fs_fhrp_msg *m)
{
	static const uint8_t none[1];
	struct fs_cursor all = fs_cursor_make(buf ? buf : none, buf ? len : 0);
	struct fs_cursor c = all;
	uint8_t h[16];

	memset(m, 0, sizeof(*m));
	m->proto = FS_FHRP_CARP;
	enum fs_fhrp_reason r = FS_FHRP_R_OK;
	fs_cursor_copy(&c, h, sizeof(h));
	if (c.failed) {
		r = snap_cut ? FS_FHRP_R_TRUNCATED : FS_FHRP_R_SHORT;
		goto out;
	}
	m->opcode = h[0] & 0x0f;
	m->group = h[1];
	m->carp_advskew = h[2];
	m->carp_demote = h[4];
	/* advbase seconds plus advskew 256ths of a second */
	m->interval_ms = h[5] * 1000u + h[2] * 1000u / 256u;
	struct fs_cursor ctr = fs_cursor_make(h + 8, 8);
	uint64_t hi = fs_cursor_be32(&ctr);
	m->carp_counter = hi << 32 | fs_cursor_be32(&ctr);
	if (h[0] >> 4 != 2) {
		r = FS_FHRP_R_BAD_VERSION;
		goto out;
	}
	if (m->opcode != VRRP_ADVERTISEMENT) {
		r = FS_FHRP_R_BAD_TYPE;
		goto out;
	}
	if (len < CARP_LEN) {
		r = snap_cut ? FS_FHRP_R_TRUNCATED : FS_FHRP_R_BAD_LENGTH;
		goto out;
	}
	/* The SHA1 HMAC is not kept; the checksum covers the advert. */
	struct fs_cursor advert = fs_cursor_sub(&all, CARP_LEN);
	m->checksum = sum_ok(sum16(advert, 0)) ? FS_FHRP_CSUM_OK
					       : FS_FHRP_CSUM_BAD;
out:
	m->reason = (uint8_t)r;
	return r;
}
