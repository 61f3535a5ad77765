/*
 * BFD control packets (RFC 5880 4.1) parsed into a fixed-size struct.
 * Decode recognises UDP 3784 (single hop, RFC 5881), 4784 (multihop, RFC
 * 5883) and 6784 (micro-BFD on LAG members, RFC 7130) in fs_pkt.route;
 * the BFD tracker asks for the parse.
 */
#ifndef FLOODSPOT_BFD_MSG_H
#define FLOODSPOT_BFD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/pkt.h"

enum fs_bfd_state {
	FS_BFD_ADMIN_DOWN,
	FS_BFD_DOWN,
	FS_BFD_INIT,
	FS_BFD_UP,
};

/* "admin_down", "down", "init", "up". */
const char *fs_bfd_state_name(enum fs_bfd_state s);

/* Diagnostic codes, RFC 5880 4.1 (9: RFC 6428). */
enum fs_bfd_diag {
	FS_BFD_DIAG_NONE,
	FS_BFD_DIAG_DETECTION_EXPIRED,	/* control detection time expired */
	FS_BFD_DIAG_ECHO_FAILED,
	FS_BFD_DIAG_NEIGHBOR_DOWN,	/* neighbor signaled session down */
	FS_BFD_DIAG_FORWARDING_RESET,
	FS_BFD_DIAG_PATH_DOWN,
	FS_BFD_DIAG_CONCAT_PATH_DOWN,
	FS_BFD_DIAG_ADMIN_DOWN,
	FS_BFD_DIAG_REVERSE_CONCAT_PATH_DOWN,
	FS_BFD_DIAG_MISCONNECTIVITY,
};

#define FS_BFD_NAME_BUF 16

/* "control_detection_time_expired", ...; others as their number. */
const char *fs_bfd_diag_name(uint8_t diag, char buf[FS_BFD_NAME_BUF]);

/* Flags after the state bits. */
#define FS_BFD_FLAG_P 0x20	/* poll */
#define FS_BFD_FLAG_F 0x10	/* final */
#define FS_BFD_FLAG_C 0x08	/* control plane independent */
#define FS_BFD_FLAG_A 0x04	/* authentication present */
#define FS_BFD_FLAG_D 0x02	/* demand */
#define FS_BFD_FLAG_M 0x01	/* multipoint, must be zero */

enum fs_bfd_auth {
	FS_BFD_AUTH_NONE,
	FS_BFD_AUTH_SIMPLE,		/* password, never kept */
	FS_BFD_AUTH_KEYED_MD5,
	FS_BFD_AUTH_METICULOUS_MD5,
	FS_BFD_AUTH_KEYED_SHA1,
	FS_BFD_AUTH_METICULOUS_SHA1,
};

/* Why a control packet was refused: the checks of RFC 5880 6.8.6 that
 * need no session state, and the authentication section's bounds. */
enum fs_bfd_reason {
	FS_BFD_R_OK,
	FS_BFD_R_SHORT,		/* fewer than 24 bytes */
	FS_BFD_R_TRUNCATED,	/* cut by the snaplen: our side */
	FS_BFD_R_BAD_VERSION,	/* not 1 */
	FS_BFD_R_BAD_LENGTH,	/* below 24 (26 with A) or past the payload */
	FS_BFD_R_ZERO_MULT,	/* detect multiplier 0 */
	FS_BFD_R_MULTIPOINT,	/* M bit set */
	FS_BFD_R_ZERO_MY_DISC,
	FS_BFD_R_ZERO_YOUR_DISC,	/* your discriminator 0 in Init or Up */
	FS_BFD_R_BAD_AUTH,	/* section past the length, or wrong length
				 * for its type */
	FS_BFD_R_COUNT
};

const char *fs_bfd_reason_name(enum fs_bfd_reason r);

struct fs_bfd_msg {
	uint8_t reason;		/* enum fs_bfd_reason */
	uint8_t version;
	uint8_t diag;		/* enum fs_bfd_diag */
	uint8_t state;		/* enum fs_bfd_state */
	uint8_t flags;		/* FS_BFD_FLAG_* */
	uint8_t detect_mult;
	uint8_t length;
	uint32_t my_disc, your_disc;
	uint32_t desired_min_tx_us;
	uint32_t required_min_rx_us;
	uint32_t required_min_echo_rx_us;
	/* With the A bit: the section's type, length, key id and, for the
	 * MD5 and SHA1 types, its sequence number. No secret is kept. */
	uint8_t auth_type;	/* enum fs_bfd_auth */
	uint8_t auth_len;
	uint8_t auth_key_id;
	uint32_t auth_seq;
};

/*
 * Parses one control packet of len bytes (the UDP payload); snap_cut
 * when the snaplen cut it. Fields read before a failure stay filled.
 * Returns and stores m->reason.
 */
enum fs_bfd_reason fs_bfd_parse(const uint8_t *buf, size_t len,
				bool snap_cut, struct fs_bfd_msg *m);
/* The same for a decoded packet with fs_pkt.route == FS_ROUTE_BFD. */
enum fs_bfd_reason fs_bfd_parse_pkt(const struct fs_pkt *p,
				    const uint8_t *frame,
				    struct fs_bfd_msg *m);

#endif
