/*
 * The parsed OSPF message (ospf_msg.h): its fixed arrays hold every item
 * of the largest packets the 16-bit length allows, fs_ospf_parse_pkt()
 * reads only the payload decode found, and the tracker refuses a message
 * whose counts do not fit those arrays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/ospf.h"
#include "floodspot/ospf_msg.h"

#define MAX_PKT 65535

struct big {
	uint8_t *b;
	uint32_t n;
};

static void put8(struct big *o, unsigned v) { o->b[o->n++] = (uint8_t)v; }
static void put16(struct big *o, unsigned v)
{
	put8(o, v >> 8 & 0xff);
	put8(o, v & 0xff);
}
static void put32(struct big *o, uint32_t v)
{
	put16(o, v >> 16);
	put16(o, v & 0xffff);
}

/* v2 (24 bytes, null auth) or v3 (16 bytes) header; length patched later */
static void hdr(struct big *o, unsigned version, unsigned type)
{
	o->n = 0;
	put8(o, version);
	put8(o, type);
	put16(o, 0);
	put32(o, 0x01010101);	/* router id */
	put32(o, 0);		/* area */
	put16(o, 0);
	if (version == 2) {
		put16(o, 0);
		put32(o, 0);
		put32(o, 0);
	} else {
		put16(o, 0);	/* instance, reserved */
	}
}

static void end(struct big *o)
{
	o->b[2] = (uint8_t)(o->n >> 8);
	o->b[3] = (uint8_t)o->n;
}

static void lsa_hdr(struct big *o, unsigned version, unsigned type,
		    uint32_t id, unsigned length)
{
	put16(o, 1);
	if (version == 2) {
		put8(o, 0);
		put8(o, type);
	} else {
		put16(o, type);
	}
	put32(o, id);
	put32(o, 0x01010101);
	put32(o, 0x80000001);
	put16(o, 0);
	put16(o, length);
}

static struct fs_ospf_msg *msg_new(void)
{
	struct fs_ospf_msg *m = malloc(sizeof(*m));
	assert_non_null(m);
	return m;
}

static void test_largest_lsr(void **state)
{
	struct big o = { *state, 0 };
	struct fs_ospf_msg *m = msg_new();
	hdr(&o, 3, FS_OSPF_LSR);
	uint32_t n = (MAX_PKT - 16) / 12;
	for (uint32_t i = 0; i < n; i++) {
		put16(&o, 0);
		put16(&o, 0x2001);
		put32(&o, i);
		put32(&o, 0x02020202);
	}
	end(&o);
	assert_int_equal(fs_ospf_parse(o.b, o.n, 6, false, m), FS_OR_OK);
	assert_int_equal(m->reason, FS_OR_OK);
	assert_int_equal(m->n_items, n);
	assert_true(n <= FS_OSPF_MSG_LSRS);
	assert_int_equal(m->lsrs[n - 1].ls_id, n - 1);
	assert_int_equal(m->lsrs[n - 1].adv_router, 0x02020202);
	free(m);
}

static void test_largest_ack_and_lsu(void **state)
{
	struct big o = { *state, 0 };
	struct fs_ospf_msg *m = msg_new();
	uint32_t n = (MAX_PKT - 16) / 20;
	hdr(&o, 3, FS_OSPF_LSACK);
	for (uint32_t i = 0; i < n; i++)
		lsa_hdr(&o, 3, 0x2003, i, 28);
	end(&o);
	assert_int_equal(fs_ospf_parse(o.b, o.n, 6, false, m), FS_OR_OK);
	assert_int_equal(m->n_items, n);
	assert_true(n <= FS_OSPF_MSG_LSAS);
	assert_int_equal(m->lsas[n - 1].ls_id, n - 1);
	assert_int_equal(m->lsas[n - 1].length, 28);

	/* An LSU of header-only LSAs of a type with no body rules. */
	n = (MAX_PKT - 24 - 4) / 20;
	hdr(&o, 2, FS_OSPF_LSU);
	put32(&o, n);
	for (uint32_t i = 0; i < n; i++)
		lsa_hdr(&o, 2, 5, i, 20);
	end(&o);
	assert_int_equal(fs_ospf_parse(o.b, o.n, 4, false, m), FS_OR_OK);
	assert_int_equal(m->n_items, n);
	assert_int_equal(m->lsas[n - 1].ls_id, n - 1);
	assert_int_equal(m->n_attached, 0);
	free(m);
}

/* One network-LSA filling the packet: every attached router is kept. */
static void test_largest_network_lsa(void **state)
{
	struct big o = { *state, 0 };
	struct fs_ospf_msg *m = msg_new();
	uint32_t n = (MAX_PKT - 16 - 4 - 20 - 4) / 4;
	hdr(&o, 3, FS_OSPF_LSU);
	put32(&o, 1);
	lsa_hdr(&o, 3, 0x2002, 7, 20 + 4 + 4 * n);
	put32(&o, 0x13);	/* options */
	for (uint32_t i = 0; i < n; i++)
		put32(&o, 0x0a000000 + i);
	end(&o);
	assert_true(o.n <= MAX_PKT);
	assert_int_equal(fs_ospf_parse(o.b, o.n, 6, false, m), FS_OR_OK);
	assert_int_equal(m->n_items, 1);
	assert_true(n <= FS_OSPF_MSG_ATTACHED);
	assert_int_equal(m->n_attached, n);
	assert_int_equal(m->lsas[0].attached_first, 0);
	assert_int_equal(m->lsas[0].n_attached, n);
	assert_int_equal(m->attached[n - 1], 0x0a000000 + n - 1);
	free(m);
}

/* The payload is taken from l4_off/l4_len within caplen, nothing else. */
static void test_parse_pkt_bounds(void **state)
{
	struct big o = { *state, 0 };
	struct fs_ospf_msg *m = msg_new();
	memset(o.b, 0, 64);
	hdr(&o, 3, FS_OSPF_LSACK);
	end(&o);
	struct fs_pkt p = { .caplen = 40, .wirelen = 40, .ip_version = 6,
			    .is_ospf = true, .route = FS_ROUTE_OSPF,
			    .l4_off = 24, .l4_len = 16 };
	memmove(o.b + 24, o.b, 16);
	assert_int_equal(fs_ospf_parse_pkt(&p, o.b, m), FS_OR_OK);
	assert_int_equal(m->type, FS_OSPF_LSACK);
	p.l4_len = 17;		/* past caplen */
	assert_int_equal(fs_ospf_parse_pkt(&p, o.b, m), FS_OR_SHORT);
	assert_int_equal(m->reason, FS_OR_SHORT);
	p.l4_len = 16;
	p.wirelen = 60;		/* cut by the snaplen inside the header */
	p.l4_len = 10;
	assert_int_equal(fs_ospf_parse_pkt(&p, o.b, m), FS_OR_TRUNCATED);
	free(m);
}

/* A message not made by the parser cannot index past the arrays. */
static void test_tracker_refuses_oversized(void **state)
{
	(void)state;
	struct fs_ospf_config cfg;
	fs_ospf_config_defaults(&cfg);
	struct fs_ospf *o = fs_ospf_create(&cfg, NULL, NULL);
	assert_non_null(o);
	struct fs_ospf_msg *m = msg_new();
	memset(m, 0, offsetof(struct fs_ospf_msg, lsas));
	m->version = 2;
	m->type = FS_OSPF_LSU;
	m->router_id = 0x01010101;
	m->n_items = FS_OSPF_MSG_LSAS + 1;
	struct fs_pkt p = { .ts_us = 1, .ip_version = 4, .is_ospf = true,
			    .route = FS_ROUTE_OSPF };
	fs_ospf_message(o, &p, m);
	m->n_items = 0;
	m->type = 9;
	fs_ospf_message(o, &p, m);
	struct fs_ospf_stats st;
	fs_ospf_stats(o, &st);
	assert_int_equal(st.packets, 2);
	assert_int_equal(st.malformed, 2);
	assert_int_equal(st.malformed_by_reason[FS_OR_BAD_LENGTH], 1);
	assert_int_equal(st.malformed_by_reason[FS_OR_BAD_TYPE], 1);
	free(m);
	fs_ospf_destroy(o);
}

static int setup(void **state)
{
	*state = malloc(MAX_PKT);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_largest_lsr),
		cmocka_unit_test(test_largest_ack_and_lsu),
		cmocka_unit_test(test_largest_network_lsa),
		cmocka_unit_test(test_parse_pkt_bounds),
		cmocka_unit_test(test_tracker_refuses_oversized),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
