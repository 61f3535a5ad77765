/* Metrics: label escaping, address parsing, the snapshot's figures and
 * its bounds (suspects by rank, rule names). No server: addr NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "floodspot/metrics.h"
#include "hosts_util.h"

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "a\"b", "a\\\"b" },
		{ "back\\slash", "back\\\\slash" },
		{ "line\nfeed", "line\\nfeed" },
		{ "tab\tand\x01", "tab\\\\x09and\\\\x01" },
		{ "\xc3\xa9t\xe9", "\\\\xc3\\\\xa9t\\\\xe9" },
		{ "del\x7f", "del\\\\x7f" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		size_t n = fs_metrics_escape_label(out, sizeof(out), cases[i].in);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	/* Truncation never cuts an escape in half. */
	char small[4];
	fs_metrics_escape_label(small, sizeof(small), "ab\"c");
	assert_string_equal(small, "ab");
	fs_metrics_escape_label(small, sizeof(small), "\x01");
	assert_string_equal(small, "");
}

static void test_parse_addr(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int family;
		const char *addr;
		unsigned port;
	} good[] = {
		{ "9108", AF_INET, "127.0.0.1", 9108 },
		{ "0.0.0.0:9108", AF_INET, "0.0.0.0", 9108 },
		{ "10.1.2.3:0", AF_INET, "10.1.2.3", 0 },
		{ "[::1]:65535", AF_INET6, "::1", 65535 },
		{ "[::]:9108", AF_INET6, "::", 9108 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct sockaddr_storage ss;
		char err[160], txt[64];
		assert_int_equal(fs_metrics_parse_addr(good[i].in, &ss, err,
						       sizeof(err)), 0);
		assert_int_equal(ss.ss_family, good[i].family);
		if (good[i].family == AF_INET) {
			struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &v4->sin_addr, txt, sizeof(txt));
			assert_int_equal(ntohs(v4->sin_port), good[i].port);
		} else {
			struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &v6->sin6_addr, txt, sizeof(txt));
			assert_int_equal(ntohs(v6->sin6_port), good[i].port);
		}
		assert_string_equal(txt, good[i].addr);
	}
	static const char *const bad[] = {
		"", "65536", "-1", "+1", "1.2.3.4", "1.2.3.4:", "::1:80",
		"[::1]80", "[::1", "localhost:9108", "1.2.3.4:9x",
		"999.1.1.1:80", "[1.2.3.4]:80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[160] = "";
		assert_int_equal(fs_metrics_parse_addr(bad[i], NULL, err,
						       sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
}

/* The value of the line starting with prefix (a sample), or -1. */
static double sample(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static void test_snapshot(void **state)
{
	(void)state;
	struct fs_hosts_config hc;
	fs_hosts_config_defaults(&hc);
	hc.capacity = 1024;
	hc.seed = 1;
	struct fs_hosts *h = fs_hosts_create(&hc);
	assert_non_null(h);
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	struct fs_metrics_config mc = { .addr = NULL, .top_n = 3,
					.agent_name = "a\"b" };
	char err[160];
	struct fs_metrics *m = fs_metrics_create(&mc, &bus, err, sizeof(err));
	assert_non_null(m);
	size_t len;
	assert_null(fs_metrics_render(m, &len));	/* nothing published */

	/* Second 100: host i sends i to_router packets (1..5), host 9 sends
	 * 50 packets of no control-plane class. */
	uint64_t packets = 0;
	for (uint64_t id = 1; id <= 5; id++)
		for (uint64_t k = 0; k < id; k++) {
			struct fs_pkt p = mkpkt(7, id, 100 * S + (int64_t)k,
						FS_CLASS_BIT(FS_CLASS_TO_ROUTER), 64);
			fs_hosts_account(h, &p);
			packets++;
		}
	for (int k = 0; k < 50; k++) {
		struct fs_pkt p = mkpkt(7, 9, 100 * S + k, 0, 64);
		fs_hosts_account(h, &p);
		packets++;
	}
	/* Close the second: its ten slices. */
	for (int64_t sl = 100 * S; sl < 101 * S; sl += fs_hosts_slice_us(h))
		fs_hosts_tick(h, sl);
	/* 70 rule names: 64 labelled, the rest summed as _other. */
	for (int i = 0; i < 70; i++) {
		struct fs_alert a;
		memset(&a, 0, sizeof(a));
		snprintf(a.rule, sizeof(a.rule), "rule%02d", i);
		a.state = FS_ALERT_RAISED;
		struct fs_event ev = { .type = FS_EV_ALERT, .u.alert = &a };
		fs_event_emit(&bus, &ev);
	}
	struct fs_metrics_inputs in = { .sec_us = 100 * S, .now_us = 101 * S,
					.hosts = h, .packets = packets };
	fs_metrics_tick(m, &in);
	char *t = fs_metrics_render(m, &len);
	assert_non_null(t);
	assert_int_equal(strlen(t), len);
	assert_non_null(strstr(t, "floodspot_info{agent=\"a\\\"b\""));
	assert_true(sample(t, "floodspot_packets_total") == (double)packets);
	assert_true(sample(t, "floodspot_class_packets_total{class=\"to_router\"}") == 15);
	assert_true(sample(t, "floodspot_control_plane_packets_total") == 15);
	assert_true(sample(t, "floodspot_hosts_tracked") == 6);
	assert_true(sample(t, "floodspot_hosts_active") == 6);
	assert_true(sample(t, "floodspot_packet_time_seconds") == 101);
	/* Top 3 by control-plane packets: hosts 5, 4, 3; host 9 sends more
	 * but nothing the routers' CPU must see. */
	assert_true(sample(t, "floodspot_suspect_ctrl_pps{rank=\"1\",vlan=\"7\","
			      "mac=\"0a:00:00:00:00:05\",ip=\"\",class=\"to_router\"}") == 5);
	assert_true(sample(t, "floodspot_suspect_ctrl_pps{rank=\"3\",vlan=\"7\","
			      "mac=\"0a:00:00:00:00:03\",ip=\"\",class=\"to_router\"}") == 3);
	assert_null(strstr(t, "rank=\"4\""));
	assert_null(strstr(t, "0a:00:00:00:00:09"));
	assert_true(sample(t, "floodspot_alerts_raised_total{rule=\"rule63\"}") == 1);
	assert_true(sample(t, "floodspot_alerts_raised_total{rule=\"_other\"}") == 6);
	assert_null(strstr(t, "rule=\"rule64\""));
	assert_true(sample(t, "floodspot_alerts_active{rule=\"rule00\"}") == 1);
	free(t);

	/* Second 101, quiet: the class totals stay, counted once. */
	for (int64_t sl = 101 * S; sl < 102 * S; sl += fs_hosts_slice_us(h))
		fs_hosts_tick(h, sl);
	in.sec_us = 101 * S;
	in.now_us = 102 * S;
	fs_metrics_tick(m, &in);
	t = fs_metrics_render(m, &len);
	assert_non_null(t);
	assert_true(sample(t, "floodspot_class_packets_total{class=\"to_router\"}") == 15);
	assert_true(sample(t, "floodspot_seconds_total") == 2);
	assert_null(strstr(t, "rank=\"1\""));	/* nobody active */
	free(t);

	struct fs_metrics_stats st;
	fs_metrics_stats(m, &st);
	assert_int_equal(st.published, 2);
	assert_int_equal(st.publish_skipped, 0);
	assert_int_equal(fs_metrics_port(m), 0);
	fs_metrics_destroy(m);
	fs_hosts_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
