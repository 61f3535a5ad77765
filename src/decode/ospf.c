/*
 * OSPF parsing entry point: the part of the common header shared by v2
 * (RFC 2328 A.3.1) and v3 (RFC 5340 A.3.1), then the per-version file.
 *
 *   ospf.c      common header, packet length as a sub-cursor, reasons
 *   ospf_v2.c   v2 header tail, authentication, LLS, the five bodies
 *   ospf_v3.c   v3 header tail, the five bodies, LLS, RFC 7166 trailer
 *   ospf_lsa.c  LSA header / LSR / LSU walkers, router and network LSAs
 */
#include "ospf_wire.h"
#include "floodspot/decode.h"

#include <stddef.h>
#include <string.h>

static const char *const reason_names[FS_OR_COUNT] = {
	[FS_OR_OK] = "ok",
	[FS_OR_SHORT] = "short",
	[FS_OR_BAD_VERSION] = "bad_version",
	[FS_OR_BAD_TYPE] = "bad_type",
	[FS_OR_BAD_LENGTH] = "bad_length",
	[FS_OR_TRUNCATED] = "truncated",
	[FS_OR_BAD_AUTH] = "bad_auth",
	[FS_OR_BAD_LLS] = "bad_lls",
	[FS_OR_BAD_TRAILER] = "bad_trailer",
	[FS_OR_HELLO_SHORT] = "hello_short",
	[FS_OR_DBD_SHORT] = "dbd_short",
	[FS_OR_LSR_SHORT] = "lsr_short",
	[FS_OR_LSU_SHORT] = "lsu_short",
	[FS_OR_LSA_BAD_LENGTH] = "lsa_bad_length",
	[FS_OR_LSA_BODY] = "lsa_body",
	[FS_OR_ACK_SHORT] = "ack_short",
};

const char *fs_ospf_reason_name(enum fs_ospf_reason r)
{
	if ((unsigned)r < FS_OR_COUNT)
		return reason_names[r];
	return "unknown";
}

static enum fs_ospf_reason parse(const uint8_t *buf, uint32_t len,
				 uint8_t ip_version, bool snap_cut,
				 struct fs_ospf_msg *m)
{
	struct fs_cursor all = fs_cursor_make(buf, len);

	m->version = fs_cursor_u8(&all);
	m->type = fs_cursor_u8(&all);
	m->length = fs_cursor_be16(&all);
	if (all.failed)
		return snap_cut ? FS_OR_TRUNCATED : FS_OR_SHORT;

	uint32_t hdr_len;
	if (m->version == 2 && ip_version != 6)
		hdr_len = 24;
	else if (m->version == 3 && ip_version != 4)
		hdr_len = 16;
	else
		return FS_OR_BAD_VERSION;
	if (len < hdr_len)
		return snap_cut ? FS_OR_TRUNCATED : FS_OR_SHORT;
	if (m->type < FS_OSPF_HELLO || m->type > FS_OSPF_LSACK)
		return FS_OR_BAD_TYPE;
	if (m->length < hdr_len)
		return FS_OR_BAD_LENGTH;
	if (m->length > len)
		return snap_cut ? FS_OR_TRUNCATED : FS_OR_BAD_LENGTH;

	/* The packet length bounds everything; what follows is trailer. */
	struct fs_cursor whole = fs_cursor_make(buf, len);
	struct fs_cursor pkt = fs_cursor_sub(&whole, m->length);
	fs_cursor_skip(&pkt, 4);
	m->router_id = fs_cursor_be32(&pkt);
	m->area = fs_cursor_be32(&pkt);
	m->checksum = fs_cursor_be16(&pkt);

	if (m->version == 2)
		return fs_ospf_parse_v2(&pkt, &whole, snap_cut, m);
	return fs_ospf_parse_v3(&pkt, &whole, snap_cut, m);
}

enum fs_ospf_reason fs_ospf_parse(const uint8_t *buf, uint32_t len,
				  uint8_t ip_version, bool snap_cut,
				  struct fs_ospf_msg *m)
{
	/* The item arrays are written as far as n_items says, never read
	 * beyond: clearing them would cost more than the parse. */
	memset(m, 0, offsetof(struct fs_ospf_msg, lsas));
	enum fs_ospf_reason r = parse(buf, len, ip_version, snap_cut, m);
	m->reason = (uint8_t)r;
	return r;
}

enum fs_ospf_reason fs_ospf_parse_pkt(const struct fs_pkt *p,
				      const uint8_t *frame,
				      struct fs_ospf_msg *m)
{
	struct fs_cursor l4 = fs_decode_payload(p, frame);
	if (l4.failed) {
		memset(m, 0, offsetof(struct fs_ospf_msg, lsas));
		m->reason = FS_OR_SHORT;
		return FS_OR_SHORT;
	}
	return fs_ospf_parse(l4.pos, (uint32_t)l4.left, p->ip_version,
			     p->caplen < p->wirelen, m);
}
