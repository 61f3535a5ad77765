/* The daemon's own diagnostics, with per-kind rate limits. */
#include "floodspot/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static const char *log_prog = "floodspot";
static bool log_syslog;
static int log_verbosity;	/* NOTICE and worse by default */

static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO,
				   LOG_DEBUG };
static const char *const level_names[] = { "error", "warning", "notice",
					   "info", "debug" };

void fs_log_init(const char *progname, bool use_syslog, int verbosity)
{
	log_prog = progname;
	log_syslog = use_syslog;
	log_verbosity = verbosity;
}

__attribute__((format(printf, 3, 0)))
static void vlog(enum fs_log_level lvl, const char *suffix, const char *fmt,
		 va_list ap)
{
	if ((int)lvl > FS_LOG_NOTICE + log_verbosity)
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_syslog)
		syslog(syslog_prio[lvl], "%s%s", msg, suffix ? suffix : "");
	else
		fprintf(stderr, "%s: %s: %s%s\n", log_prog, level_names[lvl],
			msg, suffix ? suffix : "");
}

void fs_log(enum fs_log_level lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(lvl, NULL, fmt, ap);
	va_end(ap);
}

void fs_log_errno(enum fs_log_level lvl, int err, const char *fmt, ...)
{
	char suffix[160];
	snprintf(suffix, sizeof(suffix), ": %s", strerror(err));
	va_list ap;
	va_start(ap, fmt);
	vlog(lvl, suffix, fmt, ap);
	va_end(ap);
}

void fs_log_limited(struct fs_ratelimit *rl, int64_t now_us,
		    enum fs_log_level lvl, const char *fmt, ...)
{
	int64_t interval_us = (int64_t)rl->interval_s * 1000000;
	if (now_us - rl->window_start_us >= interval_us ||
	    now_us < rl->window_start_us) {
		if (rl->suppressed)
			fs_log(lvl, "%llu similar messages suppressed",
			       (unsigned long long)rl->suppressed);
		rl->window_start_us = now_us;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed >= rl->burst) {
		if (rl->suppressed++ == 0)
			fs_log(lvl, "further messages of this kind suppressed for %us",
			       rl->interval_s);
		return;
	}
	rl->printed++;
	va_list ap;
	va_start(ap, fmt);
	vlog(lvl, NULL, fmt, ap);
	va_end(ap);
}
