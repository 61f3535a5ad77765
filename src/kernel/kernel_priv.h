/* Internals shared by the kernel watcher's files. */
#ifndef FS_KERNEL_PRIV_H
#define FS_KERNEL_PRIV_H

#include <net/if.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "floodspot/kernel.h"
#include "floodspot/log.h"

struct nl_object;
struct nl_sock;
struct nl_cache;
struct nl_cache_mngr;

/* Last reported state per ifindex, so only real changes are emitted. */
#define FS_KERNEL_LINKS 4096	/* power of two */

struct fs_kernel_link {
	int ifindex;		/* 0: empty slot */
	bool up, carrier;
	char name[IF_NAMESIZE];
};

struct fs_kernel {
	struct fs_event_bus *bus;
	char capture_ifname[IF_NAMESIZE];

	struct nl_cache_mngr *mngr;	/* NULL offline */
	struct nl_sock *mngr_sock;	/* notifications, owned by us */
	struct nl_sock *sync_sock;	/* dumps for resync, link queries */
	struct nl_cache *link_cache, *route_cache;
	int64_t now_us;			/* stamp for events from callbacks */
	bool routes_stale;		/* a link went down: dump routes */

	int64_t flap_second;
	uint32_t flaps;

	struct fs_kernel_stats st;
	uint64_t links_untracked;	/* table full: reported unfiltered */
	struct fs_ratelimit rl_bad, rl_resync;
	struct fs_kernel_link links[FS_KERNEL_LINKS];
};

/* Framing and nexthop lengths sound enough to hand to libnl. */
bool fs_kernel_msg_check(const void *buf, size_t len);
/* NL_ACT_NEW / NL_ACT_DEL / NL_ACT_CHANGE on a route or link object. */
int fs_kernel_object(struct fs_kernel *k, struct nl_object *obj, int action);
/* Records a link's state without emitting (initial dump). */
void fs_kernel_link_seed(struct fs_kernel *k, struct nl_object *obj);

#endif
