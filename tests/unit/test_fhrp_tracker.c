/*
 * The VRRP/CARP/HSRP tracker on hand-built adverts decoded as the agent
 * decodes them: the first master, its adverts told late the moment they
 * are overdue, each cause of a change of master (preempted, master
 * silent, resigned), a master lost with no successor and its return, two
 * masters at once, HSRP's Active/Standby hellos with a Coup and a hold
 * time failover, CARP's skew, refused adverts and the table's bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/fhrp.h"
#include "wire_build.h"

#define S 1000000LL
#define MS 1000LL
#define T0 (1700000000 * S)

struct lab {
	struct fs_event_bus bus;
	struct fs_fhrp *f;
	struct fs_event ev[64];
	unsigned n_ev;
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct lab *l = ctx;
	if (l->n_ev < 64)
		l->ev[l->n_ev++] = *ev;
}

static void lab_init(struct lab *l, const struct fs_fhrp_config *cfg)
{
	memset(l, 0, sizeof(*l));
	fs_event_bus_init(&l->bus);
	fs_event_subscribe(&l->bus, on_event, l);
	struct fs_fhrp_config def;
	fs_fhrp_config_defaults(&def);
	l->f = fs_fhrp_create(cfg ? cfg : &def, &l->bus);
	assert_non_null(l->f);
}

static void lab_fini(struct lab *l)
{
	assert_int_equal(fs_fhrp_check(l->f), 0);
	fs_fhrp_destroy(l->f);
}

static void feed(struct lab *l, const struct mb *m, int64_t ts)
{
	struct fs_pkt p;
	wire_decode(m, ts, &p);
	fs_fhrp_packet(l->f, &p, m->b);
	assert_int_equal(fs_fhrp_check(l->f), 0);
}

static struct wire from(unsigned host)
{
	struct wire w = { .ttl = 255, .vlan = 20 };
	w.src_mac[5] = (uint8_t)host;
	w.dst_mac[0] = 1;
	w.dst_mac[2] = 0x5e;
	w.dst_mac[5] = 0x12;
	w.src = W_IP4(10, 0, 0, host);
	w.dst = W_IP4(224, 0, 0, 18);
	return w;
}

/* VRRPv3 over IPv4 (RFC 5798 5.1), VRID 7, VIP 10.0.0.254, 1 s. */
static void vrrp3(struct lab *l, unsigned host, unsigned prio, int64_t ts)
{
	struct mb a = { .n = 0 };
	mb_u8(&a, 0x31);
	mb_u8(&a, 7);
	mb_u8(&a, prio);
	mb_u8(&a, 1);
	mb_be16(&a, 100);	/* centiseconds */
	mb_be16(&a, 0);
	mb_be32(&a, W_IP4(10, 0, 0, 254));
	struct wire w = from(host);
	static struct mb m;
	wire_raw(&m, &w, 112, a.b, a.n);
	feed(l, &m, ts);
}

/* HSRPv1 (RFC 2281 5.1): group 1, hello 3 s, hold 10 s. */
#define HSRP_ACTIVE 16
#define HSRP_STANDBY 8
static void hsrp(struct lab *l, unsigned host, unsigned opcode, unsigned state,
		 unsigned prio, int64_t ts)
{
	struct mb a = { .n = 0 };
	mb_u8(&a, 0);
	mb_u8(&a, opcode);
	mb_u8(&a, state);
	mb_u8(&a, 3);
	mb_u8(&a, 10);
	mb_u8(&a, prio);
	mb_u8(&a, 1);
	mb_u8(&a, 0);
	mb_bytes(&a, "cisco\0\0\0", 8);
	mb_be32(&a, W_IP4(10, 0, 0, 254));
	struct wire w = from(host);
	w.dst = W_IP4(224, 0, 0, 2);
	static struct mb m;
	wire_udp(&m, &w, 1985, 1985, a.b, a.n);
	feed(l, &m, ts);
}

/* CARP (OpenBSD ip_carp.h): VHID 3, advbase 1 s, its skew. */
static void carp(struct lab *l, unsigned host, unsigned skew, int64_t ts)
{
	struct mb a = { .n = 0 };
	mb_u8(&a, 0x21);
	mb_u8(&a, 3);
	mb_u8(&a, skew);
	mb_u8(&a, 7);
	mb_u8(&a, 0);		/* demote */
	mb_u8(&a, 1);		/* advbase */
	mb_be16(&a, 0);
	mb_be32(&a, 0);
	mb_be32(&a, 1);		/* counter */
	mb_fill(&a, 0, 20);	/* HMAC */
	struct wire w = from(host);
	static struct mb m;
	wire_raw(&m, &w, 112, a.b, a.n);
	feed(l, &m, ts);
}

static const struct fs_ev_fhrp_master *master_ev(struct lab *l, unsigned k)
{
	unsigned seen = 0;
	for (unsigned i = 0; i < l->n_ev; i++)
		if (l->ev[i].type == FS_EV_FHRP_MASTER && seen++ == k)
			return &l->ev[i].u.master;
	fail_msg("no master event %u", k);
	return NULL;
}

static unsigned count(struct lab *l, enum fs_event_type t)
{
	unsigned n = 0;
	for (unsigned i = 0; i < l->n_ev; i++)
		n += l->ev[i].type == t;
	return n;
}

static struct fs_fhrp_group_view gv;

static void keep(const struct fs_fhrp_group_view *v, void *ctx)
{
	(*(unsigned *)ctx)++;
	gv = *v;
}

static const struct fs_fhrp_group_view *one(struct lab *l)
{
	unsigned n = 0;
	fs_fhrp_foreach(l->f, keep, &n);
	assert_int_equal(n, 1);
	return &gv;
}

/* 10.0.0.1 (100) advertises every second, to the millisecond: once its
 * rhythm is known the margin is 50 ms, and the advert due then is told
 * late at that moment. 10.0.0.2 (200) then preempts it. */
static void test_first_late_preempt(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	for (int i = 0; i < 4; i++)
		vrrp3(&l, 1, 100, T0 + i * S);
	const struct fs_ev_fhrp_master *e = master_ev(&l, 0);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_FIRST);
	assert_int_equal(e->ip[3], 1);
	assert_int_equal(e->seg.vlan, 20);
	assert_int_equal(e->group, 7);
	assert_int_equal(e->proto, FS_FHRP_VRRP3);
	fs_fhrp_tick(l.f, T0 + 3 * S + 1040 * MS);
	assert_int_equal(count(&l, FS_EV_SESSION_LATE), 0);
	fs_fhrp_tick(l.f, T0 + 3 * S + 1100 * MS);
	assert_int_equal(count(&l, FS_EV_SESSION_LATE), 1);
	const struct fs_event *late = &l.ev[l.n_ev - 1];
	assert_int_equal(late->ts_us, T0 + 3 * S + 1050 * MS);
	assert_int_equal(late->u.slate.fhrp, FS_FHRP_VRRP3);
	assert_int_equal(late->u.slate.group, 7);
	vrrp3(&l, 1, 100, T0 + 4200 * MS);
	vrrp3(&l, 2, 200, T0 + 4500 * MS);
	e = master_ev(&l, 1);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_PREEMPT);
	assert_int_equal(e->ip[3], 2);
	assert_int_equal(e->priority, 200);
	assert_int_equal(e->old_ip[3], 1);
	assert_int_equal(e->old_priority, 100);
	assert_int_equal(e->silent_ms, 300);
	const struct fs_fhrp_group_view *v = one(&l);
	assert_int_equal(v->state, FS_FHRP_MASTER);
	assert_int_equal(v->changes, 1);
	assert_int_equal(v->speaker[v->master].priority, 200);
	assert_int_equal(v->late_total, 1);
	assert_int_equal(v->n_vips, 1);
	lab_fini(&l);
}

/* The master stops; a lower backup takes over after the down interval:
 * master silent. Then the new one resigns (priority 0): the next is
 * there because it resigned. */
static void test_silent_and_resigned(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	vrrp3(&l, 1, 200, T0);
	vrrp3(&l, 1, 200, T0 + 1 * S);
	vrrp3(&l, 2, 100, T0 + 4600 * MS);
	const struct fs_ev_fhrp_master *e = master_ev(&l, 1);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_SILENT);
	assert_int_equal(e->silent_ms, 3600);
	vrrp3(&l, 2, 0, T0 + 5 * S);
	vrrp3(&l, 3, 50, T0 + 5200 * MS);
	e = master_ev(&l, 2);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_RESIGNED);
	assert_int_equal(e->ip[3], 3);
	lab_fini(&l);
}

/* Nobody takes over: lost at the end of the down interval (3 s + the
 * longest skew); the same master coming back is told too. */
static void test_lost_and_returned(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	vrrp3(&l, 1, 100, T0);
	for (int64_t t = T0 + 500 * MS; t < T0 + 6 * S; t += 100 * MS)
		fs_fhrp_tick(l.f, t);
	const struct fs_event *lost = NULL;
	for (unsigned i = 0; i < l.n_ev; i++)
		if (l.ev[i].type == FS_EV_FHRP_MASTER &&
		    l.ev[i].u.master.cause == FS_FHRP_CAUSE_LOST)
			lost = &l.ev[i];
	assert_non_null(lost);
	assert_int_equal(lost->ts_us, T0 + 3 * S + 1 * S * 255 / 256);
	assert_int_equal(lost->u.master.ip[3], 0);
	assert_int_equal(lost->u.master.old_ip[3], 1);
	assert_int_equal(one(&l)->state, FS_FHRP_LOST);
	vrrp3(&l, 1, 100, T0 + 7 * S);
	assert_int_equal(master_ev(&l, 2)->cause, FS_FHRP_CAUSE_RETURNED);
	assert_int_equal(one(&l)->state, FS_FHRP_MASTER);
	lab_fini(&l);
}

/* A lower priority advertising while the master is on time: two
 * masters, told once; when the second falls silent, settled. */
static void test_dual(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	for (int i = 0; i < 4; i++) {
		vrrp3(&l, 1, 200, T0 + i * S);
		if (i)
			vrrp3(&l, 2, 100, T0 + i * S + 100 * MS);
	}
	assert_int_equal(count(&l, FS_EV_FHRP_MASTER), 2);
	assert_int_equal(master_ev(&l, 1)->cause, FS_FHRP_CAUSE_DUAL);
	assert_int_equal(one(&l)->state, FS_FHRP_CONTENDED);
	for (int i = 4; i < 10; i++) {
		vrrp3(&l, 1, 200, T0 + i * S);
		fs_fhrp_tick(l.f, T0 + i * S + 1);
	}
	assert_int_equal(one(&l)->state, FS_FHRP_MASTER);
	assert_int_equal(one(&l)->speaker[one(&l)->master].priority, 200);
	lab_fini(&l);
}

/* HSRP: the Standby's hellos claim nothing; a Coup does (preempted);
 * then the new Active stops and the Standby takes over after the hold
 * time (master silent). */
static void test_hsrp(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	for (int i = 0; i < 3; i++) {
		hsrp(&l, 30, 0, HSRP_ACTIVE, 100, T0 + i * 3 * S);
		hsrp(&l, 20, 0, HSRP_STANDBY, 90, T0 + i * 3 * S + 10 * MS);
	}
	assert_int_equal(count(&l, FS_EV_FHRP_MASTER), 1);
	hsrp(&l, 10, 1, 0x04, 200, T0 + 7 * S);	/* Coup from Speak */
	const struct fs_ev_fhrp_master *e = master_ev(&l, 1);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_PREEMPT);
	assert_int_equal(e->ip[3], 10);
	hsrp(&l, 10, 0, HSRP_ACTIVE, 200, T0 + 7100 * MS);
	hsrp(&l, 30, 0, HSRP_STANDBY, 100, T0 + 8 * S);
	hsrp(&l, 30, 0, HSRP_STANDBY, 100, T0 + 11 * S);
	hsrp(&l, 30, 0, HSRP_STANDBY, 100, T0 + 14 * S);
	hsrp(&l, 30, 0, HSRP_ACTIVE, 100, T0 + 17100 * MS);
	e = master_ev(&l, 2);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_SILENT);
	assert_int_equal(e->silent_ms, 10000);
	struct fs_fhrp_stats st;
	fs_fhrp_stats(l.f, &st);
	assert_int_equal(st.not_claims, 6);
	lab_fini(&l);
}

/* CARP: the smaller skew advertises faster and wins. */
static void test_carp(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	carp(&l, 1, 100, T0);
	carp(&l, 2, 0, T0 + 200 * MS);
	const struct fs_ev_fhrp_master *e = master_ev(&l, 1);
	assert_int_equal(e->cause, FS_FHRP_CAUSE_PREEMPT);
	assert_int_equal(e->proto, FS_FHRP_CARP);
	carp(&l, 1, 100, T0 + 400 * MS);
	assert_int_equal(master_ev(&l, 2)->cause, FS_FHRP_CAUSE_DUAL);
	lab_fini(&l);
}

/* A group of one with six speakers keeps four, never the master; a
 * second group is refused while the first has a master; a VRRP packet
 * that is no advertisement is refused and counted. */
static void test_bounds(void **state)
{
	(void)state;
	struct fs_fhrp_config cfg;
	fs_fhrp_config_defaults(&cfg);
	cfg.max_groups = 1;
	struct lab l;
	lab_init(&l, &cfg);
	vrrp3(&l, 1, 250, T0);
	for (unsigned h = 2; h <= 6; h++)
		vrrp3(&l, h, 10, T0 + h * 100 * MS);
	struct fs_fhrp_stats st;
	fs_fhrp_stats(l.f, &st);
	assert_int_equal(st.speakers_replaced, 2);
	assert_int_equal(one(&l)->n_speakers, FS_FHRP_SPEAKERS);
	assert_int_equal(one(&l)->speaker[one(&l)->master].ip[3], 1);
	hsrp(&l, 9, 0, HSRP_ACTIVE, 100, T0 + 1 * S);
	fs_fhrp_stats(l.f, &st);
	assert_int_equal(st.groups_full, 1);
	struct wire w = from(1);
	static struct mb m;
	/* type 2: not an advertisement */
	wire_raw(&m, &w, 112,
		 (const uint8_t *)"\x32\x07\x64\x01\x00\x64\x00\x00\x0a\x00\x00\xfe",
		 12);
	feed(&l, &m, T0 + 2 * S);
	fs_fhrp_stats(l.f, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.malformed_by_reason[FS_FHRP_R_BAD_TYPE], 1);
	assert_int_equal(fs_fsm_check(fs_fhrp_fsm()), 0);
	assert_string_equal(fs_fhrp_cause_name(FS_FHRP_CAUSE_SILENT),
			    "master_silent");
	assert_string_equal(fs_fhrp_cause_name(FS_FHRP_CAUSES), "unknown");
	assert_string_equal(fs_fhrp_state_name(FS_FHRP_CONTENDED), "contended");
	lab_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_late_preempt),
		cmocka_unit_test(test_silent_and_resigned),
		cmocka_unit_test(test_lost_and_returned),
		cmocka_unit_test(test_dual),
		cmocka_unit_test(test_hsrp),
		cmocka_unit_test(test_carp),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
