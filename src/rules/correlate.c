/*
 * The correlator: ties a routing symptom (adjacency lost, hello late,
 * kernel routes flapping) to the host whose control-plane traffic rose
 * before it, and raises one `culprit` alert per incident, in the slice of
 * the symptom.
 *
 * Each host's control-plane baseline finds its own change point (a run,
 * baseline.h): onset, the mean before it, and the packets above that mean
 * since. The correlator looks back as far as the routers' timers need
 * (dead interval plus a hello interval, FS_CORR_LOOK_MIN_S to
 * FS_CORR_LOOK_MAX_S) and takes every host whose run was under way in
 * that span; a host first seen in the span, too young for a baseline,
 * counts from zero. Hosts with excess >= min_excess are suspects, ranked
 * by excess, ties by earlier onset. With E1, E2 the top two excesses and
 * E the sum over all suspects:
 *   confidence = (E1 / E) * (1 - E2 / (2 * E1)) * (1 - lost)
 * where lost is the capture's drop share since the onset: one clear
 * flooder scores 1, two equal ones 0.25 each, and lossy capture lowers it.
 */
#include "detect_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/fmt.h"

#define US 1000000LL

void fs_corr_symptom(struct fs_detect *d, const struct fs_symptom *s)
{
	struct fs_corr *c = &d->corr;
	if (c->n_sym >= FS_CORR_MAX_SYMPTOMS) {
		c->sym_dropped++;
		return;
	}
	c->sym[c->n_sym++] = *s;
}

struct suspect {
	const struct fs_host *h;
	double excess, base, peak, rate;
	int64_t onset_us;
	bool trained;
};

struct rank_ctx {
	struct fs_detect *d;
	const struct fs_hosts *hosts;
	int64_t now_us;		/* the symptom's slice end */
	int64_t from_us;	/* start of the lookback */
	struct suspect top[2];
	double total;
	unsigned n;
};

static void judge(const struct fs_host *h, void *ctx)
{
	struct rank_ctx *rc = ctx;
	if (h->last_seen_us < rc->from_us)
		return;
	const struct fs_baseline *b = &h->base_ctrl;
	bool current = fs_hosts_current(rc->hosts, h);
	struct suspect s = { .h = h, .trained = fs_baseline_trained(b) };

	if (b->onset_us && (b->in_run || b->above_us >= rc->from_us)) {
		s.excess = b->excess;
		s.base = b->base;
		s.peak = b->peak;
		s.onset_us = b->onset_us;
		s.trained = true;
	} else if (h->first_seen_us >= rc->from_us) {
		/* New in the span, its habit unknown (what it learned while
		 * young may be the flood itself): all it sent is excess. */
		s.excess = (double)h->ctrl_packets;
		s.peak = current ? h->win.ctrl : 0;
		s.onset_us = h->first_seen_us;
	} else {
		return;
	}
	if (s.excess < rc->d->cfg.min_excess)
		return;
	if (current && h->win.ctrl > s.peak)
		s.peak = h->win.ctrl;
	/* The rate now, or the mean since the onset once it is over. */
	double secs = (double)(rc->now_us - s.onset_us) / US;
	s.rate = current && h->win.ctrl > s.base ? h->win.ctrl
		 : s.base + (secs > 1 ? s.excess / secs : s.excess);
	rc->total += s.excess;
	rc->n++;
	for (int k = 0; k < 2; k++) {
		struct suspect *t = &rc->top[k];
		if (!t->h || s.excess > t->excess ||
		    (s.excess == t->excess && s.onset_us < t->onset_us)) {
			if (k == 0)
				rc->top[1] = rc->top[0];
			*t = s;
			break;
		}
	}
}

static const char *symptom_name(uint8_t w)
{
	static const char *const names[] = {
		[FS_SYM_ADJ_DOWN] = "adjacency-down",
		[FS_SYM_HELLO_LATE] = "hello-late",
		[FS_SYM_ROUTE_FLAP] = "route-flap",
		[FS_SYM_SESSION_DOWN] = "session-down",
		[FS_SYM_SESSION_LATE] = "keepalive-late",
		[FS_SYM_MASTER_CHANGE] = "master-change",
	};
	return w < sizeof(names) / sizeof(names[0]) ? names[w] : "unknown";
}

static bool is_session(const struct fs_symptom *s)
{
	return s->what == FS_SYM_SESSION_DOWN || s->what == FS_SYM_SESSION_LATE ||
	       s->what == FS_SYM_MASTER_CHANGE;
}

/* "bgp:10.0.0.1-10.0.0.2@10", "vrrp3:7@10" (the group). */
static void session_item(const struct fs_symptom *s, char *out, size_t len)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN];
	if (s->fhrp)
		snprintf(out, len, "%s:%u@%u", s->proto, s->group, s->vlan);
	else
		snprintf(out, len, "%s:%s-%s@%u", s->proto,
			 fs_fmt_ip(a, s->ip_version, s->ip[0]),
			 fs_fmt_ip(b, s->ip_version, s->ip[1]), s->vlan);
}

void fs_detect_session_fields(struct fs_alert *a, const struct fs_symptom *s)
{
	char item[2 * FS_IP_STRLEN + 24];
	session_item(s, item, sizeof(item));
	fs_alert_add(a, "session", "%s", item);
}

/* One victim's name: false for symptoms of the other list. */
static bool victim_item(const struct fs_symptom *s, bool sessions, char *item,
			size_t len)
{
	if (s->what == FS_SYM_ROUTE_FLAP || is_session(s) != sessions)
		return false;
	char a[16], b[16];
	if (sessions)
		session_item(s, item, len);
	else if (s->what == FS_SYM_ADJ_DOWN)
		snprintf(item, len, "%s-%s@%u", fs_fmt_id(a, s->router_id),
			 fs_fmt_id(b, s->neighbor_id), s->vlan);
	else
		snprintf(item, len, "%s@%u", fs_fmt_id(a, s->router_id), s->vlan);
	return true;
}

/*
 * What suffered in the incident, each once, as many as fit: adjacencies
 * (or routers), "1.1.1.1-2.2.2.2@10,3.3.3.3@10"; or with sessions, the
 * routing sessions as session_item.
 */
static void victims_of(const struct fs_corr *c, bool sessions, char *out,
		       size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < c->n_inc; i++) {
		char item[2 * FS_IP_STRLEN + 24];
		if (!victim_item(&c->inc[i], sessions, item, sizeof(item)) ||
		    strstr(out, item))
			continue;
		int n = snprintf(out + o, len - o, "%s%s", o ? "," : "", item);
		if (n < 0 || (size_t)n >= len - o) {
			out[o] = '\0';
			return;
		}
		o += (size_t)n;
	}
}

static void add_suspect(struct fs_alert *a, const char *prefix,
			const struct suspect *s)
{
	char buf[FS_IP_STRLEN], key[24];
	snprintf(key, sizeof(key), "%smac", prefix);
	fs_alert_add(a, key, "%s", fs_fmt_mac(buf, s->h->mac));
	snprintf(key, sizeof(key), "%svlan", prefix);
	fs_alert_add(a, key, "%u", s->h->vlan);
	const struct fs_host_ip *ip = fs_detect_host_ip(s->h);
	if (ip) {
		snprintf(key, sizeof(key), "%sip", prefix);
		fs_alert_add(a, key, "%s", fs_fmt_ip(buf, ip->version, ip->addr));
	}
	snprintf(key, sizeof(key), "%spps", prefix);
	fs_alert_add(a, key, "%.0f", s->rate);
	snprintf(key, sizeof(key), "%sbaseline", prefix);
	fs_alert_add(a, key, "%.1f", s->base);
	if (!s->trained) {
		snprintf(key, sizeof(key), "%sbaseline_trained", prefix);
		fs_alert_add_bool(a, key, false);
	}
	snprintf(key, sizeof(key), "%ssince", prefix);
	char ts[FS_TIME_STRLEN];
	fs_alert_add(a, key, "%s", fs_fmt_time(ts, s->onset_us));
}

struct look_ctx {
	const struct fs_corr *c;
	uint32_t look_s;
};

static void router_look(const struct fs_ospf_router_view *r, void *ctx)
{
	struct look_ctx *l = ctx;
	for (unsigned i = 0; i < l->c->n_inc; i++) {
		const struct fs_symptom *s = &l->c->inc[i];
		if (s->vlan != r->vlan ||
		    (s->router_id != r->router_id && s->neighbor_id != r->router_id))
			continue;
		uint32_t need = r->dead_interval_s + r->hello_interval_s;
		if (need > l->look_s)
			l->look_s = need;
	}
}

/* How far back an onset may lie for this incident's symptoms. */
static int64_t lookback_us(const struct fs_detect *d,
			   const struct fs_detect_inputs *in)
{
	struct look_ctx l = { .c = &d->corr, .look_s = FS_CORR_LOOK_MIN_S };
	for (unsigned i = 0; i < d->corr.n_inc; i++)
		if (d->corr.inc[i].look_s > l.look_s)
			l.look_s = d->corr.inc[i].look_s;
	if (in->ospf && d->router_iter)
		d->router_iter(in->ospf, router_look, &l);
	if (l.look_s > FS_CORR_LOOK_MAX_S)
		l.look_s = FS_CORR_LOOK_MAX_S;
	return (int64_t)l.look_s * US;
}

/* Cumulative counts as they stood before since_us (0 when the capture
 * started inside the span). */
static void ring_before(const struct fs_corr *c, int64_t since_us,
			uint64_t *drops, uint64_t *pkts)
{
	*drops = *pkts = 0;
	for (unsigned k = 1; k <= c->ring_n; k++) {
		unsigned i = (c->ring_pos + FS_CORR_RING - k) % FS_CORR_RING;
		*drops = c->drops[i];
		*pkts = c->seg_packets[i];
		if (c->ring_sec[i] + US <= since_us)
			return;
	}
	if (c->ring_n < FS_CORR_RING)
		*drops = *pkts = 0;
}

/*
 * Ranks the hosts and raises (or, for an incident already named, updates
 * as active) the culprit alert. Returns false when nobody stands out.
 */
static bool name_culprit(struct fs_detect *d, const struct fs_detect_inputs *in,
			 enum fs_alert_state state)
{
	struct fs_corr *c = &d->corr;
	struct rank_ctx rc = {
		.d = d, .hosts = in->hosts, .now_us = d->now_us,
		.from_us = d->now_us - lookback_us(d, in),
	};
	if (in->hosts)
		fs_hosts_foreach(in->hosts, judge, &rc);
	if (!rc.top[0].h)
		return false;
	const struct suspect *t = &rc.top[0], *r = &rc.top[1];
	/* Capture losses since the onset: drops against packets seen. */
	uint64_t d0, p0;
	ring_before(c, t->onset_us, &d0, &p0);
	uint64_t drops = d->drops_now - d0;
	uint64_t pkts = in->hosts ? fs_hosts_segment(in->hosts)->packets - p0 : 0;
	double lost = drops ? (double)drops / (double)(drops + pkts) : 0;

	double conf = t->excess / rc.total;
	if (r->h)
		conf *= 1.0 - r->excess / (2.0 * t->excess);
	conf *= 1.0 - lost;

	struct fs_alert *a = &c->raised;
	memset(a, 0, sizeof(*a));
	a->ts_us = d->now_us;
	a->state = state;
	a->severity = FS_SEV_CRITICAL;
	snprintf(a->rule, sizeof(a->rule), "culprit");
	snprintf(a->kind, sizeof(a->kind), "culprit");
	add_suspect(a, "", t);
	fs_alert_add(a, "class", "%s", fs_detect_top_class(t->h, true));
	fs_alert_add(a, "peak", "%.0f", t->peak);
	fs_alert_add(a, "excess", "%.0f", t->excess);
	fs_alert_add(a, "confidence", "%.2f", conf);
	/* The symptom that named it (the incident's first may have found no
	 * suspect yet). */
	fs_alert_add(a, "trigger", "%s",
		     symptom_name(c->n_sym ? c->sym[0].what : c->inc[0].what));
	char vict[96];
	victims_of(c, false, vict, sizeof(vict));
	if (vict[0])
		fs_alert_add_list(a, "adjacencies", vict);
	victims_of(c, true, vict, sizeof(vict));
	if (vict[0])
		fs_alert_add_list(a, "sessions", vict);
	bool blind = in->gaps && fs_gaps_blind_until(in->gaps, t->onset_us, d->now_us);
	fs_alert_add(a, "drops", "%llu", (unsigned long long)drops);
	fs_alert_add_bool(a, "lossy", drops || blind);
	if (blind)
		fs_alert_add_bool(a, "blind", true);
	fs_alert_add(a, "suspects", "%u", rc.n);
	if (r->h)
		add_suspect(a, "runner_up_", r);
	if (state == FS_ALERT_RAISED) {
		c->evidence[0] = '\0';
		fs_detect_evidence(d, a, t->h->vlan, t->h->mac, "culprit", t->onset_us);
		if (a->n_fields && !strcmp(a->field[a->n_fields - 1].key, "evidence"))
			snprintf(c->evidence, sizeof(c->evidence), "%s",
				 a->field[a->n_fields - 1].value);
	} else if (c->evidence[0]) {
		fs_alert_add(a, "evidence", "%s", c->evidence);
	}
	char mac[FS_MAC_STRLEN];
	snprintf(a->message, sizeof(a->message),
		 "%s %s before the routing symptom; control-plane traffic %.0f pps "
		 "over a baseline of %.1f", fs_fmt_mac(mac, t->h->mac),
		 r->h ? "rose most" : "rose", t->rate, t->base);
	if (state == FS_ALERT_RAISED)
		d->st.culprits++;
	fs_detect_emit(d, a, false);
	return true;
}

/* Sets the list field key of a to vict (adds it when new and not empty). */
static void set_list(struct fs_alert *a, const char *key, const char *vict)
{
	for (unsigned i = 0; i < a->n_fields; i++)
		if (!strcmp(a->field[i].key, key)) {
			snprintf(a->field[i].value, sizeof(a->field[i].value),
				 "%s", vict);
			return;
		}
	if (vict[0])
		fs_alert_add_list(a, key, vict);
}

static void update_victims(struct fs_detect *d)
{
	struct fs_corr *c = &d->corr;
	struct fs_alert *a = &c->raised;
	char vict[96];
	a->ts_us = d->now_us;
	a->state = FS_ALERT_ACTIVE;
	victims_of(c, false, vict, sizeof(vict));
	set_list(a, "adjacencies", vict);
	victims_of(c, true, vict, sizeof(vict));
	set_list(a, "sessions", vict);
	fs_detect_emit(d, a, false);
}

static bool same_symptom(const struct fs_symptom *a, const struct fs_symptom *b)
{
	return a->what == b->what && a->router_id == b->router_id &&
	       a->neighbor_id == b->neighbor_id && a->vlan == b->vlan &&
	       !strcmp(a->proto, b->proto) && a->group == b->group &&
	       !memcmp(a->ip, b->ip, sizeof(a->ip));
}

/* Adds the new symptoms to the incident; true when a loss (adjacency,
 * session, master) not seen before in it is among them. */
static bool merge_symptoms(struct fs_corr *c)
{
	bool new_loss = false;
	for (unsigned i = 0; i < c->n_sym; i++) {
		unsigned j;
		for (j = 0; j < c->n_inc; j++)
			if (same_symptom(&c->inc[j], &c->sym[i]))
				break;
		if (j < c->n_inc || c->n_inc >= FS_CORR_MAX_SYMPTOMS)
			continue;
		c->inc[c->n_inc++] = c->sym[i];
		new_loss |= c->sym[i].what == FS_SYM_ADJ_DOWN ||
			    c->sym[i].what == FS_SYM_SESSION_DOWN ||
			    c->sym[i].what == FS_SYM_MASTER_CHANGE;
	}
	return new_loss;
}

uint64_t fs_corr_drops_since(const struct fs_detect *d, int64_t since_us)
{
	uint64_t before, pkts;
	ring_before(&d->corr, since_us, &before, &pkts);
	return d->drops_now > before ? d->drops_now - before : 0;
}

void fs_corr_tick(struct fs_detect *d, const struct fs_detect_inputs *in)
{
	struct fs_corr *c = &d->corr;
	if (d->now_us % US == 0) {
		c->drops[c->ring_pos] = in->capture_drops;
		c->ring_sec[c->ring_pos] = d->now_us - US;
		c->seg_packets[c->ring_pos] =
			in->hosts ? fs_hosts_segment(in->hosts)->packets : 0;
		c->ring_pos = (c->ring_pos + 1) % FS_CORR_RING;
		if (c->ring_n < FS_CORR_RING)
			c->ring_n++;
	}

	int64_t quiet = (int64_t)d->cfg.incident_quiet_s * US;
	if (c->n_sym) {
		if (c->open && c->sym[0].ts_us - c->last_us <= quiet) {
			/* Same incident: raised once already. A lost adjacency
			 * it had not seen updates it (state active); a naming
			 * is tried again while nobody stood out. */
			c->symptoms += c->n_sym;
			c->last_us = c->sym[c->n_sym - 1].ts_us;
			bool new_loss = merge_symptoms(c);
			if (!c->named) {
				c->named = name_culprit(d, in, FS_ALERT_RAISED);
				if (c->named)
					d->st.incidents_unnamed--;
			} else if (new_loss && !name_culprit(d, in, FS_ALERT_ACTIVE)) {
				/* The flood has left the window: same suspect,
				 * the new adjacency added. */
				update_victims(d);
			}
		} else {
			c->open = true;
			c->first_us = c->sym[0].ts_us;
			c->last_us = c->sym[c->n_sym - 1].ts_us;
			c->symptoms = c->n_sym;
			c->n_inc = 0;
			merge_symptoms(c);
			d->st.incidents++;
			c->named = name_culprit(d, in, FS_ALERT_RAISED);
			if (!c->named)
				d->st.incidents_unnamed++;
		}
		c->n_sym = 0;
	} else if (c->open && d->now_us - c->last_us > quiet) {
		c->open = false;
		if (c->named) {
			struct fs_alert a = c->raised;
			a.ts_us = d->now_us;
			a.state = FS_ALERT_CLEARED;
			fs_alert_add(&a, "symptoms", "%u", c->symptoms);
			fs_detect_emit(d, &a, false);
		}
	}
}
