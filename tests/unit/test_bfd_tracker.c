/*
 * The BFD tracker on hand-built control packets decoded as the agent
 * decodes them: the three-way handshake, the agreed intervals and
 * detection times, a late packet told the moment it is overdue, the
 * session going down by each diagnostic or by both ends falling silent,
 * an end's word taken over a state the table did not expect, demand mode,
 * discriminator changes, refused packets and a full table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/bfd.h"
#include "wire_build.h"

#define S 1000000LL
#define MS 1000LL
#define T0 (1700000000 * S)

struct end {
	struct wire w;
	uint32_t disc;
	uint32_t tx_us, rx_us;
	unsigned mult;
};

struct lab {
	struct fs_event_bus bus;
	struct fs_bfd *b;
	struct fs_event ev[128];
	unsigned n_ev;
	struct end a, z;	/* 10.0.0.1, 10.0.0.2 */
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct lab *l = ctx;
	if (l->n_ev < 128)
		l->ev[l->n_ev++] = *ev;
}

static void lab_init(struct lab *l, const struct fs_bfd_config *cfg)
{
	memset(l, 0, sizeof(*l));
	fs_event_bus_init(&l->bus);
	fs_event_subscribe(&l->bus, on_event, l);
	struct fs_bfd_config def;
	fs_bfd_config_defaults(&def);
	l->b = fs_bfd_create(cfg ? cfg : &def, &l->bus);
	assert_non_null(l->b);
	l->a.w.src = l->z.w.dst = W_IP4(10, 0, 0, 1);
	l->a.w.dst = l->z.w.src = W_IP4(10, 0, 0, 2);
	l->a.w.src_mac[5] = l->z.w.dst_mac[5] = 1;
	l->a.w.dst_mac[5] = l->z.w.src_mac[5] = 2;
	l->a.w.ttl = l->z.w.ttl = 255;
	l->a.disc = 0x11;
	l->z.disc = 0x22;
	l->a.tx_us = l->z.tx_us = 100000;
	l->a.rx_us = l->z.rx_us = 100000;
	l->a.mult = l->z.mult = 3;
}

static void lab_fini(struct lab *l)
{
	assert_int_equal(fs_bfd_check(l->b), 0);
	fs_bfd_destroy(l->b);
}

/* A control packet from e: state, diagnostic, flags; your discriminator
 * the peer's unless the state is Down/AdminDown. */
static void ctl(struct lab *l, struct end *e, unsigned state, unsigned diag,
		unsigned flags, int64_t ts)
{
	struct end *peer = e == &l->a ? &l->z : &l->a;
	struct mb m = { .n = 0 };
	mb_u8(&m, 1 << 5 | diag);
	mb_u8(&m, state << 6 | flags);
	mb_u8(&m, e->mult);
	mb_u8(&m, 24);
	mb_be32(&m, e->disc);
	mb_be32(&m, state >= FS_BFD_INIT ? peer->disc : 0);
	mb_be32(&m, e->tx_us);
	mb_be32(&m, e->rx_us);
	mb_be32(&m, 0);
	static struct mb f;
	wire_udp(&f, &e->w, 49152, 3784, m.b, m.n);
	struct fs_pkt p;
	wire_decode(&f, ts, &p);
	assert_int_equal(p.route, FS_ROUTE_BFD);
	fs_bfd_packet(l->b, &p, f.b);
	assert_int_equal(fs_bfd_check(l->b), 0);
}

/* Down / Init / Up from both: up at T0 + 2 ms. */
static void bring_up(struct lab *l)
{
	ctl(l, &l->a, FS_BFD_DOWN, 0, 0, T0);
	ctl(l, &l->z, FS_BFD_INIT, 0, 0, T0 + 1 * MS);
	ctl(l, &l->a, FS_BFD_UP, 0, 0, T0 + 2 * MS);
	ctl(l, &l->z, FS_BFD_UP, 0, 0, T0 + 3 * MS);
}

static struct fs_bfd_session_view view;

static void keep(const struct fs_bfd_session_view *v, void *ctx)
{
	(*(unsigned *)ctx)++;
	view = *v;
}

static const struct fs_bfd_session_view *one(struct lab *l)
{
	unsigned n = 0;
	fs_bfd_foreach(l->b, keep, &n);
	assert_int_equal(n, 1);
	return &view;
}

static const struct fs_ev_session *last_session(struct lab *l)
{
	for (unsigned i = l->n_ev; i-- > 0;)
		if (l->ev[i].type == FS_EV_SESSION)
			return &l->ev[i].u.session;
	fail();
	return NULL;
}

static void test_handshake(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	l.a.tx_us = 50000;
	l.z.rx_us = 20000;
	bring_up(&l);
	const struct fs_ev_session *up = last_session(&l);
	assert_true(up->up);
	assert_int_equal(up->proto, FS_SESS_BFD);
	assert_int_equal(up->by, 1);	/* z's Up made it */
	assert_int_equal(up->id[0], 0x11);
	assert_int_equal(up->id[1], 0x22);
	const struct fs_bfd_session_view *v = one(&l);
	assert_true(v->up);
	assert_int_equal(v->port, 3784);
	/* a sends at max(its 50 ms, z's 20 ms); z at max(100, 100). */
	assert_int_equal(v->end[0].interval_us, 50000);
	assert_int_equal(v->end[0].detect_us, 150000);
	assert_int_equal(v->end[1].interval_us, 100000);
	assert_int_equal(v->end[0].state, FS_BFD_UP);
	assert_int_equal(v->ups, 1);
	assert_int_equal(v->unexpected, 0);
	lab_fini(&l);
}

/* 100 ms steady: the packet 150 ms after the last is told overdue at
 * 125 ms, at the tick that passes it. */
static void test_late(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	int64_t t = T0 + 100 * MS;
	for (int i = 0; i < 5; i++) {
		ctl(&l, &l.a, FS_BFD_UP, 0, 0, t + i * 100 * MS);
		ctl(&l, &l.z, FS_BFD_UP, 0, 0, t + i * 100 * MS + 5 * MS);
	}
	unsigned before = l.n_ev;
	int64_t last = t + 400 * MS;
	fs_bfd_tick(l.b, last + 120 * MS);
	assert_int_equal(l.n_ev, before);
	fs_bfd_tick(l.b, last + 130 * MS);
	assert_int_equal(l.n_ev, before + 1);
	const struct fs_event *e = &l.ev[before];
	assert_int_equal(e->type, FS_EV_SESSION_LATE);
	assert_int_equal(e->ts_us, last + 125 * MS);
	assert_true(e->u.slate.silent);
	assert_int_equal(e->u.slate.interval_ms, 100);
	assert_int_equal(e->u.slate.group, 0x11);
	ctl(&l, &l.z, FS_BFD_UP, 0, 0, last + 105 * MS);
	ctl(&l, &l.a, FS_BFD_UP, 0, 0, last + 150 * MS);
	assert_int_equal(l.n_ev, before + 1);
	const struct fs_bfd_session_view *v = one(&l);
	assert_int_equal(v->end[0].late_total, 1);
	lab_fini(&l);
}

/* a falls silent; z's detection time runs out and it says so (diag 1):
 * the session is down by z's word. a's own silence is told later, at
 * its detection time, without a second session event. */
static void test_detection_expired(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	ctl(&l, &l.a, FS_BFD_UP, 0, 0, T0 + 100 * MS);
	ctl(&l, &l.z, FS_BFD_UP, 0, 0, T0 + 103 * MS);
	ctl(&l, &l.z, FS_BFD_DOWN, FS_BFD_DIAG_DETECTION_EXPIRED, 0,
	    T0 + 400 * MS);
	const struct fs_ev_session *d = last_session(&l);
	assert_true(d->down);
	assert_int_equal(d->by, 1);
	assert_int_equal(d->code, FS_BFD_DIAG_DETECTION_EXPIRED);
	assert_string_equal(d->reason,
			    "10.0.0.2 reports down (control_detection_time_expired)");
	unsigned sessions = 0;
	for (int64_t t = T0 + 500 * MS; t < T0 + 2 * S; t += 100 * MS)
		fs_bfd_tick(l.b, t);
	for (unsigned i = 0; i < l.n_ev; i++)
		if (l.ev[i].type == FS_EV_SESSION && l.ev[i].u.session.down)
			sessions++;
	assert_int_equal(sessions, 1);
	d = last_session(&l);
	assert_int_equal(d->to, FS_BFD_END_SILENT);
	assert_int_equal(d->by, FS_SESS_BY_WIRE);
	const struct fs_bfd_session_view *v = one(&l);
	assert_int_equal(v->end[0].state, FS_BFD_END_SILENT);
	assert_int_equal(v->downs, 1);
	lab_fini(&l);
}

/* Neither end says anything more: the session is lost when the second
 * falls silent, stamped with its detection time. */
static void test_both_silent(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	ctl(&l, &l.a, FS_BFD_UP, 0, 0, T0 + 100 * MS);
	ctl(&l, &l.z, FS_BFD_UP, 0, 0, T0 + 150 * MS);
	for (int64_t t = T0 + 200 * MS; t < T0 + 2 * S; t += 100 * MS)
		fs_bfd_tick(l.b, t);
	const struct fs_event *e = NULL;
	for (unsigned i = 0; i < l.n_ev; i++)
		if (l.ev[i].type == FS_EV_SESSION && l.ev[i].u.session.down)
			e = &l.ev[i];
	assert_non_null(e);
	assert_int_equal(e->ts_us, T0 + 150 * MS + 300 * MS);
	assert_string_equal(e->u.session.reason,
			    "nothing from 10.0.0.2 for 300 ms (detection time)");
	lab_fini(&l);
}

/* Each way down names its diagnostic: administratively down, answered
 * by neighbor signaled down. */
static void test_admin_down(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	ctl(&l, &l.z, FS_BFD_ADMIN_DOWN, FS_BFD_DIAG_ADMIN_DOWN, 0, T0 + 50 * MS);
	const struct fs_ev_session *d = last_session(&l);
	assert_true(d->down);
	assert_int_equal(d->to, FS_BFD_ADMIN_DOWN);
	assert_int_equal(d->code, FS_BFD_DIAG_ADMIN_DOWN);
	ctl(&l, &l.a, FS_BFD_DOWN, FS_BFD_DIAG_NEIGHBOR_DOWN, 0, T0 + 60 * MS);
	d = last_session(&l);
	assert_false(d->down);
	assert_int_equal(d->code, FS_BFD_DIAG_NEIGHBOR_DOWN);
	assert_string_equal(d->reason,
			    "10.0.0.1 reports down (neighbor_signaled_session_down)");
	lab_fini(&l);
}

/* Up straight to Init: not a move an end makes (a Down was missed). It
 * is counted, and the end's word is taken: the session is down. */
static void test_unexpected(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	ctl(&l, &l.a, FS_BFD_INIT, 0, 0, T0 + 50 * MS);
	const struct fs_bfd_session_view *v = one(&l);
	assert_int_equal(v->unexpected, 1);
	assert_int_equal(v->end[0].state, FS_BFD_INIT);
	assert_false(v->up);
	struct fs_bfd_stats st;
	fs_bfd_stats(l.b, &st);
	assert_int_equal(st.fsm_unexpected, 1);
	assert_int_equal(fs_fsm_check(fs_bfd_fsm()), 0);
	lab_fini(&l);
}

/* The peer set the Demand bit: a stops its periodic packets and is not
 * judged late for it. A new discriminator is a restart; refused packets
 * are counted, never a state. */
static void test_demand_disc_refused(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	ctl(&l, &l.z, FS_BFD_UP, 0, FS_BFD_FLAG_D, T0 + 50 * MS);
	ctl(&l, &l.a, FS_BFD_UP, 0, 0, T0 + 60 * MS);
	unsigned before = l.n_ev;
	for (int64_t t = T0 + 100 * MS; t < T0 + 400 * MS; t += 100 * MS) {
		ctl(&l, &l.z, FS_BFD_UP, 0, FS_BFD_FLAG_D, t);
		fs_bfd_tick(l.b, t + 1);
	}
	assert_int_equal(l.n_ev, before);
	l.a.disc = 0x99;
	ctl(&l, &l.a, FS_BFD_DOWN, 0, 0, T0 + 500 * MS);
	l.a.mult = 0;
	ctl(&l, &l.a, FS_BFD_DOWN, 0, 0, T0 + 600 * MS);
	struct fs_bfd_stats st;
	fs_bfd_stats(l.b, &st);
	assert_int_equal(st.disc_changes, 1);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.malformed_by_reason[FS_BFD_R_ZERO_MULT], 1);
	assert_int_equal(one(&l)->end[0].my_disc, 0x99);
	lab_fini(&l);
}

/* A table of one: an up session is kept, a second refused and counted;
 * once it is down, a newcomer evicts it. */
static void test_table_full(void **state)
{
	(void)state;
	struct fs_bfd_config cfg;
	fs_bfd_config_defaults(&cfg);
	cfg.max_sessions = 1;
	struct lab l;
	lab_init(&l, &cfg);
	bring_up(&l);
	struct end c = l.a;
	c.w.src = W_IP4(10, 0, 0, 3);
	ctl(&l, &c, FS_BFD_DOWN, 0, 0, T0 + 10 * MS);
	struct fs_bfd_stats st;
	fs_bfd_stats(l.b, &st);
	assert_int_equal(st.sessions_full, 1);
	ctl(&l, &l.a, FS_BFD_ADMIN_DOWN, FS_BFD_DIAG_ADMIN_DOWN, 0, T0 + 20 * MS);
	ctl(&l, &c, FS_BFD_DOWN, 0, 0, T0 + 30 * MS);
	fs_bfd_stats(l.b, &st);
	assert_int_equal(st.sessions_evicted, 1);
	assert_int_equal(one(&l)->end[0].ip[3], 2);	/* 10.0.0.2-10.0.0.3 */
	assert_string_equal(fs_bfd_end_state_name(FS_BFD_END_SILENT), "silent");
	assert_string_equal(fs_bfd_end_state_name(99), "unknown");
	lab_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_detection_expired),
		cmocka_unit_test(test_both_silent),
		cmocka_unit_test(test_admin_down),
		cmocka_unit_test(test_unexpected),
		cmocka_unit_test(test_demand_disc_refused),
		cmocka_unit_test(test_table_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
