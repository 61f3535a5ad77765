/*
 * The agent: owns every module and drives them from one loop on the
 * capture thread — capture, decode, routers/OSPF, hosts, packet clock, and
 * on each closed second detection, storage and output.
 */
#ifndef FLOODSPOT_AGENT_H
#define FLOODSPOT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/alert.h"

#define FS_MAX_ROUTER_ARGS 64
#define FS_AGENT_NAME_MAX FS_ALERT_AGENT_MAX

struct fs_cli;
struct fs_conf;

struct fs_agent_config {
	const char *ifname;
	const char *file;
	const char *filter;		/* BPF expression from the arguments */
	uint64_t count;			/* -c: stop after this many packets */
	int snaplen;			/* -s */
	int buffer_kib;			/* -B */
	bool reader_thread;		/* --reader-thread (live, not -Z) */
	const char *user;		/* -Z: drop privileges after opening */
	bool json;
	unsigned top;			/* --top N, 0: off */
	unsigned top_interval_s;	/* live refresh of --top */
	bool ospf_table;		/* --ospf */
	bool sessions_table;		/* --sessions */
	bool expect_ospf;		/* --expect-ospf: its absence alerts */
	const char *routers[FS_MAX_ROUTER_ARGS];
	unsigned n_routers;
	const char *not_routers[FS_MAX_ROUTER_ARGS];	/* --not-router */
	unsigned n_not_routers;
	bool routers_table;		/* --routers */
	uint32_t capacity;		/* hosts table */
	/* The OSPF tracker's and the alert table's capacities; 0: their
	 * defaults (1024 routers, 4096 pairs, 4096 alerts). No option sets
	 * them: tests and fuzzers size them down. */
	uint32_t ospf_routers, ospf_neighbors, alert_table;
	/* BGP and BFD sessions, VRRP/HSRP groups each; 0: 1024. Likewise
	 * for tests and fuzzers only. */
	uint32_t session_table;
	const char *rules_path;
	const char *rrd_dir;
	const char *rrdcached;
	uint32_t rrd_max_hosts;		/* 0: the store's default */
	const char *rrd_archives;	/* "1s:1h,10s:1d,..."; NULL: default */
	uint64_t rrd_max_bytes;		/* 0: the store's default */
	uint32_t rrd_retire_s;		/* 0: the store's default */
	uint32_t rrd_max_routers;	/* 0: the store's default */
	const char *html_dir;
	bool tz_local;			/* --tz local: graphs and pages */
	const char *metrics_addr;	/* --metrics [ADDR:]PORT; NULL: off */
	unsigned metrics_top;		/* suspects in /metrics */
	unsigned metrics_linger_s;	/* replay: serve the end until scraped */
	const char *evidence_dir;	/* --evidence; default <rrd_dir>/evidence */
	uint32_t evidence_ring_mib;	/* 0: the default */
	const char *syslog_remote;
	int syslog_facility;
	int local_syslog;		/* -1: default (live on, replay off) */
	const char *exec_cmd;
	int verbose;
	uint64_t seed;			/* hash seed, 0: random (tests pin it) */
	const char *name;		/* --name; NULL: host[/interface] */
	const char *sd_id;		/* --sd-id NAME@PEN; NULL: none */
	/* --config: on SIGHUP the file is read again and the command line
	 * applied over it, as at start; conf is the file read at start. */
	const char *config_path;
	const struct fs_cli *cli;
	const struct fs_conf *conf;
};

void fs_agent_config_defaults(struct fs_agent_config *cfg);

/* The rules used when none are configured: FLOODSPOT_RULES from the
 * environment, else the installed ones. */
const char *fs_agent_default_rules(void);
/* cfg->name, else "host/interface" live or "host" on replay. */
void fs_agent_name(const struct fs_agent_config *cfg, char *out, size_t len);

/*
 * Runs to the end of the file, the packet count, or a terminating signal.
 * Returns the process exit status: 0, or 1 on a capture error (after
 * reporting everything up to it).
 */
int fs_agent_run(const struct fs_agent_config *cfg);

#endif
