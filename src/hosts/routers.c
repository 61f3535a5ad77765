/*
 * Router MACs and IPs. A site has a handful of routers, so the lists are
 * plain arrays; a 256-bit filter per list (one bit per entry, by a
 * multiplicative hash) lets the common packet, not addressed to any
 * router, skip the scan. The scan is bounded by FS_ROUTERS_MAX. The
 * hash is not keyed: the list is ours, not chosen by senders, and a
 * sender who hits a filter bit only costs one bounded scan.
 */
#include "floodspot/routers.h"

#include <arpa/inet.h>
#include <string.h>

#include "floodspot/fmt.h"

void fs_routers_init(struct fs_routers *r)
{
	memset(r, 0, sizeof *r);
}

static unsigned mac_bit(const uint8_t mac[6])
{
	uint64_t x = 0;
	memcpy(&x, mac, 6);
	return (unsigned)((x * 0x9e3779b97f4a7c15ULL) >> 56);
}

static unsigned ip_bit(uint8_t version, const uint8_t *addr)
{
	uint64_t x = 0, y = 0;
	if (version == 4) {
		memcpy(&x, addr, 4);
	} else {
		memcpy(&x, addr, 8);
		memcpy(&y, addr + 8, 8);
		x ^= y * 0xff51afd7ed558ccdULL;
	}
	return (unsigned)(((x ^ version) * 0x9e3779b97f4a7c15ULL) >> 56);
}

static bool filter_has(const uint64_t f[4], unsigned bit)
{
	return f[bit >> 6] >> (bit & 63) & 1;
}

static void filter_set(uint64_t f[4], unsigned bit)
{
	f[bit >> 6] |= 1ULL << (bit & 63);
}

int fs_routers_add_mac(struct fs_routers *r, const uint8_t mac[6])
{
	if (fs_routers_has_mac(r, mac))
		return 1;
	if (r->n_macs >= FS_ROUTERS_MAX)
		return -1;
	memcpy(r->macs[r->n_macs++], mac, 6);
	filter_set(r->mac_filter, mac_bit(mac));
	return 0;
}

static size_t ip_len(uint8_t version)
{
	return version == 4 ? 4 : 16;
}

/* Out of line, so the filter test that rejects most packets runs
 * without this loop's register saves. */
static __attribute__((noinline)) bool scan_ip(const struct fs_routers *r,
					      uint8_t version,
					      const uint8_t *addr)
{
	size_t len = ip_len(version);
	for (unsigned i = 0; i < r->n_ips; i++)
		if (r->ips[i].version == version &&
		    memcmp(r->ips[i].addr, addr, len) == 0)
			return true;
	return false;
}

static bool has_ip(const struct fs_routers *r, uint8_t version,
		   const uint8_t *addr)
{
	return filter_has(r->ip_filter, ip_bit(version, addr)) &&
	       scan_ip(r, version, addr);
}

int fs_routers_add_ip(struct fs_routers *r, uint8_t version,
		      const uint8_t *addr)
{
	if (version != 4 && version != 6)
		return -1;
	if (has_ip(r, version, addr))
		return 1;
	if (r->n_ips >= FS_ROUTERS_MAX)
		return -1;
	r->ips[r->n_ips].version = version;
	memset(r->ips[r->n_ips].addr, 0, 16);
	memcpy(r->ips[r->n_ips].addr, addr, ip_len(version));
	r->n_ips++;
	filter_set(r->ip_filter, ip_bit(version, addr));
	return 0;
}

int fs_routers_add_text(struct fs_routers *r, const char *text)
{
	uint8_t buf[16];

	if (fs_parse_mac(text, buf) == 0)
		return fs_routers_add_mac(r, buf);
	if (inet_pton(AF_INET, text, buf) == 1)
		return fs_routers_add_ip(r, 4, buf);
	if (inet_pton(AF_INET6, text, buf) == 1)
		return fs_routers_add_ip(r, 6, buf);
	return -1;
}

static __attribute__((noinline)) bool scan_mac(const struct fs_routers *r,
					       const uint8_t mac[6])
{
	for (unsigned i = 0; i < r->n_macs; i++)
		if (memcmp(r->macs[i], mac, 6) == 0)
			return true;
	return false;
}

bool fs_routers_has_mac(const struct fs_routers *r, const uint8_t mac[6])
{
	return filter_has(r->mac_filter, mac_bit(mac)) && scan_mac(r, mac);
}

/*
 * First-hop redundancy virtual MACs belong to a router by definition:
 * VRRP (RFC 5798: 00:00:5e:00:01:xx IPv4, 00:00:5e:00:02:xx IPv6), HSRP v1
 * (00:00:0c:07:ac:xx) and v2 (00:00:0c:9f:fx:xx).
 */
static bool virtual_router_mac(const uint8_t m[6])
{
	if (m[0] == 0x00 && m[1] == 0x00 && m[2] == 0x5e && m[3] == 0x00)
		return m[4] == 0x01 || m[4] == 0x02;
	if (m[0] == 0x00 && m[1] == 0x00 && m[2] == 0x0c)
		return (m[3] == 0x07 && m[4] == 0xac) ||
		       (m[3] == 0x9f && (m[4] & 0xf0) == 0xf0);
	return false;
}

/*
 * A router forwards IP unicast for other destinations in hardware; what it
 * punts to its CPU from its own MAC is everything else: non-IP (ARP, ...),
 * TTL expiry, IP options, link-local multicast and packets it cannot parse.
 * Counting routed traffic would flag every busy host behind its gateway.
 */
static bool punted_from_l2(const struct fs_pkt *p)
{
	const uint32_t punt = FS_CLASS_BIT(FS_CLASS_TTL_LE1) |
			      FS_CLASS_BIT(FS_CLASS_IP_OPTIONS) |
			      FS_CLASS_BIT(FS_CLASS_IP_MCAST_LOCAL);

	if (p->ip_version != 4 && p->ip_version != 6)
		return true;
	return (p->classes & punt) || p->status != FS_DECODE_OK;
}

void fs_routers_classify(const struct fs_routers *r, struct fs_pkt *p)
{
	bool ip = p->ip_version == 4 || p->ip_version == 6;

	if ((ip && has_ip(r, p->ip_version, p->dst_ip)) ||
	    (p->has_mac && punted_from_l2(p) &&
	     (fs_routers_has_mac(r, p->dst_mac) ||
	      virtual_router_mac(p->dst_mac))))
		p->classes |= FS_CLASS_BIT(FS_CLASS_TO_ROUTER);
	if (!p->is_ospf)
		return;
	/* Without L2 (raw IP captures) the source IP is all we can judge. */
	bool router = p->has_mac ? fs_routers_has_mac(r, p->src_mac)
				 : ip && has_ip(r, p->ip_version, p->src_ip);
	if (!router)
		p->classes |= FS_CLASS_BIT(FS_CLASS_OSPF_NON_ROUTER);
}
