/*
 * Names of the packet classes (one vocabulary for JSON, rules and RRD),
 * of remote mirrors and routing protocols, and the segment text form.
 */
#include "floodspot/pkt.h"

#include <string.h>

static const char *const class_names[FS_CLASS_COUNT] = {
	[FS_CLASS_BROADCAST] = "broadcast",
	[FS_CLASS_MULTICAST] = "multicast",
	[FS_CLASS_ARP] = "arp",
	[FS_CLASS_IP_MCAST_LOCAL] = "ip_mcast_local",
	[FS_CLASS_TO_ROUTER] = "to_router",
	[FS_CLASS_TTL_LE1] = "ttl_le1",
	[FS_CLASS_IP_OPTIONS] = "ip_options",
	[FS_CLASS_FRAGMENT] = "fragment",
	[FS_CLASS_TCP_SYN] = "tcp_syn",
	[FS_CLASS_ICMP] = "icmp",
	[FS_CLASS_NON_IP] = "non_ip",
	[FS_CLASS_OSPF_NON_ROUTER] = "ospf_non_router",
	[FS_CLASS_MALFORMED] = "malformed",
};

const char *fs_class_name(enum fs_class c)
{
	if ((unsigned)c < FS_CLASS_COUNT)
		return class_names[c];
	return "unknown";
}

int fs_class_parse(const char *name)
{
	for (int i = 0; i < FS_CLASS_COUNT; i++)
		if (strcmp(class_names[i], name) == 0)
			return i;
	return -1;
}

static const char *const mirror_names[FS_MIRROR_COUNT] = {
	[FS_MIRROR_NONE] = "none",
	[FS_MIRROR_ERSPAN_I] = "erspan1",
	[FS_MIRROR_ERSPAN_II] = "erspan2",
	[FS_MIRROR_ERSPAN_III] = "erspan3",
	[FS_MIRROR_GRE_TEB] = "gre_teb",
	[FS_MIRROR_VXLAN] = "vxlan",
};

static const char *const route_names[FS_ROUTE_COUNT] = {
	[FS_ROUTE_NONE] = "none",
	[FS_ROUTE_OSPF] = "ospf",
	[FS_ROUTE_BGP] = "bgp",
	[FS_ROUTE_BFD] = "bfd",
	[FS_ROUTE_VRRP] = "vrrp",
	[FS_ROUTE_CARP] = "carp",
	[FS_ROUTE_HSRP] = "hsrp",
};

const char *fs_mirror_kind_name(enum fs_mirror_kind k)
{
	if ((unsigned)k >= FS_MIRROR_COUNT)
		return "unknown";
	return mirror_names[k];
}

const char *fs_route_kind_name(enum fs_route_kind k)
{
	if ((unsigned)k >= FS_ROUTE_COUNT)
		return "unknown";
	return route_names[k];
}
