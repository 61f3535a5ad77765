/*
 * OSPF tracker on synthetic packet sequences: formation to Full, silence
 * past the dead interval and recovery, neighbor dropped from a Hello, DBD
 * restart, hello lateness, NBMA unicast hellos, router-id change, the
 * router set, VLAN health, table bounds, LSA churn and the table print.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "floodspot/gap.h"
#include "floodspot/ospf.h"
#include "ospf_build.h"

#define S 1000000LL
#define MS 1000LL
#define T0 (1700000000LL * S)

#define R1 IP4(1, 1, 1, 1)
#define R2 IP4(2, 2, 2, 2)
#define R3 IP4(3, 3, 3, 3)
#define MCAST 0

struct sim {
	struct fs_event_bus bus;
	struct fs_routers routers;
	struct fs_ospf *o;
	struct fs_event ev[512];
	int n;
	int64_t next_tick;
	bool no_tick;
};

static void rec(const struct fs_event *ev, void *ctx)
{
	struct sim *s = ctx;
	if (s->n < 512)
		s->ev[s->n++] = *ev;
}

static struct sim *sim_new(const struct fs_ospf_config *cfg)
{
	struct sim *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	fs_event_bus_init(&s->bus);
	fs_event_subscribe(&s->bus, rec, s);
	fs_routers_init(&s->routers);
	struct fs_ospf_config def;
	fs_ospf_config_defaults(&def);
	s->o = fs_ospf_create(cfg ? cfg : &def, &s->bus, &s->routers);
	assert_non_null(s->o);
	s->next_tick = T0 + S;
	return s;
}

/* A tracker with room for this many routers and pairs. */
static struct sim *sim_sized(uint32_t routers, uint32_t pairs)
{
	struct fs_ospf_config cfg;
	fs_ospf_config_defaults(&cfg);
	cfg.max_routers = routers;
	cfg.max_neighbors = pairs;
	return sim_new(&cfg);
}

static void sim_free(struct sim *s)
{
	assert_int_equal(fs_ospf_check(s->o), 0);
	fs_ospf_destroy(s->o);
	free(s);
}

/* Ticks every closed second up to ts, as the agent's packet clock does. */
static void advance(struct sim *s, int64_t ts)
{
	while (!s->no_tick && s->next_tick <= ts) {
		fs_ospf_tick(s->o, s->next_tick);
		s->next_tick += S;
	}
}

static void mac_of(uint8_t mac[6], unsigned last)
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, 0, (uint8_t)last };
	memcpy(mac, m, 6);
}

/* From 10.0.0.<src>, to 10.0.0.<dst> or 224.0.0.5 (dst = MCAST). */
static void sendv(struct sim *s, int64_t ts, unsigned src, unsigned dst,
		  uint16_t vlan, const struct ob *b)
{
	advance(s, ts);
	struct fs_pkt p;
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.caplen = p.wirelen = (uint32_t)b->n;
	p.has_mac = true;
	mac_of(p.src_mac, src);
	mac_of(p.dst_mac, dst);
	p.vlan = vlan;
	p.ip_version = 4;
	p.ip_proto = 89;
	p.ttl = 1;
	const uint8_t sip[4] = { 10, 0, 0, (uint8_t)src };
	const uint8_t dip[4] = { 10, 0, 0, (uint8_t)dst };
	const uint8_t mip[4] = { 224, 0, 0, 5 };
	memcpy(p.src_ip, sip, 4);
	memcpy(p.dst_ip, dst == MCAST ? mip : dip, 4);
	p.is_ospf = true;
	p.ospf_version = 2;
	p.l4_off = 0;
	p.l4_len = (uint32_t)b->n;
	fs_ospf_packet(s->o, &p, b->b);
	fs_ospf_seen_vlan(s->o, vlan, ts);
}

static void send(struct sim *s, int64_t ts, unsigned src, unsigned dst,
		 const struct ob *b)
{
	sendv(s, ts, src, dst, 0, b);
}

static void hello_iv(struct sim *s, int64_t ts, uint32_t rid, unsigned src,
		     unsigned dst, const uint32_t *nbrs, unsigned n,
		     unsigned hello_s, unsigned dead_s)
{
	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 1, rid, 0, 0, 0);
	ob_v2_hello(&b, IP4(255, 255, 255, 0), hello_s, 0x02, 1, dead_s,
		    IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), nbrs, n);
	ob_end(&b);
	send(s, ts, src, dst, &b);
}

static void hello(struct sim *s, int64_t ts, uint32_t rid, unsigned src,
		  const uint32_t *nbrs, unsigned n)
{
	hello_iv(s, ts, rid, src, MCAST, nbrs, n, 10, 40);
}

struct lsa {
	unsigned type;
	uint32_t id, adv, seq;
};

static void dbd(struct sim *s, int64_t ts, uint32_t rid, unsigned src,
		unsigned dst, unsigned flags, uint32_t seq,
		const struct lsa *l, unsigned n)
{
	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 2, rid, 0, 0, 0);
	ob_be16(&b, 1500);
	ob_u8(&b, 0x02);
	ob_u8(&b, flags);
	ob_be32(&b, seq);
	for (unsigned i = 0; i < n; i++)
		ob_lsa_hdr(&b, 2, l[i].type, l[i].id, l[i].adv, l[i].seq, 24);
	ob_end(&b);
	send(s, ts, src, dst, &b);
}

static void lsr(struct sim *s, int64_t ts, uint32_t rid, unsigned src,
		unsigned dst, const struct lsa *l, unsigned n)
{
	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 3, rid, 0, 0, 0);
	for (unsigned i = 0; i < n; i++) {
		ob_be32(&b, l[i].type);
		ob_be32(&b, l[i].id);
		ob_be32(&b, l[i].adv);
	}
	ob_end(&b);
	send(s, ts, src, dst, &b);
}

/* Router-LSAs with no links (24 bytes each). */
static void lsu(struct sim *s, int64_t ts, uint32_t rid, unsigned src,
		unsigned dst, const struct lsa *l, unsigned n)
{
	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 4, rid, 0, 0, 0);
	ob_be32(&b, n);
	for (unsigned i = 0; i < n; i++) {
		ob_lsa_hdr(&b, 2, l[i].type, l[i].id, l[i].adv, l[i].seq, 24);
		ob_be32(&b, 0);
	}
	ob_end(&b);
	send(s, ts, src, dst, &b);
}

static const uint32_t L1[] = { R1 }, L2[] = { R2 }, L3[] = { R3 };

struct want {
	enum fs_ospf_state from, to;
	const char *reason;
};

/* The adjacency events recorded since index first, checked in order. */
static void expect_adj(const struct sim *s, int first, const struct want *w,
		       int n)
{
	int k = 0;
	for (int i = first; i < s->n; i++) {
		const struct fs_event *e = &s->ev[i];
		if (e->type != FS_EV_OSPF_ADJACENCY)
			continue;
		if (k >= n)
			fail_msg("extra event %s -> %s (%s)",
				 fs_ospf_state_name(e->u.adj.from),
				 fs_ospf_state_name(e->u.adj.to),
				 e->u.adj.reason);
		if (e->u.adj.from != w[k].from || e->u.adj.to != w[k].to ||
		    (w[k].reason && strcmp(e->u.adj.reason, w[k].reason)))
			fail_msg("event %d: %s -> %s (%s), want %s -> %s", k,
				 fs_ospf_state_name(e->u.adj.from),
				 fs_ospf_state_name(e->u.adj.to),
				 e->u.adj.reason, fs_ospf_state_name(w[k].from),
				 fs_ospf_state_name(w[k].to));
		k++;
	}
	assert_int_equal(k, n);
}

/* All emitted, including those past the recording buffer. */
static int count(const struct sim *s, enum fs_event_type t)
{
	return (int)s->bus.emitted[t];
}

static int count_late_of(const struct sim *s, uint32_t rid)
{
	int n = 0;
	for (int i = 0; i < s->n; i++)
		n += s->ev[i].type == FS_EV_HELLO_LATE &&
		     s->ev[i].u.late.router_id == rid;
	return n;
}

static const struct fs_event *last_of(const struct sim *s,
				      enum fs_event_type t)
{
	for (int i = s->n - 1; i >= 0; i--)
		if (s->ev[i].type == t)
			return &s->ev[i];
	return NULL;
}

struct rv {
	struct fs_ospf_router_view v[8];
	int n;
};

static void grab(const struct fs_ospf_router_view *v, void *ctx)
{
	struct rv *r = ctx;
	if (r->n < 8)
		r->v[r->n++] = *v;
}

static const struct fs_ospf_router_view *view(const struct sim *s,
					      struct rv *r, uint32_t rid)
{
	r->n = 0;
	fs_ospf_foreach_router(s->o, grab, r);
	for (int i = 0; i < r->n; i++)
		if (r->v[i].router_id == rid)
			return &r->v[i];
	return NULL;
}

static const struct lsa LA = { 1, R1, R1, 0x80000001 };
static const struct lsa LB = { 1, R2, R2, 0x80000005 };

#define I_M_MS 0x07
#define M_MS 0x03
#define MSB 0x01

/* Hellos, then a DBD exchange where each side lacks the other's LSA. */
static int64_t form(struct sim *s, int64_t t)
{
	hello(s, t, R1, 1, NULL, 0);
	hello(s, t + 1 * S, R2, 2, L1, 1);
	hello(s, t + 2 * S, R1, 1, L2, 1);
	t += 3 * S;
	dbd(s, t, R2, 2, 1, I_M_MS, 100, NULL, 0);
	dbd(s, t + 1 * MS, R1, 1, 2, I_M_MS, 200, NULL, 0);
	dbd(s, t + 2 * MS, R2, 2, 1, I_M_MS, 100, NULL, 0);	/* again */
	dbd(s, t + 10 * MS, R1, 1, 2, 0x02, 100, &LA, 1);	/* slave, M */
	dbd(s, t + 11 * MS, R2, 2, 1, MSB, 101, &LB, 1);	/* master, last */
	dbd(s, t + 12 * MS, R1, 1, 2, 0x00, 101, NULL, 0);	/* slave echo */
	lsr(s, t + 13 * MS, R1, 1, 2, &LB, 1);
	lsu(s, t + 14 * MS, R2, 2, 1, &LB, 1);
	lsr(s, t + 15 * MS, R2, 2, 1, &LA, 1);
	lsu(s, t + 16 * MS, R1, 1, 2, &LA, 1);
	return t + 16 * MS;
}

static void test_formation_to_full(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = form(s, T0);
	static const struct want w[] = {
		{ FS_OSPF_DOWN, FS_OSPF_INIT, "hello lists neighbor" },
		{ FS_OSPF_INIT, FS_OSPF_2WAY, "hellos list each other" },
		{ FS_OSPF_2WAY, FS_OSPF_EXSTART, "initial DBD (I/M/MS)" },
		{ FS_OSPF_EXSTART, FS_OSPF_EXCHANGE, "DBD without I-bit" },
		{ FS_OSPF_EXCHANGE, FS_OSPF_LOADING,
		  "exchange done, requests outstanding" },
		{ FS_OSPF_LOADING, FS_OSPF_FULL, "requested LSAs received" },
	};
	expect_adj(s, 0, w, 6);
	const struct fs_event *e = last_of(s, FS_EV_OSPF_ADJACENCY);
	assert_int_equal(e->ts_us, t);
	assert_int_equal(e->u.adj.vlan, 0);
	assert_true((e->u.adj.router_id == R1 && e->u.adj.neighbor_id == R2) ||
		    (e->u.adj.router_id == R2 && e->u.adj.neighbor_id == R1));
	assert_int_equal(count(s, FS_EV_OSPF_ROUTER), 2);
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 0);
	sim_free(s);
}

/* Full is reached only when the second LSU answers, not after the first. */
static void test_loading_waits_for_both_sides(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = T0;
	hello(s, t, R1, 1, L2, 1);
	hello(s, t + S, R2, 2, L1, 1);
	t += 2 * S;
	dbd(s, t, R2, 2, 1, I_M_MS, 100, NULL, 0);
	dbd(s, t + 1 * MS, R1, 1, 2, 0x02, 100, &LA, 1);
	dbd(s, t + 2 * MS, R2, 2, 1, MSB, 101, &LB, 1);
	dbd(s, t + 3 * MS, R1, 1, 2, 0x00, 101, NULL, 0);
	lsr(s, t + 4 * MS, R1, 1, 2, &LB, 1);
	lsu(s, t + 5 * MS, R2, 2, 1, &LB, 1);
	assert_int_equal(last_of(s, FS_EV_OSPF_ADJACENCY)->u.adj.to,
			 FS_OSPF_LOADING);
	/* R2's LSR never shows; its answer does, flooded to 224.0.0.5. */
	lsu(s, t + 7 * MS, R1, 1, MCAST, &LA, 1);
	assert_int_equal(last_of(s, FS_EV_OSPF_ADJACENCY)->u.adj.to,
			 FS_OSPF_FULL);
	sim_free(s);
}

/* Point-to-point style: nothing to request, Full when the exchange ends. */
static void test_full_without_loading(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = T0;
	hello(s, t, R1, 1, L2, 1);
	hello(s, t + S, R2, 2, L1, 1);
	t += 2 * S;
	dbd(s, t, R1, 1, MCAST, I_M_MS, 7, NULL, 0);
	dbd(s, t + 1 * MS, R2, 2, MCAST, I_M_MS, 9, NULL, 0);
	dbd(s, t + 2 * MS, R1, 1, MCAST, 0x02, 9, &LA, 1);
	dbd(s, t + 3 * MS, R2, 2, MCAST, MSB, 10, &LA, 1);
	dbd(s, t + 4 * MS, R1, 1, MCAST, 0x00, 10, NULL, 0);
	static const struct want w[] = {
		{ FS_OSPF_DOWN, FS_OSPF_INIT, NULL },
		{ FS_OSPF_INIT, FS_OSPF_2WAY, NULL },
		{ FS_OSPF_2WAY, FS_OSPF_EXSTART, NULL },
		{ FS_OSPF_EXSTART, FS_OSPF_EXCHANGE, NULL },
		{ FS_OSPF_EXCHANGE, FS_OSPF_FULL,
		  "exchange done, nothing requested" },
	};
	expect_adj(s, 0, w, 5);
	sim_free(s);
}

static int64_t keep_r2(struct sim *s, int64_t from, int64_t to)
{
	int64_t t;
	for (t = from; t < to; t += 10 * S)
		hello(s, t, R2, 2, L1, 1);
	return t;
}

/* R1 goes silent: hello_late (overdue) the moment its hello is 25 % late,
 * down at last hello + dead, then Full again once it returns. */
static void test_silence_down_and_recovery(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = form(s, T0);
	int64_t last = t + 5 * S;
	hello(s, last, R1, 1, L2, 1);
	int first = s->n;
	keep_r2(s, t + 6 * S, last + 60 * S);
	advance(s, last + 60 * S);

	static const struct want w[] = {
		{ FS_OSPF_FULL, FS_OSPF_DOWN, "dead interval expired" },
	};
	expect_adj(s, first, w, 1);
	const struct fs_event *d = last_of(s, FS_EV_OSPF_ADJACENCY);
	assert_int_equal(d->ts_us, last + 40 * S);
	assert_int_equal(d->u.adj.router_id, R1);
	assert_int_equal(d->u.adj.neighbor_id, R2);
	const struct fs_event *l = last_of(s, FS_EV_HELLO_LATE);
	assert_non_null(l);
	assert_true(l->u.late.silent);
	assert_int_equal(l->u.late.router_id, R1);
	assert_int_equal(l->ts_us, last + 12500 * MS);
	assert_int_equal(l->u.late.gap_ms, 12500);
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 1);

	/* Back: R2 still lists it, so 2-Way at once, then a new exchange. */
	int64_t back = last + 61 * S;
	first = s->n;
	hello(s, back, R1, 1, L2, 1);
	dbd(s, back + 1 * S, R2, 2, 1, I_M_MS, 300, NULL, 0);
	dbd(s, back + 1 * S + 1 * MS, R1, 1, 2, 0x02, 300, NULL, 0);
	dbd(s, back + 1 * S + 2 * MS, R2, 2, 1, MSB, 301, NULL, 0);
	dbd(s, back + 1 * S + 3 * MS, R1, 1, 2, 0x00, 301, NULL, 0);
	static const struct want w2[] = {
		{ FS_OSPF_DOWN, FS_OSPF_2WAY, NULL },
		{ FS_OSPF_2WAY, FS_OSPF_EXSTART, NULL },
		{ FS_OSPF_EXSTART, FS_OSPF_EXCHANGE, NULL },
		{ FS_OSPF_EXCHANGE, FS_OSPF_FULL, NULL },
	};
	expect_adj(s, first, w2, 4);
	/* The return is not told late again: that gap was told overdue. */
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 1);
	sim_free(s);
}

/*
 * The capture interface down for 50 s (longer than the dead interval):
 * both routers' hellos fall in the hole; nothing expires, the timers that
 * ran out are told "not seen", and after the hole the adjacency is as
 * it was. Then R1 really goes silent: down one dead interval after the
 * last hello the capture could have seen (the end of the hole).
 */
static void test_gap_is_not_a_loss(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	struct fs_gaps g;
	fs_gaps_init(&g, &s->bus);
	fs_ospf_set_gaps(s->o, &g);
	int64_t t = form(s, T0);
	int64_t last = t + 5 * S;
	hello(s, last, R1, 1, L2, 1);
	hello(s, last + 500 * MS, R2, 2, L1, 1);
	int first = s->n;
	fs_gaps_link(&g, last + 2 * S, true);
	advance(s, last + 52 * S);
	fs_gaps_link(&g, last + 52 * S, false);
	hello(s, last + 52200 * MS, R2, 2, L1, 1);
	hello(s, last + 52500 * MS, R1, 1, L2, 1);
	advance(s, last + 60 * S);
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 0);
	for (int i = first; i < s->n; i++)
		assert_int_not_equal(s->ev[i].type, FS_EV_OSPF_ADJACENCY);
	assert_true(count(s, FS_EV_OSPF_UNSEEN) >= 2);
	const struct fs_event *u = last_of(s, FS_EV_OSPF_UNSEEN);
	assert_int_equal(u->u.unseen.gap_start_us, last + 2 * S);
	assert_int_equal(count(s, FS_EV_CAPTURE_GAP), 2);

	/* A second hole; R1 stays silent after it, R2 goes on. */
	fs_gaps_link(&g, last + 62 * S, true);
	fs_gaps_link(&g, last + 65 * S, false);
	int64_t end = keep_r2(s, last + 65 * S, last + 130 * S);
	advance(s, end);
	const struct fs_event *d = last_of(s, FS_EV_OSPF_ADJACENCY);
	assert_non_null(d);
	assert_int_equal(d->u.adj.to, FS_OSPF_DOWN);
	assert_int_equal(d->ts_us, last + 65 * S + 40 * S);
	sim_free(s);
}

/* Without ticks the expiry is found when the next packet arrives. */
static void test_dead_checked_on_arrival(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	s->no_tick = true;
	int64_t t = form(s, T0);
	int64_t last = t + S;
	hello(s, last, R1, 1, L2, 1);
	hello(s, last + 9 * S, R2, 2, L1, 1);
	hello(s, last + 45 * S, R2, 2, L1, 1);
	const struct fs_event *d = last_of(s, FS_EV_OSPF_ADJACENCY);
	assert_int_equal(d->u.adj.to, FS_OSPF_DOWN);
	assert_int_equal(d->ts_us, last + 40 * S);
	sim_free(s);
}

static void test_neighbor_dropped(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = form(s, T0);
	int first = s->n;
	hello(s, t + S, R2, 2, NULL, 0);
	static const struct want w[] = {
		{ FS_OSPF_FULL, FS_OSPF_INIT, "hello no longer lists neighbor" },
	};
	expect_adj(s, first, w, 1);
	assert_int_equal(last_of(s, FS_EV_OSPF_ADJACENCY)->u.adj.router_id, R2);
	/* R1 drops it too: nobody lists anybody. */
	hello(s, t + 2 * S, R1, 1, NULL, 0);
	assert_int_equal(last_of(s, FS_EV_OSPF_ADJACENCY)->u.adj.to,
			 FS_OSPF_DOWN);
	sim_free(s);
}

static void test_exstart_restart(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = form(s, T0);
	int first = s->n;
	dbd(s, t + S, R1, 1, 2, I_M_MS, 999, NULL, 0);
	dbd(s, t + 2 * S, R1, 1, 2, I_M_MS, 999, NULL, 0);	/* no progress */
	static const struct want w[] = {
		{ FS_OSPF_FULL, FS_OSPF_EXSTART,
		  "DBD exchange restarted (I-bit)" },
	};
	expect_adj(s, first, w, 1);
	sim_free(s);
}

/* 1 s hellos: a 1.30 s gap then a 0.20 s one: exactly one late event.
 * A 1.20 s gap is within the 25 % margin and is not late. */
static void test_hello_lateness(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	static const int64_t at_ms[] = { 0, 1000, 2000, 3300, 3500, 4500, 5700,
					 6700 };
	/* Each hello mirrored again 30 us later: a copy changes nothing. */
	for (unsigned i = 0; i < sizeof(at_ms) / sizeof(at_ms[0]); i++) {
		hello_iv(s, T0 + at_ms[i] * MS, R1, 1, MCAST, NULL, 0, 1, 4);
		hello_iv(s, T0 + at_ms[i] * MS + 30, R1, 1, MCAST, NULL, 0, 1,
			 4);
	}
	advance(s, T0 + 7 * S);
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 1);
	struct rv r;
	const struct fs_ospf_router_view *v = view(s, &r, R1);
	assert_int_equal(v->gap_max_ms, 1300);
	assert_int_equal(v->last_gap_ms, 1000);
	const struct fs_event *l = last_of(s, FS_EV_HELLO_LATE);
	assert_int_equal(l->ts_us, T0 + 3300 * MS);
	assert_int_equal(l->u.late.hello_interval_ms, 1000);
	assert_int_equal(l->u.late.gap_ms, 1300);
	assert_int_equal(l->u.late.late_ms, 300);
	assert_false(l->u.late.silent);
	sim_free(s);
}


/* A hub's unicast hellos to three spokes are timed per destination. */
static void test_nbma_unicast_hellos(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	for (int round = 0; round < 4; round++) {
		int64_t t = T0 + round * 30 * S;
		for (unsigned d = 2; d <= 4; d++)
			hello_iv(s, t + (d - 2) * MS, R1, 1, d, NULL, 0, 30,
				 120);
	}
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 0);
	struct rv r;
	const struct fs_ospf_router_view *v = view(s, &r, R1);
	assert_non_null(v);
	assert_int_equal(v->last_gap_ms, 30000);
	assert_int_equal(v->gap_max_ms, 30000);
	assert_true(v->gap_mean_ms > 29999.0f && v->gap_mean_ms < 30001.0f);
	assert_true(v->gap_jitter_ms < 1.0f);
	sim_free(s);
}

static void test_router_set(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	uint8_t m1[6], m2[6], m6[6];
	mac_of(m1, 1);
	mac_of(m2, 2);
	mac_of(m6, 6);
	hello(s, T0, R1, 1, NULL, 0);
	hello(s, T0 + S, IP4(6, 6, 6, 6), 6, NULL, 0);	/* nobody lists it */
	assert_false(fs_routers_has_mac(&s->routers, m1));
	hello(s, T0 + 2 * S, R2, 2, L1, 1);
	assert_true(fs_routers_has_mac(&s->routers, m1));
	assert_false(fs_routers_has_mac(&s->routers, m2));
	hello(s, T0 + 3 * S, R1, 1, L2, 1);
	assert_true(fs_routers_has_mac(&s->routers, m2));
	assert_false(fs_routers_has_mac(&s->routers, m6));
	assert_int_equal(s->routers.n_ips, 2);
	assert_int_equal(count(s, FS_EV_OSPF_ROUTER), 3);
	const struct fs_event *e = &s->ev[0];
	assert_int_equal(e->type, FS_EV_OSPF_ROUTER);
	assert_int_equal(e->u.router.router_id, R1);
	assert_int_equal(e->u.router.hello_interval_s, 10);
	assert_int_equal(e->u.router.dead_interval_s, 40);
	assert_int_equal(e->u.router.dr, IP4(10, 0, 0, 2));
	assert_int_equal(e->u.router.netmask, IP4(255, 255, 255, 0));
	sim_free(s);
}

/* One address, router id 2.2.2.2 then 3.3.3.3: the old id ages out. */
static void test_router_id_change(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	hello(s, T0, R2, 2, L1, 1);
	hello(s, T0 + 1 * S, R1, 1, L2, 1);
	hello(s, T0 + 10 * S, R3, 2, L1, 1);
	hello(s, T0 + 11 * S, R1, 1, L3, 1);
	for (int64_t t = T0 + 20 * S; t < T0 + 80 * S; t += 10 * S) {
		hello(s, t, R3, 2, L1, 1);
		hello(s, t + S, R1, 1, L3, 1);
	}
	advance(s, T0 + 80 * S);
	bool saw_down = false;
	for (int i = 0; i < s->n; i++) {
		const struct fs_event *e = &s->ev[i];
		if (e->type != FS_EV_OSPF_ADJACENCY)
			continue;
		bool ghost = e->u.adj.router_id == R2 ||
			     e->u.adj.neighbor_id == R2;
		if (ghost)
			assert_true(e->u.adj.to <= FS_OSPF_2WAY);
		if (ghost && e->u.adj.to == FS_OSPF_DOWN) {
			saw_down = true;
			assert_int_equal(e->ts_us, T0 + 40 * S);
		}
	}
	assert_true(saw_down);
	struct rv r;
	const struct fs_ospf_router_view *v = view(s, &r, R2);
	assert_non_null(v);
	assert_false(v->alive);
	v = view(s, &r, R3);
	assert_true(v->alive);
	assert_int_equal(v->neighbors_listed, 1);
	assert_int_equal(v->neighbor_ids[0], R1);
	sim_free(s);
}

static void test_vlan_absent(void **state)
{
	(void)state;
	struct fs_ospf_config cfg;
	fs_ospf_config_defaults(&cfg);
	cfg.absent_after_s = 60;
	struct sim *s = sim_new(&cfg);
	hello(s, T0, R1, 1, NULL, 0);
	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 1, R2, 0, 0, 0);
	ob_v2_hello(&b, 0, 10, 2, 1, 40, 0, 0, NULL, 0);
	ob_end(&b);
	sendv(s, T0, 2, MCAST, 20, &b);
	for (int i = 0; i <= 70; i++) {
		fs_ospf_seen_vlan(s->o, 10, T0 + i * S);
		fs_ospf_seen_vlan(s->o, 20, T0 + i * S);
		fs_ospf_seen_vlan(s->o, 4095, T0 + i * S);
	}
	fs_ospf_seen_vlan(s->o, 9999, T0);	/* out of range: ignored */
	assert_int_equal(count(s, FS_EV_OSPF_ABSENT), 2);
	const struct fs_event *e = NULL;
	for (int i = 0; i < s->n; i++)
		if (s->ev[i].type == FS_EV_OSPF_ABSENT) {
			e = &s->ev[i];
			break;
		}
	assert_int_equal(e->u.absent.vlan, 10);
	assert_int_equal(e->u.absent.seconds, 60);
	assert_int_equal(e->ts_us, T0 + 60 * S);
	sim_free(s);
}

static void test_table_bounds(void **state)
{
	(void)state;
	struct sim *s = sim_sized(2, 1);
	static const uint32_t both[] = { R2, R3 };
	hello(s, T0, R1, 1, both, 2);
	hello(s, T0 + S, R2, 2, L1, 1);
	hello(s, T0 + 2 * S, R3, 3, L1, 1);
	struct fs_ospf_stats st;
	fs_ospf_stats(s->o, &st);
	assert_int_equal(st.dropped_table_full, 2);	/* one pair, R3 */
	struct rv r;
	view(s, &r, R1);
	assert_int_equal(r.n, 2);
	sim_free(s);
}

static void count_pair(const struct fs_ospf_adj_view *a, void *ctx)
{
	(void)a;
	(*(int *)ctx)++;
}

/*
 * Routers and pairs dead long enough are forgotten: their records and
 * index entries go, and a full table's worth of new ones (one from a
 * forgotten router's address) fits again.
 */
static void test_forget_and_reuse(void **state)
{
	(void)state;
	struct sim *s = sim_sized(3, 2);
	hello(s, T0, R1, 1, L2, 1);
	hello(s, T0, R2, 2, L1, 1);
	hello(s, T0, R3, 3, L1, 1);
	struct rv r;
	int pairs = 0;
	view(s, &r, R1);
	fs_ospf_foreach_adjacency(s->o, count_pair, &pairs);
	assert_int_equal(r.n, 3);
	assert_int_equal(pairs, 2);
	assert_int_equal(fs_ospf_check(s->o), 0);

	/* Dead at 40 s, forgotten 600 s later: timers are judged once
	 * traffic shows the capture was alive past them. */
	fs_ospf_seen_vlan(s->o, 1, T0 + 700 * S);
	advance(s, T0 + 700 * S);
	pairs = 0;
	view(s, &r, R1);
	fs_ospf_foreach_adjacency(s->o, count_pair, &pairs);
	assert_int_equal(r.n, 0);
	assert_int_equal(pairs, 0);
	assert_int_equal(fs_ospf_check(s->o), 0);

	const uint32_t r4 = IP4(4, 4, 4, 4), r5 = IP4(5, 5, 5, 5);
	const uint32_t l4[] = { r4 }, l5[] = { r5 };
	int64_t t = T0 + 701 * S;
	hello(s, t, r4, 1, l5, 1);		/* R1's old address */
	hello(s, t, r5, 2, l4, 1);
	hello(s, t, R3, 3, l4, 1);
	hello(s, t, IP4(6, 6, 6, 6), 6, l4, 1);	/* no room */
	pairs = 0;
	assert_non_null(view(s, &r, r4));
	fs_ospf_foreach_adjacency(s->o, count_pair, &pairs);
	assert_int_equal(r.n, 3);
	assert_int_equal(pairs, 2);
	struct fs_ospf_stats st;
	fs_ospf_stats(s->o, &st);
	assert_true(st.dropped_table_full > 0);
	assert_int_equal(fs_ospf_check(s->o), 0);
	sim_free(s);
}

static void test_lsa_churn_and_malformed(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	const struct lsa x1 = { 5, IP4(10, 9, 0, 0), R1, 1 };
	const struct lsa x2 = { 5, IP4(10, 9, 0, 0), R1, 2 };
	lsu(s, T0 + 100 * MS, R1, 1, MCAST, &x1, 1);
	lsu(s, T0 + 200 * MS, R1, 1, MCAST, &x1, 1);	/* retransmission */
	lsu(s, T0 + 300 * MS, R1, 1, MCAST, &x2, 1);
	advance(s, T0 + S);
	struct rv r;
	const struct fs_ospf_router_view *v = view(s, &r, R1);
	assert_int_equal(v->lsus, 3);
	assert_int_equal(v->lsas_sent, 3);
	assert_int_equal(v->lsa_retransmits, 1);
	assert_int_equal(v->lsus_last_second, 3);
	advance(s, T0 + 2 * S);
	v = view(s, &r, R1);
	assert_int_equal(v->lsus_last_second, 0);
	/* One copy per NBMA neighbor is flooding, not retransmission. */
	lsu(s, T0 + 2 * S + 100 * MS, R1, 1, 2, &x2, 1);
	lsu(s, T0 + 2 * S + 101 * MS, R1, 1, 3, &x2, 1);
	v = view(s, &r, R1);
	assert_int_equal(v->lsa_retransmits, 1);
	lsu(s, T0 + 2 * S + 900 * MS, R1, 1, 3, &x2, 1);
	v = view(s, &r, R1);
	assert_int_equal(v->lsa_retransmits, 2);

	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 1, R2, 0, 0, 0);
	ob_end(&b);
	ob_put16(&b, 2, 200);			/* longer than the payload */
	send(s, T0 + 3 * S, 2, MCAST, &b);
	struct fs_ospf_stats st;
	fs_ospf_stats(s->o, &st);
	assert_int_equal(st.packets, 7);
	assert_int_equal(st.by_type[4], 6);
	assert_int_equal(st.lsas, 6);
	assert_int_equal(st.malformed, 1);
	unsigned bad = 0;
	for (unsigned i = 0; i < 16; i++)
		if (st.malformed_by_reason[i])
			bad = i;
	assert_string_equal(fs_ospf_malformed_name(bad), "bad_length");
	sim_free(s);
}

static void test_print_table(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	form(s, T0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fs_ospf_print_table(s->o, f);
	fclose(f);
	assert_non_null(strstr(buf, "Neighbor ID"));
	/* R1's Hellos name 10.0.0.2 as DR: R2 is FULL/DR from R1. */
	assert_non_null(strstr(buf, "FULL/DR "));
	assert_non_null(strstr(buf, "10.0.0.2"));
	assert_non_null(strstr(buf, "OSPF routers"));
	assert_non_null(strstr(buf, "02:00:00:00:00:01"));
	free(buf);
	sim_free(s);
}

static void esp(struct sim *s, int64_t ts, unsigned src)
{
	advance(s, ts);
	struct fs_pkt p;
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.ip_version = 4;
	p.ip_proto = 50;
	const uint8_t sip[4] = { 10, 0, 0, (uint8_t)src };
	memcpy(p.src_ip, sip, 4);
	fs_ospf_seen_esp(s->o, &p);
}

/* Packets we cannot read still show the router is alive. */
static void test_esp_keeps_router_alive(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = form(s, T0);
	int first = s->n;
	int64_t last_esp = 0;
	for (int64_t x = t + 5 * S; x < t + 70 * S; x += 10 * S) {
		esp(s, x, 1);
		hello(s, x + S, R2, 2, L1, 1);
		last_esp = x;
	}
	expect_adj(s, first, NULL, 0);
	assert_int_equal(count(s, FS_EV_HELLO_LATE), 0);
	esp(s, t + 75 * S, 9);			/* not a router: ignored */
	keep_r2(s, t + 71 * S, t + 130 * S);
	advance(s, t + 130 * S);
	const struct fs_event *d = last_of(s, FS_EV_OSPF_ADJACENCY);
	assert_int_equal(d->u.adj.to, FS_OSPF_DOWN);
	assert_int_equal(d->ts_us, last_esp + 40 * S);
	sim_free(s);
}

static void hello_dr(struct sim *s, int64_t ts, uint32_t rid, unsigned src,
		     const uint32_t *nbrs, unsigned n)
{
	struct ob b = { .n = 0 };
	ob_v2_hdr(&b, 1, rid, 0, 0, 0);
	ob_v2_hello(&b, IP4(255, 255, 255, 0), 10, 0x02, 1, 40,
		    IP4(10, 0, 0, 3), IP4(10, 0, 0, 2), nbrs, n);
	ob_end(&b);
	send(s, ts, src, MCAST, &b);
}

struct pairs {
	struct fs_ospf_adj_view v[8];
	int n;
};

static void grab_pair(const struct fs_ospf_adj_view *v, void *ctx)
{
	struct pairs *p = ctx;
	if (p->n < 8)
		p->v[p->n++] = *v;
}

/* Two DROthers stay 2-Way by design; pairs with the DR/BDR go further. */
static void test_drother_pairs(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	const uint32_t R4 = IP4(4, 4, 4, 4);
	const uint32_t n1[] = { R2, R3, R4 }, n2[] = { R1, R3, R4 },
		       n3[] = { R1, R2, R4 }, n4[] = { R1, R2, R3 };
	hello_dr(s, T0, R1, 1, n1, 3);
	hello_dr(s, T0 + 1 * MS, R2, 2, n2, 3);
	hello_dr(s, T0 + 2 * MS, R3, 3, n3, 3);
	hello_dr(s, T0 + 3 * MS, R4, 4, n4, 3);
	struct pairs p = { .n = 0 };
	fs_ospf_foreach_adjacency(s->o, grab_pair, &p);
	assert_int_equal(p.n, 6);
	for (int i = 0; i < p.n; i++) {
		assert_int_equal(p.v[i].state, FS_OSPF_2WAY);
		bool drothers = p.v[i].router_id == R1 && p.v[i].neighbor_id == R4;
		assert_int_equal(p.v[i].should_be_full, !drothers);
	}
	sim_free(s);
}

/* One router id on two links of one VLAN (two p2p subnets, or an untagged
 * SPAN of two ports): each link's list stands on its own. */
static void test_router_on_two_links(void **state)
{
	(void)state;
	struct sim *s = sim_new(NULL);
	int64_t t = T0, last_b = 0;
	for (int i = 0; i < 3; i++, t += 10 * S) {
		hello(s, t, R1, 1, L2, 1);		/* link A, 10.0.0.1 */
		hello(s, t + 1 * MS, R1, 9, L3, 1);	/* link B, 10.0.0.9 */
		hello(s, t + 2 * MS, R2, 2, L1, 1);
		hello(s, t + 3 * MS, R3, 3, L1, 1);
		last_b = t + 1 * MS;
	}
	int first = s->n;
	for (; t < T0 + 90 * S; t += 10 * S) {		/* link B falls silent */
		hello(s, t, R1, 1, L2, 1);
		hello(s, t + 2 * MS, R2, 2, L1, 1);
	}
	advance(s, t);
	assert_int_equal(count_late_of(s, R1), 0);
	assert_int_equal(count_late_of(s, R3), 1);	/* it did go silent */
	/* Not one "no longer lists" flap; R3's pair goes down when the
	 * link's hellos (and R3's own) pass the dead interval. */
	int downs = 0;
	for (int i = first; i < s->n; i++) {
		const struct fs_event *e = &s->ev[i];
		if (e->type != FS_EV_OSPF_ADJACENCY)
			continue;
		assert_int_equal(e->u.adj.to, FS_OSPF_DOWN);
		assert_true(e->u.adj.router_id == R3 || e->u.adj.neighbor_id == R3);
		assert_string_equal(e->u.adj.reason, "dead interval expired");
		assert_true(e->ts_us <= last_b + 40 * S + 2 * MS);
		downs++;
	}
	assert_int_equal(downs, 1);
	struct rv r;
	const struct fs_ospf_router_view *v = view(s, &r, R1);
	assert_int_equal(v->neighbors_listed, 1);
	assert_int_equal(v->gap_max_ms, 10000);
	sim_free(s);
}

static void count_one(const struct fs_ospf_router_view *v, void *ctx)
{
	(void)v;
	(*(int *)ctx)++;
}

/* Routers come and go for hours: forgotten entries free their slots and
 * the index keeps finding the live ones (backward-shift deletion). */
static void test_table_churn(void **state)
{
	(void)state;
	struct sim *s = sim_sized(40, 8);
	for (uint32_t k = 0; k < 2000; k++)
		hello(s, T0 + (int64_t)k * 20 * S, IP4(10, 1, k >> 8, k & 0xff),
		      1 + (k % 200), NULL, 0);
	struct fs_ospf_stats st;
	fs_ospf_stats(s->o, &st);
	assert_int_equal(st.dropped_table_full, 0);
	assert_int_equal(count(s, FS_EV_OSPF_ROUTER), 2000);
	/* Forgotten 600 s after their last hello: about 32 remain. */
	int n = 0;
	fs_ospf_foreach_router(s->o, count_one, &n);
	assert_in_range(n, 30, 34);
	/* The latest router is found again, not inserted twice. */
	hello(s, T0 + 1999LL * 20 * S + 10 * S, IP4(10, 1, 1999 >> 8, 1999 & 0xff),
	      1 + (1999 % 200), NULL, 0);
	assert_int_equal(count(s, FS_EV_OSPF_ROUTER), 2000);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formation_to_full),
		cmocka_unit_test(test_loading_waits_for_both_sides),
		cmocka_unit_test(test_full_without_loading),
		cmocka_unit_test(test_silence_down_and_recovery),
		cmocka_unit_test(test_dead_checked_on_arrival),
		cmocka_unit_test(test_neighbor_dropped),
		cmocka_unit_test(test_exstart_restart),
		cmocka_unit_test(test_hello_lateness),
		cmocka_unit_test(test_gap_is_not_a_loss),
		cmocka_unit_test(test_nbma_unicast_hellos),
		cmocka_unit_test(test_router_set),
		cmocka_unit_test(test_router_id_change),
		cmocka_unit_test(test_vlan_absent),
		cmocka_unit_test(test_table_bounds),
		cmocka_unit_test(test_forget_and_reuse),
		cmocka_unit_test(test_lsa_churn_and_malformed),
		cmocka_unit_test(test_print_table),
		cmocka_unit_test(test_esp_keeps_router_alive),
		cmocka_unit_test(test_drother_pairs),
		cmocka_unit_test(test_router_on_two_links),
		cmocka_unit_test(test_table_churn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
