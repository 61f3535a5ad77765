/*
 * The central overview: every agent of a central rrdcached on one page,
 * for the collector host, where no capture runs.
 *
 * What it reads, all through the daemon (LIST, FETCH; no local file):
 * each agent is a directory holding agent.rrd (its claim: running when
 * held within the last 15 s); segment.rrd gives the segment's rate now
 * and its peak in the window; every host file's router-bound peak names
 * the top control-plane sender; a router whose full adjacencies fell
 * in the window, or whose hello gap passed 2 s, suffered. With the
 * collector's per-agent alert files (--alerts DIR, one file per agent as
 * docs/CENTRAL.md configures rsyslog), the last state of each alert says
 * whether a flood is active and names the culprit and the adjacencies it
 * cost, as the agent judged them; the rates alone never call a host a
 * culprit.
 *
 * index.html leads with the agents that have an active flood; each agent
 * has a page (agents/<dir>.html) with its graphs, drawn through the
 * daemon, its top hosts, routers and recent alerts.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <rrd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/fmt.h"
#include "html_int.h"

#define MAX_TOP 5
#define MAX_ROUTERS 16
#define MAX_ALERT_KEYS 64
#define RECENT_LINES 20
#define ALERT_TAIL (256 * 1024)	/* bytes of an alert file read */
#define ALIVE_S 15

struct c_host { char name[40]; double peak_ctrl, peak_pps; };
struct c_router { char id[20]; double adj_max, adj_last, gap_max; };
struct c_alert { char key[96]; char state[12]; char line[1024]; };

struct c_agent {
	char dir[FS_STORE_PATH_MAX];	/* in the store */
	const char *base;		/* its last component */
	bool running;
	int64_t last_s;
	double seg_last, seg_peak, seg_peak_ctrl;
	unsigned n_hosts, n_top, n_routers, n_suffered;
	struct c_host top[MAX_TOP];
	struct c_router suffered[MAX_ROUTERS];
	bool have_alerts;
	unsigned n_active;
	struct c_alert alerts[MAX_ALERT_KEYS];
	unsigned n_alerts;
	const struct c_alert *culprit;	/* active culprit alert, or NULL */
	char recent[RECENT_LINES][1024];
	unsigned n_recent;
};

/* Peak and last value of DS ds over [start, end]; NAN when none. */
static int fetch_stats(const struct fs_central_config *c, const char *path,
		       unsigned ds, int64_t start, int64_t end, double *peak,
		       double *last)
{
	unsigned long step, n_ds;
	double *data;
	*peak = *last = NAN;
	if (fs_graph_fetch(path, c->daemon, "AVERAGE", &start, &end, &step,
			   &n_ds, &data) != 0)
		return -1;
	unsigned long rows = step ? (unsigned long)(end - start) / step : 0;
	for (unsigned long i = 0; ds < n_ds && i < rows; i++) {
		double v = data[i * n_ds + ds];
		if (isnan(v))
			continue;
		if (isnan(*peak) || v > *peak)
			*peak = v;
		*last = v;
	}
	free(data);
	return 0;
}

/* The value of key in a key=value line (bare, or quoted with \ escapes). */
static bool kv_get(const char *line, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	for (const char *p = line; (p = strstr(p, key)); p += kl) {
		if ((p != line && p[-1] != ' ') || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t o = 0;
		if (*v == '"') {
			for (v++; *v && *v != '"' && o + 1 < len; v++) {
				if (*v == '\\' && v[1])
					v++;
				out[o++] = *v;
			}
		} else {
			while (*v && *v != ' ' && o + 1 < len)
				out[o++] = *v++;
		}
		out[o] = '\0';
		return true;
	}
	return false;
}

static void read_alerts(const struct fs_central_config *c, struct c_agent *a)
{
	char path[FS_STORE_PATH_MAX * 2], line[1024];
	snprintf(path, sizeof(path), "%s/%s.log", c->alerts_dir, a->base);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	a->have_alerts = true;
	if (fseek(f, -ALERT_TAIL, SEEK_END) == 0 && !fgets(line, sizeof(line), f))
		rewind(f);	/* first line may be cut: skipped above */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char rule[32], state[12], subj[48] = "-";
		if (!kv_get(line, "rule", rule, sizeof(rule)) ||
		    !kv_get(line, "state", state, sizeof(state)))
			continue;
		if (!kv_get(line, "mac", subj, sizeof(subj)))
			kv_get(line, "router_id", subj, sizeof(subj));
		snprintf(a->recent[a->n_recent % RECENT_LINES], sizeof(line),
			 "%s", line);
		a->n_recent++;
		char key[96];
		snprintf(key, sizeof(key), "%s|%s", rule, subj);
		unsigned i;
		for (i = 0; i < a->n_alerts; i++)
			if (!strcmp(a->alerts[i].key, key))
				break;
		if (i == a->n_alerts) {
			if (a->n_alerts == MAX_ALERT_KEYS)
				continue;
			a->n_alerts++;
		}
		struct c_alert *al = &a->alerts[i];
		snprintf(al->key, sizeof(al->key), "%s", key);
		snprintf(al->state, sizeof(al->state), "%s", state);
		snprintf(al->line, sizeof(al->line), "%s", line);
	}
	fclose(f);
	for (unsigned i = 0; i < a->n_alerts; i++) {
		if (!strcmp(a->alerts[i].state, "cleared"))
			continue;
		a->n_active++;
		if (!strncmp(a->alerts[i].key, "culprit|", 8))
			a->culprit = &a->alerts[i];
	}
}

static void add_top(struct c_agent *a, const char *name, double ctrl,
		    double pps)
{
	if (isnan(ctrl))
		return;
	unsigned n = a->n_top < MAX_TOP ? a->n_top++ : MAX_TOP - 1;
	if (a->n_top == MAX_TOP && n == MAX_TOP - 1 && a->top[n].peak_ctrl >= ctrl)
		return;
	while (n > 0 && a->top[n - 1].peak_ctrl < ctrl) {
		a->top[n] = a->top[n - 1];
		n--;
	}
	snprintf(a->top[n].name, sizeof(a->top[n].name), "%s", name);
	a->top[n].peak_ctrl = ctrl;
	a->top[n].peak_pps = pps;
}

/* One agent's figures from its files in the listing. */
static void read_agent(const struct fs_central_config *c, struct c_agent *a,
		       char *const *files, size_t n_files, int64_t now)
{
	char path[FS_STORE_PATH_MAX * 2];
	int64_t start = now - c->window_s;
	size_t dl = strlen(a->dir);
	double peak, last;

	snprintf(path, sizeof(path), "%s/agent.rrd", a->dir);
	if (fetch_stats(c, path, 0, now - 60, now, &peak, &last) == 0) {
		int64_t s = now - 60, e = now;
		unsigned long step, n_ds;
		double *d;
		/* The newest row held: its time is the last heartbeat. */
		if (fs_graph_fetch(path, c->daemon, "LAST", &s, &e, &step,
				   &n_ds, &d) == 0) {
			unsigned long rows = step ? (unsigned long)(e - s) / step : 0;
			for (unsigned long i = 0; i < rows; i++)
				if (!isnan(d[i]) && d[i] > 0)
					a->last_s = s + (int64_t)(i + 1) * (int64_t)step;
			free(d);
		}
		a->running = a->last_s && now - a->last_s <= ALIVE_S &&
			     last > 0;
	}
	snprintf(path, sizeof(path), "%s/segment.rrd", a->dir);
	fetch_stats(c, path, 0, start, now, &a->seg_peak, &a->seg_last);
	fetch_stats(c, path, 2, start, now, &a->seg_peak_ctrl, &last);
	for (size_t i = 0; i < n_files; i++) {
		const char *f = files[i];
		if (strncmp(f, a->dir, dl) != 0 || f[dl] != '/')
			continue;
		const char *rel = f + dl + 1;
		snprintf(path, sizeof(path), "%s", f);
		if (!strncmp(rel, "hosts/", 6) && !strchr(rel + 6, '/')) {
			double ctrl, pps;
			a->n_hosts++;
			fetch_stats(c, path, 0, start, now, &pps, &last);
			fetch_stats(c, path, 2, start, now, &ctrl, &last);
			char name[40];
			snprintf(name, sizeof(name), "%.*s",
				 (int)(strlen(rel + 6) - 4), rel + 6);
			add_top(a, name, ctrl, pps);
		} else if (!strncmp(rel, "routers/", 8) && !strchr(rel + 8, '/')) {
			double gap, adj_max, adj_last;
			a->n_routers++;
			fetch_stats(c, path, 0, start, now, &gap, &last);
			fetch_stats(c, path, 2, start, now, &adj_max, &adj_last);
			bool fell = !isnan(adj_max) && !isnan(adj_last) &&
				    adj_last < adj_max;
			if ((fell || (!isnan(gap) && gap > 2000)) &&
			    a->n_suffered < MAX_ROUTERS) {
				struct c_router *r = &a->suffered[a->n_suffered++];
				snprintf(r->id, sizeof(r->id), "%.*s",
					 (int)(strlen(rel + 8) - 4), rel + 8);
				r->adj_max = adj_max;
				r->adj_last = adj_last;
				r->gap_max = gap;
			}
		}
	}
	if (c->alerts_dir)
		read_alerts(c, a);
}

static int cmp_agents(const void *x, const void *y)
{
	const struct c_agent *a = x, *b = y;
	if (!!a->culprit != !!b->culprit)
		return a->culprit ? -1 : 1;
	if (!!a->n_active != !!b->n_active)
		return a->n_active ? -1 : 1;
	return strcmp(a->dir, b->dir);
}

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("-", f);
	else
		fprintf(f, "%.0f", v);
}

/* A file written whole or not at all. */
static FILE *page_open(const char *path, char *tmp, size_t len)
{
	snprintf(tmp, len, "%s.tmp", path);
	return fopen(tmp, "we");
}

static int page_close(FILE *f, const char *tmp, const char *path)
{
	bool bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void head(FILE *f, const char *title, unsigned refresh)
{
	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"refresh\" content=\"%u\"><title>", refresh);
	fs_html_esc(f, title);
	fputs("</title><style>body{font-family:sans-serif}"
	      "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	      "padding:2px 6px}.flood{background:#fdd}.stale{color:#888}"
	      "</style></head><body>\n", f);
}

static void culprit_cell(FILE *f, const struct c_agent *a)
{
	char v[128];
	if (!a->culprit) {
		fputs("<td>-</td><td>", f);
		for (unsigned i = 0; i < a->n_suffered; i++) {
			fs_html_esc(f, a->suffered[i].id);
			fputs(i + 1 < a->n_suffered ? ", " : "", f);
		}
		fputs(a->n_suffered ? "</td>" : "-</td>", f);
		return;
	}
	const char *l = a->culprit->line;
	fputs("<td>", f);
	static const char *const keys[] = { "mac", "ip", "class", "pps",
					    "since" };
	for (unsigned i = 0; i < 5; i++)
		if (kv_get(l, keys[i], v, sizeof(v))) {
			fprintf(f, "%s=", keys[i]);
			fs_html_esc(f, v);
			fputs(" ", f);
		}
	fputs("</td><td>", f);
	if (kv_get(l, "adjacencies", v, sizeof(v)))
		fs_html_esc(f, v);
	else
		fputs("-", f);
	fputs("</td>", f);
}

static int write_index(const struct fs_central_config *c,
		       const struct c_agent *ag, size_t n, int64_t now)
{
	char path[FS_STORE_PATH_MAX * 2], tmp[FS_STORE_PATH_MAX * 2 + 8];
	char t[FS_ZONED_TIME_STRLEN];
	snprintf(path, sizeof(path), "%s/index.html", c->out_dir);
	FILE *f = page_open(path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	head(f, "floodspot: all agents", c->refresh_s ? c->refresh_s : 60);
	fprintf(f, "<h1>floodspot: %zu agents</h1>\n<p>rrdcached ", n);
	fs_html_esc(f, c->daemon);
	fprintf(f, ", the last %u s, at %s%s</p>\n", c->window_s,
		fs_graph_fmt_time(t, now * 1000000),
		c->alerts_dir ? "" : "; no alert files (--alerts): floods "
				     "are not judged here");
	fputs("<table><tr><th>agent</th><th>state</th><th>flood</th>"
	      "<th>culprit</th><th>adjacencies suffered</th>"
	      "<th>segment pps now / peak</th><th>router-bound peak</th>"
	      "<th>top control-plane sender</th><th>hosts</th>"
	      "<th>routers</th></tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct c_agent *a = &ag[i];
		fprintf(f, "<tr class=\"%s\"><td><a href=\"agents/",
			a->culprit ? "flood" : a->running ? "" : "stale");
		fs_html_esc(f, a->base);
		fputs(".html\">", f);
		fs_html_esc(f, a->dir);
		fprintf(f, "</a></td><td>%s</td><td>%s</td>",
			a->running ? "running" : "stopped",
			a->culprit ? "ACTIVE" : a->n_active ? "alerts active"
					      : "-");
		culprit_cell(f, a);
		fputs("<td>", f);
		num(f, a->seg_last);
		fputs(" / ", f);
		num(f, a->seg_peak);
		fputs("</td><td>", f);
		num(f, a->seg_peak_ctrl);
		fputs("</td><td>", f);
		if (a->n_top) {
			fs_html_esc(f, a->top[0].name);
			fputs(" (", f);
			num(f, a->top[0].peak_ctrl);
			fputs(" pps)", f);
		} else {
			fputs("-", f);
		}
		fprintf(f, "</td><td>%u</td><td>%u</td></tr>\n", a->n_hosts,
			a->n_routers);
	}
	fputs("</table>\n</body></html>\n", f);
	return page_close(f, tmp, path);
}

static void graph(const struct fs_central_config *c, const struct c_agent *a,
		  enum fs_graph_kind kind, const char *what, int64_t now,
		  FILE *page)
{
	char out[FS_STORE_PATH_MAX * 2], err[256];
	snprintf(out, sizeof(out), "%s/agents/%s-%s.png", c->out_dir, a->base,
		 what);
	struct fs_graph_req r = { .kind = kind, .dir = a->dir, .out = out,
				  .daemon = c->daemon, .top_n = 5,
				  .end = now, .start = now - 3600,
				  .view = "hour" };
	if (fs_graph_render(&r, err, sizeof(err)) != 0) {
		fputs("<p>graph: ", page);
		fs_html_esc(page, err);
		fputs("</p>\n", page);
		return;
	}
	fputs("<p><img src=\"", page);
	fs_html_esc(page, a->base);
	fprintf(page, "-%s.png\"></p>\n", what);
}

static int write_agent(const struct fs_central_config *c,
		       const struct c_agent *a, int64_t now)
{
	char path[FS_STORE_PATH_MAX * 2], tmp[FS_STORE_PATH_MAX * 2 + 8];
	snprintf(path, sizeof(path), "%s/agents/%s.html", c->out_dir, a->base);
	FILE *f = page_open(path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	head(f, a->dir, c->refresh_s ? c->refresh_s : 60);
	fputs("<p><a href=\"../index.html\">all agents</a></p><h1>", f);
	fs_html_esc(f, a->dir);
	fprintf(f, "</h1>\n<p>%s", a->running ? "running" : "stopped");
	if (a->culprit) {
		fputs("; <b>active flood</b>: ", f);
		fs_html_esc(f, a->culprit->line);
	}
	fputs("</p>\n", f);
	graph(c, a, FS_GRAPH_SEGMENT, "segment", now, f);
	if (a->n_hosts)
		graph(c, a, FS_GRAPH_TOP, "top", now, f);
	fputs("<h2>top control-plane senders</h2><table><tr><th>host "
	      "(vlan-mac)</th><th>router-bound peak pps</th><th>peak pps"
	      "</th></tr>\n", f);
	for (unsigned i = 0; i < a->n_top; i++) {
		fputs("<tr><td>", f);
		fs_html_esc(f, a->top[i].name);
		fputs("</td><td>", f);
		num(f, a->top[i].peak_ctrl);
		fputs("</td><td>", f);
		num(f, a->top[i].peak_pps);
		fputs("</td></tr>\n", f);
	}
	fputs("</table><h2>routers that suffered</h2><table><tr><th>router"
	      "</th><th>full adjacencies max / now</th><th>largest hello gap "
	      "ms</th></tr>\n", f);
	for (unsigned i = 0; i < a->n_suffered; i++) {
		const struct c_router *r = &a->suffered[i];
		fputs("<tr><td>", f);
		fs_html_esc(f, r->id);
		fputs("</td><td>", f);
		num(f, r->adj_max);
		fputs(" / ", f);
		num(f, r->adj_last);
		fputs("</td><td>", f);
		num(f, r->gap_max);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (a->have_alerts) {
		fputs("<h2>recent alerts</h2><pre>", f);
		unsigned n = a->n_recent < RECENT_LINES ? a->n_recent : RECENT_LINES;
		for (unsigned i = 0; i < n; i++) {
			fs_html_esc(f, a->recent[(a->n_recent - n + i) % RECENT_LINES]);
			fputc('\n', f);
		}
		fputs("</pre>\n", f);
	}
	fputs("</body></html>\n", f);
	return page_close(f, tmp, path);
}

int fs_central_render(const struct fs_central_config *c, char *err,
		      size_t errlen)
{
	char sub[FS_STORE_PATH_MAX * 2];
	snprintf(sub, sizeof(sub), "%s/agents", c->out_dir);
	if (fs_store_mkdir_p(sub) != 0) {
		snprintf(err, errlen, "%s: %s", sub, strerror(errno));
		return -1;
	}
	char *list = fs_graph_list(c->daemon, "/", true);
	if (!list) {
		const char *e = rrd_get_error();
		snprintf(err, errlen, "rrdcached %s: cannot list: %s", c->daemon,
			 e && *e ? e : "no reason given");
		return -1;
	}
	size_t n_files = 0, cap = 1024, n_ag = 0;
	char **files = malloc(cap * sizeof(*files));
	struct c_agent *ag = NULL;
	char *save = NULL;
	for (char *l = strtok_r(list, "\n", &save); files && l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (n_files == cap) {
			char **nf = realloc(files, 2 * cap * sizeof(*files));
			if (!nf)
				break;
			files = nf;
			cap *= 2;
		}
		files[n_files++] = l;
	}
	int rc = 0;
	for (size_t i = 0; files && i < n_files; i++) {
		size_t len = strlen(files[i]);
		if (len >= 10 && !strcmp(files[i] + len - 10, "/agent.rrd") &&
		    len - 10 < FS_STORE_PATH_MAX)
			n_ag++;
	}
	ag = calloc(n_ag ? n_ag : 1, sizeof(*ag));
	if (!files || !ag) {
		snprintf(err, errlen, "central: out of memory");
		rc = -1;
		goto out;
	}
	int64_t now = c->now_s ? c->now_s : (int64_t)time(NULL);
	size_t k = 0;
	for (size_t i = 0; i < n_files && k < n_ag; i++) {
		size_t len = strlen(files[i]);
		if (len < 10 || strcmp(files[i] + len - 10, "/agent.rrd") ||
		    len - 10 >= FS_STORE_PATH_MAX)
			continue;
		struct c_agent *a = &ag[k++];
		snprintf(a->dir, sizeof(a->dir), "%.*s", (int)(len - 10),
			 files[i]);
		const char *slash = strrchr(a->dir, '/');
		a->base = slash ? slash + 1 : a->dir;
		read_agent(c, a, files, n_files, now);
	}
	qsort(ag, k, sizeof(*ag), cmp_agents);
	/* base points into each record: fix it after the sort moved them. */
	for (size_t i = 0; i < k; i++) {
		const char *slash = strrchr(ag[i].dir, '/');
		ag[i].base = slash ? slash + 1 : ag[i].dir;
		if (ag[i].culprit) {
			for (unsigned j = 0; j < ag[i].n_alerts; j++)
				if (!strncmp(ag[i].alerts[j].key, "culprit|", 8) &&
				    strcmp(ag[i].alerts[j].state, "cleared"))
					ag[i].culprit = &ag[i].alerts[j];
		}
		if (write_agent(c, &ag[i], now) != 0)
			rc = -1;
	}
	if (write_index(c, ag, k, now) != 0)
		rc = -1;
	if (rc)
		snprintf(err, errlen, "%s: cannot write the pages: %s",
			 c->out_dir, strerror(errno));
	if (c->summary)
		for (size_t i = 0; i < k; i++) {
			char v[128] = "-", adj[128] = "-";
			if (ag[i].culprit) {
				kv_get(ag[i].culprit->line, "mac", v, sizeof(v));
				kv_get(ag[i].culprit->line, "adjacencies", adj,
				       sizeof(adj));
			}
			fprintf(c->summary, "agent=%s running=%s flood=%s "
				"culprit=%s adjacencies=%s seg_peak_pps=%.0f "
				"ctrl_peak_pps=%.0f top=%s hosts=%u routers=%u "
				"suffered=%u\n", ag[i].dir,
				ag[i].running ? "yes" : "no",
				ag[i].culprit ? "yes" : "no", v, adj,
				isnan(ag[i].seg_peak) ? 0 : ag[i].seg_peak,
				isnan(ag[i].seg_peak_ctrl) ? 0
							   : ag[i].seg_peak_ctrl,
				ag[i].n_top ? ag[i].top[0].name : "-",
				ag[i].n_hosts, ag[i].n_routers,
				ag[i].n_suffered);
		}
out:
	free(ag);
	free(files);
	free(list);
	return rc;
}
