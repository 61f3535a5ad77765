/*
 * fs_html_tick: copies what the page needs out of the hosts and OSPF
 * tables (top_n hosts, capped routers and adjacencies) into the snapshot.
 */
#include <string.h>

#include "floodspot/fmt.h"
#include "html_int.h"


static void add_router(const struct fs_ospf_router_view *r, void *ctx)
{
	struct fs_html_router v = { .router_id = r->router_id,
				    .vlan = r->vlan,
				    .hello_interval_s = r->hello_interval_s,
				    .dead_interval_s = r->dead_interval_s,
				    .last_gap_ms = r->last_gap_ms,
				    .gap_max_ms = r->gap_max_ms,
				    .neighbors = r->neighbors_listed,
				    .adj_full = r->adjacencies_full,
				    .alive = r->alive };
	memcpy(v.mac, r->mac, 6);
	if (r->ip_version)
		fs_fmt_ip(v.ip, r->ip_version, r->ip);
	fs_router_evidence_text(r->evidence, v.evidence, sizeof(v.evidence));
	fs_html_add_router(ctx, &v);
}

static void add_adj(const struct fs_ospf_adj_view *a, void *ctx)
{
	fs_html_add_adjacency(ctx, a);
}

void fs_html_tick(struct fs_html *h, int64_t now_us, const struct fs_hosts *hosts,
		  const struct fs_ospf *ospf, int force)
{
	if (!h || !fs_html_due(h, now_us, force))
		return;
	fs_html_begin(h, now_us);
	if (force)
		fs_html_force(h);
	if (hosts) {
		const struct fs_host *top[64];
		uint32_t want = fs_html_top_n(h);
		size_t n = fs_hosts_top(hosts, top, want < 64 ? want : 64);
		for (size_t i = 0; i < n; i++) {
			const struct fs_host *x = top[i];
			struct fs_html_host v = { .vlan = x->vlan,
						  .packets = x->packets,
						  .bytes = x->bytes,
						  .peak_pps = x->peak_pps,
						  .peak_ts_us = x->peak_ts_us,
						  .last_pps = x->last.packets,
						  .first_seen_us = x->first_seen_us };
			memcpy(v.mac, x->mac, 6);
			memcpy(v.cls_packets, x->cls_packets,
			       sizeof(v.cls_packets));
			size_t o = 0;
			for (unsigned k = 0; k < x->n_ips && k < FS_HOST_MAX_IPS;
			     k++) {
				char ip[FS_IP_STRLEN];
				fs_fmt_ip(ip, x->ips[k].version, x->ips[k].addr);
				int w = snprintf(v.ips + o, sizeof(v.ips) - o,
						 "%s%s", k ? ", " : "", ip);
				if (w < 0 || (size_t)w >= sizeof(v.ips) - o)
					break;
				o += (size_t)w;
			}
			if (x->ips_seen > x->n_ips && o + 8 < sizeof(v.ips))
				snprintf(v.ips + o, sizeof(v.ips) - o, " (+%u)",
					 x->ips_seen - x->n_ips);
			fs_html_add_host(h, &v);
		}
	}
	if (ospf) {
		fs_ospf_foreach_router(ospf, add_router, h);
		fs_ospf_foreach_adjacency(ospf, add_adj, h);
	}
	fs_html_tick_sessions(h);
	fs_html_commit(h);
}
