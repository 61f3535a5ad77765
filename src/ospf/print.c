/*
 * Views for output and storage: foreach over routers and pairs, and the
 * --ospf table, laid out like `show ip ospf neighbor` plus a routers
 * section with hello timing.
 */
#include "ospf_int.h"

#include <inttypes.h>
#include <string.h>

#include "floodspot/fmt.h"

static void router_view(const struct fs_ospf *o, const struct fs_ospf_rt *r,
			struct fs_ospf_router_view *v)
{
	memset(v, 0, sizeof(*v));
	v->router_id = r->rid;
	v->version = r->version;
	v->vlan = r->vlan;
	memcpy(v->mac, r->mac, 6);
	v->ip_version = r->ip_version;
	memcpy(v->ip, r->ip, 16);
	v->area = r->area;
	v->hello_interval_s = r->hello_s;
	v->dead_interval_s = r->dead_s;
	v->dr = r->dr;
	v->bdr = r->bdr;
	v->priority = r->prio;
	v->last_hello_us = r->last_hello_us;
	v->seen_from_us = fs_ospf_seen_from(o, r->last_hello_us, o->now_us);
	v->seen_until_us = o->last_any_us;
	v->evidence = o->routers && r->has_mac ? fs_routers_evidence(o->routers, r->mac)
					       : 0;
	v->last_gap_ms = r->last_gap_ms;
	v->gap_mean_ms = r->gap_mean_ms;
	v->gap_jitter_ms = r->gap_jitter_ms;
	v->gap_max_ms = r->gap_max_ms;
	v->neighbors_listed = r->n_nbrs;
	v->neighbor_ids = r->nbrs;
	for (uint32_t i = 0; i < r->n_nbrs; i++) {
		const struct fs_ospf_adj *a = fs_ospf_adj_find(
			o, r->version, r->vlan, r->area, r->rid, r->nbrs[i]);
		if (a && a->state == FS_OSPF_FULL)
			v->adjacencies_full++;
	}
	v->lsus = r->lsus;
	v->lsas_sent = r->lsas;
	v->lsa_retransmits = r->retransmits;
	v->lsus_last_second = r->lsus_last_second;
	v->alive = r->alive;
	v->netmask = r->netmask;
	v->confirmed = r->confirmed;
	v->first_seen_us = r->first_seen_us;
}

void fs_ospf_foreach_router(const struct fs_ospf *o, fs_ospf_router_fn fn,
			    void *ctx)
{
	struct fs_ospf_router_view v;
	for (uint32_t i = 0; i < o->rt_hi; i++) {
		if (!o->rt[i].used)
			continue;
		router_view(o, &o->rt[i], &v);
		fn(&v, ctx);
	}
}

void fs_ospf_foreach_adjacency(const struct fs_ospf *o, fs_ospf_adj_fn fn,
			       void *ctx)
{
	for (uint32_t i = 0; i < o->adj_hi; i++) {
		const struct fs_ospf_adj *a = &o->adj[i];
		if (!a->used)
			continue;
		struct fs_ospf_adj_view v = {
			.router_id = a->id[0],
			.neighbor_id = a->id[1],
			.vlan = a->vlan,
			.area = a->area,
			.state = a->state,
			.since_us = a->since_us,
			.should_be_full = fs_ospf_adj_should_be_full(o, a),
		};
		fn(&v, ctx);
	}
}

static const char *const upper_states[] = {
	"DOWN", "INIT", "2WAY", "EXSTART", "EXCHANGE", "LOADING", "FULL",
};

/* The neighbor's role on the segment, as the router's Hello names it. */
static const char *role(const struct fs_ospf_rt *view,
			const struct fs_ospf_rt *n)
{
	if (!view || !n || view->dr == 0)
		return "-";
	if (fs_ospf_rt_is(n, view->dr))
		return "DR";
	if (fs_ospf_rt_is(n, view->bdr))
		return "BDR";
	return "DROTHER";
}

static void print_adj(const struct fs_ospf *o, const struct fs_ospf_adj *a,
		      FILE *f)
{
	const struct fs_ospf_rt *r =
		fs_ospf_rt_find(o, a->version, a->vlan, a->id[0]);
	const struct fs_ospf_rt *n =
		fs_ospf_rt_find(o, a->version, a->vlan, a->id[1]);
	char rid[16], nid[16], area[16], ip[FS_IP_STRLEN] = "-";
	char state[24], dead[16] = "-";
	snprintf(state, sizeof(state), "%s/%s", upper_states[a->state],
		 role(r ? r : n, n));
	if (n && n->hello_seen && n->alive) {
		int64_t left = n->last_hello_us +
			       (int64_t)n->dead_s * FS_OSPF_USEC - o->now_us;
		if (left < 0)
			left = 0;
		int64_t s = left / FS_OSPF_USEC;
		snprintf(dead, sizeof(dead), "%02d:%02d:%02d",
			 (int)(s / 3600 % 100), (int)(s / 60 % 60),
			 (int)(s % 60));
	}
	if (n && n->ip_version)
		fs_fmt_ip(ip, n->ip_version, n->ip);
	fprintf(f, "%-15s  %-15s  %3u  %-16s  %-9s  %-39s  %4u  %s\n",
		fs_fmt_id(rid, a->id[0]), fs_fmt_id(nid, a->id[1]),
		n ? n->prio : 0, state, dead, ip, a->vlan,
		fs_fmt_id(area, a->area));
}

static void print_router(const struct fs_ospf *o, const struct fs_ospf_rt *r,
			 FILE *f)
{
	char rid[16], area[16], dr[16], bdr[16], ev[160] = "-";
	if (o->routers && r->has_mac)
		fs_router_evidence_text(fs_routers_evidence(o->routers, r->mac),
					ev, sizeof(ev));
	char ip[FS_IP_STRLEN] = "-", mac[FS_MAC_STRLEN] = "-";
	if (r->ip_version)
		fs_fmt_ip(ip, r->ip_version, r->ip);
	if (r->has_mac)
		fs_fmt_mac(mac, r->mac);
	fprintf(f,
		"%-15s  v%u  %4u  %-15s  %-39s  %-17s  %3u  %5u  %4u  "
		"%-15s  %-15s  %4u  %-5s  %7u  %8.1f  %7.1f  %7u  %5u  %6" PRIu64
		"  %5" PRIu64 "  %s\n",
		fs_fmt_id(rid, r->rid), r->version, r->vlan,
		fs_fmt_id(area, r->area), ip, mac, r->prio, r->hello_s,
		r->dead_s, fs_fmt_id(dr, r->dr), fs_fmt_id(bdr, r->bdr),
		r->n_nbrs, r->alive ? "yes" : "no", r->last_gap_ms,
		(double)r->gap_mean_ms, (double)r->gap_jitter_ms,
		r->gap_max_ms, r->lsus_last_second, r->lsas, r->retransmits,
		ev[0] ? ev : "-");
}

void fs_ospf_print_table(const struct fs_ospf *o, FILE *f)
{
	fprintf(f, "OSPF adjacencies\n");
	fprintf(f, "%-15s  %-15s  %3s  %-16s  %-9s  %-39s  %4s  %s\n",
		"Router ID", "Neighbor ID", "Pri", "State", "Dead Time",
		"Address", "VLAN", "Area");
	for (uint32_t i = 0; i < o->adj_hi; i++)
		if (o->adj[i].used)
			print_adj(o, &o->adj[i], f);
	fprintf(f, "\nOSPF routers\n");
	fprintf(f,
		"%-15s  %-2s  %4s  %-15s  %-39s  %-17s  %3s  %5s  %4s  "
		"%-15s  %-15s  %4s  %-5s  %7s  %8s  %7s  %7s  %5s  %6s  %5s  %s\n",
		"Router ID", "V", "VLAN", "Area", "Address", "MAC", "Pri",
		"Hello", "Dead", "DR", "BDR", "Nbrs", "Alive", "Gap ms",
		"Mean ms", "Jit ms", "Max ms", "LSU/s", "LSAs", "Retx",
		"Router evidence");
	for (uint32_t i = 0; i < o->rt_hi; i++)
		if (o->rt[i].used)
			print_router(o, &o->rt[i], f);
}
