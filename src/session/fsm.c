/*
 * Table-driven state machines: the first row whose state mask holds the
 * current state and whose event matches gives the action and the next
 * state. Pairs no row answers are what a passive observer must not act
 * on but must count: a message out of order, a capture that missed one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "floodspot/session.h"

void fs_fsm_counts_init(struct fs_fsm_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->rl = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 10);
}

static const char *name_or_number(const char *const *names, unsigned n,
				  unsigned v, char buf[12])
{
	if (names && v < n && names[v])
		return names[v];
	snprintf(buf, 12, "%u", v);
	return buf;
}

int fs_fsm_step(const struct fs_fsm *m, struct fs_fsm_counts *c,
		uint8_t *state, unsigned event, fs_fsm_subject_fn subject,
		const void *subject_ctx, int64_t now_us)
{
	unsigned s = *state;
	c->steps++;
	if (s < m->n_states && event < m->n_events) {
		for (unsigned i = 0; i < m->n_rows; i++) {
			const struct fs_fsm_row *r = &m->rows[i];
			if (!(r->states & FS_FSM_BIT(s)) || r->event != event)
				continue;
			if (r->next != FS_FSM_STAY)
				*state = r->next;
			return r->action;
		}
	}
	c->unexpected++;
	if (s < FS_FSM_MAX_STATES && event < FS_FSM_MAX_EVENTS)
		c->pair[s][event]++;
	char subj[128] = "";
	if (subject)
		subject(subj, sizeof(subj), subject_ctx);
	char eb[12], sb[12];
	fs_log_limited(&c->rl, now_us, FS_LOG_NOTICE,
		       "%s %s: event %s not expected in state %s", m->name,
		       subj, name_or_number(m->event_names, m->n_events, event, eb),
		       name_or_number(m->state_names, m->n_states, s, sb));
	return -1;
}

int fs_fsm_check(const struct fs_fsm *m)
{
	if (m->n_states == 0 || m->n_states > FS_FSM_MAX_STATES ||
	    m->n_events == 0 || m->n_events > FS_FSM_MAX_EVENTS)
		return -1;
	uint32_t all = (uint32_t)((1ull << m->n_states) - 1);
	for (unsigned i = 0; i < m->n_rows; i++) {
		const struct fs_fsm_row *r = &m->rows[i];
		if (r->states == 0 || r->event >= m->n_events ||
		    (r->next != FS_FSM_STAY && r->next >= m->n_states))
			return -1;
		/* FS_FSM_ANY reaches past n_states; any other mask may not. */
		if (r->states != FS_FSM_ANY && (r->states & ~all))
			return -1;
		for (unsigned j = 0; j < i; j++)
			if (m->rows[j].event == r->event &&
			    (m->rows[j].states & r->states & all))
				return -1;
	}
	return 0;
}

void fs_fsm_foreach_unexpected(const struct fs_fsm *m,
			       const struct fs_fsm_counts *c,
			       fs_fsm_pair_fn fn, void *ctx)
{
	for (unsigned s = 0; s < m->n_states && s < FS_FSM_MAX_STATES; s++)
		for (unsigned e = 0; e < m->n_events && e < FS_FSM_MAX_EVENTS;
		     e++)
			if (c->pair[s][e])
				fn(m, s, e, c->pair[s][e], ctx);
}

static void print_pair(const struct fs_fsm *m, unsigned state, unsigned event,
		       uint64_t n, void *ctx)
{
	char sb[12], eb[12];
	fprintf(ctx, "  (%s, %s) %" PRIu64 "\n",
		name_or_number(m->state_names, m->n_states, state, sb),
		name_or_number(m->event_names, m->n_events, event, eb), n);
}

void fs_fsm_print_unexpected(const struct fs_fsm *m,
			     const struct fs_fsm_counts *c, const char *what,
			     FILE *f)
{
	if (!c->unexpected)
		return;
	fprintf(f, "\n%s (state, event) pairs not expected: %" PRIu64 "\n",
		what, c->unexpected);
	fs_fsm_foreach_unexpected(m, c, print_pair, f);
}
