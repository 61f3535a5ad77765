/*
 * A group's mastership, moved by a table: which speaker is master (for
 * HSRP the one that says Active), who takes over and why, the master's
 * advert timing, and the master-down intervals of RFC 5798 6.1 (3 x the
 * advert interval plus the skew of a backup's priority), CARP (3 x its
 * interval) and HSRP (the hold time).
 */
#include <stdio.h>
#include <string.h>

#include "floodspot/fmt.h"

#include "fhrp_priv.h"

#define VRRP_RESIGN_PRIORITY 0	/* RFC 5798 6.4.3: master leaving */

enum event {
	EV_FIRST,		/* the first claim to mastership seen */
	EV_MASTER,		/* the master's own advert */
	EV_BETTER,		/* another claims it with a higher priority */
	EV_WORSE,		/* another claims it, lower, master alive */
	EV_AFTER_SILENCE,	/* another claims it, the master silent */
	EV_RESIGN,		/* the master gives up */
	EV_SILENT,		/* the master silent past its down interval */
	EV_CONTENDER_GONE,	/* the second master fell silent */
	EVENTS
};

enum action {
	A_NONE,
	A_FIRST,
	A_CHANGE,
	A_CONTEND,
	A_LOST,
	A_RETURN,
	A_SETTLED,
};

#define G(s) FS_FSM_BIT(FS_FHRP_##s)

static const struct fs_fsm_row rows[] = {
	{ G(NONE), EV_FIRST, A_FIRST, FS_FHRP_MASTER },
	{ G(MASTER) | G(CONTENDED), EV_MASTER, A_NONE, FS_FSM_STAY },
	{ G(MASTER) | G(CONTENDED) | G(RESIGNING) | G(LOST), EV_BETTER,
	  A_CHANGE, FS_FHRP_MASTER },
	{ G(MASTER), EV_WORSE, A_CONTEND, FS_FHRP_CONTENDED },
	{ G(CONTENDED), EV_WORSE, A_NONE, FS_FSM_STAY },
	{ G(RESIGNING) | G(LOST), EV_WORSE, A_CHANGE, FS_FHRP_MASTER },
	{ G(MASTER) | G(CONTENDED) | G(RESIGNING) | G(LOST), EV_AFTER_SILENCE,
	  A_CHANGE, FS_FHRP_MASTER },
	{ G(MASTER) | G(CONTENDED), EV_RESIGN, A_NONE, FS_FHRP_RESIGNING },
	{ G(RESIGNING), EV_RESIGN, A_NONE, FS_FSM_STAY },
	{ G(RESIGNING), EV_MASTER, A_NONE, FS_FHRP_MASTER },
	{ G(LOST), EV_MASTER, A_RETURN, FS_FHRP_MASTER },
	{ G(MASTER) | G(CONTENDED) | G(RESIGNING), EV_SILENT, A_LOST,
	  FS_FHRP_LOST },
	{ G(CONTENDED), EV_CONTENDER_GONE, A_SETTLED, FS_FHRP_MASTER },
};

static const char *const state_names[FS_FHRP_STATES] = {
	[FS_FHRP_NONE] = "none",	   [FS_FHRP_MASTER] = "master",
	[FS_FHRP_RESIGNING] = "resigning", [FS_FHRP_CONTENDED] = "contended",
	[FS_FHRP_LOST] = "lost",
};

static const char *const event_names[EVENTS] = {
	[EV_FIRST] = "first",	      [EV_MASTER] = "master_advert",
	[EV_BETTER] = "better_claim", [EV_WORSE] = "worse_claim",
	[EV_AFTER_SILENCE] = "claim_after_silence",
	[EV_RESIGN] = "resign",	      [EV_SILENT] = "silent",
	[EV_CONTENDER_GONE] = "contender_gone",
};

static const char *const cause_names[FS_FHRP_CAUSES] = {
	[FS_FHRP_CAUSE_NONE] = "none",
	[FS_FHRP_CAUSE_FIRST] = "first_seen",
	[FS_FHRP_CAUSE_SILENT] = "master_silent",
	[FS_FHRP_CAUSE_PREEMPT] = "preempted",
	[FS_FHRP_CAUSE_RESIGNED] = "resigned",
	[FS_FHRP_CAUSE_LOST] = "master_lost",
	[FS_FHRP_CAUSE_RETURNED] = "master_returned",
	[FS_FHRP_CAUSE_DUAL] = "dual_master",
};

static const struct fs_fsm machine = {
	"fhrp", rows, sizeof(rows) / sizeof(rows[0]), FS_FHRP_STATES, EVENTS,
	state_names, event_names,
};

const struct fs_fsm *fs_fhrp_fsm(void)
{
	return &machine;
}

const char *fs_fhrp_state_name(unsigned s)
{
	return s < FS_FHRP_STATES ? state_names[s] : "unknown";
}

const char *fs_fhrp_cause_name(unsigned c)
{
	return c < FS_FHRP_CAUSES ? cause_names[c] : "unknown";
}

static bool is_hsrp(const struct fs_fhrp_group *g)
{
	return g->proto == FS_FHRP_HSRP1 || g->proto == FS_FHRP_HSRP2;
}

/*
 * Does a beat b in the election? VRRP and HSRP: the higher priority,
 * then the higher address (RFC 5798 6.4.3, RFC 2281 5.2). CARP: the
 * lower demotion, then the shorter advert interval (advskew).
 */
static bool beats(const struct fs_fhrp_group *g, const struct fs_fhrp_speaker *a,
		  const struct fs_fhrp_speaker *b)
{
	if (g->proto == FS_FHRP_CARP) {
		if (a->carp_demote != b->carp_demote)
			return a->carp_demote < b->carp_demote;
		return a->interval_ms < b->interval_ms;
	}
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return memcmp(a->ip, b->ip, 16) > 0;
}

/* How long backups wait for the master before taking over. */
static int64_t down_us(const struct fs_fhrp_group *g,
		       const struct fs_fhrp_speaker *m)
{
	int64_t iv = (int64_t)m->interval_ms * 1000;
	if (is_hsrp(g))
		return (int64_t)m->hold_ms * 1000;
	if (g->proto == FS_FHRP_CARP)
		return 3 * iv;
	/* the longest skew: a backup of priority 1 */
	return 3 * iv + iv * 255 / 256;
}

/* The master missed at least one advert: a backup taking over now does
 * so because it stopped hearing it. */
static bool master_silent(const struct fs_fhrp_group *g, int64_t ts)
{
	const struct fs_fhrp_speaker *m = &g->sp[g->master];
	int64_t iv = (int64_t)m->interval_ms * 1000;
	return ts - m->last_us > 2 * iv;
}

static void subject(char *buf, unsigned len, const void *ctx)
{
	const struct fs_fhrp_group *g = ctx;
	char seg[FS_SEG_STRLEN];
	snprintf(buf, len, "%s group %u %s",
		 fs_fhrp_proto_name((enum fs_fhrp_proto)g->proto), g->group,
		 fs_fmt_seg(seg, g->seg));
}

static void emit(struct fs_fhrp *f, struct fs_event *ev)
{
	if (f->bus)
		fs_event_emit(f->bus, ev);
}

static void emit_master(struct fs_fhrp *f, struct fs_fhrp_group *g,
			const struct fs_fhrp_speaker *now,
			const struct fs_fhrp_speaker *old, uint8_t cause,
			int64_t ts)
{
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_FHRP_MASTER;
	ev.ts_us = ts;
	struct fs_ev_fhrp_master *e = &ev.u.master;
	e->proto = g->proto;
	e->seg = g->seg;
	e->group = g->group;
	e->ip_version = g->ip_version;
	if (now) {
		memcpy(e->ip, now->ip, 16);
		memcpy(e->mac, now->mac, 6);
		e->priority = now->priority;
	}
	if (old) {
		memcpy(e->old_ip, old->ip, 16);
		memcpy(e->old_mac, old->mac, 6);
		e->old_priority = old->priority;
		int64_t silent = (ts - old->last_us) / 1000;
		e->silent_ms = silent < 0 ? 0
			       : silent > UINT32_MAX ? UINT32_MAX
						     : (uint32_t)silent;
		if (cause == FS_FHRP_CAUSE_SILENT || cause == FS_FHRP_CAUSE_LOST)
			e->unseen = fs_sess_unseen(f->gaps, ts, e->silent_ms);
	}
	e->cause = cause;
	g->last_cause = cause;
	g->last_change_us = ts;
	emit(f, &ev);
}

static void emit_late(struct fs_fhrp *f, const struct fs_fhrp_group *g,
		      int64_t ts, int64_t gap_us, bool silent)
{
	const struct fs_fhrp_speaker *m = &g->sp[g->master];
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_SESSION_LATE;
	ev.ts_us = ts;
	struct fs_ev_session_late *l = &ev.u.slate;
	l->proto = FS_SESS_FHRP;
	l->fhrp = g->proto;
	l->seg = g->seg;
	l->ip_version = g->ip_version;
	memcpy(l->from, m->ip, 16);
	l->group = g->group;
	l->interval_ms = m->interval_ms;
	int64_t gap_ms = (gap_us + 500) / 1000;
	l->gap_ms = gap_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)gap_ms;
	l->late_ms = l->gap_ms > l->interval_ms ? l->gap_ms - l->interval_ms : 0;
	l->silent = silent;
	l->unseen = fs_sess_unseen(f->gaps, ts, l->gap_ms);
	emit(f, &ev);
}

/* A new master's rhythm starts with its first advert as master. */
static void restart_timing(struct fs_fhrp_group *g)
{
	g->late_total += g->t.late;
	g->judged_total += g->t.judged;
	fs_arrivals_init(&g->t, 0);
}

static void time_advert(struct fs_fhrp *f, struct fs_fhrp_group *g, int64_t ts)
{
	g->t.expect_us = (int64_t)g->sp[g->master].interval_ms * 1000;
	int64_t prev = g->t.last_us;
	if (fs_arrivals_arrive(&g->t, ts, f->cfg.late_ratio, true) ==
	    FS_ARR_LATE)
		emit_late(f, g, ts, ts - prev, false);
}

static void step(struct fs_fhrp *f, struct fs_fhrp_group *g, unsigned ev,
		 int who, int64_t ts)
{
	uint8_t from = g->state;
	int act = fs_fsm_step(&machine, &f->fsm, &g->state, ev, subject, g, ts);
	if (act < 0) {
		g->unexpected++;
		return;
	}
	const struct fs_fhrp_speaker *m = g->master >= 0 ? &g->sp[g->master]
							 : NULL;
	switch ((enum action)act) {
	case A_FIRST:
		g->master = (int8_t)who;
		g->since_us = ts;
		restart_timing(g);
		emit_master(f, g, &g->sp[who], NULL, FS_FHRP_CAUSE_FIRST, ts);
		break;
	case A_CHANGE: {
		uint8_t cause = from == FS_FHRP_RESIGNING ? FS_FHRP_CAUSE_RESIGNED
				: ev == EV_BETTER	 ? FS_FHRP_CAUSE_PREEMPT
							 : FS_FHRP_CAUSE_SILENT;
		g->master = (int8_t)who;
		g->contender = -1;
		g->since_us = ts;
		g->changes++;
		restart_timing(g);
		emit_master(f, g, &g->sp[who], m, cause, ts);
		break;
	}
	case A_CONTEND:
		g->contender = (int8_t)who;
		emit_master(f, g, &g->sp[who], m, FS_FHRP_CAUSE_DUAL, ts);
		break;
	case A_LOST:
		emit_master(f, g, NULL, m, FS_FHRP_CAUSE_LOST, ts);
		break;
	case A_RETURN:
		g->since_us = ts;
		restart_timing(g);
		emit_master(f, g, m, NULL, FS_FHRP_CAUSE_RETURNED, ts);
		break;
	case A_SETTLED:
		g->contender = -1;
		break;
	case A_NONE:
		break;
	}
}

/* Is this packet a claim to be master, and of which kind? */
static unsigned classify(const struct fs_fhrp_group *g, int who,
			 const struct fs_fhrp_msg *m, int64_t ts)
{
	bool hsrp = is_hsrp(g);
	bool claim = !hsrp || m->hsrp_state == FS_HSRP_ACTIVE ||
		     m->opcode == FS_HSRP_COUP;
	if (g->state == FS_FHRP_NONE)
		return claim ? EV_FIRST : EVENTS;
	if (who == g->master) {
		bool resign = hsrp ? m->opcode == FS_HSRP_RESIGN || !claim
				   : m->priority == VRRP_RESIGN_PRIORITY &&
					     g->proto != FS_FHRP_CARP;
		return resign ? EV_RESIGN : EV_MASTER;
	}
	if (!claim)
		return EVENTS;
	if (master_silent(g, ts))
		return EV_AFTER_SILENCE;
	if ((hsrp && m->opcode == FS_HSRP_COUP) ||
	    beats(g, &g->sp[who], &g->sp[g->master]))
		return EV_BETTER;
	return EV_WORSE;
}

void fs_fhrp_advert(struct fs_fhrp *f, struct fs_fhrp_group *g, int i,
		    const struct fs_fhrp_msg *m, int64_t ts)
{
	unsigned ev = classify(g, i, m, ts);
	if (ev == EVENTS) {
		f->st.not_claims++;
		return;
	}
	step(f, g, ev, i, ts);
	if (g->master == i && g->state != FS_FHRP_LOST)
		time_advert(f, g, ts);
}

void fs_fhrp_group_tick(struct fs_fhrp *f, struct fs_fhrp_group *g,
			int64_t now_us)
{
	if (g->master < 0 || g->state == FS_FHRP_LOST)
		return;
	const struct fs_fhrp_speaker *m = &g->sp[g->master];
	int64_t moment;
	if (fs_arrivals_overdue(&g->t, now_us, f->cfg.late_ratio, &moment))
		emit_late(f, g, moment, moment - g->t.last_us, true);
	int64_t grace = (int64_t)f->cfg.silent_grace_ms * 1000;
	int64_t down = down_us(g, m);
	if (down > 0 && now_us - m->last_us > down + grace) {
		step(f, g, EV_SILENT, g->master, m->last_us + down);
		return;
	}
	if (g->state == FS_FHRP_CONTENDED && g->contender >= 0) {
		const struct fs_fhrp_speaker *c = &g->sp[g->contender];
		int64_t cdown = down_us(g, c);
		if (now_us - c->last_us > cdown + grace)
			step(f, g, EV_CONTENDER_GONE, g->contender, now_us);
	}
}
