/*
 * The BGP connection state machine as seen from outside (RFC 4271 8):
 * which message or TCP event moves a connection where, and what each
 * move means for the session: up, down with its reason, the hold time
 * negotiated. Also each message's counts and timing.
 */
#include <stdio.h>
#include <string.h>

#include "floodspot/fmt.h"

#include "bgp_priv.h"

enum action {
	A_NONE,
	A_OPEN_PEER,	/* both OPENs: the hold time is negotiated */
	A_UP,
	A_MIDSTREAM,	/* up, OPENs never seen */
	A_CLOSE,
};

#define B(s) FS_FSM_BIT(FS_BGP_##s)
#define OPEN_OR_LATER (B(OPENSENT) | B(OPENCONFIRM) | B(ESTABLISHED))

static const struct fs_fsm_row rows[] = {
	{ B(IDLE) | B(CONNECT), FS_BGP_EV_SYN, A_NONE, FS_BGP_CONNECT },
	{ B(IDLE) | B(CONNECT), FS_BGP_EV_SYNACK, A_NONE, FS_BGP_CONNECT },
	{ B(IDLE) | B(CONNECT), FS_BGP_EV_OPEN, A_NONE, FS_BGP_OPENSENT },
	{ B(OPENSENT), FS_BGP_EV_OPEN_PEER, A_OPEN_PEER, FS_BGP_OPENCONFIRM },
	{ B(OPENCONFIRM), FS_BGP_EV_KEEPALIVE, A_UP, FS_BGP_ESTABLISHED },
	{ B(ESTABLISHED), FS_BGP_EV_KEEPALIVE, A_NONE, FS_FSM_STAY },
	{ B(ESTABLISHED), FS_BGP_EV_UPDATE, A_NONE, FS_FSM_STAY },
	{ B(ESTABLISHED), FS_BGP_EV_REFRESH, A_NONE, FS_FSM_STAY },
	{ B(IDLE), FS_BGP_EV_MIDSTREAM, A_MIDSTREAM, FS_BGP_ESTABLISHED },
	{ B(CONNECT) | OPEN_OR_LATER, FS_BGP_EV_NOTIFICATION, A_CLOSE,
	  FS_BGP_IDLE },
	{ B(CONNECT) | OPEN_OR_LATER, FS_BGP_EV_FIN, A_CLOSE, FS_BGP_IDLE },
	{ B(CONNECT) | OPEN_OR_LATER, FS_BGP_EV_RST, A_CLOSE, FS_BGP_IDLE },
	/* The other direction's FIN, a NOTIFICATION answering one, or the
	 * first thing a capture shows. */
	{ B(IDLE), FS_BGP_EV_NOTIFICATION, A_NONE, FS_FSM_STAY },
	{ B(IDLE), FS_BGP_EV_FIN, A_NONE, FS_FSM_STAY },
	{ B(IDLE), FS_BGP_EV_RST, A_NONE, FS_FSM_STAY },
	{ B(OPENCONFIRM) | B(ESTABLISHED), FS_BGP_EV_HOLD_EXPIRED, A_CLOSE,
	  FS_BGP_IDLE },
};

static const char *const state_names[FS_BGP_STATES] = {
	[FS_BGP_IDLE] = "idle",
	[FS_BGP_CONNECT] = "connect",
	[FS_BGP_OPENSENT] = "opensent",
	[FS_BGP_OPENCONFIRM] = "openconfirm",
	[FS_BGP_ESTABLISHED] = "established",
};

static const char *const event_names[FS_BGP_EVENTS] = {
	[FS_BGP_EV_SYN] = "syn",
	[FS_BGP_EV_SYNACK] = "syn_ack",
	[FS_BGP_EV_OPEN] = "open",
	[FS_BGP_EV_OPEN_PEER] = "open_peer",
	[FS_BGP_EV_KEEPALIVE] = "keepalive",
	[FS_BGP_EV_UPDATE] = "update",
	[FS_BGP_EV_REFRESH] = "route_refresh",
	[FS_BGP_EV_NOTIFICATION] = "notification",
	[FS_BGP_EV_FIN] = "fin",
	[FS_BGP_EV_RST] = "rst",
	[FS_BGP_EV_HOLD_EXPIRED] = "hold_expired",
	[FS_BGP_EV_MIDSTREAM] = "midstream",
};

const char *fs_bgp_state_name(unsigned s)
{
	return s < FS_BGP_STATES ? state_names[s] : "unknown";
}

static const struct fs_fsm machine = {
	"bgp", rows, sizeof(rows) / sizeof(rows[0]), FS_BGP_STATES,
	FS_BGP_EVENTS, state_names, event_names,
};

const struct fs_fsm *fs_bgp_fsm(void)
{
	return &machine;
}

/* Why a connection moved: who said so, and the words for it. */
struct why {
	int64_t ts;
	int by;			/* side, or FS_SESS_BY_WIRE */
	uint8_t code, subcode;
	char reason[64];
	int silent;		/* a hold timer ran out on this side's
				 * silence; -1 for other reasons */
};

static void subject(char *buf, unsigned len, const void *ctx)
{
	const struct fs_bgp_sess *s = ctx;
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	snprintf(buf, len, "%s-%s %s", fs_fmt_ip(a, s->ip_version, s->side[0].ip),
		 fs_fmt_ip(b, s->ip_version, s->side[1].ip),
		 fs_fmt_seg(seg, s->seg));
}

static void emit_state(struct fs_bgp *b, const struct fs_bgp_sess *s,
		       uint8_t from, uint8_t to, const struct why *why)
{
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_SESSION;
	ev.ts_us = why->ts;
	struct fs_ev_session *e = &ev.u.session;
	e->proto = FS_SESS_BGP;
	e->seg = s->seg;
	e->ip_version = s->ip_version;
	for (int i = 0; i < 2; i++) {
		memcpy(e->ip[i], s->side[i].ip, 16);
		e->id[i] = s->side[i].as;
	}
	e->from = from;
	e->to = to;
	e->up = to == FS_BGP_ESTABLISHED;
	e->down = from == FS_BGP_ESTABLISHED;
	e->by = (uint8_t)why->by;
	e->code = why->code;
	e->subcode = why->subcode;
	snprintf(e->reason, sizeof(e->reason), "%s", why->reason);
	if (e->down && why->silent >= 0) {
		int64_t ms = (why->ts - s->side[why->silent].last_msg_us) / 1000;
		e->silent_ms = ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX
							     : (uint32_t)ms;
		e->unseen = fs_sess_unseen(b->gaps, why->ts, e->silent_ms);
	}
	fs_bgp_emit(b, &ev);
}

static void emit_late(struct fs_bgp *b, const struct fs_bgp_sess *s, int side,
		      int64_t ts, int64_t gap_us, bool silent)
{
	const struct fs_arrivals *t = &s->side[side].ka;
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_SESSION_LATE;
	ev.ts_us = ts;
	struct fs_ev_session_late *l = &ev.u.slate;
	l->proto = FS_SESS_BGP;
	l->seg = s->seg;
	l->ip_version = s->ip_version;
	memcpy(l->from, s->side[side].ip, 16);
	memcpy(l->to, s->side[1 - side].ip, 16);
	l->interval_ms = (uint32_t)(t->expect_us / 1000);
	int64_t gap_ms = (gap_us + 500) / 1000;
	l->gap_ms = gap_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)gap_ms;
	l->late_ms = l->gap_ms > l->interval_ms ? l->gap_ms - l->interval_ms : 0;
	l->silent = silent;
	l->unseen = fs_sess_unseen(b->gaps, ts, l->gap_ms);
	fs_bgp_emit(b, &ev);
}

void fs_bgp_set_expect(struct fs_bgp *b, struct fs_bgp_sess *s)
{
	(void)b;
	int64_t hold = 0;
	for (int i = 0; i < 2; i++) {
		struct fs_bgp_side *sd = &s->side[i];
		int64_t iv = s->hold_s ? (int64_t)s->hold_s * FS_BGP_USEC / 3 : 0;
		int64_t learned = fs_arrivals_learned_us(&sd->ka);
		/* Observed otherwise: beyond the downward jitter senders
		 * add (to 0.75) or past the late margin. */
		sd->ka_learned = false;
		if (learned && (iv == 0 || learned * 4 > iv * 5 ||
				learned * 10 < iv * 7)) {
			iv = learned;
			sd->ka_learned = true;
		}
		sd->ka.expect_us = iv;
		if (iv * 3 > hold)
			hold = iv * 3;
	}
	if (s->hold_s)
		s->hold_us = (int64_t)s->hold_s * FS_BGP_USEC;
	else if (s->midstream)
		s->hold_us = hold ? hold : FS_BGP_HOLD_UNKNOWN_US;
	else
		s->hold_us = 0;	/* hold time 0: no keepalives, no expiry */
}

static void restart_timing(struct fs_bgp *b, struct fs_bgp_sess *s)
{
	for (int i = 0; i < 2; i++) {
		fs_arrivals_init(&s->side[i].ka, 0);
		s->side[i].ka.copy_us = 0;	/* TCP removed the copies */
	}
	fs_bgp_set_expect(b, s);
}

/* The other connection becomes the session's; the old one is freed
 * once the packet at hand is done with it. */
static void conn_move(struct fs_bgp *b, struct fs_bgp_sess *s)
{
	struct fs_bgp_conn *old = fs_bgp_cur(s);
	old->done = true;
	old->state = FS_BGP_IDLE;
	s->cur = (uint8_t)(1 - s->cur);
	b->st.connections_replaced++;
}

/* The newer connection moved: it takes over once established. */
static void pending_changed(struct fs_bgp *b, struct fs_bgp_sess *s,
			    const struct why *why)
{
	struct fs_bgp_conn *c = fs_bgp_other(s);
	if (c->state == FS_BGP_IDLE) {
		c->done = true;
		return;
	}
	if (c->state != FS_BGP_ESTABLISHED)
		return;
	uint8_t old = fs_bgp_cur(s)->state;
	if (old == FS_BGP_ESTABLISHED) {
		struct why gone = *why;
		gone.by = FS_SESS_BY_WIRE;
		gone.code = gone.subcode = 0;
		gone.silent = -1;
		snprintf(gone.reason, sizeof(gone.reason),
			 "replaced by a new connection");
		emit_state(b, s, old, FS_BGP_IDLE, &gone);
		s->downs++;
		s->last_down_us = why->ts;
		snprintf(s->last_down_reason, sizeof(s->last_down_reason), "%s",
			 gone.reason);
		old = FS_BGP_IDLE;
	}
	conn_move(b, s);
	s->ups++;
	restart_timing(b, s);
	emit_state(b, s, old, FS_BGP_ESTABLISHED, why);
}

static void changed(struct fs_bgp *b, struct fs_bgp_sess *s,
		    struct fs_bgp_conn *c, uint8_t from, const struct why *why)
{
	if (c != fs_bgp_cur(s)) {
		pending_changed(b, s, why);
		return;
	}
	uint8_t to = c->state;
	if (from >= FS_BGP_OPENSENT || to >= FS_BGP_OPENSENT)
		emit_state(b, s, from, to, why);
	if (to == FS_BGP_ESTABLISHED) {
		s->ups++;
		restart_timing(b, s);
	}
	if (from == FS_BGP_ESTABLISHED) {
		s->downs++;
		s->last_down_us = why->ts;
		snprintf(s->last_down_reason, sizeof(s->last_down_reason), "%s",
			 why->reason);
		restart_timing(b, s);
	}
	/* Closed while a newer connection is on its way: that one goes on. */
	struct fs_bgp_conn *o = fs_bgp_other(s);
	if (to == FS_BGP_IDLE && o->used && !o->done) {
		conn_move(b, s);
		struct why next = *why;
		next.by = FS_SESS_BY_WIRE;
		snprintf(next.reason, sizeof(next.reason), "another connection");
		if (o->state >= FS_BGP_OPENSENT)
			emit_state(b, s, FS_BGP_IDLE, o->state, &next);
	}
}

static void step(struct fs_bgp *b, struct fs_bgp_sess *s,
		 struct fs_bgp_conn *c, unsigned event, const struct why *why)
{
	uint8_t from = c->state;
	int act = fs_fsm_step(&machine, &b->fsm, &c->state, event, subject, s,
			      why->ts);
	if (act < 0) {
		s->unexpected++;
		return;
	}
	switch ((enum action)act) {
	case A_OPEN_PEER: {
		uint16_t h0 = s->side[0].hold_s, h1 = s->side[1].hold_s;
		s->hold_s = h0 < h1 ? h0 : h1;
		s->midstream = false;
		break;
	}
	case A_MIDSTREAM:
		s->midstream = true;
		break;
	case A_UP:
	case A_CLOSE:
	case A_NONE:
		break;
	}
	if (c->state != from)
		changed(b, s, c, from, why);
}

static void why_from(struct why *w, const struct fs_bgp_sess *s, int side,
		     int64_t ts, const char *what)
{
	char ip[FS_IP_STRLEN];
	memset(w, 0, sizeof(*w));
	w->ts = ts;
	w->by = side;
	w->silent = -1;
	snprintf(w->reason, sizeof(w->reason), "%s from %s", what,
		 fs_fmt_ip(ip, s->ip_version, s->side[side].ip));
}

void fs_bgp_tcp_event(struct fs_bgp *b, const struct fs_bgp_where *w,
		      unsigned event)
{
	static const char *const what[] = {
		[FS_BGP_EV_SYN] = "tcp syn",
		[FS_BGP_EV_SYNACK] = "tcp syn-ack",
		[FS_BGP_EV_FIN] = "tcp fin",
		[FS_BGP_EV_RST] = "tcp reset",
	};
	struct why why;
	why_from(&why, w->s, w->side, w->ts,
		 event < sizeof(what) / sizeof(what[0]) && what[event]
			 ? what[event]
			 : "tcp");
	w->c->fresh = false;
	step(b, w->s, w->c, event, &why);
}

void fs_bgp_hold_expired(struct fs_bgp *b, struct fs_bgp_sess *s, int side,
			 int64_t expiry_us)
{
	char ip[FS_IP_STRLEN];
	struct why why;
	memset(&why, 0, sizeof(why));
	why.ts = expiry_us;
	why.by = FS_SESS_BY_WIRE;
	why.silent = side;
	snprintf(why.reason, sizeof(why.reason),
		 "hold time expired: nothing from %s for %.1f s",
		 fs_fmt_ip(ip, s->ip_version, s->side[side].ip),
		 (double)s->hold_us / FS_BGP_USEC);
	step(b, s, fs_bgp_cur(s), FS_BGP_EV_HOLD_EXPIRED, &why);
}

/* Do this side's UPDATEs carry ADD-PATH identifiers (RFC 7911 3)? */
static enum fs_bgp_add_path paths(const struct fs_bgp_sess *s, int side)
{
	const struct fs_bgp_side *me = &s->side[side], *peer = &s->side[1 - side];
	if (!me->open_seen || !peer->open_seen)
		return FS_BGP_PATHS_GUESS;
	return (me->add_path_v4 & FS_BGP_ADD_PATH_SEND) &&
			       (peer->add_path_v4 & FS_BGP_ADD_PATH_RECEIVE)
		       ? FS_BGP_PATHS_YES
		       : FS_BGP_PATHS_NO;
}

static void note_open(struct fs_bgp_side *sd, const struct fs_bgp_open *o)
{
	sd->open_seen = true;
	sd->as = fs_bgp_open_as(o);
	sd->bgp_id = o->bgp_id;
	sd->hold_s = o->hold_time;
	sd->caps = o->caps;
	sd->add_path_v4 = o->add_path_v4;
}

static void note_update(struct fs_bgp_sess *s, struct fs_bgp_side *sd,
			const struct fs_bgp_update *u)
{
	uint32_t ann = u->n_nlri + (u->reach_counted ? u->n_reach : 0);
	uint32_t wd = u->n_withdrawn + (u->unreach_counted ? u->n_unreach : 0);
	sd->announced += ann;
	sd->withdrawn += wd;
	s->wd_cur += wd;
}

/* The event a message is for the connection's machine. */
static unsigned message_event(struct fs_bgp_conn *c, int side, uint8_t type)
{
	switch (type) {
	case FS_BGP_OPEN:
		c->fresh = false;
		if (c->open_seen[side])
			return FS_BGP_EV_OPEN;	/* again: not expected */
		c->open_seen[side] = true;
		return c->open_seen[1 - side] ? FS_BGP_EV_OPEN_PEER
					      : FS_BGP_EV_OPEN;
	case FS_BGP_KEEPALIVE: return FS_BGP_EV_KEEPALIVE;
	case FS_BGP_UPDATE: return FS_BGP_EV_UPDATE;
	case FS_BGP_ROUTE_REFRESH: return FS_BGP_EV_REFRESH;
	case FS_BGP_NOTIFICATION:
		c->fresh = false;
		return FS_BGP_EV_NOTIFICATION;
	default: return FS_BGP_EVENTS;
	}
}

static void why_message(struct why *why, const struct fs_bgp_sess *s,
			int side, int64_t ts, uint8_t type,
			const struct fs_bgp_msg *m, bool parsed)
{
	char n1[FS_BGP_NAME_BUF], n2[FS_BGP_NAME_BUF];
	if (type == FS_BGP_NOTIFICATION && parsed) {
		const struct fs_bgp_notification *n = &m->notification;
		char what[48];
		if (n->subcode)
			snprintf(what, sizeof(what), "notification %s/%s",
				 fs_bgp_error_name(n->code, n1),
				 fs_bgp_suberror_name(n->code, n->subcode, n2));
		else
			snprintf(what, sizeof(what), "notification %s",
				 fs_bgp_error_name(n->code, n1));
		why_from(why, s, side, ts, what);
		why->code = n->code;
		why->subcode = n->subcode;
		/* The sender's hold timer ran out: its peer went unheard. */
		if (n->code == FS_BGP_ERR_HOLD_TIMER_EXPIRED)
			why->silent = 1 - side;
		return;
	}
	why_from(why, s, side, ts, fs_bgp_type_name(type, n1));
}

static void time_message(struct fs_bgp *b, struct fs_bgp_sess *s, int side,
			 int64_t ts, bool keepalive)
{
	struct fs_bgp_side *sd = &s->side[side];
	bool learned = fs_arrivals_learned_us(&sd->ka) != 0;
	int64_t prev = sd->ka.last_us;
	enum fs_arrival a = fs_arrivals_arrive(
		&sd->ka, ts, b->cfg.keepalive_late_ratio, keepalive);
	if (a == FS_ARR_LATE)
		emit_late(b, s, side, ts, ts - prev, false);
	if (!learned && fs_arrivals_learned_us(&sd->ka))
		fs_bgp_set_expect(b, s);
}

void fs_bgp_msg(struct fs_bgp *b, const struct fs_bgp_where *w,
		const uint8_t *msg, uint32_t len, bool whole)
{
	struct fs_bgp_sess *s = w->s;
	struct fs_bgp_conn *c = w->c;
	struct fs_bgp_side *sd = &s->side[w->side];
	uint8_t type = msg[18];

	b->st.messages++;
	b->st.by_type[type >= 1 && type <= 5 ? type : 0]++;
	if (c->done)
		return;		/* closed earlier in this segment */
	sd->messages++;
	c->msg_seen[w->side] = true;
	bool current = c == fs_bgp_cur(s);
	if (current)
		sd->last_msg_us = w->ts;

	struct fs_bgp_msg *m = b->msg;
	bool parsed = false;
	if (whole) {
		enum fs_bgp_reason r = fs_bgp_parse(msg, len, paths(s, w->side), m);
		if (r != FS_BGP_R_OK) {
			b->st.malformed++;
			b->st.malformed_by_reason[r < FS_BGP_R_COUNT ? r : 0]++;
		}
		parsed = r == FS_BGP_R_OK;
		/* An OPEN the peer will refuse still says who it is. */
		if (type == FS_BGP_OPEN && m->open.version == 4)
			note_open(sd, &m->open);
	}
	switch (type) {
	case FS_BGP_KEEPALIVE:
		sd->keepalives++;
		break;
	case FS_BGP_UPDATE:
		sd->updates++;
		if (current)
			s->upd_cur++;
		if (parsed && current)
			note_update(s, sd, &m->update);
		break;
	case FS_BGP_NOTIFICATION:
		sd->notifications++;
		if (parsed) {
			sd->last_code = m->notification.code;
			sd->last_subcode = m->notification.subcode;
		}
		break;
	default:
		break;
	}

	unsigned ev = message_event(c, w->side, type);
	if (ev == FS_BGP_EVENTS)
		return;		/* an unknown type: counted, nothing moves */
	struct why why;
	why_message(&why, s, w->side, w->ts, type, m, parsed);
	if (c->fresh && c->state == FS_BGP_IDLE) {
		/* Picked up mid-session: established once both speak. */
		if (!c->msg_seen[1 - w->side])
			return;
		c->fresh = false;
		snprintf(why.reason, sizeof(why.reason),
			 "capture started mid-session");
		why.by = FS_SESS_BY_WIRE;
		step(b, s, c, FS_BGP_EV_MIDSTREAM, &why);
		why_message(&why, s, w->side, w->ts, type, m, parsed);
	}
	if (type == FS_BGP_OPEN && sd->open_seen && ev == FS_BGP_EV_OPEN_PEER) {
		char more[24];
		snprintf(more, sizeof(more), ", hold %u s",
			 s->side[0].hold_s < s->side[1].hold_s ? s->side[0].hold_s
							       : s->side[1].hold_s);
		size_t n = strlen(why.reason);
		snprintf(why.reason + n, sizeof(why.reason) - n, "%s", more);
	}
	step(b, s, c, ev, &why);
	if (c == fs_bgp_cur(s) && c->state == FS_BGP_ESTABLISHED)
		time_message(b, s, w->side, w->ts, type == FS_BGP_KEEPALIVE);
}

void fs_bgp_check_overdue(struct fs_bgp *b, struct fs_bgp_sess *s,
			  int64_t now_us)
{
	for (int i = 0; i < 2; i++) {
		int64_t moment;
		struct fs_arrivals *t = &s->side[i].ka;
		if (fs_arrivals_overdue(t, now_us, b->cfg.keepalive_late_ratio,
					&moment))
			emit_late(b, s, i, moment, moment - t->last_us, true);
	}
}
