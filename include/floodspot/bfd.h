/*
 * Passive BFD tracker (RFC 5880 asynchronous mode, RFC 5881 single hop,
 * RFC 5883 multihop, RFC 7130 LAG members): sessions by (segment, port,
 * the two addresses) with each end's discriminator, reported state and
 * diagnostic, desired and required intervals and detect multiplier. Each
 * end's control packets are timed against its agreed transmit interval
 * (the greater of its Desired Min TX and the peer's Required Min RX); an
 * end silent past its detection time (its detect multiplier times that
 * interval) is what its peer is about to declare down.
 *
 * Each end's reported state moves by a table; the session is up while
 * an end reports Up and neither reports otherwise or has gone silent.
 * Emits FS_EV_SESSION (proto BFD; states are enum fs_bfd_state, the
 * diagnostic in code) and FS_EV_SESSION_LATE, stamped with packet time.
 *
 * Known gap: micro-BFD sessions of one LAG (UDP 6784) share their
 * addresses, so members are not told apart.
 */
#ifndef FLOODSPOT_BFD_H
#define FLOODSPOT_BFD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/bfd_msg.h"
#include "floodspot/event.h"
#include "floodspot/pkt.h"
#include "floodspot/session.h"

struct fs_bfd_config {
	/* A packet later than the agreed interval * (1 + ratio) is late
	 * (senders only shorten it, RFC 5880 6.8.7). */
	float late_ratio;		/* default 0.25 */
	uint32_t max_sessions;		/* default 1024 */
	/* An end silent past its detection time is declared gone this long
	 * after (at the detection time itself), if its peer has not said
	 * so first. */
	uint32_t silent_grace_ms;	/* default 500 */
};

struct fs_bfd_stats {
	uint64_t packets;
	uint64_t malformed;
	uint64_t malformed_by_reason[FS_BFD_R_COUNT];
	uint64_t disc_changes;		/* an end restarted with a new one */
	uint64_t disc_mismatch;		/* Your Discriminator not the peer's */
	uint64_t sessions_full;
	uint64_t sessions_evicted;
	uint64_t fsm_unexpected;
};

/* An end's state as the table keeps it: the four of RFC 5880, and two
 * for what the wire did not say. */
#define FS_BFD_END_NONE 4	/* never heard */
#define FS_BFD_END_SILENT 5	/* heard, then silent past its detection */
#define FS_BFD_END_STATES 6

/* "admin_down", "down", "init", "up", "none", "silent". */
const char *fs_bfd_end_state_name(unsigned s);

struct fs_bfd_end_view {
	uint8_t ip[16];
	uint16_t port;			/* its source port */
	uint8_t state;			/* FS_BFD_END_* scale */
	uint8_t diag;
	uint32_t my_disc, your_disc;
	uint32_t desired_min_tx_us, required_min_rx_us;
	uint8_t detect_mult;
	uint8_t flags;			/* FS_BFD_FLAG_* of its last packet */
	uint32_t interval_us;		/* agreed: what it is judged against */
	uint32_t detect_us;		/* its peer's detection time for it */
	const struct fs_arrivals *timing;	/* valid in the callback */
	uint64_t packets;
	uint64_t late_total, judged_total;	/* across restarts */
	int64_t last_us;
};

struct fs_bfd_session_view {
	struct fs_seg seg;
	uint8_t ip_version;
	uint16_t port;			/* 3784, 4784 or 6784 */
	struct fs_bfd_end_view end[2];	/* lower address first */
	bool up;
	int64_t since_us;
	uint64_t ups, downs;
	int64_t last_down_us;
	char last_down_reason[64];
	uint64_t unexpected;
};

struct fs_bfd;

void fs_bfd_config_defaults(struct fs_bfd_config *cfg);
struct fs_bfd *fs_bfd_create(const struct fs_bfd_config *cfg,
			     struct fs_event_bus *bus);
void fs_bfd_destroy(struct fs_bfd *b);
/* Capture gaps (NULL: none): a loss or lateness whose silence overlaps
 * one is marked unseen. */
void fs_bfd_set_gaps(struct fs_bfd *b, const struct fs_gaps *gaps);
size_t fs_bfd_memory(const struct fs_bfd_config *cfg);

/* A decoded packet with p->route == FS_ROUTE_BFD and its parse. */
void fs_bfd_message(struct fs_bfd *b, const struct fs_pkt *p,
		    const struct fs_bfd_msg *m);
/* The same, parsing it from frame first. */
void fs_bfd_packet(struct fs_bfd *b, const struct fs_pkt *p,
		   const uint8_t *frame);
/* As packet time advances: overdue packets, silent ends, forgetting. */
void fs_bfd_tick(struct fs_bfd *b, int64_t now_us);
/* A replay joined two unrelated stretches of wire (a re-based clock
 * step): every session is forgotten, none told lost. */
void fs_bfd_forget(struct fs_bfd *b);

typedef void (*fs_bfd_session_fn)(const struct fs_bfd_session_view *s,
				  void *ctx);
void fs_bfd_foreach(const struct fs_bfd *b, fs_bfd_session_fn fn, void *ctx);
void fs_bfd_print_table(const struct fs_bfd *b, FILE *f);
void fs_bfd_stats(const struct fs_bfd *b, struct fs_bfd_stats *st);
const struct fs_fsm *fs_bfd_fsm(void);
int fs_bfd_check(const struct fs_bfd *b);

#endif
