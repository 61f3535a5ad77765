/*
 * Rates into RRD files through librrd, written by a writer thread behind a
 * bounded queue (or handed to rrdcached), so the capture thread never waits
 * on disk. A full queue drops and counts updates.
 */
#ifndef FLOODSPOT_STORE_H
#define FLOODSPOT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "floodspot/event.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"

struct fs_store_config {
	const char *dir;		/* --rrd-dir */
	const char *rrdcached;		/* --rrdcached or RRDCACHED_ADDRESS; NULL */
	uint32_t step_s;		/* default 1 */
	uint32_t max_host_files;	/* cap on hosts/ files, default 1000 */
	uint32_t top_n;			/* hosts always stored, default 50 */
	uint32_t noise_floor_pps;	/* hosts above it get a file, default 100 */
	uint32_t queue_len;		/* pending updates, default 65536 */
};

struct fs_store_stats {
	uint64_t updates_queued, updates_written;
	uint64_t updates_dropped_full;	/* queue full */
	uint64_t update_errors;		/* librrd or rrdcached refused */
	uint64_t files_created;
	uint32_t host_files;
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

/* --html DIR: static overview pages, refreshed every refresh_s. */
struct fs_html_config {
	const char *dir;
	const char *rrd_dir;		/* graphs drawn from these RRDs; may be NULL */
	uint32_t refresh_s;		/* default 10 */
	uint32_t top_n;			/* default 10 */
};

struct fs_html;
struct fs_html *fs_html_create(const struct fs_html_config *cfg,
			       struct fs_event_bus *bus, char *err,
			       size_t errlen);
/* Rewrites the pages when refresh_s has passed, or always when force. */
void fs_html_tick(struct fs_html *h, int64_t now_us, const struct fs_hosts *hosts,
		  const struct fs_ospf *ospf, int force);
void fs_html_destroy(struct fs_html *h);

#endif
