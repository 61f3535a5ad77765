/*
 * Local syslog without syslog(3). glibc's syslog() writes to /dev/log on a
 * blocking AF_UNIX datagram socket (LOG_NDELAY only opens it early), and a
 * datagram send to a receiver whose queue is full (net.unix.max_dgram_qlen)
 * sleeps until journald or rsyslog catches up: a stalled logger would stall
 * capture. So we speak the same local protocol ourselves on a non-blocking
 * socket, "<PRI>Mmm dd hh:mm:ss floodspot[PID]: BODY" as glibc does with
 * ident "floodspot", LOG_PID and the configured facility, and when the
 * logger is congested the alert is dropped and counted rather than waited
 * for. The header time is the alert's packet time in local time. After
 * drops, the next alert that goes through is followed by one
 * "alerts-dropped dropped=N" line, so the log itself says what it lacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alert_int.h"
#include "floodspot/log.h"

struct fs_alert_local {
	struct sockaddr_un addr;
	int fd;
	int facility;
	long pid;
	uint64_t unreported;	/* dropped since the last summary */
	struct fs_ratelimit warn;
};

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
				      "May", "Jun", "Jul", "Aug",
				      "Sep", "Oct", "Nov", "Dec" };

struct fs_alert_local *fs_alert_local_create(const char *path, int facility)
{
	struct fs_alert_local *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	if (!path)
		path = "/dev/log";
	l->addr.sun_family = AF_UNIX;
	snprintf(l->addr.sun_path, sizeof(l->addr.sun_path), "%s", path);
	l->fd = -1;
	l->facility = facility;
	l->pid = (long)getpid();
	l->warn = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 1);
	tzset();	/* read the zone file now, not at the first alert */
	return l;
}

static int local_connect(struct fs_alert_local *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return -1;
	if (connect(l->fd, (struct sockaddr *)&l->addr, sizeof(l->addr)) < 0) {
		int e = errno;
		close(l->fd);
		l->fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

/* One datagram; 0, or the errno of the failure. */
static int local_datagram(struct fs_alert_local *l, const char *msg, size_t len)
{
	int err = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (l->fd < 0 && local_connect(l) < 0)
			return errno;
		if (send(l->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return 0;
		err = errno;
		if (err == EAGAIN || err == EWOULDBLOCK)
			break;	/* congested: drop, never wait */
		/* The logger restarted: a new socket behind the same path. */
		close(l->fd);
		l->fd = -1;
	}
	return err;
}

static size_t local_format(const struct fs_alert_local *l, char *msg,
			   size_t cap, int64_t ts_us,
			   enum fs_alert_severity sev, const char *body)
{
	time_t t = (time_t)(ts_us / 1000000);
	struct tm tm;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	int fac = l->facility >= 0 && !(l->facility & 7) ? l->facility : LOG_DAEMON;
	int n = snprintf(msg, cap, "<%d>%s %2d %02d:%02d:%02d floodspot[%ld]: %s",
			 fac | fs_alert_syslog_level(sev),
			 months[(unsigned)tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, l->pid, body);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

void fs_alert_local_send(struct fs_alert_local *l, const struct fs_alert *a,
			 struct fs_alert_sinks_stats *st)
{
	char body[FS_ALERT_SYSLOG_MAX], msg[FS_ALERT_SYSLOG_MAX + 64];
	fs_alert_format_kv(a, body, sizeof(body));
	size_t len = local_format(l, msg, sizeof(msg), a->ts_us, a->severity,
				  body);
	if (len == 0)
		return;
	int err = local_datagram(l, msg, len);
	if (err == 0) {
		st->local_sent++;
		if (l->unreported) {
			snprintf(body, sizeof(body),
				 "alerts-dropped dropped=%llu sink=local",
				 (unsigned long long)l->unreported);
			len = local_format(l, msg, sizeof(msg), a->ts_us,
					   FS_SEV_WARNING, body);
			if (len && local_datagram(l, msg, len) == 0) {
				l->unreported = 0;
				st->local_summaries++;
			}
		}
		return;
	}
	st->local_dropped++;
	l->unreported++;
	fs_log_limited(&l->warn, a->ts_us, FS_LOG_WARNING,
		       "local syslog %s: alert dropped: %s", l->addr.sun_path,
		       strerror(err));
}

void fs_alert_local_destroy(struct fs_alert_local *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}
