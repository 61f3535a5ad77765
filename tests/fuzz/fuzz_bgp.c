/*
 * BGP fuzz target: the input is a reassembled byte stream, framed and
 * parsed message by message as the tracker will. Byte 0 picks the
 * ADD-PATH mode (no, yes, guess).
 * Invariants: a message is parsed from its own bytes only (exact-size
 * copies under ASan), the counts fit the fields they came from, and the
 * parse is a pure function of the bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/bgp_msg.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ok(const struct fs_bgp_msg *m)
{
	char b[FS_BGP_NAME_BUF];
	CHECK(m->type >= FS_BGP_OPEN && m->type <= FS_BGP_ROUTE_REFRESH);
	CHECK(fs_bgp_type_name(m->type, b)[0] != '\0');
	switch (m->type) {
	case FS_BGP_OPEN:
		CHECK(m->open.version == 4);
		CHECK(m->length <= FS_BGP_MAX_LEN);
		CHECK(m->length ==
		      29 + m->open.opt_len + (m->open.opt_extended ? 3 : 0));
		CHECK(!(m->open.caps & FS_BGP_CAP_AS4) ||
		      fs_bgp_open_as(&m->open) == m->open.as4);
		break;
	case FS_BGP_UPDATE: {
		const struct fs_bgp_update *u = &m->update;
		CHECK(19 + 4 + u->withdrawn_len + u->attr_len + u->nlri_len ==
		      m->length);
		CHECK(u->n_withdrawn <= u->withdrawn_len);
		CHECK(u->n_nlri <= u->nlri_len);
		CHECK(u->n_attrs * 3 <= u->attr_len);
		CHECK(u->reach_counted || u->n_reach == 0);
		CHECK(u->unreach_counted || u->n_unreach == 0);
		CHECK(!u->end_of_rib || (u->n_nlri == 0 && u->n_withdrawn == 0));
		break;
	}
	case FS_BGP_NOTIFICATION: {
		const struct fs_bgp_notification *n = &m->notification;
		CHECK(n->data_len == m->length - 21);
		CHECK(n->text_len == 0 || n->text_len < n->data_len);
		CHECK(!n->has_inner || n->data_len >= 2);
		CHECK(fs_bgp_error_name(n->code, b)[0] != '\0');
		CHECK(fs_bgp_suberror_name(n->code, n->subcode, b)[0] != '\0');
		break;
	}
	case FS_BGP_KEEPALIVE:
		CHECK(m->length == 19);
		break;
	default:
		CHECK(m->route_refresh.orf_len == m->length - 23);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum fs_bgp_add_path paths = (enum fs_bgp_add_path)(data[0] % 3);
	const uint8_t *s = data + 1;
	size_t left = size - 1;

	while (left > 0) {
		uint16_t len = 0;
		enum fs_bgp_frame f = fs_bgp_frame(s, left, &len);
		CHECK(f <= FS_BGP_FRAME_BAD_LENGTH);
		if (f != FS_BGP_FRAME_OK || len > left) {
			/* what the tracker would do: wait, or resync */
			struct fs_bgp_msg m;
			enum fs_bgp_reason r = fs_bgp_parse(s, left, paths, &m);
			CHECK(r != FS_BGP_R_OK && r < FS_BGP_R_COUNT);
			break;
		}
		CHECK(len >= FS_BGP_HDR_LEN);
		/* An exact-size copy, so ASan catches reads past the message. */
		uint8_t *msg = malloc(len);
		if (!msg)
			return 0;
		memcpy(msg, s, len);
		struct fs_bgp_msg m, again;
		enum fs_bgp_reason r = fs_bgp_parse(msg, len, paths, &m);
		CHECK(r == m.reason && r < FS_BGP_R_COUNT);
		CHECK(fs_bgp_reason_name(r)[0] != '\0');
		CHECK(r == FS_BGP_R_BAD_MARKER || m.length == len);
		CHECK(r != FS_BGP_R_SHORT && r != FS_BGP_R_BAD_MARKER);
		if (r == FS_BGP_R_OK)
			check_ok(&m);
		/* Bytes after the message change nothing. */
		fs_bgp_parse(s, left, paths, &again);
		CHECK(memcmp(&m, &again, sizeof(m)) == 0);
		free(msg);
		s += len;
		left -= len;
	}
	return 0;
}
