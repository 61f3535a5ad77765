/*
 * BGP-4 (RFC 4271 4): message framing, the header, OPEN with its
 * optional parameters and capabilities (RFC 5492, RFC 9072 extended
 * lengths), NOTIFICATION, KEEPALIVE and ROUTE-REFRESH (RFC 2918, 7313).
 * UPDATE is bgp_update.c, names bgp_names.c.
 */
#include <string.h>

#include "bgp_int.h"

#define OPEN_MIN_LEN 29
#define NOTIFICATION_MIN_LEN 21
#define ROUTE_REFRESH_LEN 23

#define PARAM_CAPABILITIES 2
#define PARAM_EXTENDED 255	/* RFC 9072: type 255 in the first param */

#define CAP_MP 1
#define CAP_ROUTE_REFRESH 2
#define CAP_ORF 3
#define CAP_EXT_NEXTHOP 5
#define CAP_EXT_MESSAGE 6
#define CAP_ROLE 9
#define CAP_GRACEFUL_RESTART 64
#define CAP_AS4 65
#define CAP_ADD_PATH 69
#define CAP_ENHANCED_RR 70
#define CAP_LLGR 71
#define CAP_FQDN 73
#define CAP_ROUTE_REFRESH_OLD 128	/* Cisco's pre-standard code */

#define CEASE 6
#define CEASE_ADMIN_SHUTDOWN 2
#define CEASE_ADMIN_RESET 4
#define CEASE_HARD_RESET 9

enum fs_bgp_frame fs_bgp_frame(const uint8_t *buf, size_t len,
			       uint16_t *msg_len)
{
	size_t marker = len < 16 ? len : 16;
	for (size_t i = 0; i < marker; i++)
		if (buf[i] != 0xff)
			return FS_BGP_FRAME_BAD_MARKER;
	if (len < FS_BGP_HDR_LEN)
		return FS_BGP_FRAME_NEED_MORE;
	*msg_len = (uint16_t)((uint16_t)buf[16] << 8 | buf[17]);
	if (*msg_len < FS_BGP_HDR_LEN)
		return FS_BGP_FRAME_BAD_LENGTH;
	return FS_BGP_FRAME_OK;
}

uint32_t fs_bgp_open_as(const struct fs_bgp_open *o)
{
	return (o->caps & FS_BGP_CAP_AS4) ? o->as4 : o->my_as;
}

static uint8_t sat_inc(uint8_t n)
{
	return n == UINT8_MAX ? n : (uint8_t)(n + 1);
}

/* ADD-PATH: (AFI 2, SAFI 1, send/receive 1) per entry, RFC 7911 4. */
static bool cap_add_path(struct fs_cursor v, struct fs_bgp_open *o)
{
	if (v.left == 0 || v.left % 4 != 0)
		return false;
	while (v.left > 0) {
		uint16_t afi = fs_cursor_be16(&v);
		uint8_t safi = fs_cursor_u8(&v);
		uint8_t mode = fs_cursor_u8(&v) & 3;
		if (safi != 1)
			continue;
		if (afi == 1)
			o->add_path_v4 = mode;
		else if (afi == 2)
			o->add_path_v6 = mode;
	}
	return true;
}

/* One capability; false when its length is wrong for its code. */
static bool capability(uint8_t code, struct fs_cursor v, struct fs_bgp_open *o)
{
	o->n_caps = sat_inc(o->n_caps);
	switch (code) {
	case CAP_MP:
		o->caps |= FS_BGP_CAP_MP;
		o->n_mp = sat_inc(o->n_mp);
		return v.left == 4;
	case CAP_ROUTE_REFRESH:
	case CAP_ROUTE_REFRESH_OLD:
		o->caps |= FS_BGP_CAP_ROUTE_REFRESH;
		return v.left == 0;
	case CAP_ORF:
		o->caps |= FS_BGP_CAP_ORF;
		return true;
	case CAP_EXT_NEXTHOP:
		o->caps |= FS_BGP_CAP_EXT_NEXTHOP;
		return v.left % 6 == 0;
	case CAP_EXT_MESSAGE:
		o->caps |= FS_BGP_CAP_EXT_MESSAGE;
		return v.left == 0;
	case CAP_ROLE:
		o->caps |= FS_BGP_CAP_ROLE;
		return v.left == 1;
	case CAP_GRACEFUL_RESTART:
		o->caps |= FS_BGP_CAP_GRACEFUL_RESTART;
		o->gr_restart_time = fs_cursor_be16(&v) & 0x0fff;
		return !v.failed && v.left % 4 == 0;
	case CAP_AS4:
		o->caps |= FS_BGP_CAP_AS4;
		o->as4 = fs_cursor_be32(&v);
		return !v.failed && v.left == 0;
	case CAP_ADD_PATH:
		o->caps |= FS_BGP_CAP_ADD_PATH;
		return cap_add_path(v, o);
	case CAP_ENHANCED_RR:
		o->caps |= FS_BGP_CAP_ENHANCED_RR;
		return v.left == 0;
	case CAP_LLGR:
		o->caps |= FS_BGP_CAP_LLGR;
		return v.left % 7 == 0;
	case CAP_FQDN:
		o->caps |= FS_BGP_CAP_FQDN;
		return true;
	default:
		o->caps |= FS_BGP_CAP_OTHER;
		return true;
	}
}

static enum fs_bgp_reason capabilities(struct fs_cursor c, struct fs_bgp_open *o)
{
	while (c.left > 0) {
		uint8_t code = fs_cursor_u8(&c);
		uint8_t len = fs_cursor_u8(&c);
		struct fs_cursor v = fs_cursor_sub(&c, len);
		if (c.failed || !capability(code, v, o))
			return FS_BGP_R_CAPABILITY;
	}
	return FS_BGP_R_OK;
}

/* Optional parameters: type, length (2 bytes when extended), value. */
static enum fs_bgp_reason open_params(struct fs_cursor *c, struct fs_bgp_open *o)
{
	uint8_t len8 = fs_cursor_u8(c);
	struct fs_cursor peek = *c;
	o->opt_len = len8;
	/* RFC 9072 2: a non-extended length of 255 followed by type 255 */
	if (len8 == 255 && fs_cursor_u8(&peek) == PARAM_EXTENDED &&
	    !peek.failed) {
		fs_cursor_skip(c, 1);
		o->opt_len = fs_cursor_be16(c);
		o->opt_extended = true;
	}
	struct fs_cursor params = fs_cursor_sub(c, o->opt_len);
	if (params.failed || c->left != 0)
		return FS_BGP_R_OPEN_PARAMS;
	while (params.left > 0) {
		uint8_t type = fs_cursor_u8(&params);
		uint16_t len = o->opt_extended ? fs_cursor_be16(&params)
					       : fs_cursor_u8(&params);
		struct fs_cursor v = fs_cursor_sub(&params, len);
		if (params.failed)
			return FS_BGP_R_OPEN_PARAMS;
		if (type == PARAM_CAPABILITIES) {
			enum fs_bgp_reason r = capabilities(v, o);
			if (r != FS_BGP_R_OK)
				return r;
		}
	}
	return FS_BGP_R_OK;
}

static enum fs_bgp_reason parse_open(struct fs_cursor *c, uint16_t length,
				     struct fs_bgp_open *o)
{
	if (length < OPEN_MIN_LEN || length > FS_BGP_MAX_LEN)
		return FS_BGP_R_BAD_LENGTH;
	o->version = fs_cursor_u8(c);
	o->my_as = fs_cursor_be16(c);
	o->hold_time = fs_cursor_be16(c);
	o->bgp_id = fs_cursor_be32(c);
	if (o->version != 4)
		return FS_BGP_R_BAD_VERSION;
	return open_params(c, o);
}

static enum fs_bgp_reason parse_notification(struct fs_cursor *c,
					     uint16_t length,
					     struct fs_bgp_notification *n)
{
	if (length < NOTIFICATION_MIN_LEN)
		return FS_BGP_R_BAD_LENGTH;
	n->code = fs_cursor_u8(c);
	n->subcode = fs_cursor_u8(c);
	n->data_len = (uint16_t)c->left;
	if (n->code != CEASE)
		return FS_BGP_R_OK;
	if (n->subcode == CEASE_HARD_RESET && c->left >= 2) {
		n->has_inner = true;
		n->inner_code = fs_cursor_u8(c);
		n->inner_subcode = fs_cursor_u8(c);
	} else if ((n->subcode == CEASE_ADMIN_SHUTDOWN ||
		    n->subcode == CEASE_ADMIN_RESET) && c->left >= 1) {
		/* RFC 9003 2: a length that overruns the data is logged by
		 * the receiver, not an error of the message. */
		uint8_t len = fs_cursor_u8(c);
		if (len <= c->left) {
			n->text_len = len;
			fs_cursor_copy(c, n->text, len);
		}
	}
	return FS_BGP_R_OK;
}

static enum fs_bgp_reason parse_route_refresh(struct fs_cursor *c,
					      uint16_t length,
					      struct fs_bgp_route_refresh *rr)
{
	if (length < ROUTE_REFRESH_LEN)
		return FS_BGP_R_BAD_LENGTH;
	rr->afi = fs_cursor_be16(c);
	rr->subtype = fs_cursor_u8(c);
	rr->safi = fs_cursor_u8(c);
	rr->orf_len = (uint16_t)c->left;
	return FS_BGP_R_OK;
}

static enum fs_bgp_reason parse(const uint8_t *buf, size_t len,
				enum fs_bgp_add_path paths,
				struct fs_bgp_msg *m)
{
	uint16_t length = 0;
	switch (fs_bgp_frame(buf, len, &length)) {
	case FS_BGP_FRAME_OK:
		break;
	case FS_BGP_FRAME_NEED_MORE:
		return FS_BGP_R_SHORT;
	case FS_BGP_FRAME_BAD_MARKER:
		return FS_BGP_R_BAD_MARKER;
	default:
		m->length = length;
		return FS_BGP_R_BAD_LENGTH;
	}
	m->length = length;
	m->type = buf[18];
	if (length > len)
		return FS_BGP_R_SHORT;

	struct fs_cursor all = fs_cursor_make(buf, len);
	struct fs_cursor c = fs_cursor_sub(&all, length);
	fs_cursor_skip(&c, FS_BGP_HDR_LEN);
	switch (m->type) {
	case FS_BGP_OPEN:
		return parse_open(&c, length, &m->open);
	case FS_BGP_UPDATE:
		return fs_bgp_parse_update(&c, paths, &m->update);
	case FS_BGP_NOTIFICATION:
		return parse_notification(&c, length, &m->notification);
	case FS_BGP_KEEPALIVE:
		return length == FS_BGP_HDR_LEN ? FS_BGP_R_OK
						: FS_BGP_R_BAD_LENGTH;
	case FS_BGP_ROUTE_REFRESH:
		return parse_route_refresh(&c, length, &m->route_refresh);
	default:
		return FS_BGP_R_BAD_TYPE;
	}
}

enum fs_bgp_reason fs_bgp_parse(const uint8_t *buf, size_t len,
				enum fs_bgp_add_path paths,
				struct fs_bgp_msg *m)
{
	static const uint8_t none[1];
	memset(m, 0, sizeof(*m));
	enum fs_bgp_reason r = parse(buf ? buf : none, buf ? len : 0, paths, m);
	m->reason = (uint8_t)r;
	return r;
}
