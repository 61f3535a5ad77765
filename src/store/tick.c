/*
 * fs_store_tick: once per closed second, feed the segment, the routers and
 * the hosts worth a file. Work per tick is bounded by the hosts active in
 * that second, top_n, the routers, and a slice of the tracked table.
 */
#include <string.h>

#include "store_priv.h"


struct feed_ctx {
	struct fs_store *s;
	int64_t sec_start_us;
};

static void feed_active(const struct fs_host *h, void *arg)
{
	struct feed_ctx *c = arg;
	fs_store_feed_host(c->s, c->sec_start_us, h, 0);
}

static void feed_router(const struct fs_ospf_router_view *r, void *arg)
{
	struct feed_ctx *c = arg;
	int64_t end_us = c->sec_start_us + 1000000;
	/* The gap so far: a starving router's silence shows while it lasts,
	 * not only once its late hello arrives. */
	uint32_t gap = r->last_gap_ms;
	if (r->last_hello_us > 0 && end_us > r->last_hello_us) {
		int64_t silent_ms = (end_us - r->last_hello_us) / 1000;
		if (silent_ms > (int64_t)gap)
			gap = silent_ms > (int64_t)UINT32_MAX - 1
				      ? UINT32_MAX - 1
				      : (uint32_t)silent_ms;
	}
	if (r->last_hello_us <= 0)
		gap = UINT32_MAX;
	fs_store_update_router(c->s, end_us, r->router_id, gap,
			       r->neighbors_listed, r->adjacencies_full,
			       r->lsus);
}

/* Refreshes idle tracked hosts and forgets those gone from the table. */
static void refresh_idle(struct fs_store *s, int64_t sec_start_us,
			 const struct fs_hosts *hosts)
{
	int64_t now_s = sec_start_us / 1000000 + 1;
	uint32_t cap = s->cfg.max_host_files;
	uint32_t n = cap / s->cfg.idle_refresh_s + 1;
	uint32_t i = s->trk_cursor;

	for (uint32_t k = 0; k < n && cap > 0; k++, i = (i + 1) % cap) {
		struct fs_store_tracked *t = &s->trk[i];
		if (!t->used || t->last_fed_s + (int64_t)s->cfg.idle_refresh_s >
					now_s)
			continue;
		/* fs_hosts_find does not modify the table. */
		if (!fs_hosts_find((struct fs_hosts *)hosts, t->vlan, t->mac)) {
			fs_store_trk_remove(s, i);
			continue;
		}
		fs_store_update_host(s, now_s * 1000000, t->vlan, t->mac,
				     t->cum);
		t->last_fed_s = now_s;
		t->was_active = false;
	}
	s->trk_cursor = i;
}

void fs_store_tick(struct fs_store *s, int64_t sec_start_us,
		   const struct fs_hosts *hosts, const struct fs_ospf *ospf)
{
	struct feed_ctx c = { s, sec_start_us };
	if (!s)
		return;
	if (hosts) {
		const struct fs_segment *seg = fs_hosts_segment(hosts);
		const struct fs_host_bin *b = &seg->last;
		s->seg_cum[FS_STORE_DS_PACKETS] += b->packets;
		s->seg_cum[FS_STORE_DS_BYTES] += b->bytes;
		s->seg_cum[FS_STORE_DS_CTRL] += b->ctrl;
		s->seg_cum[FS_STORE_DS_BROADCAST] += b->cls[FS_CLASS_BROADCAST];
		s->seg_cum[FS_STORE_DS_MULTICAST] += b->cls[FS_CLASS_MULTICAST];
		s->seg_cum[FS_STORE_DS_ARP] += b->cls[FS_CLASS_ARP];
		fs_store_update_segment(s, sec_start_us + 1000000, s->seg_cum,
					seg->active_last);

		/* Top hosts first, so they win the file cap. */
		const struct fs_host *top[256];
		size_t want = s->cfg.top_n < 256 ? s->cfg.top_n : 256;
		size_t n = fs_hosts_top(hosts, top, want);
		for (size_t i = 0; i < n; i++)
			fs_store_feed_host(s, sec_start_us, top[i], 1);
		fs_hosts_foreach_active(hosts, feed_active, &c);
		fs_store_close_idle(s, sec_start_us);
		refresh_idle(s, sec_start_us, hosts);
	}
	if (ospf)
		fs_ospf_foreach_router(ospf, feed_router, &c);
}
