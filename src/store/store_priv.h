/* Private: the store's state, shared by store.c, tick.c and writer.c. */
#ifndef FS_STORE_PRIV_H
#define FS_STORE_PRIV_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>

#include "floodspot/hash.h"
#include "floodspot/log.h"
#include "floodspot/store.h"
#include "layout.h"

/* One queued update: fixed size, copied into the ring. */
struct fs_store_rec {
	int64_t ts_s;
	uint8_t kind;		/* enum fs_store_kind */
	uint8_t from, to;	/* FS_STORE_K_ADJ */
	union {
		struct {
			uint8_t mac[6];
			uint16_t vlan;
			uint32_t id, id2;
		};
		struct fs_store_session sess;	/* FS_STORE_K_SESSION */
	};
	uint32_t unknown;	/* bit i: value i is unknown */
	int32_t ts_frac_us;	/* FS_STORE_K_ADJ: sub-second part */
	union {
		uint64_t v[FS_STORE_MAX_DS];
		char rule[8 * FS_STORE_MAX_DS];	/* FS_STORE_K_ALERT */
	};
};

/* FS_STORE_K_ALERT: which of mac/vlan and id (router id) it names, in
 * .unknown; .from is the state, .to the severity. */
#define FS_STORE_ALERT_HOST 1u
#define FS_STORE_ALERT_ROUTER 2u

/* Capture side: a host that has a file, and its own cumulative counters. */
struct fs_store_tracked {
	bool used;		/* a record in use (the array has free ones) */
	uint16_t vlan;
	uint8_t mac[6];
	int64_t last_fed_s;	/* time of its last queued update, 0: none */
	bool was_active;	/* that update closed an active second */
	uint64_t cum[FS_STORE_HOST_DS];
};

/* Capture side: a session that has a file; seen in the current tick. */
struct fs_store_strk {
	bool used, seen;
	struct fs_store_session k;
};

/* Writer side: what is known about one file. */
struct fs_store_wfile {
	bool referenced;	/* used since the clock hand last passed */
	uint8_t kind;
	uint16_t vlan;
	uint8_t mac[6];
	uint32_t id;
	struct fs_store_session sess;	/* FS_STORE_K_SESSION */
	bool failed;
	bool refused;		/* not created: host files at the cap */
	int64_t last_s;		/* last update in the file */
	int64_t retry_mono_s;	/* failed: next attempt */
};

/* Writer side: one file of hosts/ on disk (retire.c). */
#define FS_STORE_DFILE_NAME 32
struct fs_store_dfile {
	char name[FS_STORE_DFILE_NAME];	/* "10-02-00-0a-00-00-0d.rrd" */
	int64_t last_s;		/* its last update as far as we know */
	uint64_t bytes;
};
enum { FS_STORE_DISK_HOSTS, FS_STORE_DISK_ROUTERS, FS_STORE_DISKS };
struct fs_store_disk {
	struct fs_store_dfile *f;
	uint32_t n, cap;
	uint64_t bytes;
	uint64_t created;	/* this run */
	int64_t none_before_s;	/* no file can go before this packet time */
	bool remote;		/* remote rrdcached: cap what we create */
};

struct fs_store {
	struct fs_store_config cfg;
	char dir[FS_STORE_PATH_MAX];
	char daemon[256];
	char evdir[FS_STORE_PATH_MAX];	/* events.log's; "": none */
	bool use_daemon;
	bool local_dir;		/* dir is ours to list (no daemon, or a local one) */

	/* SPSC ring: the capture thread moves head, the writer tail. */
	struct fs_store_rec *ring;
	uint64_t mask;
	_Atomic uint64_t head, tail;
	sem_t wake;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	/* Shutdown: past this monotonic time the writer drops what is left;
	 * 0: drain everything. */
	_Atomic int64_t stop_deadline_us;
	bool abandoned;		/* writer stuck at shutdown: not joined */
	pthread_mutex_t mu;
	pthread_cond_t progress;
	atomic_uint waiters;	/* threads in fs_store_wait_written */

	/* capture thread only */
	uint64_t queued, dropped_full, hosts_not_stored;
	struct fs_store_tracked *trk;	/* max_host_files records */
	struct fs_hidx trk_ix;		/* (VLAN, MAC) -> record */
	struct fs_hids trk_ids;
	uint32_t trk_count, trk_cursor;
	/* hosts fed in the previous / this tick, to close idle edges */
	struct fs_store_key { uint16_t vlan; uint8_t mac[6]; } *fed_prev, *fed_cur;
	uint32_t fed_prev_n, fed_cur_n;
	uint64_t seg_cum[FS_STORE_HOST_DS];
	int64_t seg_last_fed_s;
	/* sessions with a file (sessions.c) */
	struct fs_store_strk *strk;	/* max_session_files records */
	struct fs_hidx strk_ix;
	struct fs_hids strk_ids;
	uint64_t sessions_not_stored;

	/* keys both tables, the capture thread's and the writer's */
	struct fs_hkey hkey;

	/* written by the writer, read anywhere */
	_Atomic uint64_t written, errors, created, skipped_old, events_written;
	_Atomic uint64_t dropped_exit;	/* left in the queue at the deadline */
	_Atomic uint64_t retired, refused, no_file;
	_Atomic uint32_t disk_files, router_files;
	_Atomic uint64_t disk_bytes;

	/* writer thread only */
	struct fs_store_wfile *files;	/* files_cap records */
	struct fs_hidx files_ix;	/* (kind, VLAN, MAC, id) -> record */
	struct fs_hids files_ids;
	uint32_t files_cap, files_hand;	/* clock hand: the next to forget */
	int64_t client_retry_mono_s;
	int64_t now_s;		/* newest packet time written */
	bool daemon_failed;	/* the last connect failed: say when it works */
	FILE *events;
	double events_last;	/* events.log's last time before this run */
	struct fs_ratelimit rl_create, rl_update, rl_events, rl_daemon;
	struct fs_ratelimit rl_retire, rl_refuse, rl_claim;
	struct fs_store_disk disk[FS_STORE_DISKS];

	/* central rrdcached (central.c); writer thread after the claim */
	bool claimed;		/* agent.rrd held: heartbeat, release */
	int64_t hb_last_s;	/* last heartbeat (wall clock) */
	bool away;		/* daemon unreachable: updates wait */
	int64_t reconnect_at_us;
	uint32_t backoff_ms;
	struct fs_store_rec *retry;	/* FIFO while the daemon is away */
	uint32_t retry_cap, retry_head, retry_n;
	_Atomic uint64_t retry_queued, replayed, dropped_retry;
	_Atomic uint64_t daemon_outages, name_conflicts;
	_Atomic uint32_t retry_len_now;
	atomic_bool daemon_down;
};

/* central.c: a killed agent's name may be claimed this long after its
 * last heartbeat. */
#define FS_STORE_CLAIM_STALE_S 10
/* Connects and claims DIR/agent.rrd for agent (before the writer
 * starts); 0, or -1 with a message. */
int fs_store_claim(struct fs_store *s, const char *agent, char *err,
		   size_t errlen);
/* Writer: the once-a-second "held" update; release writes 0. */
void fs_store_heartbeat(struct fs_store *s, bool release);
int fs_store_retry_init(struct fs_store *s);
void fs_store_retry_fini(struct fs_store *s);
void fs_store_retry_push(struct fs_store *s, const struct fs_store_rec *r,
			 unsigned n);
unsigned fs_store_retry_peek(const struct fs_store *s,
			     struct fs_store_rec *out, unsigned max);
void fs_store_retry_pop(struct fs_store *s, unsigned n);
/* What is left when the stop deadline passes: counted as dropped_exit. */
void fs_store_retry_drop_all(struct fs_store *s);
/* Connected, or reconnected once the backoff ran out. */
bool fs_store_daemon_up(struct fs_store *s);
/* The connection failed inside a write: disconnect, start the backoff. */
void fs_store_daemon_lost(struct fs_store *s);

/* store.c: updates hosts fed last tick but not this one (now idle). */
void fs_store_close_idle(struct fs_store *s, int64_t sec_start_us);

/* store.c: forgets tracked host record i (its host left the table). */
void fs_store_trk_remove(struct fs_store *s, uint32_t i);

/* store.c: every tracked host found through its index, counts agree;
 * 0 when sound (tests). */
int fs_store_trk_check(const struct fs_store *s);

/* writer.c: the same for the writer's files, once it is idle (tests). */
int fs_store_files_check(const struct fs_store *s);

/* sessions.c: the key words of a session's file, for both tables. */
struct fs_hword fs_store_session_word(const struct fs_store *s,
				      const struct fs_store_session *k);
int fs_store_strk_init(struct fs_store *s);
void fs_store_strk_fini(struct fs_store *s);

/* writer.c */
int fs_store_writer_start(struct fs_store *s, char *err, size_t errlen);
void fs_store_writer_stop(struct fs_store *s);
/* Stops the writer, which drains until deadline_us (monotonic; 0: drains
 * everything) and drops the rest; false when it is still busy a second
 * after that. */
bool fs_store_writer_finish(struct fs_store *s, int64_t deadline_us);

/* writer.c: monotonic microseconds. */
int64_t fs_store_mono_us(void);
/* writer.c: a file was deleted; its next update opens it anew. */
void fs_store_wfile_reopen(struct fs_store *s, uint8_t kind, uint16_t vlan,
			   const uint8_t mac[6], uint32_t id);

/* retire.c: the files of hosts/ and routers/ within their caps. init
 * scans both; room makes space in one for a file of need bytes at packet
 * time now_s (false: none can go); created records one. */
int fs_store_disk_init(struct fs_store *s);
void fs_store_disk_fini(struct fs_store *s);
bool fs_store_disk_room(struct fs_store *s, unsigned which, int64_t now_s,
			uint64_t need);
/* Back under the caps as files age (a smaller cap after a restart). */
void fs_store_disk_trim(struct fs_store *s, int64_t now_s);
void fs_store_disk_created(struct fs_store *s, unsigned which,
			   const char *name, int64_t now_s, uint64_t bytes);

/* store.c: enqueue one record; 0, or -1 when dropped. */
int fs_store_push(struct fs_store *s, const struct fs_store_rec *r);

#endif
