/* Views for output and storage, the --sessions table, stats. */
#include <inttypes.h>
#include <string.h>

#include "floodspot/fmt.h"

#include "fhrp_priv.h"

static void group_view(const struct fs_fhrp_group *g,
		       struct fs_fhrp_group_view *v)
{
	memset(v, 0, sizeof(*v));
	v->seg = g->seg;
	v->proto = g->proto;
	v->ip_version = g->ip_version;
	v->group = g->group;
	v->state = (enum fs_fhrp_state)g->state;
	v->master = -1;
	for (int i = 0; i < FS_FHRP_SPEAKERS; i++) {
		const struct fs_fhrp_speaker *s = &g->sp[i];
		if (!s->used)
			continue;
		if (i == g->master)
			v->master = (int)v->n_speakers;
		struct fs_fhrp_speaker_view *sv = &v->speaker[v->n_speakers++];
		memcpy(sv->ip, s->ip, 16);
		memcpy(sv->mac, s->mac, 6);
		sv->priority = s->priority;
		sv->hsrp_state = s->hsrp_state;
		sv->interval_ms = s->interval_ms;
		sv->adverts = s->adverts;
		sv->last_us = s->last_us;
	}
	v->n_vips = g->n_vips;
	memcpy(v->vip, g->vip, 16);
	v->timing = &g->t;
	v->since_us = g->since_us;
	v->changes = g->changes;
	v->late_total = g->late_total + g->t.late;
	v->judged_total = g->judged_total + g->t.judged;
	v->last_cause = g->last_cause;
	v->last_change_us = g->last_change_us;
	v->unexpected = g->unexpected;
}

void fs_fhrp_foreach(const struct fs_fhrp *f, fs_fhrp_group_fn fn, void *ctx)
{
	struct fs_fhrp_group_view v;
	for (uint32_t i = 0; i < f->cfg.max_groups; i++) {
		if (!f->grp[i].used)
			continue;
		group_view(&f->grp[i], &v);
		fn(&v, ctx);
	}
}

static void print_group(const struct fs_fhrp_group *g, FILE *out)
{
	char seg[FS_SEG_STRLEN], vip[FS_IP_STRLEN] = "-", ip[FS_IP_STRLEN] = "-";
	char since[FS_TIME_STRLEN] = "-";
	const struct fs_fhrp_speaker *m = g->master >= 0 ? &g->sp[g->master]
							 : NULL;
	if (g->n_vips)
		fs_fmt_ip(vip, g->ip_version, g->vip);
	if (m) {
		fs_fmt_ip(ip, g->ip_version, m->ip);
		fs_fmt_time(since, g->since_us);
	}
	const struct fs_arrivals *t = &g->t;
	fprintf(out, "%-6s  %5u  %-14s  %-39s  %-9s  %-39s  %10" PRIu32
		     "  %6" PRIu32 "  %-24s  %7u  %7u  %5" PRIu64 "/%-6" PRIu64
		     "  %7" PRIu64 "  %s\n",
		fs_fhrp_proto_name((enum fs_fhrp_proto)g->proto), g->group,
		fs_fmt_seg_path(seg, g->seg), vip, fs_fhrp_state_name(g->state),
		ip, m ? m->priority : 0, m ? m->interval_ms : 0, since,
		t->last_gap_ms, t->max_gap_ms, g->late_total + t->late,
		g->judged_total + t->judged, g->changes,
		g->last_cause ? fs_fhrp_cause_name(g->last_cause) : "-");
}

void fs_fhrp_print_table(const struct fs_fhrp *f, FILE *out)
{
	fprintf(out, "VRRP/CARP/HSRP groups\n%-6s  %5s  %-14s  %-39s  %-9s  "
		     "%-39s  %10s  %6s  %-24s  %7s  %7s  %12s  %7s  %s\n",
		"Proto", "Group", "Segment", "Virtual address", "State",
		"Master", "Priority", "Iv ms", "Since", "Gap ms", "Max ms",
		"Late/judged", "Changes", "Last change");
	for (uint32_t i = 0; i < f->cfg.max_groups; i++)
		if (f->grp[i].used)
			print_group(&f->grp[i], out);
	fs_fsm_print_unexpected(fs_fhrp_fsm(), &f->fsm, "VRRP/CARP/HSRP", out);
}

void fs_fhrp_stats(const struct fs_fhrp *f, struct fs_fhrp_stats *st)
{
	*st = f->st;
	st->fsm_unexpected = f->fsm.unexpected;
	st->groups_full = f->tab.full;
	st->groups_evicted = f->tab.evicted;
}
