/*
 * What floodspot prints: events as JSON lines (--json) or one human line
 * each, the hosts and stats dump, and the --top table.
 */
#ifndef FLOODSPOT_OUTPUT_H
#define FLOODSPOT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/event.h"
#include "floodspot/hosts.h"
#include "floodspot/routers.h"

/* Event printer; subscribe with fs_output_event as the callback. */
struct fs_output {
	FILE *f;
	bool json;
	int verbose;
};

void fs_output_event(const struct fs_event *ev, void *ctx);

/* One {"event":"host",...} line per host, most packets first. */
void fs_output_hosts_json(FILE *f, const struct fs_hosts *hosts);
/*
 * The routers and the evidence that made each one: {"event":"router",...}
 * lines when json, else a table (--routers).
 */
void fs_output_routers(FILE *f, const struct fs_routers *r, bool json);
/* Router evidence bits as a JSON array of their names. */
void fs_output_evidence_json(FILE *f, uint32_t bits);
/* The top-N table, plain text, aligned. */
void fs_output_top(FILE *f, const struct fs_hosts *hosts, unsigned n,
		   int64_t now_us);

#endif
