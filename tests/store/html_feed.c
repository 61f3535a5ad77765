/*
 * Test driver for the HTML pages: feeds hosts (one of them flooding) into
 * a store, emits alerts and adjacency changes on the bus, then builds the
 * page set through the fs_html API as the agent would.
 *
 * html_feed HTML_DIR RRD_DIR [--seconds N] [--hosts H]
 * Prints {"culprit":"MAC","hosts":H} on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/alert.h"
#include "floodspot/fmt.h"
#include "floodspot/log.h"
#include "floodspot/html.h"
#include "floodspot/store.h"

struct h {
	struct fs_host host;
	uint64_t total;
};

static int by_total(const void *a, const void *b)
{
	const struct h *x = a, *y = b;
	return x->total < y->total ? 1 : x->total > y->total ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: html_feed HTML_DIR RRD_DIR [SECONDS HOSTS]\n");
		return 2;
	}
	int64_t start = 1700000000, seconds = argc > 3 ? atoll(argv[3]) : 60;
	uint32_t n = argc > 4 ? (uint32_t)atoi(argv[4]) : 6;
	uint32_t culprit = n / 2;
	struct fs_event_bus bus;
	struct fs_store_config sc;
	char err[512];

	fs_log_init("html_feed", false, 0);
	fs_event_bus_init(&bus);
	fs_store_config_defaults(&sc);
	sc.dir = argv[2];
	fs_store_parse_rras(&sc, "1s:1h,10s:1d");
	struct fs_store *s = fs_store_create(&sc, &bus, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "html_feed: %s\n", err);
		return 1;
	}
	struct fs_html_config hc = { .dir = argv[1], .rrd_dir = argv[2],
				     .refresh_s = 10, .top_n = 5,
				     .store = s };
	struct fs_html *html = fs_html_create(&hc, &bus, err, sizeof(err));
	if (!html) {
		fprintf(stderr, "html_feed: %s\n", err);
		return 1;
	}
	struct h *hv = calloc(n, sizeof(*hv));
	for (uint32_t i = 0; i < n; i++) {
		hv[i].host.vlan = 10;
		uint8_t mac[6] = { 0x02, 0, 0x0a, 0, 0, (uint8_t)(i + 1) };
		memcpy(hv[i].host.mac, mac, 6);
		hv[i].host.first_seen_us = start * 1000000;
		hv[i].host.n_ips = 1;
		hv[i].host.ips[0].version = 4;
		uint8_t ip[4] = { 10, 1, 0, (uint8_t)(i + 1) };
		memcpy(hv[i].host.ips[0].addr, ip, 4);
	}
	uint64_t seg[FS_STORE_HOST_DS] = { 0 };
	for (int64_t k = 0; k < seconds; k++) {
		int64_t t = start + k;
		uint32_t active = 0, seg_p = 0;
		for (uint32_t i = 0; i < n; i++) {
			struct fs_host *x = &hv[i].host;
			/* The culprit floods broadcast in the second half. */
			bool flood = i == culprit && k >= seconds / 2;
			uint32_t p = 150 + 20 * i + (uint32_t)(k % 5) * 7;
			uint32_t bc = flood ? 4000 : p / 10;
			if (flood)
				p += bc;
			memset(&x->last, 0, sizeof(x->last));
			x->last.packets = p;
			x->last.bytes = p * 80;
			x->last.ctrl = bc;
			x->last.cls[FS_CLASS_BROADCAST] = bc;
			x->last_sec_us = t * 1000000;
			x->packets += p;
			x->bytes += p * 80;
			x->cls_packets[FS_CLASS_BROADCAST] += bc;
			x->cls_packets[FS_CLASS_TCP_SYN] += p - bc;
			if (p > x->peak_pps) {
				x->peak_pps = p;
				x->peak_ts_us = t * 1000000;
			}
			hv[i].total = x->packets;
			fs_store_feed_host(s, t * 1000000, x, 0);
			active++;
			seg_p += p;
		}
		seg[FS_STORE_DS_PACKETS] += seg_p;
		fs_store_update_segment(s, (t + 1) * 1000000, seg, active);
		fs_store_update_router(s, (t + 1) * 1000000, 0x0a000001,
				       k > seconds / 2 + 3 ? 1800 : 1000, 1,
				       k > seconds / 2 + 8 ? 0 : 1, (uint64_t)k);
		if (k == seconds / 2 + 2 || k == seconds / 2 + 8) {
			struct fs_alert a = { .ts_us = t * 1000000,
					      .severity = FS_SEV_WARNING };
			bool second = k == seconds / 2 + 8;
			snprintf(a.rule, sizeof(a.rule), "%s",
				 second ? "culprit" : "broadcast-flood");
			snprintf(a.kind, sizeof(a.kind), "%s",
				 second ? "culprit" : "flood-start");
			snprintf(a.field[0].key, sizeof(a.field[0].key), "mac");
			fs_fmt_mac(a.field[0].value, hv[culprit].host.mac);
			snprintf(a.field[1].key, sizeof(a.field[1].key), "class");
			snprintf(a.field[1].value, sizeof(a.field[1].value),
				 "broadcast<&>");
			a.n_fields = 2;
			if (second) {
				/* What the headline reads: the host's VLAN and
				 * the evidence file (a name to escape). */
				fs_alert_add(&a, "vlan", "%u",
					     (unsigned)hv[culprit].host.vlan);
				fs_alert_add(&a, "evidence", "%s",
					     "evidence/culprit 1\".pcap");
			}
			struct fs_event ev = { .type = FS_EV_ALERT,
					       .ts_us = a.ts_us };
			ev.u.alert = &a;
			fs_event_emit(&bus, &ev);
		}
		if (k == 2 || k == seconds / 2 + 8) {
			struct fs_event ev = { .type = FS_EV_OSPF_ADJACENCY,
					       .ts_us = t * 1000000 + 250000 };
			ev.u.adj.router_id = 0x0a000001;
			ev.u.adj.neighbor_id = 0x0a000002;
			ev.u.adj.vlan = 10;
			ev.u.adj.from = k == 2 ? FS_OSPF_LOADING : FS_OSPF_FULL;
			ev.u.adj.to = k == 2 ? FS_OSPF_FULL : FS_OSPF_DOWN;
			snprintf(ev.u.adj.reason, sizeof(ev.u.adj.reason), "%s",
				 k == 2 ? "lsu exchange done" : "dead interval expired");
			fs_event_emit(&bus, &ev);
		}
	}
	/* As fs_hosts_top would order them: most packets first. */
	qsort(hv, n, sizeof(*hv), by_total);
	int64_t now = (start + seconds) * 1000000;
	fs_html_begin(html, now);
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_host *x = &hv[i].host;
		struct fs_html_host v = { .vlan = x->vlan, .packets = x->packets,
					  .bytes = x->bytes,
					  .peak_pps = x->peak_pps,
					  .peak_ts_us = x->peak_ts_us,
					  .last_pps = x->last.packets,
					  .first_seen_us = x->first_seen_us };
		memcpy(v.mac, x->mac, 6);
		memcpy(v.cls_packets, x->cls_packets, sizeof(v.cls_packets));
		fs_fmt_ip(v.ips, 4, x->ips[0].addr);
		fs_html_add_host(html, &v);
	}
	struct fs_html_router r = { .router_id = 0x0a000001, .vlan = 10,
				    .hello_interval_s = 1,
				    .dead_interval_s = 4, .last_gap_ms = 1800,
				    .gap_max_ms = 1800, .neighbors = 1,
				    .alive = true };
	snprintf(r.ip, sizeof(r.ip), "10.1.0.254");
	fs_html_add_router(html, &r);
	struct fs_ospf_adj_view av = { .router_id = 0x0a000001,
				       .neighbor_id = 0x0a000002, .vlan = 10,
				       .state = FS_OSPF_DOWN,
				       .since_us = now - 1000000 };
	fs_html_add_adjacency(html, &av);
	fs_html_commit(html);
	fs_html_destroy(html);
	fs_store_destroy(s);
	char mac[FS_MAC_STRLEN];
	uint8_t cm[6] = { 0x02, 0, 0x0a, 0, 0, (uint8_t)(culprit + 1) };
	printf("{\"culprit\":\"%s\",\"hosts\":%u}\n", fs_fmt_mac(mac, cm), n);
	free(hv);
	return 0;
}
