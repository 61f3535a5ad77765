/*
 * Views for output and storage, the --sessions table (sessions, then each
 * direction's timing, then the pairs the machine did not expect), stats.
 */
#include <inttypes.h>
#include <string.h>

#include "floodspot/fmt.h"

#include "bgp_priv.h"

static void side_view(const struct fs_bgp_sess *s, int i,
		      struct fs_bgp_side_view *v)
{
	const struct fs_bgp_side *sd = &s->side[i];
	memset(v, 0, sizeof(*v));
	memcpy(v->ip, sd->ip, 16);
	v->port = s->conn[s->cur].port[i];
	v->open_seen = sd->open_seen;
	v->as = sd->as;
	v->bgp_id = sd->bgp_id;
	v->hold_s = sd->hold_s;
	v->keepalive_ms = (uint32_t)(sd->ka.expect_us / 1000);
	v->keepalive_learned = sd->ka_learned;
	v->timing = &sd->ka;
	v->messages = sd->messages;
	v->keepalives = sd->keepalives;
	v->updates = sd->updates;
	v->announced = sd->announced;
	v->withdrawn = sd->withdrawn;
	v->notifications = sd->notifications;
	v->last_code = sd->last_code;
	v->last_subcode = sd->last_subcode;
	v->last_msg_us = sd->last_msg_us;
}

static void session_view(const struct fs_bgp_sess *s,
			 struct fs_bgp_session_view *v)
{
	memset(v, 0, sizeof(*v));
	v->seg = s->seg;
	v->ip_version = s->ip_version;
	for (int i = 0; i < 2; i++)
		side_view(s, i, &v->side[i]);
	const struct fs_bgp_conn *c = &s->conn[s->cur];
	v->state = (enum fs_bgp_state)c->state;
	v->since_us = c->used ? c->since_us : s->first_us;
	v->hold_s = s->hold_s;
	v->midstream = s->midstream;
	v->ups = s->ups;
	v->downs = s->downs;
	v->last_down_us = s->last_down_us;
	snprintf(v->last_down_reason, sizeof(v->last_down_reason), "%s",
		 s->last_down_reason);
	v->updates_last_second = s->upd_last;
	v->withdrawn_last_second = s->wd_last;
	v->unexpected = s->unexpected;
}

void fs_bgp_foreach(const struct fs_bgp *b, fs_bgp_session_fn fn, void *ctx)
{
	struct fs_bgp_session_view v;
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++) {
		if (!b->sess[i].used)
			continue;
		session_view(&b->sess[i], &v);
		fn(&v, ctx);
	}
}

static void print_session(const struct fs_bgp_sess *s, FILE *f)
{
	char a[FS_IP_STRLEN], p[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	char since[FS_TIME_STRLEN];
	const struct fs_bgp_conn *c = &s->conn[s->cur];
	fprintf(f, "%-39s  %10" PRIu32 "  %-39s  %10" PRIu32
		   "  %-14s  %-11s  %-24s  %4u  %4" PRIu64 "  %5" PRIu64 "  %s\n",
		fs_fmt_ip(a, s->ip_version, s->side[0].ip), s->side[0].as,
		fs_fmt_ip(p, s->ip_version, s->side[1].ip), s->side[1].as,
		fs_fmt_seg_path(seg, s->seg), fs_bgp_state_name(c->state),
		fs_fmt_time(since, c->used ? c->since_us : s->first_us),
		s->hold_s, s->ups, s->downs,
		s->last_down_reason[0] ? s->last_down_reason : "-");
}

static void print_direction(const struct fs_bgp_sess *s, int i, FILE *f)
{
	const struct fs_bgp_side *sd = &s->side[i];
	const struct fs_arrivals *t = &sd->ka;
	char a[FS_IP_STRLEN], p[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	fprintf(f, "%-39s  %-39s  %-14s  %6" PRIu32 "%s  %7u  %8.1f  %7.1f  "
		   "%7u  %5" PRIu64 "/%-6" PRIu64 "  %6" PRIu64 "  %7" PRIu64
		   "  %8" PRIu64 "  %9" PRIu64 "\n",
		fs_fmt_ip(a, s->ip_version, sd->ip),
		fs_fmt_ip(p, s->ip_version, s->side[1 - i].ip),
		fs_fmt_seg_path(seg, s->seg), (uint32_t)(t->expect_us / 1000),
		sd->ka_learned ? "*" : " ", t->last_gap_ms, (double)t->mean_ms,
		(double)t->jitter_ms, t->max_gap_ms, t->late, t->judged,
		sd->messages, sd->updates, sd->announced, sd->withdrawn);
}

void fs_bgp_print_table(const struct fs_bgp *b, FILE *f)
{
	fprintf(f, "BGP sessions\n%-39s  %10s  %-39s  %10s  %-14s  %-11s  "
		   "%-24s  %4s  %4s  %5s  %s\n",
		"Speaker", "AS", "Peer", "AS", "Segment", "State", "Since",
		"Hold", "Ups", "Downs", "Last down");
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++)
		if (b->sess[i].used)
			print_session(&b->sess[i], f);
	fprintf(f, "\nBGP messages by direction (interval * = observed, "
		   "not hold/3)\n%-39s  %-39s  %-14s  %7s  %7s  %8s  %7s  "
		   "%7s  %12s  %6s  %7s  %8s  %9s\n",
		"From", "To", "Segment", "KA ms", "Gap ms", "Mean ms", "Jit ms",
		"Max ms", "Late/judged", "Msgs", "Updates", "Prefixes",
		"Withdrawn");
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++)
		if (b->sess[i].used)
			for (int d = 0; d < 2; d++)
				print_direction(&b->sess[i], d, f);
	fs_fsm_print_unexpected(fs_bgp_fsm(), &b->fsm, "BGP", f);
}

void fs_bgp_stats(const struct fs_bgp *b, struct fs_bgp_stats *st)
{
	*st = b->st;
	st->fsm_unexpected = b->fsm.unexpected;
	st->sessions_full = b->tab.full;
	st->sessions_evicted = b->tab.evicted;
}
