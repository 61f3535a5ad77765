/*
 * The static HTML overview (--html DIR): a headline naming the current
 * culprit with its evidence, top hosts with their graphs, the segment,
 * recent alerts, OSPF routers and an adjacency timeline, in four views
 * like MRTG's (index.html: the last hour, or a replay's own span;
 * day.html, week.html, year.html, redrawn less often), every time in the
 * one zone of the process (fs_graph_set_tz). The
 * capture thread only fills a snapshot (bounded: top_n hosts, capped
 * routers and adjacencies) and hands it over under a lock held only for swaps; a renderer
 * thread draws the graphs and rewrites index.html atomically (temp file
 * and rename), so a browser never sees half a page.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/alert.h"
#include "floodspot/fmt.h"
#include "floodspot/log.h"
#include "floodspot/thread.h"
#include "html_int.h"


#define MAX_HOSTS 50
#define MAX_ROUTERS 32
#define MAX_ADJ 128
#define MAX_ALERTS 50
#define MAX_EVENTS 200
#define MAX_ROUTER_GRAPHS 16
#define MAX_JOBS (1 + MAX_HOSTS + MAX_ROUTER_GRAPHS)
#define DRAW_TIMEOUT_MS 60000	/* one view's graphs */

/* Per view: its page, the suffix of its graphs, how often (packet time)
 * it is redrawn; MRTG redraws its longer views less often too. */
static const struct {
	const char *page, *suffix;
	int64_t every_s;
} views[FS_GRAPH_VIEWS] = {
	{ "index.html", "", 0 },
	{ "day.html", "-day", 60 },
	{ "week.html", "-week", 600 },
	{ "year.html", "-year", 3600 },
};

struct adj_event {
	int64_t ts_us;
	uint32_t router_id, neighbor_id;
	uint16_t vlan;
	uint8_t from, to;
	char reason[64];
};

struct snap {
	int64_t now_us;
	uint64_t store_target;
	uint32_t n_hosts, n_routers, n_adj, n_alerts, n_events;
	struct fs_html_host hosts[MAX_HOSTS];
	struct fs_html_router routers[MAX_ROUTERS];
	struct fs_ospf_adj_view adj[MAX_ADJ];
	struct fs_alert alerts[MAX_ALERTS];	/* newest first */
	struct adj_event events[MAX_EVENTS];	/* oldest first */
	uint64_t alerts_total;
	bool force;		/* every view now (end of a replay) */
};

struct fs_html {
	char dir[FS_STORE_PATH_MAX];
	char rrd_dir[FS_STORE_PATH_MAX];
	char daemon[256];
	char agent[FS_ALERT_AGENT_MAX + 1];
	bool has_rrd, has_daemon;
	struct fs_store *store;
	uint32_t refresh_s, top_n;
	int64_t last_refresh_us;
	bool refreshed_once;

	/* capture thread */
	struct snap *build;
	struct fs_alert alerts[MAX_ALERTS];
	uint32_t alert_pos, alert_n;
	uint64_t alerts_total;
	struct adj_event events[MAX_EVENTS];
	uint32_t event_pos, event_n;

	/* shared under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct snap *pending;
	bool has_pending, stop;

	/* renderer thread */
	struct snap *render;
	int64_t view_done_us[FS_GRAPH_VIEWS];
	bool view_drawn[FS_GRAPH_VIEWS];
	struct fs_html_job jobs[MAX_JOBS];
	pthread_t thread;
	bool thread_started;
	bool abandoned;		/* still rendering at the stop deadline */
	_Atomic int draw_child;	/* pid of the graph child while it draws */
	struct fs_ratelimit rl;
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct fs_html *h = ctx;
	if (ev->type == FS_EV_ALERT && ev->u.alert) {
		h->alerts[h->alert_pos] = *ev->u.alert;
		h->alert_pos = (h->alert_pos + 1) % MAX_ALERTS;
		if (h->alert_n < MAX_ALERTS)
			h->alert_n++;
		h->alerts_total++;
	} else if (ev->type == FS_EV_OSPF_ADJACENCY) {
		struct adj_event *e = &h->events[h->event_pos];
		e->ts_us = ev->ts_us;
		e->router_id = ev->u.adj.router_id;
		e->neighbor_id = ev->u.adj.neighbor_id;
		e->vlan = ev->u.adj.vlan;
		e->from = ev->u.adj.from;
		e->to = ev->u.adj.to;
		snprintf(e->reason, sizeof(e->reason), "%s", ev->u.adj.reason);
		h->event_pos = (h->event_pos + 1) % MAX_EVENTS;
		if (h->event_n < MAX_EVENTS)
			h->event_n++;
	}
}

/* ---- rendering (renderer thread) ---- */

void fs_html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void host_name(char *buf, size_t len, const struct fs_html_host *h)
{
	snprintf(buf, len, "%u-%02x-%02x-%02x-%02x-%02x-%02x",
		 (unsigned)h->vlan, h->mac[0], h->mac[1], h->mac[2], h->mac[3],
		 h->mac[4], h->mac[5]);
}

/* A graph job for the RRD file rel (when it exists) into png. */
static bool add_job(struct fs_html *h, struct fs_html_job *j, const char *rel,
		    const char *png, const struct fs_graph_req *req)
{
	struct stat st;
	snprintf(j->rrd_file, sizeof(j->rrd_file), "%s/%s", h->rrd_dir, rel);
	if (stat(j->rrd_file, &st) != 0)
		return false;
	j->req = *req;
	j->req.dir = h->rrd_dir;
	snprintf(j->name, sizeof(j->name), "%s", png);
	return true;
}

/* Draws the jobs (draw.c, in a child); a graph that could not be drawn
 * again keeps its last good image. */
static void draw_jobs(struct fs_html *h, struct fs_html_job *jobs, unsigned n)
{
	struct fs_html_draw_cfg dc = {
		.dir = h->dir,
		.daemon = h->has_daemon ? h->daemon : NULL,
		.timeout_ms = DRAW_TIMEOUT_MS,
		.rl = &h->rl,
		.child = &h->draw_child,
	};
	fs_html_draw(&dc, jobs, n);
	for (unsigned i = 0; i < n; i++) {
		char out[FS_STORE_PATH_MAX + 96];
		struct stat st;
		snprintf(out, sizeof(out), "%s/%s", h->dir, jobs[i].name);
		if (!jobs[i].ok && stat(out, &st) == 0)
			jobs[i].ok = true;
	}
}

static void classes_cell(FILE *f, const struct fs_html_host *hh)
{
	/* The classes this host sent most of, largest first (at most 4). */
	bool used[FS_CLASS_COUNT] = { false };
	for (int k = 0; k < 4; k++) {
		int best = -1;
		for (int c = 0; c < FS_CLASS_COUNT; c++)
			if (!used[c] && hh->cls_packets[c] &&
			    (best < 0 || hh->cls_packets[c] > hh->cls_packets[best]))
				best = c;
		if (best < 0)
			break;
		used[best] = true;
		fprintf(f, "%s%s&nbsp;%" PRIu64, k ? ", " : "",
			fs_class_name((enum fs_class)best), hh->cls_packets[best]);
	}
}

static void write_timeline(FILE *f, const struct snap *s, int64_t t0,
			   int64_t t1)
{
	/* One row per router pair, a mark per change, coloured by the new
	 * state: green full, red down/init, orange in between. */
	uint32_t pairs[20][2];
	unsigned np = 0;
	for (uint32_t i = 0; i < s->n_events && np < 20; i++) {
		const struct adj_event *e = &s->events[i];
		unsigned k;
		for (k = 0; k < np; k++)
			if (pairs[k][0] == e->router_id &&
			    pairs[k][1] == e->neighbor_id)
				break;
		if (k == np) {
			pairs[np][0] = e->router_id;
			pairs[np][1] = e->neighbor_id;
			np++;
		}
	}
	if (np == 0 || t1 <= t0)
		return;
	int w = 1000, left = 200, rowh = 22;
	fprintf(f, "<svg id=\"timeline\" width=\"%d\" height=\"%u\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n", left + w + 20,
		np * rowh + 30);
	for (unsigned k = 0; k < np; k++) {
		char a[16], b[16];
		fprintf(f, "<text x=\"4\" y=\"%u\" font-size=\"12\">%s &#8596; %s"
			"</text><line x1=\"%d\" x2=\"%d\" y1=\"%u\" y2=\"%u\" "
			"stroke=\"#ccc\"/>\n", k * rowh + 16,
			fs_fmt_id(a, pairs[k][0]), fs_fmt_id(b, pairs[k][1]),
			left, left + w, k * rowh + 12, k * rowh + 12);
	}
	for (uint32_t i = 0; i < s->n_events; i++) {
		const struct adj_event *e = &s->events[i];
		unsigned k;
		for (k = 0; k < np; k++)
			if (pairs[k][0] == e->router_id &&
			    pairs[k][1] == e->neighbor_id)
				break;
		if (k == np || e->ts_us < t0 || e->ts_us > t1)
			continue;
		double x = left + (double)(e->ts_us - t0) * w / (double)(t1 - t0);
		const char *col = e->to == FS_OSPF_FULL ? "#00a000"
				  : (e->to <= FS_OSPF_INIT) ? "#e00000"
							   : "#ff9900";
		char ts[FS_ZONED_TIME_STRLEN];
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%u\" r=\"5\" fill=\"%s\">"
			"<title>%s %s &#8594; %s</title></circle>\n", x,
			k * rowh + 12, col, fs_graph_fmt_time(ts, e->ts_us),
			fs_ospf_state_name((enum fs_ospf_state)e->from),
			fs_ospf_state_name((enum fs_ospf_state)e->to));
	}
	char a[FS_ZONED_TIME_STRLEN], b[FS_ZONED_TIME_STRLEN];
	fprintf(f, "<text x=\"%d\" y=\"%u\" font-size=\"11\">%s</text>"
		"<text x=\"%d\" y=\"%u\" font-size=\"11\" text-anchor=\"end\">%s"
		"</text>\n</svg>\n", left, np * rowh + 24, fs_graph_fmt_time(a, t0),
		left + w, np * rowh + 24, fs_graph_fmt_time(b, t1));
}

static const char *alert_field(const struct fs_alert *a, const char *key)
{
	for (unsigned i = 0; i < a->n_fields && i < FS_ALERT_MAX_FIELDS; i++)
		if (strcmp(a->field[i].key, key) == 0)
			return a->field[i].value;
	return NULL;
}

/* An href: a path as a file: URL (absolute) or as it is (relative), every
 * byte outside the unreserved set percent-encoded. */
static void url(FILE *f, const char *path)
{
	if (path[0] == '/')
		fputs("file://", f);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

/*
 * The alert naming the host to look at now, newest first: the latest
 * culprit unless it was cleared, else the latest host alert not cleared.
 */
static const struct fs_alert *current_culprit(const struct snap *s)
{
	for (int pass = 0; pass < 2; pass++) {
		const char *done[MAX_ALERTS][2];
		unsigned n_done = 0;
		for (uint32_t i = 0; i < s->n_alerts; i++) {
			const struct fs_alert *a = &s->alerts[i];
			const char *mac = alert_field(a, "mac");
			if (!mac || (pass == 0 && strcmp(a->rule, "culprit") != 0))
				continue;
			bool gone = false;
			for (unsigned k = 0; k < n_done; k++)
				gone |= !strcmp(done[k][0], a->rule) &&
					!strcmp(done[k][1], mac);
			if (gone)
				continue;
			if (a->state != FS_ALERT_CLEARED)
				return a;
			done[n_done][0] = a->rule;
			done[n_done][1] = mac;
			n_done++;
			if (pass == 0)
				break;	/* the latest incident is over */
		}
	}
	return NULL;
}

static void headline(FILE *f, const struct snap *s)
{
	const struct fs_alert *a = current_culprit(s);
	if (!a) {
		fprintf(f, "<div id=\"headline\" class=\"none\"><p>No culprit: "
			"no routing incident and no host alert active.</p></div>\n");
		return;
	}
	bool culprit = strcmp(a->rule, "culprit") == 0;
	const char *mac = alert_field(a, "mac"), *vlan = alert_field(a, "vlan");
	const char *ip = alert_field(a, "ip"), *cls = alert_field(a, "class");
	const char *pps = alert_field(a, "pps"), *since = alert_field(a, "since");
	const char *adj = alert_field(a, "adjacencies");
	const char *evidence = alert_field(a, "evidence");
	fprintf(f, "<div id=\"headline\" class=\"%s\"><p><b>%s: ",
		culprit ? "culprit" : "suspect", culprit ? "Culprit" : "Suspect");
	fs_html_esc(f, mac);
	fputs("</b> (VLAN ", f);
	fs_html_esc(f, vlan ? vlan : "?");
	if (ip) {
		fputs(", ", f);
		fs_html_esc(f, ip);
	}
	fputs(") &#8212; ", f);
	fs_html_esc(f, a->message[0] ? a->message : a->rule);
	if (cls && pps) {
		fputs(": ", f);
		fs_html_esc(f, cls);
		fputs(" at ", f);
		fs_html_esc(f, pps);
		fputs(" packets/s", f);
	}
	if (since) {
		/* Alerts carry UTC ("...Z"); the page shows its own zone. */
		struct tm tm;
		unsigned ms = 0;
		char zt[FS_ZONED_TIME_STRLEN];
		memset(&tm, 0, sizeof(tm));
		const char *rest = strptime(since, "%Y-%m-%dT%H:%M:%S", &tm);
		fputs(" since ", f);
		if (rest && sscanf(rest, ".%3uZ", &ms) == 1)
			fs_html_esc(f, fs_graph_fmt_time(zt, (int64_t)timegm(&tm) * 1000000 +
						  ms * 1000));
		else
			fs_html_esc(f, since);
	}
	if (adj) {
		fputs("; adjacencies that suffered: ", f);
		fs_html_esc(f, adj);
	}
	fputs(".</p>\n<p>Evidence:", f);
	if (evidence) {
		fputs(" <a id=\"evidence\" href=\"", f);
		url(f, evidence);
		fputs("\">packets (pcap)</a> &#183;", f);
	}
	/* Its graph, when it is among the hosts shown. */
	uint8_t m[6];
	unsigned long vl = vlan ? strtoul(vlan, NULL, 10) : 0;
	for (uint32_t i = 0; fs_parse_mac(mac, m) == 0 && i < s->n_hosts; i++) {
		if (memcmp(s->hosts[i].mac, m, 6) || s->hosts[i].vlan != vl)
			continue;
		char name[64];
		host_name(name, sizeof(name), &s->hosts[i]);
		fprintf(f, " <a href=\"#g-%s\">its graph</a> &#183;", name);
		break;
	}
	fputs(" <a href=\"#alerts\">the alerts</a>.</p></div>\n", f);
}

static void render_view(struct fs_html *h, struct snap *s, int v)
{
	int64_t now_s = s->now_us / 1000000;
	/* A replay lasting minutes graphs at its own scale, not as a sliver
	 * at the end of an hour. */
	int64_t since_s = now_s;
	for (uint32_t i = 0; i < s->n_hosts; i++)
		if (s->hosts[i].first_seen_us > 0 &&
		    s->hosts[i].first_seen_us / 1000000 < since_s)
			since_s = s->hosts[i].first_seen_us / 1000000;
	for (uint32_t i = 0; i < s->n_events; i++)
		if (s->events[i].ts_us / 1000000 < since_s)
			since_s = s->events[i].ts_us / 1000000;
	int64_t span = now_s - since_s;
	span += span / 10 + 10;
	if (span < 120)
		span = 120;
	if (span > 3600)
		span = 3600;
	if (v > 0)
		span = fs_graph_view_span(fs_graph_view_names[v]);
	int64_t start_s = now_s - span;
	const char *view = v > 0 ? fs_graph_view_names[v] : NULL;
	const char *sfx = views[v].suffix;

	bool host_img[MAX_HOSTS] = { false }, seg_img = false;
	bool router_img[MAX_ROUTERS] = { false };
	if (h->has_rrd) {
		/* Which job draws what: -1 none. */
		int seg_job = -1, host_job[MAX_HOSTS], router_job[MAX_ROUTERS];
		struct fs_html_job *jobs = h->jobs;
		unsigned nj = 0;
		struct fs_graph_req r = { .kind = FS_GRAPH_SEGMENT,
					  .start = start_s, .end = now_s,
					  .view = view };
		char seg_png[32];
		snprintf(seg_png, sizeof(seg_png), "segment%s.png", sfx);
		if (add_job(h, &jobs[nj], "segment.rrd", seg_png, &r))
			seg_job = (int)nj++;
		for (uint32_t i = 0; i < s->n_hosts; i++) {
			char rel[128], name[64], png[80];
			const struct fs_html_host *hh = &s->hosts[i];
			fs_store_rel_path(rel, sizeof(rel), FS_STORE_K_HOST,
					  hh->vlan, hh->mac, 0);
			host_name(name, sizeof(name), hh);
			snprintf(png, sizeof(png), "host-%s%s.png", name, sfx);
			struct fs_graph_req hr = { .kind = FS_GRAPH_HOST,
						   .vlan = hh->vlan,
						   .start = start_s,
						   .end = now_s,
						   .view = view,
						   .width = 600,
						   .height = 160 };
			memcpy(hr.mac, hh->mac, 6);
			host_job[i] = -1;
			if (add_job(h, &jobs[nj], rel, png, &hr))
				host_job[i] = (int)nj++;
		}
		for (uint32_t i = 0; i < s->n_routers && i < MAX_ROUTER_GRAPHS;
		     i++) {
			char rel[128], id[16], png[56];
			fs_store_rel_path(rel, sizeof(rel), FS_STORE_K_ROUTER, 0,
					  NULL, s->routers[i].router_id);
			snprintf(png, sizeof(png), "router-%s%s.png",
				 fs_fmt_id(id, s->routers[i].router_id), sfx);
			struct fs_graph_req rr = { .kind = FS_GRAPH_ROUTER,
						   .router_id =
							   s->routers[i].router_id,
						   .start = start_s,
						   .end = now_s,
						   .view = view };
			router_job[i] = -1;
			if (add_job(h, &jobs[nj], rel, png, &rr))
				router_job[i] = (int)nj++;
		}
		draw_jobs(h, jobs, nj);
		seg_img = seg_job >= 0 && jobs[seg_job].ok;
		for (uint32_t i = 0; i < s->n_hosts; i++)
			host_img[i] = host_job[i] >= 0 && jobs[host_job[i]].ok;
		for (uint32_t i = 0; i < s->n_routers && i < MAX_ROUTER_GRAPHS;
		     i++)
			router_img[i] = router_job[i] >= 0 &&
					jobs[router_job[i]].ok;
	}

	char path[FS_STORE_PATH_MAX + 32], tmp[FS_STORE_PATH_MAX + 40];
	snprintf(path, sizeof(path), "%s/%s", h->dir, views[v].page);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f) {
		fs_log_limited(&h->rl, mono_us(), FS_LOG_WARNING, "html: %s: %s", tmp,
			       strerror(errno));
		return;
	}
	char ts[FS_ZONED_TIME_STRLEN];
	fprintf(f,
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"refresh\" content=\"%u\">\n"
		"<title>floodspot overview%s", h->refresh_s, h->agent[0] ? " &#8212; " : "");
	fs_html_esc(f, h->agent);
	fprintf(f, "</title>\n<style>\n"
		"body{font-family:sans-serif;margin:1em}"
		"table{border-collapse:collapse;margin-bottom:1em}"
		"td,th{border:1px solid #bbb;padding:2px 6px;font-size:13px}"
		"th{background:#eee}.num{text-align:right}"
		".raised{color:#c00}.cleared{color:#080}"
		"#headline{border:2px solid #c00;padding:0 1em;margin:1em 0}"
		"#headline.none{border-color:#080}\n"
		"</style>\n<script>\n"
		"window.addEventListener('load', function () {\n"
		"  var imgs = document.images, ok = 0;\n"
		"  for (var i = 0; i < imgs.length; i++)\n"
		"    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;\n"
		"  document.body.setAttribute('data-images-total', imgs.length);\n"
		"  document.body.setAttribute('data-images-loaded', ok);\n"
		"});\n</script>\n</head>\n<body>\n"
		"<h1>floodspot%s", h->agent[0] ? " &#8212; " : "");
	fs_html_esc(f, h->agent);
	fprintf(f, "</h1>\n<p>As of %s (packet time).</p>\n",
		fs_graph_fmt_time(ts, s->now_us));
	fprintf(f, "<nav id=\"views\">");
	for (int k = 0; k < FS_GRAPH_VIEWS; k++)
		fprintf(f, k == v ? "%s<b>%s</b>" : "%s<a href=\"%s\">%s</a>",
			k ? " | " : "", k == v ? fs_graph_view_names[k] : views[k].page,
			fs_graph_view_names[k]);
	fprintf(f, "</nav>\n");
	headline(f, s);

	/* Alerts first: the culprit is what an operator opens the page for. */
	fprintf(f, "<h2>Alerts</h2>\n");
	if (s->n_alerts == 0) {
		fprintf(f, "<p>No alerts.</p>\n");
	} else {
		fprintf(f, "<p>Last %u of %" PRIu64 ", newest first.</p>\n"
			"<table id=\"alerts\">\n<tr><th>time</th><th>state</th>"
			"<th>severity</th><th>rule</th><th>details</th></tr>\n",
			s->n_alerts, s->alerts_total);
		for (uint32_t i = 0; i < s->n_alerts; i++) {
			const struct fs_alert *a = &s->alerts[i];
			char kv[2048];
			fs_alert_format_kv(a, kv, sizeof(kv));
			fprintf(f, "<tr class=\"%s\"><td>%s</td><td>%s</td>"
				"<td>%s</td><td>", fs_alert_state_name(a->state),
				fs_graph_fmt_time(ts, a->ts_us),
				fs_alert_state_name(a->state),
				fs_alert_severity_name(a->severity));
			fs_html_esc(f, a->rule);
			fprintf(f, "</td><td><code>");
			fs_html_esc(f, kv);
			if (a->message[0]) {
				fprintf(f, "</code><br>");
				fs_html_esc(f, a->message);
			} else {
				fprintf(f, "</code>");
			}
			fprintf(f, "</td></tr>\n");
		}
		fprintf(f, "</table>\n");
	}

	fprintf(f, "<h2>Segment</h2>\n");
	if (seg_img)
		fprintf(f, "<img id=\"segment\" src=\"segment%s.png\" "
			"alt=\"segment\">\n", sfx);
	else
		fprintf(f, "<p>No segment graph.</p>\n");

	fprintf(f, "<h2>Top hosts</h2>\n<table id=\"hosts\">\n<tr><th>#</th>"
		"<th>MAC</th><th>VLAN</th><th>IPs</th><th>packets</th>"
		"<th>bytes</th><th>peak pps</th><th>peak at</th>"
		"<th>last pps</th><th>classes</th></tr>\n");
	for (uint32_t i = 0; i < s->n_hosts; i++) {
		const struct fs_html_host *hh = &s->hosts[i];
		char mac[FS_MAC_STRLEN], name[64];
		host_name(name, sizeof(name), hh);
		fprintf(f, "<tr class=\"host\" data-mac=\"%s\"><td>%u</td>"
			"<td><a href=\"#g-%s\">%s</a></td><td>%u</td><td>",
			fs_fmt_mac(mac, hh->mac), i + 1, name, mac,
			(unsigned)hh->vlan);
		fs_html_esc(f, hh->ips);
		fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td>"
			"<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%u"
			"</td><td>%s</td><td class=\"num\">%u</td><td>",
			hh->packets, hh->bytes, hh->peak_pps,
			hh->peak_ts_us ? fs_graph_fmt_time(ts, hh->peak_ts_us) : "",
			hh->last_pps);
		classes_cell(f, hh);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n<h2>Host graphs</h2>\n");
	for (uint32_t i = 0; i < s->n_hosts; i++) {
		char mac[FS_MAC_STRLEN], name[64];
		host_name(name, sizeof(name), &s->hosts[i]);
		fprintf(f, "<div id=\"g-%s\"><h3>%s vlan %u</h3>\n", name,
			fs_fmt_mac(mac, s->hosts[i].mac),
			(unsigned)s->hosts[i].vlan);
		if (host_img[i])
			fprintf(f, "<img class=\"host-graph\" src=\"host-%s%s.png\" "
				"alt=\"%s\">\n", name, sfx, mac);
		else
			fprintf(f, "<p>No RRD file for this host (below the "
				"noise floor or past the file cap).</p>\n");
		fprintf(f, "</div>\n");
	}

	fprintf(f, "<h2>OSPF routers</h2>\n");
	if (s->n_routers == 0) {
		fprintf(f, "<p>No OSPF routers seen.</p>\n");
	} else {
		fprintf(f, "<table id=\"routers\">\n<tr><th>router id</th>"
			"<th>VLAN</th><th>MAC</th><th>IP</th><th>hello/dead</th>"
			"<th>last gap ms</th><th>max gap ms</th>"
			"<th>neighbors</th><th>full</th><th>alive</th>"
			"<th>evidence</th></tr>\n");
		for (uint32_t i = 0; i < s->n_routers; i++) {
			const struct fs_html_router *r = &s->routers[i];
			char id[16], mac[FS_MAC_STRLEN];
			fprintf(f, "<tr><td>%s</td><td>%u</td><td>%s</td><td>",
				fs_fmt_id(id, r->router_id), (unsigned)r->vlan,
				fs_fmt_mac(mac, r->mac));
			fs_html_esc(f, r->ip);
			fprintf(f, "</td><td>%u/%u</td><td class=\"num\">%u</td>"
				"<td class=\"num\">%u</td><td class=\"num\">%u"
				"</td><td class=\"num\">%u</td><td>%s</td><td>",
				r->hello_interval_s, r->dead_interval_s,
				r->last_gap_ms, r->gap_max_ms, r->neighbors,
				r->adj_full, r->alive ? "yes" : "no");
			fs_html_esc(f, r->evidence);
			fputs("</td></tr>\n", f);
		}
		fprintf(f, "</table>\n");
		for (uint32_t i = 0; i < s->n_routers && i < MAX_ROUTER_GRAPHS;
		     i++) {
			char id[16];
			if (router_img[i])
				fprintf(f, "<img class=\"router-graph\" "
					"src=\"router-%s%s.png\" alt=\"router %s\">\n",
					fs_fmt_id(id, s->routers[i].router_id), sfx,
					id);
		}
	}

	fprintf(f, "<h2>OSPF adjacencies</h2>\n");
	if (s->n_adj) {
		fprintf(f, "<table id=\"adjacencies\">\n<tr><th>router</th>"
			"<th>neighbor</th><th>VLAN</th><th>state</th>"
			"<th>since</th></tr>\n");
		for (uint32_t i = 0; i < s->n_adj; i++) {
			const struct fs_ospf_adj_view *a = &s->adj[i];
			char x[16], y[16];
			fprintf(f, "<tr><td>%s</td><td>%s</td><td>%u</td>"
				"<td>%s</td><td>%s</td></tr>\n",
				fs_fmt_id(x, a->router_id),
				fs_fmt_id(y, a->neighbor_id), (unsigned)a->vlan,
				fs_ospf_state_name(a->state),
				a->since_us ? fs_graph_fmt_time(ts, a->since_us) : "");
		}
		fprintf(f, "</table>\n");
	}
	if (s->n_events) {
		int64_t t0 = s->events[0].ts_us;
		int64_t t1 = s->now_us > t0 ? s->now_us : t0 + 1000000;
		fprintf(f, "<h3>Timeline</h3>\n");
		write_timeline(f, s, t0 - (t1 - t0) / 20, t1);
		fprintf(f, "<table id=\"adj-events\">\n<tr><th>time</th>"
			"<th>router</th><th>neighbor</th><th>VLAN</th>"
			"<th>change</th><th>reason</th></tr>\n");
		for (uint32_t i = s->n_events; i-- > 0;) {
			const struct adj_event *e = &s->events[i];
			char x[16], y[16];
			fprintf(f, "<tr><td>%s</td><td>%s</td><td>%s</td>"
				"<td>%u</td><td>%s &#8594; %s</td><td>",
				fs_graph_fmt_time(ts, e->ts_us),
				fs_fmt_id(x, e->router_id),
				fs_fmt_id(y, e->neighbor_id), (unsigned)e->vlan,
				fs_ospf_state_name((enum fs_ospf_state)e->from),
				fs_ospf_state_name((enum fs_ospf_state)e->to));
			fs_html_esc(f, e->reason);
			fprintf(f, "</td></tr>\n");
		}
		fprintf(f, "</table>\n");
	} else if (!s->n_adj) {
		fprintf(f, "<p>No adjacencies seen.</p>\n");
	}
	fprintf(f, "</body></html>\n");
	/* On disk before it replaces the page a browser may be reading. */
	bool bad = fflush(f) != 0 || ferror(f) != 0 || fsync(fileno(f)) != 0;
	if (fclose(f) != 0 || bad) {
		fs_log_limited(&h->rl, mono_us(), FS_LOG_WARNING,
			       "html: %s: write failed", tmp);
		unlink(tmp);
		return;
	}
	if (rename(tmp, path) != 0)
		fs_log_limited(&h->rl, mono_us(), FS_LOG_WARNING, "html: %s: %s", path,
			       strerror(errno));
}

/* Every view that is due: the first always, the longer ones at their
 * pace, all of them at the end of a replay. */
static void render(struct fs_html *h, struct snap *s)
{
	if (h->store)
		fs_store_wait_written(h->store, s->store_target);
	for (int v = 0; v < FS_GRAPH_VIEWS; v++) {
		int64_t since = s->now_us - h->view_done_us[v];
		if (v > 0 && !s->force && h->view_drawn[v] && since >= 0 &&
		    since < views[v].every_s * 1000000)
			continue;
		render_view(h, s, v);
		h->view_done_us[v] = s->now_us;
		h->view_drawn[v] = true;
	}
}

static void *render_main(void *arg)
{
	struct fs_html *h = arg;
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->has_pending && !h->stop)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->has_pending)
			break;
		struct snap *s = h->pending;
		h->pending = h->render;
		h->render = s;
		h->has_pending = false;
		pthread_mutex_unlock(&h->mu);
		render(h, h->render);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* ---- capture thread ---- */

struct fs_html *fs_html_create(const struct fs_html_config *cfg,
			       struct fs_event_bus *bus, char *err,
			       size_t errlen)
{
	struct fs_html *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "html: out of memory");
		return NULL;
	}
	snprintf(h->dir, sizeof(h->dir), "%s", cfg->dir ? cfg->dir : ".");
	if (mkdir(h->dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", h->dir,
			 strerror(errno));
		free(h);
		return NULL;
	}
	if (access(h->dir, W_OK) != 0) {
		snprintf(err, errlen, "%s: not writable: %s", h->dir,
			 strerror(errno));
		free(h);
		return NULL;
	}
	if (cfg->rrd_dir) {
		char *abs = realpath(cfg->rrd_dir, NULL);
		snprintf(h->rrd_dir, sizeof(h->rrd_dir), "%s",
			 abs ? abs : cfg->rrd_dir);
		free(abs);
		h->has_rrd = true;
	}
	if (cfg->rrdcached && *cfg->rrdcached) {
		snprintf(h->daemon, sizeof(h->daemon), "%s", cfg->rrdcached);
		h->has_daemon = true;
	}
	h->store = cfg->store;
	h->refresh_s = cfg->refresh_s ? cfg->refresh_s : 10;
	snprintf(h->agent, sizeof(h->agent), "%s",
		 cfg->agent_name ? cfg->agent_name : "");
	h->top_n = cfg->top_n ? cfg->top_n : 10;
	if (h->top_n > MAX_HOSTS)
		h->top_n = MAX_HOSTS;
	h->rl = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 3);
	h->build = calloc(1, sizeof(struct snap));
	h->pending = calloc(1, sizeof(struct snap));
	h->render = calloc(1, sizeof(struct snap));
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (!h->build || !h->pending || !h->render ||
	    fs_thread_start(&h->thread, render_main, h) != 0) {
		snprintf(err, errlen, "html: cannot start renderer");
		fs_html_destroy(h);
		return NULL;
	}
	h->thread_started = true;
	if (bus && fs_event_subscribe(bus, on_event, h) != 0)
		fs_log(FS_LOG_WARNING, "html: event bus full, no alerts shown");
	return h;
}

void fs_html_begin(struct fs_html *h, int64_t now_us)
{
	struct snap *s = h->build;
	s->now_us = now_us;
	s->force = false;
	s->n_hosts = s->n_routers = s->n_adj = 0;
}

void fs_html_add_host(struct fs_html *h, const struct fs_html_host *host)
{
	struct snap *s = h->build;
	if (s->n_hosts < h->top_n)
		s->hosts[s->n_hosts++] = *host;
}

void fs_html_add_router(struct fs_html *h, const struct fs_html_router *r)
{
	struct snap *s = h->build;
	if (s->n_routers < MAX_ROUTERS)
		s->routers[s->n_routers++] = *r;
}

void fs_html_add_adjacency(struct fs_html *h, const struct fs_ospf_adj_view *a)
{
	struct snap *s = h->build;
	if (s->n_adj < MAX_ADJ)
		s->adj[s->n_adj++] = *a;
}

void fs_html_commit(struct fs_html *h)
{
	struct snap *s = h->build;
	s->n_alerts = h->alert_n;
	s->alerts_total = h->alerts_total;
	for (uint32_t i = 0; i < h->alert_n; i++)
		s->alerts[i] = h->alerts[(h->alert_pos + MAX_ALERTS - 1 - i) %
					 MAX_ALERTS];
	s->n_events = h->event_n;
	for (uint32_t i = 0; i < h->event_n; i++)
		s->events[i] = h->events[(h->event_pos + MAX_EVENTS -
					  h->event_n + i) % MAX_EVENTS];
	s->store_target = h->store ? fs_store_queued_mark(h->store) : 0;
	/* The renderer holds mu only to swap pointers, never while drawing,
	 * so this waits for a swap at most. A try-lock here lost the final
	 * refresh of a replay when it met the renderer's first swap. */
	pthread_mutex_lock(&h->mu);
	/* Swap, not copy: a snapshot still pending is replaced by this
	 * newer one. */
	h->build = h->pending;
	h->pending = s;
	h->has_pending = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	h->last_refresh_us = s->now_us;
	h->refreshed_once = true;
}

bool fs_html_finish(struct fs_html *h, int timeout_ms)
{
	if (!h || !h->thread_started)
		return true;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (timeout_ms < 0) {
		pthread_join(h->thread, NULL);
		h->thread_started = false;
		return true;
	}
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_sec += timeout_ms / 1000;
	at.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(h->thread, NULL, &at) != 0) {
		h->abandoned = true;
		/* Our own child, by pid: it would outlive us otherwise. */
		int pid = atomic_load(&h->draw_child);
		if (pid > 0)
			kill(pid, SIGKILL);
		fs_log(FS_LOG_ERR, "html: renderer still busy %d ms after stop; "
		       "the last page is not written", timeout_ms);
		return false;
	}
	h->thread_started = false;
	return true;
}

void fs_html_destroy(struct fs_html *h)
{
	if (!h || h->abandoned)
		return;	/* an abandoned renderer may still use everything */
	if (h->thread_started) {
		pthread_mutex_lock(&h->mu);
		h->stop = true;
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
	}
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h->build);
	free(h->pending);
	free(h->render);
	free(h);
}

bool fs_html_due(const struct fs_html *h, int64_t now_us, int force)
{
	return force || !h->refreshed_once ||
	       now_us - h->last_refresh_us >= (int64_t)h->refresh_s * 1000000 ||
	       now_us < h->last_refresh_us;
}

void fs_html_force(struct fs_html *h)
{
	h->build->force = true;
}

uint32_t fs_html_top_n(const struct fs_html *h)
{
	return h->top_n;
}
