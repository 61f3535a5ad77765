/*
 * Passive BGP tracker: sessions by (segment, the two speakers' addresses)
 * as far as the wire shows them. OPENs (AS, identifier, hold time; the
 * negotiated hold is the smaller), the messages of each direction timed
 * against its keepalive interval, UPDATE and withdrawal counts,
 * NOTIFICATIONs by name, TCP FIN and RST; the session's state inferred
 * per TCP connection by a table (RFC 4271 8 as seen from outside).
 *
 * Each direction's TCP byte stream is reassembled only as far as BGP
 * framing needs: split and packed messages, retransmissions, and a
 * capture that starts mid-session (resynchronised on the 16-byte marker).
 * Memory is fixed at create: the session table and a pool of message
 * buffers; what does not fit is counted.
 *
 * Emits FS_EV_SESSION (proto BGP) and FS_EV_SESSION_LATE, stamped with
 * packet time.
 */
#ifndef FLOODSPOT_BGP_H
#define FLOODSPOT_BGP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/bgp_msg.h"
#include "floodspot/event.h"
#include "floodspot/pkt.h"
#include "floodspot/session.h"

struct fs_bgp_config {
	/* A direction silent past its keepalive interval * (1 + ratio) is
	 * told late; the margin narrows to its jitter (session.h). */
	float keepalive_late_ratio;	/* default 0.25 */
	uint32_t max_sessions;		/* default 1024 */
	/* Buffers of FS_BGP_MAX_LEN for messages split across segments. */
	uint32_t buffers;		/* default 64 */
	/* A direction silent past the hold time with no NOTIFICATION or FIN
	 * seen: the session is declared lost a tenth of the hold time after
	 * (at least 200 ms, at most this; its time is the expiry itself).
	 * Routers with short hold times run fine timers; the grace covers
	 * their timer granularity and the capture's delivery delay. */
	uint32_t hold_grace_ms;		/* default 1000 */
};

/* A connection's state as seen from outside (RFC 4271 8.2.2 names). */
enum fs_bgp_state {
	FS_BGP_IDLE,
	FS_BGP_CONNECT,		/* TCP SYN seen */
	FS_BGP_OPENSENT,	/* one OPEN seen */
	FS_BGP_OPENCONFIRM,	/* both OPENs */
	FS_BGP_ESTABLISHED,	/* a KEEPALIVE after both OPENs, or a capture
				 * that began mid-session */
	FS_BGP_STATES
};

/* "idle", "connect", "opensent", "openconfirm", "established". */
const char *fs_bgp_state_name(unsigned s);

struct fs_bgp_stats {
	uint64_t segments;		/* TCP segments to or from port 179 */
	uint64_t payload_bytes;
	uint64_t messages;
	uint64_t by_type[6];		/* 1..5; 0: other types */
	uint64_t malformed;		/* fs_bgp_parse refused */
	uint64_t malformed_by_reason[FS_BGP_R_COUNT];
	uint64_t retransmits;		/* data already seen, resent */
	uint64_t copies;		/* the same segment mirrored twice */
	uint64_t holes;			/* data missing before a segment */
	uint64_t hole_bytes;
	uint64_t resyncs;		/* streams found again by the marker */
	uint64_t resync_bytes;		/* skipped while looking */
	uint64_t unparsed_no_buffer;	/* split message, pool empty */
	uint64_t unparsed_too_long;	/* longer than FS_BGP_MAX_LEN */
	uint64_t sessions_full;		/* no room: the segment ignored */
	uint64_t sessions_evicted;	/* a session not established made room */
	uint64_t connections_replaced;	/* a new connection took over */
	uint64_t connections_ignored;	/* a third at once: not followed */
	uint64_t fsm_unexpected;
};

/* One speaker of a session. */
struct fs_bgp_side_view {
	uint8_t ip[16];
	uint16_t port;			/* of the current connection */
	bool open_seen;
	uint32_t as;			/* 4-octet when advertised */
	uint32_t bgp_id;
	uint16_t hold_s;		/* proposed in its OPEN */
	uint32_t keepalive_ms;		/* the interval it is judged against */
	bool keepalive_learned;		/* observed, not hold/3 */
	const struct fs_arrivals *timing;	/* valid in the callback */
	uint64_t messages, keepalives, updates;
	uint64_t announced, withdrawn;	/* prefixes */
	uint64_t notifications;
	uint8_t last_code, last_subcode;	/* its latest NOTIFICATION */
	int64_t last_msg_us;
};

struct fs_bgp_session_view {
	struct fs_seg seg;
	uint8_t ip_version;
	struct fs_bgp_side_view side[2];	/* lower address first */
	enum fs_bgp_state state;
	int64_t since_us;
	uint16_t hold_s;		/* negotiated; 0 unknown or none */
	bool midstream;			/* established before any OPEN seen */
	uint64_t ups, downs;
	int64_t last_down_us;
	char last_down_reason[64];
	uint32_t updates_last_second, withdrawn_last_second;
	uint64_t unexpected;		/* pairs its FSM did not expect */
};

struct fs_bgp;

void fs_bgp_config_defaults(struct fs_bgp_config *cfg);
struct fs_bgp *fs_bgp_create(const struct fs_bgp_config *cfg,
			     struct fs_event_bus *bus);
void fs_bgp_destroy(struct fs_bgp *b);
/* Capture gaps (NULL: none): a loss or lateness whose silence overlaps
 * one is marked unseen. */
void fs_bgp_set_gaps(struct fs_bgp *b, const struct fs_gaps *gaps);
/* Bytes allocated at create: the bound whatever the traffic. */
size_t fs_bgp_memory(const struct fs_bgp_config *cfg);

/*
 * A decoded TCP segment with p->route == FS_ROUTE_BGP. frame is the
 * captured bytes: the payload at p->l4_off is copied into the stream
 * only when a message is split across segments.
 */
void fs_bgp_packet(struct fs_bgp *b, const struct fs_pkt *p,
		   const uint8_t *frame);
/* As packet time advances (every slice): overdue keepalives, expired
 * hold times, per-second counts, forgetting sessions long idle. */
void fs_bgp_tick(struct fs_bgp *b, int64_t now_us);
/* A replay joined two unrelated stretches of wire (a re-based clock
 * step): every session is forgotten, none told lost. */
void fs_bgp_forget(struct fs_bgp *b);

typedef void (*fs_bgp_session_fn)(const struct fs_bgp_session_view *s,
				  void *ctx);
/* In table order (not hash order). */
void fs_bgp_foreach(const struct fs_bgp *b, fs_bgp_session_fn fn, void *ctx);
/* `show bgp summary`-like table for --sessions. */
void fs_bgp_print_table(const struct fs_bgp *b, FILE *f);
void fs_bgp_stats(const struct fs_bgp *b, struct fs_bgp_stats *st);
/* The state machine, for tests and the unexpected-pair names. */
const struct fs_fsm *fs_bgp_fsm(void);
/* Index and records agree, counts within bounds, buffers all owned by
 * one stream or free; 0 when so (tests, fuzzers). */
int fs_bgp_check(const struct fs_bgp *b);

#endif
