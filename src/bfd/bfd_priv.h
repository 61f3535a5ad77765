/* Tracker internals shared by the files of src/bfd (not a public API). */
#ifndef FLOODSPOT_BFD_PRIV_H
#define FLOODSPOT_BFD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/bfd.h"
#include "floodspot/hash.h"

#define FS_BFD_USEC 1000000LL
/* Sessions not heard from for this long are forgotten. */
#define FS_BFD_FORGET_US (600 * FS_BFD_USEC)

struct fs_bfd_end {
	uint8_t ip[16];
	uint16_t port;
	uint8_t state;		/* FS_BFD_END_* scale */
	uint8_t reported;	/* the state its last packet gave */
	uint8_t diag;
	uint32_t my_disc, your_disc;
	uint32_t desired_min_tx_us, required_min_rx_us;
	uint8_t mult, flags;
	struct fs_arrivals t;
	uint64_t packets, late_total, judged_total;
	int64_t last_us;
};

struct fs_bfd_sess {
	bool used;
	struct fs_seg seg;
	uint8_t ip_version;
	uint16_t port;
	struct fs_bfd_end end[2];
	bool up;
	int64_t first_us, last_us, since_us;
	uint64_t ups, downs;
	int64_t last_down_us;
	char last_down_reason[64];
	uint64_t unexpected;
};

struct fs_bfd {
	struct fs_bfd_config cfg;
	struct fs_event_bus *bus;
	const struct fs_gaps *gaps;	/* may be NULL */
	struct fs_hkey hkey;
	struct fs_sess_table tab;	/* struct fs_bfd_sess records */
	struct fs_bfd_sess *sess;	/* = tab.recs */
	struct fs_bfd_msg msg;
	int64_t now_us;
	struct fs_fsm_counts fsm;
	struct fs_bfd_stats st;
};

enum fs_bfd_event {
	FS_BFD_EV_ADMIN_DOWN,	/* RX: an end reports its state */
	FS_BFD_EV_DOWN,
	FS_BFD_EV_INIT,
	FS_BFD_EV_UP,
	FS_BFD_EV_SILENT,	/* inferred: past its detection time */
	FS_BFD_EVENTS
};

/* fsm.c */
/* A control packet from end i of s, parsed and checked. */
void fs_bfd_end_packet(struct fs_bfd *b, struct fs_bfd_sess *s, int i,
		       const struct fs_pkt *p, const struct fs_bfd_msg *m);
/* Overdue packets and silent ends of s at now_us. */
void fs_bfd_end_tick(struct fs_bfd *b, struct fs_bfd_sess *s, int64_t now_us);
/* The agreed interval of end i (0: it need not send), and its peer's
 * detection time for it. */
int64_t fs_bfd_interval_us(const struct fs_bfd_sess *s, int i);
int64_t fs_bfd_detect_us(const struct fs_bfd_sess *s, int i);

#endif
