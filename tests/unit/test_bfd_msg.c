/*
 * BFD control packets: a table of hand-built packets (states, flags, each
 * authentication type, and every reception check of RFC 5880 6.8.6 that
 * needs no session), every prefix of the good ones, and the names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "floodspot/bfd_msg.h"
#include "msg_build.h"

struct ctl {
	unsigned version, diag, state, flags, mult;
	uint32_t my, your;
	int length;		/* -1: the bytes written */
};

static const struct ctl UP = { 1, 0, FS_BFD_UP, 0, 3, 0x11, 0x22, -1 };

static void control(struct mb *m, struct ctl c)
{
	m->n = 0;
	mb_u8(m, c.version << 5 | c.diag);
	mb_u8(m, c.state << 6 | c.flags);
	mb_u8(m, c.mult);
	mb_u8(m, 0);		/* length, see finish() */
	mb_be32(m, c.my);
	mb_be32(m, c.your);
	mb_be32(m, 300000);
	mb_be32(m, 250000);
	mb_be32(m, 50000);
}

static void finish(struct mb *m, int length)
{
	m->b[3] = (uint8_t)(length < 0 ? (int)m->n : length);
}

static void plain(struct mb *m, struct ctl c)
{
	control(m, c);
	finish(m, c.length);
}

/* Authentication section: type, length, key id, then the rest. */
static void with_auth(struct mb *m, unsigned type, unsigned len)
{
	struct ctl c = UP;
	c.flags = FS_BFD_FLAG_A;
	control(m, c);
	mb_u8(m, type);
	mb_u8(m, len);
	mb_u8(m, 9);		/* key id */
	if (type >= 2 && type <= 5 && len >= 8) {
		mb_u8(m, 0);
		mb_be32(m, 0x01020304);
		mb_fill(m, 0xee, len - 8);
	} else if (len > 3) {
		mb_fill(m, 's', len - 3);
	}
	finish(m, -1);
}

static void b_up(struct mb *m) { plain(m, UP); }

static void b_down_your_0(struct mb *m)
{
	struct ctl c = UP;
	c.state = FS_BFD_DOWN;
	c.your = 0;
	c.flags = FS_BFD_FLAG_P;
	plain(m, c);
}

static void b_admin_down(struct mb *m)
{
	struct ctl c = UP;
	c.state = FS_BFD_ADMIN_DOWN;
	c.diag = FS_BFD_DIAG_ADMIN_DOWN;
	c.your = 0;
	plain(m, c);
}

static void b_simple(struct mb *m) { with_auth(m, 1, 3 + 6); }
static void b_md5(struct mb *m) { with_auth(m, 2, 24); }
static void b_meticulous_sha1(struct mb *m) { with_auth(m, 5, 28); }
static void b_reserved_auth(struct mb *m) { with_auth(m, 7, 6); }
static void b_md5_len_28(struct mb *m) { with_auth(m, 2, 28); }
static void b_simple_len_20(struct mb *m) { with_auth(m, 1, 20); }
static void b_auth_len_1(struct mb *m)
{
	with_auth(m, 1, 1);
	m->n = 26;
	finish(m, -1);
}

static void b_auth_past_length(struct mb *m)
{
	with_auth(m, 2, 24);
	finish(m, 40);
}

static void b_trailing(struct mb *m)
{
	plain(m, UP);
	mb_fill(m, 0, 6);	/* UDP payload beyond the BFD length */
}

static void b_23(struct mb *m)
{
	plain(m, UP);
	m->n = 23;
}

static void with(struct mb *m, struct ctl c) { plain(m, c); }

static void b_version_2(struct mb *m)
{
	struct ctl c = UP;
	c.version = 2;
	with(m, c);
}

static void b_length_23(struct mb *m)
{
	struct ctl c = UP;
	c.length = 23;
	with(m, c);
}

static void b_auth_length_25(struct mb *m)
{
	struct ctl c = UP;
	c.flags = FS_BFD_FLAG_A;
	c.length = 25;
	with(m, c);
	mb_u8(m, 1);
}

static void b_length_past(struct mb *m)
{
	struct ctl c = UP;
	c.length = 48;
	with(m, c);
}

static void b_mult_0(struct mb *m)
{
	struct ctl c = UP;
	c.mult = 0;
	with(m, c);
}

static void b_multipoint(struct mb *m)
{
	struct ctl c = UP;
	c.flags = FS_BFD_FLAG_M;
	with(m, c);
}

static void b_my_0(struct mb *m)
{
	struct ctl c = UP;
	c.my = 0;
	with(m, c);
}

static void b_up_your_0(struct mb *m)
{
	struct ctl c = UP;
	c.your = 0;
	with(m, c);
}

struct bcase {
	const char *name;
	void (*build)(struct mb *m);
	bool snap_cut;
	enum fs_bfd_reason want;
	int state, diag, flags;		/* -1: not checked */
	int auth_type, auth_len, key_id;
	uint32_t seq;
	bool prefixes;
};

#define NA -1, -1, -1

static const struct bcase cases[] = {
	{ "up", b_up, false, FS_BFD_R_OK, FS_BFD_UP, 0, 0, 0, 0, 0, 0, true },
	{ "down_poll_your_0", b_down_your_0, false, FS_BFD_R_OK, FS_BFD_DOWN,
	  0, FS_BFD_FLAG_P, 0, 0, 0, 0, true },
	{ "admin_down", b_admin_down, false, FS_BFD_R_OK, FS_BFD_ADMIN_DOWN,
	  FS_BFD_DIAG_ADMIN_DOWN, 0, 0, 0, 0, 0, true },
	{ "simple_password", b_simple, false, FS_BFD_R_OK, FS_BFD_UP, 0,
	  FS_BFD_FLAG_A, 1, 9, 9, 0, true },
	{ "keyed_md5", b_md5, false, FS_BFD_R_OK, FS_BFD_UP, 0, FS_BFD_FLAG_A,
	  2, 24, 9, 0x01020304, true },
	{ "meticulous_sha1", b_meticulous_sha1, false, FS_BFD_R_OK, FS_BFD_UP,
	  0, FS_BFD_FLAG_A, 5, 28, 9, 0x01020304, true },
	{ "reserved_auth_type", b_reserved_auth, false, FS_BFD_R_OK, FS_BFD_UP,
	  0, FS_BFD_FLAG_A, 7, 6, 0, 0, true },
	{ "payload_beyond_length", b_trailing, false, FS_BFD_R_OK, FS_BFD_UP,
	  0, 0, 0, 0, 0, 0, false },

	{ "23_bytes", b_23, false, FS_BFD_R_SHORT, NA, NA, 0, false },
	{ "23_bytes_cut", b_23, true, FS_BFD_R_TRUNCATED, NA, NA, 0, false },
	{ "version_2", b_version_2, false, FS_BFD_R_BAD_VERSION, NA, NA, 0,
	  false },
	{ "length_23", b_length_23, false, FS_BFD_R_BAD_LENGTH, NA, NA, 0,
	  false },
	{ "auth_length_25", b_auth_length_25, false, FS_BFD_R_BAD_LENGTH, NA,
	  NA, 0, false },
	{ "length_past_payload", b_length_past, false, FS_BFD_R_BAD_LENGTH,
	  NA, NA, 0, false },
	{ "length_past_cut", b_length_past, true, FS_BFD_R_TRUNCATED, NA, NA,
	  0, false },
	{ "detect_mult_0", b_mult_0, false, FS_BFD_R_ZERO_MULT, NA, NA, 0,
	  false },
	{ "multipoint", b_multipoint, false, FS_BFD_R_MULTIPOINT, NA, NA, 0,
	  false },
	{ "my_disc_0", b_my_0, false, FS_BFD_R_ZERO_MY_DISC, NA, NA, 0, false },
	{ "up_your_disc_0", b_up_your_0, false, FS_BFD_R_ZERO_YOUR_DISC, NA,
	  NA, 0, false },
	{ "auth_past_length", b_auth_past_length, false, FS_BFD_R_BAD_AUTH,
	  NA, NA, 0, false },
	{ "md5_length_28", b_md5_len_28, false, FS_BFD_R_BAD_AUTH, NA, NA, 0,
	  false },
	{ "simple_length_20", b_simple_len_20, false, FS_BFD_R_BAD_AUTH, NA,
	  NA, 0, false },
	{ "auth_length_1", b_auth_len_1, false, FS_BFD_R_BAD_AUTH, NA, NA, 0,
	  false },
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
		struct fs_bfd_msg b;
		memset(&b, 0xa5, sizeof(b));
		enum fs_bfd_reason r = fs_bfd_parse(buf, m.n, k->snap_cut, &b);
		if (r != k->want || b.reason != r) {
			print_error("%s: %s, want %s\n", k->name,
				    fs_bfd_reason_name(r),
				    fs_bfd_reason_name(k->want));
			fail();
		}
		if (k->state >= 0) {
			assert_int_equal(b.state, k->state);
			assert_int_equal(b.diag, k->diag);
			assert_int_equal(b.flags, k->flags);
			assert_int_equal(b.version, 1);
			assert_int_equal(b.detect_mult, 3);
			assert_int_equal(b.my_disc, 0x11);
			assert_int_equal(b.desired_min_tx_us, 300000);
			assert_int_equal(b.required_min_rx_us, 250000);
			assert_int_equal(b.required_min_echo_rx_us, 50000);
		}
		if (k->auth_type >= 0) {
			assert_int_equal(b.auth_type, k->auth_type);
			assert_int_equal(b.auth_len, k->auth_len);
			assert_int_equal(b.auth_key_id, k->key_id);
			assert_int_equal(b.auth_seq, k->seq);
		}
		free(buf);
	}
}

/* Cut by the sender a packet is refused; cut by the snaplen, truncated. */
static void cut_prefix(const uint8_t *buf, size_t len, const void *arg)
{
	const struct bcase *k = arg;
	struct fs_bfd_msg b;
	assert_int_equal(fs_bfd_parse(buf, len, true, &b), FS_BFD_R_TRUNCATED);
	enum fs_bfd_reason r = fs_bfd_parse(buf, len, false, &b);
	if (r != (len < 24 ? FS_BFD_R_SHORT : FS_BFD_R_BAD_LENGTH)) {
		print_error("%s: %zu bytes: %s\n", k->name, len,
			    fs_bfd_reason_name(r));
		fail();
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		if (cases[i].prefixes)
			mb_each_prefix(cases[i].build, 0, cut_prefix,
				       &cases[i]);
}

static void test_names(void **state)
{
	(void)state;
	char b[FS_BFD_NAME_BUF];
	assert_string_equal(fs_bfd_state_name(FS_BFD_ADMIN_DOWN), "admin_down");
	assert_string_equal(fs_bfd_state_name(FS_BFD_UP), "up");
	assert_string_equal(fs_bfd_state_name((enum fs_bfd_state)4),
			    "unknown");
	assert_string_equal(fs_bfd_diag_name(1, b),
			    "control_detection_time_expired");
	assert_string_equal(fs_bfd_diag_name(3, b),
			    "neighbor_signaled_session_down");
	assert_string_equal(fs_bfd_diag_name(9, b), "mis_connectivity_defect");
	assert_string_equal(fs_bfd_diag_name(31, b), "31");
	assert_string_equal(fs_bfd_reason_name(FS_BFD_R_COUNT), "unknown");
	for (int i = 0; i < FS_BFD_R_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				fs_bfd_reason_name((enum fs_bfd_reason)i),
				fs_bfd_reason_name((enum fs_bfd_reason)j));
	struct fs_bfd_msg m;
	assert_int_equal(fs_bfd_parse(NULL, 0, false, &m), FS_BFD_R_SHORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
