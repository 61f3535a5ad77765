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
 * not dumpable: the worker, same uid, cannot ptrace it), and runs the pump
 * (pump.c: kernel ring -> shared ring, reopen on the worker's request,
 * stats every 100 ms) with its signals forwarded to the worker. It exits
 * with the worker's status. It parses nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_int.h"
#include "floodspot/log.h"

#define RING_BYTES (8u << 20)
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

__attribute__((noreturn)) static void exit_like(pid_t worker)
{
	int status = 0;
	while (waitpid(worker, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1);
}

/* The signalfd reads the parent's signals: the worker gets them. */
static void pass_signal(struct fs_pump *p, int signo)
{
	kill((pid_t)p->worker, signo);
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
		struct fs_relay_ctl m = { .type = FS_RELAY_OPENED };
		struct fs_capture *cap = fs_capture_open(cfg, m.text,
							 sizeof(m.text));
		if (!cap) {
			m.type = FS_RELAY_FAILED;
			fs_relay_send(r, &m);
			exit_like(pid);
		}
		struct fs_pump p;
		if (fs_pump_init(&p, r, cap, cfg->snaplen) != 0 ||
		    keep_net_raw(user, m.text, sizeof(m.text)) != 0) {
			if (!p.held)
				snprintf(m.text, sizeof(m.text), "out of memory");
			m.type = FS_RELAY_FAILED;
			fs_relay_send(r, &m);
			exit_like(pid);
		}
		p.sfd = sigfd;
		p.on_signal = pass_signal;
		p.worker = pid;
		p.end_fd = (int)syscall(SYS_pidfd_open, pid, 0);
		m.dlt = fs_capture_datalink(cap);
		fs_relay_send(r, &m);
		fs_pump_publish_stats(&p);
		fs_pump_run(&p);
		exit_like(pid);
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
