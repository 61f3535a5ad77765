/*
 * privsep.c: -Z on a live capture, in the manner of OpenBSD's daemons.
 *
 * What must stay privileged is opening the capture: after the interface is
 * deleted and created again the socket must be made anew, which needs
 * CAP_NET_RAW (measured: with CAP_NET_RAW alone, as an ordinary user,
 * pcap_activate succeeds in promiscuous mode; PACKET_MR_PROMISC needs no
 * CAP_NET_ADMIN). libpcap cannot adopt a socket another process opened,
 * so the descriptor is not passed as OpenBSD passes its bpf device: the
 * small parent keeps the capture and copies each frame into a ring shared
 * with the worker (relay.c). The worker, which parses every hostile byte,
 * holds no packet socket at all: it cannot sniff other interfaces or
 * inject frames even if a bug let an attacker run code in it.
 *
 * Parent, after the fork: opens the capture as root, then keeps only
 * CAP_NET_RAW as the user (bounding set cut to it, no new privileges,
 * not dumpable: the worker, same uid, cannot ptrace it), and loops:
 * kernel ring -> shared ring; reopen on the worker's request; signals
 * forwarded to the worker; stats published every 100 ms. It exits with
 * the worker's status. It parses nothing: a frame is bytes and lengths.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_int.h"
#include "floodspot/log.h"

#define RING_BYTES (8u << 20)
#define STATS_MS 100
#define MAX_KEEP 4

/* Closes every descriptor from 3 up but those in keep. */
static void close_others(const int *keep, int n)
{
	int sorted[MAX_KEEP];
	int m = 0;
	for (int i = 0; i < n && m < MAX_KEEP; i++)
		if (keep[i] >= 3)
			sorted[m++] = keep[i];
	for (int i = 1; i < m; i++)
		for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			int t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	unsigned lo = 3;
	for (int i = 0; i < m; i++) {
		if ((unsigned)sorted[i] > lo)
			syscall(SYS_close_range, lo, (unsigned)sorted[i] - 1, 0);
		lo = (unsigned)sorted[i] + 1;
	}
	syscall(SYS_close_range, lo, ~0u, 0);
}

/* The parent's privileges: the user's ids, CAP_NET_RAW and nothing else. */
static int keep_net_raw(const struct fs_capture_user *u, char *err,
			size_t errlen)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap != CAP_NET_RAW &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
			snprintf(err, errlen, "cannot drop capability %d: %s", cap,
				 strerror(errno));
			return -1;
		}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 ||
	    initgroups(u->name, (gid_t)u->gid) != 0 || setgid((gid_t)u->gid) != 0 ||
	    setuid((uid_t)u->uid) != 0) {
		snprintf(err, errlen, "cannot become %s: %s", u->name,
			 strerror(errno));
		return -1;
	}
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	data[CAP_TO_INDEX(CAP_NET_RAW)].effective = CAP_TO_MASK(CAP_NET_RAW);
	data[CAP_TO_INDEX(CAP_NET_RAW)].permitted = CAP_TO_MASK(CAP_NET_RAW);
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "cannot keep CAP_NET_RAW: %s",
			 strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}

struct parent {
	struct fs_relay *r;
	struct fs_capture *cap;
	pid_t worker;
	int sfd;
	bool up;		/* the capture is open and read */
	bool full;		/* the ring had no room: wait for ROOM */
	bool down_pending;	/* a DOWN record waits for room */
	char down[PCAP_ERRBUF_SIZE + 128];
	/* the frame that did not fit when the ring filled */
	uint8_t *held;
	uint32_t held_cap, held_len, held_wire;
	int64_t held_ts;
	bool have_held;
};

static void on_frame(void *ctx, int64_t ts, const uint8_t *frame,
		     uint32_t caplen, uint32_t wirelen)
{
	struct parent *p = ctx;
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
static bool flush_held(struct parent *p)
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

static void capture_down(struct parent *p, const char *why)
{
	snprintf(p->down, sizeof(p->down), "%s", why);
	p->down_pending = true;
	p->up = false;
	if (!flush_held(p))
		p->full = true;
	fs_relay_publish(p->r);
}

static void read_capture(struct parent *p)
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

static void reopen(struct parent *p)
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

static void publish_stats(struct parent *p)
{
	struct fs_capture_stats st;
	if (fs_capture_stats(p->cap, &st))
		fs_relay_set_stats(p->r, &st);
}

__attribute__((noreturn)) static void exit_like(pid_t worker)
{
	int status = 0;
	while (waitpid(worker, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1);
}

__attribute__((noreturn)) static void parent_loop(struct parent *p)
{
	int pidfd = (int)syscall(SYS_pidfd_open, p->worker, 0);
	int64_t stats_due = 0;
	for (;;) {
		struct pollfd pfd[4];
		int n = 0, cap_i = -1, pid_i = -1;
		pfd[n++] = (struct pollfd){ .fd = p->sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = fs_relay_ctl_fd(p->r),
					    .events = POLLIN };
		if (p->up && !p->full) {
			cap_i = n;
			pfd[n++] = (struct pollfd){ .fd = fs_capture_fd(p->cap),
						    .events = POLLIN };
		}
		if (pidfd >= 0) {
			pid_i = n;
			pfd[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		}
		if (poll(pfd, (nfds_t)n, STATS_MS) < 0 && errno != EINTR)
			exit_like(p->worker);
		if (pid_i >= 0 && pfd[pid_i].revents)
			exit_like(p->worker);
		if (pfd[0].revents) {
			struct signalfd_siginfo si;
			while (read(p->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				kill(p->worker, (int)si.ssi_signo);
		}
		if (pfd[1].revents) {
			struct fs_relay_ctl m;
			int rc;
			while ((rc = fs_relay_recv(p->r, &m, 0)) > 0) {
				if (m.type == FS_RELAY_REOPEN)
					reopen(p);
				/* FS_RELAY_ROOM: retried below. */
			}
			if (rc < 0)
				exit_like(p->worker);	/* the worker closed */
		}
		if (p->full) {
			/* Ask for a note, then look again: the worker may have
			 * freed room before it saw the request. */
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
			publish_stats(p);
			stats_due = now + STATS_MS;
		}
	}
}

struct fs_capture *fs_capture_open_privsep(const struct fs_capture_config *cfg,
					   const struct fs_capture_user *user,
					   int sigfd, char *err, size_t errlen)
{
	struct fs_relay *r = fs_relay_create(RING_BYTES);
	struct fs_capture *c = fs_capture_new(cfg);
	if (!r || !c) {
		snprintf(err, errlen, "privsep: cannot set up the relay: %s",
			 strerror(errno));
		fs_relay_destroy(r);
		fs_capture_close(c);
		return NULL;
	}
	int fds[4] = { sigfd };
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "privsep: fork: %s", strerror(errno));
		fs_relay_destroy(r);
		fs_capture_close(c);
		return NULL;
	}
	if (pid > 0) {
		/* The parent: the capture, nothing else. */
		fs_relay_be_parent(r);
		close_others(fds, 1 + fs_relay_fds(r, fds + 1, 3));
		fs_capture_close(c);
		/* The signalfd reads the signals of the process that reads it:
		 * here, the parent's, which it passes on. */
		struct parent p = { .r = r, .worker = pid, .sfd = sigfd };
		struct fs_relay_ctl m = { .type = FS_RELAY_OPENED };
		p.cap = fs_capture_open(cfg, m.text, sizeof(m.text));
		if (!p.cap) {
			m.type = FS_RELAY_FAILED;
			fs_relay_send(r, &m);
			exit_like(pid);
		}
		p.held_cap = (uint32_t)(cfg->snaplen > 0 ? cfg->snaplen : 262144);
		p.held = malloc(p.held_cap);
		if (!p.held || keep_net_raw(user, m.text, sizeof(m.text)) != 0) {
			if (!p.held)
				snprintf(m.text, sizeof(m.text), "out of memory");
			m.type = FS_RELAY_FAILED;
			fs_relay_send(r, &m);
			exit_like(pid);
		}
		m.dlt = fs_capture_datalink(p.cap);
		p.up = true;
		fs_relay_send(r, &m);
		publish_stats(&p);
		parent_loop(&p);
	}
	/* The worker: only its own descriptors and the relay's. */
	fs_relay_be_worker(r);
	close_others(fds, 1 + fs_relay_fds(r, fds + 1, 3));
	/* Dies with the parent only through the relay: a hung-up control
	 * pair ends the capture (FS_CAPTURE_FATAL) and the worker flushes. */
	c->relay = r;
	struct fs_relay_ctl m;
	int rc = fs_relay_recv(r, &m, 30000);
	if (rc <= 0 || m.type != FS_RELAY_OPENED) {
		snprintf(err, errlen, "%s",
			 rc > 0 ? m.text : "the privileged capture process did not answer");
		fs_capture_close(c);
		return NULL;
	}
	c->relay_dlt = m.dlt;
	return c;
}
