/*
 * BGP messages: framing of a byte stream, then a table of hand-built
 * messages (each type, the capabilities and UPDATE encodings that change
 * the counts, and every malformation with its reason), every prefix of
 * each good message, and the names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "floodspot/bgp_msg.h"
#include "msg_build.h"

#define IP4(a, b, c, d)                                                       \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---- builders ---------------------------------------------------------- */

static void hdr(struct mb *m, unsigned type)
{
	m->n = 0;
	mb_fill(m, 0xff, 16);
	mb_be16(m, 0);		/* length, see end() */
	mb_u8(m, type);
}

static void end(struct mb *m) { mb_put16(m, 16, (unsigned)m->n); }

static void open_fixed(struct mb *m, unsigned version, unsigned as,
		       unsigned hold)
{
	hdr(m, FS_BGP_OPEN);
	mb_u8(m, version);
	mb_be16(m, as);
	mb_be16(m, hold);
	mb_be32(m, IP4(1, 2, 3, 4));
}

static void b_keepalive(struct mb *m)
{
	hdr(m, FS_BGP_KEEPALIVE);
	end(m);
}

static void b_open_plain(struct mb *m)
{
	open_fixed(m, 4, 65001, 90);
	mb_u8(m, 0);
	end(m);
}

/* MP IPv4 unicast, route refresh, 4-octet AS, ADD-PATH both ways for IPv4
 * unicast, graceful restart 120 s, and one unknown capability. */
static void caps(struct mb *m, unsigned as4_len)
{
	mb_u8(m, 1), mb_u8(m, 4), mb_be16(m, 1), mb_u8(m, 0), mb_u8(m, 1);
	mb_u8(m, 2), mb_u8(m, 0);
	mb_u8(m, 65), mb_u8(m, as4_len);
	mb_be32(m, 4200000001u);
	m->n -= 4 - as4_len;
	mb_u8(m, 69), mb_u8(m, 4), mb_be16(m, 1), mb_u8(m, 1), mb_u8(m, 3);
	mb_u8(m, 64), mb_u8(m, 2), mb_be16(m, 120);
	mb_u8(m, 200), mb_u8(m, 1), mb_u8(m, 0);
}

static void open_caps(struct mb *m, unsigned as4_len)
{
	open_fixed(m, 4, FS_BGP_AS_TRANS, 180);
	size_t opt = m->n;
	mb_u8(m, 0);
	mb_u8(m, 2);		/* capabilities parameter */
	size_t plen = m->n;
	mb_u8(m, 0);
	caps(m, as4_len);
	m->b[plen] = (uint8_t)(m->n - plen - 1);
	m->b[opt] = (uint8_t)(m->n - opt - 1);
	end(m);
}

static void b_open_caps(struct mb *m) { open_caps(m, 4); }
static void b_open_as4_len2(struct mb *m) { open_caps(m, 2); }

/* RFC 9072: length 255, type 255, 2-byte length, 2-byte param lengths. */
static void b_open_extended(struct mb *m)
{
	open_fixed(m, 4, FS_BGP_AS_TRANS, 180);
	mb_u8(m, 255);
	mb_u8(m, 255);
	size_t ext = m->n;
	mb_be16(m, 0);
	mb_u8(m, 2);
	size_t plen = m->n;
	mb_be16(m, 0);
	caps(m, 4);
	mb_put16(m, plen, (unsigned)(m->n - plen - 2));
	mb_put16(m, ext, (unsigned)(m->n - ext - 2));
	end(m);
}

static void b_open_v3(struct mb *m)
{
	open_fixed(m, 3, 65001, 90);
	mb_u8(m, 0);
	end(m);
}

static void b_open_short(struct mb *m)
{
	open_fixed(m, 4, 65001, 90);
	end(m);			/* 28 bytes: no optional parameters length */
}

static void b_open_params_past(struct mb *m)
{
	open_fixed(m, 4, 65001, 90);
	mb_u8(m, 8);
	mb_u8(m, 2), mb_u8(m, 2), mb_u8(m, 2), mb_u8(m, 0);
	end(m);
}

static void b_open_huge(struct mb *m)
{
	open_fixed(m, 4, 65001, 90);
	mb_u8(m, 0);
	mb_fill(m, 0, 4100 - m->n);
	end(m);
}

static void prefix(struct mb *m, unsigned bits, uint32_t addr)
{
	mb_u8(m, bits);
	for (unsigned i = 0; i < (bits + 7) / 8; i++)
		mb_u8(m, addr >> (24 - 8 * i) & 0xff);
}

/* ORIGIN IGP, AS_PATH (one sequence of 2 ASes), NEXT_HOP. */
static void path_attrs(struct mb *m)
{
	mb_u8(m, 0x40), mb_u8(m, 1), mb_u8(m, 1), mb_u8(m, 0);
	mb_u8(m, 0x40), mb_u8(m, 2), mb_u8(m, 10), mb_u8(m, 2), mb_u8(m, 2);
	mb_be32(m, 65001), mb_be32(m, 65002);
	mb_u8(m, 0x40), mb_u8(m, 3), mb_u8(m, 4), mb_be32(m, IP4(10, 0, 0, 1));
}

/* withdrawn 10/8 and 192.168.1/24; NLRI 1.2.3.4/32, 0/0, 172.16/17 */
static void b_update(struct mb *m)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 6);
	prefix(m, 8, IP4(10, 0, 0, 0));
	prefix(m, 24, IP4(192, 168, 1, 0));
	size_t al = m->n;
	mb_be16(m, 0);
	path_attrs(m);
	mb_put16(m, al, (unsigned)(m->n - al - 2));
	prefix(m, 32, IP4(1, 2, 3, 4));
	prefix(m, 0, 0);
	prefix(m, 17, IP4(172, 16, 0, 0));
	end(m);
}

static void b_end_of_rib(struct mb *m)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 0);
	mb_be16(m, 0);
	end(m);
}

static void v6_prefix(struct mb *m, unsigned bits)
{
	mb_u8(m, bits);
	mb_be32(m, 0x20010db8);
	mb_fill(m, 0, (bits + 7) / 8 - 4);
}

/* MP_REACH IPv6 unicast (global next hop, 2 prefixes), MP_UNREACH (1) */
static void b_update_mp(struct mb *m)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 0);
	size_t al = m->n;
	mb_be16(m, 0);
	mb_u8(m, 0x90), mb_u8(m, 14);	/* optional, extended length */
	size_t rl = m->n;
	mb_be16(m, 0);
	mb_be16(m, 2), mb_u8(m, 1), mb_u8(m, 16);
	mb_be32(m, 0x20010db8), mb_fill(m, 0, 11), mb_u8(m, 1);
	mb_u8(m, 0);
	v6_prefix(m, 48);
	v6_prefix(m, 128);
	mb_put16(m, rl, (unsigned)(m->n - rl - 2));
	mb_u8(m, 0x80), mb_u8(m, 15);
	size_t ul = m->n;
	mb_u8(m, 0);
	mb_be16(m, 2), mb_u8(m, 1);
	v6_prefix(m, 64);
	m->b[ul] = (uint8_t)(m->n - ul - 1);
	mb_put16(m, al, (unsigned)(m->n - al - 2));
	end(m);
}

/* NLRI with ADD-PATH identifiers: 4 bytes before each prefix. Read as
 * prefixes, ids 1 and 2 tile (as /0, /0, /0, /1 ...), ids 33 and 34 do
 * not (a /33). */
static void update_paths(struct mb *m, uint32_t id)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 0);
	size_t al = m->n;
	mb_be16(m, 0);
	path_attrs(m);
	mb_put16(m, al, (unsigned)(m->n - al - 2));
	mb_be32(m, id);
	prefix(m, 32, IP4(5, 5, 5, 5));
	mb_be32(m, id + 1);
	prefix(m, 32, IP4(5, 5, 5, 5));
	end(m);
}

static void b_update_paths(struct mb *m) { update_paths(m, 1); }
static void b_update_paths_33(struct mb *m) { update_paths(m, 33); }

/* EVPN (AFI 25, SAFI 70): route types, not plain prefixes. */
static void b_update_evpn(struct mb *m)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 0);
	mb_be16(m, 3 + 14);
	mb_u8(m, 0x80), mb_u8(m, 14), mb_u8(m, 14);
	mb_be16(m, 25), mb_u8(m, 70), mb_u8(m, 4), mb_be32(m, IP4(1, 1, 1, 1));
	mb_u8(m, 0);
	mb_u8(m, 3), mb_u8(m, 3), mb_fill(m, 0x11, 3);	/* route type 3 */
	end(m);
}

static void notification(struct mb *m, unsigned code, unsigned sub)
{
	hdr(m, FS_BGP_NOTIFICATION);
	mb_u8(m, code);
	mb_u8(m, sub);
}

static void b_hold_expired(struct mb *m)
{
	notification(m, 4, 0);
	end(m);
}

static void b_shutdown(struct mb *m)
{
	notification(m, 6, 2);
	mb_u8(m, 3);
	mb_bytes(m, "bye", 3);
	end(m);
}

static void b_hard_reset(struct mb *m)
{
	notification(m, 6, 9);
	mb_u8(m, 6);
	mb_u8(m, 3);
	end(m);
}

/* RFC 9003: a text length past the data is no error of the message. */
static void b_shutdown_overrun(struct mb *m)
{
	notification(m, 6, 4);
	mb_u8(m, 40);
	mb_bytes(m, "cut", 3);
	end(m);
}

static void route_refresh(struct mb *m, unsigned orf)
{
	hdr(m, FS_BGP_ROUTE_REFRESH);
	mb_be16(m, 2);
	mb_u8(m, 0);
	mb_u8(m, 1);
	mb_fill(m, 0x5a, orf);
	end(m);
}

static void b_route_refresh(struct mb *m) { route_refresh(m, 0); }
static void b_route_refresh_orf(struct mb *m) { route_refresh(m, 7); }

/* Malformations */
static void b_bad_marker(struct mb *m)
{
	b_keepalive(m);
	m->b[5] = 0xfe;
}

static void b_length_18(struct mb *m)
{
	b_keepalive(m);
	mb_put16(m, 16, 18);
}

static void b_length_past(struct mb *m)
{
	b_keepalive(m);
	mb_put16(m, 16, 40);
}

static void b_type_9(struct mb *m)
{
	hdr(m, 9);
	end(m);
}

static void b_keepalive_20(struct mb *m)
{
	hdr(m, FS_BGP_KEEPALIVE);
	mb_u8(m, 0);
	end(m);
}

static void b_withdrawn_past(struct mb *m)
{
	b_update(m);
	mb_put16(m, 19, 500);
}

static void b_attrs_past(struct mb *m)
{
	b_update(m);
	mb_put16(m, 19 + 2 + 6, 500);
}

static void b_nlri_ragged(struct mb *m)
{
	b_update(m);
	mb_u8(m, 24);		/* a /24 with one byte of it */
	mb_u8(m, 10);
	end(m);
}

static void b_nlri_33(struct mb *m)
{
	b_update(m);
	m->b[m->n - 10] = 33;	/* the /32 becomes a /33 */
}

static void b_attr_past_section(struct mb *m)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 0);
	mb_be16(m, 4);
	mb_u8(m, 0x40), mb_u8(m, 1), mb_u8(m, 9), mb_u8(m, 0);
	prefix(m, 8, IP4(10, 0, 0, 0));
	end(m);
}

static void b_mp_nexthop_past(struct mb *m)
{
	hdr(m, FS_BGP_UPDATE);
	mb_be16(m, 0);
	mb_be16(m, 3 + 6);
	mb_u8(m, 0x80), mb_u8(m, 14), mb_u8(m, 6);
	mb_be16(m, 2), mb_u8(m, 1), mb_u8(m, 16), mb_be16(m, 0x2001);
	end(m);
}

static void b_notification_20(struct mb *m)
{
	hdr(m, FS_BGP_NOTIFICATION);
	mb_u8(m, 6);
	end(m);
}

static void b_trailing(struct mb *m)
{
	b_keepalive(m);
	mb_fill(m, 0xff, 10);	/* the next message's first bytes */
}

/* ---- checks ------------------------------------------------------------ */

static void c_open_plain(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->open.version, 4);
	assert_int_equal(m->open.my_as, 65001);
	assert_int_equal(fs_bgp_open_as(&m->open), 65001);
	assert_int_equal(m->open.hold_time, 90);
	assert_int_equal(m->open.bgp_id, IP4(1, 2, 3, 4));
	assert_int_equal(m->open.caps, 0);
}

static void c_open_caps(const struct fs_bgp_msg *m)
{
	const struct fs_bgp_open *o = &m->open;
	assert_int_equal(o->my_as, FS_BGP_AS_TRANS);
	assert_int_equal(o->as4, 4200000001u);
	assert_int_equal(fs_bgp_open_as(o), 4200000001u);
	assert_int_equal(o->hold_time, 180);
	assert_int_equal(o->caps, FS_BGP_CAP_MP | FS_BGP_CAP_ROUTE_REFRESH |
					  FS_BGP_CAP_AS4 | FS_BGP_CAP_ADD_PATH |
					  FS_BGP_CAP_GRACEFUL_RESTART |
					  FS_BGP_CAP_OTHER);
	assert_int_equal(o->n_caps, 6);
	assert_int_equal(o->n_mp, 1);
	assert_int_equal(o->add_path_v4,
			 FS_BGP_ADD_PATH_SEND | FS_BGP_ADD_PATH_RECEIVE);
	assert_int_equal(o->add_path_v6, 0);
	assert_int_equal(o->gr_restart_time, 120);
}

static void c_open_extended(const struct fs_bgp_msg *m)
{
	assert_true(m->open.opt_extended);
	assert_int_equal(m->open.opt_len, m->length - 29 - 3);
	c_open_caps(m);
}

static void c_open_v3(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->open.version, 3);
	assert_int_equal(m->open.my_as, 65001);	/* kept for the tracker */
}

static void c_update(const struct fs_bgp_msg *m)
{
	const struct fs_bgp_update *u = &m->update;
	assert_int_equal(u->withdrawn_len, 6);
	assert_int_equal(u->n_withdrawn, 2);
	assert_int_equal(u->n_attrs, 3);
	assert_int_equal(u->attrs_seen, 1u << 1 | 1u << 2 | 1u << 3);
	assert_int_equal(u->n_nlri, 3);
	assert_int_equal(u->nlri_len, 5 + 1 + 4);
	assert_false(u->add_path);
	assert_false(u->end_of_rib);
}

static void c_end_of_rib(const struct fs_bgp_msg *m)
{
	assert_true(m->update.end_of_rib);
	assert_int_equal(m->update.n_nlri, 0);
}

static void c_update_mp(const struct fs_bgp_msg *m)
{
	const struct fs_bgp_update *u = &m->update;
	assert_int_equal(u->reach_afi, 2);
	assert_int_equal(u->reach_safi, 1);
	assert_true(u->reach_counted);
	assert_int_equal(u->n_reach, 2);
	assert_int_equal(u->unreach_afi, 2);
	assert_true(u->unreach_counted);
	assert_int_equal(u->n_unreach, 1);
	assert_int_equal(u->n_nlri, 0);
	assert_false(u->end_of_rib);
}

static void c_update_paths(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->update.n_nlri, 2);
	assert_true(m->update.add_path);
}

static void c_update_evpn(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->update.reach_afi, 25);
	assert_int_equal(m->update.reach_safi, 70);
	assert_false(m->update.reach_counted);
	assert_int_equal(m->update.n_reach, 0);
}

static void c_hold_expired(const struct fs_bgp_msg *m)
{
	char b[FS_BGP_NAME_BUF], c[FS_BGP_NAME_BUF];
	assert_int_equal(m->notification.code, 4);
	assert_string_equal(fs_bgp_error_name(m->notification.code, b),
			    "hold_timer_expired");
	assert_string_equal(fs_bgp_suberror_name(4, 0, c), "unspecific");
	assert_int_equal(m->notification.data_len, 0);
}

static void c_shutdown(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->notification.subcode, 2);
	assert_int_equal(m->notification.text_len, 3);
	assert_memory_equal(m->notification.text, "bye", 3);
}

static void c_hard_reset(const struct fs_bgp_msg *m)
{
	assert_true(m->notification.has_inner);
	assert_int_equal(m->notification.inner_code, 6);
	assert_int_equal(m->notification.inner_subcode, 3);
}

static void c_shutdown_overrun(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->notification.data_len, 4);
	assert_int_equal(m->notification.text_len, 0);
}

static void c_route_refresh(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->route_refresh.afi, 2);
	assert_int_equal(m->route_refresh.safi, 1);
	assert_int_equal(m->route_refresh.orf_len, m->length - 23);
}

static void c_keepalive(const struct fs_bgp_msg *m)
{
	assert_int_equal(m->type, FS_BGP_KEEPALIVE);
	assert_int_equal(m->length, 19);
}

/* ---- the table --------------------------------------------------------- */

struct bcase {
	const char *name;
	void (*build)(struct mb *m);
	enum fs_bgp_add_path paths;
	enum fs_bgp_reason want;
	uint8_t type;		/* 0: not checked */
	void (*check)(const struct fs_bgp_msg *m);
	bool prefixes;		/* every prefix must come out short */
};

static const struct bcase cases[] = {
	{ "keepalive", b_keepalive, 0, FS_BGP_R_OK, 4, c_keepalive, true },
	{ "open_plain", b_open_plain, 0, FS_BGP_R_OK, 1, c_open_plain, true },
	{ "open_capabilities", b_open_caps, 0, FS_BGP_R_OK, 1, c_open_caps,
	  true },
	{ "open_rfc9072_extended", b_open_extended, 0, FS_BGP_R_OK, 1,
	  c_open_extended, true },
	{ "update", b_update, FS_BGP_PATHS_NO, FS_BGP_R_OK, 2, c_update,
	  true },
	{ "update_guessed_plain", b_update, FS_BGP_PATHS_GUESS, FS_BGP_R_OK,
	  2, c_update, false },
	{ "end_of_rib", b_end_of_rib, 0, FS_BGP_R_OK, 2, c_end_of_rib, true },
	{ "update_mp_ipv6", b_update_mp, 0, FS_BGP_R_OK, 2, c_update_mp,
	  true },
	{ "update_add_path", b_update_paths, FS_BGP_PATHS_YES, FS_BGP_R_OK, 2,
	  c_update_paths, true },
	{ "update_add_path_guessed", b_update_paths, FS_BGP_PATHS_GUESS,
	  FS_BGP_R_OK, 2, c_update_paths, false },
	{ "update_add_path_guessed_33", b_update_paths_33,
	  FS_BGP_PATHS_GUESS, FS_BGP_R_OK, 2, c_update_paths, false },
	{ "update_add_path_unexpected", b_update_paths_33, FS_BGP_PATHS_NO,
	  FS_BGP_R_NLRI, 2, NULL, false },
	{ "update_evpn_not_counted", b_update_evpn, 0, FS_BGP_R_OK, 2,
	  c_update_evpn, true },
	{ "hold_timer_expired", b_hold_expired, 0, FS_BGP_R_OK, 3,
	  c_hold_expired, true },
	{ "cease_shutdown_text", b_shutdown, 0, FS_BGP_R_OK, 3, c_shutdown,
	  true },
	{ "cease_hard_reset", b_hard_reset, 0, FS_BGP_R_OK, 3, c_hard_reset,
	  true },
	{ "cease_text_overrun", b_shutdown_overrun, 0, FS_BGP_R_OK, 3,
	  c_shutdown_overrun, true },
	{ "route_refresh", b_route_refresh, 0, FS_BGP_R_OK, 5,
	  c_route_refresh, true },
	{ "route_refresh_orf", b_route_refresh_orf, 0, FS_BGP_R_OK, 5,
	  c_route_refresh, true },
	{ "trailing_bytes_ignored", b_trailing, 0, FS_BGP_R_OK, 4,
	  c_keepalive, false },

	{ "bad_marker", b_bad_marker, 0, FS_BGP_R_BAD_MARKER, 0, NULL, false },
	{ "length_below_header", b_length_18, 0, FS_BGP_R_BAD_LENGTH, 0, NULL,
	  false },
	{ "length_past_buffer", b_length_past, 0, FS_BGP_R_SHORT, 4, NULL,
	  false },
	{ "type_9", b_type_9, 0, FS_BGP_R_BAD_TYPE, 9, NULL, false },
	{ "keepalive_20", b_keepalive_20, 0, FS_BGP_R_BAD_LENGTH, 4, NULL,
	  false },
	{ "open_version_3", b_open_v3, 0, FS_BGP_R_BAD_VERSION, 1, c_open_v3,
	  false },
	{ "open_28_bytes", b_open_short, 0, FS_BGP_R_BAD_LENGTH, 1, NULL,
	  false },
	{ "open_params_past", b_open_params_past, 0, FS_BGP_R_OPEN_PARAMS, 1,
	  NULL, false },
	{ "open_as4_length_2", b_open_as4_len2, 0, FS_BGP_R_CAPABILITY, 1,
	  NULL, false },
	{ "open_over_4096", b_open_huge, 0, FS_BGP_R_BAD_LENGTH, 1, NULL,
	  false },
	{ "withdrawn_past", b_withdrawn_past, 0, FS_BGP_R_WITHDRAWN, 2, NULL,
	  false },
	{ "attrs_past", b_attrs_past, 0, FS_BGP_R_ATTRS, 2, NULL, false },
	{ "attr_past_section", b_attr_past_section, 0, FS_BGP_R_ATTRS, 2,
	  NULL, false },
	{ "nlri_ragged", b_nlri_ragged, 0, FS_BGP_R_NLRI, 2, NULL, false },
	{ "nlri_slash_33", b_nlri_33, FS_BGP_PATHS_NO, FS_BGP_R_NLRI, 2, NULL,
	  false },
	{ "mp_nexthop_past", b_mp_nexthop_past, 0, FS_BGP_R_MP_ATTR, 2, NULL,
	  false },
	{ "notification_20", b_notification_20, 0, FS_BGP_R_BAD_LENGTH, 3,
	  NULL, false },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		const struct bcase *k = &cases[i];
		struct mb m = { .n = 0 };
		k->build(&m);
		uint8_t *buf = mb_copy(&m, m.n);
		struct fs_bgp_msg msg;
		memset(&msg, 0xa5, sizeof(msg));	/* parse must reset it */
		enum fs_bgp_reason r = fs_bgp_parse(buf, m.n, k->paths, &msg);
		if (r != k->want || msg.reason != r) {
			print_error("%s: %s, want %s\n", k->name,
				    fs_bgp_reason_name(r),
				    fs_bgp_reason_name(k->want));
			fail();
		}
		if (k->type)
			assert_int_equal(msg.type, k->type);
		if (k->check)
			k->check(&msg);
		free(buf);
	}
}

/* A message cut anywhere is short, never parsed from bytes it lacks. */
static void short_prefix(const uint8_t *buf, size_t len, const void *arg)
{
	const struct bcase *k = arg;
	struct fs_bgp_msg msg;
	if (fs_bgp_parse(buf, len, k->paths, &msg) != FS_BGP_R_SHORT) {
		print_error("%s: %zu bytes: %s\n", k->name, len,
			    fs_bgp_reason_name(msg.reason));
		fail();
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		if (cases[i].prefixes)
			mb_each_prefix(cases[i].build, 0, short_prefix,
				       &cases[i]);
}

/* Three messages in one stream, then a partial one, then garbage. */
static void test_framing(void **state)
{
	(void)state;
	struct mb s = { .n = 0 }, one;
	b_open_caps(&one);
	mb_bytes(&s, one.b, one.n);
	b_keepalive(&one);
	mb_bytes(&s, one.b, one.n);
	b_update(&one);
	mb_bytes(&s, one.b, one.n);
	size_t whole = s.n;
	mb_bytes(&s, one.b, 10);	/* the next message, cut */

	size_t at = 0;
	uint8_t want[] = { FS_BGP_OPEN, FS_BGP_KEEPALIVE, FS_BGP_UPDATE };
	for (unsigned i = 0; i < 3; i++) {
		uint16_t len = 0;
		assert_int_equal(fs_bgp_frame(s.b + at, s.n - at, &len),
				 FS_BGP_FRAME_OK);
		struct fs_bgp_msg msg;
		assert_int_equal(fs_bgp_parse(s.b + at, s.n - at,
					      FS_BGP_PATHS_NO, &msg),
				 FS_BGP_R_OK);
		assert_int_equal(msg.type, want[i]);
		assert_int_equal(msg.length, len);
		at += len;
	}
	assert_int_equal(at, whole);
	uint16_t len = 0;
	assert_int_equal(fs_bgp_frame(s.b + at, s.n - at, &len),
			 FS_BGP_FRAME_NEED_MORE);
	assert_int_equal(fs_bgp_frame(s.b + at, 0, &len),
			 FS_BGP_FRAME_NEED_MORE);
	s.b[at + 3] = 0;
	assert_int_equal(fs_bgp_frame(s.b + at, 4, &len),
			 FS_BGP_FRAME_BAD_MARKER);
	b_length_18(&one);
	assert_int_equal(fs_bgp_frame(one.b, one.n, &len),
			 FS_BGP_FRAME_BAD_LENGTH);
	/* The length may promise more than is there: the stream decides. */
	b_length_past(&one);
	assert_int_equal(fs_bgp_frame(one.b, one.n, &len), FS_BGP_FRAME_OK);
	assert_int_equal(len, 40);
	struct fs_bgp_msg msg;
	assert_int_equal(fs_bgp_parse(NULL, 0, FS_BGP_PATHS_NO, &msg),
			 FS_BGP_R_SHORT);
}

static void test_names(void **state)
{
	(void)state;
	char b[FS_BGP_NAME_BUF];
	assert_string_equal(fs_bgp_type_name(FS_BGP_OPEN, b), "open");
	assert_string_equal(fs_bgp_type_name(5, b), "route_refresh");
	assert_string_equal(fs_bgp_type_name(0, b), "0");
	assert_string_equal(fs_bgp_type_name(200, b), "200");
	assert_string_equal(fs_bgp_error_name(6, b), "cease");
	assert_string_equal(fs_bgp_error_name(8, b), "send_hold_timer_expired");
	assert_string_equal(fs_bgp_error_name(9, b), "9");
	assert_string_equal(fs_bgp_suberror_name(2, 2, b), "bad_peer_as");
	assert_string_equal(fs_bgp_suberror_name(2, 11, b), "role_mismatch");
	assert_string_equal(fs_bgp_suberror_name(2, 8, b), "8");
	assert_string_equal(fs_bgp_suberror_name(6, 4, b),
			    "administrative_reset");
	assert_string_equal(fs_bgp_suberror_name(6, 10, b), "bfd_down");
	assert_string_equal(fs_bgp_suberror_name(6, 11, b), "11");
	assert_string_equal(fs_bgp_suberror_name(5, 3, b),
			    "unexpected_message_in_established");
	assert_string_equal(fs_bgp_suberror_name(3, 11, b),
			    "malformed_as_path");
	assert_string_equal(fs_bgp_suberror_name(7, 1, b),
			    "invalid_message_length");
	assert_string_equal(fs_bgp_suberror_name(4, 1, b), "1");
	assert_string_equal(fs_bgp_suberror_name(99, 0, b), "unspecific");
	assert_string_equal(fs_bgp_reason_name(FS_BGP_R_COUNT), "unknown");
	for (int i = 0; i < FS_BGP_R_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				fs_bgp_reason_name((enum fs_bgp_reason)i),
				fs_bgp_reason_name((enum fs_bgp_reason)j));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
