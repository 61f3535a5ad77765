/*
 * BGP-4 messages (RFC 4271) parsed into fixed-size structs, no pointer
 * into the bytes. Decode only recognises TCP port 179 (fs_pkt.route);
 * the BGP tracker reassembles each direction of a session as far as the
 * message framing needs, finds message boundaries with fs_bgp_frame()
 * and parses each whole message with fs_bgp_parse().
 */
#ifndef FLOODSPOT_BGP_MSG_H
#define FLOODSPOT_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FS_BGP_HDR_LEN 19	/* marker 16, length 2, type 1 */
#define FS_BGP_MAX_LEN 4096	/* RFC 4271; RFC 8654 extended messages
				 * allow up to 65535 except OPEN/KEEPALIVE */
#define FS_BGP_AS_TRANS 23456	/* RFC 6793: "My AS" of a 4-octet speaker */

enum fs_bgp_type {
	FS_BGP_OPEN = 1,
	FS_BGP_UPDATE = 2,
	FS_BGP_NOTIFICATION = 3,
	FS_BGP_KEEPALIVE = 4,
	FS_BGP_ROUTE_REFRESH = 5,	/* RFC 2918 */
};

/* NOTIFICATION codes a timer's expiry sends (RFC 4271, RFC 9384). */
#define FS_BGP_ERR_HOLD_TIMER_EXPIRED 4
#define FS_BGP_ERR_CEASE 6
#define FS_BGP_CEASE_BFD_DOWN 10	/* RFC 9384 */

/* Text buffers for names of values we do not know, printed as numbers. */
#define FS_BGP_NAME_BUF 16

/* "open", "keepalive", ...; another type as its number in buf. */
const char *fs_bgp_type_name(uint8_t type, char buf[FS_BGP_NAME_BUF]);

/* What is at the start of a byte stream. */
enum fs_bgp_frame {
	FS_BGP_FRAME_OK,	/* a header: the message is *msg_len bytes
				 * (possibly more than are there yet) */
	FS_BGP_FRAME_NEED_MORE,	/* fewer than 19 bytes, marker intact so far */
	FS_BGP_FRAME_BAD_MARKER,	/* not all ones: out of sync */
	FS_BGP_FRAME_BAD_LENGTH,	/* length field below 19 */
};

/*
 * Frames the message at the start of buf (len bytes of a reassembled
 * stream). Checks the marker (RFC 4271 4.1) and that the length covers
 * the header; the length's upper bound and the type are the parser's.
 */
enum fs_bgp_frame fs_bgp_frame(const uint8_t *buf, size_t len,
			       uint16_t *msg_len);

/* Why fs_bgp_parse() refused a message. Fields read before the failure
 * stay filled (an OPEN with a bad version still has its AS). */
enum fs_bgp_reason {
	FS_BGP_R_OK,
	FS_BGP_R_SHORT,		/* buffer shorter than the header or than
				 * the length field says */
	FS_BGP_R_BAD_MARKER,
	FS_BGP_R_BAD_LENGTH,	/* below 19, or wrong for the type */
	FS_BGP_R_BAD_TYPE,
	FS_BGP_R_BAD_VERSION,	/* OPEN version other than 4 */
	FS_BGP_R_OPEN_PARAMS,	/* optional parameters do not fit */
	FS_BGP_R_CAPABILITY,	/* a capability does not fit its parameter,
				 * or has the wrong length for its code */
	FS_BGP_R_WITHDRAWN,	/* withdrawn routes past the message or
				 * not whole prefixes */
	FS_BGP_R_ATTRS,		/* path attributes past the message or not
				 * whole attributes */
	FS_BGP_R_NLRI,		/* NLRI not whole prefixes */
	FS_BGP_R_MP_ATTR,	/* MP_REACH/MP_UNREACH_NLRI inconsistent */
	FS_BGP_R_COUNT
};

const char *fs_bgp_reason_name(enum fs_bgp_reason r);

/* Capabilities advertised in an OPEN (RFC 5492), one bit each. */
#define FS_BGP_CAP_MP (1u << 0)			/* 1, RFC 4760 */
#define FS_BGP_CAP_ROUTE_REFRESH (1u << 1)	/* 2 (and Cisco's 128) */
#define FS_BGP_CAP_ORF (1u << 2)		/* 3, RFC 5291 */
#define FS_BGP_CAP_EXT_NEXTHOP (1u << 3)	/* 5, RFC 8950 */
#define FS_BGP_CAP_EXT_MESSAGE (1u << 4)	/* 6, RFC 8654 */
#define FS_BGP_CAP_ROLE (1u << 5)		/* 9, RFC 9234 */
#define FS_BGP_CAP_GRACEFUL_RESTART (1u << 6)	/* 64, RFC 4724 */
#define FS_BGP_CAP_AS4 (1u << 7)		/* 65, RFC 6793 */
#define FS_BGP_CAP_ADD_PATH (1u << 8)		/* 69, RFC 7911 */
#define FS_BGP_CAP_ENHANCED_RR (1u << 9)	/* 70, RFC 7313 */
#define FS_BGP_CAP_LLGR (1u << 10)		/* 71, RFC 9494 */
#define FS_BGP_CAP_FQDN (1u << 11)		/* 73 */
#define FS_BGP_CAP_OTHER (1u << 31)		/* any other code */

/* ADD-PATH send/receive (RFC 7911 4) for IPv4 and IPv6 unicast. */
#define FS_BGP_ADD_PATH_RECEIVE 1
#define FS_BGP_ADD_PATH_SEND 2

struct fs_bgp_open {
	uint8_t version;
	uint16_t my_as;		/* AS_TRANS when the AS needs 4 octets */
	uint16_t hold_time;	/* seconds; 0 = no keepalives */
	uint32_t bgp_id;
	uint16_t opt_len;	/* optional parameters (RFC 9072 extended) */
	bool opt_extended;
	uint32_t as4;		/* from the 4-octet AS capability */
	uint32_t caps;		/* FS_BGP_CAP_* */
	uint8_t n_caps;		/* capabilities seen, saturating */
	uint8_t n_mp;		/* multiprotocol AFI/SAFIs, saturating */
	uint8_t add_path_v4, add_path_v6;	/* FS_BGP_ADD_PATH_* */
	uint16_t gr_restart_time;	/* graceful restart, seconds */
};

/* The speaker's AS: the 4-octet capability when present (RFC 6793). */
uint32_t fs_bgp_open_as(const struct fs_bgp_open *o);

/* Prefix counts: withdrawn routes and NLRI hold IPv4 unicast. */
struct fs_bgp_update {
	uint16_t withdrawn_len, attr_len, nlri_len;
	uint16_t n_withdrawn, n_nlri;
	uint16_t n_attrs;
	uint32_t attrs_seen;	/* bit per attribute type code below 32 */
	/* MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760) */
	uint16_t reach_afi, unreach_afi;
	uint8_t reach_safi, unreach_safi;
	uint16_t n_reach, n_unreach;
	bool reach_counted, unreach_counted;	/* false: an encoding
						 * not counted (EVPN, flowspec) */
	bool add_path;		/* prefixes carried path identifiers */
	bool end_of_rib;	/* RFC 4724 2 */
};

struct fs_bgp_notification {
	uint8_t code, subcode;
	uint16_t data_len;
	/* Cease / Hard Reset (RFC 8538): the code it wraps. */
	bool has_inner;
	uint8_t inner_code, inner_subcode;
	/* Cease / Administrative Shutdown or Reset: the operator's text
	 * (RFC 9003), raw bytes, not terminated, not checked as UTF-8. */
	uint8_t text_len;
	uint8_t text[255];
};

struct fs_bgp_route_refresh {
	uint16_t afi;
	uint8_t subtype;	/* RFC 7313: 0 request, 1 BoRR, 2 EoRR */
	uint8_t safi;
	uint16_t orf_len;	/* RFC 5291 ORF entries after the header */
};

struct fs_bgp_msg {
	uint8_t reason;		/* enum fs_bgp_reason */
	uint8_t type;		/* enum fs_bgp_type */
	uint16_t length;
	union {
		struct fs_bgp_open open;
		struct fs_bgp_update update;
		struct fs_bgp_notification notification;
		struct fs_bgp_route_refresh route_refresh;
	};
};

/* Whether UPDATE prefixes carry ADD-PATH identifiers: known from the two
 * OPENs, or guessed (without first, then with) when they were not seen. */
enum fs_bgp_add_path {
	FS_BGP_PATHS_NO,
	FS_BGP_PATHS_YES,
	FS_BGP_PATHS_GUESS,
};

/*
 * Parses the one message at the start of buf (len bytes, at least its
 * length field's worth; bytes after it are ignored). Returns and stores
 * m->reason.
 */
enum fs_bgp_reason fs_bgp_parse(const uint8_t *buf, size_t len,
				enum fs_bgp_add_path paths,
				struct fs_bgp_msg *m);

/* NOTIFICATION names (RFC 4271 4.5 and the IANA registry), lower case
 * with underscores: "hold_timer_expired", "cease", ...; unknown values
 * as their number in buf. */
const char *fs_bgp_error_name(uint8_t code, char buf[FS_BGP_NAME_BUF]);
/* "administrative_reset", "bad_peer_as", ...; "unspecific" for 0. */
const char *fs_bgp_suberror_name(uint8_t code, uint8_t subcode,
				 char buf[FS_BGP_NAME_BUF]);

#endif
