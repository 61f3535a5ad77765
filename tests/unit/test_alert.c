/* Alert value: field adding, key=value and JSON forms, facility names. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "floodspot/alert.h"

#define T0 (1768471230LL * 1000000)	/* 2026-01-15T10:00:30Z */

static void sample(struct fs_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->ts_us = T0 + 123456;
	a->state = FS_ALERT_RAISED;
	a->severity = FS_SEV_CRITICAL;
	snprintf(a->rule, sizeof(a->rule), "router_flood");
	snprintf(a->kind, sizeof(a->kind), "flood-start");
	fs_alert_add(a, "mac", "02:00:0a:00:00:0d");
	fs_alert_add(a, "vlan", "%u", 0u);
	fs_alert_add(a, "ip", "10.0.0.13");
	fs_alert_add(a, "class", "to_router");
	fs_alert_add(a, "pps", "%d", 4012);
	fs_alert_add(a, "baseline", "%d", 3);
	fs_alert_add(a, "since", "2026-01-15T10:00:30.000Z");
}

static void test_kv_example(void **state)
{
	(void)state;
	struct fs_alert a;
	sample(&a);
	char buf[512];
	size_t n = fs_alert_format_kv(&a, buf, sizeof(buf));
	const char *want =
		"flood-start state=raised rule=router_flood severity=critical "
		"mac=02:00:0a:00:00:0d vlan=0 ip=10.0.0.13 class=to_router "
		"pps=4012 baseline=3 since=2026-01-15T10:00:30.000Z";
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));

	snprintf(a.message, sizeof(a.message), "host \"db1\" floods c:\\");
	a.state = FS_ALERT_CLEARED;
	a.severity = FS_SEV_WARNING;
	fs_alert_format_kv(&a, buf, sizeof(buf));
	assert_non_null(strstr(buf, "flood-start state=cleared rule=router_flood "
				    "severity=warning mac="));
	/* The message comes last, always quoted, escapes kept. */
	const char *tail = "since=2026-01-15T10:00:30.000Z "
			   "msg=\"host \\\"db1\\\" floods c:\\\\\"";
	assert_string_equal(buf + strlen(buf) - strlen(tail), tail);
}

static const struct {
	const char *value;
	const char *kv;
} quoting[] = {
	{ "plain", "k=plain" },
	{ "two words", "k=\"two words\"" },
	{ "", "k=\"\"" },
	{ "say \"hi\"", "k=\"say \\\"hi\\\"\"" },
	{ "back\\slash", "k=\"back\\\\slash\"" },
	{ "a=b", "k=\"a=b\"" },
	{ "tab\there", "k=tab?here" },
	{ "nl\nx", "k=nl?x" },
	{ "\xc3\xa9t\xc3\xa9", "k=??t??" },
	{ "fe80::1%eth0", "k=fe80::1%eth0" },
};

static void test_kv_quoting(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(quoting) / sizeof(quoting[0]); i++) {
		struct fs_alert a;
		memset(&a, 0, sizeof(a));
		snprintf(a.kind, sizeof(a.kind), "x");
		snprintf(a.rule, sizeof(a.rule), "r");
		fs_alert_add(&a, "k", "%s", quoting[i].value);
		char buf[256], want[256];
		fs_alert_format_kv(&a, buf, sizeof(buf));
		snprintf(want, sizeof(want),
			 "x state=raised rule=r severity=info %s",
			 quoting[i].kv);
		assert_string_equal(buf, want);
	}
}

static const struct {
	const char *in;
	const char *out;
} keys[] = {
	{ "pps", "pps" },	    { "Hello-Interval", "hello_interval" },
	{ "2nd", "_2nd" },	    { "", "_" },
	{ "a b=c", "a_b_c" },	    { "runner_up2", "runner_up2" },
	{ "x\"y", "x_y" },
};

static void test_add_normalises_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct fs_alert a;
		memset(&a, 0, sizeof(a));
		fs_alert_add(&a, keys[i].in, "1");
		assert_int_equal(a.n_fields, 1);
		assert_string_equal(a.field[0].key, keys[i].out);
	}
}

static void test_add_bounds(void **state)
{
	(void)state;
	struct fs_alert a;
	memset(&a, 0, sizeof(a));
	uint64_t before = fs_alert_fields_dropped();
	for (int i = 0; i < FS_ALERT_MAX_FIELDS + 3; i++)
		fs_alert_add(&a, "f", "%d", i);
	assert_int_equal(a.n_fields, FS_ALERT_MAX_FIELDS);
	assert_int_equal(fs_alert_fields_dropped() - before, 3);
	assert_string_equal(a.field[FS_ALERT_MAX_FIELDS - 1].value, "23");

	/* A value longer than its slot ends in a visible marker. */
	char longv[300];
	memset(longv, 'v', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	memset(&a, 0, sizeof(a));
	fs_alert_add(&a, "long", "%s", longv);
	size_t vl = strlen(a.field[0].value);
	assert_int_equal(vl, sizeof(a.field[0].value) - 1);
	assert_string_equal(a.field[0].value + vl - 3, "...");
}

/* Every prefix length: whole items only, then the marker, never a cut
 * quote, never past the buffer. */
static void test_kv_truncation(void **state)
{
	(void)state;
	struct fs_alert a;
	sample(&a);
	fs_alert_add(&a, "note", "a value with spaces");
	snprintf(a.message, sizeof(a.message), "a message");
	char full[1024];
	size_t full_len = fs_alert_format_kv(&a, full, sizeof(full));
	assert_int_equal(full_len, strlen(full));
	assert_null(strstr(full, "truncated="));

	for (size_t len = 1; len <= full_len + 1; len++) {
		char buf[1024];
		memset(buf, 'Z', sizeof(buf));
		size_t n = fs_alert_format_kv(&a, buf, len);
		assert_true(n < len);
		assert_int_equal(buf[n], '\0');
		assert_int_equal(buf[len], 'Z');	/* nothing written past */
		if (len == full_len + 1) {
			assert_string_equal(buf, full);
			continue;
		}
		const char *mark = strstr(buf, "truncated=");
		if (n == 0)
			continue;	/* too small even for the marker */
		assert_non_null(mark);
		/* What precedes the marker is a prefix of the full line
		 * ending at an item boundary. */
		size_t pre = (size_t)(mark - buf);
		if (pre > 0) {
			assert_int_equal(buf[pre - 1], ' ');
			assert_memory_equal(buf, full, pre - 1);
			assert_int_equal(full[pre - 1], ' ');
		}
		/* The count is the number of items left out: items shown are
		 * the spaces outside quotes before the marker. */
		unsigned shown = 0;
		bool quoted = false;
		for (size_t i = 0; i < pre; i++) {
			if (quoted && buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				quoted = !quoted;
			else if (!quoted && buf[i] == ' ')
				shown++;
		}
		unsigned left = (unsigned)strtoul(mark + 10, NULL, 10);
		/* 4 head items, 7 + 1 fields, msg. */
		assert_int_equal(shown + left, 4 + 8 + 1);
	}
}

static char *json_of(const struct fs_alert *a)
{
	char *out = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&out, &sz);
	assert_non_null(f);
	fs_alert_print_json(a, f);
	fclose(f);
	return out;
}

static void test_json(void **state)
{
	(void)state;
	struct fs_alert a;
	sample(&a);
	snprintf(a.message, sizeof(a.message), "flood \"to\" routers\\");
	fs_alert_add(&a, "ratio", "1.5");
	fs_alert_add(&a, "lead0", "007");
	fs_alert_add(&a, "neg", "-3");
	fs_alert_add(&a, "dots", "1.2.3");
	fs_alert_add(&a, "bad", "1.");
	char *j = json_of(&a);
	assert_string_equal(
		j, "{\"event\":\"alert\",\"schema\":1,"
		   "\"ts\":\"2026-01-15T10:00:30.123Z\","
		   "\"state\":\"raised\",\"severity\":\"critical\","
		   "\"rule\":\"router_flood\",\"kind\":\"flood-start\","
		   "\"mac\":\"02:00:0a:00:00:0d\",\"vlan\":0,"
		   "\"ip\":\"10.0.0.13\",\"class\":\"to_router\",\"pps\":4012,"
		   "\"baseline\":3,\"since\":\"2026-01-15T10:00:30.000Z\","
		   "\"ratio\":1.5,\"lead0\":\"007\",\"neg\":-3,"
		   "\"dots\":\"1.2.3\",\"bad\":\"1.\","
		   "\"message\":\"flood \\\"to\\\" routers\\\\\"}\n");
	free(j);
}

/* The agent in both forms; lists and flags typed in JSON, the same text
 * in key=value. */
static void test_agent_and_types(void **state)
{
	(void)state;
	struct fs_alert a;
	memset(&a, 0, sizeof(a));
	a.ts_us = T0;
	snprintf(a.agent, sizeof(a.agent), "sw1/span0");
	snprintf(a.rule, sizeof(a.rule), "culprit");
	snprintf(a.kind, sizeof(a.kind), "culprit");
	fs_alert_add_list(&a, "adjacencies", "1.1.1.1@10,1.1.1.1-2.2.2.2@10");
	fs_alert_add_list(&a, "none", "");
	fs_alert_add_bool(&a, "lossy", false);
	fs_alert_add_bool(&a, "seen", true);
	fs_alert_add(&a, "plain", "yes");
	char buf[512];
	fs_alert_format_kv(&a, buf, sizeof(buf));
	assert_string_equal(buf, "culprit state=raised rule=culprit severity=info "
				 "agent=sw1/span0 adjacencies=1.1.1.1@10,"
				 "1.1.1.1-2.2.2.2@10 none=\"\" lossy=no seen=yes "
				 "plain=yes");
	char *j = json_of(&a);
	assert_string_equal(
		j, "{\"event\":\"alert\",\"schema\":1,\"agent\":\"sw1/span0\","
		   "\"ts\":\"2026-01-15T10:00:30.000Z\",\"state\":\"raised\","
		   "\"severity\":\"info\",\"rule\":\"culprit\","
		   "\"kind\":\"culprit\",\"adjacencies\":[\"1.1.1.1@10\","
		   "\"1.1.1.1-2.2.2.2@10\"],\"none\":[],\"lossy\":false,"
		   "\"seen\":true,\"plain\":\"yes\",\"message\":\"\"}\n");
	free(j);
}

/* A badly filled struct (count out of range, strings without NUL) still
 * gives bounded, well-formed output: ASan checks the reads. */
static void test_garbage_struct(void **state)
{
	(void)state;
	struct fs_alert a;
	memset(&a, 'A', sizeof(a));
	a.ts_us = T0;
	a.state = FS_ALERT_CLEARED;
	a.severity = FS_SEV_INFO;
	a.n_fields = 1000;
	char buf[8192];
	size_t n = fs_alert_format_kv(&a, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	/* kind, state, rule, severity, agent, 24 fields, msg: 29 separators. */
	unsigned spaces = 0;
	for (size_t i = 0; i < n; i++)
		spaces += buf[i] == ' ';
	assert_int_equal(spaces, 4 + FS_ALERT_MAX_FIELDS + 1);
	assert_null(strstr(buf, "truncated="));
	char *j = json_of(&a);
	assert_non_null(strstr(j, "\"message\":\"AAAA"));
	assert_string_equal(j + strlen(j) - 4, "A\"}\n");
	free(j);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fs_alert_state_name(FS_ALERT_ACTIVE), "active");
	assert_string_equal(fs_alert_state_name((enum fs_alert_state)9), "unknown");
	assert_string_equal(fs_alert_severity_name(FS_SEV_NOTICE), "notice");
	assert_string_equal(fs_alert_severity_name((enum fs_alert_severity)-1),
			    "unknown");
}

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local7", LOG_LOCAL7 },
	{ "auth", LOG_AUTH },	  { "authpriv", LOG_AUTHPRIV },
	{ "Daemon", -1 },	  { "local8", -1 },
	{ "", -1 },		  { "daemon ", -1 },
};

static void test_facility_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		assert_int_equal(fs_alert_facility_parse(facilities[i].name),
				 facilities[i].facility);
		if (facilities[i].facility >= 0)
			assert_string_equal(
				fs_alert_facility_name(facilities[i].facility),
				facilities[i].name);
	}
	assert_null(fs_alert_facility_name(12345));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_example),
		cmocka_unit_test(test_kv_quoting),
		cmocka_unit_test(test_add_normalises_keys),
		cmocka_unit_test(test_add_bounds),
		cmocka_unit_test(test_kv_truncation),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_agent_and_types),
		cmocka_unit_test(test_garbage_struct),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_facility_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
