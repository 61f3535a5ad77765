/*
 * The daemon's own diagnostics (not alerts): stderr, or syslog(3) when
 * running as a daemon. Messages a packet can trigger go through a per-kind
 * rate limit: the first few are printed, the rest counted and summarised.
 */
#ifndef FLOODSPOT_LOG_H
#define FLOODSPOT_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum fs_log_level { FS_LOG_ERR, FS_LOG_WARNING, FS_LOG_NOTICE, FS_LOG_INFO, FS_LOG_DEBUG };

void fs_log_init(const char *progname, bool use_syslog, int verbosity);
void fs_log(enum fs_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like fs_log, with strerror(errno) appended; errno saved by the caller. */
void fs_log_errno(enum fs_log_level lvl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One limiter per message kind: at most burst lines per interval. */
struct fs_ratelimit {
	int64_t window_start_us;
	uint32_t interval_s;
	uint32_t burst;
	uint32_t printed;
	uint64_t suppressed;
};

#define FS_RATELIMIT_INIT(interval, burst_) { 0, (interval), (burst_), 0, 0 }

/* now_us: packet time or monotonic time, as the caller has it. */
void fs_log_limited(struct fs_ratelimit *rl, int64_t now_us,
		    enum fs_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
