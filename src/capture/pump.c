/*
 * pump.c: the producer side of the relay (relay.c): reads the kernel's
 * ring and copies each frame into the relay ring, reopens the capture when
 * the consumer asks, publishes the capture's stats. It parses nothing: a
 * frame is bytes and lengths.
 *
 * Two hosts run it: the privileged parent of -Z (privsep.c), and the
 * reader thread (reader.c). Either way the consumer's packet path (ticks,
 * rules, a burst of work) cannot stall the reading: the kernel ring is
 * drained into the relay's while the consumer is busy.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "capture_int.h"

#define STATS_MS 100

static void on_frame(void *ctx, int64_t ts, const uint8_t *frame,
		     uint32_t caplen, uint32_t wirelen)
{
	struct fs_pump *p = ctx;
	if (p->have_held || !fs_relay_put(p->r, ts, frame, caplen, wirelen)) {
		/* Keep it and stop reading: the kernel ring buffers the rest
		 * (and counts what it drops). */
		if (!p->have_held && caplen <= p->held_cap) {
			memcpy(p->held, frame, caplen);
			p->held_len = caplen;
			p->held_wire = wirelen;
			p->held_ts = ts;
			p->have_held = true;
		}
		p->full = true;
		pcap_breakloop(p->cap->pcap);
	}
}

/* What waits for room goes first; true when nothing is left waiting. */
static bool flush_held(struct fs_pump *p)
{
	if (p->have_held) {
		if (!fs_relay_put(p->r, p->held_ts, p->held, p->held_len,
				  p->held_wire))
			return false;
		p->have_held = false;
	}
	if (p->down_pending) {
		if (!fs_relay_put_down(p->r, p->down))
			return false;
		p->down_pending = false;
	}
	return true;
}

static void capture_down(struct fs_pump *p, const char *why)
{
	snprintf(p->down, sizeof(p->down), "%s", why);
	p->down_pending = true;
	p->up = false;
	if (!flush_held(p))
		p->full = true;
	fs_relay_publish(p->r);
}

static void read_capture(struct fs_pump *p)
{
	for (int batch = 0; batch < 64 && p->up && !p->full; batch++) {
		uint64_t before = fs_capture_count(p->cap);
		enum fs_capture_result res = fs_capture_dispatch(p->cap, 512,
								 on_frame, p);
		if (res == FS_CAPTURE_ERROR) {
			capture_down(p, fs_capture_error(p->cap));
			break;
		}
		if (fs_capture_count(p->cap) == before)
			break;
	}
	fs_relay_publish(p->r);
}

static void reopen(struct fs_pump *p)
{
	struct fs_relay_ctl m = { .type = FS_RELAY_OPENED };
	char err[sizeof(m.text)];
	if (fs_capture_reopen(p->cap, err, sizeof(err)) == 0) {
		m.dlt = fs_capture_datalink(p->cap);
		p->up = true;
	} else {
		m.type = FS_RELAY_FAILED;
		snprintf(m.text, sizeof(m.text), "%s", err);
	}
	fs_relay_send(p->r, &m);
}

void fs_pump_publish_stats(struct fs_pump *p)
{
	struct fs_capture_stats st;
	if (fs_capture_stats(p->cap, &st))
		fs_relay_set_stats(p->r, &st);
}

int fs_pump_init(struct fs_pump *p, struct fs_relay *r, struct fs_capture *cap,
		 int snaplen)
{
	memset(p, 0, sizeof(*p));
	p->r = r;
	p->cap = cap;
	p->sfd = p->end_fd = -1;
	p->held_cap = (uint32_t)(snaplen > 0 ? snaplen : 262144);
	p->held = malloc(p->held_cap);
	p->up = cap != NULL;
	return p->held ? 0 : -1;
}

void fs_pump_fini(struct fs_pump *p)
{
	free(p->held);
	p->held = NULL;
}

void fs_pump_run(struct fs_pump *p)
{
	int64_t stats_due = 0;
	for (;;) {
		struct pollfd pfd[4];
		int n = 0, cap_i = -1, end_i = -1, sig_i = -1;
		pfd[n++] = (struct pollfd){ .fd = fs_relay_ctl_fd(p->r),
					    .events = POLLIN };
		if (p->sfd >= 0) {
			sig_i = n;
			pfd[n++] = (struct pollfd){ .fd = p->sfd, .events = POLLIN };
		}
		if (p->up && !p->full) {
			cap_i = n;
			pfd[n++] = (struct pollfd){ .fd = fs_capture_fd(p->cap),
						    .events = POLLIN };
		}
		if (p->end_fd >= 0) {
			end_i = n;
			pfd[n++] = (struct pollfd){ .fd = p->end_fd,
						    .events = POLLIN };
		}
		if (poll(pfd, (nfds_t)n, STATS_MS) < 0 && errno != EINTR)
			return;
		if (end_i >= 0 && pfd[end_i].revents)
			return;
		if (sig_i >= 0 && pfd[sig_i].revents) {
			struct signalfd_siginfo si;
			while (read(p->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				p->on_signal(p, (int)si.ssi_signo);
		}
		if (pfd[0].revents) {
			struct fs_relay_ctl m;
			int rc;
			while ((rc = fs_relay_recv(p->r, &m, 0)) > 0) {
				if (m.type == FS_RELAY_REOPEN)
					reopen(p);
				/* FS_RELAY_ROOM: retried below. */
			}
			if (rc < 0)
				return;		/* the consumer closed */
		}
		if (p->full) {
			/* Ask for a note, then look again: the consumer may
			 * have freed room before it saw the request. */
			fs_relay_want_room(p->r, true);
			if (flush_held(p)) {
				p->full = false;
				fs_relay_want_room(p->r, false);
			}
			fs_relay_publish(p->r);
		}
		if (cap_i >= 0 && pfd[cap_i].revents)
			read_capture(p);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (now >= stats_due) {
			fs_pump_publish_stats(p);
			stats_due = now + STATS_MS;
		}
	}
}
