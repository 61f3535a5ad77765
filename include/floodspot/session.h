/*
 * The session model the routing trackers share (BGP, BFD, VRRP/CARP/HSRP).
 *
 * Arrivals: the timing of one sender's periodic messages (keepalives,
 * control packets, adverts). Each interval is judged on its own against
 * the interval the protocol promises, the moment it is overdue: a late
 * message is often followed by an early one, so a mean hides starvation
 * (DESIGN.md "Routing-protocol trackers"). Mean, jitter and the largest
 * gap are kept beside it.
 *
 * State machines: a table of (state, event) -> (action, next state) rows,
 * in the manner of OpenBSD ospfd's neighbor FSM. A pair with no row is
 * not acted on; it is counted per (state, event) and logged, rate-limited.
 *
 * Pure: no table, no bus, no allocation. Times are packet time in us.
 */
#ifndef FLOODSPOT_SESSION_H
#define FLOODSPOT_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/gap.h"
#include "floodspot/hash.h"
#include "floodspot/log.h"
#include "floodspot/pkt.h"

/* Gaps seen before the late margin follows the sender's own jitter. */
#define FS_ARR_JITTER_GAPS 3
/* Regular gaps over which an unknown interval is learned. */
#define FS_ARR_LEARN_GAPS 3
/* Arrivals closer than this are a mirrored copy (both directions of a
 * port spanned), unless a quarter of the interval is shorter. */
#define FS_ARR_COPY_US 20000

struct fs_arrivals {
	int64_t last_us;	/* latest arrival; 0 before the first */
	int64_t expect_us;	/* the interval promised; 0: not judged */
	/* Arrivals closer than this (or a quarter of the interval) are a
	 * mirrored copy; 0 where the caller removes copies itself (TCP). */
	int64_t copy_us;
	uint64_t arrivals, copies, reordered;
	uint64_t judged;	/* intervals judged: ended, or told overdue */
	uint64_t late;		/* of those, late */
	uint32_t gaps;		/* regular gaps in mean and jitter */
	uint32_t last_gap_ms, max_gap_ms;
	float mean_ms, jitter_ms;	/* of regular gaps, bursts and
					 * outages left out */
	int64_t learn_max_us;	/* longest of the first regular gaps */
	uint32_t learn_n;
	int64_t last_regular_us;	/* latest regular arrival */
	bool told;		/* the open interval was told overdue */
};

enum fs_arrival {
	FS_ARR_FIRST,		/* nothing before it to measure against */
	FS_ARR_UNTIMED,		/* no interval promised yet: not judged */
	FS_ARR_ON_TIME,
	FS_ARR_LATE,		/* late, and not told before: tell it now */
	FS_ARR_LATE_TOLD,	/* late, told when it became overdue */
	FS_ARR_COPY,		/* a mirrored copy of the previous one */
	FS_ARR_SAME,		/* another message of the same packet */
	FS_ARR_REORDERED,	/* older than the previous one: no gap */
};

/* "first", "untimed", "on_time", "late", "late_told", "copy", "same",
 * "reordered". */
const char *fs_arrival_name(enum fs_arrival a);

/* expect_us may be 0 (not known yet); copy_us starts at FS_ARR_COPY_US. */
void fs_arrivals_init(struct fs_arrivals *t, int64_t expect_us);
/* Forgets the rhythm (session restarted): the next arrival is FIRST. */
void fs_arrivals_reset(struct fs_arrivals *t);

/*
 * When the open interval turns late: the interval plus a margin of
 * late_ratio of it, narrowed once FS_ARR_JITTER_GAPS gaps are known to
 * three times the sender's jitter (at least 2 % of the interval and
 * 50 ms), never wider than late_ratio. 0 when no interval is promised.
 */
int64_t fs_arrivals_limit(const struct fs_arrivals *t, float late_ratio);

/*
 * A message arrived at ts_us. Every gap since the previous message is
 * judged. regular: it is one of the sender's periodic messages (a
 * KEEPALIVE, not an UPDATE): the gap since the previous regular one,
 * whatever came between, joins mean and jitter.
 */
enum fs_arrival fs_arrivals_arrive(struct fs_arrivals *t, int64_t ts_us,
				   float late_ratio, bool regular);

/*
 * Called as packet time advances (each slice): true once per interval,
 * when now_us has passed the limit without an arrival; *moment_us is
 * when it became overdue (the last arrival plus the limit).
 */
bool fs_arrivals_overdue(struct fs_arrivals *t, int64_t now_us,
			 float late_ratio, int64_t *moment_us);

/* The gap so far: to now_us from the last arrival, in ms (saturating);
 * 0 before the first arrival. */
uint32_t fs_arrivals_gap_ms(const struct fs_arrivals *t, int64_t now_us);

/* The open gap's lateness as a share of the interval (0.3 = 30 % late);
 * 0 when on time or not judged. */
double fs_arrivals_late_share(const struct fs_arrivals *t, int64_t now_us);

/* After FS_ARR_LEARN_GAPS regular gaps, the longest of them (senders
 * jitter downwards from their interval, RFC 4271 10, RFC 5880 6.8.7);
 * 0 before. */
int64_t fs_arrivals_learned_us(const struct fs_arrivals *t);

/* ---- the two ends of a session ---- */

/* Which end sent p: 0 when its address is the lower of the two (then
 * its port, for a session with itself), else 1. */
int fs_sess_side(const struct fs_pkt *p);

/*
 * The index key of a session between addresses lo < hi on a segment;
 * extra tells sessions of one pair apart (BFD's port: single hop,
 * multihop, LAG). The addresses are folded first, then with the rest:
 * a table's records settle a fold's rare tie.
 */
struct fs_hword fs_sess_key(const struct fs_hkey *k, struct fs_seg seg,
			    uint8_t ip_version, uint16_t extra,
			    const uint8_t lo[16], const uint8_t hi[16]);

/* ---- a tracker's table of sessions ---- */

/*
 * Records of one size in an array fixed at init, found through the one
 * keyed index (hash.h). When the table is full a newcomer may take the
 * place of a record the tracker lets go (one not up): a few past a hand
 * are tried, so the work per packet stays constant and real sessions
 * survive a flood of made-up ones.
 */
#define FS_SESS_EVICT_TRIES 8

struct fs_sess_table {
	uint8_t *recs;
	size_t rec_size;
	uint32_t cap;
	struct fs_hids ids;
	struct fs_hidx ix;
	uint32_t hand;
	/* Record numbers in use, densely: ticks walk these, not the array. */
	uint32_t *live, *live_at;
	uint32_t n_live;
	uint64_t full;		/* newcomers refused */
	uint64_t evicted;	/* records let go for one */
};

/* 0, or -1 without memory (then fini it). */
int fs_sess_table_init(struct fs_sess_table *t, uint32_t cap, size_t rec_size);
void fs_sess_table_fini(struct fs_sess_table *t);
/* Bytes a table of cap records of rec_size takes. */
size_t fs_sess_table_memory(uint32_t cap, size_t rec_size);

static inline void *fs_sess_table_rec(const struct fs_sess_table *t,
				      uint32_t idx)
{
	return t->recs + (size_t)idx * t->rec_size;
}

/* The record under key h that match accepts, or NULL. */
void *fs_sess_table_find(const struct fs_sess_table *t, struct fs_hword h,
			 fs_hidx_match_fn match, const void *ctx);

/* May this record go (not up)? And how the tracker forgets one: it
 * frees what the record holds and calls fs_sess_table_drop. */
typedef bool (*fs_sess_evictable_fn)(const void *rec);
typedef void (*fs_sess_forget_fn)(void *tracker, void *rec);

/* A zeroed record indexed under h, or NULL when the table is full and
 * none of the records tried may go (counted in full). */
void *fs_sess_table_take(struct fs_sess_table *t, struct fs_hword h,
			 fs_sess_evictable_fn evictable,
			 fs_sess_forget_fn forget, void *tracker);
/* Unindexes and frees the record (zeroed). */
void fs_sess_table_drop(struct fs_sess_table *t, struct fs_hword h, void *rec);
/* Calls fn once on every record in use; fn may drop the record it is
 * given (and no other). */
typedef void (*fs_sess_each_fn)(void *rec, void *ctx);
void fs_sess_table_each(struct fs_sess_table *t, fs_sess_each_fn fn, void *ctx);
/* The index sound and holding as many records as are used (each found
 * by the caller); 0 when so. */
int fs_sess_table_check(const struct fs_sess_table *t, uint32_t used);

/* ---- state machines ---- */

#define FS_FSM_MAX_STATES 16
#define FS_FSM_MAX_EVENTS 16
#define FS_FSM_ANY ((1u << FS_FSM_MAX_STATES) - 1)	/* every state */
#define FS_FSM_BIT(s) (1u << (s))
#define FS_FSM_STAY 0xff	/* next state: unchanged */

struct fs_fsm_row {
	uint32_t states;	/* FS_FSM_BIT() of each state it applies in */
	uint8_t event;
	uint8_t action;		/* the tracker's own enum */
	uint8_t next;		/* or FS_FSM_STAY */
};

struct fs_fsm {
	const char *name;	/* "bgp", "bfd", "vrrp": starts the log line */
	const struct fs_fsm_row *rows;
	unsigned n_rows;
	unsigned n_states, n_events;
	const char *const *state_names;	/* n_states of them */
	const char *const *event_names;	/* n_events */
};

/* Per tracker and machine: steps taken, pairs not expected. */
struct fs_fsm_counts {
	uint64_t steps, unexpected;
	uint64_t pair[FS_FSM_MAX_STATES][FS_FSM_MAX_EVENTS];
	struct fs_ratelimit rl;
};

void fs_fsm_counts_init(struct fs_fsm_counts *c);

/* Writes the subject of a log line ("10.0.0.1-10.0.0.2 vlan 10"). */
typedef void (*fs_fsm_subject_fn)(char *buf, unsigned len, const void *ctx);

/*
 * The first row for (*state, event): stores its next state and returns
 * its action. Without a row: counts the pair, logs "NAME SUBJECT: event
 * E not expected in state S" (rate-limited), leaves *state and returns
 * -1.
 */
int fs_fsm_step(const struct fs_fsm *m, struct fs_fsm_counts *c,
		uint8_t *state, unsigned event, fs_fsm_subject_fn subject,
		const void *subject_ctx, int64_t now_us);

/* 0 when every row names states, an event and a next state the machine
 * has and no two rows answer the same pair; -1 otherwise (tests). */
int fs_fsm_check(const struct fs_fsm *m);

/* Calls fn for each pair counted unexpected, in (state, event) order. */
typedef void (*fs_fsm_pair_fn)(const struct fs_fsm *m, unsigned state,
			       unsigned event, uint64_t n, void *ctx);
void fs_fsm_foreach_unexpected(const struct fs_fsm *m,
			       const struct fs_fsm_counts *c,
			       fs_fsm_pair_fn fn, void *ctx);
/* For the --sessions tables: "\nWHAT (state, event) pairs not expected:
 * N" and a line per pair; nothing when there were none. */
void fs_fsm_print_unexpected(const struct fs_fsm *m,
			     const struct fs_fsm_counts *c, const char *what,
			     FILE *f);

/* ---- capture gaps (unseen.c) ---- */

/* A silence of silent_ms up to ts_us the capture could not have seen
 * through: it overlaps a blind span of g (NULL: none). */
bool fs_sess_unseen(const struct fs_gaps *g, int64_t ts_us, uint32_t silent_ms);

#endif
