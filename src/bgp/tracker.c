/*
 * Passive BGP tracker: the public entry points.
 *
 *   tracker.c  create/destroy, the session table, per-segment dispatch
 *              to connections, tick (overdue keepalives, hold expiry)
 *   stream.c   TCP reassembly as far as framing needs, marker resync
 *   fsm.c      the connection state table, messages, session events
 *   print.c    views, the --sessions table, stats
 *
 * Wire parsing is decode's (fs_bgp_frame, fs_bgp_parse): the tracker
 * reads the TCP payload only to find message boundaries.
 */
#include <stdlib.h>
#include <string.h>

#include "floodspot/decode.h"

#include "bgp_priv.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10
#define PROTO_TCP 6

#define HOLD_GRACE_MIN_US 200000

void fs_bgp_config_defaults(struct fs_bgp_config *cfg)
{
	cfg->keepalive_late_ratio = 0.25f;
	cfg->max_sessions = 1024;
	cfg->buffers = 64;
	cfg->hold_grace_ms = 1000;
}

static bool config_ok(const struct fs_bgp_config *cfg)
{
	return cfg && cfg->max_sessions > 0 && cfg->max_sessions <= (1u << 20) &&
	       cfg->buffers <= (1u << 16);
}

size_t fs_bgp_memory(const struct fs_bgp_config *cfg)
{
	if (!config_ok(cfg))
		return 0;
	return sizeof(struct fs_bgp) + sizeof(struct fs_bgp_msg) +
	       fs_sess_table_memory(cfg->max_sessions,
				    sizeof(struct fs_bgp_sess)) +
	       (size_t)cfg->buffers * (FS_BGP_MAX_LEN + sizeof(uint32_t));
}

struct fs_bgp *fs_bgp_create(const struct fs_bgp_config *cfg,
			     struct fs_event_bus *bus)
{
	if (!config_ok(cfg))
		return NULL;
	struct fs_bgp *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cfg = *cfg;
	b->bus = bus;
	fs_hkey_init(&b->hkey, 0);
	fs_fsm_counts_init(&b->fsm);
	b->msg = malloc(sizeof(*b->msg));
	b->bufs = malloc((size_t)cfg->buffers * FS_BGP_MAX_LEN + 1);
	b->buf_free = malloc(((size_t)cfg->buffers + 1) * sizeof(uint32_t));
	if (fs_sess_table_init(&b->tab, cfg->max_sessions,
			       sizeof(struct fs_bgp_sess)) < 0 ||
	    !b->msg || !b->bufs || !b->buf_free) {
		fs_bgp_destroy(b);
		return NULL;
	}
	b->sess = (struct fs_bgp_sess *)(void *)b->tab.recs;
	/* Lowest buffer first, so runs are repeatable. */
	for (uint32_t i = 0; i < cfg->buffers; i++)
		b->buf_free[i] = cfg->buffers - 1 - i;
	b->n_free = cfg->buffers;
	return b;
}

void fs_bgp_set_gaps(struct fs_bgp *b, const struct fs_gaps *gaps)
{
	b->gaps = gaps;
}

void fs_bgp_destroy(struct fs_bgp *b)
{
	if (!b)
		return;
	fs_sess_table_fini(&b->tab);
	free(b->msg);
	free(b->bufs);
	free(b->buf_free);
	free(b);
}

void fs_bgp_emit(struct fs_bgp *b, struct fs_event *ev)
{
	if (b->bus)
		fs_event_emit(b->bus, ev);
}

uint8_t *fs_bgp_buf(struct fs_bgp *b, uint32_t slot)
{
	return b->bufs + (size_t)slot * FS_BGP_MAX_LEN;
}

uint32_t fs_bgp_buf_get(struct fs_bgp *b)
{
	return b->n_free ? b->buf_free[--b->n_free] : FS_HIDX_NONE;
}

void fs_bgp_buf_put(struct fs_bgp *b, uint32_t slot)
{
	b->buf_free[b->n_free++] = slot;
}

void fs_bgp_conn_free(struct fs_bgp *b, struct fs_bgp_conn *c)
{
	fs_bgp_stream_release(b, &c->st[0]);
	fs_bgp_stream_release(b, &c->st[1]);
	memset(c, 0, sizeof(*c));
}

void fs_bgp_conn_reset(struct fs_bgp *b, struct fs_bgp_conn *c,
		       const uint16_t port[2], int64_t ts)
{
	fs_bgp_conn_free(b, c);
	c->used = true;
	c->fresh = true;
	c->port[0] = port[0];
	c->port[1] = port[1];
	c->since_us = ts;
	c->state = FS_BGP_IDLE;
	fs_bgp_stream_init(&c->st[0]);
	fs_bgp_stream_init(&c->st[1]);
}

/* (segment, IP version, both addresses); the record settles a tie. */
struct key {
	const struct fs_bgp *b;
	struct fs_seg seg;
	uint8_t ipv;
	const uint8_t *ip[2];
	struct fs_hword h;
};

static struct key make_key(const struct fs_bgp *b, struct fs_seg seg,
			   uint8_t ipv, const uint8_t *lo, const uint8_t *hi)
{
	struct key k = { b, seg, ipv, { lo, hi },
			 fs_sess_key(&b->hkey, seg, ipv, 0, lo, hi) };
	return k;
}

static bool key_match(const void *ctx, uint32_t idx)
{
	const struct key *k = ctx;
	const struct fs_bgp_sess *s = &k->b->sess[idx];
	return fs_seg_eq(s->seg, k->seg) && s->ip_version == k->ipv &&
	       memcmp(s->side[0].ip, k->ip[0], 16) == 0 &&
	       memcmp(s->side[1].ip, k->ip[1], 16) == 0;
}

static struct fs_bgp_sess *sess_find(const struct fs_bgp *b, const struct key *k)
{
	return fs_sess_table_find(&b->tab, k->h, key_match, k);
}

static void sess_del(void *tracker, void *rec)
{
	struct fs_bgp *b = tracker;
	struct fs_bgp_sess *s = rec;
	struct key k = make_key(b, s->seg, s->ip_version, s->side[0].ip,
				s->side[1].ip);
	fs_bgp_conn_free(b, &s->conn[0]);
	fs_bgp_conn_free(b, &s->conn[1]);
	fs_sess_table_drop(&b->tab, k.h, s);
}

/* A full table lets a session not established go for a newcomer. */
static bool evictable(const void *rec)
{
	const struct fs_bgp_sess *s = rec;
	return s->used && s->conn[s->cur].state != FS_BGP_ESTABLISHED;
}

static struct fs_bgp_sess *sess_get(struct fs_bgp *b, const struct key *k,
				    int64_t ts)
{
	struct fs_bgp_sess *s = fs_sess_table_take(&b->tab, k->h, evictable,
						   sess_del, b);
	if (!s)
		return NULL;
	s->used = true;
	s->seg = k->seg;
	s->ip_version = k->ipv;
	for (int i = 0; i < 2; i++) {
		memcpy(s->side[i].ip, k->ip[i], 16);
		fs_arrivals_init(&s->side[i].ka, 0);
		s->side[i].ka.copy_us = 0;
	}
	s->first_us = ts;
	return s;
}

/* The connection a segment belongs to, by ports; a new one takes an
 * idle slot, or the other slot while the session's is in use. */
static struct fs_bgp_conn *pick_conn(struct fs_bgp *b, struct fs_bgp_sess *s,
				     const uint16_t port[2], bool syn,
				     int64_t ts)
{
	for (int i = 0; i < 2; i++) {
		struct fs_bgp_conn *c = &s->conn[i];
		if (c->used && !c->done && c->port[0] == port[0] &&
		    c->port[1] == port[1])
			return c;
	}
	struct fs_bgp_conn *cur = fs_bgp_cur(s), *oth = fs_bgp_other(s);
	if (!cur->used || cur->done || cur->state == FS_BGP_IDLE) {
		fs_bgp_conn_reset(b, cur, port, ts);
		return cur;
	}
	if (!oth->used || oth->done || oth->state == FS_BGP_IDLE || syn) {
		fs_bgp_conn_reset(b, oth, port, ts);
		return oth;
	}
	b->st.connections_ignored++;
	return NULL;
}

/* Connections closed or replaced while the packet was handled. */
static void sweep(struct fs_bgp *b, struct fs_bgp_sess *s)
{
	for (int i = 0; i < 2; i++)
		if (s->conn[i].done)
			fs_bgp_conn_free(b, &s->conn[i]);
}

/* Keepalives overdue, hold times expired: at each tick, and before a
 * session's own segment is read. */
static void session_timers(struct fs_bgp *b, struct fs_bgp_sess *s,
			   int64_t now_us)
{
	struct fs_bgp_conn *c = fs_bgp_cur(s);
	if (c->state == FS_BGP_ESTABLISHED) {
		fs_bgp_check_overdue(b, s, now_us);
		int64_t grace = s->hold_us / 10;
		if (grace < HOLD_GRACE_MIN_US)
			grace = HOLD_GRACE_MIN_US;
		if (grace > (int64_t)b->cfg.hold_grace_ms * 1000)
			grace = (int64_t)b->cfg.hold_grace_ms * 1000;
		for (int i = 0; s->hold_us && i < 2; i++) {
			int64_t last = s->side[i].last_msg_us;
			if (last && now_us - last > s->hold_us + grace) {
				fs_bgp_hold_expired(b, s, i, last + s->hold_us);
				break;
			}
		}
	}
}

void fs_bgp_packet(struct fs_bgp *b, const struct fs_pkt *p,
		   const uint8_t *frame)
{
	if (p->route != FS_ROUTE_BGP || p->ip_proto != PROTO_TCP ||
	    (p->ip_version != 4 && p->ip_version != 6))
		return;
	if (p->ts_us > b->now_us)
		b->now_us = p->ts_us;
	b->st.segments++;
	struct fs_cursor pay = fs_decode_payload(p, frame);
	uint32_t n = pay.failed ? 0 : (uint32_t)pay.left;
	b->st.payload_bytes += n;
	uint8_t fl = p->tcp_flags;
	bool syn = fl & TCP_SYN, rst = fl & TCP_RST, fin = fl & TCP_FIN;

	int side = fs_sess_side(p);
	const uint8_t *lo = side ? p->dst_ip : p->src_ip;
	const uint8_t *hi = side ? p->src_ip : p->dst_ip;
	struct key k = make_key(b, fs_pkt_seg(p), p->ip_version, lo, hi);
	struct fs_bgp_sess *s = sess_find(b, &k);
	if (!s) {
		/* A bare ACK, FIN or RST of nothing we know tells nothing. */
		if (!syn && (n == 0 || rst))
			return;
		s = sess_get(b, &k, p->ts_us);
		if (!s)
			return;
	}
	session_timers(b, s, p->ts_us);
	s->last_us = p->ts_us;
	if (n == 0 && !(fl & (TCP_SYN | TCP_FIN | TCP_RST)))
		return;		/* a bare ACK */
	uint16_t port[2];
	port[side] = p->src_port;
	port[1 - side] = p->dst_port;
	struct fs_bgp_conn *c = pick_conn(b, s, port, syn && !(fl & TCP_ACK),
					  p->ts_us);
	if (!c)
		return;
	c->last_us = p->ts_us;
	struct fs_bgp_where w = { s, c, side, p->ts_us };
	struct fs_bgp_stream *st = &c->st[side];
	uint32_t seq = p->tcp_seq;
	if (rst) {
		fs_bgp_tcp_event(b, &w, FS_BGP_EV_RST);
		sweep(b, s);
		return;
	}
	if (syn) {
		fs_bgp_stream_syn(st, seq);
		fs_bgp_tcp_event(b, &w, (fl & TCP_ACK) ? FS_BGP_EV_SYNACK
						       : FS_BGP_EV_SYN);
		seq++;
	}
	if (n > 0 && !c->done)
		fs_bgp_stream_segment(b, &w, seq, pay.pos, n);
	if (fin && !c->done && !st->fin) {
		st->fin = true;
		st->next_seq++;
		fs_bgp_tcp_event(b, &w, FS_BGP_EV_FIN);
	}
	sweep(b, s);
}

static void roll_second(struct fs_bgp_sess *s)
{
	s->upd_last = s->upd_cur;
	s->wd_last = s->wd_cur;
	s->upd_cur = s->wd_cur = 0;
}

static void tick_session(struct fs_bgp *b, struct fs_bgp_sess *s,
			 int64_t now_us)
{
	session_timers(b, s, now_us);
	struct fs_bgp_conn *o = fs_bgp_other(s);
	if (o->used && now_us - o->last_us > FS_BGP_PENDING_US)
		o->done = true;
	sweep(b, s);
	struct fs_bgp_conn *c = fs_bgp_cur(s);
	if (c->state != FS_BGP_ESTABLISHED &&
	    now_us - s->last_us > FS_BGP_FORGET_US)
		sess_del(b, s);
}

struct tick_ctx {
	struct fs_bgp *b;
	int64_t now_us;
	bool roll;
};

static void tick_one(void *rec, void *ctx)
{
	const struct tick_ctx *t = ctx;
	if (t->roll)
		roll_second(rec);
	tick_session(t->b, rec, t->now_us);
}

static void forget_one(void *rec, void *ctx)
{
	sess_del(ctx, rec);
}

void fs_bgp_forget(struct fs_bgp *b)
{
	fs_sess_table_each(&b->tab, forget_one, b);
}

void fs_bgp_tick(struct fs_bgp *b, int64_t now_us)
{
	if (now_us > b->now_us)
		b->now_us = now_us;
	int64_t sec = now_us / FS_BGP_USEC * FS_BGP_USEC;
	struct tick_ctx t = { b, now_us, sec > b->second_us };
	if (t.roll)
		b->second_us = sec;
	fs_sess_table_each(&b->tab, tick_one, &t);
}

int fs_bgp_check(const struct fs_bgp *b)
{
	if (b->n_free > b->cfg.buffers)
		return -1;
	uint32_t used = 0, held = 0;
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++) {
		const struct fs_bgp_sess *s = &b->sess[i];
		if (!s->used)
			continue;
		used++;
		struct key k = make_key(b, s->seg, s->ip_version, s->side[0].ip,
					s->side[1].ip);
		if (sess_find(b, &k) != s || s->cur > 1 ||
		    s->conn[s->cur].state >= FS_BGP_STATES)
			return -1;
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++) {
				const struct fs_bgp_stream *st = &s->conn[c].st[d];
				if (st->buf)
					held++;
				if (st->buf > b->cfg.buffers ||
				    st->have > st->msg_len ||
				    st->hdr_n >= FS_BGP_HDR_LEN ||
				    (st->msg_len && !st->buf))
					return -1;
			}
	}
	if (fs_sess_table_check(&b->tab, used) != 0 ||
	    held + b->n_free != b->cfg.buffers)
		return -1;
	return 0;
}
