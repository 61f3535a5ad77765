/*
 * Rates into RRD files through librrd, written by a writer thread behind a
 * bounded queue (or handed to rrdcached), so the capture thread never waits
 * on disk. A full queue drops and counts updates.
 */
#ifndef FLOODSPOT_STORE_H
#define FLOODSPOT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/event.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/pkt.h"

#define FS_STORE_MAX_RRAS 8

struct fs_store_config {
	const char *dir;		/* --rrd-dir */
	const char *rrdcached;		/* --rrdcached or RRDCACHED_ADDRESS; NULL */
	uint32_t step_s;		/* default 1 */
	uint32_t max_host_files;	/* cap on hosts/ files, default 1000 */
	uint32_t top_n;			/* hosts always stored, default 50 */
	uint32_t noise_floor_pps;	/* hosts above it get a file, default 100 */
	uint32_t queue_len;		/* pending updates, default 65536 */
	/* Added by the store module: */
	uint32_t heartbeat_s;		/* DS heartbeat, default 120 */
	/* An idle tracked host is refreshed with its unchanged counters
	 * this often, so idle time reads 0, not unknown. Default 60. */
	uint32_t idle_refresh_s;
	/* Replay (-r) only: wait for room instead of dropping, so a fast
	 * replay writes complete files. Never set it on live capture. */
	bool wait_when_full;
	uint32_t n_rras;		/* 0: the default four */
	struct fs_store_rra {
		uint32_t res_s;		/* seconds per row */
		uint32_t keep_s;	/* seconds kept */
	} rras[FS_STORE_MAX_RRAS];
};

struct fs_store_stats {
	uint64_t updates_queued, updates_written;
	uint64_t updates_dropped_full;	/* queue full */
	uint64_t update_errors;		/* librrd or rrdcached refused */
	uint64_t files_created;
	uint32_t host_files;
	/* Added by the store module: */
	uint64_t updates_skipped_old;	/* not after the file's last update */
	uint64_t events_written;	/* events.log lines */
	uint64_t hosts_not_stored;	/* above the floor, but files capped */
};

struct fs_store;

void fs_store_config_defaults(struct fs_store_config *cfg);
/* Returns NULL and a message in err when the directory cannot be used. */
struct fs_store *fs_store_create(const struct fs_store_config *cfg,
				 struct fs_event_bus *bus, char *err,
				 size_t errlen);
/* Flushes the queue and joins the writer. */
void fs_store_destroy(struct fs_store *s);

/* Once per closed second (after fs_hosts_tick); ospf may be NULL. */
void fs_store_tick(struct fs_store *s, int64_t sec_start_us,
		   const struct fs_hosts *hosts, const struct fs_ospf *ospf);
void fs_store_stats(const struct fs_store *s, struct fs_store_stats *st);

/*
 * Lower level, used by fs_store_tick and by tests; capture thread only.
 * ts_us is the end of the second the cumulative counters cover. They never
 * block: 0 when queued, -1 when dropped (queue full, counted).
 */
enum fs_store_host_ds {
	FS_STORE_DS_PACKETS, FS_STORE_DS_BYTES, FS_STORE_DS_CTRL,
	FS_STORE_DS_BROADCAST, FS_STORE_DS_MULTICAST, FS_STORE_DS_ARP,
	FS_STORE_HOST_DS
};
int fs_store_update_host(struct fs_store *s, int64_t ts_us, uint16_t vlan,
			 const uint8_t mac[6],
			 const uint64_t v[FS_STORE_HOST_DS]);
int fs_store_update_segment(struct fs_store *s, int64_t ts_us,
			    const uint64_t v[FS_STORE_HOST_DS],
			    uint32_t hosts_active);
/* gap_ms: the current hello gap; UINT32_MAX stores unknown. */
int fs_store_update_router(struct fs_store *s, int64_t ts_us,
			   uint32_t router_id, uint32_t gap_ms,
			   uint32_t neighbors, uint32_t adj_full,
			   uint64_t lsus);
/* Appends "ts router_id neighbor_id from to vlan" to DIR/events.log. */
int fs_store_adjacency(struct fs_store *s, int64_t ts_us,
		       const struct fs_ev_ospf_adjacency *a);
/*
 * Host selection and counters for one closed second of one host (what
 * fs_store_tick does per active host): tracks it when selected or force,
 * keeps its cumulative counters and enqueues its updates.
 */
void fs_store_feed_host(struct fs_store *s, int64_t sec_start_us,
			const struct fs_host *h, int force);
/* Blocks until everything queued so far is written (end of replay). */
void fs_store_flush(struct fs_store *s);
/* Parses "1s:1h,10s:1d,1m:1w,5m:1y" into cfg->rras; 0 or -1. */
int fs_store_parse_rras(struct fs_store_config *cfg, const char *spec);
/* Where the files are, as the writer addresses them. */
const char *fs_store_dir(const struct fs_store *s);

/* Graphs (src/store/graph.c), for floodspot-graph and the HTML pages. */
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
	/* Added by the store module (zero values are fine): */
	const char *rrdcached;		/* graphs read through it */
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
};
void fs_html_begin(struct fs_html *h, int64_t now_us);
void fs_html_add_host(struct fs_html *h, const struct fs_html_host *host);
void fs_html_add_router(struct fs_html *h, const struct fs_html_router *r);
void fs_html_add_adjacency(struct fs_html *h, const struct fs_ospf_adj_view *a);
/* Hands the snapshot to the renderer thread; never blocks (a refresh
 * still rendering makes this one skipped and counted). */
void fs_html_commit(struct fs_html *h);


#endif
