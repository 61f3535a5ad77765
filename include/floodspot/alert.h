/*
 * Alerts as a product: a stable key=value vocabulary, a lifecycle (raised,
 * active, cleared) and sinks: syslog(3), remote RFC 5424, JSON lines, exec.
 */
#ifndef FLOODSPOT_ALERT_H
#define FLOODSPOT_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/event.h"

enum fs_alert_state { FS_ALERT_RAISED, FS_ALERT_ACTIVE, FS_ALERT_CLEARED };
enum fs_alert_severity {
	FS_SEV_INFO,
	FS_SEV_NOTICE,
	FS_SEV_WARNING,
	FS_SEV_CRITICAL,
	FS_SEV_COUNT
};

#define FS_ALERT_MAX_FIELDS 24
/* HOST_NAME_MAX, "/", IFNAMSIZ - 1: a default agent name always fits. */
#define FS_ALERT_AGENT_MAX 80
/* The version of the JSON alert object ("schema"): bumped when a field
 * changes meaning or type, not when one is added. */
#define FS_ALERT_JSON_SCHEMA 1

/* How a field's value is typed in JSON (key=value is the same text). */
enum fs_alert_ftype {
	FS_AF_TEXT,	/* a JSON number when it reads as one, else a string */
	FS_AF_LIST,	/* comma-separated: a JSON array of strings */
	FS_AF_BOOL,	/* "yes" / "no": JSON true / false */
};

/* An alert is a rule name, a state and ordered key=value fields. */
struct fs_alert {
	int64_t ts_us;
	enum fs_alert_state state;
	enum fs_alert_severity severity;
	char agent[FS_ALERT_AGENT_MAX + 1];	/* who saw it; "" when unnamed */
	char rule[48];
	char kind[32];		/* "flood-start", "culprit", "hello-late", ... */
	unsigned n_fields;
	struct {
		char key[24];
		char value[96];
		uint8_t type;	/* enum fs_alert_ftype */
	} field[FS_ALERT_MAX_FIELDS];
	char message[160];
};

const char *fs_alert_state_name(enum fs_alert_state s);
const char *fs_alert_severity_name(enum fs_alert_severity s);

/* Appends key=value; silently ignored past FS_ALERT_MAX_FIELDS (counted). */
void fs_alert_add(struct fs_alert *a, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A list field: items joined with ',' (an item holds no ','). */
void fs_alert_add_list(struct fs_alert *a, const char *key, const char *items);
/* A yes/no field. */
void fs_alert_add_bool(struct fs_alert *a, const char *key, bool v);
/* "kind state=... rule=... severity=... [agent=...] key=value ..." as sent
 * to syslog. */
size_t fs_alert_format_kv(const struct fs_alert *a, char *buf, size_t len);
/* {"event":"alert","schema":1,["agent":...,]"ts":...,"state":...,
 *  "severity":...,"rule":...,"kind":...,<fields>,"message":...} */
void fs_alert_print_json(const struct fs_alert *a, FILE *f);

/* Fields refused by fs_alert_add since start (FS_ALERT_MAX_FIELDS reached). */
uint64_t fs_alert_fields_dropped(void);
/* "daemon", "user", "local0".."local7", ...: the LOG_* value, or -1. */
int fs_alert_facility_parse(const char *name);
/* The name of a LOG_* facility value, or NULL when unknown. */
const char *fs_alert_facility_name(int facility);

struct fs_alert_sinks_config {
	bool use_syslog;		/* local syslog: /dev/log protocol, non-blocking */
	int syslog_facility;		/* LOG_*; 0 or unknown: LOG_DAEMON */
	const char *remote;		/* "udp://host:port" or "tcp://host:port" */
	const char *exec_cmd;
	uint32_t remote_queue_len;	/* 0: 1024 */
	const char *syslog_path;	/* local socket; NULL: "/dev/log" */
	const char *agent_name;		/* RFC 5424 HOSTNAME is its part before
					 * '/'; NULL: gethostname() */
	const char *sd_id;		/* RFC 5424 SD-ID for the fields,
					 * NAME@PEN; NULL: fields in MSG only */
};

#define FS_ALERT_EXEC_MAX 4	/* --exec children running at once */

struct fs_alert_sinks_stats {
	uint64_t alerts;		/* FS_EV_ALERT events received */
	uint64_t local_sent;
	uint64_t local_dropped;		/* local socket busy (EAGAIN) or absent */
	uint64_t local_summaries;	/* "alerts-dropped" lines sent after drops */
	uint64_t remote_sent;		/* messages wholly handed to the kernel */
	uint64_t remote_dropped_queue_full;
	uint64_t remote_dropped_send_error;
	uint64_t remote_unconfirmed;	/* TCP: written, never acknowledged */
	uint64_t remote_dropped_exit;	/* still queued at the exit deadline */
	uint64_t remote_summaries;	/* "alerts-dropped" messages queued */
	uint64_t remote_connects;	/* TCP connections established */
	uint64_t remote_reconnects;	/* ... of which after the first */
	uint64_t remote_connect_failures;
	uint64_t remote_disconnects;	/* established connections lost */
	uint32_t remote_queued;		/* messages waiting now */
	bool remote_connected;		/* TCP: established; UDP: always */
	uint64_t exec_spawned;
	uint64_t exec_dropped_busy;	/* FS_ALERT_EXEC_MAX already running */
	uint64_t exec_failed;		/* posix_spawn failed */
	uint64_t exec_exit_nonzero;	/* reaped with a non-zero status or signal */
	uint32_t exec_running;
};

struct fs_alert_sinks;
/* Subscribes to FS_EV_ALERT on bus. NULL and message in err on bad config. */
struct fs_alert_sinks *fs_alert_sinks_create(const struct fs_alert_sinks_config *cfg,
					     struct fs_event_bus *bus,
					     char *err, size_t errlen);
/* Poll-loop hook: pending remote sends, reaped exec children. Never blocks. */
void fs_alert_sinks_service(struct fs_alert_sinks *s, int64_t mono_us);
/* At exit, off the capture path (end of -r replay, SIGTERM): BLOCKS up to
 * timeout_ms sending what the remote queue holds. true when all went out.
 * Destroy alone makes one non-blocking attempt and drops the rest. */
bool fs_alert_sinks_flush(struct fs_alert_sinks *s, int timeout_ms);
/* Destroy only once the bus no longer emits (there is no unsubscribe). */
void fs_alert_sinks_destroy(struct fs_alert_sinks *s);
void fs_alert_sinks_stats(const struct fs_alert_sinks *s,
			  struct fs_alert_sinks_stats *st);
/* The remote socket and the events to poll it for, or -1 when there is
 * nothing to wait on; call fs_alert_sinks_service when it is ready. */
int fs_alert_sinks_poll_fd(const struct fs_alert_sinks *s, short *events);

#endif
