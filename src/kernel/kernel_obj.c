/*
 * libnl route and link objects to events: the filter (local table, clones,
 * families), protocol names, the per-ifindex state table that keeps only
 * real link changes, and the per-second flap count.
 */
#include "kernel_priv.h"

#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
	uint8_t proto;
	const char *name;
} proto_names[] = {
	{ RTPROT_UNSPEC, "unspec" },	 { RTPROT_REDIRECT, "redirect" },
	{ RTPROT_KERNEL, "kernel" },	 { RTPROT_BOOT, "boot" },
	{ RTPROT_STATIC, "static" },	 { RTPROT_RA, "ra" },
	{ RTPROT_ZEBRA, "zebra" },	 { RTPROT_BIRD, "bird" },
	{ RTPROT_DHCP, "dhcp" },	 { RTPROT_KEEPALIVED, "keepalived" },
	{ RTPROT_BABEL, "babel" },	 { RTPROT_BGP, "bgp" },
	{ RTPROT_ISIS, "isis" },	 { RTPROT_OSPF, "ospf" },
	{ RTPROT_RIP, "rip" },		 { RTPROT_EIGRP, "eigrp" },
};

/* Fixed table rather than rtnl_route_proto2str: that one depends on the
 * host's rt_protos file, and output must not. */
const char *fs_kernel_proto_name(uint8_t proto, char buf[16])
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	snprintf(buf, 16, "%u", proto);
	return buf;
}

static size_t link_slot(int ifindex)
{
	return ((uint32_t)ifindex * 2654435761u) & (FS_KERNEL_LINKS - 1);
}

static struct fs_kernel_link *link_find(struct fs_kernel *k, int ifindex)
{
	size_t i = link_slot(ifindex);
	for (size_t n = 0; n < FS_KERNEL_LINKS; n++) {
		struct fs_kernel_link *l = &k->links[i];
		if (l->ifindex == ifindex)
			return l;
		if (l->ifindex == 0)
			return NULL;
		i = (i + 1) & (FS_KERNEL_LINKS - 1);
	}
	return NULL;
}

/* NULL when the table is full. */
static struct fs_kernel_link *link_get(struct fs_kernel *k, int ifindex,
				       bool *fresh)
{
	size_t i = link_slot(ifindex);
	*fresh = false;
	/* Keep one slot free so find() always meets an empty one. */
	for (size_t n = 0; n + 1 < FS_KERNEL_LINKS; n++) {
		struct fs_kernel_link *l = &k->links[i];
		if (l->ifindex == ifindex)
			return l;
		if (l->ifindex == 0) {
			memset(l, 0, sizeof(*l));
			l->ifindex = ifindex;
			*fresh = true;
			return l;
		}
		i = (i + 1) & (FS_KERNEL_LINKS - 1);
	}
	return NULL;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void link_remove(struct fs_kernel *k, struct fs_kernel_link *l)
{
	size_t hole = (size_t)(l - k->links);
	size_t i = hole;
	for (;;) {
		i = (i + 1) & (FS_KERNEL_LINKS - 1);
		struct fs_kernel_link *c = &k->links[i];
		if (c->ifindex == 0)
			break;
		size_t home = link_slot(c->ifindex);
		/* c may move to hole only if home is not in (hole, i]. */
		bool between = hole <= i ? (home > hole && home <= i)
					 : (home > hole || home <= i);
		if (!between) {
			k->links[hole] = *c;
			hole = i;
		}
	}
	memset(&k->links[hole], 0, sizeof(k->links[hole]));
}

static void link_state(struct rtnl_link *link, bool *up, bool *carrier)
{
	unsigned flags = rtnl_link_get_flags(link);
	uint8_t oper = rtnl_link_get_operstate(link);
	*up = (flags & IFF_UP) != 0;
	/* Drivers without operstate support say UNKNOWN; trust LOWER_UP then. */
	*carrier = (flags & IFF_LOWER_UP) != 0 &&
		   (oper == IF_OPER_UP || oper == IF_OPER_UNKNOWN);
}

static void copy_name(char dst[IF_NAMESIZE], const char *src)
{
	if (!src)
		src = "";
	snprintf(dst, IF_NAMESIZE, "%s", src);
}

void fs_kernel_link_seed(struct fs_kernel *k, struct nl_object *obj)
{
	struct rtnl_link *link = (struct rtnl_link *)obj;
	int ifindex = rtnl_link_get_ifindex(link);
	bool fresh;
	struct fs_kernel_link *l;
	if (ifindex <= 0 || !(l = link_get(k, ifindex, &fresh)))
		return;
	link_state(link, &l->up, &l->carrier);
	copy_name(l->name, rtnl_link_get_name(link));
}

struct via {
	int ifindex;
	bool found;
};

static void match_via(struct nl_object *obj, void *arg)
{
	struct via *v = arg;
	struct rtnl_route *r = (struct rtnl_route *)obj;
	if (v->found || rtnl_route_get_family(r) != AF_INET)
		return;
	for (int i = 0; i < rtnl_route_get_nnexthops(r); i++) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);
		if (nh && rtnl_route_nh_get_ifindex(nh) == v->ifindex)
			v->found = true;
	}
}

/* O(routes) in memory, so the dump (O(routes) from the kernel, on the
 * capture thread) happens only when it can change something. */
static bool routes_via(struct fs_kernel *k, int ifindex)
{
	struct via v = { ifindex, false };
	nl_cache_foreach(k->route_cache, match_via, &v);
	return v.found;
}

static int link_object(struct fs_kernel *k, struct rtnl_link *link,
		       int action)
{
	int ifindex = rtnl_link_get_ifindex(link);
	if (ifindex <= 0) {
		k->st.bad_messages++;
		return -1;
	}
	/* AF_BRIDGE notifications describe bridge ports, not the link. */
	int family = rtnl_link_get_family(link);
	if (family != AF_UNSPEC && family != AF_PACKET) {
		k->st.ignored++;
		return 0;
	}
	struct fs_event ev = { .type = FS_EV_LINK_CHANGE, .ts_us = k->now_us };
	struct fs_ev_link_change *lc = &ev.u.link;
	lc->ifindex = ifindex;
	copy_name(lc->ifname, rtnl_link_get_name(link));

	struct fs_kernel_link *l = link_find(k, ifindex);
	if (action == NL_ACT_DEL) {
		if (!lc->ifname[0] && l)
			copy_name(lc->ifname, l->name);
		bool was_on = !l || l->up || l->carrier;
		if (l)
			link_remove(k, l);
		if (!was_on)
			return 0;
		lc->up = lc->carrier = false;
	} else {
		link_state(link, &lc->up, &lc->carrier);
		bool fresh = false;
		if (!l)
			l = link_get(k, ifindex, &fresh);
		if (!l) {
			k->links_untracked++;
		} else {
			bool renamed = lc->ifname[0] &&
				       strcmp(l->name, lc->ifname) != 0;
			if (lc->ifname[0])
				copy_name(l->name, lc->ifname);
			else
				copy_name(lc->ifname, l->name);
			if (!fresh && !renamed && l->up == lc->up &&
			    l->carrier == lc->carrier)
				return 0;
			l->up = lc->up;
			l->carrier = lc->carrier;
		}
	}
	/* The kernel drops the IPv4 routes of a link set down or deleted
	 * without a notification: if we hold any, a dump after this batch
	 * finds them gone. (Carrier loss only flags them linkdown.) */
	if (!lc->up && !k->routes_stale && k->route_cache)
		k->routes_stale = routes_via(k, ifindex);
	lc->is_capture_iface = k->capture_ifname[0] &&
			       strcmp(lc->ifname, k->capture_ifname) == 0;
	k->st.link_changes++;
	fs_event_emit(k->bus, &ev);
	return 1;
}

static int route_object(struct fs_kernel *k, struct rtnl_route *r, int action)
{
	int family = rtnl_route_get_family(r);
	uint32_t table = rtnl_route_get_table(r);
	uint8_t type = rtnl_route_get_type(r);
	if ((family != AF_INET && family != AF_INET6) ||
	    table == RT_TABLE_LOCAL || type == RTN_LOCAL ||
	    type == RTN_BROADCAST || (rtnl_route_get_flags(r) & RTM_F_CLONED)) {
		k->st.ignored++;
		return 0;
	}
	/* NL_ACT_CHANGE: a replaced route or merged nexthops; the prefix
	 * stays routed, so it is neither an add nor a del. */
	if (action != NL_ACT_NEW && action != NL_ACT_DEL) {
		k->st.ignored++;
		return 0;
	}
	struct fs_event ev = { .type = FS_EV_ROUTE_CHANGE, .ts_us = k->now_us };
	struct fs_ev_route_change *rc = &ev.u.route;
	rc->added = action == NL_ACT_NEW;
	rc->family = (uint8_t)family;
	rc->table = table;

	struct nl_addr *dst = rtnl_route_get_dst(r);
	if (dst) {
		unsigned alen = nl_addr_get_len(dst);
		unsigned plen = nl_addr_get_prefixlen(dst);
		unsigned max = family == AF_INET ? 4 : 16;
		if (alen > max || plen > max * 8) {
			k->st.bad_messages++;
			return -1;
		}
		memcpy(rc->dst, nl_addr_get_binary_addr(dst), alen);
		rc->dst_len = (uint8_t)plen;
	}
	char num[16];
	copy_name(rc->protocol,
		  fs_kernel_proto_name(rtnl_route_get_protocol(r), num));

	struct rtnl_nexthop *nh = rtnl_route_get_nnexthops(r) > 0
					  ? rtnl_route_nexthop_n(r, 0)
					  : NULL;
	int oif = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
	if (oif > 0) {
		struct fs_kernel_link *l = link_find(k, oif);
		if (l && l->name[0])
			copy_name(rc->ifname, l->name);
		else if (k->link_cache)
			rtnl_link_i2name(k->link_cache, oif, rc->ifname,
					 sizeof(rc->ifname));
	}

	int64_t sec = k->now_us / 1000000;
	if (sec != k->flap_second) {
		k->flap_second = sec;
		k->flaps = 0;
	}
	rc->flaps_this_second = ++k->flaps;
	if (rc->added)
		k->st.route_adds++;
	else
		k->st.route_dels++;
	fs_event_emit(k->bus, &ev);
	return 1;
}

int fs_kernel_object(struct fs_kernel *k, struct nl_object *obj, int action)
{
	const char *type = nl_object_get_type(obj);
	if (type && strcmp(type, "route/route") == 0)
		return route_object(k, (struct rtnl_route *)obj, action);
	if (type && strcmp(type, "route/link") == 0)
		return link_object(k, (struct rtnl_link *)obj, action);
	k->st.ignored++;
	return 0;
}
