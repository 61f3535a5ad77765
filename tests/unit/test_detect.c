/*
 * Detector: a real hosts table fed synthetic per-second traffic, spread
 * evenly over the second and ticked slice by slice; rules from text or
 * the shipped files, alerts caught from the event bus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/alert.h"
#include "floodspot/bfd_msg.h"
#include "floodspot/bgp.h"
#include "floodspot/detect.h"
#include "floodspot/fhrp.h"
#include "floodspot/fmt.h"
#include "floodspot/hosts.h"
#include "src/rules/detect_int.h"

#define SEC 1000000LL
#define T0 (1700000000LL * SEC)
#define MAX_CAUGHT 512

#define CTRL_TO_ROUTER FS_CLASS_BIT(FS_CLASS_TO_ROUTER)
#define ARP_BCAST (FS_CLASS_BIT(FS_CLASS_ARP) | FS_CLASS_BIT(FS_CLASS_BROADCAST))

#define SLICES 10
#define MAX_PLAN 4096

/* Packets planned for the second being filled. */
struct plan {
	unsigned id;
	uint32_t n, classes, len;
	bool new_ip_each;
};

struct sim {
	struct fs_event_bus bus;
	struct fs_hosts *hosts;
	struct fs_detect *det;
	int64_t sec;		/* second being filled */
	uint64_t drops;
	struct fs_alert caught[MAX_CAUGHT];
	unsigned n;
	struct plan plan[MAX_PLAN];
	unsigned n_plan;
	struct fs_event ev[16];	/* emitted in the slice of their time */
	unsigned n_ev;
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct sim *s = ctx;
	if (ev->type == FS_EV_ALERT && s->n < MAX_CAUGHT)
		s->caught[s->n++] = *ev->u.alert;
}

#define UNIVERSAL 0x100000	/* id flag: a vendor (universal) MAC */
#define GROUP 0x200000		/* id flag: group bit set, no NIC's */

/* Locally administered 02:00:00:xx:xx:xx unless a flag says otherwise. */
static void mac_of(unsigned id, uint8_t mac[6])
{
	uint8_t first = id & GROUP ? 0x01 : id & UNIVERSAL ? 0x00 : 0x02;
	uint8_t m[6] = { first, id & UNIVERSAL ? 0x1b : 0, 0, (uint8_t)(id >> 16),
			 (uint8_t)(id >> 8), (uint8_t)id };
	m[3] &= 0x0f;
	memcpy(mac, m, 6);
}

static struct fs_ruleset *rules_text(const char *text)
{
	unsigned e = 0;
	struct fs_ruleset *rs = fs_rules_parse("test", text, strlen(text), stderr, &e);
	assert_non_null(rs);
	return rs;
}

static struct fs_ruleset *rules_shipped(void)
{
	unsigned e = 0;
	struct fs_ruleset *rs = fs_rules_load(FS_SOURCE_RULES_DIR, stderr, &e);
	assert_non_null(rs);
	return rs;
}

static void sim_init(struct sim *s, struct fs_ruleset *rs,
		     const struct fs_detect_config *cfg)
{
	memset(s, 0, sizeof(*s));
	fs_event_bus_init(&s->bus);
	struct fs_hosts_config hc;
	fs_hosts_config_defaults(&hc);
	hc.capacity = 4096;
	hc.seed = 1;
	s->hosts = fs_hosts_create(&hc);
	assert_non_null(s->hosts);
	s->det = fs_detect_create_config(rs, &s->bus, cfg);
	assert_non_null(s->det);
	fs_event_subscribe(&s->bus, on_event, s);
	s->sec = T0;
}

static void sim_fini(struct sim *s)
{
	/* Invariant: the per-rule entry counts add up to the table's. */
	uint32_t sum = 0, hosts = 0;
	for (size_t i = 0; i < s->det->rules->n; i++) {
		sum += s->det->rule_entries[i];
		if (s->det->rules->rule[i].subject == FS_SUBJ_HOST)
			hosts += s->det->rule_entries[i];
	}
	assert_int_equal(sum, s->det->table.used);
	assert_int_equal(s->det->n_live, s->det->table.used);
	for (uint32_t i = 0; i < s->det->n_live; i++) {
		const struct fs_dentry *e = &s->det->table.e[s->det->live[i]];
		assert_int_not_equal(e->state, FS_ENTRY_FREE);
		assert_ptr_equal(fs_dtable_find(&s->det->table, e->rule, e->key), e);
		assert_int_equal(e->live_pos, i);
	}
	assert_int_equal(hosts, s->det->host_entries);
	fs_detect_destroy(s->det);
	fs_hosts_destroy(s->hosts);
}

/* n packets from host id in the current second, spread evenly. */
static void send(struct sim *s, unsigned id, uint32_t n, uint32_t classes,
		 uint32_t len, bool new_ip_each)
{
	assert_true(s->n_plan < MAX_PLAN);
	s->plan[s->n_plan++] = (struct plan){ id, n, classes, len, new_ip_each };
}

static void queue_event(struct sim *s, const struct fs_event *ev)
{
	assert_true(s->n_ev < 16);
	s->ev[s->n_ev++] = *ev;
}

/* The packets of plan entry q that fall in slice k of the second. */
static void send_slice(struct sim *s, const struct plan *q, int k)
{
	static uint32_t ipseq;
	int64_t step = SEC / q->n, w = SEC / SLICES;
	int64_t lo = (k * w + step - 1) / step, hi = ((k + 1) * w + step - 1) / step;
	for (int64_t i = lo; i < hi && i < q->n; i++) {
		struct fs_pkt p;
		memset(&p, 0, sizeof(p));
		p.ts_us = s->sec + i * step;
		p.caplen = p.wirelen = q->len;
		p.has_mac = true;
		mac_of(q->id, p.src_mac);
		memset(p.dst_mac, 0xff, 6);
		p.ethertype = 0x0800;
		p.ip_version = 4;
		uint32_t ip = q->new_ip_each ? 0x0b000000u + ++ipseq
					     : 0x0a000000u + q->id;
		p.src_ip[0] = (uint8_t)(ip >> 24);
		p.src_ip[1] = (uint8_t)(ip >> 16);
		p.src_ip[2] = (uint8_t)(ip >> 8);
		p.src_ip[3] = (uint8_t)ip;
		p.classes = q->classes;
		fs_hosts_account(s->hosts, &p);
	}
}

/* Runs the second: each slice's packets and events, then its tick. */
static void tick_with(struct sim *s, const struct fs_ospf *ospf,
		      fs_detect_router_iter iter)
{
	for (int k = 0; k < SLICES; k++) {
		int64_t slice = s->sec + k * (SEC / SLICES);
		for (unsigned j = 0; j < s->n_plan; j++)
			send_slice(s, &s->plan[j], k);
		for (unsigned j = 0; j < s->n_ev; j++)
			if (s->ev[j].ts_us >= slice && s->ev[j].ts_us < slice + SEC / SLICES)
				fs_event_emit(&s->bus, &s->ev[j]);
		fs_hosts_tick(s->hosts, slice);
		struct fs_detect_inputs in = {
			.hosts = s->hosts, .ospf = ospf, .capture_drops = s->drops,
		};
		fs_detect_run(s->det, slice, &in, iter);
	}
	s->n_plan = 0;
	s->n_ev = 0;
	s->sec += SEC;
}

static void tick(struct sim *s)
{
	tick_with(s, NULL, NULL);
}

static const char *field(const struct fs_alert *a, const char *key)
{
	for (unsigned i = 0; i < a->n_fields; i++)
		if (!strcmp(a->field[i].key, key))
			return a->field[i].value;
	return NULL;
}

static unsigned count(const struct sim *s, const char *rule,
		      enum fs_alert_state st)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->caught[i].rule, rule) && s->caught[i].state == st)
			n++;
	return n;
}

static void print_alerts(const struct sim *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		char buf[1024];
		fs_alert_format_kv(&s->caught[i], buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
}

static const char *FLOOD_RULES =
	"rule flood {\n"
	"  when host.ctrl_pps > 1k for 2s\n"
	"  and host.ctrl_pps > 10x baseline\n"
	"  severity critical\n"
	"  clear below 200 for 5s\n"
	"  repeat 10s\n"
	"  message \"router-bound flood\"\n"
	"}\n"
	"rule also_flood { when host.to_router_pps > 500 for 3s }\n";

/* Raised once after "for", repeated every 10 s, cleared after hold-down;
 * the second matching rule never alerts the same host. */
static void test_lifecycle(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text(FLOOD_RULES), NULL);
	for (int i = 0; i < 60; i++) {
		send(&s, 1, 20, CTRL_TO_ROUTER, 100, false);
		tick(&s);
	}
	assert_int_equal(s.n, 0);
	int64_t onset = s.sec;
	for (int i = 0; i < 30; i++) {
		send(&s, 1, 3000, CTRL_TO_ROUTER, 100, false);
		tick(&s);
	}
	for (int i = 0; i < 20; i++) {
		send(&s, 1, 20, CTRL_TO_ROUTER, 100, false);
		tick(&s);
	}
	if (s.n != 5)
		print_alerts(&s);
	assert_int_equal(s.n, 5);
	const struct fs_alert *a = &s.caught[0];
	assert_int_equal(a->state, FS_ALERT_RAISED);
	assert_string_equal(a->rule, "flood");
	assert_string_equal(a->kind, "flood-start");
	assert_int_equal(a->severity, FS_SEV_CRITICAL);
	/* The window passes 1k (and 10x the baseline) at the slice ending
	 * 0.4 s into the flood; "for 2s" is one second more of slices. */
	assert_true(a->ts_us == onset + 1400 * 1000);
	assert_string_equal(field(a, "mac"), "02:00:00:00:00:01");
	assert_string_equal(field(a, "ip"), "10.0.0.1");
	assert_string_equal(field(a, "class"), "to_router");
	assert_string_equal(field(a, "pps"), "3000");
	/* The running mean of the 60 s before the onset; the flood did not
	 * enter it. */
	assert_string_equal(field(a, "baseline"), "20.0");
	char since[FS_TIME_STRLEN];
	assert_string_equal(field(a, "since"), fs_fmt_time(since, onset));
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(s.caught[i].state, FS_ALERT_ACTIVE);
		assert_true(s.caught[i].ts_us == onset + 1400 * 1000 + 10 * i * SEC);
	}
	const struct fs_alert *c = &s.caught[4];
	assert_int_equal(c->state, FS_ALERT_CLEARED);
	assert_string_equal(c->kind, "flood-end");
	assert_true(c->ts_us == onset + 35 * SEC);
	assert_string_equal(field(c, "peak"), "3000");
	assert_null(field(a, "lossy"));
	assert_int_equal(count(&s, "also_flood", FS_ALERT_RAISED), 0);
	struct fs_detect_stats st;
	fs_detect_stats(s.det, &st);
	assert_int_equal(st.raised, 1);
	assert_int_equal(st.same_host, 1);
	assert_int_equal(st.active, 0);
	sim_fini(&s);
}

/* A flooder that stops sending altogether still gets its clear. */
static void test_silent_host_clears(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text(FLOOD_RULES), NULL);
	for (int i = 0; i < 5; i++) {
		send(&s, 7, 2000, CTRL_TO_ROUTER, 100, false);
		send(&s, 8, 10, 0, 100, false);
		tick(&s);
	}
	int64_t stop = s.sec;
	for (int i = 0; i < 10; i++) {
		send(&s, 8, 10, 0, 100, false);
		tick(&s);
	}
	assert_int_equal(count(&s, "flood", FS_ALERT_RAISED), 1);
	assert_int_equal(count(&s, "flood", FS_ALERT_CLEARED), 1);
	assert_true(s.caught[s.n - 1].ts_us == stop + 5 * SEC);
	sim_fini(&s);
}

/* A LAN with a heavy bulk transfer and ordinary chatter: no alert. */
static void test_benign_lan(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_shipped(), NULL);
	for (int sec = 0; sec < 120; sec++) {
		unsigned bulk = sec >= 30 && sec < 90 ? 80000 : 50;
		send(&s, 100, bulk, 0, 1500, false);		/* server A */
		send(&s, 101, bulk / 2, 0, 64, false);	/* B's ACKs */
		for (unsigned h = 1; h <= 30; h++) {
			send(&s, h, 2 + h % 3, ARP_BCAST, 60, false);
			send(&s, h, 5 + h % 7, CTRL_TO_ROUTER, 400, false);
			send(&s, h, 40, 0, 800, false);
		}
		send(&s, 50, 1, FS_CLASS_BIT(FS_CLASS_IP_MCAST_LOCAL) |
			 FS_CLASS_BIT(FS_CLASS_MULTICAST), 90, false);
		tick(&s);
	}
	if (s.n)
		print_alerts(&s);
	assert_int_equal(s.n, 0);
	sim_fini(&s);
}

/* The shipped rules against the public floods' shapes: one alert each,
 * from the rule that describes it. */
static void test_shipped_catch(void **state)
{
	(void)state;
	struct sim s;
	/* ARP storm: ~21 pps of broadcast ARP from one MAC, as arp-storm.pcap. */
	static const uint32_t arp[] = { 17, 32, 33, 19, 34, 25, 15, 23, 29, 18,
					25, 19, 22, 22, 25, 18, 14, 18, 18, 19 };
	sim_init(&s, rules_shipped(), NULL);
	for (unsigned i = 0; i < sizeof(arp) / sizeof(arp[0]); i++) {
		send(&s, 3, arp[i], ARP_BCAST, 60, false);
		send(&s, 4, 3, ARP_BCAST, 60, false);	/* ordinary */
		tick(&s);
	}
	assert_int_equal(s.n, 1);
	assert_string_equal(s.caught[0].rule, "arp_storm");
	assert_string_equal(field(&s.caught[0], "mac"), "02:00:00:00:00:03");
	sim_fini(&s);

	/* Spoofed SYN flood: one MAC, a new source IP per packet. */
	sim_init(&s, rules_shipped(), NULL);
	/* The tail at 80 new sources a second is the same spoofing: the
	 * alert holds until it stops. */
	static const uint32_t syn[] = { 23000, 1300, 5000, 5000, 1300, 1200, 0, 0,
					0, 0, 0, 0, 80, 80, 80, 80, 80, 80, 80, 80,
					0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	for (unsigned i = 0; i < sizeof(syn) / sizeof(syn[0]); i++) {
		if (syn[i])
			send(&s, 5, syn[i], FS_CLASS_BIT(FS_CLASS_TCP_SYN), 60, true);
		tick(&s);
	}
	if (s.n != 2)
		print_alerts(&s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.caught[0].rule, "spoofed_sources");
	assert_string_equal(s.caught[0].kind, "spoof");
	assert_string_equal(field(&s.caught[0], "mac"), "02:00:00:00:00:05");
	assert_int_equal(s.caught[1].state, FS_ALERT_CLEARED);
	sim_fini(&s);

	/* macof-style: 100 new MACs within one second, once the segment
	 * has learned for its first minute. */
	sim_init(&s, rules_shipped(), NULL);
	for (int t = 0; t < 61; t++) {
		send(&s, UNIVERSAL | 7, 10, 0, 60, false);
		tick(&s);
	}
	for (unsigned h = 0; h < 100; h++)
		send(&s, 1000 + h, 1, FS_CLASS_BIT(FS_CLASS_TCP_SYN), 60, true);
	tick(&s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.caught[0].rule, "new_macs_flood");
	assert_string_equal(field(&s.caught[0], "new_macs"), "100");
	sim_fini(&s);
}

/*
 * Warm start: 3,000 vendor MACs and 500 locally administered ones (phones,
 * VMs) all speaking in the first second are a busy segment, not a flood;
 * 2,000 random locally administered MACs a second from the start are;
 * group-bit source MACs always are.
 */
static void test_warm_start(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_shipped(), NULL);
	for (int t = 0; t < 5; t++) {
		for (unsigned h = 0; h < 3000; h++)
			send(&s, UNIVERSAL | h, 2, 0, 60, false);
		for (unsigned h = 0; h < 500; h++)
			send(&s, 5000 + h, 2, 0, 60, false);
		tick(&s);
	}
	if (s.n)
		print_alerts(&s);
	assert_int_equal(s.n, 0);
	sim_fini(&s);

	sim_init(&s, rules_shipped(), NULL);
	for (unsigned t = 0; t < 3; t++) {
		for (unsigned h = 0; h < 2000; h++)
			send(&s, 10000 + t * 2000 + h, 1, 0, 60, true);
		tick(&s);
	}
	assert_int_equal(count(&s, "new_macs_flood", FS_ALERT_RAISED), 1);
	sim_fini(&s);

	sim_init(&s, rules_shipped(), NULL);
	for (unsigned h = 0; h < 48; h++)
		send(&s, GROUP | h, 1, 0, 60, false);
	tick(&s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.caught[0].rule, "invalid_source_macs");
	sim_fini(&s);
}

/* At most max_alerts_per_s leave per second; the rest wait, counted. */
static void test_rate_cap(void **state)
{
	(void)state;
	struct fs_detect_config cfg;
	fs_detect_config_defaults(&cfg);
	cfg.max_alerts_per_s = 20;
	struct sim s;
	sim_init(&s, rules_text("rule arp { when host.arp_pps > 10 }"), &cfg);
	unsigned per_tick[8] = { 0 };
	for (int t = 0; t < 8; t++) {
		unsigned before = s.n;
		for (unsigned h = 0; h < 100; h++)
			send(&s, h + 1, 50, ARP_BCAST, 60, false);
		tick(&s);
		per_tick[t] = s.n - before;
	}
	for (int t = 0; t < 5; t++)
		assert_int_equal(per_tick[t], 20);
	assert_int_equal(count(&s, "arp", FS_ALERT_RAISED), 100);
	struct fs_detect_stats st;
	fs_detect_stats(s.det, &st);
	assert_int_equal(st.deferred_cap, 80);
	/* The first alert after a held-back one says how many waited. */
	assert_string_equal(field(&s.caught[20], "suppressed"), "80");
	sim_fini(&s);
}

static void test_scope(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text(
		"rule a { when host.arp_pps > 10; ignore mac 02:00:00:00:00:01 }\n"
		"rule b { when host.arp_pps > 10; watch prefix 10.0.0.2/32 }\n"),
		 NULL);
	for (int t = 0; t < 3; t++) {
		send(&s, 1, 50, ARP_BCAST, 60, false);
		send(&s, 2, 50, ARP_BCAST, 60, false);
		tick(&s);
	}
	/* host 1: ignored by a, not watched by b; host 2: a, then b blocked
	 * by a's alert on the same host. */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.caught[0].rule, "a");
	assert_string_equal(field(&s.caught[0], "mac"), "02:00:00:00:00:02");
	sim_fini(&s);
}

static void emit_adj_down(struct sim *s, int64_t ts, uint32_t rid, uint32_t nbr)
{
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_OSPF_ADJACENCY;
	ev.ts_us = ts;
	ev.u.adj.router_id = rid;
	ev.u.adj.neighbor_id = nbr;
	ev.u.adj.vlan = 10;
	ev.u.adj.from = FS_OSPF_FULL;
	ev.u.adj.to = FS_OSPF_DOWN;
	snprintf(ev.u.adj.reason, sizeof(ev.u.adj.reason), "dead interval expired");
	queue_event(s, &ev);
}

/*
 * Flooder 1 (to-router at 4000 pps) against a bulk sender (unicast at
 * 50k pps) and a runner-up (control plane to 400 pps): the adjacency loss
 * names host 1, with the runner-up and a high confidence, once.
 */
static void loss_adj(struct sim *s, int64_t ts)
{
	emit_adj_down(s, ts, 0x01010101, 0x02020202);
}

static void run_incident_with(struct sim *s, uint64_t drops_per_s,
			      void (*loss)(struct sim *, int64_t));

static void run_incident(struct sim *s, uint64_t drops_per_s)
{
	run_incident_with(s, drops_per_s, loss_adj);
}

static void run_incident_with(struct sim *s, uint64_t drops_per_s,
			      void (*loss)(struct sim *, int64_t))
{
	for (int t = 0; t < 40; t++) {
		send(s, 1, 10, CTRL_TO_ROUTER, 100, false);
		send(s, 2, 20000, 0, 1500, false);
		send(s, 3, 10, ARP_BCAST, 60, false);
		tick(s);
	}
	for (int t = 0; t < 10; t++) {
		send(s, 1, 4000, CTRL_TO_ROUTER, 100, false);
		send(s, 2, 50000, 0, 1500, false);
		send(s, 3, t >= 3 ? 400 : 10, ARP_BCAST, 60, false);
		s->drops += drops_per_s;
		if (t == 8)
			loss(s, s->sec + SEC / 2);
		tick(s);
	}
}

static const struct fs_alert *find_rule(const struct sim *s, const char *rule,
					enum fs_alert_state st)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->caught[i].rule, rule) && s->caught[i].state == st)
			return &s->caught[i];
	return NULL;
}

static void test_culprit(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule down { when ospf.adjacency_down >= 1; clear for 30s }"),
		 NULL);
	int64_t onset = s.sec + 40 * SEC;
	run_incident(&s, 0);
	int64_t event_sec = onset + 8 * SEC;
	const struct fs_alert *c = find_rule(&s, "culprit", FS_ALERT_RAISED);
	if (!c)
		print_alerts(&s);
	assert_non_null(c);
	assert_string_equal(c->kind, "culprit");
	/* In the slice of the adjacency loss (half a second in). */
	assert_true(c->ts_us == event_sec + 600 * 1000);
	assert_string_equal(field(c, "mac"), "02:00:00:00:00:01");
	assert_string_equal(field(c, "ip"), "10.0.0.1");
	assert_string_equal(field(c, "class"), "to_router");
	char ts[FS_TIME_STRLEN];
	assert_string_equal(field(c, "since"), fs_fmt_time(ts, onset));
	assert_string_equal(field(c, "runner_up_mac"), "02:00:00:00:00:03");
	assert_string_equal(field(c, "runner_up_since"),
			    fs_fmt_time(ts, onset + 3 * SEC));
	assert_string_equal(field(c, "adjacencies"), "1.1.1.1-2.2.2.2@10");
	assert_string_equal(field(c, "lossy"), "no");
	assert_string_equal(field(c, "trigger"), "adjacency-down");
	double conf = atof(field(c, "confidence"));
	/* E1 ~ 9*3990, E2 ~ 6*390: share ~0.94, closeness factor ~0.97. */
	assert_true(conf > 0.85 && conf <= 1.0);
	const struct fs_alert *down = find_rule(&s, "down", FS_ALERT_RAISED);
	assert_non_null(down);
	assert_string_equal(down->kind, "adjacency-down");
	assert_string_equal(field(down, "router_id"), "1.1.1.1");
	assert_string_equal(field(down, "neighbor_id"), "2.2.2.2");
	assert_string_equal(field(down, "vlan"), "10");

	/* A second loss in the same incident: no second culprit, an update
	 * naming both adjacencies; a repeated loss changes nothing. */
	emit_adj_down(&s, s.sec + SEC / 3, 0x01010101, 0x03030303);
	send(&s, 1, 4000, CTRL_TO_ROUTER, 100, false);
	tick(&s);
	emit_adj_down(&s, s.sec + SEC / 3, 0x01010101, 0x03030303);
	tick(&s);
	assert_int_equal(count(&s, "culprit", FS_ALERT_RAISED), 1);
	assert_int_equal(count(&s, "culprit", FS_ALERT_ACTIVE), 1);
	const struct fs_alert *u = find_rule(&s, "culprit", FS_ALERT_ACTIVE);
	assert_string_equal(field(u, "mac"), "02:00:00:00:00:01");
	assert_string_equal(field(u, "adjacencies"),
			    "1.1.1.1-2.2.2.2@10,1.1.1.1-3.3.3.3@10");
	for (int t = 0; t < 65; t++)
		tick(&s);
	const struct fs_alert *e = find_rule(&s, "culprit", FS_ALERT_CLEARED);
	assert_non_null(e);
	assert_string_equal(field(e, "symptoms"), "3");
	assert_int_equal(count(&s, "culprit", FS_ALERT_RAISED), 1);
	struct fs_detect_stats st;
	fs_detect_stats(s.det, &st);
	assert_int_equal(st.incidents, 1);
	assert_int_equal(st.culprits, 1);
	sim_fini(&s);
}

static void test_culprit_lossy(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule r2 { when host.to_router_pps > 1k for 2s }"), NULL);
	run_incident(&s, 50000);	/* about as many lost as seen */
	const struct fs_alert *c = find_rule(&s, "culprit", FS_ALERT_RAISED);
	assert_non_null(c);
	assert_string_equal(field(c, "mac"), "02:00:00:00:00:01");
	assert_string_equal(field(c, "lossy"), "yes");
	assert_true(atoi(field(c, "drops")) > 0);
	/* The flood alert made from the same lossy seconds says so too:
	 * 50000 dropped in each of its 2 seconds. */
	const struct fs_alert *f = find_rule(&s, "r2", FS_ALERT_RAISED);
	assert_non_null(f);
	assert_string_equal(field(f, "lossy"), "yes");
	assert_string_equal(field(f, "drops"), "100000");
	double conf = atof(field(c, "confidence"));
	assert_true(conf > 0.3 && conf < 0.6);
	sim_fini(&s);
}

static bool sessions_unseen;

/* A BGP session lost to its hold timer (3 s of silence), its BFD session
 * down on detection time, and a VRRP master replaced for silence. */
static void loss_sessions(struct sim *s, int64_t ts)
{
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_SESSION;
	ev.ts_us = ts;
	struct fs_ev_session *e = &ev.u.session;
	e->proto = FS_SESS_BGP;
	e->seg.vlan = 10;
	e->ip_version = 4;
	e->ip[0][0] = e->ip[1][0] = 10;
	e->ip[0][3] = 1;
	e->ip[1][3] = 2;
	e->from = FS_BGP_ESTABLISHED;
	e->to = FS_BGP_IDLE;
	e->down = true;
	e->by = FS_SESS_BY_WIRE;
	e->silent_ms = 3000;
	e->unseen = sessions_unseen;
	queue_event(s, &ev);
	e->proto = FS_SESS_BFD;
	e->by = 1;
	e->code = FS_BFD_DIAG_DETECTION_EXPIRED;
	e->silent_ms = 300;
	queue_event(s, &ev);
	/* Not a loss: an administrative Cease. */
	e->proto = FS_SESS_BGP;
	e->ip[1][3] = 3;
	e->by = 0;
	e->code = 6;
	e->silent_ms = 0;
	e->unseen = false;
	queue_event(s, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_FHRP_MASTER;
	ev.ts_us = ts;
	ev.u.master.proto = FS_FHRP_VRRP3;
	ev.u.master.seg.vlan = 10;
	ev.u.master.group = 7;
	ev.u.master.ip_version = 4;
	ev.u.master.cause = FS_FHRP_CAUSE_SILENT;
	ev.u.master.silent_ms = 3600;
	ev.u.master.unseen = sessions_unseen;
	queue_event(s, &ev);
}

/* Routing sessions lost in a flood name the flooder like an adjacency,
 * listed as sessions; their own rules say which session. Inside a
 * capture gap (unseen) they are no loss and no incident. */
static void test_culprit_sessions(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule b { when bgp.session_down >= 1; clear for 30s }\n"
				"rule d { when bfd.session_down >= 1 }\n"
				"rule v { when vrrp.master_change >= 1 }"),
		 NULL);
	sessions_unseen = false;
	run_incident_with(&s, 0, loss_sessions);
	const struct fs_alert *c = find_rule(&s, "culprit", FS_ALERT_RAISED);
	if (!c)
		print_alerts(&s);
	assert_non_null(c);
	assert_string_equal(field(c, "mac"), "02:00:00:00:00:01");
	assert_string_equal(field(c, "trigger"), "session-down");
	assert_string_equal(field(c, "sessions"),
			    "bgp:10.0.0.1-10.0.0.2@10,bfd:10.0.0.1-10.0.0.2@10,"
			    "vrrp3:7@10");
	assert_null(field(c, "adjacencies"));
	const struct fs_alert *b = find_rule(&s, "b", FS_ALERT_RAISED);
	assert_non_null(b);
	assert_string_equal(b->kind, "bgp-down");
	assert_string_equal(field(b, "session"), "bgp:10.0.0.1-10.0.0.2@10");
	assert_string_equal(field(b, "session_down"), "1");
	const struct fs_alert *d = find_rule(&s, "d", FS_ALERT_RAISED);
	assert_non_null(d);
	assert_string_equal(d->kind, "bfd-down");
	assert_string_equal(field(d, "session"), "bfd:10.0.0.1-10.0.0.2@10");
	const struct fs_alert *v = find_rule(&s, "v", FS_ALERT_RAISED);
	assert_non_null(v);
	assert_string_equal(v->kind, "master-change");
	assert_string_equal(field(v, "session"), "vrrp3:7@10");
	sim_fini(&s);

	sim_init(&s, rules_text("rule b { when bgp.session_down >= 1 }"), NULL);
	sessions_unseen = true;
	run_incident_with(&s, 0, loss_sessions);
	assert_int_equal(s.n, 0);
	struct fs_detect_stats st;
	fs_detect_stats(s.det, &st);
	assert_int_equal(st.incidents, 0);
	sim_fini(&s);
}

/* Nobody's control plane rose: a lost adjacency names nobody. */
static void test_culprit_none(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule r { when host.pps > 1G }"), NULL);
	for (int t = 0; t < 30; t++) {
		send(&s, 2, t > 20 ? 50000 : 1000, 0, 1500, false);
		send(&s, 3, 5, ARP_BCAST, 60, false);
		if (t == 25)
			emit_adj_down(&s, s.sec, 1, 2);
		tick(&s);
	}
	assert_int_equal(s.n, 0);
	struct fs_detect_stats st;
	fs_detect_stats(s.det, &st);
	assert_int_equal(st.incidents, 1);
	assert_int_equal(st.incidents_unnamed, 1);
	sim_fini(&s);
}

/* New rules: an active alert of a rule that is gone clears at once. */
static void test_set_rules(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule a { when host.arp_pps > 10 }\n"
				"rule b { when host.pps > 1G }"), NULL);
	send(&s, 1, 50, ARP_BCAST, 60, false);
	tick(&s);
	assert_int_equal(s.n, 1);
	fs_detect_set_rules(s.det, rules_text("rule b { when host.pps > 1G }"));
	assert_int_equal(s.n, 2);
	assert_int_equal(s.caught[1].state, FS_ALERT_CLEARED);
	assert_string_equal(field(&s.caught[1], "reason"), "rule removed");
	/* Kept rules keep their alerts. */
	fs_detect_set_rules(s.det, rules_text("rule a { when host.arp_pps > 10 }"));
	send(&s, 1, 50, ARP_BCAST, 60, false);
	tick(&s);
	fs_detect_set_rules(s.det, rules_text("rule z { when host.pps > 1G }\n"
					      "rule a { when host.arp_pps > 10 }"));
	send(&s, 1, 50, ARP_BCAST, 60, false);
	tick(&s);
	assert_int_equal(count(&s, "a", FS_ALERT_RAISED), 2);
	assert_int_equal(count(&s, "a", FS_ALERT_CLEARED), 1);
	sim_fini(&s);
}

/* Routers come from the tracker's iterator; here a fixed list. */
static struct fs_ospf_router_view fake_routers[2];
static unsigned n_fake_routers;

static void fake_iter(const struct fs_ospf *o, fs_ospf_router_fn fn, void *ctx)
{
	(void)o;
	for (unsigned i = 0; i < n_fake_routers; i++)
		fn(&fake_routers[i], ctx);
}

static void tick_routers(struct sim *s)
{
	tick_with(s, (const struct fs_ospf *)&fake_routers, fake_iter);
}

/*
 * Hello lateness: 1 s hellos on time, then 1.4 s gaps, then silence past
 * the dead interval (the router is gone: its alert clears), then back.
 */
static void test_router_rules(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule late { when router.hello_late_ratio >= 30%; "
				"clear below 10% for 3s; ignore vlan 99 }\n"
				"rule churn { when router.lsus_per_s > 50 for 2s }\n"),
		 NULL);
	memset(fake_routers, 0, sizeof(fake_routers));
	n_fake_routers = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct fs_ospf_router_view *r = &fake_routers[i];
		r->router_id = 0x0a000001 + i;
		r->vlan = i ? 99 : 10;
		r->hello_interval_s = 1;
		r->dead_interval_s = 4;
		r->alive = true;
	}
	for (int t = 0; t < 5; t++) {
		for (unsigned i = 0; i < 2; i++) {
			fake_routers[i].last_hello_us = s.sec + SEC / 2;
			fake_routers[i].last_gap_ms = 1000;
		}
		tick_routers(&s);
	}
	assert_int_equal(s.n, 0);
	/* Late hellos on both; the one on VLAN 99 is out of scope. */
	for (int t = 0; t < 3; t++) {
		for (unsigned i = 0; i < 2; i++) {
			fake_routers[i].last_hello_us = s.sec + SEC / 2;
			fake_routers[i].last_gap_ms = 1400;
		}
		tick_routers(&s);
	}
	assert_int_equal(s.n, 1);
	assert_string_equal(s.caught[0].kind, "hello-late");
	assert_string_equal(field(&s.caught[0], "router_id"), "10.0.0.1");
	assert_string_equal(field(&s.caught[0], "hello_late_ratio"), "40");
	/* Silent: the gap grows with time, still late... */
	int64_t last = fake_routers[0].last_hello_us;
	tick_routers(&s);
	tick_routers(&s);
	assert_int_equal(s.n, 1);
	/* ...until it is declared dead: no lateness, the alert clears. */
	fake_routers[0].alive = false;
	for (int t = 0; t < 3; t++)
		tick_routers(&s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.caught[1].state, FS_ALERT_CLEARED);
	/* Back after 10 s: a gap past the dead interval is not "late". */
	fake_routers[0].alive = true;
	fake_routers[0].last_hello_us = s.sec + SEC / 2;
	fake_routers[0].last_gap_ms = (uint32_t)((fake_routers[0].last_hello_us - last) / 1000);
	tick_routers(&s);
	assert_int_equal(s.n, 2);
	/* LSA churn: two seconds over 50 LSUs. */
	fake_routers[1].lsus_last_second = 80;
	tick_routers(&s);
	assert_int_equal(s.n, 2);
	tick_routers(&s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.caught[2].rule, "churn");
	assert_string_equal(s.caught[2].kind, "lsa-churn");
	assert_string_equal(field(&s.caught[2], "vlan"), "99");
	sim_fini(&s);
}

/* A late hello followed by an early one in the same second still counts:
 * the late-hello event's gap is used, not only the latest gap. */
static void test_router_late_then_early(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule late { when router.hello_late_ratio >= 30% }"),
		 NULL);
	memset(fake_routers, 0, sizeof(fake_routers));
	n_fake_routers = 1;
	struct fs_ospf_router_view *r = &fake_routers[0];
	r->router_id = 0x0a000001;
	r->vlan = 10;
	r->hello_interval_s = 1;
	r->dead_interval_s = 4;
	r->alive = true;
	r->last_hello_us = s.sec + SEC / 2;
	r->last_gap_ms = 200;		/* the early one */
	tick_routers(&s);
	assert_int_equal(s.n, 0);
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_HELLO_LATE;
	ev.ts_us = s.sec + SEC / 4;
	ev.u.late.router_id = r->router_id;
	ev.u.late.vlan = 10;
	ev.u.late.hello_interval_ms = 1000;
	ev.u.late.gap_ms = 1300;
	ev.u.late.late_ms = 300;
	fs_event_emit(&s.bus, &ev);
	r->last_hello_us = s.sec + SEC / 2;
	tick_routers(&s);
	assert_int_equal(s.n, 1);
	assert_string_equal(field(&s.caught[0], "hello_late_ratio"), "30");
	sim_fini(&s);
}

/* Event-driven metrics: late-hello events and kernel route changes. */
static void test_event_rules(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, rules_text("rule late_ev { when ospf.hello_late >= 2 }\n"
				"rule flaps { when kernel.route_flaps > 10 for 2s; "
				"clear below 2 for 5s }\n"), NULL);
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_HELLO_LATE;
	ev.ts_us = s.sec + 1000;
	ev.u.late.router_id = 0x0a000002;
	ev.u.late.vlan = 10;
	fs_event_emit(&s.bus, &ev);
	tick(&s);
	assert_int_equal(s.n, 0);
	fs_event_emit(&s.bus, &ev);
	fs_event_emit(&s.bus, &ev);
	tick(&s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.caught[0].kind, "hello-late");
	assert_string_equal(field(&s.caught[0], "router_id"), "10.0.0.2");
	s.n = 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_ROUTE_CHANGE;
	ev.u.route.family = 2;
	ev.u.route.dst[0] = 10;
	ev.u.route.dst[1] = 9;
	ev.u.route.dst_len = 16;
	snprintf(ev.u.route.protocol, sizeof(ev.u.route.protocol), "bird");
	for (int t = 0; t < 3; t++) {
		for (int i = 0; i < 12; i++) {
			ev.ts_us = s.sec + i * 1000;
			ev.u.route.added = i % 2;
			fs_event_emit(&s.bus, &ev);
		}
		tick(&s);
	}
	unsigned flaps = count(&s, "flaps", FS_ALERT_RAISED);
	assert_int_equal(flaps, 1);
	const struct fs_alert *f = find_rule(&s, "flaps", FS_ALERT_RAISED);
	assert_string_equal(f->kind, "route-flap");
	assert_string_equal(field(f, "dst"), "10.9.0.0/16");
	assert_string_equal(field(f, "protocol"), "bird");
	assert_string_equal(field(f, "route_flaps"), "12");
	/* Route flaps are a routing symptom too: with no host above its
	 * baseline, the incident names nobody. */
	struct fs_detect_stats st;
	fs_detect_stats(s.det, &st);
	assert_int_equal(st.incidents, 1);
	assert_int_equal(st.incidents_unnamed, 1);
	for (int t = 0; t < 6; t++)
		tick(&s);
	assert_int_equal(count(&s, "flaps", FS_ALERT_CLEARED), 1);
	sim_fini(&s);
}

/* The table: add/find/delete keeps every key found; full refuses. */
static void test_table(void **state)
{
	(void)state;
	static struct fs_hkey hk;
	fs_hkey_init(&hk, 5);
	struct fs_dtable t;
	assert_int_equal(fs_dtable_init(&t, 64, &hk), 0);
	for (uint64_t k = 0; k < 64; k++)
		assert_non_null(fs_dtable_add(&t, (uint32_t)(k % 3), k * 7919));
	assert_null(fs_dtable_add(&t, 0, 999999));
	for (uint64_t k = 0; k < 64; k += 2)
		fs_dtable_del(&t, fs_dtable_find(&t, (uint32_t)(k % 3), k * 7919));
	for (uint64_t k = 0; k < 64; k++) {
		struct fs_dentry *e = fs_dtable_find(&t, (uint32_t)(k % 3), k * 7919);
		if (k % 2)
			assert_non_null(e);
		else
			assert_null(e);
	}
	assert_int_equal(t.used, 32);
	assert_int_equal(fs_hidx_check(&t.ix), 0);
	/* Freed records are taken again, and the table fills to 64 again. */
	for (uint64_t k = 0; k < 32; k++)
		assert_non_null(fs_dtable_add(&t, 7, k));
	assert_null(fs_dtable_add(&t, 7, 32));
	assert_int_equal(fs_hidx_check(&t.ix), 0);
	fs_dtable_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_silent_host_clears),
		cmocka_unit_test(test_benign_lan),
		cmocka_unit_test(test_shipped_catch),
		cmocka_unit_test(test_warm_start),
		cmocka_unit_test(test_rate_cap),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_culprit),
		cmocka_unit_test(test_culprit_lossy),
		cmocka_unit_test(test_culprit_none),
		cmocka_unit_test(test_culprit_sessions),
		cmocka_unit_test(test_set_rules),
		cmocka_unit_test(test_router_rules),
		cmocka_unit_test(test_router_late_then_early),
		cmocka_unit_test(test_event_rules),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
