/* OSPF wire parser: every packet type, v2 auth/LLS, v3 trailer, failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ospf_build.h"
#include "src/decode/ospf_wire.h"

static enum fs_ospf_reason parse(const struct ob *o, uint8_t ipv, bool cut,
				 struct fs_ospf_msg *m)
{
	return fs_ospf_parse(o->b, (uint32_t)o->n, ipv, cut, m);
}

static const uint32_t two_nbrs[] = { IP4(2, 2, 2, 2), IP4(3, 3, 3, 3) };

static void build_v2_hello(struct ob *o, unsigned autype, bool lls)
{
	memset(o, 0, sizeof(*o));
	ob_v2_hdr(o, 1, IP4(1, 1, 1, 1), 0, autype, 0x5a834112);
	ob_v2_hello(o, IP4(255, 255, 255, 0), 10, lls ? 0x12 : 0x02, 1, 40,
		    IP4(10, 0, 0, 3), IP4(10, 0, 0, 2), two_nbrs, 2);
	ob_end(o);
	if (autype == 2)
		ob_zero(o, 16);		/* digest */
	if (lls) {
		ob_be16(o, 0);		/* LLS checksum */
		ob_be16(o, 3);		/* 3 words: header + one 8-byte TLV */
		ob_be16(o, 1);
		ob_be16(o, 4);
		ob_be32(o, 1);
	}
}

static void test_v2_hello_null(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v2_hello(&o, 0, false);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.version, 2);
	assert_int_equal(m.type, FS_OSPF_HELLO);
	assert_int_equal(m.length, 52);
	assert_int_equal(m.router_id, IP4(1, 1, 1, 1));
	assert_int_equal(m.netmask, IP4(255, 255, 255, 0));
	assert_int_equal(m.hello_interval, 10);
	assert_int_equal(m.dead_interval, 40);
	assert_int_equal(m.priority, 1);
	assert_int_equal(m.dr, IP4(10, 0, 0, 3));
	assert_int_equal(m.bdr, IP4(10, 0, 0, 2));
	assert_int_equal(m.n_neighbors, 2);
	assert_int_equal(m.neighbors[0], IP4(2, 2, 2, 2));
	assert_int_equal(m.neighbors[1], IP4(3, 3, 3, 3));
	assert_false(m.has_lls);
}

static void test_v2_hello_simple(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v2_hello(&o, 1, false);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.autype, 1);
	assert_int_equal(m.n_neighbors, 2);
}

static void test_v2_hello_md5_lls(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v2_hello(&o, 2, true);
	assert_int_equal(o.n, 52 + 16 + 12);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.autype, 2);
	assert_int_equal(m.auth_key_id, 7);
	assert_int_equal(m.auth_data_len, 16);
	assert_int_equal(m.crypt_seq, 0x5a834112);
	assert_true(m.has_lls);
	assert_int_equal(m.lls_len, 12);
	assert_int_equal(m.n_neighbors, 2);
}

/* A cut inside the trailer is truncated with a snaplen cut, else malformed. */
static void test_v2_trailer_failures(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v2_hello(&o, 2, true);
	o.n = 52 + 16 + 2;		/* LLS header cut */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_BAD_LLS);
	assert_int_equal(parse(&o, 4, true, &m), FS_OR_TRUNCATED);
	o.n = 52 + 16 + 8;		/* LLS says 12 bytes, 8 left */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_BAD_LLS);
	o.n = 52 + 10;			/* digest cut */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_BAD_AUTH);
	assert_int_equal(parse(&o, 4, true, &m), FS_OR_TRUNCATED);

	build_v2_hello(&o, 2, true);
	ob_put16(&o, 52 + 16 + 2, 0);	/* LLS length 0 words */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_BAD_LLS);

	build_v2_hello(&o, 0, false);
	ob_put16(&o, 14, 9);		/* unknown AuType */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_BAD_AUTH);
}

struct hdr_case {
	const char *name;
	size_t at;		/* byte to patch (0xffff: none) */
	unsigned value;
	bool be16;
	uint8_t ipv;
	size_t cut;		/* bytes kept, 0 = all */
	bool snap;
	enum fs_ospf_reason want;
};

static void test_v2_header_table(void **state)
{
	(void)state;
	static const struct hdr_case cases[] = {
		{ "ok", 0xffff, 0, false, 4, 0, false, FS_OR_OK },
		{ "version 4", 0, 4, false, 4, 0, false, FS_OR_BAD_VERSION },
		{ "v2 over IPv6", 0xffff, 0, false, 6, 0, false,
		  FS_OR_BAD_VERSION },
		{ "type 0", 1, 0, false, 4, 0, false, FS_OR_BAD_TYPE },
		{ "type 6", 1, 6, false, 4, 0, false, FS_OR_BAD_TYPE },
		{ "length < header", 2, 20, true, 4, 0, false,
		  FS_OR_BAD_LENGTH },
		{ "length > payload", 2, 60, true, 4, 0, false,
		  FS_OR_BAD_LENGTH },
		{ "length > payload, snaplen", 2, 60, true, 4, 0, true,
		  FS_OR_TRUNCATED },
		{ "3 bytes", 0xffff, 0, false, 4, 3, false, FS_OR_SHORT },
		{ "20 bytes", 0xffff, 0, false, 4, 20, false, FS_OR_SHORT },
		{ "20 bytes, snaplen", 0xffff, 0, false, 4, 20, true,
		  FS_OR_TRUNCATED },
		{ "hello body short", 2, 40, true, 4, 40, false,
		  FS_OR_HELLO_SHORT },
		{ "ragged neighbor list", 2, 50, true, 4, 50, false,
		  FS_OR_HELLO_SHORT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hdr_case *c = &cases[i];
		struct ob o;
		struct fs_ospf_msg m;
		build_v2_hello(&o, 0, false);
		if (c->at != 0xffff) {
			if (c->be16)
				ob_put16(&o, c->at, c->value);
			else
				o.b[c->at] = (uint8_t)c->value;
		}
		if (c->cut)
			o.n = c->cut;
		enum fs_ospf_reason got = parse(&o, c->ipv, c->snap, &m);
		if (got != c->want)
			fail_msg("%s: got %s want %s", c->name,
				 fs_ospf_reason_name(got),
				 fs_ospf_reason_name(c->want));
	}
}

static void test_v2_dbd(void **state)
{
	(void)state;
	struct ob o = { .n = 0 };
	struct fs_ospf_msg m;
	ob_v2_hdr(&o, 2, IP4(1, 1, 1, 1), 0, 0, 0);
	ob_be16(&o, 1500);
	ob_u8(&o, 0x42);
	ob_u8(&o, 0x03);		/* M, MS */
	ob_be32(&o, 0x1234);
	ob_lsa_hdr(&o, 2, 1, IP4(1, 1, 1, 1), IP4(1, 1, 1, 1), 0x80000002, 36);
	ob_lsa_hdr(&o, 2, 5, IP4(10, 9, 0, 0), IP4(1, 1, 1, 1), 0x80000001,
		   36);
	ob_end(&o);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.mtu, 1500);
	assert_int_equal(m.options, 0x42);
	assert_int_equal(m.dbd_flags, FS_OSPF_DBD_M | FS_OSPF_DBD_MS);
	assert_int_equal(m.dd_seq, 0x1234);
	assert_int_equal(m.n_items, 2);
	assert_int_equal(m.lsas[0].type, 1);
	assert_int_equal(m.lsas[0].seq, 0x80000002);
	assert_int_equal(m.lsas[1].type, 5);
	assert_int_equal(m.lsas[1].ls_id, IP4(10, 9, 0, 0));

	ob_put16(&o, 2, (unsigned)o.n - 1);	/* ragged headers */
	o.n--;
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_DBD_SHORT);
}

static void test_v2_lsr_ack(void **state)
{
	(void)state;
	struct ob o = { .n = 0 };
	struct fs_ospf_msg m;
	ob_v2_hdr(&o, 3, IP4(1, 1, 1, 1), 0, 0, 0);
	ob_be32(&o, 1);
	ob_be32(&o, IP4(2, 2, 2, 2));
	ob_be32(&o, IP4(2, 2, 2, 2));
	ob_be32(&o, 2);
	ob_be32(&o, IP4(10, 0, 0, 3));
	ob_be32(&o, IP4(3, 3, 3, 3));
	ob_end(&o);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.n_items, 2);
	assert_int_equal(m.lsrs[0].type, 1);
	assert_int_equal(m.lsrs[1].type, 2);
	assert_int_equal(m.lsrs[1].ls_id, IP4(10, 0, 0, 3));
	assert_int_equal(m.lsrs[1].adv_router, IP4(3, 3, 3, 3));
	ob_put16(&o, 2, (unsigned)o.n - 4);
	o.n -= 4;
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSR_SHORT);

	memset(&o, 0, sizeof(o));
	ob_v2_hdr(&o, 5, IP4(2, 2, 2, 2), 1, 0, 0);
	ob_lsa_hdr(&o, 2, 1, IP4(2, 2, 2, 2), IP4(2, 2, 2, 2), 0x80000005, 36);
	ob_lsa_hdr(&o, 2, 3, IP4(10, 1, 0, 0), IP4(2, 2, 2, 2), 0x80000001,
		   28);
	ob_end(&o);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.type, FS_OSPF_LSACK);
	assert_int_equal(m.area, 1);
	assert_int_equal(m.n_items, 2);
	ob_put16(&o, 2, (unsigned)o.n - 3);
	o.n -= 3;
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_ACK_SHORT);
}

/* Router-LSA with a TOS entry on one link, then a network-LSA. */
static void build_v2_lsu(struct ob *o, uint32_t count)
{
	memset(o, 0, sizeof(*o));
	ob_v2_hdr(o, 4, IP4(3, 3, 3, 3), 0, 0, 0);
	ob_be32(o, count);
	ob_lsa_hdr(o, 2, 1, IP4(3, 3, 3, 3), IP4(3, 3, 3, 3), 0x80000005,
		   20 + 4 + 12 + 16);
	ob_u8(o, 0x01);			/* B-bit */
	ob_u8(o, 0);
	ob_be16(o, 2);
	ob_be32(o, IP4(10, 0, 0, 3));	/* transit link */
	ob_be32(o, IP4(10, 0, 0, 3));
	ob_u8(o, 2);
	ob_u8(o, 0);
	ob_be16(o, 10);
	ob_be32(o, IP4(192, 168, 3, 0));	/* stub with one TOS */
	ob_be32(o, IP4(255, 255, 255, 0));
	ob_u8(o, 3);
	ob_u8(o, 1);
	ob_be16(o, 10);
	ob_be32(o, 0x08000014);
	ob_lsa_hdr(o, 2, 2, IP4(10, 0, 0, 3), IP4(3, 3, 3, 3), 0x80000003,
		   20 + 4 + 12);
	ob_be32(o, IP4(255, 255, 255, 0));
	ob_be32(o, IP4(3, 3, 3, 3));
	ob_be32(o, IP4(1, 1, 1, 1));
	ob_be32(o, IP4(2, 2, 2, 2));
	ob_end(o);
}

static void test_v2_lsu(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v2_lsu(&o, 2);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_OK);
	assert_int_equal(m.n_items, 2);
	assert_true(fs_ospf_is_router_lsa(2, m.lsas[0].type));
	assert_true(fs_ospf_is_network_lsa(2, m.lsas[1].type));
	assert_int_equal(m.lsas[1].n_attached, 3);
	assert_int_equal(m.attached[m.lsas[1].attached_first],
			 IP4(3, 3, 3, 3));
	/* The bodies, walked from the packet after the header and #LSAs. */
	struct fs_cursor c = fs_cursor_make(o.b + 28, o.n - 28), body;
	struct fs_ospf_lsa_hdr h;
	assert_true(fs_ospf_next_lsa(&c, 2, &h, &body));
	assert_true(fs_ospf_is_router_lsa(2, h.type));
	uint32_t n;
	assert_int_equal(fs_ospf_rtr_links_begin(2, &body, &n), 0x01);
	assert_int_equal(n, 2);
	struct fs_ospf_rtr_link l;
	assert_true(fs_ospf_next_rtr_link(&body, 2, &l));
	assert_int_equal(l.type, 2);
	assert_int_equal(l.link_id, IP4(10, 0, 0, 3));
	assert_true(fs_ospf_next_rtr_link(&body, 2, &l));
	assert_int_equal(l.type, 3);
	assert_int_equal(l.link_data, IP4(255, 255, 255, 0));
	assert_int_equal(body.left, 0);
	assert_true(fs_ospf_next_lsa(&c, 2, &h, &body));
	assert_true(fs_ospf_is_network_lsa(2, h.type));
	uint32_t mask;
	assert_int_equal(fs_ospf_net_attached_begin(2, &body, &mask), 3);
	assert_int_equal(mask, IP4(255, 255, 255, 0));
	assert_int_equal(fs_cursor_be32(&body), IP4(3, 3, 3, 3));
	assert_false(fs_ospf_next_lsa(&c, 2, &h, &body));
}

static void test_v2_lsu_failures(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v2_lsu(&o, 3);			/* one LSA missing */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSU_SHORT);
	build_v2_lsu(&o, 0xffffffffu);		/* absurd count ends */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSU_SHORT);
	build_v2_lsu(&o, 2);
	ob_put16(&o, 28 + 18, 19);		/* LSA length < header */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSA_BAD_LENGTH);
	build_v2_lsu(&o, 2);
	ob_put16(&o, 28 + 18, 400);		/* LSA past the packet */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSA_BAD_LENGTH);
	build_v2_lsu(&o, 2);
	ob_put16(&o, 28 + 22, 9);		/* #links past the body */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSA_BODY);
	build_v2_lsu(&o, 2);
	o.b[28 + 20 + 4 + 12 + 9] = 5;		/* TOS count past the body */
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSA_BODY);
	build_v2_lsu(&o, 2);
	ob_put16(&o, 28 + 52 + 18, 20 + 4 + 10);	/* ragged attached */
	ob_put16(&o, 2, (unsigned)o.n - 2);
	o.n -= 2;
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_LSA_BODY);
}

/* Every prefix of a valid packet fails cleanly (under ASan: no over-read). */
static void test_every_prefix(void **state)
{
	(void)state;
	struct ob full;
	build_v2_lsu(&full, 2);
	for (size_t len = 0; len < full.n; len++) {
		struct fs_ospf_msg m;
		assert_int_not_equal(fs_ospf_parse(full.b, (uint32_t)len, 4,
						   false, &m),
				     FS_OR_OK);
		assert_int_equal(fs_ospf_parse(full.b, (uint32_t)len, 4, true,
					       &m),
				 FS_OR_TRUNCATED);
	}
	build_v2_hello(&full, 2, true);
	for (size_t len = 0; len < full.n; len++) {
		struct fs_ospf_msg m;
		assert_int_not_equal(fs_ospf_parse(full.b, (uint32_t)len, 4,
						   false, &m),
				     FS_OR_OK);
	}
}

static const uint32_t one_nbr[] = { IP4(1, 1, 1, 1) };

static void build_v3_hello(struct ob *o, bool at, unsigned at_len)
{
	memset(o, 0, sizeof(*o));
	ob_v3_hdr(o, 1, IP4(10, 10, 10, 2), 0, 0);
	ob_v3_hello(o, 5, 1, 0x13 | (at ? 0x400 : 0), 10, 40,
		    IP4(10, 10, 10, 1), IP4(10, 10, 10, 2), one_nbr, 1);
	ob_end(o);
	if (at) {
		ob_be16(o, 1);		/* HMAC cryptographic authentication */
		ob_be16(o, at_len);
		ob_be16(o, 0);
		ob_be16(o, 0x1234);	/* SA id */
		ob_be32(o, 0);
		ob_be32(o, 42);
		ob_zero(o, at_len > 16 ? at_len - 16 : 0);
	}
}

static void test_v3_hello_trailer(void **state)
{
	(void)state;
	struct ob o;
	struct fs_ospf_msg m;
	build_v3_hello(&o, true, 16 + 32);
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_OK);
	assert_int_equal(m.version, 3);
	assert_int_equal(m.length, 40);
	assert_int_equal(m.interface_id, 5);
	assert_int_equal(m.priority, 1);
	assert_int_equal(m.options & FS_OSPF3_OPT_AT, FS_OSPF3_OPT_AT);
	assert_int_equal(m.hello_interval, 10);
	assert_int_equal(m.dead_interval, 40);
	assert_int_equal(m.dr, IP4(10, 10, 10, 1));
	assert_int_equal(m.bdr, IP4(10, 10, 10, 2));
	assert_int_equal(m.n_neighbors, 1);
	assert_true(m.has_at);
	assert_int_equal(m.at_len, 48);
	assert_int_equal(m.at_sa_id, 0x1234);
	assert_int_equal(m.at_seq, 42);

	build_v3_hello(&o, false, 0);
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_OK);
	assert_false(m.has_at);
	assert_int_equal(parse(&o, 4, false, &m), FS_OR_BAD_VERSION);

	build_v3_hello(&o, true, 16 + 32);
	o.n -= 10;			/* digest cut */
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_BAD_TRAILER);
	assert_int_equal(parse(&o, 6, true, &m), FS_OR_TRUNCATED);
	build_v3_hello(&o, true, 8);	/* trailer length below its header */
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_BAD_TRAILER);
	build_v3_hello(&o, false, 0);
	o.b[o.start + 22] |= 0x04;	/* AT-bit set, no trailer */
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_BAD_TRAILER);
}

static void test_v3_dbd_lsr_lsu(void **state)
{
	(void)state;
	struct ob o = { .n = 0 };
	struct fs_ospf_msg m;
	ob_v3_hdr(&o, 2, IP4(2, 2, 2, 2), 1, 0);
	ob_u8(&o, 0);
	ob_u8(&o, 0);
	ob_be16(&o, 0x13);
	ob_be16(&o, 1500);
	ob_u8(&o, 0);
	ob_u8(&o, 0x07);
	ob_be32(&o, 0xabcd);
	ob_lsa_hdr(&o, 3, 0x2001, 0, IP4(2, 2, 2, 2), 0x80000001, 40);
	ob_lsa_hdr(&o, 3, 0x0008, 5, IP4(2, 2, 2, 2), 0x80000001, 56);
	ob_end(&o);
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_OK);
	assert_int_equal(m.dbd_flags, 7);
	assert_int_equal(m.mtu, 1500);
	assert_int_equal(m.options, 0x13);
	assert_int_equal(m.dd_seq, 0xabcd);
	assert_int_equal(m.n_items, 2);
	assert_int_equal(m.lsas[0].type, 0x2001);
	assert_int_equal(m.lsas[1].type, 0x0008);

	memset(&o, 0, sizeof(o));
	ob_v3_hdr(&o, 3, IP4(2, 2, 2, 2), 1, 0);
	ob_be16(&o, 0);
	ob_be16(&o, 0x2001);
	ob_be32(&o, 0);
	ob_be32(&o, IP4(1, 1, 1, 1));
	ob_end(&o);
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_OK);
	assert_int_equal(m.n_items, 1);
	assert_int_equal(m.lsrs[0].type, 0x2001);
	assert_int_equal(m.lsrs[0].adv_router, IP4(1, 1, 1, 1));

	/* LSU: router-LSA (one link), network-LSA, link-LSA; then a trailer
	 * with no AT-bit to go by, recognised by its exact length. */
	memset(&o, 0, sizeof(o));
	ob_v3_hdr(&o, 4, IP4(1, 1, 1, 1), 1, 0);
	ob_be32(&o, 3);
	ob_lsa_hdr(&o, 3, 0x2001, 0, IP4(1, 1, 1, 1), 0x80000002, 20 + 4 + 16);
	ob_be32(&o, 0x00000013);
	ob_u8(&o, 2);
	ob_u8(&o, 0);
	ob_be16(&o, 10);
	ob_be32(&o, 5);
	ob_be32(&o, 5);
	ob_be32(&o, IP4(1, 1, 1, 1));
	ob_lsa_hdr(&o, 3, 0x2002, 5, IP4(1, 1, 1, 1), 0x80000001, 20 + 4 + 8);
	ob_be32(&o, 0x13);
	ob_be32(&o, IP4(1, 1, 1, 1));
	ob_be32(&o, IP4(2, 2, 2, 2));
	ob_lsa_hdr(&o, 3, 0x0008, 5, IP4(1, 1, 1, 1), 0x80000001, 20 + 24);
	ob_zero(&o, 24);
	ob_end(&o);
	size_t pkt_len = o.n;
	ob_be16(&o, 1);
	ob_be16(&o, 32);
	ob_be16(&o, 0);
	ob_be16(&o, 9);
	ob_be32(&o, 0);
	ob_be32(&o, 7);
	ob_zero(&o, 16);
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_OK);
	assert_int_equal(m.n_items, 3);
	assert_true(m.has_at);
	assert_int_equal(m.at_sa_id, 9);
	assert_int_equal(m.lsas[1].n_attached, 2);
	assert_int_equal(m.attached[m.lsas[1].attached_first + 1],
			 IP4(2, 2, 2, 2));
	assert_int_equal(m.lsas[2].type, 8);
	/* The bodies, walked from the packet after the header and #LSAs. */
	struct fs_cursor c = fs_cursor_make(o.b + 20, pkt_len - 20), body;
	struct fs_ospf_lsa_hdr h;
	assert_true(fs_ospf_next_lsa(&c, 3, &h, &body));
	uint32_t n;
	fs_ospf_rtr_links_begin(3, &body, &n);
	assert_int_equal(n, 1);
	struct fs_ospf_rtr_link l;
	assert_true(fs_ospf_next_rtr_link(&body, 3, &l));
	assert_int_equal(l.nbr_router_id, IP4(1, 1, 1, 1));
	assert_true(fs_ospf_next_lsa(&c, 3, &h, &body));
	uint32_t mask;
	assert_int_equal(fs_ospf_net_attached_begin(3, &body, &mask), 2);
	assert_true(fs_ospf_next_lsa(&c, 3, &h, &body));
	assert_int_equal(h.type, 8);

	/* Trailing bytes that are not a trailer are left alone. */
	o.n = pkt_len + 5;
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_OK);
	assert_false(m.has_at);
	/* v3 router-LSA whose links are ragged. */
	o.n = pkt_len;
	ob_put16(&o, 16 + 4 + 18, 20 + 4 + 15);
	assert_int_equal(parse(&o, 6, false, &m), FS_OR_LSA_BODY);
}

static void test_reason_names(void **state)
{
	(void)state;
	for (int r = 0; r < FS_OR_COUNT; r++) {
		const char *n = fs_ospf_reason_name((enum fs_ospf_reason)r);
		assert_non_null(n);
		assert_string_not_equal(n, "unknown");
	}
	assert_string_equal(fs_ospf_reason_name(FS_OR_COUNT), "unknown");
	assert_string_equal(fs_ospf_reason_name(FS_OR_TRUNCATED), "truncated");
	assert_true(FS_OR_COUNT <= 16);	/* fits fs_ospf_stats */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_hello_null),
		cmocka_unit_test(test_v2_hello_simple),
		cmocka_unit_test(test_v2_hello_md5_lls),
		cmocka_unit_test(test_v2_trailer_failures),
		cmocka_unit_test(test_v2_header_table),
		cmocka_unit_test(test_v2_dbd),
		cmocka_unit_test(test_v2_lsr_ack),
		cmocka_unit_test(test_v2_lsu),
		cmocka_unit_test(test_v2_lsu_failures),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_v3_hello_trailer),
		cmocka_unit_test(test_v3_dbd_lsr_lsu),
		cmocka_unit_test(test_reason_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
