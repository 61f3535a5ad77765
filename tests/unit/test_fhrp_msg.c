/*
 * VRRP v2/v3, CARP and HSRP v1/v2: a table of hand-built adverts (each
 * version and transport, checksums right, wrong and pseudo-header-less,
 * and every malformation with its reason), every prefix of the good ones,
 * the dispatch from a decoded packet, and the names.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "floodspot/fhrp_msg.h"
#include "msg_build.h"

static uint8_t SRC4[16] = { 10, 0, 0, 2 }, DST4[16] = { 224, 0, 0, 18 };
static uint8_t SRC6[16], DST6[16];

/* ---- checksums, computed independently of the parser ------------------ */

static uint32_t add_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

enum pseudo { NO_PSEUDO, PSEUDO4, PSEUDO6 };

static void set_checksum(struct mb *m, size_t at, enum pseudo ph)
{
	mb_put16(m, at, 0);
	uint32_t sum = add_bytes(0, m->b, m->n);
	if (ph == PSEUDO4) {
		sum = add_bytes(sum, SRC4, 4);
		sum = add_bytes(sum, DST4, 4);
		sum += 112 + (uint32_t)m->n;
	} else if (ph == PSEUDO6) {
		sum = add_bytes(sum, SRC6, 16);
		sum = add_bytes(sum, DST6, 16);
		sum += 112 + (uint32_t)m->n;
	}
	mb_put16(m, at, fold(sum));
}

/* ---- builders ---------------------------------------------------------- */

static void vrrp(struct mb *m, unsigned version, unsigned type,
		 unsigned count, unsigned alen, enum pseudo ph)
{
	m->n = 0;
	mb_u8(m, version << 4 | type);
	mb_u8(m, 42);		/* VRID */
	mb_u8(m, 200);		/* priority */
	mb_u8(m, count);
	if (version == 2) {
		mb_u8(m, 1);	/* auth type: simple text */
		mb_u8(m, 3);	/* seconds */
	} else {
		mb_be16(m, 100);	/* centiseconds */
	}
	mb_be16(m, 0);
	for (unsigned i = 0; i < count; i++) {
		mb_u8(m, 10);
		mb_fill(m, 0, alen - 2);
		mb_u8(m, i + 1);
	}
	if (version == 2)
		mb_bytes(m, "secret\0\0", 8);
	set_checksum(m, 6, ph);
}

static void b_vrrp2(struct mb *m) { vrrp(m, 2, 1, 3, 4, NO_PSEUDO); }
static void b_vrrp3_v4(struct mb *m) { vrrp(m, 3, 1, 2, 4, PSEUDO4); }
static void b_vrrp3_v4_nopseudo(struct mb *m)
{
	vrrp(m, 3, 1, 2, 4, NO_PSEUDO);
}
static void b_vrrp3_v6(struct mb *m) { vrrp(m, 3, 1, 2, 16, PSEUDO6); }
static void b_vrrp3_bad_sum(struct mb *m)
{
	vrrp(m, 3, 1, 2, 4, PSEUDO4);
	m->b[7] ^= 1;
}
static void b_vrrp4(struct mb *m) { vrrp(m, 4, 1, 1, 4, NO_PSEUDO); }
static void b_vrrp_type2(struct mb *m) { vrrp(m, 3, 2, 1, 4, PSEUDO4); }
static void b_vrrp_count_past(struct mb *m)
{
	vrrp(m, 3, 1, 2, 4, PSEUDO4);
	m->b[3] = 5;
}
static void b_vrrp_7(struct mb *m)
{
	vrrp(m, 3, 1, 0, 4, PSEUDO4);
	m->n = 7;
}

static void carp(struct mb *m, unsigned type)
{
	m->n = 0;
	mb_u8(m, 2 << 4 | type);
	mb_u8(m, 5);		/* vhid */
	mb_u8(m, 128);		/* advskew */
	mb_u8(m, 7);		/* authlen */
	mb_u8(m, 1);		/* demote */
	mb_u8(m, 2);		/* advbase */
	mb_be16(m, 0);
	mb_be32(m, 0x01020304);
	mb_be32(m, 0x05060708);
	mb_fill(m, 0xaa, 20);
	set_checksum(m, 6, NO_PSEUDO);
}

static void b_carp(struct mb *m) { carp(m, 1); }
static void b_carp_type2(struct mb *m) { carp(m, 2); }
static void b_carp_30(struct mb *m)
{
	carp(m, 1);
	m->n = 30;
}

static void hsrp1(struct mb *m, unsigned opcode, unsigned state)
{
	m->n = 0;
	mb_u8(m, 0);
	mb_u8(m, opcode);
	mb_u8(m, state);
	mb_u8(m, 3);
	mb_u8(m, 10);
	mb_u8(m, 110);
	mb_u8(m, 7);
	mb_u8(m, 0);
	mb_bytes(m, "cisco\0\0\0", 8);
	mb_be32(m, 0xc0a80001);
}

static void b_hsrp1_hello(struct mb *m) { hsrp1(m, 0, 16); }
static void b_hsrp1_coup(struct mb *m) { hsrp1(m, 1, 4); }
static void b_hsrp1_advertise(struct mb *m)
{
	m->n = 0;
	mb_u8(m, 0);
	mb_u8(m, 3);
	mb_be16(m, 1);
	mb_be16(m, 14);
	mb_u8(m, 2);
	mb_u8(m, 0);
	mb_be16(m, 1);
	mb_be16(m, 3);
	mb_be32(m, 0);
}
static void b_hsrp1_19(struct mb *m)
{
	hsrp1(m, 0, 16);
	m->n = 19;
}

static void group_tlv(struct mb *m, unsigned len, unsigned version,
		      unsigned ipv)
{
	mb_u8(m, 1);
	mb_u8(m, len);
	mb_u8(m, version);
	mb_u8(m, 0);		/* hello */
	mb_u8(m, 5);		/* standby */
	mb_u8(m, ipv);
	mb_be16(m, 4094);
	mb_bytes(m, "\x00\x00\x0c\x9f\xff\xfe", 6);
	mb_be32(m, 150);
	mb_be32(m, 100);
	mb_be32(m, 300);
	if (ipv == 6) {
		mb_be32(m, 0xfe800000);
		mb_fill(m, 0, 11);
		mb_u8(m, 1);
	} else {
		mb_be32(m, 0xc0a80001);
		mb_fill(m, 0x77, 12);	/* not part of an IPv4 address */
	}
	mb_fill(m, 0, len > 40 ? len - 40 : 0);
}

static void b_hsrp2_md5(struct mb *m)
{
	m->n = 0;
	group_tlv(m, 40, 2, 4);
	mb_u8(m, 4);
	mb_u8(m, 28);
	mb_fill(m, 0x33, 28);
}
static void b_hsrp2_v6(struct mb *m)
{
	m->n = 0;
	group_tlv(m, 40, 2, 6);
	mb_u8(m, 99);		/* unknown TLV: skipped */
	mb_u8(m, 2);
	mb_be16(m, 0);
}
static void b_hsrp2_iface(struct mb *m)
{
	m->n = 0;
	mb_u8(m, 2);
	mb_u8(m, 4);
	mb_be16(m, 1);
	mb_be16(m, 0);
}
static void b_hsrp2_group_44(struct mb *m)
{
	m->n = 0;
	group_tlv(m, 44, 2, 4);
}
static void b_hsrp2_group_v3(struct mb *m)
{
	m->n = 0;
	group_tlv(m, 40, 3, 4);
}
static void b_hsrp2_past(struct mb *m)
{
	b_hsrp2_md5(m);
	m->n -= 4;
}
static void b_hsrp2_auth_only(struct mb *m)
{
	m->n = 0;
	mb_u8(m, 3);
	mb_u8(m, 8);
	mb_bytes(m, "cisco\0\0\0", 8);
}

/* ---- the table --------------------------------------------------------- */

enum parser { VRRP4, VRRP6, CARP, HSRP };

struct fcase {
	const char *name;
	void (*build)(struct mb *m);
	enum parser parser;
	bool snap_cut;
	enum fs_fhrp_reason want;
	int proto;		/* -1: fields not checked */
	unsigned opcode, group, priority, interval_ms, hold_ms, state;
	unsigned n_addrs;
	const char *addr0;
	enum fs_fhrp_checksum csum;
	bool prefixes;
};

static const struct fcase cases[] = {
	{ "vrrp2", b_vrrp2, VRRP4, false, FS_FHRP_R_OK, FS_FHRP_VRRP2, 1, 42,
	  200, 3000, 0, 0, 3, "10.0.0.1", FS_FHRP_CSUM_OK, true },
	{ "vrrp3_ipv4", b_vrrp3_v4, VRRP4, false, FS_FHRP_R_OK, FS_FHRP_VRRP3,
	  1, 42, 200, 1000, 0, 0, 2, "10.0.0.1", FS_FHRP_CSUM_OK, true },
	{ "vrrp3_ipv4_no_pseudo_header", b_vrrp3_v4_nopseudo, VRRP4, false,
	  FS_FHRP_R_OK, FS_FHRP_VRRP3, 1, 42, 200, 1000, 0, 0, 2, "10.0.0.1",
	  FS_FHRP_CSUM_OK_NO_PSEUDO, false },
	{ "vrrp3_ipv6", b_vrrp3_v6, VRRP6, false, FS_FHRP_R_OK, FS_FHRP_VRRP3,
	  1, 42, 200, 1000, 0, 0, 2, "a00::1", FS_FHRP_CSUM_OK, true },
	{ "vrrp3_bad_checksum_kept", b_vrrp3_bad_sum, VRRP4, false,
	  FS_FHRP_R_OK, FS_FHRP_VRRP3, 1, 42, 200, 1000, 0, 0, 2, "10.0.0.1",
	  FS_FHRP_CSUM_BAD, false },
	{ "carp", b_carp, CARP, false, FS_FHRP_R_OK, FS_FHRP_CARP, 1, 5, 0,
	  2500, 0, 0, 0, NULL, FS_FHRP_CSUM_OK, true },
	{ "hsrp1_hello", b_hsrp1_hello, HSRP, false, FS_FHRP_R_OK,
	  FS_FHRP_HSRP1, 0, 7, 110, 3000, 10000, FS_HSRP_ACTIVE, 1,
	  "192.168.0.1", FS_FHRP_CSUM_NONE, true },
	{ "hsrp1_coup", b_hsrp1_coup, HSRP, false, FS_FHRP_R_OK, FS_FHRP_HSRP1,
	  1, 7, 110, 3000, 10000, FS_HSRP_SPEAK, 1, "192.168.0.1",
	  FS_FHRP_CSUM_NONE, true },
	{ "hsrp1_advertise", b_hsrp1_advertise, HSRP, false, FS_FHRP_R_OK,
	  FS_FHRP_HSRP1, 3, 0, 0, 0, 0, FS_HSRP_LISTEN, 0, NULL,
	  FS_FHRP_CSUM_NONE, true },
	{ "hsrp2_group_md5", b_hsrp2_md5, HSRP, false, FS_FHRP_R_OK,
	  FS_FHRP_HSRP2, 0, 4094, 150, 100, 300, FS_HSRP_STANDBY, 1,
	  "192.168.0.1", FS_FHRP_CSUM_NONE, true },
	{ "hsrp2_ipv6_unknown_tlv", b_hsrp2_v6, HSRP, false, FS_FHRP_R_OK,
	  FS_FHRP_HSRP2, 0, 4094, 150, 100, 300, FS_HSRP_STANDBY, 1, "fe80::1",
	  FS_FHRP_CSUM_NONE, true },
	{ "hsrp2_interface_state", b_hsrp2_iface, HSRP, false, FS_FHRP_R_OK,
	  FS_FHRP_HSRP2, 3, 0, 0, 0, 0, 0, 0, NULL, FS_FHRP_CSUM_NONE, true },

	{ "vrrp_7_bytes", b_vrrp_7, VRRP4, false, FS_FHRP_R_SHORT, .proto = -1 },
	{ "vrrp_7_bytes_cut", b_vrrp_7, VRRP4, true, FS_FHRP_R_TRUNCATED, .proto = -1 },
	{ "vrrp_version_4", b_vrrp4, VRRP4, false, FS_FHRP_R_BAD_VERSION, .proto = -1 },
	{ "vrrp2_over_ipv6", b_vrrp2, VRRP6, false, FS_FHRP_R_BAD_VERSION, .proto = -1 },
	{ "vrrp_type_2", b_vrrp_type2, VRRP4, false, FS_FHRP_R_BAD_TYPE, .proto = -1 },
	{ "vrrp_count_past", b_vrrp_count_past, VRRP4, false,
	  FS_FHRP_R_BAD_LENGTH, .proto = -1 },
	{ "vrrp_count_past_cut", b_vrrp_count_past, VRRP4, true,
	  FS_FHRP_R_TRUNCATED, .proto = -1 },
	{ "carp_type_2", b_carp_type2, CARP, false, FS_FHRP_R_BAD_TYPE, .proto = -1 },
	{ "carp_30_bytes", b_carp_30, CARP, false, FS_FHRP_R_BAD_LENGTH, .proto = -1 },
	{ "hsrp1_19_bytes", b_hsrp1_19, HSRP, false, FS_FHRP_R_SHORT, .proto = -1 },
	{ "hsrp2_group_tlv_44", b_hsrp2_group_44, HSRP, false,
	  FS_FHRP_R_BAD_TLV, .proto = -1 },
	{ "hsrp2_group_version_3", b_hsrp2_group_v3, HSRP, false,
	  FS_FHRP_R_BAD_VERSION, .proto = -1 },
	{ "hsrp2_tlv_past_end", b_hsrp2_past, HSRP, false, FS_FHRP_R_BAD_TLV, .proto = -1 },
	{ "hsrp2_tlv_past_end_cut", b_hsrp2_past, HSRP, true,
	  FS_FHRP_R_TRUNCATED, .proto = -1 },
	{ "hsrp2_auth_only", b_hsrp2_auth_only, HSRP, false,
	  FS_FHRP_R_BAD_TLV, .proto = -1 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static enum fs_fhrp_reason run(const struct fcase *k, const uint8_t *buf,
			       size_t len, bool cut, struct fs_fhrp_msg *m)
{
	switch (k->parser) {
	case VRRP4:
		return fs_vrrp_parse(buf, len, 4, SRC4, DST4, cut, m);
	case VRRP6:
		return fs_vrrp_parse(buf, len, 6, SRC6, DST6, cut, m);
	case CARP:
		return fs_carp_parse(buf, len, cut, m);
	default:
		return fs_hsrp_parse(buf, len, cut, m);
	}
}

static void expect_addr(const char *text, const uint8_t got[16])
{
	uint8_t want[16] = { 0 };
	assert_int_equal(inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET,
				   text, want),
			 1);
	assert_memory_equal(want, got, 16);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		const struct fcase *k = &cases[i];
		struct mb m = { .n = 0 };
		k->build(&m);
		uint8_t *buf = mb_copy(&m, m.n);
		struct fs_fhrp_msg f;
		memset(&f, 0xa5, sizeof(f));
		enum fs_fhrp_reason r = run(k, buf, m.n, k->snap_cut, &f);
		if (r != k->want || f.reason != r) {
			print_error("%s: %s, want %s\n", k->name,
				    fs_fhrp_reason_name(r),
				    fs_fhrp_reason_name(k->want));
			fail();
		}
		free(buf);
		if (k->proto < 0)
			continue;
		assert_int_equal(f.proto, k->proto);
		assert_int_equal(f.opcode, k->opcode);
		assert_int_equal(f.group, k->group);
		assert_int_equal(f.priority, k->priority);
		assert_int_equal(f.interval_ms, k->interval_ms);
		assert_int_equal(f.hold_ms, k->hold_ms);
		assert_int_equal(f.hsrp_state, k->state);
		assert_int_equal(f.n_addrs, k->n_addrs);
		assert_int_equal(f.checksum, k->csum);
		if (k->addr0)
			expect_addr(k->addr0, f.addrs[0]);
	}
	/* the fields only some protocols have */
	struct mb m = { .n = 0 };
	struct fs_fhrp_msg f;
	b_vrrp2(&m);
	fs_vrrp_parse(m.b, m.n, 4, SRC4, DST4, false, &f);
	assert_int_equal(f.auth_type, 1);
	expect_addr("10.0.0.3", f.addrs[2]);
	b_carp(&m);
	fs_carp_parse(m.b, m.n, false, &f);
	assert_int_equal(f.carp_advskew, 128);
	assert_int_equal(f.carp_demote, 1);
	assert_int_equal(f.carp_counter, 0x0102030405060708ULL);
	b_hsrp2_md5(&m);
	fs_hsrp_parse(m.b, m.n, false, &f);
	assert_true(f.has_mac);
	assert_memory_equal(f.mac, "\x00\x00\x0c\x9f\xff\xfe", 6);
	assert_int_equal(f.auth_type, 4);
	assert_int_equal(f.ip_version, 4);
	b_hsrp1_advertise(&m);
	fs_hsrp_parse(m.b, m.n, false, &f);
	assert_int_equal(f.hsrp_active_groups, 1);
	assert_int_equal(f.hsrp_passive_groups, 3);
}

/* Cut anywhere, a good advert is short or truncated, never accepted;
 * HSRPv2 ends whole after any TLV (the group's: 42 bytes). */
static void cut_prefix(const uint8_t *buf, size_t len, const void *arg)
{
	const struct fcase *k = arg;
	struct fs_fhrp_msg f;
	if (k->proto == FS_FHRP_HSRP2 && len == 42)
		return;
	enum fs_fhrp_reason r = run(k, buf, len, true, &f);
	if (r != FS_FHRP_R_TRUNCATED) {
		print_error("%s: %zu bytes cut: %s\n", k->name, len,
			    fs_fhrp_reason_name(r));
		fail();
	}
	r = run(k, buf, len, false, &f);
	if (r == FS_FHRP_R_OK || r == FS_FHRP_R_TRUNCATED) {
		print_error("%s: %zu bytes: %s\n", k->name, len,
			    fs_fhrp_reason_name(r));
		fail();
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)	/* VRRPv2: auth data aside */
		if (cases[i].prefixes)
			mb_each_prefix(cases[i].build,
				       cases[i].proto == FS_FHRP_VRRP2 ? 8 : 0,
				       cut_prefix, &cases[i]);
}

/* From a decoded packet: fs_pkt.route picks the parser. */
static void test_parse_pkt(void **state)
{
	(void)state;
	struct mb m = { .n = 0 };
	struct fs_fhrp_msg f;
	b_vrrp3_v4(&m);
	struct fs_pkt p = { .caplen = (uint32_t)m.n, .wirelen = (uint32_t)m.n,
			    .ip_version = 4, .route = FS_ROUTE_VRRP,
			    .l4_len = (uint32_t)m.n };
	memcpy(p.src_ip, SRC4, 16);
	memcpy(p.dst_ip, DST4, 16);
	assert_int_equal(fs_fhrp_parse_pkt(&p, m.b, &f), FS_FHRP_R_OK);
	assert_int_equal(f.checksum, FS_FHRP_CSUM_OK);
	b_carp(&m);
	p.route = FS_ROUTE_CARP;
	p.caplen = p.wirelen = p.l4_len = (uint32_t)m.n;
	assert_int_equal(fs_fhrp_parse_pkt(&p, m.b, &f), FS_FHRP_R_OK);
	assert_int_equal(f.proto, FS_FHRP_CARP);
	assert_int_equal(f.ip_version, 4);
	b_hsrp1_hello(&m);
	p.route = FS_ROUTE_HSRP;
	p.caplen = p.wirelen = p.l4_len = (uint32_t)m.n;
	assert_int_equal(fs_fhrp_parse_pkt(&p, m.b, &f), FS_FHRP_R_OK);
	assert_int_equal(f.proto, FS_FHRP_HSRP1);
	p.l4_len = p.caplen + 1;	/* past the capture */
	assert_int_equal(fs_fhrp_parse_pkt(&p, m.b, &f), FS_FHRP_R_SHORT);
	p.route = FS_ROUTE_BGP;
	assert_int_equal(fs_fhrp_parse_pkt(&p, m.b, &f), FS_FHRP_R_BAD_VERSION);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fs_fhrp_proto_name(FS_FHRP_VRRP3), "vrrp3");
	assert_string_equal(fs_fhrp_proto_name(FS_FHRP_CARP), "carp");
	assert_string_equal(fs_fhrp_proto_name(FS_FHRP_PROTO_COUNT), "unknown");
	assert_string_equal(fs_hsrp_state_name(FS_HSRP_ACTIVE), "active");
	assert_string_equal(fs_hsrp_state_name((enum fs_hsrp_state)7),
			    "unknown");
	assert_string_equal(fs_fhrp_reason_name(FS_FHRP_R_COUNT), "unknown");
	for (int i = 0; i < FS_FHRP_R_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				fs_fhrp_reason_name((enum fs_fhrp_reason)i),
				fs_fhrp_reason_name((enum fs_fhrp_reason)j));
}

static int setup(void **state)
{
	(void)state;
	inet_pton(AF_INET6, "fe80::2", SRC6);
	inet_pton(AF_INET6, "ff02::12", DST6);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_parse_pkt),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
