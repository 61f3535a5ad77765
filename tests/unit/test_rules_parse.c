/* Rules parser: forms, units, errors (exact text), directory order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "floodspot/rules.h"
#include "src/rules/rules_impl.h"

static struct fs_ruleset *parse(const char *text, char *errbuf, size_t errlen,
				unsigned *n_errors)
{
	FILE *err = fmemopen(errbuf, errlen, "w");
	assert_non_null(err);
	struct fs_ruleset *rs = fs_rules_parse("t.rules", text, strlen(text),
					       err, n_errors);
	fclose(err);
	return rs;
}

static void test_issue_example(void **state)
{
	(void)state;
	const char *text =
		"rule router_flood {\n"
		"    when host.ctrl_pps > 1k for 2s            # per second\n"
		"    and  host.ctrl_pps > 10x baseline         # own baseline\n"
		"    severity critical\n"
		"    clear below 200 for 5s\n"
		"    ignore vlan 99; watch prefix 10.0.0.0/8; ignore mac 02:00:00:00:00:99\n"
		"    message \"router-bound flood\"\n"
		"}\n";
	char err[512] = "";
	unsigned n = 99;
	struct fs_ruleset *rs = parse(text, err, sizeof(err), &n);
	assert_non_null(rs);
	assert_int_equal(n, 0);
	assert_int_equal(fs_rules_count(rs), 1);
	const struct fs_rule *r = &rs->rule[0];
	assert_string_equal(r->name, "router_flood");
	assert_int_equal(r->subject, FS_SUBJ_HOST);
	assert_int_equal(r->n_cond, 2);
	assert_int_equal(r->cond[0].m.field, FS_F_CTRL_PPS);
	assert_int_equal(r->cond[0].op, FS_OP_GT);
	assert_int_equal(r->cond[0].vkind, FS_V_ABS);
	assert_true(r->cond[0].value == 1000.0);
	assert_int_equal(r->cond[0].for_s, 2);
	assert_int_equal(r->cond[1].vkind, FS_V_RATIO);
	assert_true(r->cond[1].value == 10.0);
	assert_int_equal(r->severity, FS_SEV_CRITICAL);
	assert_true(r->clear_below);
	assert_true(r->clear_value == 200.0);
	assert_int_equal(r->clear_for_s, 5);
	assert_int_equal(r->repeat_s, FS_RULE_DEFAULT_REPEAT_S);
	assert_int_equal(r->n_scope, 3);
	assert_int_equal(r->scope[0].type, FS_SCOPE_VLAN);
	assert_false(r->scope[0].watch);
	assert_int_equal(r->scope[0].vlan, 99);
	assert_int_equal(r->scope[1].type, FS_SCOPE_PREFIX);
	assert_true(r->scope[1].watch);
	assert_int_equal(r->scope[1].plen, 8);
	assert_int_equal(r->scope[1].addr[0], 10);
	assert_int_equal(r->scope[2].type, FS_SCOPE_MAC);
	assert_int_equal(r->scope[2].addr[5], 0x99);
	assert_string_equal(r->message, "router-bound flood");
	assert_string_equal(r->kind, "flood");
	fs_rules_free(rs);
}

static const struct {
	const char *cond;
	int field, cls, vkind;
	double value;
} value_cases[] = {
	{ "host.pps > 2k", FS_F_PPS, -1, FS_V_ABS, 2000 },
	{ "host.bps > 1.5M", FS_F_BPS, -1, FS_V_ABS, 1.5e6 },
	{ "host.bps > 2G", FS_F_BPS, -1, FS_V_ABS, 2e9 },
	{ "host.share > 50%", FS_F_SHARE, -1, FS_V_ABS, 50 },
	{ "host.arp_pps > 10", FS_F_CLASS_PPS, 2 /* FS_CLASS_ARP */, FS_V_ABS, 10 },
	{ "host.pps > 6 dev", FS_F_PPS, -1, FS_V_DEV, 6 },
	{ "host.ctrl_pps > 2.5x baseline", FS_F_CTRL_PPS, -1, FS_V_RATIO, 2.5 },
	{ "router.hello_late > 300ms", FS_F_HELLO_LATE, -1, FS_V_ABS, 300 },
	{ "router.hello_gap > 2s", FS_F_HELLO_GAP, -1, FS_V_ABS, 2000 },
	{ "segment.new_macs > 1k", FS_F_NEW_MACS, -1, FS_V_ABS, 1000 },
	{ "kernel.route_flaps > 3", FS_F_ROUTE_FLAPS, -1, FS_V_ABS, 3 },
	{ "ospf.adjacency_down >= 1", FS_F_ADJ_DOWN, -1, FS_V_ABS, 1 },
};

static void test_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		char text[256], err[512] = "";
		snprintf(text, sizeof(text), "rule r { when %s }", value_cases[i].cond);
		unsigned n;
		struct fs_ruleset *rs = parse(text, err, sizeof(err), &n);
		if (!rs)
			fail_msg("%s: %s", value_cases[i].cond, err);
		const struct fs_cond *c = &rs->rule[0].cond[0];
		assert_int_equal(c->m.field, value_cases[i].field);
		assert_int_equal(c->m.cls, value_cases[i].cls);
		assert_int_equal(c->vkind, value_cases[i].vkind);
		assert_true(c->value == value_cases[i].value);
		fs_rules_free(rs);
	}
}

static const struct {
	const char *text;
	const char *errors;
} error_cases[] = {
	{ "rule r { when host.pps > 1k for 2 }",
	  "t.rules:1:33: bad duration '2': expected whole seconds like 5s\n" },
	{ "rule r {\n when host.share > 101%\n when x\n}",
	  "t.rules:2:20: value 101% out of range for host.share: allowed 0% to 100%\n"
	  "t.rules:3:2: second 'when' in one rule: use 'and' to add conditions\n" },
	{ "rule r { when host.pps > 1k; ignore vlan 5000 }\nrule r { }",
	  "t.rules:1:42: bad VLAN '5000': allowed 0 to 4095\n"
	  "t.rules:2:6: duplicate rule 'r' (first defined at t.rules:1)\n"
	  "t.rules:2:1: rule 'r' has no 'when' condition\n" },
	{ "rule r { when segment.pps > 1 and host.pps > 1 }",
	  "t.rules:1:35: a rule cannot mix segment and host metrics\n" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		char err[1024];
		memset(err, 0, sizeof(err));
		unsigned n = 0;
		struct fs_ruleset *rs = parse(error_cases[i].text, err, sizeof(err), &n);
		assert_null(rs);
		assert_string_equal(err, error_cases[i].errors);
		unsigned lines = 0;
		for (const char *p = err; *p; p++)
			lines += *p == '\n';
		assert_int_equal(n, lines);
	}
}

static void test_round_trip_text(void **state)
{
	(void)state;
	const char *text = "rule a { when host.pps > 1.1k and host.ctrl_pps > 3 dev; "
			   "repeat 0s; kind x-1; message \"a \\\"b\\\" \\\\\" }";
	char err[256] = "", *p1 = NULL, *p2 = NULL;
	size_t l1, l2;
	unsigned n;
	struct fs_ruleset *rs = parse(text, err, sizeof(err), &n);
	assert_non_null(rs);
	FILE *f = open_memstream(&p1, &l1);
	fs_rules_print(rs, f);
	fclose(f);
	struct fs_ruleset *rs2 = parse(p1, err, sizeof(err), &n);
	assert_non_null(rs2);
	f = open_memstream(&p2, &l2);
	fs_rules_print(rs2, f);
	fclose(f);
	assert_string_equal(p1, p2);
	assert_non_null(strstr(p1, "message \"a \\\"b\\\" \\\\\""));
	assert_string_equal(rs2->rule[0].message, "a \"b\" \\");
	assert_true(rs2->rule[0].cond[0].value == rs->rule[0].cond[0].value);
	free(p1);
	free(p2);
	fs_rules_free(rs);
	fs_rules_free(rs2);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_directory_order(void **state)
{
	(void)state;
	char dir[] = "/tmp/fs_rules_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char a[64], b[64], c[64];
	snprintf(a, sizeof(a), "%s/b.rules", dir);
	snprintf(b, sizeof(b), "%s/a.rules", dir);
	snprintf(c, sizeof(c), "%s/z.txt", dir);
	write_file(a, "rule second { when host.pps > 1 }\n");
	write_file(b, "rule first { when host.pps > 1 }\n");
	write_file(c, "this is not a rules file\n");
	unsigned n = 9;
	struct fs_ruleset *rs = fs_rules_load(dir, NULL, &n);
	assert_non_null(rs);
	assert_int_equal(n, 0);
	assert_int_equal(fs_rules_count(rs), 2);
	assert_string_equal(rs->rule[0].name, "first");
	assert_string_equal(rs->rule[1].name, "second");
	fs_rules_free(rs);
	/* An error in one file: nothing loaded, the message names that file. */
	write_file(a, "rule second { when host.pps > }\n");
	char err[512] = "";
	FILE *ef = fmemopen(err, sizeof(err), "w");
	rs = fs_rules_load(dir, ef, &n);
	fclose(ef);
	assert_null(rs);
	assert_int_equal(n, 1);
	char want[256];
	snprintf(want, sizeof(want),
		 "%s:1:31: expected a rate like 500, 2k or 1M after 'host.pps', "
		 "got '}'\n", a);
	assert_string_equal(err, want);
	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(dir);
	assert_null(fs_rules_load(dir, NULL, &n));
	assert_int_equal(n, 1);
}

static void test_shipped_rules(void **state)
{
	(void)state;
	unsigned n = 9;
	struct fs_ruleset *rs = fs_rules_load(FS_SOURCE_RULES_DIR, stderr, &n);
	assert_non_null(rs);
	assert_int_equal(n, 0);
	assert_true(fs_rules_count(rs) >= 12);
	assert_non_null(fs_ruleset_find(rs, "arp_storm"));
	assert_non_null(fs_ruleset_find(rs, "adjacency_down"));
	fs_rules_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_round_trip_text),
		cmocka_unit_test(test_directory_order),
		cmocka_unit_test(test_shipped_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
