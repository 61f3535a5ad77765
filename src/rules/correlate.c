/*
 * The correlator: ties a routing symptom (adjacency lost, hello late,
 * kernel routes flapping) to the host whose control-plane traffic rose
 * before it, and raises one `culprit` alert per incident.
 *
 * For each host, over the FS_DETECT_RING seconds up to the symptom:
 *   b      = min(base_ctrl.mean, 25th percentile of the window): a robust
 *            baseline, since an EWMA has already absorbed part of a flood
 *            that began inside the window;
 *   thr    = b + k * max(sqrt(b), 1)   (Poisson spread of a count, k=4);
 *   excess = sum over the window of max(0, ctrl_t - b)  (packets);
 *   onset  = the first second of the latest run of seconds above thr
 *            (a single second below thr does not end a run).
 * Hosts with at least one second above thr and excess >= min_excess are
 * suspects, ranked by excess, ties by earlier onset. With E1, E2 the top
 * two excesses and E the sum over all suspects:
 *   confidence = (E1 / E) * (1 - E2 / (2 * E1)) * (1 - lost)
 * where lost is the capture's drop share in the window: one clear flooder
 * scores 1, two equal ones 0.25 each, and lossy capture lowers it.
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
};

struct rank_ctx {
	struct fs_detect *d;
	int64_t sec_us;		/* newest second of the window */
	struct suspect top[2];
	double total;
	unsigned n;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void judge(const struct fs_host *h, void *ctx)
{
	struct rank_ctx *rc = ctx;
	if (h->last_seen_us < rc->sec_us - (FS_DETECT_RING - 1) * US)
		return;
	/* win[i]: ctrl packets in second sec_us - (RING-1-i), oldest first. */
	uint32_t win[FS_DETECT_RING] = { 0 };
	int64_t lag = (rc->sec_us - h->last_sec_us) / US;	/* >= 0 */
	for (int age = 0; age < FS_HOST_HISTORY; age++) {
		int64_t i = FS_DETECT_RING - 1 - lag - age;
		if (i < 0 || i >= FS_DETECT_RING)
			continue;
		win[i] = h->hist_ctrl[(h->hist_pos + FS_HOST_HISTORY - age) %
				      FS_HOST_HISTORY];
	}
	uint32_t sorted[FS_DETECT_RING];
	memcpy(sorted, win, sizeof(win));
	qsort(sorted, FS_DETECT_RING, sizeof(sorted[0]), cmp_u32);
	double b = sorted[FS_DETECT_RING / 4];
	if (h->base_ctrl.mean < b)
		b = h->base_ctrl.mean;
	double thr = b + rc->d->cfg.onset_k * fmax(sqrt(b), 1.0);
	double excess = 0, peak = 0;
	int onset = -1, last_above = -2;
	for (int i = 0; i < FS_DETECT_RING; i++) {
		if (win[i] > b)
			excess += win[i] - b;
		if (win[i] > peak)
			peak = win[i];
		if (win[i] > thr) {
			if (i - last_above > 2)
				onset = i;	/* a new run starts */
			last_above = i;
		}
	}
	if (onset < 0 || excess < rc->d->cfg.min_excess)
		return;
	struct suspect s = {
		.h = h, .excess = excess, .base = b, .peak = peak,
		.onset_us = rc->sec_us - (int64_t)(FS_DETECT_RING - 1 - onset) * US,
	};
	double sum = 0;
	for (int i = onset; i < FS_DETECT_RING; i++)
		sum += win[i];
	s.rate = sum / (FS_DETECT_RING - onset);
	rc->total += excess;
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
	return w == FS_SYM_ADJ_DOWN ? "adjacency-down"
	       : w == FS_SYM_HELLO_LATE ? "hello-late" : "route-flap";
}

/* "1.1.1.1-2.2.2.2@10,3.3.3.3@10": adjacencies (or routers) that suffered. */
static void victims(const struct fs_corr *c, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < c->n_inc; i++) {
		const struct fs_symptom *s = &c->inc[i];
		if (s->what == FS_SYM_ROUTE_FLAP)
			continue;
		char a[16], b[16], item[48];
		if (s->what == FS_SYM_ADJ_DOWN)
			snprintf(item, sizeof(item), "%s-%s@%u", fs_fmt_id(a, s->router_id),
				 fs_fmt_id(b, s->neighbor_id), s->vlan);
		else
			snprintf(item, sizeof(item), "%s@%u", fs_fmt_id(a, s->router_id),
				 s->vlan);
		if (strstr(out, item))
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
	if (s->h->n_ips) {
		snprintf(key, sizeof(key), "%sip", prefix);
		fs_alert_add(a, key, "%s",
			     fs_fmt_ip(buf, s->h->ips[0].version, s->h->ips[0].addr));
	}
	snprintf(key, sizeof(key), "%spps", prefix);
	fs_alert_add(a, key, "%.0f", s->rate);
	snprintf(key, sizeof(key), "%sbaseline", prefix);
	fs_alert_add(a, key, "%.1f", s->base);
	snprintf(key, sizeof(key), "%ssince", prefix);
	char ts[FS_TIME_STRLEN];
	fs_alert_add(a, key, "%s", fs_fmt_time(ts, s->onset_us));
}

/*
 * Ranks the hosts and raises (or, for an incident already named, updates
 * as active) the culprit alert. Returns false when nobody stands out.
 */
static bool name_culprit(struct fs_detect *d, const struct fs_detect_inputs *in,
			 enum fs_alert_state state)
{
	struct fs_corr *c = &d->corr;
	struct rank_ctx rc = { .d = d, .sec_us = d->sec_us };
	if (in->hosts)
		fs_hosts_foreach(in->hosts, judge, &rc);
	if (!rc.top[0].h)
		return false;
	/* Capture losses over the window: drops against packets seen. */
	unsigned back = c->ring_n < FS_DETECT_RING ? c->ring_n : FS_DETECT_RING;
	unsigned newest = (c->ring_pos + FS_DETECT_RING - 1) % FS_DETECT_RING;
	unsigned oldest = (c->ring_pos + FS_DETECT_RING - back) % FS_DETECT_RING;
	uint64_t drops = back ? c->drops[newest] - c->drops[oldest] : 0;
	uint64_t pkts = back ? c->seg_packets[newest] - c->seg_packets[oldest] : 0;
	double lost = drops ? (double)drops / (double)(drops + pkts) : 0;

	const struct suspect *t = &rc.top[0], *r = &rc.top[1];
	double conf = t->excess / rc.total;
	if (r->h)
		conf *= 1.0 - r->excess / (2.0 * t->excess);
	conf *= 1.0 - lost;

	struct fs_alert *a = &c->raised;
	memset(a, 0, sizeof(*a));
	a->ts_us = d->sec_us + US;
	a->state = state;
	a->severity = FS_SEV_CRITICAL;
	snprintf(a->rule, sizeof(a->rule), "culprit");
	snprintf(a->kind, sizeof(a->kind), "culprit");
	add_suspect(a, "", t);
	fs_alert_add(a, "class", "%s", fs_detect_top_class(t->h, true));
	fs_alert_add(a, "peak", "%.0f", t->peak);
	fs_alert_add(a, "excess", "%.0f", t->excess);
	fs_alert_add(a, "confidence", "%.2f", conf);
	fs_alert_add(a, "trigger", "%s", symptom_name(c->inc[0].what));
	char vict[96];
	victims(c, vict, sizeof(vict));
	if (vict[0])
		fs_alert_add_list(a, "adjacencies", vict);
	fs_alert_add(a, "drops", "%llu", (unsigned long long)drops);
	fs_alert_add_bool(a, "lossy", drops != 0);
	fs_alert_add(a, "suspects", "%u", rc.n);
	if (r->h)
		add_suspect(a, "runner_up_", r);
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

static void update_victims(struct fs_detect *d)
{
	struct fs_corr *c = &d->corr;
	struct fs_alert *a = &c->raised;
	char vict[96];
	victims(c, vict, sizeof(vict));
	a->ts_us = d->sec_us + US;
	a->state = FS_ALERT_ACTIVE;
	unsigned i;
	for (i = 0; i < a->n_fields; i++)
		if (!strcmp(a->field[i].key, "adjacencies"))
			break;
	if (i < a->n_fields)
		snprintf(a->field[i].value, sizeof(a->field[i].value), "%s", vict);
	else
		fs_alert_add_list(a, "adjacencies", vict);
	fs_detect_emit(d, a, false);
}

static bool same_symptom(const struct fs_symptom *a, const struct fs_symptom *b)
{
	return a->what == b->what && a->router_id == b->router_id &&
	       a->neighbor_id == b->neighbor_id && a->vlan == b->vlan;
}

/* Adds the new symptoms to the incident; true when an adjacency loss not
 * seen before in it is among them. */
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
		new_loss |= c->sym[i].what == FS_SYM_ADJ_DOWN;
	}
	return new_loss;
}

uint64_t fs_corr_drops_since(const struct fs_detect *d, int64_t since_us)
{
	const struct fs_corr *c = &d->corr;
	uint64_t before = 0;
	bool found = false;
	/* Newest entry of a second before since_us; else the oldest kept. */
	for (unsigned k = 1; k <= c->ring_n; k++) {
		unsigned i = (c->ring_pos + FS_DETECT_RING - k) % FS_DETECT_RING;
		before = c->drops[i];
		if (c->ring_sec[i] < since_us) {
			found = true;
			break;
		}
	}
	if (!found && c->ring_n < FS_DETECT_RING)
		before = 0;	/* the capture started inside the span */
	return d->drops_now > before ? d->drops_now - before : 0;
}

void fs_corr_tick(struct fs_detect *d, const struct fs_detect_inputs *in)
{
	struct fs_corr *c = &d->corr;
	c->drops[c->ring_pos] = in->capture_drops;
	c->ring_sec[c->ring_pos] = d->sec_us;
	c->seg_packets[c->ring_pos] =
		in->hosts ? fs_hosts_segment(in->hosts)->packets : 0;
	c->ring_pos = (c->ring_pos + 1) % FS_DETECT_RING;
	if (c->ring_n < FS_DETECT_RING)
		c->ring_n++;

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
	} else if (c->open && d->sec_us + US - c->last_us > quiet) {
		c->open = false;
		if (c->named) {
			struct fs_alert a = c->raised;
			a.ts_us = d->sec_us + US;
			a.state = FS_ALERT_CLEARED;
			fs_alert_add(&a, "symptoms", "%u", c->symptoms);
			fs_detect_emit(d, &a, false);
		}
	}
}
