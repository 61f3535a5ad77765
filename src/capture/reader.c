/*
 * reader.c: --reader-thread. A thread of this process reads the kernel's
 * ring into a relay ring (the pump, pump.c) and the packet path takes the
 * frames from there (relay.c's consumer side, as under -Z).
 *
 * Why: the packet path also runs the ticks (rules, outputs) and its own
 * bursts of work; while it does, nothing reads the kernel's ring, and on a
 * busy span port the kernel drops what does not fit. With a reader the
 * kernel ring is drained while the packet path is busy, and the 8 MiB relay
 * ring absorbs the burst (measured with tools/bench-live.sh: docs in
 * ARCHITECTURE.md). Frames, their order and their timestamps are the
 * kernel's either way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capture_int.h"
#include "floodspot/thread.h"

#define RING_BYTES (8u << 20)

struct fs_reader {
	struct fs_pump pump;
	pthread_t thread;
};

static void *run(void *arg)
{
	struct fs_reader *rd = arg;
	fs_pump_run(&rd->pump);
	return NULL;
}

struct fs_capture *fs_capture_open_reader(const struct fs_capture_config *cfg,
					  char *err, size_t errlen)
{
	struct fs_capture *cap = fs_capture_open(cfg, err, errlen);
	if (!cap)
		return NULL;
	struct fs_relay *r = fs_relay_create(RING_BYTES);
	struct fs_relay *producer = r ? fs_relay_split(r) : NULL;
	struct fs_capture *c = fs_capture_new(cfg);
	struct fs_reader *rd = calloc(1, sizeof(*rd));
	if (!producer || !c || !rd ||
	    fs_pump_init(&rd->pump, producer, cap, cfg->snaplen) != 0) {
		snprintf(err, errlen, "reader thread: cannot set up the relay: %s",
			 strerror(errno ? errno : ENOMEM));
		goto fail;
	}
	c->relay = r;
	c->relay_dlt = fs_capture_datalink(cap);
	fs_pump_publish_stats(&rd->pump);
	int rc = fs_thread_start(&rd->thread, run, rd);
	if (rc != 0) {
		snprintf(err, errlen, "reader thread: %s", strerror(rc));
		c->relay = NULL;
		goto fail;
	}
	c->reader = rd;
	return c;
fail:
	if (rd)
		fs_pump_fini(&rd->pump);
	free(rd);
	fs_relay_destroy(producer);
	fs_relay_destroy(r);
	fs_capture_close(c);
	fs_capture_close(cap);
	return NULL;
}

/* The consumer's end hung up: the pump returns, then its half goes. */
void fs_reader_stop(struct fs_reader *rd, struct fs_relay *consumer)
{
	shutdown(fs_relay_ctl_fd(consumer), SHUT_RDWR);
	pthread_join(rd->thread, NULL);
	fs_capture_close(rd->pump.cap);
	fs_relay_destroy(rd->pump.r);
	fs_pump_fini(&rd->pump);
	free(rd);
}
