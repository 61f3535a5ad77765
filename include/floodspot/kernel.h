/*
 * The kernel as a second witness, through libnl's cache manager: route
 * adds and removes by routing protocol, link and carrier changes, and the
 * capture interface's drop counters. Emits FS_EV_ROUTE_CHANGE and
 * FS_EV_LINK_CHANGE. Never blocks: the caller polls fs_kernel_fd().
 */
#ifndef FLOODSPOT_KERNEL_H
#define FLOODSPOT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/event.h"

struct fs_kernel;

struct fs_kernel_stats {
	uint64_t route_adds, route_dels, link_changes;
	uint64_t resyncs;		/* dumps after ENOBUFS */
	uint64_t bad_messages;		/* rejected by attribute validation */
	uint64_t ignored;		/* local table, clones, other families */
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

/* rx_dropped of an interface, asked of the kernel (one netlink round trip:
 * link notifications do not carry fresh counters), else from the link
 * cache; false if unknown. */
bool fs_kernel_iface_drops(struct fs_kernel *k, const char *ifname,
			   uint64_t *rx_dropped);
void fs_kernel_stats(const struct fs_kernel *k, struct fs_kernel_stats *st);

/*
 * Without a netlink socket (fs_kernel_fd() returns -1): for tests, fuzzing
 * and replay of captured rtnetlink messages through fs_kernel_parse_msg().
 */
struct fs_kernel *fs_kernel_create_offline(struct fs_event_bus *bus,
					   const char *capture_ifname);
/*
 * One raw rtnetlink message (struct nlmsghdr and payload, len bytes),
 * parsed by libnl with its attribute policy, as the live path does.
 * Returns 1 when an event was emitted, 0 when the message was valid but
 * not reported (no real change, local table, other type), -1 when it was
 * rejected (counted in bad_messages).
 */
int fs_kernel_parse_msg(struct fs_kernel *k, const void *buf, size_t len,
			int64_t now_us);

/* "bird", "zebra", "ospf", ..., or the number in decimal. */
const char *fs_kernel_proto_name(uint8_t proto, char buf[16]);

#endif
