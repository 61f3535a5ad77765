/*
 * Prometheus metrics on --metrics [ADDR:]PORT (libmicrohttpd), off by
 * default, bound to 127.0.0.1 unless an address is given. Once per closed
 * second the capture thread copies what it counts into a fixed-size
 * snapshot and publishes it by swapping buffers under a try-lock; the
 * HTTP server runs on libmicrohttpd's own thread and formats the text
 * exposition from the latest published snapshot. The capture thread never
 * waits for a client: a publication that finds the lock held is skipped
 * and counted, and the lock is only ever held for a copy.
 *
 * Label values are bounded whatever the traffic: at most
 * FS_METRICS_TOP_MAX suspects (by rank) and FS_METRICS_RULES_MAX rule
 * names (further names are summed under rule="_other").
 */
#ifndef FLOODSPOT_METRICS_H
#define FLOODSPOT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "floodspot/alert.h"
#include "floodspot/capture.h"
#include "floodspot/detect.h"
#include "floodspot/event.h"
#include "floodspot/health.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/store.h"

#define FS_METRICS_TOP_MAX 100
#define FS_METRICS_TOP_DEFAULT 10
#define FS_METRICS_RULES_MAX 64
#define FS_METRICS_PORT_DEFAULT_ADDR "127.0.0.1"

struct fs_metrics_config {
	const char *addr;		/* "[ADDR:]PORT"; NULL: no server */
	unsigned top_n;			/* suspects; 0: none */
	const char *agent_name;		/* the agent label; NULL: none */
	bool live;
};

/*
 * Parses "PORT", "ADDR:PORT" or "[IPv6]:PORT" (numeric addresses only: no
 * name lookups). A bare port binds 127.0.0.1. out may be NULL (checking
 * only). 0, or -1 with a message in err.
 */
int fs_metrics_parse_addr(const char *text, struct sockaddr_storage *out,
			  char *err, size_t errlen);

/* What one snapshot reads; every pointer may be NULL. Capture thread. */
struct fs_metrics_inputs {
	int64_t sec_us;			/* start of the closed second */
	int64_t now_us;			/* packet time, end of the second */
	const struct fs_hosts *hosts;
	const struct fs_ospf *ospf;
	const struct fs_detect *detect;
	const struct fs_store *store;
	const struct fs_alert_sinks *sinks;
	const struct fs_health *health;
	bool have_capture;		/* live: the kernel's counters */
	struct fs_capture_stats capture;
	uint64_t packets, bytes;	/* read by the agent */
	uint64_t decode_status[3];	/* enum fs_decode_status */
};

struct fs_metrics_stats {
	uint64_t published;		/* snapshots handed to the server */
	uint64_t publish_skipped;	/* the server held the lock: next tick */
	uint64_t scrapes;		/* /metrics answers */
	uint64_t rejected;		/* other paths or methods */
	uint64_t render_failed;		/* out of memory */
};

struct fs_metrics;
/*
 * Subscribes to bus for alerts (counted by rule) and, with an address,
 * starts the server (every signal blocked in its thread). NULL with a
 * message in err when the address cannot be bound.
 */
struct fs_metrics *fs_metrics_create(const struct fs_metrics_config *cfg,
				     struct fs_event_bus *bus, char *err,
				     size_t errlen);
/* Once per closed second, after the modules it reads: fill and publish. */
void fs_metrics_tick(struct fs_metrics *m, const struct fs_metrics_inputs *in);
/*
 * The text exposition of the latest published snapshot, as /metrics
 * serves it, into a malloc'd string (*len bytes). NULL when out of memory
 * or nothing was published yet. Any thread.
 */
char *fs_metrics_render(struct fs_metrics *m, size_t *len);
/*
 * End of a replay: blocks until a scrape has served the latest snapshot,
 * or timeout_ms passed. true when it was scraped. Not for live capture.
 */
bool fs_metrics_wait_scraped(struct fs_metrics *m, int timeout_ms);
void fs_metrics_stats(const struct fs_metrics *m, struct fs_metrics_stats *st);
/* The port bound (useful with port 0); 0 without a server. */
unsigned fs_metrics_port(const struct fs_metrics *m);
/* Stops the server (waits for its thread). NULL is fine. */
void fs_metrics_destroy(struct fs_metrics *m);

/*
 * A label value in the text format: backslash, double quote and line
 * feed escaped (\\, \", \n). Control bytes and bytes outside printable
 * ASCII become the four characters \xHH (the backslash escaped itself),
 * so whatever a packet or a file held, the output is one valid UTF-8
 * line. Returns the length written (truncated to fit, never mid-escape).
 */
size_t fs_metrics_escape_label(char *out, size_t len, const char *in);

#endif
