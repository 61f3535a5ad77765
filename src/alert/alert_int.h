/* Private to src/alert: formatters, the send queue and the sinks. */
#ifndef FLOODSPOT_ALERT_INT_H
#define FLOODSPOT_ALERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/alert.h"

/* Largest syslog message we build. RFC 5424 6.1: receivers SHOULD accept
 * 2048 octets; anything longer risks silent truncation on the way. */
#define FS_ALERT_SYSLOG_MAX 2048

/* Copies s into out (outlen > 0) with every byte outside printable ASCII
 * replaced by '?': alerts are ASCII so no sink can be broken by them. */
void fs_alert_sanitize(char *out, size_t outlen, const char *s);
/* Writes v as a key=value value: bare when it is 1+ of 0x21..0x7e without
 * '"', '\\' or '=', else quoted with '"' and '\\' backslash-escaped.
 * Returns the length it needs; writes only when that fits in cap. */
size_t fs_alert_kv_value(char *out, size_t cap, const char *v);
/* RFC 5424 syslog severity (0..7) of an alert severity. */
int fs_alert_syslog_level(enum fs_alert_severity sev);

/* Who sends, for the RFC 5424 header and structured data. */
struct fs_alert_origin {
	int facility;		/* LOG_* */
	const char *hostname;	/* HOSTNAME; NULL or "": the NILVALUE */
	long pid;		/* PROCID; <= 0: the NILVALUE */
	const char *sd_id;	/* NAME@PEN for the fields; NULL: MSG only */
	const char *agent;	/* named in summaries as alerts name it; NULL */
};

/* The host part of an agent name ("host/eth0" -> "host"), or
 * gethostname() when name is NULL or empty. */
void fs_alert_hostname(char *out, size_t len, const char *agent_name);
/* RFC 5424 message (no framing, no trailing newline), at most len-1 bytes:
 * the IANA "origin" element, then the fields as o->sd_id. Returns length. */
size_t fs_alert_format_rfc5424(const struct fs_alert *a,
			       const struct fs_alert_origin *o, char *buf,
			       size_t len);
/* What a summary reports: the sink's losses since its last summary. */
struct fs_alert_losses {
	uint64_t queue_full, send_error;
	uint64_t unconfirmed;	/* written, never acknowledged by TCP */
};
/* The summary sent after losses: msgid "alerts-dropped". */
size_t fs_alert_format_dropped(int64_t ts_us, const struct fs_alert_losses *l,
			       const struct fs_alert_origin *o, char *buf,
			       size_t len);
/* RFC 6587 3.4.1 octet counting: "LEN SP MSG". Returns the framed length,
 * or 0 when it does not fit in cap. */
size_t fs_alert_frame_octet(const char *msg, size_t n, char *out, size_t cap);

/* A ring of fixed-size slots allocated once. */
#define FS_ALERT_QUEUE_TAGS 2	/* what a message is: an alert, a summary */
struct fs_alert_queue {
	uint32_t cap, head, count;
	uint32_t slot_size;
	char *data;
	uint32_t *len;
	uint8_t *tag;
	uint32_t n_tag[FS_ALERT_QUEUE_TAGS];	/* messages queued, per tag */
	uint64_t dropped;	/* oldest messages discarded to make room */
};

int fs_alert_queue_init(struct fs_alert_queue *q, uint32_t cap,
			uint32_t slot_size);
void fs_alert_queue_fini(struct fs_alert_queue *q);
/* Appends msg (n <= slot_size). When full, drops the oldest message that is
 * not in flight (a partly written head must stay whole on the stream), or
 * the new one when nothing else can go. Returns 1 when something was
 * dropped, -1 when n is too long, else 0. */
int fs_alert_queue_push(struct fs_alert_queue *q, const char *msg, size_t n,
			bool head_in_flight);
/* The same with a tag (< FS_ALERT_QUEUE_TAGS); when something is dropped,
 * its tag goes to *dropped_tag. */
int fs_alert_queue_push_tag(struct fs_alert_queue *q, const char *msg,
			    size_t n, uint8_t tag, bool head_in_flight,
			    uint8_t *dropped_tag);
/* The oldest message's tag, or -1 when empty. */
int fs_alert_queue_peek_tag(const struct fs_alert_queue *q);
/* The oldest message, or NULL. */
const char *fs_alert_queue_peek(const struct fs_alert_queue *q, size_t *n);
void fs_alert_queue_pop(struct fs_alert_queue *q);

/* Local syslog through a non-blocking datagram socket (syslog_local.c). */
struct fs_alert_local;
struct fs_alert_local *fs_alert_local_create(const char *path, int facility);
void fs_alert_local_send(struct fs_alert_local *l, const struct fs_alert *a,
			 struct fs_alert_sinks_stats *st);
void fs_alert_local_destroy(struct fs_alert_local *l);

/* A collector's URL: udp://, tcp:// (default port 514) or relp:// (2514),
 * HOST or [V6], :PORT 1-65535. 0, or -1 with a message. */
enum fs_alert_proto { FS_ALERT_UDP, FS_ALERT_TCP, FS_ALERT_RELP };
int fs_alert_parse_url(const char *url, enum fs_alert_proto *proto,
		       char *host, size_t hostlen, char *port, size_t portlen,
		       char *err, size_t errlen);

/* Remote RFC 5424 over RELP (relp.c): librelp on a thread of its own
 * behind a bounded queue; the same stats as remote. */
struct fs_alert_relp;
struct fs_alert_relp *fs_alert_relp_create(const char *url, uint32_t queue_len,
					   int facility, const char *agent_name,
					   const char *sd_id, char *err,
					   size_t errlen);
void fs_alert_relp_send(struct fs_alert_relp *r, const struct fs_alert *a);
bool fs_alert_relp_flush(struct fs_alert_relp *r, int timeout_ms);
void fs_alert_relp_stats(struct fs_alert_relp *r,
			 struct fs_alert_sinks_stats *st);
void fs_alert_relp_destroy(struct fs_alert_relp *r);

/* Remote RFC 5424 over UDP or TCP (remote.c). */
struct fs_alert_remote;
struct fs_alert_remote *fs_alert_remote_create(const char *url,
					       uint32_t queue_len, int facility,
					       const char *agent_name,
					       const char *sd_id,
					       char *err, size_t errlen);
void fs_alert_remote_send(struct fs_alert_remote *r, const struct fs_alert *a,
			  int64_t mono_us);
void fs_alert_remote_service(struct fs_alert_remote *r, int64_t mono_us);
int fs_alert_remote_poll_fd(const struct fs_alert_remote *r, short *events);
bool fs_alert_remote_flush(struct fs_alert_remote *r, int timeout_ms);
void fs_alert_remote_stats(const struct fs_alert_remote *r,
			   struct fs_alert_sinks_stats *st);
void fs_alert_remote_destroy(struct fs_alert_remote *r);

/* --exec children (exec.c). */
struct fs_alert_exec;
struct fs_alert_exec *fs_alert_exec_create(const char *cmd);
void fs_alert_exec_run(struct fs_alert_exec *x, const struct fs_alert *a);
void fs_alert_exec_reap(struct fs_alert_exec *x);
void fs_alert_exec_stats(const struct fs_alert_exec *x,
			 struct fs_alert_sinks_stats *st);
void fs_alert_exec_destroy(struct fs_alert_exec *x);

#endif
