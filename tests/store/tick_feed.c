/*
 * Test driver for fs_store_tick with the real hosts table: packets go
 * through fs_hosts_account, seconds close with fs_hosts_tick, then
 * fs_store_tick picks the hosts (noise floor, top N, file cap).
 *
 * tick_feed RRD_DIR SECONDS
 * Hosts (VLAN 7, MAC 02:00:00:00:00:0N), packets per second:
 *   1: 500 broadcast   2: 150, idle from second 10 to 24   3: 60
 *   4: 10   5: 5
 * Store: noise floor 100, top_n 3, max_host_files 4, refresh 10 s.
 * Prints one line per host and second: "N ts_end packets broadcast".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/hosts.h"
#include "floodspot/log.h"
#include "floodspot/store.h"

static uint32_t rate(int host, int k)
{
	static const uint32_t base[] = { 500, 150, 60, 10, 5 };
	if (host == 1 && k >= 10 && k < 25)
		return 0;
	return base[host];
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int seconds = atoi(argv[2]);
	int64_t start = 1700000000;
	char err[256];

	fs_log_init("tick_feed", false, 0);
	struct fs_hosts_config hc;
	fs_hosts_config_defaults(&hc);
	hc.capacity = 256;
	hc.seed = 1;
	struct fs_hosts *hosts = fs_hosts_create(&hc);
	struct fs_store_config sc;
	fs_store_config_defaults(&sc);
	sc.dir = argv[1];
	sc.noise_floor_pps = 100;
	sc.top_n = 3;
	sc.max_host_files = 4;
	sc.heartbeat_s = 20;
	sc.idle_refresh_s = 10;
	fs_store_parse_rras(&sc, "1s:10m");
	struct fs_store *s = fs_store_create(&sc, NULL, err, sizeof(err));
	if (!hosts || !s) {
		fprintf(stderr, "tick_feed: %s\n", err);
		return 1;
	}
	for (int k = 0; k < seconds; k++) {
		int64_t t = start + k;
		for (int hidx = 0; hidx < 5; hidx++) {
			uint32_t n = rate(hidx, k);
			for (uint32_t i = 0; i < n; i++) {
				struct fs_pkt p = { .ts_us = t * 1000000 +
							     (int64_t)i * 1000,
						    .caplen = 64, .wirelen = 100,
						    .has_mac = true, .vlan = 7 };
				p.src_mac[0] = 2;
				p.src_mac[5] = (uint8_t)(hidx + 1);
				memset(p.dst_mac, 0xff, 6);
				p.ethertype = 0x0800;
				p.ip_version = 4;
				p.src_ip[0] = 10;
				p.src_ip[3] = (uint8_t)(hidx + 1);
				if (hidx == 0)
					p.classes = FS_CLASS_BIT(FS_CLASS_BROADCAST);
				fs_hosts_account(hosts, &p);
			}
			printf("%d %lld %u %u\n", hidx + 1, (long long)(t + 1), n,
			       hidx == 0 ? n : 0);
		}
		/* The second's packets, then its slices: a second's counts
		 * come out the same. */
		for (int sl = 0; sl < 10; sl++)
			fs_hosts_tick(hosts, t * 1000000 + sl * 100000);
		fs_store_tick(s, t * 1000000, hosts, NULL);
	}
	fs_store_flush(s);
	struct fs_store_stats st;
	fs_store_stats(s, &st);
	fprintf(stderr, "tick_feed: queued %llu written %llu errors %llu files %u\n",
		(unsigned long long)st.updates_queued,
		(unsigned long long)st.updates_written,
		(unsigned long long)st.update_errors, st.host_files);
	fs_store_destroy(s);
	fs_hosts_destroy(hosts);
	return st.update_errors ? 1 : 0;
}
