/* Views for output and storage, the --sessions table, stats. */
#include <inttypes.h>
#include <string.h>

#include "floodspot/fmt.h"

#include "bfd_priv.h"

static void end_view(const struct fs_bfd_sess *s, int i,
		     struct fs_bfd_end_view *v)
{
	const struct fs_bfd_end *x = &s->end[i];
	memset(v, 0, sizeof(*v));
	memcpy(v->ip, x->ip, 16);
	v->port = x->port;
	v->state = x->state;
	v->diag = x->diag;
	v->my_disc = x->my_disc;
	v->your_disc = x->your_disc;
	v->desired_min_tx_us = x->desired_min_tx_us;
	v->required_min_rx_us = x->required_min_rx_us;
	v->detect_mult = x->mult;
	v->flags = x->flags;
	v->interval_us = (uint32_t)fs_bfd_interval_us(s, i);
	v->detect_us = (uint32_t)fs_bfd_detect_us(s, i);
	v->timing = &x->t;
	v->packets = x->packets;
	v->late_total = x->late_total + x->t.late;
	v->judged_total = x->judged_total + x->t.judged;
	v->last_us = x->last_us;
}

void fs_bfd_foreach(const struct fs_bfd *b, fs_bfd_session_fn fn, void *ctx)
{
	struct fs_bfd_session_view v;
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++) {
		const struct fs_bfd_sess *s = &b->sess[i];
		if (!s->used)
			continue;
		memset(&v, 0, sizeof(v));
		v.seg = s->seg;
		v.ip_version = s->ip_version;
		v.port = s->port;
		for (int e = 0; e < 2; e++)
			end_view(s, e, &v.end[e]);
		v.up = s->up;
		v.since_us = s->since_us;
		v.ups = s->ups;
		v.downs = s->downs;
		v.last_down_us = s->last_down_us;
		snprintf(v.last_down_reason, sizeof(v.last_down_reason), "%s",
			 s->last_down_reason);
		v.unexpected = s->unexpected;
		fn(&v, ctx);
	}
}

static void print_session(const struct fs_bfd_sess *s, FILE *f)
{
	char a[FS_IP_STRLEN], z[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	char since[FS_TIME_STRLEN];
	fprintf(f, "%-39s  %-39s  %-14s  %4u  %-4s  %-24s  %4" PRIu64 "  %5" PRIu64
		   "  %s\n",
		fs_fmt_ip(a, s->ip_version, s->end[0].ip),
		fs_fmt_ip(z, s->ip_version, s->end[1].ip),
		fs_fmt_seg_path(seg, s->seg), s->port, s->up ? "up" : "down",
		fs_fmt_time(since, s->since_us), s->ups, s->downs,
		s->last_down_reason[0] ? s->last_down_reason : "-");
}

static void print_end(const struct fs_bfd_sess *s, int i, FILE *f)
{
	const struct fs_bfd_end *x = &s->end[i];
	const struct fs_arrivals *t = &x->t;
	char a[FS_IP_STRLEN], seg[FS_SEG_STRLEN], diag[FS_BFD_NAME_BUF];
	fprintf(f, "%-39s  %-14s  %10" PRIu32 "  %-10s  %-30s  %7u  %7u  %4u  "
		   "%7" PRId64 "  %7u  %8.1f  %7.1f  %7u  %5" PRIu64 "/%-6" PRIu64
		   "  %7" PRIu64 "\n",
		fs_fmt_ip(a, s->ip_version, x->ip), fs_fmt_seg_path(seg, s->seg),
		x->my_disc, fs_bfd_end_state_name(x->state),
		fs_bfd_diag_name(x->diag, diag), x->desired_min_tx_us / 1000,
		x->required_min_rx_us / 1000, x->mult,
		fs_bfd_interval_us(s, i) / 1000, t->last_gap_ms,
		(double)t->mean_ms, (double)t->jitter_ms, t->max_gap_ms,
		x->late_total + t->late, x->judged_total + t->judged, x->packets);
}

void fs_bfd_print_table(const struct fs_bfd *b, FILE *f)
{
	fprintf(f, "BFD sessions\n%-39s  %-39s  %-14s  %4s  %-4s  %-24s  %4s  "
		   "%5s  %s\n",
		"End", "End", "Segment", "Port", "Up", "Since", "Ups", "Downs",
		"Last down");
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++)
		if (b->sess[i].used)
			print_session(&b->sess[i], f);
	fprintf(f, "\nBFD ends\n%-39s  %-14s  %10s  %-10s  %-30s  %7s  %7s  "
		   "%4s  %7s  %7s  %8s  %7s  %7s  %12s  %7s\n",
		"End", "Segment", "Disc", "State", "Diagnostic", "Tx ms",
		"Rx ms", "Mult", "Iv ms", "Gap ms", "Mean ms", "Jit ms", "Max ms",
		"Late/judged", "Packets");
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++)
		if (b->sess[i].used)
			for (int e = 0; e < 2; e++)
				if (b->sess[i].end[e].packets)
					print_end(&b->sess[i], e, f);
	fs_fsm_print_unexpected(fs_bfd_fsm(), &b->fsm, "BFD", f);
}

void fs_bfd_stats(const struct fs_bfd *b, struct fs_bfd_stats *st)
{
	*st = b->st;
	st->fsm_unexpected = b->fsm.unexpected;
	st->sessions_full = b->tab.full;
	st->sessions_evicted = b->tab.evicted;
}
