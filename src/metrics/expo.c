/*
 * The Prometheus text exposition format (version 0.0.4) of one snapshot:
 * each family once, HELP and TYPE before its samples, counters ending in
 * _total, label values escaped. Runs on the server's thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/fmt.h"
#include "floodspot/pkt.h"
#include "fs_config.h"
#include "metrics_int.h"

size_t fs_metrics_escape_label(char *out, size_t len, const char *in)
{
	size_t o = 0;
	if (!len)
		return 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		char e[8];
		size_t n;
		if (*p == '\\' || *p == '"') {
			e[0] = '\\';
			e[1] = (char)*p;
			n = 2;
		} else if (*p == '\n') {
			memcpy(e, "\\n", 2);
			n = 2;
		} else if (*p < 0x20 || *p > 0x7e) {
			snprintf(e, sizeof(e), "\\\\x%02x", *p);
			n = 5;
		} else {
			e[0] = (char)*p;
			n = 1;
		}
		if (o + n + 1 > len)
			break;
		memcpy(out + o, e, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

/* A label set under construction: k1="v1",k2="v2" */
struct labels {
	char buf[512];
	size_t n;
};

static void lab(struct labels *l, const char *k, const char *v)
{
	char ev[256];
	fs_metrics_escape_label(ev, sizeof(ev), v);
	int w = snprintf(l->buf + l->n, sizeof(l->buf) - l->n, "%s%s=\"%s\"",
			 l->n ? "," : "", k, ev);
	if (w > 0 && (size_t)w < sizeof(l->buf) - l->n)
		l->n += (size_t)w;
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_u(FILE *f, const char *name, const struct labels *l,
		  unsigned long long v)
{
	if (l && l->n)
		fprintf(f, "%s{%s} %llu\n", name, l->buf, v);
	else
		fprintf(f, "%s %llu\n", name, v);
}

/* Whole numbers (packet counts, epoch seconds) in full, others to the
 * microsecond: %g would print a packet time as 1.76847129e+09. */
static void put_d(FILE *f, const char *name, const struct labels *l, double v)
{
	char num[64];
	if (v == (double)(long long)v)
		snprintf(num, sizeof(num), "%.0f", v);
	else
		snprintf(num, sizeof(num), "%.6f", v);
	if (l && l->n)
		fprintf(f, "%s{%s} %s\n", name, l->buf, num);
	else
		fprintf(f, "%s %s\n", name, num);
}

/* A family with one unlabelled sample. */
static void one_u(FILE *f, const char *name, const char *type,
		  const char *help, unsigned long long v)
{
	family(f, name, type, help);
	put_u(f, name, NULL, v);
}

static void one_d(FILE *f, const char *name, const char *type,
		  const char *help, double v)
{
	family(f, name, type, help);
	put_d(f, name, NULL, v);
}

static void put_kv(FILE *f, const char *name, const char *k, const char *v,
		   unsigned long long n)
{
	struct labels l = { .n = 0 };
	lab(&l, k, v);
	put_u(f, name, &l, n);
}

static void capture(FILE *f, const struct fs_metrics_snap *s)
{
	one_u(f, "floodspot_packets_total", "counter",
	      "Packets read from the capture.", s->packets);
	one_u(f, "floodspot_bytes_total", "counter",
	      "Bytes on the wire of the packets read.", s->bytes);
	if (s->have_capture) {
		one_u(f, "floodspot_capture_received_total", "counter",
		      "Packets the kernel passed the filter (libpcap ps_recv).",
		      s->capture.received);
		family(f, "floodspot_capture_dropped_total", "counter",
		       "Packets lost before floodspot read them.");
		put_kv(f, "floodspot_capture_dropped_total", "where", "kernel",
		       s->capture.dropped);
		put_kv(f, "floodspot_capture_dropped_total", "where",
		       "interface", s->capture.if_dropped);
	}
	static const char *const status[3] = { "ok", "truncated", "malformed" };
	family(f, "floodspot_decode_packets_total", "counter",
	       "Packets by decode result (truncated: cut by the snapshot "
	       "length; malformed: the sender's fault).");
	for (int i = 0; i < 3; i++)
		put_kv(f, "floodspot_decode_packets_total", "status", status[i],
		       s->decode_status[i]);
	family(f, "floodspot_class_packets_total", "counter",
	       "Packets by class, of closed seconds (a packet may be in "
	       "several classes).");
	for (int c = 0; c < FS_CLASS_COUNT; c++)
		put_kv(f, "floodspot_class_packets_total", "class",
		       fs_class_name((enum fs_class)c), s->cls_packets[c]);
	one_u(f, "floodspot_control_plane_packets_total", "counter",
	      "Packets of any class a router's CPU must look at, of closed "
	      "seconds.", s->ctrl_packets);
	one_u(f, "floodspot_seconds_total", "counter",
	      "Seconds of packet time closed.", s->seconds);
	one_d(f, "floodspot_packet_time_seconds", "gauge",
	      "Packet time at the end of the latest closed second.",
	      (double)s->now_us / 1e6);
}

static void hosts(FILE *f, const struct fs_metrics_snap *s)
{
	one_u(f, "floodspot_hosts_tracked", "gauge",
	      "Hosts (VLAN, MAC) in the hosts table.", s->hosts.in_use);
	one_u(f, "floodspot_hosts_capacity", "gauge",
	      "Capacity of the hosts table.", s->hosts.capacity);
	one_u(f, "floodspot_hosts_active", "gauge",
	      "Hosts that sent in the latest closed second.", s->hosts_active);
	one_u(f, "floodspot_hosts_inserted_total", "counter",
	      "Hosts added to the table.", s->hosts.inserted);
	one_u(f, "floodspot_hosts_evicted_total", "counter",
	      "Hosts evicted (least recently active) to make room.",
	      s->hosts.evicted);
	one_u(f, "floodspot_hosts_evictions_spared_total", "counter",
	      "Eviction candidates spared as heavy hitters.",
	      s->hosts.evict_protected_skips);
}

static void queues(FILE *f, const struct fs_metrics_snap *s)
{
	if (s->have_store) {
		one_u(f, "floodspot_rrd_updates_queued_total", "counter",
		      "RRD updates queued for the writer.", s->store.updates_queued);
		one_u(f, "floodspot_rrd_updates_written_total", "counter",
		      "RRD updates written.", s->store.updates_written);
		one_u(f, "floodspot_rrd_updates_dropped_total", "counter",
		      "RRD updates dropped: the queue was full.",
		      s->store.updates_dropped_full);
		one_u(f, "floodspot_rrd_update_errors_total", "counter",
		      "RRD updates librrd or rrdcached refused.",
		      s->store.update_errors);
		one_u(f, "floodspot_rrd_updates_retry_queued_total", "counter",
		      "RRD updates held while rrdcached was away.",
		      s->store.updates_retry_queued);
		one_u(f, "floodspot_rrd_updates_replayed_total", "counter",
		      "Held RRD updates replayed to rrdcached, in order.",
		      s->store.updates_replayed);
		one_u(f, "floodspot_rrd_updates_dropped_retry_total", "counter",
		      "Held RRD updates dropped past the retry bound.",
		      s->store.updates_dropped_retry);
		one_u(f, "floodspot_rrd_retry_queue", "gauge",
		      "RRD updates held now for rrdcached.",
		      s->store.retry_queue_len);
		one_u(f, "floodspot_rrdcached_up", "gauge",
		      "1 when rrdcached answers (or no daemon is used).",
		      !s->store.daemon_down);
		one_u(f, "floodspot_rrd_host_files", "gauge",
		      "Hosts with an RRD file.", s->store.host_files);
	}
	if (s->have_sinks) {
		const struct fs_alert_sinks_stats *a = &s->sinks;
		family(f, "floodspot_alert_deliveries_total", "counter",
		       "Alert messages delivered, by sink.");
		put_kv(f, "floodspot_alert_deliveries_total", "sink", "local",
		       a->local_sent);
		put_kv(f, "floodspot_alert_deliveries_total", "sink", "remote",
		       a->remote_sent);
		put_kv(f, "floodspot_alert_deliveries_total", "sink", "exec",
		       a->exec_spawned);
		family(f, "floodspot_alert_dropped_total", "counter",
		       "Alert messages lost, by sink and reason.");
		static const char *const why[7][2] = {
			{ "local", "busy" }, { "remote", "queue_full" },
			{ "remote", "send_error" }, { "remote", "unconfirmed" },
			{ "remote", "exit" }, { "exec", "busy" },
			{ "exec", "failed" } };
		const uint64_t n[7] = { a->local_dropped,
					a->remote_dropped_queue_full,
					a->remote_dropped_send_error,
					a->remote_unconfirmed,
					a->remote_dropped_exit,
					a->exec_dropped_busy, a->exec_failed };
		for (int i = 0; i < 7; i++) {
			struct labels l = { .n = 0 };
			lab(&l, "sink", why[i][0]);
			lab(&l, "reason", why[i][1]);
			put_u(f, "floodspot_alert_dropped_total", &l, n[i]);
		}
		one_u(f, "floodspot_alert_remote_queued", "gauge",
		      "Messages waiting for the remote collector.",
		      a->remote_queued);
	}
}

static void rule_family(FILE *f, const struct fs_metrics_snap *s,
			const char *name, const char *type, const char *help,
			int which)
{
	family(f, name, type, help);
	for (uint32_t i = 0; i <= s->n_rules; i++) {
		const struct fs_metrics_rule *r = i < s->n_rules ? &s->rules[i]
								 : &s->rule_other;
		if (i == s->n_rules && !r->raised && !r->cleared)
			break;
		uint64_t v = which == 0 ? r->raised : which == 1 ? r->cleared
							       : r->active;
		put_kv(f, name, "rule", i < s->n_rules ? r->name : "_other", v);
	}
}

static void alerts(FILE *f, const struct fs_metrics_snap *s)
{
	rule_family(f, s, "floodspot_alerts_raised_total", "counter",
		    "Alerts raised, by rule.", 0);
	rule_family(f, s, "floodspot_alerts_cleared_total", "counter",
		    "Alerts cleared, by rule.", 1);
	rule_family(f, s, "floodspot_alerts_active", "gauge",
		    "Alerts raised and not cleared, by rule.", 2);
	if (!s->have_detect)
		return;
	one_u(f, "floodspot_alerts_deferred_total", "counter",
	      "Alerts held back a second by the alert rate cap.",
	      s->detect.deferred_cap);
	one_u(f, "floodspot_alert_table_full_total", "counter",
	      "Pending alerts refused: the detector's table was full.",
	      s->detect.table_full);
	one_u(f, "floodspot_incidents_total", "counter",
	      "Routing incidents (late hellos, lost adjacencies, route flaps).",
	      s->detect.incidents);
	one_u(f, "floodspot_culprits_total", "counter",
	      "Incidents whose culprit was named.", s->detect.culprits);
}

static void ospf(FILE *f, const struct fs_metrics_snap *s)
{
	if (!s->have_ospf)
		return;
	one_u(f, "floodspot_ospf_packets_total", "counter", "OSPF packets seen.",
	      s->ospf.packets);
	one_u(f, "floodspot_ospf_malformed_total", "counter",
	      "OSPF packets that failed their checks.", s->ospf.malformed);
	one_u(f, "floodspot_ospf_routers", "gauge", "OSPF routers known.",
	      s->routers);
	one_u(f, "floodspot_ospf_routers_alive", "gauge",
	      "OSPF routers within their dead interval.", s->routers_alive);
	one_u(f, "floodspot_ospf_routers_confirmed", "gauge",
	      "OSPF routers listed in another router's Hello.",
	      s->routers_confirmed);
	family(f, "floodspot_ospf_adjacencies", "gauge",
	       "OSPF adjacencies (router pairs) by inferred state.");
	for (int st = 0; st < FS_OSPF_STATES; st++)
		put_kv(f, "floodspot_ospf_adjacencies", "state",
		       fs_ospf_state_name((enum fs_ospf_state)st),
		       s->adjacencies[st]);
	one_u(f, "floodspot_ospf_adjacencies_not_full", "gauge",
	      "Adjacencies that should be full and are not.",
	      s->adjacencies_not_full);
}

static void health(FILE *f, const struct fs_metrics_snap *s)
{
	if (!s->have_health)
		return;
	one_d(f, "floodspot_health_silent_seconds", "gauge",
	      "Seconds without a captured packet (live capture).",
	      s->health[FS_HEALTH_SILENT] / 1000.0);
	one_d(f, "floodspot_health_capture_drop_ratio", "gauge",
	      "Share of packets the kernel dropped over the last 10 s.",
	      s->health[FS_HEALTH_CAPTURE_DROPS] / 100.0);
	one_d(f, "floodspot_health_rrd_drops", "gauge",
	      "RRD updates dropped in the latest second.",
	      s->health[FS_HEALTH_RRD_DROPS]);
	one_d(f, "floodspot_health_alert_drops", "gauge",
	      "Alert deliveries dropped in the latest second.",
	      s->health[FS_HEALTH_ALERT_DROPS]);
	one_d(f, "floodspot_health_ospf_silent_seconds", "gauge",
	      "Seconds without OSPF while it is expected (--expect-ospf).",
	      s->health[FS_HEALTH_OSPF_SILENT] / 1000.0);
}

static void suspect_labels(struct labels *l, unsigned rank,
			   const struct fs_metrics_suspect *x)
{
	char b[FS_MAC_STRLEN > 12 ? FS_MAC_STRLEN : 12];
	l->n = 0;
	snprintf(b, sizeof(b), "%u", rank);
	lab(l, "rank", b);
	snprintf(b, sizeof(b), "%u", (unsigned)x->vlan);
	lab(l, "vlan", b);
	lab(l, "mac", fs_fmt_mac(b, x->mac));
	lab(l, "ip", x->ip);
	lab(l, "class", x->top_class);
}

static void suspects(FILE *f, const struct fs_metrics_snap *s)
{
	static const struct {
		const char *name, *help;
	} fam[3] = {
		{ "floodspot_suspect_ctrl_pps",
		  "Top hosts by control-plane packets in the latest second." },
		{ "floodspot_suspect_pps",
		  "All packets in the latest second of the top hosts." },
		{ "floodspot_suspect_ctrl_baseline_pps",
		  "Control-plane baseline (mean packets/s) of the top hosts." },
	};
	for (int k = 0; k < 3; k++) {
		family(f, fam[k].name, "gauge", fam[k].help);
		for (uint32_t i = 0; i < s->n_suspects; i++) {
			const struct fs_metrics_suspect *x = &s->suspects[i];
			struct labels l;
			suspect_labels(&l, i + 1, x);
			double v = k == 0 ? x->ctrl_pps : k == 1 ? x->pps
							      : x->ctrl_baseline;
			put_d(f, fam[k].name, &l, v);
		}
	}
}

char *fs_metrics_format(const struct fs_metrics *m,
			const struct fs_metrics_snap *s, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return NULL;
	struct labels l = { .n = 0 };
	lab(&l, "agent", m->agent);
	lab(&l, "version", FS_VERSION);
	lab(&l, "mode", m->live ? "live" : "replay");
	family(f, "floodspot_info", "gauge", "The agent: name, version, mode.");
	put_u(f, "floodspot_info", &l, 1);
	capture(f, s);
	hosts(f, s);
	queues(f, s);
	alerts(f, s);
	ospf(f, s);
	health(f, s);
	suspects(f, s);
	one_u(f, "floodspot_metrics_published_total", "counter",
	      "Snapshots published by the capture thread.", s->self.published);
	one_u(f, "floodspot_metrics_publish_skipped_total", "counter",
	      "Snapshots not published: a scrape held the lock.",
	      s->self.publish_skipped);
	one_u(f, "floodspot_metrics_scrapes_total", "counter",
	      "Scrapes served before this one.", s->self.scrapes);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
