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

#include "floodspot/event.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/pkt.h"
#include "floodspot/store.h"

/* Graphs (graph.c), for floodspot-graph and the HTML pages. */
enum fs_graph_kind { FS_GRAPH_HOST, FS_GRAPH_SEGMENT, FS_GRAPH_TOP,
		     FS_GRAPH_ROUTER };
struct fs_graph_req {
	enum fs_graph_kind kind;
	const char *dir;		/* the --rrd-dir */
	const char *out;		/* output file */
	const char *format;		/* "png" (default) or "svg" */
	const char *daemon;		/* rrdcached address or NULL */
	uint16_t vlan;
	uint8_t mac[6];
	uint32_t router_id;
	uint32_t top_n;
	int64_t end;			/* seconds; 0: the file's last update */
	int64_t start;			/* 0: end - 1 h; < 0: relative to end */
	unsigned width, height;		/* 0: 720 x 200 */
};
/* 0, or -1 with librrd's message in err. Not for the capture thread. */
int fs_graph_render(const struct fs_graph_req *r, char *err, size_t errlen);

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
};

struct fs_html;
struct fs_html *fs_html_create(const struct fs_html_config *cfg,
			       struct fs_event_bus *bus, char *err,
			       size_t errlen);
/* Rewrites the pages when refresh_s has passed, or always when force. */
void fs_html_tick(struct fs_html *h, int64_t now_us, const struct fs_hosts *hosts,
		  const struct fs_ospf *ospf, int force);
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
void fs_html_begin(struct fs_html *h, int64_t now_us);
void fs_html_add_host(struct fs_html *h, const struct fs_html_host *host);
void fs_html_add_router(struct fs_html *h, const struct fs_html_router *r);
void fs_html_add_adjacency(struct fs_html *h, const struct fs_ospf_adj_view *a);
/* Hands the snapshot to the renderer thread; never blocks (a refresh
 * still rendering makes this one skipped and counted). */
void fs_html_commit(struct fs_html *h);

#endif
