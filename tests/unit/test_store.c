/*
 * Store: archive specs, file names, create arguments, and the feeding
 * rules (idle edges, noise floor, file cap, full queue) counted through
 * the public statistics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "floodspot/log.h"
#include "floodspot/store.h"
#include "src/store/layout.h"
#include "src/store/store_priv.h"

static void test_parse_rras(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int rc;
		uint32_t n;
		uint32_t res[4], keep[4];
	} cases[] = {
		{ "1s:1h,10s:1d,1m:1w,5m:1y", 0, 4,
		  { 1, 10, 60, 300 }, { 3600, 86400, 604800, 31536000 } },
		{ "1:60", 0, 1, { 1 }, { 60 } },
		{ "2m:2h", 0, 1, { 120 }, { 7200 } },
		{ "", -1, 0, { 0 }, { 0 } },
		{ "1s", -1, 0, { 0 }, { 0 } },
		{ "1h:1s", -1, 0, { 0 }, { 0 } },
		{ "0s:1h", -1, 0, { 0 }, { 0 } },
		{ "1x:1h", -1, 0, { 0 }, { 0 } },
		{ "1s:1h,", 0, 1, { 1 }, { 3600 } },
		{ "1s:1h;10s:1d", -1, 0, { 0 }, { 0 } },
		{ "1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1,1:1", -1, 0, { 0 }, { 0 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fs_store_config cfg;
		fs_store_config_defaults(&cfg);
		int rc = fs_store_parse_rras(&cfg, cases[i].spec);
		assert_int_equal(rc, cases[i].rc);
		if (rc != 0) {
			/* A bad spec leaves the defaults alone. */
			assert_int_equal(cfg.n_rras, 5);
			continue;
		}
		assert_int_equal(cfg.n_rras, cases[i].n);
		for (uint32_t k = 0; k < cases[i].n; k++) {
			assert_int_equal(cfg.rras[k].res_s, cases[i].res[k]);
			assert_int_equal(cfg.rras[k].keep_s, cases[i].keep[k]);
		}
	}
}

static void test_paths(void **state)
{
	(void)state;
	char buf[128];
	const uint8_t mac[6] = { 0x02, 0x00, 0x0a, 0xff, 0x00, 0x0d };
	assert_int_equal(fs_store_rel_path(buf, sizeof(buf), FS_STORE_K_HOST,
					   4094, mac, 0), 0);
	assert_string_equal(buf, "hosts/4094-02-00-0a-ff-00-0d.rrd");
	assert_int_equal(fs_store_rel_path(buf, sizeof(buf),
					   FS_STORE_K_SEGMENT, 0, mac, 0), 0);
	assert_string_equal(buf, "segment.rrd");
	assert_int_equal(fs_store_rel_path(buf, sizeof(buf), FS_STORE_K_ROUTER,
					   0, mac, 0xc0a80001), 0);
	assert_string_equal(buf, "routers/192.168.0.1.rrd");
	/* Too small a buffer is an error, not a truncated name. */
	assert_int_equal(fs_store_rel_path(buf, 10, FS_STORE_K_HOST, 1, mac, 0),
			 -1);

	/* Sessions: by protocol, segment, ends or group. */
	struct fs_store_session k = { .proto = "bgp", .seg = { .vlan = 10 },
				      .ip_version = 4 };
	k.ip[0][0] = 10, k.ip[0][3] = 1;
	k.ip[1][0] = 10, k.ip[1][3] = 2;
	assert_int_equal(fs_store_session_path(buf, sizeof(buf), &k), 0);
	assert_string_equal(buf, "sessions/bgp-10-10.0.0.1-10.0.0.2.rrd");
	memcpy(k.proto, "bfd", 4);
	k.extra = 4784;
	k.seg.mirror = FS_MIRROR_VXLAN;
	k.seg.mirror_id = 5000;
	assert_int_equal(fs_store_session_path(buf, sizeof(buf), &k), 0);
	assert_string_equal(buf,
			    "sessions/bfd-10-vxlan-5000-4784-10.0.0.1-10.0.0.2.rrd");
	struct fs_store_session g = { .proto = "vrrp3", .seg = { .vlan = 7 },
				      .ip_version = 6, .extra = 255 };
	assert_int_equal(fs_store_session_path(buf, sizeof(buf), &g), 0);
	assert_string_equal(buf, "sessions/vrrp3-7-255.rrd");
	/* IPv6 without ':', a name kept a name. */
	struct fs_store_session v6 = { .proto = "bgp/..", .ip_version = 6 };
	v6.ip[0][0] = 0xfe, v6.ip[0][1] = 0x80, v6.ip[0][15] = 1;
	v6.ip[1][15] = 2;
	assert_int_equal(fs_store_session_path(buf, sizeof(buf), &v6), 0);
	assert_string_equal(buf, "sessions/bgp___-0-0.rrd");
	memcpy(v6.proto, "bgp", 4);
	assert_int_equal(fs_store_session_path(buf, sizeof(buf), &v6), 0);
	assert_string_equal(buf, "sessions/bgp-0-fe80__1-__2.rrd");
	assert_int_equal(fs_store_session_path(buf, 20, &v6), -1);
}

static void test_create_args(void **state)
{
	(void)state;
	struct fs_store_config cfg;
	const char *argv[32];
	char buf[1024];
	fs_store_config_defaults(&cfg);
	cfg.heartbeat_s = 30;
	fs_store_parse_rras(&cfg, "1s:1h,5m:1y");
	static const struct {
		enum fs_store_kind kind;
		int argc;
		const char *first, *last_ds;
	} cases[] = {
		{ FS_STORE_K_HOST, 6 + 4, "DS:packets:DERIVE:30:0:U",
		  "DS:arp:DERIVE:30:0:U" },
		{ FS_STORE_K_SEGMENT, 7 + 4, "DS:packets:DERIVE:30:0:U",
		  "DS:hosts_active:GAUGE:30:0:U" },
		{ FS_STORE_K_ROUTER, 4 + 4, "DS:hello_gap_ms:GAUGE:30:0:U",
		  "DS:lsus:DERIVE:30:0:U" },
	};
	for (size_t i = 0; i < 3; i++) {
		int argc = fs_store_create_args(&cfg, cases[i].kind, argv, 32,
						buf, sizeof(buf));
		assert_int_equal(argc, cases[i].argc);
		assert_string_equal(argv[0], cases[i].first);
		assert_string_equal(argv[argc - 5], cases[i].last_ds);
		assert_string_equal(argv[argc - 4], "RRA:AVERAGE:0.5:1:3600");
		assert_string_equal(argv[argc - 3], "RRA:MAX:0.5:1:3600");
		assert_string_equal(argv[argc - 2], "RRA:AVERAGE:0.5:300:105120");
		assert_string_equal(argv[argc - 1], "RRA:MAX:0.5:300:105120");
	}
	/* With a 10 s step the rows count 10 s primary points. */
	cfg.step_s = 10;
	int argc = fs_store_create_args(&cfg, FS_STORE_K_HOST, argv, 32, buf,
					sizeof(buf));
	assert_string_equal(argv[argc - 4], "RRA:AVERAGE:0.5:1:360");
	assert_string_equal(argv[argc - 2], "RRA:AVERAGE:0.5:30:105120");
	/* Too little room is refused. */
	assert_int_equal(fs_store_create_args(&cfg, FS_STORE_K_HOST, argv, 4,
					      buf, sizeof(buf)), -1);
	assert_int_equal(fs_store_create_args(&cfg, FS_STORE_K_HOST, argv, 32,
					      buf, 40), -1);
}

static char tmpl[64];

static bool mk_wait;

static struct fs_store *mk(uint32_t max_files, uint32_t floor, uint32_t qlen)
{
	struct fs_store_config cfg;
	char err[256];
	snprintf(tmpl, sizeof(tmpl), "/tmp/fs-unit-store-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	fs_store_config_defaults(&cfg);
	cfg.dir = tmpl;
	cfg.max_host_files = max_files;
	cfg.noise_floor_pps = floor;
	cfg.queue_len = qlen;
	cfg.wait_when_full = mk_wait;
	fs_store_parse_rras(&cfg, "1s:2m");
	struct fs_store *s = fs_store_create(&cfg, NULL, err, sizeof(err));
	assert_non_null(s);
	return s;
}

static void rm(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	assert_int_equal(system(cmd), 0);
}

static void set_sec(struct fs_host *h, int64_t t, uint32_t packets)
{
	memset(&h->last, 0, sizeof(h->last));
	h->last.packets = packets;
	if (packets)
		h->last_sec_us = t * 1000000;
}

static void test_feed_edges(void **state)
{
	(void)state;
	struct fs_store *s = mk(10, 100, 1024);
	struct fs_host h = { .vlan = 5, .mac = { 2, 0, 0, 0, 0, 1 } };
	struct fs_store_stats st;
	/* active, active, active, idle, idle, active: updates per second */
	static const uint32_t pk[] = { 200, 150, 120, 0, 0, 300 };
	static const uint64_t queued_after[] = { 2, 3, 4, 5, 5, 7 };
	int64_t t0 = 1700000000;
	for (int k = 0; k < 6; k++) {
		set_sec(&h, t0 + k, pk[k]);
		fs_store_feed_host(s, (t0 + k) * 1000000, &h, 0);
		fs_store_stats(s, &st);
		assert_int_equal(st.updates_queued, queued_after[k]);
	}
	/* Same second again: nothing new. */
	fs_store_feed_host(s, (t0 + 5) * 1000000, &h, 0);
	fs_store_flush(s);
	fs_store_stats(s, &st);
	assert_int_equal(st.updates_queued, 7);
	assert_int_equal(st.updates_written, 7);
	assert_int_equal(st.files_created, 1);
	assert_int_equal(st.host_files, 1);
	fs_store_destroy(s);
	rm();
}

static void test_floor_and_cap(void **state)
{
	(void)state;
	struct fs_store *s = mk(2, 100, 1024);
	struct fs_store_stats st;
	int64_t t = 1700000000;
	struct fs_host h[4];
	memset(h, 0, sizeof(h));
	for (int i = 0; i < 4; i++) {
		h[i].vlan = 1;
		h[i].mac[5] = (uint8_t)i;
	}
	set_sec(&h[0], t, 99);		/* below the floor */
	set_sec(&h[1], t, 100);		/* at the floor */
	set_sec(&h[2], t, 5000);
	set_sec(&h[3], t, 7000);	/* past the cap of 2 files */
	for (int i = 0; i < 4; i++)
		fs_store_feed_host(s, t * 1000000, &h[i], 0);
	fs_store_stats(s, &st);
	assert_int_equal(st.host_files, 2);
	assert_int_equal(st.hosts_not_stored, 1);
	assert_int_equal(st.updates_queued, 4);
	assert_int_equal(fs_store_trk_check(s), 0);
	/* A tracked host forgotten makes room for the next. */
	assert_true(s->trk[0].used && s->trk[0].mac[5] == 1);
	fs_store_trk_remove(s, 0);
	assert_int_equal(fs_store_trk_check(s), 0);
	fs_store_feed_host(s, t * 1000000, &h[3], 0);
	fs_store_feed_host(s, t * 1000000, &h[1], 0);
	fs_store_stats(s, &st);
	assert_int_equal(st.host_files, 2);
	assert_int_equal(st.hosts_not_stored, 2);	/* h[1], now refused */
	assert_true(s->trk[0].used && s->trk[0].mac[5] == 3);
	assert_int_equal(fs_store_trk_check(s), 0);
	/* Forced (top N) hosts below the floor get a file when room. */
	struct fs_store *s2 = s;
	fs_store_destroy(s2);
	rm();
	s = mk(2, 100, 1024);
	fs_store_feed_host(s, t * 1000000, &h[0], 1);
	fs_store_stats(s, &st);
	assert_int_equal(st.host_files, 1);
	fs_store_destroy(s);
	rm();
}

static void test_queue_full_drops(void **state)
{
	(void)state;
	struct fs_store *s = mk(10, 1, 16);
	struct fs_store_stats st;
	uint64_t v[FS_STORE_HOST_DS] = { 0 };
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	int dropped = 0;
	for (int i = 0; i < 5000; i++) {
		v[0] = (uint64_t)i;
		if (fs_store_update_host(s, (1700000000LL + i) * 1000000, 1,
					 mac, v) != 0)
			dropped++;
	}
	fs_store_flush(s);
	fs_store_stats(s, &st);
	assert_true(dropped > 0);
	assert_int_equal(st.updates_dropped_full, (uint64_t)dropped);
	assert_int_equal(st.updates_queued + st.updates_dropped_full, 5000);
	assert_int_equal(st.updates_written + st.updates_skipped_old +
				 st.update_errors,
			 st.updates_queued);
	fs_store_destroy(s);
	rm();
}

/* Replay mode waits for room instead: nothing dropped, all written. */
static void test_queue_full_waits(void **state)
{
	(void)state;
	mk_wait = true;
	struct fs_store *s = mk(10, 1, 16);
	mk_wait = false;
	struct fs_store_stats st;
	uint64_t v[FS_STORE_HOST_DS] = { 0 };
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	for (int i = 0; i < 3000; i++) {
		v[0] = (uint64_t)i;
		assert_int_equal(fs_store_update_host(s, (1700000000LL + i) *
							 1000000, 1, mac, v),
				 0);
	}
	fs_store_flush(s);
	fs_store_stats(s, &st);
	assert_int_equal(st.updates_dropped_full, 0);
	assert_int_equal(st.updates_queued, 3000);
	assert_int_equal(st.updates_written, 3000);
	fs_store_destroy(s);
	rm();
}

/*
 * More files than the writer remembers: the clock forgets some, which are
 * resumed from disk (not created again) when written next, and the index
 * stays full and sound.
 */
static void test_file_cache_evicts(void **state)
{
	(void)state;
	mk_wait = true;
	struct fs_store *s = mk(1, 1, 4096);
	mk_wait = false;
	/* More files than the cache holds, all allowed on disk. */
	s->cfg.max_host_files = s->files_cap + 60;
	struct fs_store_stats st;
	uint64_t v[FS_STORE_HOST_DS] = { 0 };
	const uint32_t n = s->files_cap + 60;
	int64_t t0 = 1700000000;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			uint8_t mac[6] = { 2, 0, 0, 0, (uint8_t)(i >> 8),
					   (uint8_t)i };
			v[0] = (uint64_t)pass;
			assert_int_equal(fs_store_update_host(
				s, (t0 + pass) * 1000000, 1, mac, v), 0);
		}
		fs_store_flush(s);
		fs_store_stats(s, &st);
		assert_int_equal(st.files_created, n);
		assert_int_equal(st.updates_written, (uint64_t)n * (pass + 1));
		assert_int_equal(st.update_errors, 0);
		assert_int_equal(s->files_ix.n, s->files_cap);
		assert_int_equal(fs_store_files_check(s), 0);
	}
	/* The first file was forgotten and resumed: it knows its last update. */
	uint8_t first[6] = { 2, 0, 0, 0, 0, 0 };
	assert_int_equal(fs_store_update_host(s, t0 * 1000000, 1, first, v), 0);
	fs_store_flush(s);
	fs_store_stats(s, &st);
	assert_int_equal(st.updates_skipped_old, 1);
	fs_store_destroy(s);
	rm();
}

/* rrdcached addresses as librrd takes them; the rest refused with why. */
static void test_daemon_addr(void **state)
{
	(void)state;
	static const struct { const char *addr; int rc; const char *why; } t[] = {
		{ "unix:/run/rrdcached.sock", 0, NULL },
		{ "/run/rrdcached.sock", 0, NULL },
		{ "collector", 0, NULL },
		{ "collector.example.net:42217", 0, NULL },
		{ "10.9.1.1:42217", 0, NULL },
		{ "[2001:db8::1]:42217", 0, NULL },
		{ "[2001:db8::1]", 0, NULL },
		{ "2001:db8::1", 0, NULL },
		{ "", -1, "empty" },
		{ "unix:run/sock", -1, "absolute" },
		{ "tcp://10.0.0.1:42217", -1, "no scheme" },
		{ "10.0.0.1:0", -1, "1-65535" },
		{ "10.0.0.1:65536", -1, "1-65535" },
		{ "10.0.0.1:42x", -1, "1-65535" },
		{ "10.0.0.1:", -1, "1-65535" },
		{ "host name:1", -1, "bad host" },
		{ "[2001:db8::1:42217", -1, "unbalanced" },
		{ "[nothex]:1", -1, "IPv6" },
		{ "[::1]x", -1, "1-65535" },
		{ "::1::2", -1, "IPv6" },
	};
	char err[256], longp[200];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fs_store_check_daemon_addr(t[i].addr, err,
							     sizeof(err)),
				 t[i].rc);
		if (t[i].why)
			assert_non_null(strstr(err, t[i].why));
	}
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(fs_store_check_daemon_addr(longp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

/* Agent names to one path component. */
static void test_agent_dir(void **state)
{
	(void)state;
	static const struct { const char *name, *dir; } t[] = {
		{ "rack1/span0", "rack1_span0" },
		{ "sw-3.dc1_eth0", "sw-3.dc1_eth0" },
		{ "../etc", "_._etc" },
		{ "..", "_." },
		{ ".hidden", "_hidden" },
		{ "a b\"c", "a_b_c" },
	};
	char out[160], big[200];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(fs_store_agent_dir(t[i].name, out, sizeof(out)), 0);
		assert_string_equal(out, t[i].dir);
	}
	assert_int_equal(fs_store_agent_dir("", out, sizeof(out)), -1);
	assert_int_equal(fs_store_agent_dir(NULL, out, sizeof(out)), -1);
	memset(big, 'x', sizeof(big));
	big[129] = '\0';
	assert_int_equal(fs_store_agent_dir(big, out, sizeof(out)), -1);
	big[128] = '\0';
	assert_int_equal(fs_store_agent_dir(big, out, sizeof(out)), 0);
}

int main(void)
{
	fs_log_init("test_store", false, -1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_rras),
		cmocka_unit_test(test_daemon_addr),
		cmocka_unit_test(test_agent_dir),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_create_args),
		cmocka_unit_test(test_feed_edges),
		cmocka_unit_test(test_floor_and_cap),
		cmocka_unit_test(test_queue_full_drops),
		cmocka_unit_test(test_queue_full_waits),
		cmocka_unit_test(test_file_cache_evicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
