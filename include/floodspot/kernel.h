/*
 * The kernel as a second witness, through libnl's cache manager: route
 * adds and removes by routing protocol, link and carrier changes, and the
 * capture interface's drop counters. Emits FS_EV_ROUTE_CHANGE and
 * FS_EV_LINK_CHANGE. Never blocks: the caller polls fs_kernel_fd().
 */
#ifndef FLOODSPOT_KERNEL_H
#define FLOODSPOT_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/event.h"

struct fs_kernel;

struct fs_kernel_stats {
	uint64_t route_adds, route_dels, link_changes;
	uint64_t resyncs;		/* dumps after ENOBUFS */
	uint64_t bad_messages;		/* rejected by attribute validation */
};

/* capture_ifname may be NULL (offline). Returns NULL with errno set. */
struct fs_kernel *fs_kernel_create(struct fs_event_bus *bus,
				   const char *capture_ifname);
void fs_kernel_destroy(struct fs_kernel *k);

int fs_kernel_fd(const struct fs_kernel *k);
/* Call when fs_kernel_fd() is readable; now_us stamps the events. */
void fs_kernel_process(struct fs_kernel *k, int64_t now_us);
/* Once per second: per-second flap counts. */
void fs_kernel_tick(struct fs_kernel *k, int64_t now_us);

/* rx_dropped of an interface from the link cache; false if unknown. */
bool fs_kernel_iface_drops(struct fs_kernel *k, const char *ifname,
			   uint64_t *rx_dropped);
void fs_kernel_stats(const struct fs_kernel *k, struct fs_kernel_stats *st);

#endif
