/*
 * HSRP version 1 (RFC 2281 5: a fixed 20-byte hello, coup or resign;
 * Cisco's advertise, opcode 3, carries interface state) and version 2
 * (Cisco: TLVs, the group state TLV holding what v1's header held, with
 * times in milliseconds, a 12-bit group and the sender's MAC). The
 * authentication text or digest is never kept.
 */
#include <string.h>

#include "floodspot/cursor.h"
#include "floodspot/fhrp_msg.h"

#define HSRP1_LEN 20
#define HSRP1_ADVERTISE_LEN 16

#define TLV_GROUP_STATE 1
#define TLV_INTERFACE_STATE 2
#define TLV_TEXT_AUTH 3
#define TLV_MD5_AUTH 4
#define GROUP_STATE_LEN 40
#define INTERFACE_STATE_LEN 4
#define TEXT_AUTH_LEN 8
#define MD5_AUTH_LEN 28

static uint8_t v1_state(uint8_t s)
{
	switch (s) {
	case 0: return FS_HSRP_INITIAL;
	case 1: return FS_HSRP_LEARN;
	case 2: return FS_HSRP_LISTEN;
	case 4: return FS_HSRP_SPEAK;
	case 8: return FS_HSRP_STANDBY;
	case 16: return FS_HSRP_ACTIVE;
	default: return FS_HSRP_UNKNOWN;
	}
}

static uint8_t v2_state(uint8_t s)
{
	return s >= 1 && s <= 6 ? s : FS_HSRP_UNKNOWN;	/* the same scale */
}

static enum fs_fhrp_reason hsrp1(struct fs_cursor *c, bool snap_cut,
				 struct fs_fhrp_msg *m)
{
	m->proto = FS_FHRP_HSRP1;
	m->ip_version = 4;
	fs_cursor_skip(c, 1);			/* version 0 */
	m->opcode = fs_cursor_u8(c);
	if (m->opcode == FS_HSRP_ADVERTISE) {
		fs_cursor_skip(c, 4);		/* TLV type 1, length */
		m->hsrp_state = v1_state(fs_cursor_u8(c));
		fs_cursor_skip(c, 1);
		m->hsrp_active_groups = fs_cursor_be16(c);
		m->hsrp_passive_groups = fs_cursor_be16(c);
		fs_cursor_skip(c, 4);
	} else {
		m->hsrp_state = v1_state(fs_cursor_u8(c));
		m->interval_ms = fs_cursor_u8(c) * 1000u;
		m->hold_ms = fs_cursor_u8(c) * 1000u;
		m->priority = fs_cursor_u8(c);
		m->group = fs_cursor_u8(c);
		fs_cursor_skip(c, 1 + 8);	/* reserved, authentication */
		m->n_addrs = 1;
		fs_cursor_copy(c, m->addrs[0], 4);
	}
	if (c->failed)
		return snap_cut ? FS_FHRP_R_TRUNCATED : FS_FHRP_R_SHORT;
	return FS_FHRP_R_OK;
}

static enum fs_fhrp_reason group_state(struct fs_cursor v,
				       struct fs_fhrp_msg *m)
{
	uint8_t version = fs_cursor_u8(&v);
	m->opcode = fs_cursor_u8(&v);
	m->hsrp_state = v2_state(fs_cursor_u8(&v));
	uint8_t ipv = fs_cursor_u8(&v);
	m->group = fs_cursor_be16(&v);
	fs_cursor_copy(&v, m->mac, 6);
	m->has_mac = true;
	m->priority = fs_cursor_be32(&v);
	m->interval_ms = fs_cursor_be32(&v);
	m->hold_ms = fs_cursor_be32(&v);
	m->ip_version = ipv == 6 ? 6 : 4;
	m->n_addrs = 1;
	fs_cursor_copy(&v, m->addrs[0], 16);
	if (m->ip_version == 4)
		memset(m->addrs[0] + 4, 0, 12);
	if (version != 2 || (ipv != 4 && ipv != 6))
		return FS_FHRP_R_BAD_VERSION;
	return FS_FHRP_R_OK;
}

/* TLVs: type, length, value. A packet holds a group state TLV (with
 * authentication) or an interface state TLV. */
static enum fs_fhrp_reason hsrp2(struct fs_cursor *c, bool snap_cut,
				 struct fs_fhrp_msg *m)
{
	bool group = false, iface = false;

	m->proto = FS_FHRP_HSRP2;
	while (c->left > 0) {
		uint8_t type = fs_cursor_u8(c);
		uint8_t len = fs_cursor_u8(c);
		struct fs_cursor v = fs_cursor_sub(c, len);
		if (c->failed)
			return snap_cut ? FS_FHRP_R_TRUNCATED
					: FS_FHRP_R_BAD_TLV;
		enum fs_fhrp_reason r = FS_FHRP_R_OK;
		switch (type) {
		case TLV_GROUP_STATE:
			if (len != GROUP_STATE_LEN || group)
				return FS_FHRP_R_BAD_TLV;
			group = true;
			r = group_state(v, m);
			break;
		case TLV_INTERFACE_STATE:
			if (len != INTERFACE_STATE_LEN)
				return FS_FHRP_R_BAD_TLV;
			iface = true;
			m->hsrp_active_groups = fs_cursor_be16(&v);
			m->hsrp_passive_groups = fs_cursor_be16(&v);
			break;
		case TLV_TEXT_AUTH:
		case TLV_MD5_AUTH:
			if (len != (type == TLV_TEXT_AUTH ? TEXT_AUTH_LEN
							  : MD5_AUTH_LEN))
				return FS_FHRP_R_BAD_TLV;
			m->auth_type = type;
			break;
		default:	/* unknown TLVs are skipped */
			break;
		}
		if (r != FS_FHRP_R_OK)
			return r;
	}
	if (!group && !iface)
		return FS_FHRP_R_BAD_TLV;
	if (!group)
		m->opcode = FS_HSRP_ADVERTISE;
	return FS_FHRP_R_OK;
}

enum fs_fhrp_reason fs_hsrp_parse(const uint8_t *buf, size_t len,
				  bool snap_cut, struct fs_fhrp_msg *m)
{
	static const uint8_t none[1];
	struct fs_cursor c = fs_cursor_make(buf ? buf : none, buf ? len : 0);
	struct fs_cursor peek = c;

	memset(m, 0, sizeof(*m));
	uint8_t first = fs_cursor_u8(&peek);
	enum fs_fhrp_reason r;
	if (peek.failed) {
		m->proto = FS_FHRP_HSRP1;
		r = snap_cut ? FS_FHRP_R_TRUNCATED : FS_FHRP_R_SHORT;
	} else if (first == 0) {	/* v1's version field */
		r = hsrp1(&c, snap_cut, m);
	} else {			/* v2's first TLV type */
		r = hsrp2(&c, snap_cut, m);
	}
	m->reason = (uint8_t)r;
	return r;
}
