/*
 * The detector: at every closed slice, every rule against its subjects
 * (hosts active in the last second and hosts with an alert, routers, the
 * segment, routing events since the last slice) over the sliding second
 * that ends with the slice, then the lifecycle of each (rule, subject):
 * pending -> raised once the condition held for its "for" -> active
 * (repeated every "repeat") -> cleared once the clear condition held for
 * its hold-down. "for N s" means N seconds of data: the first window
 * above the limit is one second of it, so the condition must then hold
 * at every slice for N - 1 seconds more. One host carries one host alert
 * at a time, and at most max_alerts_per_s alerts leave per second; the
 * rest wait and are counted.
 */
#include "detect_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "floodspot/bfd_msg.h"
#include "floodspot/bgp_msg.h"
#include "floodspot/fhrp.h"
#include "floodspot/fmt.h"

#define US 1000000LL

void fs_detect_config_defaults(struct fs_detect_config *cfg)
{
	cfg->max_alerts_per_s = 20;
	cfg->table_size = 4096;
	cfg->incident_quiet_s = 60;
	cfg->route_flap_trigger = 3;
	cfg->onset_k = 4.0f;
	cfg->min_excess = 500;
	cfg->baseline_window_s = 60.0f;
	cfg->agent_name = NULL;
}

static uint64_t host_key(uint16_t vlan, const uint8_t mac[6])
{
	uint64_t k = (uint64_t)(vlan & 0xfff) << 48;
	for (int i = 0; i < 6; i++)
		k |= (uint64_t)mac[i] << (8 * (5 - i));
	return k;
}

/* Keys chosen to share a bucket only cost their lookups back. */
static uint32_t *host_mark(struct fs_detect *d, uint64_t key)
{
	return &d->host_marks[(key * 0x9e3779b97f4a7c15ull) >> 50];
}

static uint64_t router_key(uint16_t vlan, uint32_t rid)
{
	return (1ULL << 63) | ((uint64_t)(vlan & 0xfff) << 32) | rid;
}

/* ---- events from the bus ---- */

static bool adjacency_lost(uint8_t from, uint8_t to)
{
	return from >= FS_OSPF_2WAY && to <= FS_OSPF_INIT;
}

static void note_late(struct fs_detect *d, const struct fs_ev_hello_late *l)
{
	unsigned i;
	for (i = 0; i < d->n_late; i++)
		if (d->late[i].router_id == l->router_id && d->late[i].vlan == l->vlan)
			break;
	if (i == d->n_late) {
		if (d->n_late >= sizeof(d->late) / sizeof(d->late[0]))
			return;
		d->n_late++;
		d->late[i].router_id = l->router_id;
		d->late[i].vlan = l->vlan;
		d->late[i].gap_ms = 0;
	}
	if (l->gap_ms > d->late[i].gap_ms)
		d->late[i].gap_ms = l->gap_ms;
}

/*
 * A session lost to a timer (BGP hold, BFD detection time) or to what an
 * end said after its own timer ran out; not a FIN, a Cease or an
 * administrative down, which are somebody's decision.
 */
static bool session_lost(const struct fs_ev_session *e)
{
	if (!e->down || e->unseen)
		return false;
	/* BGP: a hold timer, or BFD's (Cease, BFD Down: RFC 9384). */
	if (e->proto == FS_SESS_BGP)
		return e->silent_ms || e->code == FS_BGP_ERR_HOLD_TIMER_EXPIRED ||
		       (e->code == FS_BGP_ERR_CEASE &&
			e->subcode == FS_BGP_CEASE_BFD_DOWN);
	return e->silent_ms || e->code == FS_BFD_DIAG_DETECTION_EXPIRED ||
	       e->code == FS_BFD_DIAG_NEIGHBOR_DOWN;
}

/* A master that changed because adverts stopped, not by preemption or
 * resignation; a second master means the backup stopped hearing it. */
static bool master_lost(const struct fs_ev_fhrp_master *m)
{
	return !m->unseen &&
	       (m->cause == FS_FHRP_CAUSE_SILENT || m->cause == FS_FHRP_CAUSE_LOST ||
		m->cause == FS_FHRP_CAUSE_DUAL);
}

/* A silence of ms, and a third more for the interval before it. */
static uint32_t look_s(uint32_t ms)
{
	return (uint32_t)(((uint64_t)ms * 4 / 3 + 999) / 1000);
}

static void session_symptom(struct fs_symptom *s, uint8_t proto, uint8_t fhrp,
			    struct fs_seg seg, uint8_t ipv, const uint8_t *a,
			    const uint8_t *b, uint32_t group)
{
	snprintf(s->proto, sizeof(s->proto), "%s",
		 proto == FS_SESS_FHRP
			 ? fs_fhrp_proto_name((enum fs_fhrp_proto)fhrp)
			 : fs_sess_proto_name((enum fs_sess_proto)proto));
	s->vlan = seg.vlan;
	s->ip_version = ipv;
	/* Lower address first, as sessions are keyed: a late message from
	 * either end names the same session. */
	if (b && memcmp(b, a, 16) < 0) {
		const uint8_t *t = a;
		a = b;
		b = t;
	}
	memcpy(s->ip[0], a, 16);
	if (b)
		memcpy(s->ip[1], b, 16);
	s->group = group;
	s->fhrp = proto == FS_SESS_FHRP;
}

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct fs_detect *d = ctx;
	struct fs_symptom s;
	memset(&s, 0, sizeof(s));
	s.ts_us = ev->ts_us;
	switch (ev->type) {
	case FS_EV_OSPF_ADJACENCY:
		if (!adjacency_lost(ev->u.adj.from, ev->u.adj.to))
			return;
		d->adj_down++;
		s.what = FS_SYM_ADJ_DOWN;
		s.router_id = ev->u.adj.router_id;
		s.neighbor_id = ev->u.adj.neighbor_id;
		s.vlan = ev->u.adj.vlan;
		d->last_adj = s;
		fs_corr_symptom(d, &s);
		return;
	case FS_EV_HELLO_LATE:
		d->hello_late_events++;
		s.what = FS_SYM_HELLO_LATE;
		s.router_id = ev->u.late.router_id;
		s.vlan = ev->u.late.vlan;
		d->last_late = s;
		note_late(d, &ev->u.late);
		fs_corr_symptom(d, &s);
		return;
	case FS_EV_SESSION:
		if (!session_lost(&ev->u.session))
			return;
		d->session_down[ev->u.session.proto == FS_SESS_BFD]++;
		s.what = FS_SYM_SESSION_DOWN;
		session_symptom(&s, ev->u.session.proto, 0, ev->u.session.seg,
				ev->u.session.ip_version, ev->u.session.ip[0],
				ev->u.session.ip[1], 0);
		s.look_s = look_s(ev->u.session.silent_ms);
		d->last_session[ev->u.session.proto == FS_SESS_BFD] = s;
		fs_corr_symptom(d, &s);
		return;
	case FS_EV_SESSION_LATE:
		if (ev->u.slate.unseen)
			return;
		s.what = FS_SYM_SESSION_LATE;
		session_symptom(&s, ev->u.slate.proto, ev->u.slate.fhrp,
				ev->u.slate.seg, ev->u.slate.ip_version,
				ev->u.slate.from,
				ev->u.slate.proto == FS_SESS_FHRP ? NULL
								  : ev->u.slate.to,
				ev->u.slate.proto == FS_SESS_FHRP ? ev->u.slate.group
								  : 0);
		s.look_s = look_s(ev->u.slate.gap_ms);
		fs_corr_symptom(d, &s);
		return;
	case FS_EV_FHRP_MASTER:
		if (!master_lost(&ev->u.master))
			return;
		d->master_changes++;
		s.what = FS_SYM_MASTER_CHANGE;
		session_symptom(&s, FS_SESS_FHRP, ev->u.master.proto,
				ev->u.master.seg, ev->u.master.ip_version,
				ev->u.master.old_ip, NULL, ev->u.master.group);
		s.look_s = look_s(ev->u.master.silent_ms);
		d->last_master = s;
		fs_corr_symptom(d, &s);
		return;
	case FS_EV_ROUTE_CHANGE:
		d->route_changes++;
		d->last_route = ev->u.route;
		/* One symptom per second once changes reach a flap rate. */
		if (++d->route_changes_sec == d->cfg.route_flap_trigger) {
			s.what = FS_SYM_ROUTE_FLAP;
			fs_corr_symptom(d, &s);
		}
		return;
	default:
		return;
	}
}

/* ---- create, rules ---- */

/*
 * The fewest packets a host must send in a second for a host rule to
 * hold: most hosts of a busy (or spoofed) segment send fewer than any
 * rule needs, and are then skipped without evaluating anything.
 */
static uint32_t min_packets(const struct fs_rule *r)
{
	double need = 0;
	for (unsigned i = 0; i < r->n_cond; i++) {
		const struct fs_cond *c = &r->cond[i];
		bool counts = c->m.field == FS_F_PPS || c->m.field == FS_F_CTRL_PPS ||
			      c->m.field == FS_F_CLASS_PPS || c->m.field == FS_F_NEW_IPS;
		double n = 0;
		if (c->op == FS_OP_GT || c->op == FS_OP_GE) {
			if (counts && c->vkind == FS_V_ABS)
				n = c->op == FS_OP_GT ? floor(c->value) + 1 : ceil(c->value);
			else if (c->vkind != FS_V_ABS && c->op == FS_OP_GT)
				n = 1;	/* above a baseline >= 0 */
		}
		if (n > need)
			need = n;
	}
	return need > UINT32_MAX ? UINT32_MAX : (uint32_t)need;
}

static int prepare_rules(struct fs_detect *d, struct fs_ruleset *rs)
{
	uint32_t *min = calloc(rs->n + 1, sizeof(uint32_t));
	if (!min)
		return -1;
	uint32_t host_min = UINT32_MAX;
	for (size_t i = 0; i < rs->n; i++) {
		min[i] = min_packets(&rs->rule[i]);
		if (rs->rule[i].subject == FS_SUBJ_HOST && min[i] < host_min)
			host_min = min[i];
	}
	free(d->rule_min_pkts);
	d->rule_min_pkts = min;
	d->host_min_pkts = host_min;
	return 0;
}

struct fs_detect *fs_detect_create_config(struct fs_ruleset *rules,
					  struct fs_event_bus *bus,
					  const struct fs_detect_config *cfg)
{
	struct fs_detect *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (cfg)
		d->cfg = *cfg;
	else
		fs_detect_config_defaults(&d->cfg);
	if (d->cfg.table_size == 0)
		d->cfg.table_size = 4096;
	d->rules = rules ? rules : fs_ruleset_new();
	d->bus = bus;
	if (d->rules)
		d->rule_entries = calloc(d->rules->n + 1, sizeof(uint32_t));
	fs_hkey_init(&d->hkey, 0);
	if (!d->rules || !d->rule_entries || prepare_rules(d, d->rules) != 0 ||
	    fs_dtable_init(&d->table, d->cfg.table_size, &d->hkey) != 0 ||
	    !(d->live = calloc(d->cfg.table_size, sizeof(*d->live)))) {
		fs_dtable_fini(&d->table);
		fs_rules_free(d->rules);
		free(d->rule_entries);
		free(d->rule_min_pkts);
		free(d);
		return NULL;
	}
	if (bus)
		fs_event_subscribe(bus, on_event, d);
	return d;
}

struct fs_detect *fs_detect_create(struct fs_ruleset *rules,
				   struct fs_event_bus *bus)
{
	return fs_detect_create_config(rules, bus, NULL);
}

void fs_detect_destroy(struct fs_detect *d)
{
	if (!d)
		return;
	fs_dtable_fini(&d->table);
	fs_rules_free(d->rules);
	free(d->rule_entries);
	free(d->rule_min_pkts);
	free(d->live);
	free(d);
}

uint64_t fs_detect_alerts_raised(const struct fs_detect *d)
{
	return d->st.raised + d->st.culprits;
}

void fs_detect_stats(const struct fs_detect *d, struct fs_detect_stats *st)
{
	*st = d->st;
}

/* ---- alerts ---- */

void fs_detect_evidence(struct fs_detect *d, struct fs_alert *a, uint16_t vlan,
			const uint8_t mac[6], const char *kind, int64_t onset_us)
{
	char name[320];
	if (!d->evidence || !fs_evidence_request(d->evidence, vlan, mac, kind,
						 onset_us, d->now_us, name,
						 sizeof(name)))
		return;
	/* The directory is the configured one; the alert names the file. */
	const char *base = strrchr(name, '/');
	fs_alert_add(a, "evidence", "%s", base ? base + 1 : name);
}

void fs_detect_emit(struct fs_detect *d, struct fs_alert *a, bool capped)
{
	if (capped && d->suppressed_since_emit)
		fs_alert_add(a, "suppressed", "%llu",
			     (unsigned long long)d->suppressed_since_emit);
	if (capped) {
		d->suppressed_since_emit = 0;
		d->emitted_this_tick++;
	}
	if (!d->bus)
		return;
	if (d->cfg.agent_name)
		snprintf(a->agent, sizeof(a->agent), "%s", d->cfg.agent_name);
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_ALERT;
	ev.ts_us = a->ts_us;
	ev.u.alert = a;
	fs_event_emit(d->bus, &ev);
}

static const char *value_key(const struct fs_metric *m)
{
	switch (m->field) {
	case FS_F_PPS:
	case FS_F_CTRL_PPS:
	case FS_F_CLASS_PPS:
		return "pps";
	default:
		return fs_field_name(m->field);
	}
}

static void add_value(struct fs_alert *a, const char *key, double v)
{
	if (v == (double)(long long)v)
		fs_alert_add(a, key, "%lld", (long long)v);
	else
		fs_alert_add(a, key, "%.1f", v);
}

/*
 * A rate whose run began inside the window: the window holds less than a
 * second of it, so the count is scaled to the time since the onset.
 */
static double onset_rate(const struct fs_detect *d, const struct fs_dentry *e,
			 const struct fs_metric *m, double x)
{
	int64_t span = d->now_us - e->since_us;
	if (!e->since_run || fs_metric_unit(m) != FS_UNIT_RATE || span <= 0 ||
	    span >= US)
		return x;
	return floor(x * (double)US / (double)span + 0.5);
}

static void fill_alert(struct fs_detect *d, const struct fs_rule *r,
		       const struct fs_dentry *e, const struct fs_subject_view *v,
		       enum fs_alert_state state, struct fs_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->ts_us = d->now_us;
	a->state = state;
	a->severity = (enum fs_alert_severity)r->severity;
	snprintf(a->rule, sizeof(a->rule), "%s", r->name);
	if (!strcmp(r->kind, "flood"))
		snprintf(a->kind, sizeof(a->kind), "%s",
			 state == FS_ALERT_CLEARED ? "flood-end" : "flood-start");
	else
		snprintf(a->kind, sizeof(a->kind), "%s", r->kind);
	snprintf(a->message, sizeof(a->message), "%s", r->message);

	const struct fs_metric *m = &r->cond[0].m;
	char buf[FS_TIME_STRLEN > FS_IP_STRLEN ? FS_TIME_STRLEN : FS_IP_STRLEN];
	if (r->subject == FS_SUBJ_HOST) {
		fs_alert_add(a, "mac", "%s", fs_fmt_mac(buf, e->mac));
		fs_alert_add(a, "vlan", "%u", e->vlan);
		const struct fs_host_ip *ip = v->host ? fs_detect_host_ip(v->host) : NULL;
		if (ip)
			fs_alert_add(a, "ip", "%s", fs_fmt_ip(buf, ip->version, ip->addr));
		if (v->host && v->host->ips_seen > 1)
			fs_alert_add(a, "ips_seen", "%u", v->host->ips_seen);
		fs_alert_add(a, "class", "%s",
			     m->field == FS_F_CLASS_PPS
				     ? fs_class_name((enum fs_class)m->cls)
				     : fs_detect_top_class(v->host,
							   m->field == FS_F_CTRL_PPS));
	} else if (r->subject == FS_SUBJ_ROUTER) {
		fs_alert_add(a, "router_id", "%s", fs_fmt_id(buf, e->router_id));
		fs_alert_add(a, "vlan", "%u", e->vlan);
		if (v->router) {
			fs_alert_add(a, "mac", "%s", fs_fmt_mac(buf, v->router->mac));
			fs_alert_add(a, "hello_interval_ms", "%u",
				     v->router->hello_interval_s * 1000);
		}
	} else if (r->subject == FS_SUBJ_OSPF) {
		const struct fs_symptom *s = m->field == FS_F_ADJ_DOWN ? &d->last_adj
								       : &d->last_late;
		if (s->ts_us) {
			fs_alert_add(a, "router_id", "%s", fs_fmt_id(buf, s->router_id));
			if (s->what == FS_SYM_ADJ_DOWN)
				fs_alert_add(a, "neighbor_id", "%s",
					     fs_fmt_id(buf, s->neighbor_id));
			fs_alert_add(a, "vlan", "%u", s->vlan);
		}
	} else if (r->subject == FS_SUBJ_BGP || r->subject == FS_SUBJ_BFD ||
		   r->subject == FS_SUBJ_VRRP) {
		const struct fs_symptom *s =
			r->subject == FS_SUBJ_VRRP ? &d->last_master
			: &d->last_session[r->subject == FS_SUBJ_BFD];
		if (s->ts_us)
			fs_detect_session_fields(a, s);
	} else if (r->subject == FS_SUBJ_KERNEL && d->ev_sum[2]) {
		char ip[FS_IP_STRLEN];
		const struct fs_ev_route_change *rc = &d->last_route;
		fs_alert_add(a, "dst", "%s/%u",
			     fs_fmt_ip(ip, rc->family == AF_INET6 ? 6 : 4, rc->dst),
			     rc->dst_len);
		fs_alert_add(a, "protocol", "%s", rc->protocol);
	}
	double x = onset_rate(d, e, m, fs_eval_metric(m, v));
	add_value(a, value_key(m), x);
	if (r->subject == FS_SUBJ_HOST && strcmp(value_key(m), "pps") != 0 && v->host)
		add_value(a, "pps", v->current ? v->host->win.packets : 0);
	add_value(a, "peak", x > e->peak && state == FS_ALERT_RAISED ? x : e->peak);
	if (r->subject == FS_SUBJ_HOST) {
		fs_alert_add(a, "baseline", "%.1f", e->base_mean);
		if (!e->trained)
			fs_alert_add_bool(a, "baseline_trained", false);
	}
	if (e->n_answering && d->routers) {
		char list[FS_DETECT_ANSWERING * (FS_MAC_STRLEN + 1)];
		size_t o = 0;
		for (unsigned k = 0; k < e->n_answering; k++) {
			char mac[FS_MAC_STRLEN];
			fs_fmt_mac(mac, d->routers->macs[e->answering[k]]);
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
					      k ? "," : "", mac);
		}
		fs_alert_add_list(a, "answering", list);
	}
	fs_alert_add(a, "since", "%s", fs_fmt_time(buf, e->since_us));
	if (state == FS_ALERT_CLEARED)
		fs_alert_add(a, "duration_s", "%lld",
			     (long long)((d->now_us - e->since_us) / US));
	/* Counts from a lossy capture are low: say so. */
	uint64_t drops = fs_corr_drops_since(d, e->since_us);
	bool blind = d->gaps && fs_gaps_blind_until(d->gaps, e->since_us, d->now_us);
	if (drops)
		fs_alert_add(a, "drops", "%llu", (unsigned long long)drops);
	if (drops || blind)
		fs_alert_add_bool(a, "lossy", true);
	if (blind)
		fs_alert_add_bool(a, "blind", true);
}

/*
 * The address an alert names a host by: its first IPv4 address, else a
 * global IPv6 one, else whatever it has (link-local).
 */
const struct fs_host_ip *fs_detect_host_ip(const struct fs_host *h)
{
	const struct fs_host_ip *best = NULL;
	for (unsigned i = 0; i < h->n_ips && i < FS_HOST_MAX_IPS; i++) {
		const struct fs_host_ip *ip = &h->ips[i];
		if (ip->version == 4)
			return ip;
		bool link_local = ip->addr[0] == 0xfe && (ip->addr[1] & 0xc0) == 0x80;
		if (!best || (!link_local && best->addr[0] == 0xfe &&
			      (best->addr[1] & 0xc0) == 0x80))
			best = ip;
	}
	return best;
}

/*
 * The class that dominates a host's window (of the control-plane classes
 * only, when ctrl): what the alert says the host sends.
 */
const char *fs_detect_top_class(const struct fs_host *h, bool ctrl)
{
	int best = -1;
	uint32_t n = 0;
	for (int c = 0; h && c < FS_CLASS_COUNT; c++) {
		if (ctrl && !(FS_CLASS_CTRL_MASK & FS_CLASS_BIT(c)))
			continue;
		if (h->win.cls[c] > n) {
			n = h->win.cls[c];
			best = c;
		}
	}
	if (best < 0)
		return ctrl ? "ctrl" : "unicast";
	return fs_class_name((enum fs_class)best);
}

/*
 * The host baseline a rule compared with: the one of its first condition
 * that has one, else ctrl or all packets by the class it watches. While a
 * run holds it is the mean from before the run's onset.
 */
static const struct fs_baseline *rule_baseline(const struct fs_rule *r,
					       const struct fs_subject_view *v)
{
	if (!v->host)
		return NULL;
	for (unsigned i = 0; i < r->n_cond; i++) {
		const struct fs_baseline *b = fs_eval_baseline(&r->cond[i].m, v);
		if (b)
			return b;
	}
	const struct fs_metric *m = &r->cond[0].m;
	bool ctrl = m->field == FS_F_CTRL_PPS ||
		    (m->field == FS_F_CLASS_PPS &&
		     (FS_CLASS_CTRL_MASK & FS_CLASS_BIT(m->cls)));
	return ctrl ? &v->host->base_ctrl : &v->host->base_pps;
}

/* Slices a condition must hold: "for N s" is N seconds of data. */
static uint32_t slices_for(const struct fs_detect *d, uint32_t secs)
{
	uint32_t per = (uint32_t)(US / d->slice_us);
	return secs <= 1 ? 1 : (secs - 1) * per + 1;
}

static uint32_t rule_for_s(const struct fs_rule *r)
{
	uint32_t f = 1;
	for (unsigned i = 0; i < r->n_cond; i++)
		if (r->cond[i].for_s > f)
			f = r->cond[i].for_s;
	return f;
}

/*
 * Routers on the alerted host's VLAN whose control-plane traffic rose
 * while it floods: they are answering it (ARP replies, ICMP errors), its
 * victims, named in its alert rather than alerted themselves (the rules
 * spare routers). Returns true when one was added.
 */
static bool find_answering(struct fs_detect *d, struct fs_dentry *e,
			   const struct fs_subject_view *v)
{
	const struct fs_routers *rs = d->routers;
	bool added = false;
	/* Only while it floods: a router busy after the flood (recovering
	 * its adjacencies) is not answering it. */
	if (!rs || !d->hosts || e->n_answering >= FS_DETECT_ANSWERING ||
	    !v->current || v->host->win.ctrl < 100)
		return false;
	for (unsigned i = 0; i < rs->n_macs && e->n_answering < FS_DETECT_ANSWERING;
	     i++) {
		if (memcmp(rs->macs[i], e->mac, 6) == 0)
			continue;
		bool known = false;
		for (unsigned k = 0; k < e->n_answering; k++)
			known |= e->answering[k] == i;
		if (known)
			continue;
		const struct fs_host *h =
			fs_hosts_find((struct fs_hosts *)d->hosts, e->vlan, rs->macs[i]);
		if (!h || !fs_hosts_current(d->hosts, h))
			continue;
		/* Its control plane rose (ARP replies): at least doubled.
		 * Neighbour advertisements and ICMP errors are not control
		 * plane for the host they go to, and its traffic as a whole
		 * also rises with what it forwards: not counted (known gap). */
		if ((float)h->win.ctrl < 2.0f * fs_baseline_mean(&h->base_ctrl) + 5.0f ||
		    10u * h->win.ctrl > v->host->win.ctrl)
			continue;
		e->answering[e->n_answering++] = (uint8_t)i;
		added = true;
	}
	return added;
}

/* Another host rule already has an active alert on this host. */
static bool host_busy(struct fs_detect *d, uint32_t ri, uint64_t key)
{
	for (uint32_t j = 0; j < d->rules->n; j++) {
		if (j == ri || d->rules->rule[j].subject != FS_SUBJ_HOST)
			continue;
		const struct fs_dentry *o = fs_dtable_find(&d->table, j, key);
		if (o && o->state == FS_ENTRY_ACTIVE)
			return true;
	}
	return false;
}

static bool cap_reached(struct fs_detect *d, struct fs_dentry *e)
{
	if (d->emitted_this_tick < d->cfg.max_alerts_per_s)
		return false;
	if (!e->deferred) {
		e->deferred = true;
		d->st.deferred_cap++;
		d->suppressed_since_emit++;
	}
	return true;
}

/*
 * The live list: every entry's record, so the sweep visits the entries in
 * use and not the whole table.
 */
static struct fs_dentry *entry_add(struct fs_detect *d, uint32_t ri,
				   uint64_t key)
{
	struct fs_dentry *e = fs_dtable_add(&d->table, ri, key);
	if (!e)
		return NULL;
	e->live_pos = d->n_live;
	d->live[d->n_live++] = (uint32_t)(e - d->table.e);
	const struct fs_rule *r = &d->rules->rule[ri];
	d->rule_entries[ri]++;
	if (r->subject == FS_SUBJ_HOST) {
		d->host_entries++;
		(*host_mark(d, key))++;
	}
	return e;
}

static void entry_del(struct fs_detect *d, struct fs_dentry *e)
{
	uint32_t ri = e->rule, pos = e->live_pos, last = --d->n_live;
	if (pos != last) {
		d->live[pos] = d->live[last];
		d->table.e[d->live[pos]].live_pos = pos;
	}
	d->rule_entries[ri]--;
	if (d->rules->rule[ri].subject == FS_SUBJ_HOST) {
		d->host_entries--;
		(*host_mark(d, e->key))--;
	}
	fs_dtable_del(&d->table, e);
}

/*
 * One rule, one subject, one second: the lifecycle step. holds: every
 * condition is true now.
 */
static void step_entry(struct fs_detect *d, struct fs_dentry *e,
		       const struct fs_subject_view *v, bool holds);

/* The entry of rule ri for key, made when the rule holds and none is. */
static void step(struct fs_detect *d, uint32_t ri, uint64_t key,
		 const struct fs_subject_view *v, bool holds)
{
	const struct fs_rule *r = &d->rules->rule[ri];
	struct fs_dentry *e = fs_dtable_find(&d->table, ri, key);
	if (!e) {
		if (!holds)
			return;
		e = entry_add(d, ri, key);
		if (!e) {
			d->st.table_full++;
			return;
		}
		const struct fs_baseline *b = rule_baseline(r, v);
		e->trained = !b || fs_baseline_trained(b);
		e->base_mean = b && e->trained ? fs_baseline_mean(b) : 0;
		/* Since the onset of the run the rule saw, else this slice. */
		e->since_run = b && b->in_run;
		e->since_us = e->since_run ? b->onset_us : d->now_us - d->slice_us;
		if (v->host) {
			e->vlan = v->host->vlan;
			memcpy(e->mac, v->host->mac, 6);
		} else if (v->router) {
			e->vlan = v->router->vlan;
			e->router_id = v->router->router_id;
			memcpy(e->mac, v->router->mac, 6);
		}
	}
	step_entry(d, e, v, holds);
}

/* One slice of an entry's life: pending, raised, repeated, cleared. */
static void step_entry(struct fs_detect *d, struct fs_dentry *e,
		       const struct fs_subject_view *v, bool holds)
{
	uint32_t ri = e->rule;
	uint64_t key = e->key;
	const struct fs_rule *r = &d->rules->rule[ri];
	e->touched = d->tick;
	double x = fs_eval_metric(&r->cond[0].m, v);
	struct fs_alert a;

	if (e->state == FS_ENTRY_PENDING) {
		if (!holds) {
			entry_del(d, e);
			return;
		}
		e->held++;
		if (x > e->peak)
			e->peak = x;
		if (e->held < slices_for(d, rule_for_s(r)))
			return;
		if (r->subject == FS_SUBJ_HOST && host_busy(d, ri, key)) {
			if (!e->same_host) {
				e->same_host = true;
				d->st.same_host++;
			}
			return;
		}
		if (cap_reached(d, e))
			return;
		e->state = FS_ENTRY_ACTIVE;
		e->deferred = false;
		e->raised_us = d->now_us;
		e->last_emit_us = d->now_us;
		e->clear_held = 0;
		d->st.raised++;
		d->st.active++;
		if (r->subject == FS_SUBJ_HOST)
			find_answering(d, e, v);
		fill_alert(d, r, e, v, FS_ALERT_RAISED, &a);
		if (r->subject == FS_SUBJ_HOST &&
		    (!strcmp(r->kind, "flood") || !strcmp(r->kind, "spoof")))
			fs_detect_evidence(d, &a, e->vlan, e->mac, r->kind, e->since_us);
		fs_detect_emit(d, &a, true);
		return;
	}

	if (x > e->peak)
		e->peak = x;
	/* While the capture is blind, a quiet subject proves nothing. */
	if (d->blind_now)
		;
	else if (fs_eval_clear(r, v))
		e->clear_held++;
	else
		e->clear_held = 0;
	if (e->clear_held >= slices_for(d, r->clear_for_s)) {
		if (cap_reached(d, e))
			return;
		d->st.cleared++;
		d->st.active--;
		fill_alert(d, r, e, v, FS_ALERT_CLEARED, &a);
		fs_detect_emit(d, &a, true);
		entry_del(d, e);
		return;
	}
	bool repeat = r->repeat_s &&
		      d->now_us - e->last_emit_us >= (int64_t)r->repeat_s * US;
	/* Routers that began answering the flood: tell at once, not at the
	 * next repeat. Looked for once a second. */
	if (r->subject == FS_SUBJ_HOST && d->now_us % US == 0 &&
	    find_answering(d, e, v))
		repeat = true;
	if (repeat) {
		if (cap_reached(d, e))
			return;
		e->deferred = false;
		e->last_emit_us = d->now_us;
		d->st.repeated++;
		fill_alert(d, r, e, v, FS_ALERT_ACTIVE, &a);
		fs_detect_emit(d, &a, true);
	}
}

static bool rule_holds(const struct fs_rule *r, const struct fs_subject_view *v)
{
	for (unsigned i = 0; i < r->n_cond; i++)
		if (!fs_eval_cond(&r->cond[i], v))
			return false;
	return true;
}

/* ---- the tick ---- */

struct tick_ctx {
	struct fs_detect *d;
	const struct fs_segment *seg;
};

static void judge_host(struct fs_detect *d, const struct fs_host *h,
		       const struct fs_segment *seg)
{
	struct fs_subject_view v = {
		.host = h, .seg = seg, .sec_us = d->sec_us, .now_us = d->now_us,
		.current = fs_hosts_current(d->hosts, h), .routers = d->routers,
	};
	uint32_t pkts = v.current ? h->win.packets : 0;
	uint64_t key = host_key(h->vlan, h->mac);
	bool marked = d->host_entries && *host_mark(d, key) != 0;
	if (pkts < d->host_min_pkts && !marked)
		return;
	for (uint32_t i = 0; i < d->rules->n; i++) {
		const struct fs_rule *r = &d->rules->rule[i];
		if (r->subject != FS_SUBJ_HOST)
			continue;
		bool may_have = marked && d->rule_entries[i];
		if (pkts < d->rule_min_pkts[i] && !may_have)
			continue;
		bool holds = pkts >= d->rule_min_pkts[i] && rule_holds(r, &v) &&
			     (r->n_scope == 0 || fs_eval_in_scope(r, &v));
		if (holds || may_have)
			step(d, i, key, &v, holds);
	}
}

static void host_cb(const struct fs_host *h, void *ctx)
{
	struct tick_ctx *t = ctx;
	judge_host(t->d, h, t->seg);
}

static void router_cb(const struct fs_ospf_router_view *rv, void *ctx)
{
	struct tick_ctx *t = ctx;
	struct fs_detect *d = t->d;
	struct fs_subject_view v = {
		.router = rv, .seg = t->seg, .sec_us = d->sec_us,
		.now_us = d->now_us, .current = true,
	};
	for (unsigned i = 0; i < d->n_late; i++)
		if (d->late[i].router_id == rv->router_id && d->late[i].vlan == rv->vlan)
			v.late_gap_ms = d->late[i].gap_ms;
	uint64_t key = router_key(rv->vlan, rv->router_id);
	for (uint32_t i = 0; i < d->rules->n; i++) {
		const struct fs_rule *r = &d->rules->rule[i];
		if (r->subject != FS_SUBJ_ROUTER)
			continue;
		bool holds = fs_eval_in_scope(r, &v) && rule_holds(r, &v);
		step(d, i, key, &v, holds);
	}
}

/*
 * Entries no subject visited this slice: hosts whose window did not move
 * (judged as they stand) or that went quiet (their rates are zero now, so
 * their alerts can clear), and routers gone from the table. A deletion
 * moves the live list's last entry into its place.
 */
static void sweep(struct fs_detect *d, const struct fs_detect_inputs *in,
		  const struct fs_segment *seg)
{
	for (uint32_t j = 0; j < d->n_live;) {
		uint32_t idx = d->live[j];
		struct fs_dentry *e = &d->table.e[idx];
		uint32_t ri = e->rule;
		if (e->touched == d->tick) {
			j++;
			continue;
		}
		e->touched = d->tick;
		const struct fs_rule *r = &d->rules->rule[ri];
		struct fs_subject_view v = { .seg = seg, .sec_us = d->sec_us,
					     .now_us = d->now_us, .routers = d->routers };
		struct fs_ospf_router_view gone;
		bool holds = false;
		if (r->subject == FS_SUBJ_HOST) {
			const struct fs_host *h = NULL;
			if (in->hosts)
				h = fs_hosts_find((struct fs_hosts *)in->hosts,
						  e->vlan, e->mac);
			v.host = h;
			v.current = fs_hosts_current(in->hosts, h);
			/* Its window did not move this tick: the condition
			 * is as it was, and counts toward "for" and the
			 * hold-down like any other tick's. */
			uint32_t pkts = v.current ? h->win.packets : 0;
			holds = pkts >= d->rule_min_pkts[ri] && rule_holds(r, &v) &&
				(r->n_scope == 0 || fs_eval_in_scope(r, &v));
		} else if (r->subject == FS_SUBJ_ROUTER) {
			memset(&gone, 0, sizeof(gone));
			gone.router_id = e->router_id;
			gone.vlan = e->vlan;
			memcpy(gone.mac, e->mac, 6);
			v.router = &gone;
		} else {
			j++;
			continue;
		}
		step_entry(d, e, &v, holds);
		if (j < d->n_live && d->live[j] == idx)
			j++;
	}
}

void fs_detect_run(struct fs_detect *d, int64_t slice_start_us,
		   const struct fs_detect_inputs *in, fs_detect_router_iter iter)
{
	d->tick++;
	d->router_iter = iter;
	d->slice_us = in->hosts ? fs_hosts_slice_us(in->hosts) : US;
	d->hosts = in->hosts;
	d->sec_us = slice_start_us + d->slice_us - US;
	d->now_us = in->now_us ? in->now_us : slice_start_us + d->slice_us;
	/* The alert cap and the route-flap count are per second. */
	if (slice_start_us % US == 0 || d->slice_us == US) {
		d->emitted_this_tick = 0;
		d->route_changes_sec = 0;
	}
	d->drops_now = in->capture_drops;
	d->gaps = in->gaps;
	d->routers = in->routers;
	d->evidence = in->evidence;
	d->blind_now = in->gaps && in->gaps->open;
	struct tick_ctx t = {
		.d = d, .seg = in->hosts ? fs_hosts_segment(in->hosts) : NULL,
	};
	bool subj[FS_SUBJ_COUNT] = { false };
	for (size_t i = 0; i < d->rules->n; i++)
		subj[d->rules->rule[i].subject] = true;
	/* Hosts whose window moved; those with an alert or a pending one
	 * are judged by the sweep below either way. */
	if (subj[FS_SUBJ_HOST] && in->hosts)
		fs_hosts_foreach_changed(in->hosts, host_cb, &t);
	if (subj[FS_SUBJ_ROUTER] && in->ospf && iter)
		iter(in->ospf, router_cb, &t);
	/* Routing events over the last second, like the hosts' window. */
	uint32_t now_ev[FS_DETECT_EV_KINDS] = {
		d->adj_down,	    d->hello_late_events, d->route_changes,
		d->session_down[0], d->session_down[1],	  d->master_changes,
	};
	unsigned per = (unsigned)(US / d->slice_us);
	for (int k = 0; k < FS_DETECT_EV_KINDS; k++) {
		d->ev_sum[k] += now_ev[k] - d->ev_ring[d->ev_pos][k];
		d->ev_ring[d->ev_pos][k] = now_ev[k];
	}
	d->ev_pos = (d->ev_pos + 1) % per;
	struct fs_subject_view v = {
		.seg = t.seg, .sec_us = d->sec_us, .current = true,
		.adj_down = d->ev_sum[0], .hello_late_events = d->ev_sum[1],
		.route_changes = d->ev_sum[2], .health = in->health,
		.session_down = { d->ev_sum[3], d->ev_sum[4] },
		.master_changes = d->ev_sum[5],
	};
	for (uint32_t i = 0; i < d->rules->n; i++) {
		const struct fs_rule *r = &d->rules->rule[i];
		if (r->subject == FS_SUBJ_SEGMENT || r->subject == FS_SUBJ_OSPF ||
		    r->subject == FS_SUBJ_KERNEL || r->subject == FS_SUBJ_AGENT ||
		    r->subject == FS_SUBJ_BGP || r->subject == FS_SUBJ_BFD ||
		    r->subject == FS_SUBJ_VRRP)
			step(d, i, 0, &v, rule_holds(r, &v));
	}
	sweep(d, in, t.seg);
	fs_corr_tick(d, in);
	d->adj_down = d->hello_late_events = d->route_changes = 0;
	d->session_down[0] = d->session_down[1] = d->master_changes = 0;
	d->n_late = 0;
}

/*
 * New rules: entries follow their rule by name; active alerts of rules
 * that are gone are cleared now; pending ones restart.
 */
void fs_detect_set_rules(struct fs_detect *d, struct fs_ruleset *rules)
{
	if (!rules)
		return;
	struct fs_dtable old = d->table;
	struct fs_ruleset *old_rules = d->rules;
	uint32_t *counts = calloc(rules->n + 1, sizeof(uint32_t));
	if (!counts ||
	    fs_dtable_init(&d->table, d->cfg.table_size, &d->hkey) != 0) {
		free(counts);
		d->table = old;
		fs_rules_free(rules);
		return;
	}
	if (prepare_rules(d, rules) != 0) {
		fs_dtable_fini(&d->table);
		d->table = old;
		free(counts);
		fs_rules_free(rules);
		return;
	}
	free(d->rule_entries);
	d->rule_entries = counts;
	d->host_entries = 0;
	memset(d->host_marks, 0, sizeof(d->host_marks));
	d->rules = rules;
	d->n_live = 0;
	for (uint32_t i = 0; i < old.cap; i++) {
		struct fs_dentry *e = &old.e[i];
		if (e->state != FS_ENTRY_ACTIVE)
			continue;
		const struct fs_rule *orule = &old_rules->rule[e->rule];
		const struct fs_rule *nr = fs_ruleset_find(rules, orule->name);
		if (nr && nr->subject == orule->subject) {
			struct fs_dentry *n = entry_add(d, (uint32_t)(nr - rules->rule),
							e->key);
			if (n) {
				uint32_t rule = n->rule, pos = n->live_pos;
				*n = *e;
				n->rule = rule;
				n->live_pos = pos;
				continue;
			}
		}
		struct fs_subject_view v = { .sec_us = d->sec_us, .now_us = d->now_us };
		struct fs_alert a;
		fill_alert(d, orule, e, &v, FS_ALERT_CLEARED, &a);
		fs_alert_add(&a, "reason", "rule removed");
		d->st.cleared++;
		d->st.active--;
		fs_detect_emit(d, &a, false);
	}
	fs_dtable_fini(&old);
	fs_rules_free(old_rules);
}

void fs_detect_tick(struct fs_detect *d, int64_t slice_start_us,
		    const struct fs_detect_inputs *in)
{
	fs_detect_run(d, slice_start_us, in, fs_ospf_foreach_router);
}
