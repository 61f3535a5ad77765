/*
 * bench-store: N active hosts fed at a 1 s step, through the store's
 * queue and writer (direct librrd or rrdcached). Prints the updates per
 * second the writer achieved, drops, and the enqueue latency seen by the
 * caller (the capture thread in floodspot), which must never block.
 *
 * bench-store DIR [--hosts N] [--seconds S] [--rrdcached ADDR]
 *             [--rras SPEC] [--queue N] [--no-pace] [--start T] [--wait]
 *
 * Paced (default): one simulated second per wall second, as live capture.
 * --no-pace: seconds as fast as the producer can go (replay speed).
 * --wait: wait_when_full, as for a replay; the enqueue may then block.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floodspot/log.h"
#include "floodspot/store.h"

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hosts", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "rrdcached", required_argument, NULL, 'd' },
		{ "rras", required_argument, NULL, 'r' },
		{ "queue", required_argument, NULL, 'q' },
		{ "no-pace", no_argument, NULL, 'p' },
		{ "start", required_argument, NULL, 't' },
		{ "wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct fs_store_config cfg;
	uint32_t hosts = 10000;
	int64_t seconds = 30, start = 1700000000;
	bool pace = true;
	int c;

	fs_log_init("bench-store", false, 0);
	fs_store_config_defaults(&cfg);
	fs_store_parse_rras(&cfg, "1s:10m,1m:1d");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': hosts = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 's': seconds = strtoll(optarg, NULL, 10); break;
		case 'd': cfg.rrdcached = optarg; break;
		case 'q': cfg.queue_len = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'p': pace = false; break;
		case 'w': cfg.wait_when_full = true; break;
		case 't': start = strtoll(optarg, NULL, 10); break;
		case 'r':
			if (fs_store_parse_rras(&cfg, optarg) != 0) {
				fprintf(stderr, "bad --rras\n");
				return 2;
			}
			break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: bench-store DIR [options]\n");
		return 2;
	}
	cfg.dir = argv[optind];
	cfg.max_host_files = hosts;
	cfg.noise_floor_pps = 1;
	char err[512];
	struct fs_store *s = fs_store_create(&cfg, NULL, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "bench-store: %s\n", err);
		return 1;
	}
	struct fs_host *hv = calloc(hosts, sizeof(*hv));
	int64_t *lat = calloc((size_t)hosts * (size_t)seconds, sizeof(*lat));
	if (!hv || !lat)
		return 1;
	for (uint32_t i = 0; i < hosts; i++) {
		uint8_t mac[6] = { 0x02, 0xbe, (uint8_t)(i >> 24),
				   (uint8_t)(i >> 16), (uint8_t)(i >> 8),
				   (uint8_t)i };
		memcpy(hv[i].mac, mac, 6);
		hv[i].vlan = 1;
	}
	size_t nl = 0;
	int64_t t_begin = now_ns(), max_ns = 0, behind_ns = 0;
	struct fs_store_stats st;
	printf("sec  queued  written  dropped  errors  (cumulative)\n");
	for (int64_t k = 0; k < seconds; k++) {
		int64_t t = start + k;
		for (uint32_t i = 0; i < hosts; i++) {
			struct fs_host *h = &hv[i];
			memset(&h->last, 0, sizeof(h->last));
			h->last.packets = 100 + (i + (uint32_t)k) % 50;
			h->last.bytes = h->last.packets * 200;
			h->last.ctrl = h->last.packets / 10;
			h->last_sec_us = t * 1000000;
			int64_t t0 = now_ns();
			fs_store_feed_host(s, t * 1000000, h, 0);
			int64_t dt = now_ns() - t0;
			lat[nl++] = dt;
			if (dt > max_ns)
				max_ns = dt;
		}
		uint64_t seg[FS_STORE_HOST_DS] = { (uint64_t)k * 1000 };
		fs_store_update_segment(s, (t + 1) * 1000000, seg, hosts);
		fs_store_stats(s, &st);
		if (k % 5 == 4 || k == seconds - 1)
			printf("%3" PRId64 " %7" PRIu64 " %8" PRIu64 " %8" PRIu64
			       " %7" PRIu64 "\n", k + 1, st.updates_queued,
			       st.updates_written, st.updates_dropped_full,
			       st.update_errors);
		if (pace) {
			int64_t due = t_begin + (k + 1) * 1000000000LL;
			int64_t left = due - now_ns();
			if (left > 0) {
				struct timespec ts = { left / 1000000000,
						       left % 1000000000 };
				nanosleep(&ts, NULL);
			} else {
				behind_ns += -left;
			}
		}
	}
	int64_t t_fed = now_ns();
	fs_store_flush(s);
	int64_t t_done = now_ns();
	fs_store_stats(s, &st);
	fs_store_destroy(s);
	qsort(lat, nl, sizeof(*lat), cmp_i64);
	double wall = (double)(t_done - t_begin) / 1e9;
	printf("\nmode: %s, %s%s, %u hosts, %" PRId64 " s simulated\n",
	       cfg.rrdcached ? "rrdcached" : "direct librrd",
	       pace ? "paced 1 s/s" : "unpaced",
	       cfg.wait_when_full ? ", wait when full" : "", hosts, seconds);
	printf("updates queued %" PRIu64 ", written %" PRIu64
	       ", dropped (queue full) %" PRIu64 ", errors %" PRIu64
	       ", files created %" PRIu64 "\n", st.updates_queued,
	       st.updates_written, st.updates_dropped_full, st.update_errors,
	       st.files_created);
	printf("wall %.2f s (feeding %.2f s, final drain %.2f s)\n", wall,
	       (double)(t_fed - t_begin) / 1e9, (double)(t_done - t_fed) / 1e9);
	printf("writer throughput: %.0f updates/s over the wall time\n",
	       (double)st.updates_written / wall);
	printf("enqueue latency per host feed: p50 %.2f us, p99 %.2f us, "
	       "p99.99 %.2f us, max %.1f us\n", (double)lat[nl / 2] / 1e3,
	       (double)lat[nl * 99 / 100] / 1e3,
	       (double)lat[nl * 9999 / 10000] / 1e3, (double)max_ns / 1e3);
	if (pace)
		printf("producer behind schedule: %.3f s total\n",
		       (double)behind_ns / 1e9);
	free(hv);
	free(lat);
	return 0;
}
