/*
 * Test driver: feeds the store known per-second counters through the
 * public API (fs_store_feed_host with hand-built hosts, segment, router,
 * adjacency events) and writes what it fed to an expectation file, so the
 * Python tests can compare `rrdtool fetch` against it.
 *
 * store_feed DIR [--start T] [--seconds N] [--hosts H] [--rrdcached A]
 *            [--rras SPEC] [--expect FILE] [--run-at SEC CMD] [--queue N]
 *            [--flaps N]  (N more adjacency changes every second; waits
 *                          for the writer instead of dropping)
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floodspot/log.h"
#include "floodspot/store.h"

/* The traffic of host i in second t; 0 means idle that second. */
static uint32_t pattern_packets(uint32_t i, int64_t t)
{
	if ((t + i) % 5 == 0)
		return 0;
	return (i + 1) * 10 + (uint32_t)(t % 7) * 3 + 100;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 'n' },
		{ "hosts", required_argument, NULL, 'h' },
		{ "rrdcached", required_argument, NULL, 'd' },
		{ "rras", required_argument, NULL, 'r' },
		{ "expect", required_argument, NULL, 'e' },
		{ "run-at", required_argument, NULL, 'a' },
		{ "queue", required_argument, NULL, 'q' },
		{ "flaps", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct fs_store_config cfg;
	int64_t start = 1700000000, seconds = 20, run_at = -1;
	uint32_t hosts = 3, flaps = 0;
	const char *expect = NULL, *run_cmd = NULL;
	int c;

	fs_log_init("store_feed", false, 0);
	fs_store_config_defaults(&cfg);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': start = strtoll(optarg, NULL, 10); break;
		case 'n': seconds = strtoll(optarg, NULL, 10); break;
		case 'h': hosts = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'd': cfg.rrdcached = optarg; break;
		case 'q': cfg.queue_len = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'f':
			flaps = (uint32_t)strtoul(optarg, NULL, 10);
			cfg.wait_when_full = true;
			break;
		case 'r':
			if (fs_store_parse_rras(&cfg, optarg) != 0) {
				fprintf(stderr, "bad --rras %s\n", optarg);
				return 2;
			}
			break;
		case 'e': expect = optarg; break;
		case 'a':
			run_at = strtoll(optarg, NULL, 10);
			if (optind >= argc)
				return 2;
			run_cmd = argv[optind++];
			break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: store_feed DIR [options]\n");
		return 2;
	}
	cfg.dir = argv[optind];

	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	char err[512];
	struct fs_store *s = fs_store_create(&cfg, &bus, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "store_feed: %s\n", err);
		printf("{\"create_failed\":true}\n");
		return 1;
	}
	FILE *ex = expect ? fopen(expect, "w") : NULL;
	struct fs_host *hv = calloc(hosts, sizeof(*hv));
	int64_t max_ns = 0;
	uint64_t seg_cum[FS_STORE_HOST_DS] = { 0 }, lsus = 0;

	for (uint32_t i = 0; i < hosts; i++) {
		hv[i].vlan = (uint16_t)(10 + i % 3);
		uint8_t mac[6] = { 0x02, 0, 0x0a, (uint8_t)(i >> 16),
				   (uint8_t)(i >> 8), (uint8_t)i };
		memcpy(hv[i].mac, mac, 6);
	}
	for (int64_t k = 0; k < seconds; k++) {
		int64_t t = start + k;
		int64_t sec_us = t * 1000000;
		if (k == run_at && run_cmd) {
			fs_store_flush(s);
			if (system(run_cmd) != 0)
				fprintf(stderr, "store_feed: '%s' failed\n",
					run_cmd);
		}
		uint32_t seg_pkts = 0, active = 0;
		for (uint32_t i = 0; i < hosts; i++) {
			struct fs_host *h = &hv[i];
			uint32_t p = pattern_packets(i, t);
			memset(&h->last, 0, sizeof(h->last));
			h->last.packets = p;
			h->last.bytes = p ? p * 100 + i : 0;
			h->last.ctrl = p / 2;
			h->last.cls[FS_CLASS_BROADCAST] = p / 4;
			h->last.cls[FS_CLASS_MULTICAST] = p / 8;
			h->last.cls[FS_CLASS_ARP] = p / 16;
			if (p) {
				h->last_sec_us = sec_us;
				active++;
			}
			seg_pkts += p;
			int64_t t0 = now_ns();
			fs_store_feed_host(s, sec_us, h, 1);
			int64_t dt = now_ns() - t0;
			if (dt > max_ns)
				max_ns = dt;
			if (ex)
				fprintf(ex,
					"host %u %02x-%02x-%02x-%02x-%02x-%02x %" PRId64
					" %u %u %u %u %u %u\n",
					h->vlan, h->mac[0], h->mac[1], h->mac[2],
					h->mac[3], h->mac[4], h->mac[5], t + 1,
					p, h->last.bytes, h->last.ctrl,
					h->last.cls[FS_CLASS_BROADCAST],
					h->last.cls[FS_CLASS_MULTICAST],
					h->last.cls[FS_CLASS_ARP]);
		}
		seg_cum[FS_STORE_DS_PACKETS] += seg_pkts;
		fs_store_update_segment(s, (t + 1) * 1000000, seg_cum, active);
		if (ex)
			fprintf(ex, "segment %" PRId64 " %u %u\n", t + 1,
				seg_pkts, active);
		/* Router 10.0.0.1: a 3 s silence in the middle. */
		uint32_t gap = (k >= seconds / 2 && k < seconds / 2 + 3)
				       ? (uint32_t)(k - seconds / 2 + 2) * 1000
				       : 1000;
		lsus += 2;
		fs_store_update_router(s, (t + 1) * 1000000, 0x0a000001, gap,
				       2, 1, lsus);
		if (ex)
			fprintf(ex, "router 10.0.0.1 %" PRId64 " %u 2 1 2\n",
				t + 1, gap);
		for (uint32_t j = 0; j < flaps; j++) {
			struct fs_event ev = { .type = FS_EV_OSPF_ADJACENCY,
					       .ts_us = sec_us + 1000 * (j + 1) };
			ev.u.adj.router_id = 0x0a000003;
			ev.u.adj.neighbor_id = 0x0a000004;
			ev.u.adj.from = j % 2 ? FS_OSPF_FULL : FS_OSPF_DOWN;
			ev.u.adj.to = j % 2 ? FS_OSPF_DOWN : FS_OSPF_FULL;
			fs_event_emit(&bus, &ev);
		}
		if (k == seconds / 2 + 2) {
			struct fs_event ev = { .type = FS_EV_OSPF_ADJACENCY,
					       .ts_us = sec_us + 500000 };
			ev.u.adj.router_id = 0x0a000001;
			ev.u.adj.neighbor_id = 0x0a000002;
			ev.u.adj.vlan = 10;
			ev.u.adj.from = FS_OSPF_FULL;
			ev.u.adj.to = FS_OSPF_DOWN;
			fs_event_emit(&bus, &ev);
			if (ex)
				fprintf(ex, "adj %" PRId64 ".500000 10.0.0.1 10.0.0.2 full down\n", t);
		}
	}
	if (ex)
		fclose(ex);
	fs_store_flush(s);
	struct fs_store_stats st;
	fs_store_stats(s, &st);
	fs_store_destroy(s);
	printf("{\"queued\":%" PRIu64 ",\"written\":%" PRIu64
	       ",\"dropped\":%" PRIu64 ",\"errors\":%" PRIu64
	       ",\"created\":%" PRIu64 ",\"skipped\":%" PRIu64
	       ",\"events\":%" PRIu64 ",\"host_files\":%u"
	       ",\"max_enqueue_us\":%.1f}\n",
	       st.updates_queued, st.updates_written, st.updates_dropped_full,
	       st.update_errors, st.files_created, st.updates_skipped_old,
	       st.events_written, st.host_files, (double)max_ns / 1000.0);
	free(hv);
	return 0;
}
