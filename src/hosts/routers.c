/*
 * Router MACs and IPs with their evidence (routers.h). A site has a
 * handful of routers, so the lists are plain arrays; a 256-bit filter per
 * list (one bit per entry, by a multiplicative hash) lets the common
 * packet, not addressed to any router, skip the scan. The scan is bounded
 * by FS_ROUTERS_MAX. The hash is not keyed: the list is ours, not chosen
 * by senders, and a sender who hits a filter bit only costs one bounded
 * scan. The next-hop candidates for "forwarding" are a direct-mapped
 * table: a collision replaces only a candidate with few hits, so spoofed
 * destination MACs churn among themselves.
 */
#include "floodspot/routers.h"

#include <arpa/inet.h>
#include <string.h>

#include "floodspot/fmt.h"

static const char *const evidence_names[FS_RTR_EVIDENCE_COUNT] = {
	[FS_RTR_CONFIG] = "config",	      [FS_RTR_OSPF] = "ospf",
	[FS_RTR_VIRTUAL_MAC] = "virtual-mac", [FS_RTR_VRRP] = "vrrp",
	[FS_RTR_HSRP] = "hsrp",		      [FS_RTR_RIP] = "rip",
	[FS_RTR_BGP] = "bgp",		      [FS_RTR_RA] = "ra",
	[FS_RTR_REDIRECT] = "redirect",	      [FS_RTR_TTL_EXCEEDED] = "ttl-exceeded",
	[FS_RTR_FORWARDING] = "forwarding",
};

const char *fs_router_evidence_name(enum fs_router_evidence e)
{
	return (unsigned)e < FS_RTR_EVIDENCE_COUNT ? evidence_names[e] : "unknown";
}

char *fs_router_evidence_text(uint32_t bits, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (int e = 0; e < FS_RTR_EVIDENCE_COUNT && o < len; e++) {
		if (!(bits & (1u << e)))
			continue;
		int n = snprintf(buf + o, len - o, "%s%s", o ? "," : "",
				 evidence_names[e]);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
	return buf;
}

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

static bool denied_mac(const struct fs_routers *r, const uint8_t mac[6])
{
	for (unsigned i = 0; i < r->n_deny_macs; i++)
		if (memcmp(r->deny_macs[i], mac, 6) == 0)
			return true;
	return false;
}

static int mac_index(const struct fs_routers *r, const uint8_t mac[6])
{
	if (!filter_has(r->mac_filter, mac_bit(mac)))
		return -1;
	for (unsigned i = 0; i < r->n_macs; i++)
		if (memcmp(r->macs[i], mac, 6) == 0)
			return (int)i;
	return -1;
}

int fs_routers_add_evidence(struct fs_routers *r, const uint8_t mac[6],
			    enum fs_router_evidence ev, uint16_t vlan,
			    int64_t ts_us)
{
	if (denied_mac(r, mac)) {
		r->refused++;
		return -1;
	}
	int i = mac_index(r, mac);
	int rc = 1;
	if (i < 0) {
		if (r->n_macs >= FS_ROUTERS_MAX) {
			r->full++;
			return -1;
		}
		i = (int)r->n_macs++;
		memcpy(r->macs[i], mac, 6);
		r->evidence[i] = 0;
		r->first_us[i] = ts_us;
		r->vlan[i] = vlan;
		filter_set(r->mac_filter, mac_bit(mac));
		rc = 0;
	}
	uint32_t bit = 1u << ev;
	if (r->evidence[i] & bit)
		return rc;
	r->evidence[i] |= bit;
	if (r->bus && ev != FS_RTR_CONFIG) {
		struct fs_event e;
		memset(&e, 0, sizeof(e));
		e.type = FS_EV_ROUTER_LEARNED;
		e.ts_us = ts_us;
		memcpy(e.u.router_learned.mac, mac, 6);
		e.u.router_learned.vlan = vlan;
		e.u.router_learned.evidence = (uint8_t)ev;
		e.u.router_learned.all = r->evidence[i];
		fs_event_emit(r->bus, &e);
	}
	return rc;
}

int fs_routers_add_mac(struct fs_routers *r, const uint8_t mac[6])
{
	return fs_routers_add_evidence(r, mac, FS_RTR_CONFIG, 0, 0);
}

uint32_t fs_routers_evidence(const struct fs_routers *r, const uint8_t mac[6])
{
	int i = mac_index(r, mac);
	return i < 0 ? 0 : r->evidence[i];
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

static bool denied_ip(const struct fs_routers *r, uint8_t version,
		      const uint8_t *addr)
{
	size_t len = ip_len(version);
	for (unsigned i = 0; i < r->n_deny_ips; i++)
		if (r->deny_ips[i].version == version &&
		    memcmp(r->deny_ips[i].addr, addr, len) == 0)
			return true;
	return false;
}

int fs_routers_add_ip(struct fs_routers *r, uint8_t version,
		      const uint8_t *addr)
{
	if (version != 4 && version != 6)
		return -1;
	if (denied_ip(r, version, addr)) {
		r->refused++;
		return -1;
	}
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

int fs_routers_deny_text(struct fs_routers *r, const char *text)
{
	uint8_t buf[16];

	if (fs_parse_mac(text, buf) == 0) {
		if (r->n_deny_macs >= FS_ROUTERS_DENY_MAX)
			return -1;
		memcpy(r->deny_macs[r->n_deny_macs++], buf, 6);
		return 0;
	}
	uint8_t version = inet_pton(AF_INET, text, buf) == 1 ? 4
			  : inet_pton(AF_INET6, text, buf) == 1 ? 6 : 0;
	if (!version || r->n_deny_ips >= FS_ROUTERS_DENY_MAX)
		return -1;
	r->deny_ips[r->n_deny_ips].version = version;
	memset(r->deny_ips[r->n_deny_ips].addr, 0, 16);
	memcpy(r->deny_ips[r->n_deny_ips].addr, buf, ip_len(version));
	r->n_deny_ips++;
	return 0;
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

/*
 * What a packet says about its sender being a router. Checked in order of
 * how often the fields are set, so an ordinary TCP or UDP packet costs a
 * couple of compares.
 */
static int sender_evidence(const struct fs_pkt *p)
{
	if (p->ip_proto == 112)
		return FS_RTR_VRRP;	/* VRRP and CARP share the number */
	if (p->classes & FS_CLASS_BIT(FS_CLASS_ICMP)) {
		if (p->ip_version == 4)
			return p->icmp_type == 5 ? FS_RTR_REDIRECT
			       : p->icmp_type == 11 && p->icmp_code == 0
				       ? FS_RTR_TTL_EXCEEDED : -1;
		return p->icmp_type == 134 ? FS_RTR_RA
		       : p->icmp_type == 137 ? FS_RTR_REDIRECT
		       : p->icmp_type == 3 && p->icmp_code == 0
			       ? FS_RTR_TTL_EXCEEDED : -1;
	}
	if (p->ip_proto == 17) {
		if (p->src_port == 1985 || p->src_port == 2029)
			return FS_RTR_HSRP;
		if ((p->src_port == 520 && p->dst_port == 520) ||
		    (p->src_port == 521 && p->dst_port == 521))
			return FS_RTR_RIP;
		return -1;
	}
	/* Answering on 179 (SYN-ACK or data with ACK, not a reset): a BGP
	 * speaker. A SYN to 179 proves nothing of its sender. */
	if (p->ip_proto == 6 && p->src_port == 179 && (p->tcp_flags & 0x10) &&
	    !(p->tcp_flags & 0x04))
		return FS_RTR_BGP;
	return -1;
}

static unsigned fwd_slot(const uint8_t mac[6])
{
	uint64_t x = 0;
	memcpy(&x, mac, 6);
	return (unsigned)((x * 0xff51afd7ed558ccdULL) >> 54) % FS_ROUTERS_FWD_SLOTS;
}

/*
 * Forwarding: hosts send to their gateway's MAC for addresses that are
 * not its own, many of them. Every FS_ROUTERS_FWD_SAMPLE-th destination
 * address (by hash, so the same address always is or is not sampled) is
 * set in a 64-bit sketch per destination MAC; enough bits set is the
 * evidence.
 */
static __attribute__((noinline)) void note_next_hop(struct fs_routers *r,
						    const struct fs_pkt *p,
						    uint64_t h)
{
	struct fs_router_fwd *f = &r->fwd[fwd_slot(p->dst_mac)];
	if (memcmp(f->mac, p->dst_mac, 6) != 0) {
		if (f->hits >= 4)
			return;		/* an established candidate stays */
		memcpy(f->mac, p->dst_mac, 6);
		f->hits = 0;
		f->dst_bits = 0;
	}
	if (f->hits < UINT16_MAX)
		f->hits++;
	f->dst_bits |= 1ULL << (h >> 58);
	if (__builtin_popcountll(f->dst_bits) >= FS_ROUTERS_FWD_DISTINCT &&
	    !(fs_routers_evidence(r, p->dst_mac) & (1u << FS_RTR_FORWARDING)))
		fs_routers_add_evidence(r, p->dst_mac, FS_RTR_FORWARDING, p->vlan,
					p->ts_us);
}

static void learn(struct fs_routers *r, const struct fs_pkt *p, bool ip)
{
	if (!p->has_mac)
		return;
	if (ip && !(p->dst_mac[0] & 1) && p->status == FS_DECODE_OK) {
		uint64_t x = 0, y = 0;
		memcpy(&x, p->dst_ip, 8);
		memcpy(&y, p->dst_ip + 8, 8);
		uint64_t h = (x ^ y * 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL;
		if ((h >> 32) % FS_ROUTERS_FWD_SAMPLE == 0)
			note_next_hop(r, p, h);
	}
	if (ip) {
		int ev = sender_evidence(p);
		if (ev >= 0 && fs_routers_add_evidence(r, p->src_mac,
						       (enum fs_router_evidence)ev,
						       p->vlan, p->ts_us) >= 0 &&
		    ev == FS_RTR_RA)
			fs_routers_add_ip(r, 6, p->src_ip);
	} else if ((p->classes & FS_CLASS_BIT(FS_CLASS_ARP)) &&
		   fs_routers_has_mac(r, p->src_mac) && !has_ip(r, 4, p->arp_spa) &&
		   (p->arp_spa[0] | p->arp_spa[1] | p->arp_spa[2] | p->arp_spa[3])) {
		/* The addresses a router claims for itself. */
		fs_routers_add_ip(r, 4, p->arp_spa);
	}
	if (virtual_router_mac(p->src_mac))
		fs_routers_add_evidence(r, p->src_mac, FS_RTR_VIRTUAL_MAC, p->vlan,
					p->ts_us);
}

void fs_routers_classify(struct fs_routers *r, struct fs_pkt *p)
{
	bool ip = p->ip_version == 4 || p->ip_version == 6;

	learn(r, p, ip);

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
