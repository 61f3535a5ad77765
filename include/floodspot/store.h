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

#include "floodspot/alert.h"
#include "floodspot/bfd.h"
#include "floodspot/bgp.h"
#include "floodspot/event.h"
#include "floodspot/fhrp.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/pkt.h"

#define FS_STORE_MAX_RRAS 8

struct fs_store_config {
	const char *dir;		/* --rrd-dir */
	const char *rrdcached;		/* --rrdcached or RRDCACHED_ADDRESS; NULL */
	/* With rrdcached: the agent's name. Its files go under
	 * dir/<name made safe> (fs_store_agent_dir), and the name is claimed
	 * there (agent.rrd) so a second agent of that name is refused. */
	const char *agent_name;
	/* Updates kept while rrdcached is away, replayed in order when it
	 * returns; the oldest dropped past it. 0: queue_len. */
	uint32_t retry_len;
	/* Where events.log goes; NULL: the RRD directory (local only). */
	const char *events_dir;
	uint32_t step_s;		/* default 1 */
	uint32_t max_host_files;	/* cap on hosts/ files, default 200 */
	uint32_t max_session_files;	/* cap on sessions/ files, default 64 */
	/* Cap on the bytes of hosts/ files; 0: max_host_files files of the
	 * configured archives (fs_store_max_bytes). */
	uint64_t max_bytes;
	/* Cap on routers/ files (their bytes follow); default 64. */
	uint32_t max_router_files;
	/* At a cap, a file that has had no update this long is deleted
	 * (oldest first) to make room; default 600. */
	uint32_t retire_after_s;
	uint32_t top_n;			/* hosts always stored, default 50 */
	uint32_t noise_floor_pps;	/* hosts above it get a file, default 100 */
	uint32_t queue_len;		/* pending updates, default 65536 */
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
	uint64_t updates_skipped_old;	/* not after the file's last update */
	uint64_t events_written;	/* events.log lines */
	uint64_t hosts_not_stored;	/* above the floor, but files capped */
	uint64_t files_retired;		/* deleted to make room at a cap */
	uint64_t files_refused;		/* not created: at a cap, none old enough */
	uint64_t updates_no_file;	/* for hosts whose file was refused */
	uint32_t disk_files;		/* files in hosts/ now (writer's count) */
	uint64_t disk_bytes;		/* and their bytes */
	uint32_t router_files;		/* files in routers/ now */
	uint64_t updates_dropped_exit;	/* still queued at the stop deadline */
	uint32_t session_files;
	uint64_t sessions_not_stored;	/* per session-second, files capped */
	/* rrdcached away: updates held, replayed, dropped past the bound */
	uint64_t updates_retry_queued, updates_replayed, updates_dropped_retry;
	uint32_t retry_queue_len;	/* held now */
	uint64_t daemon_outages;	/* times it became unreachable */
	bool daemon_down;		/* unreachable now */
	uint64_t name_conflicts;	/* another agent wrote our agent.rrd */
};

struct fs_store;

void fs_store_config_defaults(struct fs_store_config *cfg);
/* Returns NULL and a message in err when the directory cannot be used. */
struct fs_store *fs_store_create(const struct fs_store_config *cfg,
				 struct fs_event_bus *bus, char *err,
				 size_t errlen);
/*
 * Shutdown, bounded: the writer drains the queue for at most timeout_ms,
 * then drops and counts what is left (updates_dropped_exit). false, with
 * a message, when the writer is still inside librrd a second later (a
 * hung rrdcached): it is left to the process exit. timeout_ms < 0: drain
 * everything (the end of a replay).
 */
bool fs_store_finish(struct fs_store *s, int timeout_ms);
/* Flushes the queue and joins the writer (after fs_store_finish: frees). */
void fs_store_destroy(struct fs_store *s);

/* Once per closed second (after fs_hosts_tick); ospf may be NULL. */
void fs_store_tick(struct fs_store *s, int64_t sec_start_us,
		   const struct fs_hosts *hosts, const struct fs_ospf *ospf);
void fs_store_stats(const struct fs_store *s, struct fs_store_stats *st);
/* Once per closed second: a file per BGP and BFD session and VRRP/HSRP
 * group, up to max_session_files; any tracker may be NULL. */
void fs_store_tick_sessions(struct fs_store *s, int64_t sec_start_us,
			    const struct fs_bgp *bgp, const struct fs_bfd *bfd,
			    const struct fs_fhrp *fhrp);

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
/*
 * librrd fails at once on a file that another thread or process holds
 * locked (the writer updating it, a graph reading it). After a failed call
 * whose error was err, on its tries-th try: true once it has waited a
 * moment and the call should be made again (up to 25 tries, 0.5 s).
 */
bool fs_store_lock_wait(const char *err, int tries);

/* A routing session's file, by what names it. */
struct fs_store_session {
	char proto[8];		/* "bgp", "bfd", "vrrp3", "hsrp1", ... */
	struct fs_seg seg;
	uint8_t ip_version;
	uint8_t ip[2][16];	/* the two ends; none for a VRRP/HSRP group */
	uint16_t extra;		/* BFD port, VRRP/HSRP group; else 0 */
};
/* Fills k (zeroed first); a and b may be NULL. */
void fs_store_session_key(struct fs_store_session *k, const char *proto,
			  struct fs_seg seg, uint8_t ip_version,
			  const uint8_t *a, const uint8_t *b, uint16_t extra);

/* Gaps are the silence so far of each direction (GAUGE, ms); up 1 or 0;
 * the rest cumulative (DERIVE). A group has one direction, its master. */
enum fs_store_session_ds {
	FS_STORE_SS_GAP0, FS_STORE_SS_GAP1, FS_STORE_SS_UP, FS_STORE_SS_LATE,
	FS_STORE_SS_MESSAGES, FS_STORE_SS_WITHDRAWN, FS_STORE_SS_CHANGES,
	FS_STORE_SESSION_DS
};
/* unknown: bit i for value i stored as unknown. */
int fs_store_update_session(struct fs_store *s, int64_t ts_us,
			    const struct fs_store_session *k,
			    const uint64_t v[FS_STORE_SESSION_DS],
			    uint32_t unknown);
/* Appends "ts router_id neighbor_id from to vlan" to DIR/events.log. */
int fs_store_adjacency(struct fs_store *s, int64_t ts_us,
		       const struct fs_ev_ospf_adjacency *a);
/*
 * Appends "ts alert state rule severity vlan mac router_id" for a raised
 * or cleared alert (absent fields as "-"), so graphs can mark it; active
 * repeats are not written. 0 when queued or not wanted, -1 when dropped.
 */
int fs_store_alert(struct fs_store *s, const struct fs_alert *a);
/*
 * Host selection and counters for one closed second of one host (what
 * fs_store_tick does per active host): tracks it when selected or force,
 * keeps its cumulative counters and enqueues its updates.
 */
void fs_store_feed_host(struct fs_store *s, int64_t sec_start_us,
			const struct fs_host *h, int force);
/* Blocks until everything queued so far is written (end of replay). */
void fs_store_flush(struct fs_store *s);
/* mkdir -p with mode 0755; 0, or -1 with errno (ENOTDIR when path is a
 * file). */
int fs_store_mkdir_p(const char *path);
/* An rrdcached address as librrd takes it (unix:/PATH, /PATH, HOST,
 * HOST:PORT, [V6]:PORT); 0, or -1 with a message. */
int fs_store_check_daemon_addr(const char *addr, char *err, size_t errlen);
/* The agent's directory name: its name with every byte but letters,
 * digits, '-', '_' and a non-leading '.' made '_'; 0, or -1 when empty
 * or longer than 128. */
int fs_store_agent_dir(const char *name, char *out, size_t len);
/* "90", "10m", "2h", "1d": seconds; 0 or -1. */
int fs_store_parse_duration(const char *spec, uint32_t *out);
/* "4096", "500M", "2G" (binary multiples): bytes; 0 or -1. */
int fs_store_parse_size(const char *spec, uint64_t *out);
/* Parses "1s:30m,10s:6h,1m:2d,10m:30d,1h:1y" into cfg->rras; 0 or -1. */
int fs_store_parse_rras(struct fs_store_config *cfg, const char *spec);
/* Where the files are, as the writer addresses them. */
const char *fs_store_dir(const struct fs_store *s);
/*
 * For readers that must see complete files (graphs at the end of a
 * replay): the count of updates queued so far, and a wait until the writer
 * has taken that many. Not for the capture thread of a live capture.
 */
uint64_t fs_store_queued_mark(const struct fs_store *s);
void fs_store_wait_written(struct fs_store *s, uint64_t mark);

/* The files' names, shared with their readers (graphs, pages). */
enum fs_store_kind {
	FS_STORE_K_HOST,
	FS_STORE_K_SEGMENT,
	FS_STORE_K_ROUTER,
	FS_STORE_K_ADJ,		/* adjacency change for events.log */
	FS_STORE_K_ALERT,	/* alert raised or cleared, for events.log */
	FS_STORE_K_SESSION,	/* a BGP/BFD session, a VRRP/HSRP group */
};

#define FS_STORE_PATH_MAX 512

/* "hosts/10-02-00-0a-00-00-0d.rrd", "segment.rrd", "routers/10.0.0.1.rrd" */
int fs_store_rel_path(char *buf, size_t len, enum fs_store_kind kind,
		      uint16_t vlan, const uint8_t mac[6], uint32_t id);
/* "sessions/bgp-10-10.0.0.1-10.0.0.2.rrd",
 * "sessions/bfd-10-3784-10.0.0.1-10.0.0.2.rrd", "sessions/vrrp3-10-7.rrd";
 * a mirrored segment as in fs_fmt_seg_path, ':' of IPv6 as '_'. */
int fs_store_session_path(char *buf, size_t len,
			  const struct fs_store_session *k);

/* Bytes of one file of the kind with cfg's archives (header included). */
uint64_t fs_store_file_bytes(const struct fs_store_config *cfg,
			     enum fs_store_kind kind);
/* cfg->max_bytes, or its default: max_host_files host files. */
uint64_t fs_store_max_bytes(const struct fs_store_config *cfg);

#endif
