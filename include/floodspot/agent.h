/*
 * The agent: owns every module and drives them from one loop on the
 * capture thread — capture, decode, routers/OSPF, hosts, packet clock, and
 * on each closed second detection, storage and output.
 */
#ifndef FLOODSPOT_AGENT_H
#define FLOODSPOT_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#define FS_MAX_ROUTER_ARGS 64

struct fs_agent_config {
	const char *ifname;
	const char *file;
	const char *filter;		/* BPF expression from the arguments */
	uint64_t count;			/* -c: stop after this many packets */
	int snaplen;			/* -s */
	int buffer_kib;			/* -B */
	const char *user;		/* -Z: drop privileges after opening */
	bool json;
	unsigned top;			/* --top N, 0: off */
	unsigned top_interval_s;	/* live refresh of --top */
	bool ospf_table;		/* --ospf */
	const char *routers[FS_MAX_ROUTER_ARGS];
	unsigned n_routers;
	const char *not_routers[FS_MAX_ROUTER_ARGS];	/* --not-router */
	unsigned n_not_routers;
	bool routers_table;		/* --routers */
	uint32_t capacity;		/* hosts table */
	const char *rules_path;
	const char *rrd_dir;
	const char *rrdcached;
	uint32_t rrd_max_hosts;		/* 0: the store's default */
	const char *rrd_archives;	/* "1s:1h,10s:1d,..."; NULL: default */
	const char *html_dir;
	const char *evidence_dir;	/* --evidence; default <rrd_dir>/evidence */
	uint32_t evidence_ring_mib;	/* 0: the default */
	const char *syslog_remote;
	int syslog_facility;
	int local_syslog;		/* -1: default (live on, replay off) */
	const char *exec_cmd;
	int verbose;
	uint64_t seed;			/* hash seed, 0: random (tests pin it) */
};

void fs_agent_config_defaults(struct fs_agent_config *cfg);

/*
 * Runs to the end of the file, the packet count, or a terminating signal.
 * Returns the process exit status: 0, or 1 on a capture error (after
 * reporting everything up to it).
 */
int fs_agent_run(const struct fs_agent_config *cfg);

#endif
