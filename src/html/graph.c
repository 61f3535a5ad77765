/*
 * Graphs through librrd's rrd_graph_v: one host's rates by class (MAX and
 * AVERAGE, since a flood lives in MAX), the segment, the top N hosts
 * stacked, and a router's hello gap and neighbors. Marks from events.log
 * as vertical rules: adjacency changes on router graphs (a loss solid
 * red, forming dashed green), alerts raised (solid) and cleared (dashed)
 * on the graphs of their host, router or the segment. Every graph names
 * its time zone (the process's: fs_graph_set_tz) and plain numbers on its
 * axes (no SI prefixes: "0.5" packets/s, not "500 m"). Runs in
 * floodspot-graph and on the HTML renderer thread, never on the capture
 * thread.
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
#include <time.h>

#include "floodspot/fmt.h"
#include "floodspot/html.h"

#define MAX_ARGS 256
#define ARENA 32768
#define MAX_VRULES 60

const char *const fs_graph_view_names[FS_GRAPH_VIEWS] = { "hour", "day",
							   "week", "year" };

int64_t fs_graph_view_span(const char *name)
{
	static const int64_t span[FS_GRAPH_VIEWS] = { 3600, 86400, 7 * 86400,
						      365 * 86400 };
	for (int i = 0; name && i < FS_GRAPH_VIEWS; i++)
		if (strcmp(name, fs_graph_view_names[i]) == 0)
			return span[i];
	return 0;
}

void fs_graph_set_tz(bool local)
{
	if (!local)
		setenv("TZ", "UTC0", 1);
	tzset();
}

char *fs_graph_fmt_time(char buf[FS_ZONED_TIME_STRLEN], int64_t ts_us)
{
	time_t t = (time_t)(ts_us / 1000000);
	int ms = (int)((ts_us % 1000000) / 1000);
	if (ms < 0) {
		ms += 1000;
		t--;
	}
	struct tm tm;
	char day[24], zone[16];
	if (!localtime_r(&t, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm) ||
	    !strftime(zone, sizeof(zone), "%Z", &tm)) {
		snprintf(buf, FS_ZONED_TIME_STRLEN, "invalid");
		return buf;
	}
	snprintf(buf, FS_ZONED_TIME_STRLEN, "%s.%03d %s", day, ms, zone);
	return buf;
}

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
	bool pdf = r->format && strcasecmp(r->format, "pdf") == 0;
	add(a, "graph");
	add(a, "%s", r->out);
	add(a, "--imgformat");
	add(a, "%s", svg ? "SVG" : pdf ? "PDF" : "PNG");
	add(a, "--start");
	add(a, "%" PRId64, r->start);
	add(a, "--end");
	add(a, "%" PRId64, r->end);
	add(a, "--width");
	add(a, "%u", r->width ? r->width : 720);
	add(a, "--height");
	add(a, "%u", r->height ? r->height : 200);
	add(a, "--title");
	if (r->view)
		add(a, "%s, last %s", title, r->view);
	else
		add(a, "%s", title);
	add(a, "--vertical-label");
	add(a, "%s", vlabel);
	add(a, "--lower-limit");
	add(a, "0");
	/* Rates and counts as plain numbers: SI prefixes made averages
	 * below 1 read "500 m" packets/s. */
	add(a, "--units-exponent");
	add(a, "0");
	add(a, "--alt-y-grid");
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

/* The zone and the time the graph ends, printed by librrd itself so the
 * legend and the axis cannot disagree. */
static void time_line(struct args *a, const char *def)
{
	add(a, "CDEF:fs_t=%s,POP,TIME", def);
	add(a, "VDEF:fs_end=fs_t,LAST");
	add(a, "GPRINT:fs_end:times in %%Z, up to %%Y-%%m-%%d "
	       "%%H\\:%%M\\:%%S\\l:strftime");
}

static int run(struct args *a, const struct fs_graph_req *r, char *err,
	       size_t errlen)
{
	if (a->overflow) {
		snprintf(err, errlen, "graph: too many elements");
		return -1;
	}
	rrd_info_t *info;
	for (int tries = 1;; tries++) {
		rrd_clear_error();
		info = rrd_graph_v(a->n, (char **)a->v);
		/* The writer holds a file's lock while it updates it. */
		if (info || !fs_store_lock_wait(rrd_get_error(), tries))
			break;
	}
	if (!info) {
		const char *e = rrd_get_error();
		snprintf(err, errlen, "%s", e && *e ? e : "rrd_graph failed");
		return -1;
	}
	for (rrd_info_t *i = info; r->info && i; i = i->next) {
		if (i->type == RD_I_STR && (!strncmp(i->key, "legend[", 7) ||
					    !strncmp(i->key, "print[", 6)))
			fprintf(r->info, "%s = %s\n", i->key, i->value.u_str);
		else if (i->type == RD_I_CNT && !strncmp(i->key, "graph_", 6))
			fprintf(r->info, "%s = %lu\n", i->key, i->value.u_cnt);
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

int fs_graph_fetch(const char *path, const char *daemon, const char *cf,
		   int64_t *start, int64_t *end, unsigned long *step,
		   unsigned long *n_ds, double **data)
{
	time_t s = (time_t)*start, e = (time_t)*end;
	char **names = NULL;
	rrd_value_t *d = NULL;
	int rc;
	rrd_clear_error();
	/* Through the daemon it is FETCH (which flushes the file first), so a
	 * remote store needs no local file. */
	if (daemon && rrdc_connect(daemon) == 0)
		rc = rrdc_fetch(path, cf, &s, &e, step, n_ds, &names, &d);
	else
		rc = rrd_fetch_r(path, cf, &s, &e, step, n_ds, &names, &d);
	if (rc != 0)
		return -1;
	for (unsigned long i = 0; i < *n_ds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	*start = s;
	*end = e;
	*data = d;
	return 0;
}

char *fs_graph_list(const char *daemon, const char *dir, bool recursive)
{
	char path[FS_STORE_PATH_MAX + 8];
	snprintf(path, sizeof(path), "%s%s", dir[0] == '/' ? "" : "/", dir);
	/* librrd 1.7 exports LIST only as the "rrdtool list" command. */
	char *argv[6];
	int argc = 0;
	argv[argc++] = "list";
	if (recursive)
		argv[argc++] = "--recursive";
	argv[argc++] = "--daemon";
	argv[argc++] = (char *)daemon;
	argv[argc++] = path;
	argv[argc] = NULL;
	rrd_clear_error();
	return rrd_list(argc, argv);
}

/* Sum of packets/s over the range: the host's share in the stack. */
static double host_score(const char *path, const char *daemon,
			 int64_t start, int64_t end)
{
	unsigned long step, n_ds;
	double *data, sum = 0;
	if (fs_graph_fetch(path, daemon, "AVERAGE", &start, &end, &step,
			   &n_ds, &data) != 0)
		return -1;
	unsigned long rows = step ? (unsigned long)(end - start) / step : 0;
	for (unsigned long i = 0; i < rows; i++) {
		double v = data[i * n_ds];	/* packets is DS 0 */
		if (!isnan(v))
			sum += v * (double)step;
	}
	rrd_freemem(data);
	return sum;
}

/* The host files' names: the directory, or the daemon's LIST when the
 * store is remote (no local directory). */
static char *host_names(const struct fs_graph_req *r, const char *hdir)
{
	DIR *d = opendir(hdir);
	if (!d) {
		if (!r->daemon)
			return NULL;
		char *l = fs_graph_list(r->daemon, hdir, false);
		if (!l)
			errno = ENOENT;
		return l;
	}
	size_t cap = 4096, used = 0;
	char *out = malloc(cap);
	struct dirent *de;
	while (out && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (used + len + 2 > cap) {
			char *n = realloc(out, cap * 2);
			if (!n)
				break;
			out = n;
			cap *= 2;
		}
		memcpy(out + used, de->d_name, len);
		used += len;
		out[used++] = '\n';
	}
	closedir(d);
	if (out)
		out[used] = '\0';
	return out;
}

static int graph_top(struct fs_graph_req *r, struct args *a, char *err,
		     size_t errlen)
{
	char hdir[FS_STORE_PATH_MAX + 8], path[FS_STORE_PATH_MAX + 80];
	snprintf(hdir, sizeof(hdir), "%s/hosts", r->dir);
	char *names = host_names(r, hdir);
	if (!names) {
		snprintf(err, errlen, "%s: %s", hdir, strerror(errno));
		return -1;
	}
	size_t cap = 256, n = 0;
	struct top_cand *c = malloc(cap * sizeof(*c));
	int64_t last_max = 0;
	char *save = NULL;
	for (char *name = strtok_r(names, "\n", &save); c && name;
	     name = strtok_r(NULL, "\n", &save)) {
		const char *slash = strrchr(name, '/');
		const char *base = slash ? slash + 1 : name;
		size_t len = strlen(base);
		if (len < 5 || len >= sizeof(c->name) ||
		    strcmp(base + len - 4, ".rrd") != 0)
			continue;
		if (n == cap) {
			struct top_cand *nc = realloc(c, 2 * cap * sizeof(*c));
			if (!nc)
				break;
			c = nc;
			cap *= 2;
		}
		memcpy(c[n].name, base, len + 1);	/* len checked above */
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
	free(names);
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
	time_line(a, "h0");
	return run(a, r, err, errlen);
}

/* Adds a VRULE, the legend only on the first of its style. */
static void mark(struct args *a, double ts, const char *color, bool dashed,
		 const char *legend, bool *shown)
{
	const char *dash = dashed ? ":dashes=6,4" : "";
	if (!*shown)
		add(a, "VRULE:%" PRId64 "#%s:%s\\l%s", (int64_t)ts, color, legend,
		    dash);
	else if (dashed)
		add(a, "VRULE:%" PRId64 "#%s:%s", (int64_t)ts, color, dash);
	else
		add(a, "VRULE:%" PRId64 "#%s", (int64_t)ts, color);
	*shown = true;
}

/*
 * Marks from events.log: adjacency lines "ts router_id neighbor_id from to
 * vlan" on the graph of either router; alert lines "ts alert state rule
 * severity vlan mac router_id" on the graph of their host or router, and
 * alerts of neither on the segment's.
 */
static void event_marks(struct args *a, const struct fs_graph_req *r)
{
	char path[FS_STORE_PATH_MAX + 16], id[16], mac[FS_MAC_STRLEN], line[256];
	snprintf(path, sizeof(path), "%s/events.log", r->dir);
	fs_fmt_id(id, r->router_id);
	fs_fmt_mac(mac, r->mac);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	unsigned n = 0;
	bool shown[5] = { false, false, false, false, false };
	char vlan[8];
	snprintf(vlan, sizeof(vlan), "%u", (unsigned)r->vlan);
	while (fgets(line, sizeof(line), f) && n < MAX_VRULES) {
		double ts;
		char w[7][48];
		int k = sscanf(line, "%lf %47s %47s %47s %47s %47s %47s %47s", &ts,
			       w[0], w[1], w[2], w[3], w[4], w[5], w[6]);
		if (k < 5 || ts < (double)r->start || ts > (double)r->end)
			continue;
		if (strcmp(w[0], "alert") == 0) {
			/* w: alert state rule severity vlan mac router_id */
			if (k < 8)
				continue;
			bool host = strcmp(w[5], "-") != 0;
			bool router = strcmp(w[6], "-") != 0;
			bool mine = r->kind == FS_GRAPH_HOST
					    ? host && !strcmp(w[5], mac) &&
						      !strcmp(w[4], vlan)
				    : r->kind == FS_GRAPH_ROUTER
					    ? router && !strcmp(w[6], id)
				    : r->kind == FS_GRAPH_SEGMENT && !host && !router;
			if (!mine)
				continue;
			if (strcmp(w[1], "raised") == 0)
				mark(a, ts, "9933cc", false, "alert raised", &shown[3]);
			else if (strcmp(w[1], "cleared") == 0)
				mark(a, ts, "9933cc", true, "alert cleared", &shown[4]);
			else
				continue;
			n++;
			continue;
		}
		if (r->kind != FS_GRAPH_ROUTER)
			continue;
		if (strcmp(w[0], id) != 0 && strcmp(w[1], id) != 0)
			continue;
		if (strcmp(w[3], "full") == 0)
			mark(a, ts, "00a000", true, "adjacency formed (full)", &shown[0]);
		else if (strcmp(w[3], "down") == 0 || strcmp(w[3], "init") == 0)
			mark(a, ts, "e00000", false, "adjacency lost", &shown[1]);
		else
			mark(a, ts, "ff9900", true, "adjacency changed", &shown[2]);
		n++;
	}
	fclose(f);
}

static void session_title(char *buf, size_t len,
			  const struct fs_store_session *k)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	char proto[sizeof(k->proto) + 1];
	memcpy(proto, k->proto, sizeof(k->proto));
	proto[sizeof(k->proto)] = '\0';
	fs_fmt_seg(seg, k->seg);
	if (!strcmp(proto, "bgp") || !strcmp(proto, "bfd"))
		snprintf(buf, len, "%s %s-%s %s: silence by direction", proto,
			 fs_fmt_ip(a, k->ip_version, k->ip[0]),
			 fs_fmt_ip(b, k->ip_version, k->ip[1]), seg);
	else
		snprintf(buf, len, "%s group %u %s: master's silence", proto,
			 k->extra, seg);
}

/*
 * Each direction's silence so far (its largest in each step), and a red
 * tick wherever the session was down (a group: without a master).
 */
static void session_lines(struct args *a, const char *esc, bool pair)
{
	add(a, "DEF:g0=%s:gap0_ms:MAX", esc);
	add(a, "DEF:up=%s:up:MIN", esc);
	add(a, "CDEF:g0s=g0,1000,/");
	add(a, "CDEF:down=up,UN,0,up,0,EQ,IF");
	add(a, "VDEF:g0x=g0s,MAXIMUM");
	add(a, "TICK:down#e41a1c40:1.0:session down\\l");
	add(a, "LINE1:g0s#377eb8:%s", pair ? "first end" : "master");
	add(a, "GPRINT:g0x:largest %%.2lf s\\l");
	if (!pair)
		return;
	add(a, "DEF:g1=%s:gap1_ms:MAX", esc);
	add(a, "CDEF:g1s=g1,1000,/");
	add(a, "VDEF:g1x=g1s,MAXIMUM");
	add(a, "LINE1:g1s#4daf4a:second end");
	add(a, "GPRINT:g1x:largest %%.2lf s\\l");
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
		event_marks(a, &r);
		time_line(a, "packets_a");
		rc = run(a, &r, err, errlen);
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
		add(a, "GPRINT:hamx:hosts active at most %%.0lf\\l");
		event_marks(a, &r);
		time_line(a, "packets_a");
		rc = run(a, &r, err, errlen);
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
		common(a, &r, title, "hello gap (s)");
		/* Seconds of gap and counts of neighbors share one scale (both
		 * run from a few to a few tens); the right axis names the
		 * counts, in whole numbers. */
		add(a, "--right-axis");
		add(a, "1:0");
		add(a, "--right-axis-label");
		add(a, "neighbors, adjacencies");
		add(a, "--right-axis-format");
		add(a, "%%.0lf");
		escape_path(esc, sizeof(esc), path);
		add(a, "DEF:gm=%s:hello_gap_ms:MAX", esc);
		add(a, "DEF:ga=%s:hello_gap_ms:AVERAGE", esc);
		add(a, "DEF:nb=%s:neighbors:AVERAGE", esc);
		add(a, "DEF:af=%s:adj_full:AVERAGE", esc);
		add(a, "CDEF:gms=gm,1000,/");
		add(a, "CDEF:gas=ga,1000,/");
		add(a, "VDEF:gmx=gms,MAXIMUM");
		add(a, "VDEF:nbl=nb,LAST");
		add(a, "VDEF:afl=af,LAST");
		add(a, "LINE1:gms#377eb8:hello gap max");
		add(a, "GPRINT:gmx:%%.1lf s\\l");
		add(a, "LINE2:gas#1f4e79:hello gap avg\\l");
		add(a, "LINE2:nb#4daf4a:neighbors listed (right axis)");
		add(a, "GPRINT:nbl:now %%.0lf\\l");
		add(a, "LINE1:af#984ea3:adjacencies full (right axis)");
		add(a, "GPRINT:afl:now %%.0lf\\l");
		event_marks(a, &r);
		time_line(a, "ga");
		rc = run(a, &r, err, errlen);
		break;
	}
	case FS_GRAPH_SESSION:
		if (!r.session ||
		    fs_store_session_path(rel, sizeof(rel), r.session) != 0) {
			snprintf(err, errlen, "graph: no session");
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", r.dir, rel);
		if (set_range(&r, path, err, errlen) != 0)
			goto out;
		session_title(title, sizeof(title), r.session);
		common(a, &r, title, "gap (s)");
		escape_path(esc, sizeof(esc), path);
		session_lines(a, esc, r.session->ip[0][0] || r.session->ip[0][15]);
		event_marks(a, &r);
		time_line(a, "g0");
		rc = run(a, &r, err, errlen);
		break;
	default:
		snprintf(err, errlen, "graph: unknown kind");
	}
out:
	free(a);
	return rc;
}
