/* Tracker internals shared by the files of src/bgp (not a public API). */
#ifndef FLOODSPOT_BGP_PRIV_H
#define FLOODSPOT_BGP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/bgp.h"
#include "floodspot/hash.h"

#define FS_BGP_USEC 1000000LL
/* Sessions not established are forgotten after this long quiet. */
#define FS_BGP_FORGET_US (600 * FS_BGP_USEC)
/* Hold time assumed for a session picked up mid-way whose keepalive
 * interval is not learned yet (RFC 4271 10 suggests 90 s; most
 * implementations default to 180 s). */
#define FS_BGP_HOLD_UNKNOWN_US (180 * FS_BGP_USEC)
/* A second connection that never gets established is dropped after the
 * largest hold time an OPEN can propose... but 240 s is what OpenSent
 * allows (RFC 4271 8: a large HoldTimer value). */
#define FS_BGP_PENDING_US (240 * FS_BGP_USEC)
/* The same segment twice within this: a mirrored copy. */
#define FS_BGP_COPY_US 20000

/* One direction's byte stream, as far as framing needs it. */
struct fs_bgp_stream {
	uint32_t next_seq;	/* the next byte expected */
	bool seq_known;
	bool synced;		/* at a message boundary we trust */
	bool fin;
	uint8_t hdr_n;		/* header bytes held while it is split */
	uint8_t hdr[FS_BGP_HDR_LEN];
	uint16_t msg_len;	/* message being collected in buf; 0: none */
	uint16_t have;
	uint32_t buf;		/* pool buffer + 1; 0: none */
	uint32_t skip;		/* bytes still to pass of a message not kept */
	uint32_t last_seq, last_len;	/* the previous segment, for copies */
	int64_t last_ts;
};

/* One TCP connection of a session; sides as the session's. */
struct fs_bgp_conn {
	bool used;
	uint16_t port[2];
	uint8_t state;		/* enum fs_bgp_state */
	bool fresh;		/* no SYN, OPEN, NOTIFICATION or FIN yet */
	bool done;		/* closed, or replaced: freed after the packet */
	bool open_seen[2];
	bool msg_seen[2];	/* any message from that side */
	int64_t since_us, last_us;
	struct fs_bgp_stream st[2];
};

struct fs_bgp_side {
	uint8_t ip[16];
	bool open_seen;
	uint32_t as, bgp_id;
	uint16_t hold_s;
	uint32_t caps;
	uint8_t add_path_v4;
	struct fs_arrivals ka;
	bool ka_learned;
	int64_t last_msg_us;
	uint64_t messages, keepalives, updates, announced, withdrawn;
	uint64_t notifications;
	uint8_t last_code, last_subcode;
};

struct fs_bgp_sess {
	bool used;
	struct fs_seg seg;
	uint8_t ip_version;
	struct fs_bgp_side side[2];
	/* conn[cur] is the session's connection; the other slot holds a
	 * newer one until it is established (then it takes over) or closed.
	 * Slots never move, so a message being handled keeps its own. */
	struct fs_bgp_conn conn[2];
	uint8_t cur;
	int64_t first_us, last_us;
	int64_t hold_us;	/* negotiated or inferred; 0: none */
	uint16_t hold_s;	/* negotiated, as in the OPENs */
	bool midstream;
	uint64_t ups, downs;
	int64_t last_down_us;
	char last_down_reason[64];
	uint32_t upd_cur, upd_last, wd_cur, wd_last;
	uint64_t unexpected;
};

struct fs_bgp {
	struct fs_bgp_config cfg;
	struct fs_event_bus *bus;
	const struct fs_gaps *gaps;	/* may be NULL */
	struct fs_hkey hkey;
	struct fs_sess_table tab;	/* struct fs_bgp_sess records */
	struct fs_bgp_sess *sess;	/* = tab.recs */
	/* message buffers: FS_BGP_MAX_LEN bytes each, and who holds them */
	uint8_t *bufs;
	uint32_t *buf_free;
	uint32_t n_free;
	struct fs_bgp_msg *msg;	/* the parse, reused */
	int64_t now_us;
	int64_t second_us;	/* start of the second being counted */
	struct fs_fsm_counts fsm;
	struct fs_bgp_stats st;
};

/* Where a message came from: handed from the stream to the FSM. */
struct fs_bgp_where {
	struct fs_bgp_sess *s;
	struct fs_bgp_conn *c;
	int side;
	int64_t ts;
};

/* stream.c */
void fs_bgp_stream_init(struct fs_bgp_stream *st);
/* A SYN: the stream starts at seq + 1, at a message boundary. */
void fs_bgp_stream_syn(struct fs_bgp_stream *st, uint32_t seq);
/* n payload bytes at seq: messages completed are handed to fs_bgp_msg. */
void fs_bgp_stream_segment(struct fs_bgp *b, const struct fs_bgp_where *w,
			   uint32_t seq, const uint8_t *d, uint32_t n);
/* Gives back a buffer the stream holds (connection reset or gone). */
void fs_bgp_stream_release(struct fs_bgp *b, struct fs_bgp_stream *st);

/* fsm.c */
/*
 * One message: whole (len bytes, parsed here) or, when it could not be
 * kept, its header only (whole false: counted by type, not parsed).
 */
void fs_bgp_msg(struct fs_bgp *b, const struct fs_bgp_where *w,
		const uint8_t *msg, uint32_t len, bool whole);
/* TCP events of a connection: FS_BGP_EV_SYN, _SYNACK, _FIN, _RST. */
void fs_bgp_tcp_event(struct fs_bgp *b, const struct fs_bgp_where *w,
		      unsigned event);
/* A direction silent past the hold time, with nothing closing it. */
void fs_bgp_hold_expired(struct fs_bgp *b, struct fs_bgp_sess *s, int side,
			 int64_t expiry_us);
/* Tells each side's keepalive the moment it is overdue. */
void fs_bgp_check_overdue(struct fs_bgp *b, struct fs_bgp_sess *s,
			  int64_t now_us);
/* The keepalive interval each side is judged against, from the hold
 * time or what was learned. */
void fs_bgp_set_expect(struct fs_bgp *b, struct fs_bgp_sess *s);

enum fs_bgp_event {
	FS_BGP_EV_SYN,
	FS_BGP_EV_SYNACK,
	FS_BGP_EV_OPEN,		/* the first OPEN of the connection */
	FS_BGP_EV_OPEN_PEER,	/* the other side's, completing the pair */
	FS_BGP_EV_KEEPALIVE,
	FS_BGP_EV_UPDATE,
	FS_BGP_EV_REFRESH,
	FS_BGP_EV_NOTIFICATION,
	FS_BGP_EV_FIN,
	FS_BGP_EV_RST,
	FS_BGP_EV_HOLD_EXPIRED,	/* inferred from silence */
	FS_BGP_EV_MIDSTREAM,	/* messages both ways, no OPEN ever seen */
	FS_BGP_EVENTS
};

static inline struct fs_bgp_conn *fs_bgp_cur(struct fs_bgp_sess *s)
{
	return &s->conn[s->cur];
}

static inline struct fs_bgp_conn *fs_bgp_other(struct fs_bgp_sess *s)
{
	return &s->conn[1 - s->cur];
}

/* tracker.c */
void fs_bgp_emit(struct fs_bgp *b, struct fs_event *ev);
void fs_bgp_conn_reset(struct fs_bgp *b, struct fs_bgp_conn *c,
		       const uint16_t port[2], int64_t ts);
void fs_bgp_conn_free(struct fs_bgp *b, struct fs_bgp_conn *c);
uint8_t *fs_bgp_buf(struct fs_bgp *b, uint32_t slot);
uint32_t fs_bgp_buf_get(struct fs_bgp *b);
void fs_bgp_buf_put(struct fs_bgp *b, uint32_t slot);

#endif
