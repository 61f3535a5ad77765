/*
 * Passive first-hop redundancy tracker: VRRP v2/v3 (RFC 3768, 5798),
 * CARP and HSRP v1/v2 (RFC 2281) groups by (segment, protocol, IP
 * version, group). Who is master (for HSRP: the Active router), its
 * priority and advert interval, the lateness of its adverts, and each
 * change of master with its cause: the old master silent past the
 * master-down interval (hold time), preempted by a higher priority (an
 * HSRP Coup), resigned (priority 0, HSRP Resign), lost with no
 * successor; two masters at once is told too. The group's state moves by
 * a table of (state, event).
 *
 * Emits FS_EV_FHRP_MASTER and FS_EV_SESSION_LATE (proto FHRP), stamped
 * with packet time.
 */
#ifndef FLOODSPOT_FHRP_H
#define FLOODSPOT_FHRP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/event.h"
#include "floodspot/fhrp_msg.h"
#include "floodspot/pkt.h"
#include "floodspot/session.h"

struct fs_fhrp_config {
	float late_ratio;		/* default 0.25 */
	uint32_t max_groups;		/* default 1024 */
	/* A master silent past its master-down interval with no successor
	 * is declared lost this long after (at the interval's end). */
	uint32_t silent_grace_ms;	/* default 500 */
};

enum fs_fhrp_cause {
	FS_FHRP_CAUSE_NONE,
	FS_FHRP_CAUSE_FIRST,	/* the first master seen */
	FS_FHRP_CAUSE_SILENT,	/* the old master fell silent */
	FS_FHRP_CAUSE_PREEMPT,	/* a higher priority took over */
	FS_FHRP_CAUSE_RESIGNED,	/* the old master gave up */
	FS_FHRP_CAUSE_LOST,	/* silent, and nobody took over */
	FS_FHRP_CAUSE_RETURNED,	/* the lost master came back */
	FS_FHRP_CAUSE_DUAL,	/* a second master while the first lives */
	FS_FHRP_CAUSES
};

/* "first_seen", "master_silent", "preempted", "resigned", "master_lost",
 * "master_returned", "dual_master". */
const char *fs_fhrp_cause_name(unsigned c);

/* A group's state as the table keeps it. */
enum fs_fhrp_state {
	FS_FHRP_NONE,		/* no master seen yet */
	FS_FHRP_MASTER,
	FS_FHRP_RESIGNING,	/* the master said it gives up */
	FS_FHRP_CONTENDED,	/* two masters advertising */
	FS_FHRP_LOST,		/* the master fell silent, none took over */
	FS_FHRP_STATES
};

const char *fs_fhrp_state_name(unsigned s);

struct fs_fhrp_stats {
	uint64_t packets;
	uint64_t malformed;
	uint64_t malformed_by_reason[FS_FHRP_R_COUNT];
	uint64_t bad_checksum;		/* VRRP/CARP adverts: counted, used */
	uint64_t not_claims;		/* HSRP hellos of a standby or speaker */
	uint64_t groups_full;
	uint64_t groups_evicted;
	uint64_t speakers_replaced;	/* more speakers than a group keeps */
	uint64_t fsm_unexpected;
};

/* Speakers kept per group: the master, contenders and HSRP standbys. */
#define FS_FHRP_SPEAKERS 4

struct fs_fhrp_speaker_view {
	uint8_t ip[16];
	uint8_t mac[6];
	uint32_t priority;
	uint8_t hsrp_state;		/* enum fs_hsrp_state; HSRP only */
	uint32_t interval_ms;
	uint64_t adverts;
	int64_t last_us;
};

struct fs_fhrp_group_view {
	struct fs_seg seg;
	uint8_t proto;			/* enum fs_fhrp_proto */
	uint8_t ip_version;
	uint16_t group;
	enum fs_fhrp_state state;
	int master;			/* index into speaker, -1: none */
	struct fs_fhrp_speaker_view speaker[FS_FHRP_SPEAKERS];
	unsigned n_speakers;
	uint8_t n_vips;
	uint8_t vip[16];		/* the first virtual address */
	const struct fs_arrivals *timing;	/* the master's adverts */
	int64_t since_us;		/* of the master */
	uint64_t changes;		/* masters after the first */
	uint64_t late_total, judged_total;
	uint8_t last_cause;		/* enum fs_fhrp_cause */
	int64_t last_change_us;
	uint64_t unexpected;
};

struct fs_fhrp;

void fs_fhrp_config_defaults(struct fs_fhrp_config *cfg);
struct fs_fhrp *fs_fhrp_create(const struct fs_fhrp_config *cfg,
			       struct fs_event_bus *bus);
void fs_fhrp_destroy(struct fs_fhrp *f);
/* Capture gaps (NULL: none): a loss or lateness whose silence overlaps
 * one is marked unseen. */
void fs_fhrp_set_gaps(struct fs_fhrp *f, const struct fs_gaps *gaps);
size_t fs_fhrp_memory(const struct fs_fhrp_config *cfg);

/* A decoded VRRP, CARP or HSRP packet and its parse. */
void fs_fhrp_message(struct fs_fhrp *f, const struct fs_pkt *p,
		     const struct fs_fhrp_msg *m);
void fs_fhrp_packet(struct fs_fhrp *f, const struct fs_pkt *p,
		    const uint8_t *frame);
void fs_fhrp_tick(struct fs_fhrp *f, int64_t now_us);
/* A replay joined two unrelated stretches of wire (a re-based clock
 * step): every session is forgotten, none told lost. */
void fs_fhrp_forget(struct fs_fhrp *f);

typedef void (*fs_fhrp_group_fn)(const struct fs_fhrp_group_view *g,
				 void *ctx);
void fs_fhrp_foreach(const struct fs_fhrp *f, fs_fhrp_group_fn fn, void *ctx);
void fs_fhrp_print_table(const struct fs_fhrp *f, FILE *out);
void fs_fhrp_stats(const struct fs_fhrp *f, struct fs_fhrp_stats *st);
const struct fs_fsm *fs_fhrp_fsm(void);
int fs_fhrp_check(const struct fs_fhrp *f);

#endif
