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
enum fs_alert_severity { FS_SEV_INFO, FS_SEV_NOTICE, FS_SEV_WARNING, FS_SEV_CRITICAL };

#define FS_ALERT_MAX_FIELDS 24

/* An alert is a rule name, a state and ordered key=value fields. */
struct fs_alert {
	int64_t ts_us;
	enum fs_alert_state state;
	enum fs_alert_severity severity;
	char rule[48];
	char kind[32];		/* "flood-start", "culprit", "hello-late", ... */
	unsigned n_fields;
	struct {
		char key[24];
		char value[96];
	} field[FS_ALERT_MAX_FIELDS];
	char message[160];
};

const char *fs_alert_state_name(enum fs_alert_state s);
const char *fs_alert_severity_name(enum fs_alert_severity s);

/* Appends key=value; silently ignored past FS_ALERT_MAX_FIELDS (counted). */
void fs_alert_add(struct fs_alert *a, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "kind state=... rule=... key=value ..." as sent to syslog. */
size_t fs_alert_format_kv(const struct fs_alert *a, char *buf, size_t len);
/* {"event":"alert","ts":...,"state":...,"rule":...,<fields>} */
void fs_alert_print_json(const struct fs_alert *a, FILE *f);

struct fs_alert_sinks_config {
	bool use_syslog;
	int syslog_facility;		/* LOG_DAEMON by default */
	const char *remote;		/* "udp://host:port" or "tcp://host:port" */
	const char *exec_cmd;
	uint32_t remote_queue_len;
};

struct fs_alert_sinks;
/* Subscribes to FS_EV_ALERT on bus. NULL and message in err on bad config. */
struct fs_alert_sinks *fs_alert_sinks_create(const struct fs_alert_sinks_config *cfg,
					     struct fs_event_bus *bus,
					     char *err, size_t errlen);
/* Poll-loop hook: pending remote sends, reaped exec children. Never blocks. */
void fs_alert_sinks_service(struct fs_alert_sinks *s, int64_t mono_us);
void fs_alert_sinks_destroy(struct fs_alert_sinks *s);

#endif
