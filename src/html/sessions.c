/*
 * The routing sessions on the overview: one row per BGP and BFD session
 * and VRRP/CARP/HSRP group (copied on the capture thread from the
 * trackers' views), their graphs, and the changes as they happened.
 */
#include <inttypes.h>
#include <string.h>

#include "floodspot/fmt.h"
#include "html_int.h"

/* The direction judged worse: its interval and gaps. */
static void worst(struct fs_html_session *r, const struct fs_arrivals *a,
		  const struct fs_arrivals *b)
{
	const struct fs_arrivals *w = a;
	if (b && (b->late > a->late ||
		  (b->late == a->late && b->max_gap_ms > a->max_gap_ms)))
		w = b;
	r->interval_ms = (uint32_t)(w->expect_us / 1000);
	r->last_gap_ms = w->last_gap_ms;
	r->max_gap_ms = w->max_gap_ms;
}

static void add_bgp(const struct fs_bgp_session_view *v, void *ctx)
{
	struct fs_html_session r;
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN];
	memset(&r, 0, sizeof(r));
	fs_store_session_key(&r.file, "bgp", v->seg, v->ip_version,
			     v->side[0].ip, v->side[1].ip, 0);
	snprintf(r.what, sizeof(r.what), "bgp");
	snprintf(r.ends, sizeof(r.ends), "%s (AS %" PRIu32 ") - %s (AS %" PRIu32 ")",
		 fs_fmt_ip(a, v->ip_version, v->side[0].ip), v->side[0].as,
		 fs_fmt_ip(b, v->ip_version, v->side[1].ip), v->side[1].as);
	fs_fmt_seg(r.segment, v->seg);
	snprintf(r.state, sizeof(r.state), "%s", fs_bgp_state_name(v->state));
	r.up = v->state == FS_BGP_ESTABLISHED;
	worst(&r, v->side[0].timing, v->side[1].timing);
	r.late = v->side[0].timing->late + v->side[1].timing->late;
	r.judged = v->side[0].timing->judged + v->side[1].timing->judged;
	r.downs = v->downs;
	r.since_us = v->since_us;
	snprintf(r.last_down, sizeof(r.last_down), "%s", v->last_down_reason);
	fs_html_add_session(ctx, &r);
}

static void add_bfd(const struct fs_bfd_session_view *v, void *ctx)
{
	struct fs_html_session r;
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN];
	memset(&r, 0, sizeof(r));
	fs_store_session_key(&r.file, "bfd", v->seg, v->ip_version,
			     v->end[0].ip, v->end[1].ip, v->port);
	snprintf(r.what, sizeof(r.what), "bfd %u", v->port);
	snprintf(r.ends, sizeof(r.ends), "%s (%s) - %s (%s)",
		 fs_fmt_ip(a, v->ip_version, v->end[0].ip),
		 fs_bfd_end_state_name(v->end[0].state),
		 fs_fmt_ip(b, v->ip_version, v->end[1].ip),
		 fs_bfd_end_state_name(v->end[1].state));
	fs_fmt_seg(r.segment, v->seg);
	snprintf(r.state, sizeof(r.state), "%s", v->up ? "up" : "down");
	r.up = v->up;
	worst(&r, v->end[0].timing, v->end[1].timing);
	r.late = v->end[0].late_total + v->end[1].late_total;
	r.judged = v->end[0].judged_total + v->end[1].judged_total;
	r.downs = v->downs;
	r.since_us = v->since_us;
	snprintf(r.last_down, sizeof(r.last_down), "%s", v->last_down_reason);
	fs_html_add_session(ctx, &r);
}

static void add_fhrp(const struct fs_fhrp_group_view *v, void *ctx)
{
	struct fs_html_session r;
	char ip[FS_IP_STRLEN];
	const char *proto = fs_fhrp_proto_name((enum fs_fhrp_proto)v->proto);
	memset(&r, 0, sizeof(r));
	fs_store_session_key(&r.file, proto, v->seg, v->ip_version, NULL, NULL,
			     v->group);
	snprintf(r.what, sizeof(r.what), "%s group %u", proto, v->group);
	if (v->master >= 0)
		snprintf(r.ends, sizeof(r.ends), "master %s, priority %" PRIu32,
			 fs_fmt_ip(ip, v->ip_version, v->speaker[v->master].ip),
			 v->speaker[v->master].priority);
	else
		snprintf(r.ends, sizeof(r.ends), "no master");
	fs_fmt_seg(r.segment, v->seg);
	snprintf(r.state, sizeof(r.state), "%s", fs_fhrp_state_name(v->state));
	r.up = v->state == FS_FHRP_MASTER;
	worst(&r, v->timing, NULL);
	r.late = v->late_total;
	r.judged = v->judged_total;
	r.downs = v->changes;
	r.since_us = v->since_us;
	if (v->last_cause)
		snprintf(r.last_down, sizeof(r.last_down), "%s",
			 fs_fhrp_cause_name(v->last_cause));
	fs_html_add_session(ctx, &r);
}

void fs_html_tick_sessions(struct fs_html *h)
{
	const struct fs_html_trackers *t = fs_html_trackers(h);
	if (t->bgp)
		fs_bgp_foreach(t->bgp, add_bgp, h);
	if (t->bfd)
		fs_bfd_foreach(t->bfd, add_bfd, h);
	if (t->fhrp)
		fs_fhrp_foreach(t->fhrp, add_fhrp, h);
}

bool fs_html_session_event(const struct fs_event *ev,
			   struct fs_html_sess_event *out)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	static const uint8_t zero[16];
	memset(out, 0, sizeof(*out));
	out->ts_us = ev->ts_us;
	if (ev->type == FS_EV_SESSION) {
		const struct fs_ev_session *e = &ev->u.session;
		bool bfd = e->proto == FS_SESS_BFD;
		snprintf(out->what, sizeof(out->what), "%s",
			 fs_sess_proto_name((enum fs_sess_proto)e->proto));
		snprintf(out->text, sizeof(out->text), "%s-%s %s: %s -> %s%s (%s)",
			 fs_fmt_ip(a, e->ip_version, e->ip[0]),
			 fs_fmt_ip(b, e->ip_version, e->ip[1]),
			 fs_fmt_seg(seg, e->seg),
			 bfd ? fs_bfd_end_state_name(e->from)
			     : fs_bgp_state_name(e->from),
			 bfd ? fs_bfd_end_state_name(e->to)
			     : fs_bgp_state_name(e->to),
			 e->down ? ", session down" : e->up ? ", session up" : "",
			 e->reason);
		out->bad = e->down;
		return true;
	}
	if (ev->type == FS_EV_FHRP_MASTER) {
		const struct fs_ev_fhrp_master *m = &ev->u.master;
		snprintf(out->what, sizeof(out->what), "%s group %u",
			 fs_fhrp_proto_name((enum fs_fhrp_proto)m->proto),
			 m->group);
		if (memcmp(m->old_ip, zero, 16) == 0)
			snprintf(a, sizeof(a), "none");
		else
			fs_fmt_ip(a, m->ip_version, m->old_ip);
		if (memcmp(m->ip, zero, 16) == 0)
			snprintf(b, sizeof(b), "none");
		else
			fs_fmt_ip(b, m->ip_version, m->ip);
		snprintf(out->text, sizeof(out->text), "%s: master %s -> %s (%s)",
			 fs_fmt_seg(seg, m->seg), a, b,
			 fs_fhrp_cause_name(m->cause));
		out->bad = m->cause != FS_FHRP_CAUSE_FIRST &&
			   m->cause != FS_FHRP_CAUSE_RETURNED;
		return true;
	}
	return false;
}

void fs_html_write_sessions(FILE *f, const struct fs_html_sess_snap *ss,
			    const bool *img, const char *sfx)
{
	char ts[FS_ZONED_TIME_STRLEN];
	fprintf(f, "<h2>Routing sessions</h2>\n");
	if (ss->n == 0) {
		fprintf(f, "<p>No BGP, BFD, VRRP, CARP or HSRP seen.</p>\n");
	} else {
		fprintf(f, "<table id=\"sessions\">\n<tr><th>session</th>"
			"<th>ends</th><th>segment</th><th>state</th>"
			"<th>since</th><th>interval ms</th><th>last gap ms</th>"
			"<th>max gap ms</th><th>late/judged</th>"
			"<th>downs</th><th>last down</th></tr>\n");
		for (uint32_t i = 0; i < ss->n; i++) {
			const struct fs_html_session *r = &ss->rows[i];
			fprintf(f, "<tr class=\"session%s\"><td>", r->up ? "" : " down");
			fs_html_esc(f, r->what);
			fprintf(f, "</td><td>");
			fs_html_esc(f, r->ends);
			fprintf(f, "</td><td>");
			fs_html_esc(f, r->segment);
			fprintf(f, "</td><td>");
			fs_html_esc(f, r->state);
			fprintf(f, "</td><td>%s</td><td class=\"num\">%u</td>"
				"<td class=\"num\">%u</td><td class=\"num\">%u</td>"
				"<td class=\"num\">%" PRIu64 "/%" PRIu64 "</td>"
				"<td class=\"num\">%" PRIu64 "</td><td>",
				r->since_us ? fs_graph_fmt_time(ts, r->since_us) : "",
				r->interval_ms, r->last_gap_ms, r->max_gap_ms,
				r->late, r->judged, r->downs);
			fs_html_esc(f, r->last_down);
			fprintf(f, "</td></tr>\n");
		}
		fprintf(f, "</table>\n");
		for (uint32_t i = 0; i < ss->n && i < FS_HTML_MAX_SESSION_GRAPHS;
		     i++)
			if (img[i]) {
				fprintf(f, "<img class=\"session-graph\" "
					"src=\"session-%u%s.png\" alt=\"", i, sfx);
				fs_html_esc(f, ss->rows[i].what);
				fprintf(f, "\">\n");
			}
	}
	if (ss->n_events == 0)
		return;
	fprintf(f, "<table id=\"session-events\">\n<tr><th>time</th>"
		"<th>session</th><th>change</th></tr>\n");
	for (uint32_t i = ss->n_events; i-- > 0;) {
		const struct fs_html_sess_event *e = &ss->events[i];
		fprintf(f, "<tr%s><td>%s</td><td>", e->bad ? " class=\"loss\"" : "",
			fs_graph_fmt_time(ts, e->ts_us));
		fs_html_esc(f, e->what);
		fprintf(f, "</td><td>");
		fs_html_esc(f, e->text);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}
