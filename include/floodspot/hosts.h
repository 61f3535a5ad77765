/*
 * Hosts table: per (VLAN, source MAC) packet and byte counts, in total and
 * by class, over a sliding one-second window moved at every slice of
 * packet time (default 100 ms) and in one-second bins for storage and
 * output, with baselines. Fixed capacity, allocated once;
 * least-recently-active eviction that spares the entries a heavy-hitter
 * summary ranks high.
 *
 * Per packet only cumulative counters move; a host's first packet in a
 * slice records the snapshot of its counters at the slice's start (a ring
 * of one per slice) and lists it in the slice's wheel list. A tick moves
 * the windows of the hosts of two lists only: those that sent in the slice
 * closing, and those whose slice leaves the second. The window is the
 * counters now minus the snapshot one second ago, so per-packet work does
 * not grow with slices and per-tick work follows what changed.
 */
#ifndef FLOODSPOT_HOSTS_H
#define FLOODSPOT_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/baseline.h"
#include "floodspot/pkt.h"

#define FS_HOST_MAX_IPS 4	/* addresses kept per host; more are counted */
#define FS_HOSTS_MAX_SLICES 10	/* slices per second at most (100 ms) */

struct fs_host_ip {
	uint8_t version;	/* 4 or 6 */
	uint8_t addr[16];
};

/* Counts over one second: a closed second, or the sliding window. */
struct fs_host_bin {
	uint32_t packets;
	uint32_t bytes;
	uint32_t ctrl;		/* packets with any FS_CLASS_CTRL_MASK class */
	uint32_t new_ips;	/* source IPs not seen before in this second */
	uint32_t cls[FS_CLASS_COUNT];
};

struct fs_host {
	uint16_t vlan;
	uint8_t mac[6];
	struct fs_host_ip ips[FS_HOST_MAX_IPS];
	uint8_t n_ips;
	uint32_t ips_seen;	/* distinct source IPs, approximate above n_ips */

	int64_t first_seen_us;
	int64_t last_seen_us;

	uint64_t packets;	/* cumulative since first seen */
	uint64_t bytes;
	uint64_t ctrl_packets;
	uint64_t cls_packets[FS_CLASS_COUNT];
	uint32_t new_ips_total;	/* wraps: windows are differences */

	/* The sliding second, as of the latest tick where it moved (ending
	 * at win_end_us); valid while fs_hosts_current(), else empty (and
	 * left as it was: check first). */
	struct fs_host_bin win;
	int64_t win_end_us;
	struct fs_host_bin last;	/* last closed second */
	int64_t last_sec_us;		/* start of the second in .last */

	uint32_t peak_pps;
	int64_t peak_ts_us;	/* start of the peak second */

	struct fs_baseline base_pps;	/* all packets per second */
	struct fs_baseline base_ctrl;	/* control-plane packets per second */
};

/* Segment (whole capture): the sliding window and the last closed second. */
struct fs_segment {
	uint64_t packets, bytes, ctrl_packets;	/* cumulative */
	uint64_t cls_packets[FS_CLASS_COUNT];
	uint32_t new_ips_total, new_macs_total;	/* wrap */
	/* New source MACs no NIC sends from (group bit, all zero), and
	 * locally administered ones (phones, VMs, but also macof). */
	uint32_t invalid_macs_total, local_macs_total;
	struct fs_host_bin win, last;
	uint32_t new_macs_win, new_macs_last;	/* hosts inserted */
	uint32_t invalid_macs_win, local_macs_win;
	/* Warm start: every MAC is new to a fresh table. Until warm_until_us
	 * (packet time) new_macs counts only what no segment shows at start
	 * (fs_segment_new_macs). */
	int64_t warm_until_us;
	uint32_t active_win;			/* hosts active in the window */
	uint32_t active_last;			/* hosts active in last second */
	uint32_t top_last;	/* packets of the busiest host, last second */
	uint32_t peak_pps;
	int64_t peak_ts_us;
	int64_t win_end_us;
};

struct fs_hosts_config {
	uint32_t capacity;	/* max hosts (0: 65536); index slots are the
				   next power of two times 2, load <= 1/2 */
	uint32_t hh_size;	/* heavy-hitter entries (0: 64), <= capacity/2 */
	float baseline_window_s; /* EWMA window (<= 0: 60 s) */
	uint32_t slice_us;	/* 0: 100 ms; divides a second, >= 100 ms */
	uint32_t warmup_s;	/* segment learning period (0: 60 s) */
	uint64_t seed;		/* 0: random per process */
	uint32_t hh_halve_s;	/* heavy-hitter counts halve this often (0: 10) */
	bool hh_off;		/* no summary, plain LRA (for comparison) */
};

struct fs_hosts_stats {
	uint64_t inserted;
	uint64_t evicted;		/* least-recently-active evictions */
	uint64_t evict_protected_skips;	/* LRA victims spared as heavy hitters */
	uint32_t in_use;
	uint32_t capacity;
	uint32_t hh_size;
	uint64_t hh_halvings;
	const char *policy;		/* eviction policy, named */
};

/* One heavy-hitter summary entry (Space-Saving). */
struct fs_hosts_hh {
	uint16_t vlan;
	uint8_t mac[6];
	uint64_t count;		/* estimate since decay, >= true count */
	uint64_t err;		/* count - err <= true count */
	bool is_protected;	/* spared by eviction now */
};

struct fs_hosts;

void fs_hosts_config_defaults(struct fs_hosts_config *cfg);
/*
 * Bytes the table allocates for a configuration: the memory bound. One
 * calloc at create, nothing after (top-N and decay sort in place). With
 * C = capacity, P = C rounded up to a power of two, K = hh_size, K' = K
 * rounded up to a power of two, N the slices per second (x86-64 sizes):
 *   C * (sizeof(struct fs_host) + 120 private + (N + 2) * 4 wheel lists
 *        + (N + 1) * 68 counter snapshots)
 *   + 2P * 16 index slots
 *   + K * 72 + 4K' * 16 + 16K' * 8 heavy-hitter summary and filter
 *   + about 17.7 KiB handle (mostly the 16 KiB hash tables),
 * each part rounded up to 64 bytes; fs_hosts_host_bytes() gives the
 * per-host part (1,420 bytes at 100 ms slices; with the index 1,452).
 * Defaults: 95,193,280 bytes (90.8 MiB). 0 when the capacity exceeds 2^28.
 * Pages are touched as the table fills.
 */
size_t fs_hosts_memory_bound(const struct fs_hosts_config *cfg);
/* Bytes per host of that bound (without the index and the summary). */
size_t fs_hosts_host_bytes(const struct fs_hosts_config *cfg);

struct fs_hosts *fs_hosts_create(const struct fs_hosts_config *cfg);
void fs_hosts_destroy(struct fs_hosts *h);

/*
 * Charges one packet to its (VLAN, source MAC), inserting or evicting as
 * needed. Packets without a MAC (raw IP) are keyed by a MAC derived from
 * the source IP, with the locally administered bit set: IPv4 a.b.c.d ->
 * 02:00:a:b:c:d, IPv6 -> 06 + the address XOR-folded into 5 bytes.
 * Constant time. Call fs_hosts_tick for the seconds the packet's time
 * leaves behind first (fs_clock_advance does). The host returned (and any
 * pointer from find/foreach/top) stays valid until that host is evicted.
 */
struct fs_host *fs_hosts_account(struct fs_hosts *h, const struct fs_pkt *p);

/* Starts loading what fs_hosts_account will read for this key (its
 * index slot, its heavy-hitter slot): call a few packets ahead. */
void fs_hosts_prefetch(const struct fs_hosts *h, uint16_t vlan,
		       const uint8_t mac[6]);

/* Finds without inserting; NULL when absent. */
struct fs_host *fs_hosts_find(struct fs_hosts *h, uint16_t vlan,
			      const uint8_t mac[6]);

/*
 * Closes the slice that began at slice_start_us: moves the window of every
 * host active in the last second and judges its baselines' change points;
 * when the slice ends a second, also closes that second (last, peaks,
 * baselines). Cost is proportional to the hosts active in the last second.
 */
void fs_hosts_tick(struct fs_hosts *h, int64_t slice_start_us);
/* The slice length in microseconds. */
int64_t fs_hosts_slice_us(const struct fs_hosts *h);
/*
 * True when the host has packets in the window of the latest closed
 * slice: host->win is that window (moved at the ticks where it changes,
 * the same in between). Else its window is empty.
 */
bool fs_hosts_current(const struct fs_hosts *h, const struct fs_host *host);

typedef void (*fs_host_fn)(const struct fs_host *host, void *ctx);
/* Every host in the table, in no particular order. */
void fs_hosts_foreach(const struct fs_hosts *h, fs_host_fn fn, void *ctx);
/*
 * Hosts with packets in the window of the latest closed slice; after a
 * tick that closed a second, exactly the hosts active in that second.
 * Not reentrant (it marks hosts to visit each once).
 */
void fs_hosts_foreach_active(const struct fs_hosts *h, fs_host_fn fn,
			     void *ctx);
/* Hosts whose window moved at the latest tick (the rest kept theirs). */
void fs_hosts_foreach_changed(const struct fs_hosts *h, fs_host_fn fn,
			      void *ctx);

/* Up to n hosts with the most packets in total, most first. */
size_t fs_hosts_top(const struct fs_hosts *h, const struct fs_host **out,
		    size_t n);

const struct fs_segment *fs_hosts_segment(const struct fs_hosts *h);

/* During warm start new MACs count only by the thousand (locally
 * administered) or the ten thousand (any) in the window. */
#define FS_WARM_LOCAL_MACS 1000
#define FS_WARM_ANY_MACS 10000
/*
 * New source MACs in the window as the rules see them: all of them once
 * the segment is warm; while it learns, those past the warm-start limits
 * above (a fresh agent on a busy segment is quiet; macof is not). MACs
 * that cannot be a NIC's are the separate invalid_macs_win.
 */
uint32_t fs_segment_new_macs(const struct fs_segment *s);
void fs_hosts_stats(const struct fs_hosts *h, struct fs_hosts_stats *st);

/* Up to n heavy-hitter summary entries, highest count first. O(n). */
size_t fs_hosts_hh_top(const struct fs_hosts *h, struct fs_hosts_hh *out,
		       size_t n);
/* Consistency of index, LRU and active lists and summary; 0 when sound. */
int fs_hosts_check(const struct fs_hosts *h);

#endif
