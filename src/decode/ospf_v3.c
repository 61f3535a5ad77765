/*
 * OSPFv3 (RFC 5340 appendix A): header tail (instance id), the five packet
 * bodies, then what may follow the packet length: the LLS block (RFC 5613)
 * when the L-bit is set, and the authentication trailer (RFC 7166 s4) after
 * it. The AT-bit is only carried in Hello and DBD options; for the other
 * types a trailer is recognised by its own length field covering exactly
 * the bytes that remain.
 */
#include "ospf_wire.h"

static uint32_t read_options24(struct fs_cursor *c)
{
	uint32_t hi = fs_cursor_u8(c);
	return hi << 16 | fs_cursor_be16(c);
}

static enum fs_ospf_reason parse_hello(struct fs_cursor *pkt,
				       struct fs_ospf_msg *m)
{
	m->interface_id = fs_cursor_be32(pkt);
	m->priority = fs_cursor_u8(pkt);
	m->options = read_options24(pkt);
	m->hello_interval = fs_cursor_be16(pkt);
	m->dead_interval = fs_cursor_be16(pkt);
	m->dr = fs_cursor_be32(pkt);
	m->bdr = fs_cursor_be32(pkt);
	if (pkt->failed)
		return FS_OR_HELLO_SHORT;
	return fs_ospf_read_neighbors(pkt, m);
}

static enum fs_ospf_reason parse_dbd(struct fs_cursor *pkt,
				     struct fs_ospf_msg *m)
{
	fs_cursor_skip(pkt, 1);
	m->options = read_options24(pkt);
	m->mtu = fs_cursor_be16(pkt);
	fs_cursor_skip(pkt, 1);
	m->dbd_flags = fs_cursor_u8(pkt);
	m->dd_seq = fs_cursor_be32(pkt);
	if (pkt->failed)
		return FS_OR_DBD_SHORT;
	return fs_ospf_check_entries(pkt, FS_OSPF_LSA_HDR_LEN,
				     FS_OR_DBD_SHORT, 3, m);
}

static enum fs_ospf_reason parse_at(struct fs_cursor *after, bool snap_cut,
				    struct fs_ospf_msg *m)
{
	m->at_type = fs_cursor_be16(after);
	m->at_len = fs_cursor_be16(after);
	fs_cursor_skip(after, 2);
	m->at_sa_id = fs_cursor_be16(after);
	uint64_t hi = fs_cursor_be32(after);
	m->at_seq = hi << 32 | fs_cursor_be32(after);
	if (after->failed)
		return snap_cut ? FS_OR_TRUNCATED : FS_OR_BAD_TRAILER;
	if (m->at_len < 16)
		return FS_OR_BAD_TRAILER;
	fs_cursor_skip(after, (size_t)m->at_len - 16);
	if (after->failed)
		return snap_cut ? FS_OR_TRUNCATED : FS_OR_BAD_TRAILER;
	m->has_at = true;
	return FS_OR_OK;
}

static enum fs_ospf_reason parse_trailer(struct fs_cursor *after,
					 bool snap_cut, struct fs_ospf_msg *m)
{
	bool hello_dbd = m->type == FS_OSPF_HELLO || m->type == FS_OSPF_DBD;
	if (hello_dbd && (m->options & FS_OSPF3_OPT_L)) {
		fs_cursor_skip(after, 2);
		uint16_t words = fs_cursor_be16(after);
		if (after->failed)
			return snap_cut ? FS_OR_TRUNCATED : FS_OR_BAD_LLS;
		if (words < 1)
			return FS_OR_BAD_LLS;
		fs_cursor_skip(after, (size_t)words * 4 - 4);
		if (after->failed)
			return snap_cut ? FS_OR_TRUNCATED : FS_OR_BAD_LLS;
		m->has_lls = true;
		m->lls_len = (uint16_t)(words * 4u);
	}
	if (hello_dbd) {
		if (m->options & FS_OSPF3_OPT_AT)
			return parse_at(after, snap_cut, m);
		return FS_OR_OK;
	}
	/* No AT-bit to go by: accept a trailer whose length fits exactly. */
	if (after->left >= 16) {
		struct fs_cursor peek = *after;
		fs_cursor_skip(&peek, 2);
		if (fs_cursor_be16(&peek) == after->left)
			return parse_at(after, snap_cut, m);
	}
	return FS_OR_OK;
}

enum fs_ospf_reason fs_ospf_parse_v3(struct fs_cursor *pkt,
				     struct fs_cursor *after, bool snap_cut,
				     struct fs_ospf_msg *m)
{
	m->instance_id = fs_cursor_u8(pkt);
	fs_cursor_skip(pkt, 1);
	if (pkt->failed)
		return FS_OR_SHORT;

	enum fs_ospf_reason r = FS_OR_OK;
	switch (m->type) {
	case FS_OSPF_HELLO:
		r = parse_hello(pkt, m);
		break;
	case FS_OSPF_DBD:
		r = parse_dbd(pkt, m);
		break;
	default:
		r = fs_ospf_check_lsa_body(pkt, 3, m);
		break;
	}
	if (r != FS_OR_OK)
		return r;
	return parse_trailer(after, snap_cut, m);
}
