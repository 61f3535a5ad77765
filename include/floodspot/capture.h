/*
 * Capture: a live interface (promiscuous, immediate delivery, kernel ring
 * of a configurable size, BPF filter compiled by libpcap) or a pcap/pcapng
 * file. Live capture is non-blocking and pollable; a vanished interface is
 * reopened by the caller with fs_capture_reopen().
 */
#ifndef FLOODSPOT_CAPTURE_H
#define FLOODSPOT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fs_capture_config {
	const char *ifname;	/* live, or */
	const char *file;	/* offline */
	const char *filter;	/* BPF expression, may be NULL */
	int snaplen;		/* default 262144 */
	int buffer_kib;		/* default 32768 */
};

struct fs_capture_stats {
	uint64_t received;	/* by the kernel filter */
	uint64_t dropped;	/* ring full: our fault */
	uint64_t if_dropped;	/* by the interface or driver */
};

/* Called per packet; ts_us is the capture timestamp. */
typedef void (*fs_capture_fn)(void *ctx, int64_t ts_us, const uint8_t *frame,
			      uint32_t caplen, uint32_t wirelen);

/* A look at a frame some frames before fn gets it (to prefetch). */
typedef void (*fs_capture_peek_fn)(void *ctx, const uint8_t *frame,
				   uint32_t caplen);

enum fs_capture_result {
	FS_CAPTURE_MORE,	/* call again (or wait on the fd) */
	FS_CAPTURE_EOF,		/* end of file */
	FS_CAPTURE_ERROR,	/* see fs_capture_error(); reopen may help */
	FS_CAPTURE_FATAL,	/* -Z: the privileged parent is gone */
};

struct fs_capture;

/* NULL with a message in err ("no such device", "bad filter: ..."). */
struct fs_capture *fs_capture_open(const struct fs_capture_config *cfg,
				   char *err, size_t errlen);
void fs_capture_close(struct fs_capture *c);
/* Closes and opens the same source again; 0 on success. */
int fs_capture_reopen(struct fs_capture *c, char *err, size_t errlen);

int fs_capture_datalink(const struct fs_capture *c);
/* Pollable descriptor of a live capture; -1 offline. */
int fs_capture_fd(const struct fs_capture *c);
/* -Z: a second descriptor to poll (the link to the privileged parent;
 * readable or hung up means call fs_capture_dispatch); else -1. */
int fs_capture_ctl_fd(const struct fs_capture *c);

/*
 * Privilege separation for a live capture (-Z, started as root), in the
 * manner of OpenBSD's daemons: forks. The parent keeps the capture and
 * nothing else: it opens it as root, then runs as the user with only
 * CAP_NET_RAW (enough to open it again after the interface returns; the
 * promiscuous flag needs no more), copies packets into a ring shared with
 * the worker, passes on the signals sigfd (a signalfd) reads, and exits
 * with the worker's status; it never returns. The caller returns as the
 * worker: every descriptor closed but 0-2, sigfd and the relay's, and a
 * handle reading the ring. NULL with a message when the capture cannot be
 * opened (the parent then exits with the worker's status). The worker
 * drops its own privileges after.
 */
struct fs_capture_user {
	unsigned uid, gid;
	const char *name;	/* for the supplementary groups */
};
struct fs_capture *fs_capture_open_privsep(const struct fs_capture_config *cfg,
					   const struct fs_capture_user *user,
					   int sigfd, char *err, size_t errlen);
/*
 * Live, with a reader thread of this process draining the kernel's ring
 * into an 8 MiB ring the packet path reads (its ticks and bursts of work
 * then stall no reading). Same frames, order and timestamps.
 */
struct fs_capture *fs_capture_open_reader(const struct fs_capture_config *cfg,
					  char *err, size_t errlen);
bool fs_capture_is_live(const struct fs_capture *c);

/* Delivers up to max packets (0: a batch). Never blocks when live. */
enum fs_capture_result fs_capture_dispatch(struct fs_capture *c, int max,
					   fs_capture_fn fn, void *ctx);
/*
 * Batches the frames of each dispatch call (copied) and shows each to
 * peek a few frames before fn gets it, in the same order; peek NULL ends
 * that. Only between dispatch calls. Not for -Z: the relay's frames go
 * straight to fn. -1 when the batch cannot be allocated (delivery stays
 * unbatched).
 */
int fs_capture_set_peek(struct fs_capture *c, fs_capture_peek_fn peek,
			void *ctx);
/* Packets delivered so far (1-based number of the last one). */
uint64_t fs_capture_count(const struct fs_capture *c);
/* Message of the last FS_CAPTURE_ERROR. */
const char *fs_capture_error(const struct fs_capture *c);

/* Cumulative kernel counters, carried across reopens; false offline. */
bool fs_capture_stats(struct fs_capture *c, struct fs_capture_stats *st);

#endif
