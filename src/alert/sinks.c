/*
 * The sinks: one FS_EV_ALERT subscriber fanning each alert out to local
 * syslog, the remote collector and --exec. JSON lines are printed by the
 * event output, not here. Everything runs on the capture thread and none
 * of it waits: see each sink's file for how.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "alert_int.h"

struct fs_alert_sinks {
	struct fs_alert_local *local;
	struct fs_alert_remote *remote;
	struct fs_alert_relp *relp;
	struct fs_alert_exec *exec;
	int64_t now_us;		/* monotonic time of the last service */
	struct fs_alert_sinks_stats st;	/* dispatcher and local counters */
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct fs_alert_sinks *s = ctx;
	if (ev->type != FS_EV_ALERT || !ev->u.alert)
		return;
	const struct fs_alert *a = ev->u.alert;
	s->st.alerts++;
	if (s->local)
		fs_alert_local_send(s->local, a, &s->st);
	if (s->remote)
		fs_alert_remote_send(s->remote, a, s->now_us);
	if (s->relp)
		fs_alert_relp_send(s->relp, a);
	if (s->exec)
		fs_alert_exec_run(s->exec, a);
}

struct fs_alert_sinks *fs_alert_sinks_create(const struct fs_alert_sinks_config *cfg,
					     struct fs_event_bus *bus,
					     char *err, size_t errlen)
{
	struct fs_alert_sinks *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "alert sinks: out of memory");
		return NULL;
	}
	int facility = cfg->syslog_facility;
	if (facility < 0 || (facility & 7) || !fs_alert_facility_name(facility))
		facility = LOG_DAEMON;
	if (cfg->use_syslog) {
		s->local = fs_alert_local_create(cfg->syslog_path, facility);
		if (!s->local) {
			snprintf(err, errlen, "local syslog: out of memory");
			goto fail;
		}
	}
	if (cfg->remote && strncmp(cfg->remote, "relp://", 7) == 0) {
		s->relp = fs_alert_relp_create(cfg->remote, cfg->remote_queue_len,
					       facility, cfg->agent_name,
					       cfg->sd_id, err, errlen);
		if (!s->relp)
			goto fail;
	} else if (cfg->remote && cfg->remote[0]) {
		s->remote = fs_alert_remote_create(cfg->remote, cfg->remote_queue_len,
						   facility, cfg->agent_name,
						   cfg->sd_id, err, errlen);
		if (!s->remote)
			goto fail;
	}
	if (cfg->exec_cmd && cfg->exec_cmd[0]) {
		s->exec = fs_alert_exec_create(cfg->exec_cmd);
		if (!s->exec) {
			snprintf(err, errlen, "--exec: out of memory");
			goto fail;
		}
	}
	if (fs_event_subscribe(bus, on_event, s) < 0) {
		snprintf(err, errlen, "alert sinks: event bus full");
		goto fail;
	}
	return s;
fail:
	fs_alert_sinks_destroy(s);
	return NULL;
}

void fs_alert_sinks_service(struct fs_alert_sinks *s, int64_t mono_us)
{
	if (mono_us > s->now_us)
		s->now_us = mono_us;
	if (s->remote)
		fs_alert_remote_service(s->remote, s->now_us);
	if (s->exec)
		fs_alert_exec_reap(s->exec);
}

int fs_alert_sinks_poll_fd(const struct fs_alert_sinks *s, short *events)
{
	*events = 0;
	return s->remote ? fs_alert_remote_poll_fd(s->remote, events) : -1;
}

bool fs_alert_sinks_flush(struct fs_alert_sinks *s, int timeout_ms)
{
	if (s->exec)
		fs_alert_exec_reap(s->exec);
	if (s->relp)
		return fs_alert_relp_flush(s->relp, timeout_ms);
	return s->remote ? fs_alert_remote_flush(s->remote, timeout_ms) : true;
}

void fs_alert_sinks_stats(const struct fs_alert_sinks *s,
			  struct fs_alert_sinks_stats *st)
{
	*st = s->st;
	if (s->remote)
		fs_alert_remote_stats(s->remote, st);
	if (s->relp)
		fs_alert_relp_stats(s->relp, st);
	if (s->exec)
		fs_alert_exec_stats(s->exec, st);
}

void fs_alert_sinks_destroy(struct fs_alert_sinks *s)
{
	if (!s)
		return;
	fs_alert_local_destroy(s->local);
	fs_alert_remote_destroy(s->remote);
	fs_alert_relp_destroy(s->relp);
	fs_alert_exec_destroy(s->exec);
	free(s);
}
