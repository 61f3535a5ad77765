/*
 * First-hop redundancy adverts: names, and the dispatch from a decoded
 * packet to vrrp.c (VRRP, CARP) or hsrp.c.
 */
#include <string.h>

#include "floodspot/decode.h"
#include "floodspot/fhrp_msg.h"

static const char *const proto_names[FS_FHRP_PROTO_COUNT] = {
	[FS_FHRP_VRRP2] = "vrrp2",
	[FS_FHRP_VRRP3] = "vrrp3",
	[FS_FHRP_CARP] = "carp",
	[FS_FHRP_HSRP1] = "hsrp1",
	[FS_FHRP_HSRP2] = "hsrp2",
};

static const char *const state_names[] = {
	[FS_HSRP_UNKNOWN] = "unknown",
	[FS_HSRP_INITIAL] = "initial",
	[FS_HSRP_LEARN] = "learn",
	[FS_HSRP_LISTEN] = "listen",
	[FS_HSRP_SPEAK] = "speak",
	[FS_HSRP_STANDBY] = "standby",
	[FS_HSRP_ACTIVE] = "active",
};

static const char *const reason_names[FS_FHRP_R_COUNT] = {
	[FS_FHRP_R_OK] = "ok",
	[FS_FHRP_R_SHORT] = "short",
	[FS_FHRP_R_TRUNCATED] = "truncated",
	[FS_FHRP_R_BAD_VERSION] = "bad_version",
	[FS_FHRP_R_BAD_TYPE] = "bad_type",
	[FS_FHRP_R_BAD_LENGTH] = "bad_length",
	[FS_FHRP_R_BAD_TLV] = "bad_tlv",
};

const char *fs_fhrp_proto_name(enum fs_fhrp_proto p)
{
	if ((unsigned)p < FS_FHRP_PROTO_COUNT)
		return proto_names[p];
	return "unknown";
}

const char *fs_hsrp_state_name(enum fs_hsrp_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "unknown";
}

const char *fs_fhrp_reason_name(enum fs_fhrp_reason r)
{
	if ((unsigned)r < FS_FHRP_R_COUNT)
		return reason_names[r];
	return "unknown";
}

enum fs_fhrp_reason fs_fhrp_parse_pkt(const struct fs_pkt *p,
				      const uint8_t *frame,
				      struct fs_fhrp_msg *m)
{
	struct fs_cursor l4 = fs_decode_payload(p, frame);
	const uint8_t *buf = l4.failed ? NULL : l4.pos;
	bool cut = p->caplen < p->wirelen;

	switch (p->route) {
	case FS_ROUTE_VRRP:
		return fs_vrrp_parse(buf, l4.left, p->ip_version, p->src_ip,
				     p->dst_ip, cut, m);
	case FS_ROUTE_CARP: {
		enum fs_fhrp_reason r = fs_carp_parse(buf, l4.left, cut, m);
		m->ip_version = p->ip_version;
		return r;
	}
	case FS_ROUTE_HSRP:
		return fs_hsrp_parse(buf, l4.left, cut, m);
	default:	/* not a first-hop redundancy packet */
		memset(m, 0, sizeof(*m));
		m->reason = FS_FHRP_R_BAD_VERSION;
		return FS_FHRP_R_BAD_VERSION;
	}
}
