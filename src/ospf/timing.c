/*
 * Hello timing per router: each inter-arrival is judged on its own against
 * the advertised HelloInterval (a late hello is often followed by an early
 * one, so the mean rate hides starvation). A hub on an NBMA link sends one
 * unicast hello per neighbor, so gaps are measured per destination.
 */
#include "ospf_int.h"

#include <string.h>

static bool is_multicast(const struct fs_pkt *p)
{
	if (p->ip_version == 4)
		return p->dst_ip[0] >= 224 && p->dst_ip[0] < 240;
	return p->dst_ip[0] == 0xff;
}

static struct fs_ospf_dest *dest_slot(struct fs_ospf_rt *r,
				      const struct fs_pkt *p)
{
	/* One slot per (source, unicast destination): a router's links and
	 * an NBMA hub's per-neighbor hellos each keep their own rhythm. */
	uint8_t key[16];
	for (unsigned i = 0; i < 16; i++)
		key[i] = p->src_ip[i] ^ (is_multicast(p) ? 0 : p->dst_ip[i]);
	struct fs_ospf_dest *oldest = &r->dests[0];
	for (unsigned i = 0; i < FS_OSPF_DESTS; i++) {
		struct fs_ospf_dest *d = &r->dests[i];
		if (d->last_us != 0 && memcmp(d->ip, key, 16) == 0)
			return d;
		if (d->last_us < oldest->last_us)
			oldest = d;
	}
	memcpy(oldest->ip, key, 16);
	oldest->last_us = 0;
	return oldest;
}

static uint32_t to_ms(int64_t us)
{
	int64_t ms = (us + 500) / 1000;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static void emit_late(struct fs_ospf *o, const struct fs_ospf_rt *r,
		      int64_t ts, int64_t gap_us, bool silent)
{
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_HELLO_LATE;
	ev.ts_us = ts;
	ev.u.late.router_id = r->rid;
	ev.u.late.vlan = r->vlan;
	ev.u.late.hello_interval_ms = r->hello_s * 1000u;
	ev.u.late.gap_ms = to_ms(gap_us);
	ev.u.late.late_ms = ev.u.late.gap_ms > ev.u.late.hello_interval_ms
				    ? ev.u.late.gap_ms -
					      ev.u.late.hello_interval_ms
				    : 0;
	ev.u.late.silent = silent;
	fs_ospf_emit(o, &ev);
}

/*
 * When a hello is late: its interval plus a margin. Until the router has
 * shown FS_OSPF_JITTER_GAPS gaps the margin is hello_late_ratio of the
 * interval; then it follows the jitter seen (3 times the mean deviation
 * of its gaps, at least 2 % of the interval and 50 ms), never more than
 * that ratio. Real routers keep their hellos within a millisecond or two
 * (DESIGN.md), so at default timers (10 s) a starved router is told
 * late about 0.2 s after its hello was due, not 2.5 s.
 */
static int64_t late_limit(const struct fs_ospf *o, const struct fs_ospf_rt *r)
{
	double ratio = o->cfg.hello_late_ratio > 0 ? o->cfg.hello_late_ratio : 0;
	double iv = (double)r->hello_s * FS_OSPF_USEC;
	double margin = iv * ratio;
	if (r->gaps >= FS_OSPF_JITTER_GAPS) {
		double m = 3.0 * r->gap_jitter_ms * 1000.0;
		if (m < 0.02 * iv)
			m = 0.02 * iv;
		if (m < 50000.0)
			m = 50000.0;
		if (m < margin)
			margin = m;
	}
	return (int64_t)(iv + margin);
}

void fs_ospf_timing_hello(struct fs_ospf *o, struct fs_ospf_rt *r,
			  const struct fs_pkt *p)
{
	struct fs_ospf_dest *d = dest_slot(r, p);
	int64_t prev = d->last_us;
	/* A span session that mirrors both directions shows each hello
	 * twice, microseconds apart: a copy, not an early hello. */
	if (prev != 0 && p->ts_us < prev)
		return;		/* reordered capture: no gap to judge */
	if (prev != 0 && p->ts_us - prev < FS_OSPF_DUP_US) {
		r->hello_dups++;
		return;
	}
	d->last_us = p->ts_us;
	if (prev == 0)
		return;
	/* Hellos may have come while the capture was blind: no gap to judge. */
	if (fs_ospf_seen_from(o, prev, p->ts_us) != prev)
		return;
	int64_t gap_us = p->ts_us - prev;
	uint32_t gap_ms = to_ms(gap_us);
	r->last_gap_ms = gap_ms;
	if (gap_ms > r->gap_max_ms)
		r->gap_max_ms = gap_ms;
	/* A return after a dead interval is an outage, not jitter. Plain
	 * means over the first gaps, so three gaps already tell the rhythm;
	 * then weights 1/8 (mean) and 1/16 (deviation). */
	if (r->dead_s == 0 || gap_us <= (int64_t)r->dead_s * FS_OSPF_USEC) {
		float g = (float)gap_us / 1000.0f;
		if (r->gaps == 0) {
			r->gap_mean_ms = g;
		} else {
			float diff = g - r->gap_mean_ms;
			float n = (float)r->gaps;
			r->gap_mean_ms += diff / (n < 7 ? n + 1 : 8.0f);
			float ad = diff < 0 ? -diff : diff;
			r->gap_jitter_ms += (ad - r->gap_jitter_ms) / (n < 16 ? n : 16.0f);
		}
		r->gaps++;
	}
	/* Told already when it became overdue (the tick before). */
	if (r->hello_s == 0 || r->silent_reported)
		return;
	if (gap_us > late_limit(o, r))
		emit_late(o, r, p->ts_us, gap_us, false);
}

/*
 * The moment a hello is overdue: the tick that passes it tells, stamped
 * with that moment, so the correlator can act in the same slice rather
 * than when (or whether) the late hello arrives.
 */
void fs_ospf_timing_tick(struct fs_ospf *o, struct fs_ospf_rt *r,
			 int64_t now_us)
{
	if (!r->hello_seen || !r->alive || r->silent_reported || r->hello_s == 0)
		return;
	int64_t limit = late_limit(o, r);
	if (now_us - r->last_hello_us <= limit ||
	    !fs_ospf_seen_past(o, r->last_hello_us + limit))
		return;
	int64_t from = fs_ospf_seen_from(o, r->last_hello_us, now_us);
	if (from != r->last_hello_us) {
		if (from == INT64_MAX || now_us - from <= limit ||
		    !fs_ospf_seen_past(o, from + limit)) {
			fs_ospf_unseen(o, r, 0, now_us);
			return;
		}
		/* Silent since the capture could see again: late from there. */
		r->silent_reported = true;
		emit_late(o, r, from + limit, limit, true);
		return;
	}
	r->silent_reported = true;
	emit_late(o, r, r->last_hello_us + limit, limit, true);
}
