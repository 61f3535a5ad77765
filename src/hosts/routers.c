/*
 * Router MACs and IPs. A site has a handful of routers, so a linear scan
 * over packed keys is cheaper per packet than hashing; the scan is bounded
 * by FS_ROUTERS_MAX.
 */
#include "floodspot/routers.h"

#include <arpa/inet.h>
#include <string.h>

#include "floodspot/fmt.h"

void fs_routers_init(struct fs_routers *r)
{
	memset(r, 0, sizeof *r);
}

int fs_routers_add_mac(struct fs_routers *r, const uint8_t mac[6])
{
	if (fs_routers_has_mac(r, mac))
		return 1;
	if (r->n_macs >= FS_ROUTERS_MAX)
		return -1;
	memcpy(r->macs[r->n_macs++], mac, 6);
	return 0;
}

static size_t ip_len(uint8_t version)
{
	return version == 4 ? 4 : 16;
}

static bool has_ip(const struct fs_routers *r, uint8_t version,
		   const uint8_t *addr)
{
	size_t len = ip_len(version);
	for (unsigned i = 0; i < r->n_ips; i++)
		if (r->ips[i].version == version &&
		    memcmp(r->ips[i].addr, addr, len) == 0)
			return true;
	return false;
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

bool fs_routers_has_mac(const struct fs_routers *r, const uint8_t mac[6])
{
	for (unsigned i = 0; i < r->n_macs; i++)
		if (memcmp(r->macs[i], mac, 6) == 0)
			return true;
	return false;
}

void fs_routers_classify(const struct fs_routers *r, struct fs_pkt *p)
{
	bool ip = p->ip_version == 4 || p->ip_version == 6;

	if ((p->has_mac && fs_routers_has_mac(r, p->dst_mac)) ||
	    (ip && has_ip(r, p->ip_version, p->dst_ip)))
		p->classes |= FS_CLASS_BIT(FS_CLASS_TO_ROUTER);
	if (!p->is_ospf)
		return;
	/* Without L2 (raw IP captures) the source IP is all we can judge. */
	bool router = p->has_mac ? fs_routers_has_mac(r, p->src_mac)
				 : ip && has_ip(r, p->ip_version, p->src_ip);
	if (!router)
		p->classes |= FS_CLASS_BIT(FS_CLASS_OSPF_NON_ROUTER);
}
