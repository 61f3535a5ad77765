/*
 * Metric values of one subject over the sliding second that ends with the
 * slice being judged, and conditions.
 */
#include "detect_int.h"

#include <string.h>

static double host_metric(const struct fs_metric *m,
			  const struct fs_subject_view *v)
{
	const struct fs_host *h = v->host;
	if (m->field == FS_F_ROUTER)
		return h && v->routers && fs_routers_has_mac(v->routers, h->mac);
	if (!h || !v->current)
		return m->field == FS_F_IPS && h ? h->ips_seen : 0;
	const struct fs_host_bin *b = &h->win;
	switch (m->field) {
	case FS_F_PPS: return b->packets;
	case FS_F_BPS: return 8.0 * b->bytes;
	case FS_F_CTRL_PPS: return b->ctrl;
	case FS_F_CLASS_PPS: return b->cls[m->cls];
	case FS_F_SHARE:
		return v->seg && v->seg->win.packets
			       ? 100.0 * b->packets / v->seg->win.packets : 0;
	case FS_F_NEW_IPS: return b->new_ips;
	case FS_F_IPS: return h->ips_seen;
	default: return 0;
	}
}

static double segment_metric(const struct fs_metric *m,
			     const struct fs_segment *s)
{
	if (!s)
		return 0;
	switch (m->field) {
	case FS_F_PPS: return s->win.packets;
	case FS_F_BPS: return 8.0 * s->win.bytes;
	case FS_F_CTRL_PPS: return s->win.ctrl;
	case FS_F_CLASS_PPS: return s->win.cls[m->cls];
	case FS_F_NEW_MACS: return fs_segment_new_macs(s);
	case FS_F_NEW_MACS_INVALID: return s->invalid_macs_win;
	case FS_F_ACTIVE_HOSTS: return s->active_win;
	default: return 0;
	}
}

/*
 * A router's hello gap grows while it is silent, so a router that stops
 * sending is late too, not only one whose next hello arrives late.
 */
static double router_metric(const struct fs_metric *m,
			    const struct fs_subject_view *v)
{
	const struct fs_ospf_router_view *r = v->router;
	if (!r || !r->alive)
		return 0;
	double gap = r->last_gap_ms > v->late_gap_ms ? r->last_gap_ms : v->late_gap_ms;
	int64_t now = v->now_us ? v->now_us : v->sec_us + 1000000;
	/* Silence as far as the capture saw: from the last hello (or the
	 * end of a blind span since) to the latest packet of any kind. */
	int64_t from = r->seen_from_us > r->last_hello_us ? r->seen_from_us
							  : r->last_hello_us;
	if (r->seen_until_us && r->seen_until_us < now)
		now = r->seen_until_us;
	double silent = from == INT64_MAX ? 0 : (double)(now - from) / 1000.0;
	if (r->last_hello_us > 0 && silent > gap)
		gap = silent;
	double interval = 1000.0 * r->hello_interval_s;
	double late = gap > interval ? gap - interval : 0;
	/* A gap past the dead interval is a restart or a recovery, which
	 * the adjacency events tell; as lateness it would alert twice. */
	if (r->dead_interval_s && gap > 1000.0 * r->dead_interval_s)
		late = 0;
	switch (m->field) {
	case FS_F_HELLO_GAP: return gap;
	case FS_F_HELLO_LATE: return late;
	case FS_F_HELLO_LATE_RATIO: return interval > 0 ? 100.0 * late / interval : 0;
	case FS_F_LSUS_PER_S: return r->lsus_last_second;
	case FS_F_ADJ_FULL: return r->adjacencies_full;
	default: return 0;
	}
}

static double agent_metric(const struct fs_metric *m,
			   const struct fs_subject_view *v)
{
	switch (m->field) {
	case FS_F_SILENT: return fs_health_value(v->health, FS_HEALTH_SILENT);
	case FS_F_CAPTURE_DROPS:
		return fs_health_value(v->health, FS_HEALTH_CAPTURE_DROPS);
	case FS_F_RRD_DROPS: return fs_health_value(v->health, FS_HEALTH_RRD_DROPS);
	case FS_F_ALERT_DROPS:
		return fs_health_value(v->health, FS_HEALTH_ALERT_DROPS);
	case FS_F_OSPF_SILENT:
		return fs_health_value(v->health, FS_HEALTH_OSPF_SILENT);
	default: return 0;
	}
}

double fs_eval_metric(const struct fs_metric *m, const struct fs_subject_view *v)
{
	switch (m->subject) {
	case FS_SUBJ_HOST: return host_metric(m, v);
	case FS_SUBJ_SEGMENT: return segment_metric(m, v->seg);
	case FS_SUBJ_ROUTER: return router_metric(m, v);
	case FS_SUBJ_OSPF:
		return m->field == FS_F_ADJ_DOWN ? v->adj_down : v->hello_late_events;
	case FS_SUBJ_KERNEL: return v->route_changes;
	case FS_SUBJ_BGP: return v->session_down[0];
	case FS_SUBJ_BFD: return v->session_down[1];
	case FS_SUBJ_VRRP: return v->master_changes;
	case FS_SUBJ_AGENT: return agent_metric(m, v);
	default: return 0;
	}
}

const struct fs_baseline *fs_eval_baseline(const struct fs_metric *m,
					   const struct fs_subject_view *v)
{
	if (!v->host)
		return NULL;
	if (m->field == FS_F_PPS)
		return &v->host->base_pps;
	if (m->field == FS_F_CTRL_PPS)
		return &v->host->base_ctrl;
	return NULL;
}

bool fs_eval_compare(enum fs_op op, double a, double b)
{
	switch (op) {
	case FS_OP_GT: return a > b;
	case FS_OP_GE: return a >= b;
	case FS_OP_LT: return a < b;
	case FS_OP_LE: return a <= b;
	case FS_OP_EQ: return a == b;
	case FS_OP_NE: return a != b;
	}
	return false;
}

/*
 * The value a metric is compared with. A young baseline counts as zero:
 * a new host that floods at once is far above any habit it has.
 */
static double threshold(const struct fs_metric *m, uint8_t vkind, double value,
			const struct fs_subject_view *v, double x, double *lhs)
{
	*lhs = x;
	if (vkind == FS_V_ABS)
		return value;
	const struct fs_baseline *b = fs_eval_baseline(m, v);
	bool young = !b || !fs_baseline_trained(b);
	if (vkind == FS_V_RATIO)
		return young ? 0 : value * fs_baseline_mean(b);
	*lhs = young ? x : fs_baseline_score(b, (float)x);
	return value;
}

bool fs_eval_cond(const struct fs_cond *c, const struct fs_subject_view *v)
{
	double x = fs_eval_metric(&c->m, v), lhs;
	double t = threshold(&c->m, c->vkind, c->value, v, x, &lhs);
	return fs_eval_compare(c->op, lhs, t);
}

bool fs_eval_clear(const struct fs_rule *r, const struct fs_subject_view *v)
{
	if (!r->clear_below) {
		for (unsigned i = 0; i < r->n_cond; i++)
			if (!fs_eval_cond(&r->cond[i], v))
				return true;
		return false;
	}
	double x = fs_eval_metric(&r->cond[0].m, v), lhs;
	double t = threshold(&r->cond[0].m, r->clear_vkind, r->clear_value, v, x,
			     &lhs);
	return lhs < t;
}

static bool prefix_match(const struct fs_scope *s, uint8_t version,
			 const uint8_t *addr)
{
	if (s->version != version)
		return false;
	unsigned full = s->plen / 8, rest = s->plen % 8;
	if (memcmp(s->addr, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (addr[full] & mask) == s->addr[full];
}

static bool scope_match(const struct fs_scope *s, const struct fs_subject_view *v)
{
	uint16_t vlan = v->host ? v->host->vlan : v->router ? v->router->vlan : 0;
	const uint8_t *mac = v->host ? v->host->mac : v->router ? v->router->mac : NULL;
	switch (s->type) {
	case FS_SCOPE_VLAN:
		return vlan == s->vlan;
	case FS_SCOPE_MAC:
		return mac && memcmp(mac, s->addr, 6) == 0;
	default:
		if (v->host) {
			for (unsigned i = 0; i < v->host->n_ips && i < FS_HOST_MAX_IPS; i++)
				if (prefix_match(s, v->host->ips[i].version,
						 v->host->ips[i].addr))
					return true;
			return false;
		}
		return v->router && prefix_match(s, v->router->ip_version, v->router->ip);
	}
}

/* In scope: not ignored, and matching a watch entry of every scope type
 * that has watch entries. */
bool fs_eval_in_scope(const struct fs_rule *r, const struct fs_subject_view *v)
{
	bool need[3] = { false, false, false }, got[3] = { false, false, false };
	for (unsigned i = 0; i < r->n_scope; i++) {
		const struct fs_scope *s = &r->scope[i];
		bool m = scope_match(s, v);
		if (!s->watch && m)
			return false;
		if (s->watch) {
			need[s->type] = true;
			got[s->type] |= m;
		}
	}
	for (int t = 0; t < 3; t++)
		if (need[t] && !got[t])
			return false;
	return true;
}
