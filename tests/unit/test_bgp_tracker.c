/*
 * The BGP tracker on hand-built TCP segments decoded as the agent decodes
 * them: a session brought up (hold negotiated as the smaller), messages
 * split across and packed into segments, retransmissions and mirrored
 * copies, a capture that starts mid-session and one that misses a
 * segment (marker resync), keepalives told late the moment they are
 * overdue, NOTIFICATION / FIN / RST / silent hold expiry ending it, a new
 * connection taking over, and the fixed pools running out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/bgp.h"
#include "floodspot/decode.h"
#include "wire_build.h"

#define S 1000000LL
#define MS 1000LL
#define T0 (1700000000 * S)

struct peer {
	struct wire w;
	uint16_t port;
	uint32_t seq;
};

struct lab {
	struct fs_event_bus bus;
	struct fs_bgp *b;
	struct fs_event ev[64];
	unsigned n_ev;
	struct peer a, z;	/* 10.0.0.1:40000 and 10.0.0.2:179 */
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct lab *l = ctx;
	if (l->n_ev < 64)
		l->ev[l->n_ev++] = *ev;
}

static void lab_init(struct lab *l, const struct fs_bgp_config *cfg)
{
	memset(l, 0, sizeof(*l));
	fs_event_bus_init(&l->bus);
	fs_event_subscribe(&l->bus, on_event, l);
	struct fs_bgp_config def;
	fs_bgp_config_defaults(&def);
	l->b = fs_bgp_create(cfg ? cfg : &def, &l->bus);
	assert_non_null(l->b);
	uint8_t ma[6] = { 2, 0, 0, 0, 0, 1 }, mz[6] = { 2, 0, 0, 0, 0, 2 };
	memcpy(l->a.w.src_mac, ma, 6);
	memcpy(l->a.w.dst_mac, mz, 6);
	memcpy(l->z.w.src_mac, mz, 6);
	memcpy(l->z.w.dst_mac, ma, 6);
	l->a.w.src = l->z.w.dst = W_IP4(10, 0, 0, 1);
	l->a.w.dst = l->z.w.src = W_IP4(10, 0, 0, 2);
	l->a.w.vlan = l->z.w.vlan = 10;
	l->a.port = 40000;
	l->z.port = 179;
	l->a.seq = 1000;
	l->z.seq = 5000;
}

static void lab_fini(struct lab *l)
{
	assert_int_equal(fs_bgp_check(l->b), 0);
	fs_bgp_destroy(l->b);
}

/* One segment from p at seq, as decoded from the wire. */
static void seg_at(struct lab *l, struct peer *p, uint32_t seq, unsigned flags,
		   const uint8_t *d, size_t n, int64_t ts)
{
	struct peer *q = p == &l->a ? &l->z : &l->a;
	static struct mb m;
	wire_tcp(&m, &p->w, p->port, q->port, seq, flags | TCP_F_ACK * (flags != TCP_F_SYN), d, n);
	struct fs_pkt pk;
	wire_decode(&m, ts, &pk);
	assert_int_equal(pk.route, FS_ROUTE_BGP);
	assert_int_equal(pk.tcp_seq, seq);
	fs_bgp_packet(l->b, &pk, m.b);
	assert_int_equal(fs_bgp_check(l->b), 0);
}

/* The next segment from p: its sequence moves on. */
static void seg(struct lab *l, struct peer *p, unsigned flags, const uint8_t *d,
		size_t n, int64_t ts)
{
	seg_at(l, p, p->seq, flags, d, n, ts);
	p->seq += (uint32_t)n + ((flags & (TCP_F_SYN | TCP_F_FIN)) ? 1 : 0);
}

static void hdr(struct mb *m, unsigned type)
{
	mb_fill(m, 0xff, 16);
	mb_be16(m, 0);
	mb_u8(m, type);
}

static size_t end(struct mb *m, size_t start)
{
	mb_put16(m, start + 16, (unsigned)(m->n - start));
	return m->n - start;
}

static size_t msg_open(struct mb *m, unsigned as, unsigned hold, uint32_t id)
{
	size_t s = m->n;
	hdr(m, 1);
	mb_u8(m, 4);
	mb_be16(m, as);
	mb_be16(m, hold);
	mb_be32(m, id);
	mb_u8(m, 0);
	return end(m, s);
}

static size_t msg_keepalive(struct mb *m)
{
	size_t s = m->n;
	hdr(m, 4);
	return end(m, s);
}

/* n_wd withdrawn and n_nlri announced /24s of 10.x.y.0. */
static size_t msg_update(struct mb *m, unsigned n_wd, unsigned n_nlri)
{
	size_t s = m->n;
	hdr(m, 2);
	mb_be16(m, n_wd * 4);
	for (unsigned i = 0; i < n_wd; i++) {
		mb_u8(m, 24);
		mb_u8(m, 10);
		mb_u8(m, 1);
		mb_u8(m, i);
	}
	if (n_nlri) {
		/* ORIGIN IGP, AS_PATH empty, NEXT_HOP 10.0.0.2 */
		mb_be16(m, 4 + 3 + 7);
		mb_u8(m, 0x40); mb_u8(m, 1); mb_u8(m, 1); mb_u8(m, 0);
		mb_u8(m, 0x40); mb_u8(m, 2); mb_u8(m, 0);
		mb_u8(m, 0x40); mb_u8(m, 3); mb_u8(m, 4); mb_be32(m, W_IP4(10, 0, 0, 2));
	} else {
		mb_be16(m, 0);
	}
	for (unsigned i = 0; i < n_nlri; i++) {
		mb_u8(m, 24);
		mb_u8(m, 10);
		mb_u8(m, 2);
		mb_u8(m, i);
	}
	return end(m, s);
}

static size_t msg_notification(struct mb *m, unsigned code, unsigned sub)
{
	size_t s = m->n;
	hdr(m, 3);
	mb_u8(m, code);
	mb_u8(m, sub);
	return end(m, s);
}

static void send_msg(struct lab *l, struct peer *p, struct mb *m, int64_t ts)
{
	seg(l, p, TCP_F_PSH, m->b, m->n, ts);
	m->n = 0;
}

/* SYN, SYN-ACK, OPEN (hold 9) from a, OPEN (hold 3) + KEEPALIVE from z,
 * KEEPALIVE from a: established at T0 + 40 ms with hold 3. */
static void bring_up(struct lab *l)
{
	struct mb m = { .n = 0 };
	seg(l, &l->a, TCP_F_SYN, NULL, 0, T0);
	seg(l, &l->z, TCP_F_SYN | TCP_F_ACK, NULL, 0, T0 + 1 * MS);
	msg_open(&m, 65001, 9, W_IP4(1, 1, 1, 1));
	send_msg(l, &l->a, &m, T0 + 10 * MS);
	msg_open(&m, 65002, 3, W_IP4(2, 2, 2, 2));
	msg_keepalive(&m);
	send_msg(l, &l->z, &m, T0 + 20 * MS);
	msg_keepalive(&m);
	send_msg(l, &l->a, &m, T0 + 40 * MS);
}

struct views {
	struct fs_bgp_session_view v[4];
	unsigned n;
};

static void collect(const struct fs_bgp_session_view *v, void *ctx)
{
	struct views *vs = ctx;
	if (vs->n < 4)
		vs->v[vs->n++] = *v;
}

static struct fs_bgp_session_view one(struct lab *l)
{
	struct views vs = { .n = 0 };
	fs_bgp_foreach(l->b, collect, &vs);
	assert_int_equal(vs.n, 1);
	return vs.v[0];
}

static void test_establish(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	assert_int_equal(l.n_ev, 3);
	assert_int_equal(l.ev[0].type, FS_EV_SESSION);
	assert_int_equal(l.ev[0].u.session.to, FS_BGP_OPENSENT);
	assert_int_equal(l.ev[1].u.session.to, FS_BGP_OPENCONFIRM);
	assert_string_equal(l.ev[1].u.session.reason,
			    "open from 10.0.0.2, hold 3 s");
	const struct fs_ev_session *up = &l.ev[2].u.session;
	assert_true(up->up);
	assert_false(up->down);
	assert_int_equal(up->from, FS_BGP_OPENCONFIRM);
	assert_int_equal(up->to, FS_BGP_ESTABLISHED);
	assert_int_equal(l.ev[2].ts_us, T0 + 20 * MS);
	assert_int_equal(up->seg.vlan, 10);
	assert_int_equal(up->id[0], 65001);
	assert_int_equal(up->id[1], 65002);
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.state, FS_BGP_ESTABLISHED);
	assert_int_equal(v.hold_s, 3);
	assert_int_equal(v.side[0].keepalive_ms, 1000);
	assert_int_equal(v.side[1].keepalive_ms, 1000);
	assert_int_equal(v.side[0].bgp_id, W_IP4(1, 1, 1, 1));
	assert_int_equal(v.side[1].port, 179);
	assert_int_equal(v.ups, 1);
	lab_fini(&l);
}

/* A header split after 7 bytes, a body over three segments, and three
 * messages in one segment. */
static void test_split_and_packed(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	struct mb m = { .n = 0 };
	size_t len = msg_update(&m, 0, 20);
	assert_true(len > 80);
	int64_t t = T0 + 100 * MS;
	seg(&l, &l.z, TCP_F_PSH, m.b, 7, t);
	seg(&l, &l.z, TCP_F_PSH, m.b + 7, 40, t + 1 * MS);
	seg(&l, &l.z, TCP_F_PSH, m.b + 47, len - 47, t + 2 * MS);
	m.n = 0;
	msg_keepalive(&m);
	msg_update(&m, 3, 0);
	msg_keepalive(&m);
	send_msg(&l, &l.a, &m, t + 3 * MS);
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.side[1].updates, 1);
	assert_int_equal(v.side[1].announced, 20);
	assert_int_equal(v.side[0].updates, 1);
	assert_int_equal(v.side[0].withdrawn, 3);
	assert_int_equal(v.side[0].keepalives, 3);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.resyncs, 0);
	assert_int_equal(st.by_type[FS_BGP_UPDATE], 2);
	lab_fini(&l);
}

/* The same segment mirrored twice is a copy; sent again later, a
 * retransmission; neither is counted twice. A retransmission that
 * overlaps new data yields only the new bytes. */
static void test_retransmit_and_copy(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	struct mb m = { .n = 0 };
	msg_keepalive(&m);
	uint32_t seq = l.z.seq;
	int64_t t = T0 + 1 * S;
	send_msg(&l, &l.z, &m, t);
	msg_keepalive(&m);
	seg_at(&l, &l.z, seq, TCP_F_PSH, m.b, m.n, t + 30);
	seg_at(&l, &l.z, seq, TCP_F_PSH, m.b, m.n, t + 200 * MS);
	/* old keepalive + new update, from the old sequence number */
	size_t ka = m.n;
	msg_update(&m, 1, 0);
	seg_at(&l, &l.z, seq, TCP_F_PSH, m.b, m.n, t + 400 * MS);
	l.z.seq = seq + (uint32_t)m.n;
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.side[1].keepalives, 2);	/* one from bring_up */
	assert_int_equal(v.side[1].withdrawn, 1);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.copies, 1);
	assert_int_equal(st.retransmits, 2);
	(void)ka;
	lab_fini(&l);
}

/* No SYN, no OPEN: the first segment starts inside a message; the stream
 * is found at the marker, and both speakers' keepalives establish it. */
static void test_midstream(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	struct mb m = { .n = 0 };
	msg_update(&m, 0, 4);
	size_t tail = m.n - 9;
	memmove(m.b, m.b + 9, tail);
	m.n = tail;
	msg_keepalive(&m);
	send_msg(&l, &l.z, &m, T0);
	assert_int_equal(l.n_ev, 0);	/* one side only so far */
	msg_keepalive(&m);
	send_msg(&l, &l.a, &m, T0 + 5 * MS);
	assert_int_equal(l.n_ev, 1);
	assert_true(l.ev[0].u.session.up);
	assert_int_equal(l.ev[0].u.session.from, FS_BGP_IDLE);
	assert_string_equal(l.ev[0].u.session.reason,
			    "capture started mid-session");
	/* Keepalives every 30 s teach the interval. */
	for (int i = 1; i <= 4; i++) {
		msg_keepalive(&m);
		send_msg(&l, &l.z, &m, T0 + i * 30 * S);
		msg_keepalive(&m);
		send_msg(&l, &l.a, &m, T0 + i * 30 * S + 5 * MS);
	}
	struct fs_bgp_session_view v = one(&l);
	assert_true(v.midstream);
	assert_int_equal(v.side[1].keepalive_ms, 30000);
	assert_true(v.side[1].keepalive_learned);
	assert_int_equal(v.side[1].updates, 0);	/* the cut one is lost */
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.resyncs, 2);
	assert_int_equal(st.resync_bytes, tail);
	lab_fini(&l);
}

/* The capture misses a segment: the message in progress is dropped and
 * the stream is found again at the next marker. */
static void test_hole(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	struct mb m = { .n = 0 };
	size_t len = msg_update(&m, 0, 30);
	int64_t t = T0 + 1 * S;
	seg(&l, &l.z, TCP_F_PSH, m.b, 50, t);
	l.z.seq += 50;		/* 50 bytes never captured */
	struct mb rest = { .n = 0 };
	mb_bytes(&rest, m.b + 100, len - 100);
	msg_keepalive(&rest);
	send_msg(&l, &l.z, &rest, t + 2 * MS);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.holes, 1);
	assert_int_equal(st.hole_bytes, 50);
	assert_int_equal(st.resyncs, 1);
	assert_int_equal(st.resync_bytes, len - 100);
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.side[1].updates, 0);
	assert_int_equal(v.side[1].keepalives, 2);
	assert_int_equal(v.state, FS_BGP_ESTABLISHED);
	lab_fini(&l);
}

/* Keepalive interval 1 s (hold 3), kept to the millisecond: the margin
 * narrows to 50 ms, and the interval that runs past it is told at that
 * moment, once; the late keepalive and the early one after
 * it tell nothing more. */
static void test_keepalive_late(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	struct mb m = { .n = 0 };
	int64_t t = T0 + 1 * S;
	for (int i = 0; i < 3; i++) {
		msg_keepalive(&m);
		send_msg(&l, &l.z, &m, t + i * S);
		msg_keepalive(&m);
		send_msg(&l, &l.a, &m, t + i * S + 2 * MS);
		fs_bgp_tick(l.b, t + i * S + 100 * MS);
	}
	unsigned before = l.n_ev;
	int64_t last = t + 2 * S;
	msg_keepalive(&m);
	send_msg(&l, &l.a, &m, last + 1 * S);	/* a stays on time */
	fs_bgp_tick(l.b, last + 1040 * MS);
	assert_int_equal(l.n_ev, before);
	fs_bgp_tick(l.b, last + 1100 * MS);
	assert_int_equal(l.n_ev, before + 1);
	const struct fs_event *e = &l.ev[before];
	assert_int_equal(e->type, FS_EV_SESSION_LATE);
	assert_true(e->u.slate.silent);
	assert_int_equal(e->u.slate.interval_ms, 1000);
	assert_int_equal(e->u.slate.from[3], 2);	/* 10.0.0.2 */
	/* The margin narrowed to the jitter seen: 50 ms floor. */
	assert_int_equal(e->ts_us, last + 1050 * MS);
	fs_bgp_tick(l.b, last + 1700 * MS);
	msg_keepalive(&m);
	send_msg(&l, &l.z, &m, last + 1800 * MS);
	msg_keepalive(&m);
	send_msg(&l, &l.z, &m, last + 2000 * MS);
	assert_int_equal(l.n_ev, before + 1);
	struct fs_bgp_session_view v = one(&l);
	const struct fs_arrivals *z = v.side[1].timing;
	assert_int_equal(z->late, 1);
	assert_int_equal(z->max_gap_ms, 1800);
	lab_fini(&l);
}

/* The survivor's hold timer expires: its NOTIFICATION ends the session,
 * named by code; the starved side's queued keepalive after it is a pair
 * the machine does not expect. */
static void test_notification(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	struct mb m = { .n = 0 };
	msg_notification(&m, 4, 0);
	send_msg(&l, &l.a, &m, T0 + 3 * S);
	const struct fs_ev_session *d = &l.ev[l.n_ev - 1].u.session;
	assert_true(d->down);
	assert_int_equal(d->to, FS_BGP_IDLE);
	assert_int_equal(d->by, 0);
	assert_int_equal(d->code, 4);
	assert_string_equal(d->reason,
			    "notification hold_timer_expired from 10.0.0.1");
	/* z, the end that went unheard, last spoke at T0 + 20 ms. */
	assert_int_equal(d->silent_ms, 2980);
	assert_false(d->unseen);
	msg_keepalive(&m);
	send_msg(&l, &l.z, &m, T0 + 3100 * MS);
	seg(&l, &l.a, TCP_F_FIN, NULL, 0, T0 + 3200 * MS);
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.downs, 1);
	assert_int_equal(v.side[0].last_code, 4);
	assert_int_equal(v.unexpected, 1);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.fsm_unexpected, 1);
	assert_string_equal(v.last_down_reason,
			    "notification hold_timer_expired from 10.0.0.1");
	lab_fini(&l);
}

/* Nothing closes it: silent past the hold time plus a tenth of it, the
 * session is declared lost, at the expiry itself. */
static void test_hold_inferred(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	struct mb m = { .n = 0 };
	msg_keepalive(&m);
	send_msg(&l, &l.a, &m, T0 + 1 * S);
	int64_t told = 0;
	for (int64_t t = T0 + 1100 * MS; t < T0 + 6 * S; t += 100 * MS) {
		fs_bgp_tick(l.b, t);
		if (!told && l.ev[l.n_ev - 1].type == FS_EV_SESSION &&
		    l.ev[l.n_ev - 1].u.session.down)
			told = t;
	}
	/* Expiry at T0 + 3.02 s, told after 0.3 s more: the next tick. */
	assert_int_equal(told, T0 + 3400 * MS);
	const struct fs_event *e = &l.ev[l.n_ev - 1];
	assert_int_equal(e->type, FS_EV_SESSION);
	assert_true(e->u.session.down);
	assert_int_equal(e->u.session.by, FS_SESS_BY_WIRE);
	/* z's last message was at T0 + 20 ms */
	assert_int_equal(e->ts_us, T0 + 20 * MS + 3 * S);
	assert_string_equal(e->u.session.reason,
			    "hold time expired: nothing from 10.0.0.2 for 3.0 s");
	assert_int_equal(e->u.session.silent_ms, 3000);
	assert_false(e->u.session.unseen);
	lab_fini(&l);
}

/* The same silence with the capture blind inside it (a re-based clock):
 * the loss is told, marked unseen. */
static void test_hold_unseen(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	struct fs_gaps g;
	fs_gaps_init(&g, NULL);
	fs_bgp_set_gaps(l.b, &g);
	bring_up(&l);
	struct mb m = { .n = 0 };
	msg_keepalive(&m);
	send_msg(&l, &l.a, &m, T0 + 1 * S);
	fs_gaps_mark(&g, T0 + 2 * S, FS_GAP_CLOCK_STEP);
	for (int64_t t = T0 + 1100 * MS; t < T0 + 6 * S; t += 100 * MS)
		fs_bgp_tick(l.b, t);
	const struct fs_event *e = &l.ev[l.n_ev - 1];
	assert_int_equal(e->type, FS_EV_SESSION);
	assert_true(e->u.session.down);
	assert_true(e->u.session.unseen);
	/* z's keepalive was told overdue at T0 + 1.1 s, before the blind
	 * span: seen. */
	for (unsigned i = 0; i < l.n_ev; i++)
		if (l.ev[i].type == FS_EV_SESSION_LATE)
			assert_int_equal(l.ev[i].u.slate.unseen,
					 l.ev[i].ts_us >= T0 + 2 * S);
	lab_fini(&l);
}

static void test_fin_and_rst(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	seg(&l, &l.z, TCP_F_FIN, NULL, 0, T0 + 1 * S);
	assert_string_equal(l.ev[l.n_ev - 1].u.session.reason,
			    "tcp fin from 10.0.0.2");
	assert_true(l.ev[l.n_ev - 1].u.session.down);
	/* a new connection, then reset */
	l.a.port = 40001;
	bring_up(&l);
	assert_true(l.ev[l.n_ev - 1].u.session.up);
	seg(&l, &l.a, TCP_F_RST, NULL, 0, T0 + 2 * S);
	assert_string_equal(l.ev[l.n_ev - 1].u.session.reason,
			    "tcp reset from 10.0.0.1");
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.ups, 2);
	assert_int_equal(v.downs, 2);
	lab_fini(&l);
}

/* A restarted speaker opens a new connection while the old one still
 * looks established: once the new one is established it takes over. */
static void test_new_connection(void **state)
{
	(void)state;
	struct lab l;
	lab_init(&l, NULL);
	bring_up(&l);
	unsigned before = l.n_ev;
	l.a.port = 40002;
	l.a.seq = 90000;
	l.z.seq = 70000;
	bring_up(&l);
	assert_int_equal(l.n_ev, before + 2);
	assert_true(l.ev[before].u.session.down);
	assert_string_equal(l.ev[before].u.session.reason,
			    "replaced by a new connection");
	assert_true(l.ev[before + 1].u.session.up);
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.side[0].port, 40002);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.connections_replaced, 1);
	lab_fini(&l);
}

/* One buffer: a second split message waits for none, is passed over and
 * counted by its header; the buffer comes back. */
static void test_pool(void **state)
{
	(void)state;
	struct fs_bgp_config cfg;
	fs_bgp_config_defaults(&cfg);
	cfg.buffers = 1;
	struct lab l;
	lab_init(&l, &cfg);
	bring_up(&l);
	struct mb u = { .n = 0 };
	size_t len = msg_update(&u, 0, 10);
	int64_t t = T0 + 1 * S;
	seg(&l, &l.z, TCP_F_PSH, u.b, 30, t);
	seg(&l, &l.a, TCP_F_PSH, u.b, 30, t);
	seg(&l, &l.a, TCP_F_PSH, u.b + 30, len - 30, t + 1 * MS);
	seg(&l, &l.z, TCP_F_PSH, u.b + 30, len - 30, t + 1 * MS);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.unparsed_no_buffer, 1);
	struct fs_bgp_session_view v = one(&l);
	assert_int_equal(v.side[1].updates, 1);
	assert_int_equal(v.side[1].announced, 10);
	assert_int_equal(v.side[0].updates, 1);
	assert_int_equal(v.side[0].announced, 0);
	lab_fini(&l);
}

/* Two established sessions fill a table of two: a third is refused and
 * counted; once one is down, it may be evicted for a newcomer. */
static void test_table_full(void **state)
{
	(void)state;
	struct fs_bgp_config cfg;
	fs_bgp_config_defaults(&cfg);
	cfg.max_sessions = 2;
	struct lab l;
	lab_init(&l, &cfg);
	bring_up(&l);
	l.a.w.src = l.z.w.dst = W_IP4(10, 0, 0, 3);
	bring_up(&l);
	l.a.w.src = l.z.w.dst = W_IP4(10, 0, 0, 4);
	seg(&l, &l.a, TCP_F_SYN, NULL, 0, T0 + 1 * S);
	struct fs_bgp_stats st;
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.sessions_full, 1);
	l.a.w.src = l.z.w.dst = W_IP4(10, 0, 0, 3);
	seg(&l, &l.a, TCP_F_RST, NULL, 0, T0 + 2 * S);
	l.a.w.src = l.z.w.dst = W_IP4(10, 0, 0, 4);
	l.a.port = 40009;
	seg(&l, &l.a, TCP_F_SYN, NULL, 0, T0 + 3 * S);
	fs_bgp_stats(l.b, &st);
	assert_int_equal(st.sessions_evicted, 1);
	lab_fini(&l);
}

static void test_machine(void **state)
{
	(void)state;
	assert_int_equal(fs_fsm_check(fs_bgp_fsm()), 0);
	assert_string_equal(fs_bgp_state_name(FS_BGP_OPENCONFIRM), "openconfirm");
	assert_string_equal(fs_bgp_state_name(FS_BGP_STATES), "unknown");
	struct fs_bgp_config cfg;
	fs_bgp_config_defaults(&cfg);
	cfg.max_sessions = 0;
	assert_null(fs_bgp_create(&cfg, NULL));
	assert_int_equal(fs_bgp_memory(&cfg), 0);
	fs_bgp_config_defaults(&cfg);
	assert_true(fs_bgp_memory(&cfg) > 64 * FS_BGP_MAX_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_establish),
		cmocka_unit_test(test_split_and_packed),
		cmocka_unit_test(test_retransmit_and_copy),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_keepalive_late),
		cmocka_unit_test(test_notification),
		cmocka_unit_test(test_hold_inferred),
		cmocka_unit_test(test_hold_unseen),
		cmocka_unit_test(test_fin_and_rst),
		cmocka_unit_test(test_new_connection),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
