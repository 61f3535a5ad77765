/*
 * What an operator looks at: graphs of the RRD files through librrd
 * (PNG/SVG, for floodspot-graph and the pages) and the static HTML
 * overview of --html DIR. Reads the store's files, the hosts table, the
 * OSPF tracker and the alerts; never runs on the capture thread except to
 * copy a bounded snapshot.
 */
#ifndef FLOODSPOT_HTML_H
#define FLOODSPOT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/event.h"
#include "floodspot/fmt.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/pkt.h"
#include "floodspot/store.h"

/* Graphs (graph.c), for floodspot-graph and the HTML pages. */
enum fs_graph_kind { FS_GRAPH_HOST, FS_GRAPH_SEGMENT, FS_GRAPH_TOP,
		     FS_GRAPH_ROUTER, FS_GRAPH_SESSION };
struct fs_graph_req {
	enum fs_graph_kind kind;
	const char *dir;		/* the --rrd-dir */
	const char *out;		/* output file */
	const char *format;		/* "png" (default) or "svg" */
	const char *daemon;		/* rrdcached address or NULL */
	uint16_t vlan;
	uint8_t mac[6];
	uint32_t router_id;
	const struct fs_store_session *session;	/* FS_GRAPH_SESSION */
	uint32_t top_n;
	int64_t end;			/* seconds; 0: the file's last update */
	int64_t start;			/* 0: end - 1 h; < 0: relative to end */
	unsigned width, height;		/* 0: 720 x 200 */
	const char *view;		/* "hour", "day", ...: in the title */
	FILE *info;			/* when set, librrd's legend lines */
};
/*
 * 0, or -1 with librrd's message in err. Not for the capture thread.
 * Every graph says its time zone and the time of its last value; marks
 * from events.log: adjacency losses (solid red) apart from adjacencies
 * forming (dashed green) on router graphs, and alerts raised (solid
 * purple) and cleared (dashed purple) on the graphs of their subject.
 */
int fs_graph_render(const struct fs_graph_req *r, char *err, size_t errlen);

/*
 * One file's rows, [*start, *end] as librrd rounds them, through rrdcached
 * when daemon is set (FETCH: no local file needed) else from the file.
 * data holds n_ds values per row; free it with free(). 0 or -1 (librrd's
 * message in rrd_get_error()).
 */
int fs_graph_fetch(const char *path, const char *daemon, const char *cf,
		   int64_t *start, int64_t *end, unsigned long *step,
		   unsigned long *n_ds, double **data);
/* The daemon's LIST of dir ("name\n" per entry; recursive: every file
 * below as a path), malloc'd; NULL on failure. */
char *fs_graph_list(const char *daemon, const char *dir, bool recursive);

/* MRTG's views: "hour", "day", "week", "year". */
#define FS_GRAPH_VIEWS 4
extern const char *const fs_graph_view_names[FS_GRAPH_VIEWS];
/* Seconds a view spans, or 0 for an unknown name. */
int64_t fs_graph_view_span(const char *name);
/*
 * One time zone for every graph and page of the process: UTC, or the
 * local zone (TZ, else /etc/localtime). librrd draws its axes in the
 * process's zone, so this sets TZ; call it before any thread starts.
 */
void fs_graph_set_tz(bool local);
/* "2026-01-15 10:00:31.000 UTC": a time in that zone, for pages. */
#define FS_ZONED_TIME_STRLEN 48
char *fs_graph_fmt_time(char buf[FS_ZONED_TIME_STRLEN], int64_t ts_us);

/* The central overview (central.c, floodspot-central): every agent of a
 * central rrdcached, read through the daemon only. */
struct fs_central_config {
	const char *daemon;		/* rrdcached address (required) */
	const char *out_dir;		/* pages and graphs */
	const char *alerts_dir;		/* the collector's <agent>.log files;
					 * NULL: floods are not judged */
	uint32_t window_s;		/* peaks over the last window_s */
	uint32_t refresh_s;		/* the pages' refresh; 0: 60 */
	int64_t now_s;			/* 0: the wall clock */
	FILE *summary;			/* when set, a key=value line per agent */
};
/* Writes out_dir/index.html and out_dir/agents/<agent>.html with graphs;
 * 0, or -1 with a message. Draws in-process: run it in a child when it
 * repeats (librrd's graph code leaks). */
int fs_central_render(const struct fs_central_config *c, char *err,
		      size_t errlen);

/* --html DIR: static overview pages, refreshed every refresh_s. */
struct fs_html_config {
	const char *dir;
	const char *rrd_dir;		/* graphs drawn from these RRDs; may be NULL */
	uint32_t refresh_s;		/* default 10 */
	uint32_t top_n;			/* default 10 */
	const char *rrdcached;		/* graphs read through it; may be NULL */
	/* When set, a refresh waits for this store's queued updates to be
	 * written before drawing (complete graphs at the end of a replay). */
	struct fs_store *store;
	const char *agent_name;		/* in the title; NULL: none */
};

struct fs_html;
struct fs_html *fs_html_create(const struct fs_html_config *cfg,
			       struct fs_event_bus *bus, char *err,
			       size_t errlen);
/* Rewrites the pages when refresh_s has passed, or always when force. */
void fs_html_tick(struct fs_html *h, int64_t now_us, const struct fs_hosts *hosts,
		  const struct fs_ospf *ospf, int force);
/* Shutdown, bounded: renders what is pending and joins the renderer
 * within timeout_ms (< 0: however long it takes); false, with a message,
 * when it is still busy (then fs_html_destroy leaves it to the process
 * exit). NULL is fine. */
bool fs_html_finish(struct fs_html *h, int timeout_ms);
/* Renders what is pending, joins the renderer. NULL is fine. */
void fs_html_destroy(struct fs_html *h);

/* Lower level: fs_html_tick is begin, add..., commit. Capture thread. */
struct fs_html_host {
	uint16_t vlan;
	uint8_t mac[6];
	char ips[96];			/* comma separated */
	uint64_t packets, bytes;
	uint32_t peak_pps;
	int64_t peak_ts_us;
	uint32_t last_pps;
	int64_t first_seen_us;
	uint64_t cls_packets[FS_CLASS_COUNT];
};
struct fs_html_router {
	uint32_t router_id;
	uint16_t vlan;
	uint8_t mac[6];
	char ip[46];
	uint32_t hello_interval_s, dead_interval_s;
	uint32_t last_gap_ms, gap_max_ms;
	uint32_t neighbors, adj_full;
	bool alive;
	char evidence[96];	/* what made it a router: "ospf,forwarding" */
};
/* A BGP or BFD session, a VRRP/CARP/HSRP group, as a row. */
struct fs_html_session {
	struct fs_store_session file;	/* its RRD file, for its graph */
	char what[32];			/* "bgp", "bfd 3784", "vrrp3 group 7" */
	char ends[120];			/* its ends, or its master */
	char segment[FS_SEG_STRLEN];
	char state[24];
	bool up;
	uint32_t interval_ms;		/* of the direction judged worst */
	uint32_t last_gap_ms, max_gap_ms;
	uint64_t late, judged, downs;
	int64_t since_us;
	char last_down[64];
};
/* The trackers whose sessions fs_html_tick shows; any may be NULL. */
void fs_html_set_trackers(struct fs_html *h, const struct fs_bgp *bgp,
			  const struct fs_bfd *bfd, const struct fs_fhrp *fhrp);
void fs_html_begin(struct fs_html *h, int64_t now_us);
void fs_html_add_session(struct fs_html *h, const struct fs_html_session *s);
void fs_html_add_host(struct fs_html *h, const struct fs_html_host *host);
void fs_html_add_router(struct fs_html *h, const struct fs_html_router *r);
void fs_html_add_adjacency(struct fs_html *h, const struct fs_ospf_adj_view *a);
/* Hands the snapshot to the renderer thread: a pointer swap under a lock
 * the renderer never holds while drawing. A snapshot not yet taken is
 * replaced by this newer one. */
void fs_html_commit(struct fs_html *h);

#endif
