/*
 * OSPFv2 (RFC 2328 appendix A): header tail with authentication, the five
 * packet bodies, and what may follow the packet length: the cryptographic
 * digest (A.3.1, D.4.3) and then the LLS block (RFC 5613) when the L-bit is
 * set in a Hello or DBD.
 */
#include "ospf_wire.h"

static enum fs_ospf_reason parse_auth(struct fs_cursor *pkt,
				      struct fs_ospf_msg *m)
{
	m->autype = fs_cursor_be16(pkt);
	switch (m->autype) {
	case 0:	/* null */
	case 1:	/* simple password: skipped, never kept */
		fs_cursor_skip(pkt, 8);
		break;
	case 2:	/* 0, key id, auth data length, crypto sequence number */
		fs_cursor_skip(pkt, 2);
		m->auth_key_id = fs_cursor_u8(pkt);
		m->auth_data_len = fs_cursor_u8(pkt);
		m->crypt_seq = fs_cursor_be32(pkt);
		break;
	default:
		return FS_OR_BAD_AUTH;
	}
	return pkt->failed ? FS_OR_SHORT : FS_OR_OK;
}

static enum fs_ospf_reason parse_hello(struct fs_cursor *pkt,
				       struct fs_ospf_msg *m)
{
	m->netmask = fs_cursor_be32(pkt);
	m->hello_interval = fs_cursor_be16(pkt);
	m->options = fs_cursor_u8(pkt);
	m->priority = fs_cursor_u8(pkt);
	m->dead_interval = fs_cursor_be32(pkt);
	m->dr = fs_cursor_be32(pkt);
	m->bdr = fs_cursor_be32(pkt);
	if (pkt->failed)
		return FS_OR_HELLO_SHORT;
	return fs_ospf_read_neighbors(pkt, m);
}

static enum fs_ospf_reason parse_dbd(struct fs_cursor *pkt,
				     struct fs_ospf_msg *m)
{
	m->mtu = fs_cursor_be16(pkt);
	m->options = fs_cursor_u8(pkt);
	m->dbd_flags = fs_cursor_u8(pkt);
	m->dd_seq = fs_cursor_be32(pkt);
	if (pkt->failed)
		return FS_OR_DBD_SHORT;
	return fs_ospf_check_entries(pkt, FS_OSPF_LSA_HDR_LEN,
				     FS_OR_DBD_SHORT, 2, m);
}

/* Digest, then LLS: both outside the packet length, in that order. */
static enum fs_ospf_reason parse_trailer(struct fs_cursor *after,
					 bool snap_cut, struct fs_ospf_msg *m)
{
	if (m->autype == 2) {
		fs_cursor_skip(after, m->auth_data_len);
		if (after->failed)
			return snap_cut ? FS_OR_TRUNCATED : FS_OR_BAD_AUTH;
	}
	bool lls_allowed = m->type == FS_OSPF_HELLO || m->type == FS_OSPF_DBD;
	if (!lls_allowed || !(m->options & FS_OSPF2_OPT_L))
		return FS_OR_OK;
	fs_cursor_skip(after, 2);	/* checksum */
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
	return FS_OR_OK;
}

enum fs_ospf_reason fs_ospf_parse_v2(struct fs_cursor *pkt,
				     struct fs_cursor *after, bool snap_cut,
				     struct fs_ospf_msg *m)
{
	enum fs_ospf_reason r = parse_auth(pkt, m);
	if (r != FS_OR_OK)
		return r;

	switch (m->type) {
	case FS_OSPF_HELLO:
		r = parse_hello(pkt, m);
		break;
	case FS_OSPF_DBD:
		r = parse_dbd(pkt, m);
		break;
	default:
		r = fs_ospf_check_lsa_body(pkt, 2, m);
		break;
	}
	if (r != FS_OR_OK)
		return r;
	return parse_trailer(after, snap_cut, m);
}
