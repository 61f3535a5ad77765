/*
 * Graphs through librrd's rrd_graph_v: one host's rates by class (MAX and
 * AVERAGE, since a flood lives in MAX), the segment, the top N hosts
 * stacked, and a router's hello gap and neighbors with its adjacency
 * changes (from events.log) as vertical rules. Runs in floodspot-graph and
 * on the HTML renderer thread, never on the capture thread.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <rrd.h>
#include <rrd_client.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "floodspot/fmt.h"
#include "floodspot/html.h"

#define MAX_ARGS 256
#define ARENA 32768
#define MAX_VRULES 60

struct args {
	const char *v[MAX_ARGS];
	int n;
	char arena[ARENA];
	size_t used;
	bool overflow;
};

static void add(struct args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
	va_list ap;
	if (a->n >= MAX_ARGS || a->used >= ARENA) {
		a->overflow = true;
		return;
	}
	va_start(ap, fmt);
	int n = vsnprintf(a->arena + a->used, ARENA - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= ARENA - a->used) {
		a->overflow = true;
		return;
	}
	a->v[a->n++] = a->arena + a->used;
	a->used += (size_t)n + 1;
}

/* DEF file names: ':' separates DEF fields, so escape it. */
static void escape_path(char *out, size_t len, const char *in)
{
	size_t o = 0;
	for (; *in && o + 2 < len; in++) {
		if (*in == ':')
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o] = '\0';
}

static const char *const colors[] = { "e41a1c", "377eb8", "4daf4a",
				      "984ea3", "ff7f00", "a65628",
				      "f781bf", "999999", "1b9e77",
				      "d95f02" };
#define N_COLORS (sizeof(colors) / sizeof(colors[0]))

static time_t file_last(const char *path, const char *daemon)
{
	if (daemon) {
		if (rrdc_connect(daemon) == 0) {
			time_t t = rrdc_last(path);
			if (t > 0)
				return t;
		}
	}
	return rrd_last_r(path);
}

static void common(struct args *a, const struct fs_graph_req *r,
		   const char *title, const char *vlabel)
{
	bool svg = r->format && strcasecmp(r->format, "svg") == 0;
	add(a, "graph");
	add(a, "%s", r->out);
	add(a, "--imgformat");
	add(a, "%s", svg ? "SVG" : "PNG");
	add(a, "--start");
	add(a, "%" PRId64, r->start);
	add(a, "--end");
	add(a, "%" PRId64, r->end);
	add(a, "--width");
	add(a, "%u", r->width ? r->width : 720);
	add(a, "--height");
	add(a, "%u", r->height ? r->height : 200);
	add(a, "--title");
	add(a, "%s", title);
	add(a, "--vertical-label");
	add(a, "%s", vlabel);
	add(a, "--lower-limit");
	add(a, "0");
	if (r->daemon) {
		add(a, "--daemon");
		add(a, "%s", r->daemon);
	}
}

/* Lines for rates by class: AVERAGE thick, MAX thin and light. */
static void class_lines(struct args *a, const char *file, bool with_bytes)
{
	static const char *const ds[] = { "packets", "ctrl", "broadcast",
					  "multicast", "arp" };
	static const char *const label[] = { "all packets", "router-bound",
					     "broadcast", "multicast", "ARP" };
	char esc[FS_STORE_PATH_MAX * 2];
	escape_path(esc, sizeof(esc), file);
	for (unsigned i = 0; i < 5; i++) {
		const char *c = colors[i];
		add(a, "DEF:%s_a=%s:%s:AVERAGE", ds[i], esc, ds[i]);
		add(a, "DEF:%s_m=%s:%s:MAX", ds[i], esc, ds[i]);
		add(a, "VDEF:%s_mx=%s_m,MAXIMUM", ds[i], ds[i]);
		add(a, "VDEF:%s_av=%s_a,AVERAGE", ds[i], ds[i]);
		add(a, "LINE1:%s_m#%s80", ds[i], c);
		add(a, "LINE2:%s_a#%s:%-13s", ds[i], c, label[i]);
		add(a, "GPRINT:%s_mx:max %%8.1lf/s", ds[i]);
		add(a, "GPRINT:%s_av:avg %%8.1lf/s\\l", ds[i]);
	}
	add(a, "COMMENT:thin lines\\: MAX, thick lines\\: AVERAGE\\l");
	(void)with_bytes;
}

static int run(struct args *a, char *err, size_t errlen)
{
	if (a->overflow) {
		snprintf(err, errlen, "graph: too many elements");
		return -1;
	}
	rrd_clear_error();
	rrd_info_t *info = rrd_graph_v(a->n, (char **)a->v);
	if (!info) {
		const char *e = rrd_get_error();
		snprintf(err, errlen, "%s", e && *e ? e : "rrd_graph failed");
		return -1;
	}
	rrd_info_free(info);
	return 0;
}

static int set_range(struct fs_graph_req *r, const char *path,
		     char *err, size_t errlen)
{
	if (r->end <= 0) {
		rrd_clear_error();
		time_t last = file_last(path, r->daemon);
		if (last <= 0) {
			const char *e = rrd_get_error();
			snprintf(err, errlen, "%s: %s", path,
				 e && *e ? e : "cannot read last update");
			return -1;
		}
		r->end = last;
	}
	if (r->start < 0)
		r->start = r->end + r->start;
	if (r->start <= 0 || r->start >= r->end)
		r->start = r->end - 3600;
	return 0;
}

struct top_cand {
	char name[64];
	double score;
};

static int cmp_cand(const void *x, const void *y)
{
	const struct top_cand *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* Sum of packets/s over the range: the host's share in the stack. */
static double host_score(const char *path, const char *daemon,
			 int64_t start, int64_t end)
{
	time_t s = (time_t)start, e = (time_t)end;
	unsigned long step, n_ds;
	char **names;
	rrd_value_t *data;
	double sum = 0;

	if (daemon && rrdc_connect(daemon) == 0)
		rrdc_flush(path);
	rrd_clear_error();
	if (rrd_fetch_r(path, "AVERAGE", &s, &e, &step, &n_ds, &names,
			&data) != 0)
		return -1;
	unsigned long rows = step ? (unsigned long)(e - s) / step : 0;
	for (unsigned long i = 0; i < rows; i++) {
		double v = data[i * n_ds];	/* packets is DS 0 */
		if (!isnan(v))
			sum += v * (double)step;
	}
	for (unsigned long i = 0; i < n_ds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return sum;
}

static int graph_top(struct fs_graph_req *r, struct args *a, char *err,
		     size_t errlen)
{
	char hdir[FS_STORE_PATH_MAX + 8], path[FS_STORE_PATH_MAX + 80];
	snprintf(hdir, sizeof(hdir), "%s/hosts", r->dir);
	DIR *d = opendir(hdir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", hdir, strerror(errno));
		return -1;
	}
	size_t cap = 256, n = 0;
	struct top_cand *c = malloc(cap * sizeof(*c));
	struct dirent *de;
	int64_t last_max = 0;
	while (c && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || len >= sizeof(c->name) ||
		    strcmp(de->d_name + len - 4, ".rrd") != 0)
			continue;
		if (n == cap) {
			struct top_cand *nc = realloc(c, 2 * cap * sizeof(*c));
			if (!nc)
				break;
			c = nc;
			cap *= 2;
		}
		memcpy(c[n].name, de->d_name, len + 1);	/* len checked above */
		c[n].score = 0;
		if (r->end <= 0) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", hdir,
					     c[n].name) >= sizeof(path))
				continue;
			time_t t = file_last(path, r->daemon);
			if (t > last_max)
				last_max = t;
		}
		n++;
	}
	closedir(d);
	if (!c) {
		snprintf(err, errlen, "graph: out of memory");
		return -1;
	}
	if (n == 0) {
		free(c);
		snprintf(err, errlen, "%s: no host files", hdir);
		return -1;
	}
	if (r->end <= 0)
		r->end = last_max;
	if (r->start < 0)
		r->start = r->end + r->start;
	if (r->start <= 0 || r->start >= r->end)
		r->start = r->end - 3600;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", hdir, c[i].name);
		c[i].score = host_score(path, r->daemon, r->start, r->end);
	}
	qsort(c, n, sizeof(*c), cmp_cand);
	uint32_t top = r->top_n ? r->top_n : 10;
	char title[64];
	snprintf(title, sizeof(title), "top %u hosts, packets/s (stacked)", top);
	common(a, r, title, "packets/s");
	for (size_t i = 0; i < n && i < top; i++) {
		char esc[FS_STORE_PATH_MAX * 2], label[64];
		snprintf(path, sizeof(path), "%s/%s", hdir, c[i].name);
		escape_path(esc, sizeof(esc), path);
		/* "10-02-00-0a-00-00-0d.rrd" -> "vlan 10 02:00:0a:00:00:0d",
		 * with the legend's ':' escaped. */
		snprintf(label, sizeof(label), "%s", c[i].name);
		label[strlen(label) - 4] = '\0';
		char *dash = strchr(label, '-');
		char mac[40] = "";
		if (dash) {
			size_t o = 0;
			*dash = '\0';
			for (const char *p = dash + 1; *p && o + 3 < sizeof(mac);
			     p++) {
				if (*p == '-') {
					mac[o++] = '\\';
					mac[o++] = ':';
				} else {
					mac[o++] = *p;
				}
			}
			mac[o] = '\0';
		}
		add(a, "DEF:h%zu=%s:packets:AVERAGE", i, esc);
		add(a, "VDEF:h%zumx=h%zu,MAXIMUM", i, i);
		add(a, "AREA:h%zu#%s:vlan %-4s %s%s", i, colors[i % N_COLORS],
		    label, mac, i ? ":STACK" : "");
		add(a, "GPRINT:h%zumx:peak %%8.1lf/s\\l", i);
	}
	free(c);
	return run(a, err, errlen);
}

/* VRULEs from events.log lines "ts router_id neighbor_id from to vlan". */
static void adjacency_rules(struct args *a, const struct fs_graph_req *r)
{
	char path[FS_STORE_PATH_MAX + 16], id[16], line[256];
	snprintf(path, sizeof(path), "%s/events.log", r->dir);
	fs_fmt_id(id, r->router_id);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	unsigned n = 0;
	bool shown[3] = { false, false, false };
	while (fgets(line, sizeof(line), f) && n < MAX_VRULES) {
		double ts;
		char rid[16], nid[16], from[16], to[16];
		if (sscanf(line, "%lf %15s %15s %15s %15s", &ts, rid, nid, from,
			   to) != 5)
			continue;
		if (ts < (double)r->start || ts > (double)r->end)
			continue;
		if (strcmp(rid, id) != 0 && strcmp(nid, id) != 0)
			continue;
		int kind = strcmp(to, "full") == 0 ? 0
			   : (strcmp(to, "down") == 0 || strcmp(to, "init") == 0) ? 1
			   : 2;
		static const char *const kc[] = { "00a000", "ff0000", "ff9900" };
		static const char *const kl[] = { "adjacency up (full)",
						  "adjacency lost",
						  "adjacency changed" };
		if (!shown[kind]) {
			add(a, "VRULE:%" PRId64 "#%s:%s\\l", (int64_t)ts, kc[kind],
			    kl[kind]);
			shown[kind] = true;
		} else {
			add(a, "VRULE:%" PRId64 "#%s", (int64_t)ts, kc[kind]);
		}
		n++;
	}
	fclose(f);
}

int fs_graph_render(const struct fs_graph_req *req, char *err, size_t errlen)
{
	struct fs_graph_req r = *req;
	struct args *a = calloc(1, sizeof(*a));
	char rel[128], path[FS_STORE_PATH_MAX + 160], title[128];
	char esc[FS_STORE_PATH_MAX * 2];
	int rc = -1;

	if (!a) {
		snprintf(err, errlen, "graph: out of memory");
		return -1;
	}
	if (!r.out || !r.dir) {
		snprintf(err, errlen, "graph: no directory or output");
		goto out;
	}
	switch (r.kind) {
	case FS_GRAPH_HOST: {
		char mac[FS_MAC_STRLEN];
		fs_store_rel_path(rel, sizeof(rel), FS_STORE_K_HOST, r.vlan,
				  r.mac, 0);
		snprintf(path, sizeof(path), "%s/%s", r.dir, rel);
		if (set_range(&r, path, err, errlen) != 0)
			goto out;
		snprintf(title, sizeof(title), "host %s vlan %u, packets/s",
			 fs_fmt_mac(mac, r.mac), (unsigned)r.vlan);
		common(a, &r, title, "packets/s");
		class_lines(a, path, true);
		rc = run(a, err, errlen);
		break;
	}
	case FS_GRAPH_SEGMENT:
		snprintf(path, sizeof(path), "%s/segment.rrd", r.dir);
		if (set_range(&r, path, err, errlen) != 0)
			goto out;
		common(a, &r, "segment, packets/s", "packets/s");
		class_lines(a, path, true);
		escape_path(esc, sizeof(esc), path);
		add(a, "DEF:ha=%s:hosts_active:MAX", esc);
		add(a, "VDEF:hamx=ha,MAXIMUM");
		add(a, "GPRINT:hamx:hosts active at most %%6.0lf\\l");
		rc = run(a, err, errlen);
		break;
	case FS_GRAPH_TOP:
		rc = graph_top(&r, a, err, errlen);
		break;
	case FS_GRAPH_ROUTER: {
		char id[16];
		fs_store_rel_path(rel, sizeof(rel), FS_STORE_K_ROUTER, 0, r.mac,
				  r.router_id);
		snprintf(path, sizeof(path), "%s/%s", r.dir, rel);
		if (set_range(&r, path, err, errlen) != 0)
			goto out;
		snprintf(title, sizeof(title), "router %s: hello gap, neighbors",
			 fs_fmt_id(id, r.router_id));
		common(a, &r, title, "hello gap (ms)");
		add(a, "--right-axis");
		add(a, "0.001:0");
		add(a, "--right-axis-label");
		add(a, "neighbors");
		escape_path(esc, sizeof(esc), path);
		add(a, "DEF:gm=%s:hello_gap_ms:MAX", esc);
		add(a, "DEF:ga=%s:hello_gap_ms:AVERAGE", esc);
		add(a, "DEF:nb=%s:neighbors:AVERAGE", esc);
		add(a, "DEF:af=%s:adj_full:AVERAGE", esc);
		add(a, "CDEF:nbs=nb,1000,*");
		add(a, "CDEF:afs=af,1000,*");
		add(a, "VDEF:gmx=gm,MAXIMUM");
		add(a, "LINE1:gm#377eb8:hello gap max");
		add(a, "GPRINT:gmx:%%8.0lf ms\\l");
		add(a, "LINE2:ga#1f4e79:hello gap avg\\l");
		add(a, "LINE2:nbs#4daf4a:neighbors listed (right axis)\\l");
		add(a, "LINE1:afs#984ea3:adjacencies full (right axis)\\l");
		adjacency_rules(a, &r);
		rc = run(a, err, errlen);
		break;
	}
	default:
		snprintf(err, errlen, "graph: unknown kind");
	}
out:
	free(a);
	return rc;
}
