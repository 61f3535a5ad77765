/* Tracker internals shared by the files of src/fhrp (not a public API). */
#ifndef FLOODSPOT_FHRP_PRIV_H
#define FLOODSPOT_FHRP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/fhrp.h"
#include "floodspot/hash.h"

#define FS_FHRP_USEC 1000000LL
/* Groups not heard from for this long are forgotten. */
#define FS_FHRP_FORGET_US (600 * FS_FHRP_USEC)

struct fs_fhrp_speaker {
	bool used;
	uint8_t ip[16];
	uint8_t mac[6];
	uint32_t priority;
	uint8_t carp_demote;
	uint8_t hsrp_state;
	uint32_t interval_ms, hold_ms;
	uint64_t adverts;
	int64_t last_us;
};

struct fs_fhrp_group {
	bool used;
	struct fs_seg seg;
	uint8_t proto;
	uint8_t ip_version;
	uint16_t group;
	uint8_t state;		/* enum fs_fhrp_state */
	int8_t master;		/* speaker index, -1: none */
	int8_t contender;	/* while CONTENDED */
	struct fs_fhrp_speaker sp[FS_FHRP_SPEAKERS];
	uint8_t n_vips;
	uint8_t vip[16];
	struct fs_arrivals t;	/* the master's adverts */
	int64_t first_us, last_us, since_us;
	uint64_t changes, late_total, judged_total;
	uint8_t last_cause;
	int64_t last_change_us;
	uint64_t unexpected;
};

struct fs_fhrp {
	struct fs_fhrp_config cfg;
	struct fs_event_bus *bus;
	const struct fs_gaps *gaps;	/* may be NULL */
	struct fs_hkey hkey;
	struct fs_sess_table tab;	/* struct fs_fhrp_group records */
	struct fs_fhrp_group *grp;	/* = tab.recs */
	struct fs_fhrp_msg msg;
	int64_t now_us;
	struct fs_fsm_counts fsm;
	struct fs_fhrp_stats st;
};

/* fsm.c */
/* An advert (hello) from speaker i of g, whose fields are the packet's
 * already. */
void fs_fhrp_advert(struct fs_fhrp *f, struct fs_fhrp_group *g, int i,
		    const struct fs_fhrp_msg *m, int64_t ts);
/* Overdue adverts, a master silent past its master-down interval. */
void fs_fhrp_group_tick(struct fs_fhrp *f, struct fs_fhrp_group *g,
			int64_t now_us);

#endif
