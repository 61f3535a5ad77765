/*
 * Raw rtnetlink messages (a stream of nlmsghdr-framed messages, as one
 * recvmsg would return) through the kernel watcher's parse path.
 * Invariants: every emitted event is counted once in the stats, fields
 * are bounded and NUL-terminated, a rejected message emits nothing.
 */
#include <assert.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "floodspot/kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t events;

static void check(const struct fs_event *ev, void *ctx)
{
	(void)ctx;
	events++;
	if (ev->type == FS_EV_ROUTE_CHANGE) {
		const struct fs_ev_route_change *r = &ev->u.route;
		assert(r->family == AF_INET || r->family == AF_INET6);
		assert(r->dst_len <= (r->family == AF_INET ? 32 : 128));
		assert(memchr(r->protocol, 0, sizeof(r->protocol)));
		assert(memchr(r->ifname, 0, sizeof(r->ifname)));
		assert(r->flaps_this_second >= 1);
	} else {
		assert(ev->type == FS_EV_LINK_CHANGE);
		assert(ev->u.link.ifindex > 0);
		assert(memchr(ev->u.link.ifname, 0, sizeof(ev->u.link.ifname)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	fs_event_subscribe(&bus, check, NULL);
	struct fs_kernel *k = fs_kernel_create_offline(&bus, "eth0");
	if (!k)
		return 0;
	events = 0;
	size_t off = 0;
	uint64_t rejected = 0;
	for (int i = 0; i < 64 && size - off >= NLMSG_HDRLEN; i++) {
		uint32_t len;
		memcpy(&len, data + off, sizeof(len));
		uint64_t before = events;
		int rc = fs_kernel_parse_msg(k, data + off, size - off,
					     (int64_t)i * 400000);
		if (rc < 0) {
			rejected++;
			assert(events == before);
		} else if (rc == 0) {
			assert(events == before);
		} else {
			assert(events > before);
		}
		if (len < NLMSG_HDRLEN || NLMSG_ALIGN(len) >= size - off)
			break;
		off += NLMSG_ALIGN(len);
	}
	struct fs_kernel_stats st;
	fs_kernel_stats(k, &st);
	assert(st.route_adds + st.route_dels + st.link_changes == events);
	assert(st.bad_messages == rejected);
	fs_kernel_destroy(k);
	return 0;
}
