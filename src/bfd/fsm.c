/*
 * Each end's reported state, moved by a table (RFC 5880 6.2 as its
 * packets show it), the session's up and down from the two, the agreed
 * intervals and detection times (6.8.2, 6.8.4), and each end's timing.
 */
#include <stdio.h>
#include <string.h>

#include "floodspot/fmt.h"

#include "bfd_priv.h"

enum action {
	A_FIRST,	/* heard for the first time */
	A_HEARD,	/* heard again after falling silent */
	A_REPORT,	/* a state it reports */
	A_SILENT,	/* past its detection time: inferred */
};

#define E(s) FS_FSM_BIT(s)
#define AD E(FS_BFD_ADMIN_DOWN)
#define DN E(FS_BFD_DOWN)
#define IN E(FS_BFD_INIT)
#define UP E(FS_BFD_UP)
#define NONE E(FS_BFD_END_NONE)
#define SIL E(FS_BFD_END_SILENT)

/* An end goes Down from any state, AdminDown from any, Init only from
 * Down, Up from Down (the peer was in Init) or Init; leaving AdminDown
 * passes through Down (6.8.16). A pair not here is counted, and the
 * end's own word is still taken for its state. */
static const struct fs_fsm_row rows[] = {
	{ NONE, FS_BFD_EV_ADMIN_DOWN, A_FIRST, FS_BFD_ADMIN_DOWN },
	{ NONE, FS_BFD_EV_DOWN, A_FIRST, FS_BFD_DOWN },
	{ NONE, FS_BFD_EV_INIT, A_FIRST, FS_BFD_INIT },
	{ NONE, FS_BFD_EV_UP, A_FIRST, FS_BFD_UP },
	{ SIL, FS_BFD_EV_ADMIN_DOWN, A_HEARD, FS_BFD_ADMIN_DOWN },
	{ SIL, FS_BFD_EV_DOWN, A_HEARD, FS_BFD_DOWN },
	{ SIL, FS_BFD_EV_INIT, A_HEARD, FS_BFD_INIT },
	{ SIL, FS_BFD_EV_UP, A_HEARD, FS_BFD_UP },
	{ AD | DN | IN | UP, FS_BFD_EV_ADMIN_DOWN, A_REPORT, FS_BFD_ADMIN_DOWN },
	{ AD | DN | IN | UP, FS_BFD_EV_DOWN, A_REPORT, FS_BFD_DOWN },
	{ DN | IN, FS_BFD_EV_INIT, A_REPORT, FS_BFD_INIT },
	{ DN | IN | UP, FS_BFD_EV_UP, A_REPORT, FS_BFD_UP },
	{ AD | DN | IN | UP, FS_BFD_EV_SILENT, A_SILENT, FS_BFD_END_SILENT },
};

static const char *const end_names[FS_BFD_END_STATES] = {
	[FS_BFD_ADMIN_DOWN] = "admin_down", [FS_BFD_DOWN] = "down",
	[FS_BFD_INIT] = "init",		    [FS_BFD_UP] = "up",
	[FS_BFD_END_NONE] = "none",	    [FS_BFD_END_SILENT] = "silent",
};

static const char *const event_names[FS_BFD_EVENTS] = {
	[FS_BFD_EV_ADMIN_DOWN] = "rx_admin_down", [FS_BFD_EV_DOWN] = "rx_down",
	[FS_BFD_EV_INIT] = "rx_init",		  [FS_BFD_EV_UP] = "rx_up",
	[FS_BFD_EV_SILENT] = "silent",
};

const char *fs_bfd_end_state_name(unsigned s)
{
	return s < FS_BFD_END_STATES ? end_names[s] : "unknown";
}

static const struct fs_fsm machine = {
	"bfd", rows, sizeof(rows) / sizeof(rows[0]), FS_BFD_END_STATES,
	FS_BFD_EVENTS, end_names, event_names,
};

const struct fs_fsm *fs_bfd_fsm(void)
{
	return &machine;
}

int64_t fs_bfd_interval_us(const struct fs_bfd_sess *s, int i)
{
	const struct fs_bfd_end *x = &s->end[i], *y = &s->end[1 - i];
	if (y->packets == 0)
		return x->desired_min_tx_us;
	if (y->required_min_rx_us == 0)
		return 0;	/* the peer wants no packets (6.8.3) */
	/* Demand mode: the peer asked for no periodic packets (6.6). */
	if ((y->flags & FS_BFD_FLAG_D) && x->state == FS_BFD_UP &&
	    y->state == FS_BFD_UP)
		return 0;
	return x->desired_min_tx_us > y->required_min_rx_us
		       ? x->desired_min_tx_us
		       : y->required_min_rx_us;
}

int64_t fs_bfd_detect_us(const struct fs_bfd_sess *s, int i)
{
	return (int64_t)s->end[i].mult * fs_bfd_interval_us(s, i);
}

static void subject(char *buf, unsigned len, const void *ctx)
{
	const struct fs_bfd_sess *s = ctx;
	char a[FS_IP_STRLEN], z[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	snprintf(buf, len, "%s-%s %s", fs_fmt_ip(a, s->ip_version, s->end[0].ip),
		 fs_fmt_ip(z, s->ip_version, s->end[1].ip),
		 fs_fmt_seg(seg, s->seg));
}

static void emit(struct fs_bfd *b, struct fs_event *ev)
{
	if (b->bus)
		fs_event_emit(b->bus, ev);
}

/*
 * Up while an end says Up and neither says otherwise. An end gone silent
 * after saying Up does not say otherwise: its peer still reporting Up is
 * hearing it (our capture missed it), and a peer that stops hearing it
 * says Down; when both fall silent nobody says Up any more.
 */
static bool session_up(const struct fs_bfd_sess *s)
{
	bool any_up = false;
	for (int i = 0; i < 2; i++) {
		const struct fs_bfd_end *x = &s->end[i];
		if (x->state == FS_BFD_UP)
			any_up = true;
		else if (x->state != FS_BFD_END_NONE &&
			 !(x->state == FS_BFD_END_SILENT &&
			   x->reported == FS_BFD_UP))
			return false;
	}
	return any_up;
}

/* End i moved from `from`: the session's up and down, and the event. */
static void changed(struct fs_bfd *b, struct fs_bfd_sess *s, int i,
		    uint8_t from, int by, int64_t ts, const char *reason)
{
	struct fs_bfd_end *x = &s->end[i];
	bool was = s->up;
	s->up = session_up(s);
	if (s->up != was) {
		s->since_us = ts;
		if (s->up) {
			s->ups++;
		} else {
			s->downs++;
			s->last_down_us = ts;
			snprintf(s->last_down_reason, sizeof(s->last_down_reason),
				 "%s", reason);
		}
	} else if (from == FS_BFD_END_NONE) {
		return;		/* first heard, nothing changed */
	}
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_SESSION;
	ev.ts_us = ts;
	struct fs_ev_session *e = &ev.u.session;
	e->proto = FS_SESS_BFD;
	e->seg = s->seg;
	e->ip_version = s->ip_version;
	for (int k = 0; k < 2; k++) {
		memcpy(e->ip[k], s->end[k].ip, 16);
		e->id[k] = s->end[k].my_disc;
	}
	e->from = from;
	e->to = x->state;
	e->up = s->up && !was;
	e->down = was && !s->up;
	e->by = (uint8_t)by;
	e->code = by == FS_SESS_BY_WIRE ? 0 : x->diag;
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
	/* Lost to a detection time: end i went silent, or end i says its
	 * peer did. */
	int silent = by == FS_SESS_BY_WIRE	     ? i
		     : x->diag == FS_BFD_DIAG_DETECTION_EXPIRED ? 1 - i
								 : -1;
	if (e->down && silent >= 0 && s->end[silent].t.last_us) {
		int64_t ms = (ts - s->end[silent].t.last_us) / 1000;
		e->silent_ms = ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX
							     : (uint32_t)ms;
		e->unseen = fs_sess_unseen(b->gaps, ts, e->silent_ms);
	}
	emit(b, &ev);
}

static void emit_late(struct fs_bfd *b, const struct fs_bfd_sess *s, int i,
		      int64_t ts, int64_t gap_us, bool silent)
{
	const struct fs_bfd_end *x = &s->end[i];
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_SESSION_LATE;
	ev.ts_us = ts;
	struct fs_ev_session_late *l = &ev.u.slate;
	l->proto = FS_SESS_BFD;
	l->seg = s->seg;
	l->ip_version = s->ip_version;
	memcpy(l->from, x->ip, 16);
	memcpy(l->to, s->end[1 - i].ip, 16);
	l->group = x->my_disc;
	l->interval_ms = (uint32_t)((x->t.expect_us + 500) / 1000);
	int64_t gap_ms = (gap_us + 500) / 1000;
	l->gap_ms = gap_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)gap_ms;
	l->late_ms = l->gap_ms > l->interval_ms ? l->gap_ms - l->interval_ms : 0;
	l->silent = silent;
	l->unseen = fs_sess_unseen(b->gaps, ts, l->gap_ms);
	emit(b, &ev);
}

/* Counts the open regime's judgements and starts a new one. */
static void restart_timing(struct fs_bfd_end *x)
{
	x->late_total += x->t.late;
	x->judged_total += x->t.judged;
	fs_arrivals_init(&x->t, 0);
}

static void step(struct fs_bfd *b, struct fs_bfd_sess *s, int i,
		 unsigned event, int by, int64_t ts, const char *reason)
{
	struct fs_bfd_end *x = &s->end[i];
	uint8_t from = x->state;
	if (fs_fsm_step(&machine, &b->fsm, &x->state, event, subject, s,
			ts) < 0) {
		s->unexpected++;
		/* Its packet is its word: the state it sends is its state. */
		if (event <= FS_BFD_EV_UP)
			x->state = (uint8_t)event;
	}
	if (x->state == from)
		return;
	if (from == FS_BFD_UP || x->state == FS_BFD_UP)
		restart_timing(x);
	else if (x->state != FS_BFD_INIT)
		x->t.expect_us = 0;
	changed(b, s, i, from, by, ts, reason);
}

/* Only an end on its way up or up keeps a rhythm worth judging: a Down
 * end sends at its slow rate, whenever it likes (6.8.3). */
static bool timed(const struct fs_bfd_end *x)
{
	return x->state == FS_BFD_UP || x->state == FS_BFD_INIT;
}

void fs_bfd_end_packet(struct fs_bfd *b, struct fs_bfd_sess *s, int i,
		       const struct fs_pkt *p, const struct fs_bfd_msg *m)
{
	struct fs_bfd_end *x = &s->end[i];
	const struct fs_bfd_end *y = &s->end[1 - i];
	if (x->packets && m->my_disc != x->my_disc) {
		b->st.disc_changes++;	/* restarted */
		restart_timing(x);
	}
	if (y->packets && m->your_disc && m->your_disc != y->my_disc)
		b->st.disc_mismatch++;
	int64_t before = fs_bfd_interval_us(s, i);
	x->port = p->src_port;
	x->packets++;
	x->last_us = p->ts_us;
	x->diag = m->diag;
	x->my_disc = m->my_disc;
	x->your_disc = m->your_disc;
	x->desired_min_tx_us = m->desired_min_tx_us;
	x->required_min_rx_us = m->required_min_rx_us;
	x->mult = m->detect_mult;
	x->flags = m->flags;
	x->reported = m->state;

	char ip[FS_IP_STRLEN], reason[64], diag[FS_BFD_NAME_BUF];
	fs_fmt_ip(ip, s->ip_version, x->ip);
	if (m->diag)
		snprintf(reason, sizeof(reason), "%s reports %s (%s)", ip,
			 fs_bfd_state_name((enum fs_bfd_state)m->state),
			 fs_bfd_diag_name(m->diag, diag));
	else
		snprintf(reason, sizeof(reason), "%s reports %s", ip,
			 fs_bfd_state_name((enum fs_bfd_state)m->state));
	step(b, s, i, m->state, i, p->ts_us, reason);

	/* A shorter interval starts a new rhythm: the gap running was
	 * promised under the old one. */
	int64_t iv = fs_bfd_interval_us(s, i);
	if (iv < before)
		fs_arrivals_reset(&x->t);
	x->t.expect_us = timed(x) ? iv : 0;
	int64_t prev = x->t.last_us;
	if (fs_arrivals_arrive(&x->t, p->ts_us, b->cfg.late_ratio, true) ==
	    FS_ARR_LATE)
		emit_late(b, s, i, p->ts_us, p->ts_us - prev, false);
	/* The peer's agreed interval may follow this one's Required Min RX. */
	if (timed(&s->end[1 - i]))
		s->end[1 - i].t.expect_us = fs_bfd_interval_us(s, 1 - i);
}

void fs_bfd_end_tick(struct fs_bfd *b, struct fs_bfd_sess *s, int64_t now_us)
{
	for (int i = 0; i < 2; i++) {
		struct fs_bfd_end *x = &s->end[i];
		int64_t moment;
		if (fs_arrivals_overdue(&x->t, now_us, b->cfg.late_ratio, &moment))
			emit_late(b, s, i, moment, moment - x->t.last_us, true);
		int64_t detect = fs_bfd_detect_us(s, i);
		int64_t grace = (int64_t)b->cfg.silent_grace_ms * 1000;
		if ((x->state != FS_BFD_UP && x->state != FS_BFD_INIT) ||
		    detect <= 0 || now_us - x->last_us <= detect + grace)
			continue;
		char ip[FS_IP_STRLEN], reason[64];
		snprintf(reason, sizeof(reason),
			 "nothing from %s for %lld ms (detection time)",
			 fs_fmt_ip(ip, s->ip_version, x->ip),
			 (long long)(detect / 1000));
		step(b, s, i, FS_BFD_EV_SILENT, FS_SESS_BY_WIRE,
		     x->last_us + detect, reason);
	}
}
