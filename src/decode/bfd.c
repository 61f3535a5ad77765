/*
 * BFD control packets (RFC 5880 4.1, 4.2-4.4 for the authentication
 * section). The reception checks of 6.8.6 that need no session are made
 * here; the ones that do (A bit against the session's authentication,
 * your discriminator lookup) are the tracker's.
 */
#include <stdio.h>
#include <string.h>

#include "floodspot/bfd_msg.h"
#include "floodspot/cursor.h"
#include "floodspot/decode.h"

#define BFD_MIN_LEN 24
#define BFD_MIN_LEN_AUTH 26
#define SIMPLE_MIN_LEN 4	/* type, length, key id, 1-16 byte password */
#define SIMPLE_MAX_LEN 19
#define MD5_AUTH_LEN 24
#define SHA1_AUTH_LEN 28

static const char *const state_names[] = {
	[FS_BFD_ADMIN_DOWN] = "admin_down",
	[FS_BFD_DOWN] = "down",
	[FS_BFD_INIT] = "init",
	[FS_BFD_UP] = "up",
};

static const char *const diag_names[] = {
	[FS_BFD_DIAG_NONE] = "none",
	[FS_BFD_DIAG_DETECTION_EXPIRED] = "control_detection_time_expired",
	[FS_BFD_DIAG_ECHO_FAILED] = "echo_function_failed",
	[FS_BFD_DIAG_NEIGHBOR_DOWN] = "neighbor_signaled_session_down",
	[FS_BFD_DIAG_FORWARDING_RESET] = "forwarding_plane_reset",
	[FS_BFD_DIAG_PATH_DOWN] = "path_down",
	[FS_BFD_DIAG_CONCAT_PATH_DOWN] = "concatenated_path_down",
	[FS_BFD_DIAG_ADMIN_DOWN] = "administratively_down",
	[FS_BFD_DIAG_REVERSE_CONCAT_PATH_DOWN] =
		"reverse_concatenated_path_down",
	[FS_BFD_DIAG_MISCONNECTIVITY] = "mis_connectivity_defect",
};

static const char *const reason_names[FS_BFD_R_COUNT] = {
	[FS_BFD_R_OK] = "ok",
	[FS_BFD_R_SHORT] = "short",
	[FS_BFD_R_TRUNCATED] = "truncated",
	[FS_BFD_R_BAD_VERSION] = "bad_version",
	[FS_BFD_R_BAD_LENGTH] = "bad_length",
	[FS_BFD_R_ZERO_MULT] = "zero_detect_mult",
	[FS_BFD_R_MULTIPOINT] = "multipoint",
	[FS_BFD_R_ZERO_MY_DISC] = "zero_my_disc",
	[FS_BFD_R_ZERO_YOUR_DISC] = "zero_your_disc",
	[FS_BFD_R_BAD_AUTH] = "bad_auth",
};

const char *fs_bfd_state_name(enum fs_bfd_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "unknown";
}

const char *fs_bfd_diag_name(uint8_t diag, char buf[FS_BFD_NAME_BUF])
{
	if (diag < sizeof(diag_names) / sizeof(diag_names[0]))
		return diag_names[diag];
	snprintf(buf, FS_BFD_NAME_BUF, "%u", diag);
	return buf;
}

const char *fs_bfd_reason_name(enum fs_bfd_reason r)
{
	if ((unsigned)r < FS_BFD_R_COUNT)
		return reason_names[r];
	return "unknown";
}

/* The authentication section: its length against its type (4.2-4.4). */
static enum fs_bfd_reason auth_section(struct fs_cursor *c,
				       struct fs_bfd_msg *m)
{
	m->auth_type = fs_cursor_u8(c);
	m->auth_len = fs_cursor_u8(c);
	if (m->auth_len < 2)
		return FS_BFD_R_BAD_AUTH;
	struct fs_cursor s = fs_cursor_sub(c, (size_t)m->auth_len - 2);
	if (s.failed)
		return FS_BFD_R_BAD_AUTH;
	switch (m->auth_type) {
	case FS_BFD_AUTH_SIMPLE:
		if (m->auth_len < SIMPLE_MIN_LEN ||
		    m->auth_len > SIMPLE_MAX_LEN)
			return FS_BFD_R_BAD_AUTH;
		m->auth_key_id = fs_cursor_u8(&s);
		return FS_BFD_R_OK;
	case FS_BFD_AUTH_KEYED_MD5:
	case FS_BFD_AUTH_METICULOUS_MD5:
	case FS_BFD_AUTH_KEYED_SHA1:
	case FS_BFD_AUTH_METICULOUS_SHA1: {
		bool md5 = m->auth_type <= FS_BFD_AUTH_METICULOUS_MD5;
		if (m->auth_len != (md5 ? MD5_AUTH_LEN : SHA1_AUTH_LEN))
			return FS_BFD_R_BAD_AUTH;
		m->auth_key_id = fs_cursor_u8(&s);
		fs_cursor_skip(&s, 1);
		m->auth_seq = fs_cursor_be32(&s);
		return FS_BFD_R_OK;
	}
	default:	/* reserved types: only the bounds are known */
		return FS_BFD_R_OK;
	}
}

static enum fs_bfd_reason parse(struct fs_cursor *c, bool snap_cut,
				struct fs_bfd_msg *m)
{
	size_t avail = c->left;
	uint8_t h[BFD_MIN_LEN];

	fs_cursor_copy(c, h, sizeof(h));
	if (c->failed)
		return snap_cut ? FS_BFD_R_TRUNCATED : FS_BFD_R_SHORT;
	m->version = h[0] >> 5;
	m->diag = h[0] & 0x1f;
	m->state = h[1] >> 6;
	m->flags = h[1] & 0x3f;
	m->detect_mult = h[2];
	m->length = h[3];
	struct fs_cursor f = fs_cursor_make(h + 4, sizeof(h) - 4);
	m->my_disc = fs_cursor_be32(&f);
	m->your_disc = fs_cursor_be32(&f);
	m->desired_min_tx_us = fs_cursor_be32(&f);
	m->required_min_rx_us = fs_cursor_be32(&f);
	m->required_min_echo_rx_us = fs_cursor_be32(&f);

	if (m->version != 1)
		return FS_BFD_R_BAD_VERSION;
	bool auth = m->flags & FS_BFD_FLAG_A;
	if (m->length < (auth ? BFD_MIN_LEN_AUTH : BFD_MIN_LEN))
		return FS_BFD_R_BAD_LENGTH;
	if (m->length > avail)
		return snap_cut ? FS_BFD_R_TRUNCATED : FS_BFD_R_BAD_LENGTH;
	if (m->detect_mult == 0)
		return FS_BFD_R_ZERO_MULT;
	if (m->flags & FS_BFD_FLAG_M)
		return FS_BFD_R_MULTIPOINT;
	if (m->my_disc == 0)
		return FS_BFD_R_ZERO_MY_DISC;
	if (m->your_disc == 0 && m->state != FS_BFD_DOWN &&
	    m->state != FS_BFD_ADMIN_DOWN)
		return FS_BFD_R_ZERO_YOUR_DISC;
	if (!auth)
		return FS_BFD_R_OK;
	struct fs_cursor rest = fs_cursor_sub(c, m->length - BFD_MIN_LEN);
	return auth_section(&rest, m);
}

enum fs_bfd_reason fs_bfd_parse(const uint8_t *buf, size_t len,
				bool snap_cut, struct fs_bfd_msg *m)
{
	static const uint8_t none[1];
	struct fs_cursor c = fs_cursor_make(buf ? buf : none, buf ? len : 0);
	memset(m, 0, sizeof(*m));
	enum fs_bfd_reason r = parse(&c, snap_cut, m);
	m->reason = (uint8_t)r;
	return r;
}

enum fs_bfd_reason fs_bfd_parse_pkt(const struct fs_pkt *p,
				    const uint8_t *frame,
				    struct fs_bfd_msg *m)
{
	struct fs_cursor l4 = fs_decode_payload(p, frame);
	return fs_bfd_parse(l4.failed ? NULL : l4.pos, l4.left,
			    p->caplen < p->wirelen, m);
}
