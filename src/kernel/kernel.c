/*
 * Kernel watcher: route and link changes through libnl's cache manager.
 *   kernel.c      create/destroy, the cache manager, process, resync, drops
 *   kernel_obj.c  route/link objects to events, link state table, names
 *   kernel_msg.c  one raw rtnetlink message to events (tests, fuzzing)
 *   kernel_check.c framing check run before libnl parses any message
 */
#include "kernel_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for a burst of route changes (a full-table withdraw) before the
 * kernel reports ENOBUFS and we must resync. */
#define FS_KERNEL_RCVBUF (4 << 20)

static struct fs_kernel *alloc_kernel(struct fs_event_bus *bus,
				      const char *capture_ifname)
{
	struct fs_kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->bus = bus;
	if (capture_ifname)
		snprintf(k->capture_ifname, sizeof(k->capture_ifname), "%s",
			 capture_ifname);
	k->flap_second = -1;
	k->rl_bad = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 5);
	k->rl_resync = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 5);
	return k;
}

struct fs_kernel *fs_kernel_create_offline(struct fs_event_bus *bus,
					   const char *capture_ifname)
{
	struct fs_kernel *k = alloc_kernel(bus, capture_ifname);
	if (!k)
		errno = ENOMEM;
	return k;
}

static void changed(struct nl_cache *cache, struct nl_object *obj, int action,
		    void *arg)
{
	(void)cache;
	fs_kernel_object(arg, obj, action);
}

static int check_in(struct nl_msg *msg, void *arg)
{
	struct fs_kernel *k = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	if (fs_kernel_msg_check(h, h->nlmsg_len))
		return NL_OK;
	k->st.bad_messages++;
	fs_log_limited(&k->rl_bad, k->now_us, FS_LOG_WARNING,
		       "netlink: malformed message type %u skipped",
		       h->nlmsg_type);
	return NL_SKIP;
}

static void seed_link(struct nl_object *obj, void *arg)
{
	fs_kernel_link_seed(arg, obj);
}

static int nl_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_PROTO_MISMATCH:
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	default:
		return EIO;
	}
}

struct fs_kernel *fs_kernel_create(struct fs_event_bus *bus,
				   const char *capture_ifname)
{
	struct fs_kernel *k = alloc_kernel(bus, capture_ifname);
	if (!k) {
		errno = ENOMEM;
		return NULL;
	}
	int err = -NLE_NOMEM;
	k->sync_sock = nl_socket_alloc();
	k->mngr_sock = nl_socket_alloc();
	if (!k->sync_sock || !k->mngr_sock)
		goto fail;
	if ((err = nl_connect(k->sync_sock, NETLINK_ROUTE)) < 0)
		goto fail;
	/* Every message, notification or dump reply, is checked first. */
	nl_socket_modify_cb(k->sync_sock, NL_CB_MSG_IN, NL_CB_CUSTOM, check_in,
			    k);
	nl_socket_modify_cb(k->mngr_sock, NL_CB_MSG_IN, NL_CB_CUSTOM, check_in,
			    k);
	/* The manager connects our socket and closes it; we free it. */
	err = nl_cache_mngr_alloc(k->mngr_sock, NETLINK_ROUTE, NL_AUTO_PROVIDE,
				  &k->mngr);
	if (err < 0)
		goto fail;
	err = nl_cache_mngr_add(k->mngr, "route/link", changed, k,
				&k->link_cache);
	if (err < 0)
		goto fail;
	err = nl_cache_mngr_add(k->mngr, "route/route", changed, k,
				&k->route_cache);
	if (err < 0)
		goto fail;
	/* The initial dump is the baseline: record link states, emit none. */
	nl_cache_foreach(k->link_cache, seed_link, k);
	int fd = nl_cache_mngr_get_fd(k->mngr);
	/* Never block the capture thread, whatever the libnl version does. */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	int rcv = FS_KERNEL_RCVBUF;
	/* SO_RCVBUFFORCE needs CAP_NET_ADMIN; fall back to the capped one. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return k;
fail:
	fs_kernel_destroy(k);
	errno = nl_to_errno(err);
	return NULL;
}

void fs_kernel_destroy(struct fs_kernel *k)
{
	if (!k)
		return;
	/* The manager frees its caches and its own socket. */
	if (k->mngr)
		nl_cache_mngr_free(k->mngr);
	if (k->mngr_sock)
		nl_socket_free(k->mngr_sock);
	if (k->sync_sock)
		nl_socket_free(k->sync_sock);
	free(k);
}

int fs_kernel_fd(const struct fs_kernel *k)
{
	return k->mngr ? nl_cache_mngr_get_fd(k->mngr) : -1;
}

/* After an overrun the stream lost messages: dump both caches again and
 * let libnl report the differences through the same callback. */
static void resync(struct fs_kernel *k, int64_t now_us)
{
	k->st.resyncs++;
	k->routes_stale = false;
	fs_log_limited(&k->rl_resync, now_us, FS_LOG_WARNING,
		       "netlink: receive buffer overrun, resynchronising "
		       "routes and links by dump (%llu so far)",
		       (unsigned long long)k->st.resyncs);
	struct nl_cache *caches[2] = { k->link_cache, k->route_cache };
	for (int i = 0; i < 2; i++) {
		int err = nl_cache_resync(k->sync_sock, caches[i], changed, k);
		if (err < 0)
			fs_log_limited(&k->rl_resync, now_us, FS_LOG_WARNING,
				       "netlink: resync dump failed: %s",
				       nl_geterror(err));
	}
}

void fs_kernel_process(struct fs_kernel *k, int64_t now_us)
{
	if (!k->mngr)
		return;
	k->now_us = now_us;
	/* data_ready reads until the socket is empty or a message fails.
	 * After an overrun, keep draining before the dump: the kernel reports
	 * ENOBUFS once per congestion and clears that state only when the
	 * queue empties, so a dump taken over a full queue could miss drops
	 * that will never be reported. Bounded against a notification storm. */
	bool overrun = false;
	int err = 0;
	for (int round = 0; round < 16; round++) {
		err = nl_cache_mngr_data_ready(k->mngr);
		if (err >= 0 || err == -NLE_AGAIN || err == -NLE_INTR)
			break;
		if (err == -NLE_NOMEM) {
			/* libnl maps the kernel's ENOBUFS to NLE_NOMEM. */
			overrun = true;
			continue;
		}
		k->st.bad_messages++;
		fs_log_limited(&k->rl_bad, now_us, FS_LOG_WARNING,
			       "netlink: message rejected: %s",
			       nl_geterror(err));
	}
	if (overrun)
		resync(k, now_us);
	if (k->routes_stale) {
		k->routes_stale = false;
		err = nl_cache_resync(k->sync_sock, k->route_cache, changed, k);
		if (err < 0)
			fs_log_limited(&k->rl_resync, now_us, FS_LOG_WARNING,
				       "netlink: route dump failed: %s",
				       nl_geterror(err));
	}
}

void fs_kernel_tick(struct fs_kernel *k, int64_t now_us)
{
	int64_t sec = now_us / 1000000;
	if (sec != k->flap_second) {
		k->flap_second = sec;
		k->flaps = 0;
	}
}

bool fs_kernel_iface_drops(struct fs_kernel *k, const char *ifname,
			   uint64_t *rx_dropped)
{
	if (!ifname)
		return false;
	/* Link notifications come on state changes only, so the cached
	 * counters go stale; ask the kernel (a local round trip). */
	struct rtnl_link *link = NULL;
	if (k->sync_sock &&
	    rtnl_link_get_kernel(k->sync_sock, 0, ifname, &link) == 0 && link) {
		*rx_dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED);
		rtnl_link_put(link);
		return true;
	}
	if (k->link_cache &&
	    (link = rtnl_link_get_by_name(k->link_cache, ifname))) {
		*rx_dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED);
		rtnl_link_put(link);
		return true;
	}
	return false;
}

void fs_kernel_stats(const struct fs_kernel *k, struct fs_kernel_stats *st)
{
	*st = k->st;
}
