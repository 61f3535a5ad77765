/*
 * Filling a snapshot on the capture thread: module stats copied, the
 * segment's closed second added to the class totals, OSPF routers and
 * adjacencies counted by state, and the top N active hosts by
 * control-plane packets in the last second (a bounded min-heap, so a
 * spoofed flood's many hosts cost log N each).
 */
#include <string.h>

#include "floodspot/fmt.h"
#include "metrics_int.h"

static struct fs_metrics_rule *rule_slot(struct fs_metrics *m, const char *name)
{
	for (uint32_t i = 0; i < m->n_rules; i++)
		if (strcmp(m->rules[i].name, name) == 0)
			return &m->rules[i];
	if (m->n_rules == FS_METRICS_RULES_MAX)
		return &m->rule_other;
	struct fs_metrics_rule *r = &m->rules[m->n_rules++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

void fs_metrics_count_alert(struct fs_metrics *m, const struct fs_alert *a)
{
	struct fs_metrics_rule *r = rule_slot(m, a->rule);
	if (a->state == FS_ALERT_RAISED) {
		r->raised++;
		r->active++;
	} else if (a->state == FS_ALERT_CLEARED) {
		r->cleared++;
		if (r->active)
			r->active--;
	}
}

/* ---- top N by control-plane packets: a min-heap on (ctrl, pps) ---- */

struct heap {
	const struct fs_host *h[FS_METRICS_TOP_MAX];
	unsigned n, cap;
};

static bool less(const struct fs_host *a, const struct fs_host *b)
{
	if (a->last.ctrl != b->last.ctrl)
		return a->last.ctrl < b->last.ctrl;
	if (a->last.packets != b->last.packets)
		return a->last.packets < b->last.packets;
	/* Ties in a stable order: the lower (VLAN, MAC) ranks first. */
	if (a->vlan != b->vlan)
		return a->vlan > b->vlan;
	return memcmp(a->mac, b->mac, 6) > 0;
}

static void sift_down(struct heap *q, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n && less(q->h[l], q->h[m]))
			m = l;
		if (r < q->n && less(q->h[r], q->h[m]))
			m = r;
		if (m == i)
			return;
		const struct fs_host *t = q->h[i];
		q->h[i] = q->h[m];
		q->h[m] = t;
		i = m;
	}
}

static void sift_up(struct heap *q, unsigned i)
{
	while (i > 0) {
		unsigned p = (i - 1) / 2;
		if (!less(q->h[i], q->h[p]))
			return;
		const struct fs_host *t = q->h[i];
		q->h[i] = q->h[p];
		q->h[p] = t;
		i = p;
	}
}

struct top_ctx {
	struct heap *q;
	int64_t sec_us;
};

static void consider(const struct fs_host *h, void *ctx)
{
	struct top_ctx *t = ctx;
	struct heap *q = t->q;
	if (h->last_sec_us != t->sec_us || h->last.ctrl == 0)
		return;
	if (q->n < q->cap) {
		q->h[q->n++] = h;
		sift_up(q, q->n - 1);
	} else if (less(q->h[0], h)) {
		q->h[0] = h;
		sift_down(q, 0);
	}
}

static void fill_suspects(struct fs_metrics *m, const struct fs_hosts *hosts,
			  int64_t sec_us, struct fs_metrics_snap *s)
{
	struct heap q = { .n = 0, .cap = m->top_n };
	struct top_ctx t = { .q = &q, .sec_us = sec_us };
	if (q.cap > FS_METRICS_TOP_MAX)
		q.cap = FS_METRICS_TOP_MAX;
	if (q.cap)
		fs_hosts_foreach_active(hosts, consider, &t);
	/* Pop smallest first into the back: rank 1 at index 0. */
	s->n_suspects = q.n;
	while (q.n) {
		const struct fs_host *h = q.h[0];
		struct fs_metrics_suspect *x = &s->suspects[q.n - 1];
		q.h[0] = q.h[--q.n];
		sift_down(&q, 0);
		memset(x, 0, sizeof(*x));
		x->vlan = h->vlan;
		memcpy(x->mac, h->mac, 6);
		if (h->n_ips)
			fs_fmt_ip(x->ip, h->ips[0].version, h->ips[0].addr);
		x->ctrl_pps = h->last.ctrl;
		x->pps = h->last.packets;
		x->ctrl_baseline = h->base_ctrl.mean;
		int best = -1;
		for (int c = 0; c < FS_CLASS_COUNT; c++)
			if ((FS_CLASS_CTRL_MASK & FS_CLASS_BIT(c)) &&
			    h->last.cls[c] &&
			    (best < 0 || h->last.cls[c] > h->last.cls[best]))
				best = c;
		x->top_class = best < 0 ? "ctrl" : fs_class_name((enum fs_class)best);
	}
}

/* ---- OSPF ---- */

static void count_router(const struct fs_ospf_router_view *r, void *ctx)
{
	struct fs_metrics_snap *s = ctx;
	s->routers++;
	s->routers_alive += r->alive;
	s->routers_confirmed += r->confirmed;
}

static void count_adjacency(const struct fs_ospf_adj_view *a, void *ctx)
{
	struct fs_metrics_snap *s = ctx;
	if ((unsigned)a->state < FS_OSPF_STATES)
		s->adjacencies[a->state]++;
	if (a->should_be_full && a->state != FS_OSPF_FULL)
		s->adjacencies_not_full++;
}

void fs_metrics_fill(struct fs_metrics *m, const struct fs_metrics_inputs *in,
		     struct fs_metrics_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->now_us = in->now_us;
	s->have_capture = in->have_capture;
	s->capture = in->capture;
	s->packets = in->packets;
	s->bytes = in->bytes;
	memcpy(s->decode_status, in->decode_status, sizeof(s->decode_status));

	m->seconds++;
	s->seconds = m->seconds;
	if (in->hosts) {
		/* One tick per closed second: the segment's last second adds
		 * up to the totals of every closed second. */
		const struct fs_segment *seg = fs_hosts_segment(in->hosts);
		for (int c = 0; c < FS_CLASS_COUNT; c++)
			m->cls_packets[c] += seg->last.cls[c];
		m->ctrl_packets += seg->last.ctrl;
		s->hosts_active = seg->active_last;
		fs_hosts_stats(in->hosts, &s->hosts);
		fill_suspects(m, in->hosts, in->sec_us, s);
	}
	memcpy(s->cls_packets, m->cls_packets, sizeof(s->cls_packets));
	s->ctrl_packets = m->ctrl_packets;
	if (in->store) {
		s->have_store = true;
		fs_store_stats(in->store, &s->store);
	}
	if (in->sinks) {
		s->have_sinks = true;
		fs_alert_sinks_stats(in->sinks, &s->sinks);
	}
	if (in->detect) {
		s->have_detect = true;
		fs_detect_stats(in->detect, &s->detect);
	}
	s->n_rules = m->n_rules;
	memcpy(s->rules, m->rules, sizeof(s->rules[0]) * m->n_rules);
	s->rule_other = m->rule_other;
	if (in->ospf) {
		s->have_ospf = true;
		fs_ospf_stats(in->ospf, &s->ospf);
		fs_ospf_foreach_router(in->ospf, count_router, s);
		fs_ospf_foreach_adjacency(in->ospf, count_adjacency, s);
	}
	if (in->health) {
		s->have_health = true;
		for (int i = 0; i < FS_HEALTH_COUNT; i++)
			s->health[i] = fs_health_value(in->health,
						       (enum fs_health_metric)i);
	}
}
