/* Configuration file: settings, every error as file:line, includes, the
 * command line over the file, and what a reload can change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "floodspot/config.h"

/* Parses text as "t.conf"; returns the configuration (or NULL) and the
 * messages in *msgs (caller frees). */
static struct fs_conf *parse(const char *text, size_t len, char **msgs,
			     unsigned *errors)
{
	size_t sz;
	FILE *f = open_memstream(msgs, &sz);
	assert_non_null(f);
	*errors = 0;
	struct fs_conf *c = fs_conf_parse("t.conf", text, len, f, errors);
	fclose(f);
	return c;
}

static void test_settings(void **state)
{
	(void)state;
	const char *text =
		"# a comment\n"
		"\n"
		"  capacity\t1024  \r\n"
		"router 10.0.0.1\n"
		"router 02:00:00:00:00:01\n"
		"json yes\n"
		"local-syslog no\n"
		"rules /etc/floodspot/rules.d\n"
		"name sw1/span0\n"
		"exec /usr/bin/logger -t fs \"an alert\"\n"
		"filter not host 10.9.9.9\n"
		"sd-id floodspot@1.3.6\n"
		"verbose 2";	/* no newline at the end */
	char *msgs;
	unsigned errors;
	struct fs_conf *c = parse(text, strlen(text), &msgs, &errors);
	assert_string_equal(msgs, "");
	assert_non_null(c);
	assert_int_equal(fs_conf_count(c), 11);
	struct fs_agent_config cfg;
	fs_agent_config_defaults(&cfg);
	fs_conf_apply(c, NULL, &cfg);
	assert_int_equal(cfg.capacity, 1024);
	assert_int_equal(cfg.n_routers, 2);
	assert_string_equal(cfg.routers[1], "02:00:00:00:00:01");
	assert_true(cfg.json);
	assert_int_equal(cfg.local_syslog, 0);
	assert_string_equal(cfg.rules_path, "/etc/floodspot/rules.d");
	assert_string_equal(cfg.name, "sw1/span0");
	assert_string_equal(cfg.exec_cmd, "/usr/bin/logger -t fs \"an alert\"");
	assert_string_equal(cfg.filter, "not host 10.9.9.9");
	assert_string_equal(cfg.sd_id, "floodspot@1.3.6");
	assert_int_equal(cfg.verbose, 2);
	fs_conf_free(c);
	free(msgs);
}

static const struct {
	const char *text;
	const char *msgs;
} bad[] = {
	{ "bogus 1\n", "t.conf:1: unknown key 'bogus'\n" },
	{ "\ncapacity 3\n",
	  "t.conf:2: capacity: '3' is not a number from 16 to 16777216\n" },
	{ "capacity 100\ntop 5\ncapacity 200\n",
	  "t.conf:3: duplicate key 'capacity' (first at t.conf:1)\n" },
	{ "include /nonexistent-fs/x.conf\n",
	  "t.conf:1: include /nonexistent-fs/x.conf: No such file or directory\n" },
	{ "include /\n", "t.conf:1: include /: Is a directory\n" },
	{ "include /dev/null\n", "t.conf:1: include /dev/null: not a regular file\n" },
	{ "include\n", "t.conf:1: include needs a file or pattern\n" },
	{ "include /*/*.conf\n",
	  "t.conf:1: include /*/*.conf: wildcards only in the file name (conf.d/*.conf)\n" },
	{ "capacity = 100\n", "t.conf:1: write 'capacity VALUE', without '='\n" },
	{ "capacity=100\n", "t.conf:1: write 'capacity VALUE', without '='\n" },
	{ "json maybe\n", "t.conf:1: json: 'maybe' is not yes or no\n" },
	{ "json\n", "t.conf:1: json needs a value (yes or no)\n" },
	{ "rrd-dir\n", "t.conf:1: rrd-dir needs a value\n" },
	{ "config /etc/x\n", "t.conf:1: 'config' is for the command line only\n" },
	{ "no-local-syslog yes\n", "t.conf:1: write 'local-syslog no'\n" },
	{ "no-reader-thread yes\n", "t.conf:1: write 'reader-thread no'\n" },
	{ "interface eth0\nread x.pcap\n",
	  "t.conf:2: 'read' and 'interface' (at t.conf:1) exclude each other\n" },
	{ "syslog http://x\n",
	  "t.conf:1: syslog: 'http://x' is not udp://HOST:PORT, tcp://HOST:PORT or relp://HOST:PORT\n" },
	{ "sd-id floodspot\n",
	  "t.conf:1: sd-id: 'floodspot' is not NAME@PEN (RFC 5424 6.3.2: your "
	  "organisation's private enterprise number, at most 32 bytes)\n" },
	{ "name two words\n",
	  "t.conf:1: name: 'two words' has a space or a byte outside printable ASCII\n" },
	{ "bogus 1\ncapacity 1\n",
	  "t.conf:1: unknown key 'bogus'\n"
	  "t.conf:2: capacity: '1' is not a number from 16 to 16777216\n" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *msgs;
		unsigned errors;
		struct fs_conf *c = parse(bad[i].text, strlen(bad[i].text), &msgs,
					  &errors);
		assert_null(c);
		assert_string_equal(msgs, bad[i].msgs);
		unsigned lines = 0;
		for (const char *p = msgs; *p; p++)
			lines += *p == '\n';
		assert_int_equal(errors, lines);
		free(msgs);
	}
}

static void test_nul_and_long_lines(void **state)
{
	(void)state;
	char text[FS_CONF_LINE_MAX + 64];
	memcpy(text, "top 5\ncap\0city 9\n", 17);
	char *msgs;
	unsigned errors;
	struct fs_conf *c = parse(text, 17, &msgs, &errors);
	assert_null(c);
	assert_string_equal(msgs, "t.conf:2: NUL byte in the line\n");
	free(msgs);

	memset(text, 'x', sizeof(text));
	memcpy(text + sizeof(text) - 10, "\ntop 5\n", 7);
	c = parse(text, sizeof(text) - 3, &msgs, &errors);
	assert_null(c);
	char want[64];
	snprintf(want, sizeof(want), "t.conf:1: line longer than %d bytes\n",
		 FS_CONF_LINE_MAX);
	assert_string_equal(msgs, want);
	free(msgs);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_includes(void **state)
{
	(void)state;
	char dir[] = "/tmp/fs_conf_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char top[64], sub[64], a[80], b[80], loop[64];
	snprintf(top, sizeof(top), "%s/floodspot.conf", dir);
	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	snprintf(a, sizeof(a), "%s/10-a.conf", sub);
	snprintf(b, sizeof(b), "%s/20-b.conf", sub);
	snprintf(loop, sizeof(loop), "%s/loop.conf", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(top, "top 5\ninclude conf.d/*.conf\ninclude conf.d/none-*.conf\n");
	write_file(a, "capacity 64\n");
	write_file(b, "router 10.0.0.1\n");

	unsigned errors = 0;
	struct fs_conf *c = fs_conf_load(top, stderr, &errors);
	assert_non_null(c);
	assert_int_equal(errors, 0);
	assert_int_equal(fs_conf_count(c), 3);
	struct fs_agent_config cfg;
	fs_agent_config_defaults(&cfg);
	fs_conf_apply(c, NULL, &cfg);
	assert_int_equal(cfg.top, 5);
	assert_int_equal(cfg.capacity, 64);
	assert_int_equal(cfg.n_routers, 1);
	fs_conf_free(c);

	/* A duplicate across files names both places. */
	write_file(b, "capacity 128\n");
	char *msgs;
	size_t sz;
	FILE *f = open_memstream(&msgs, &sz);
	errors = 0;
	assert_null(fs_conf_load(top, f, &errors));
	fclose(f);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s:1: duplicate key 'capacity' (first at %s:1)\n", b, a);
	assert_string_equal(msgs, want);
	free(msgs);

	/* A file that includes itself stops at the depth limit. */
	write_file(loop, "include loop.conf\n");
	f = open_memstream(&msgs, &sz);
	errors = 0;
	assert_null(fs_conf_load(loop, f, &errors));
	fclose(f);
	assert_int_equal(errors, 1);
	assert_non_null(strstr(msgs, "loop.conf:1: include loop.conf: nested more than 8 deep"));
	free(msgs);

	/* The top file itself unreadable: named, no line. */
	f = open_memstream(&msgs, &sz);
	errors = 0;
	assert_null(fs_conf_load(sub, f, &errors));
	fclose(f);
	snprintf(want, sizeof(want), "%s: Is a directory\n", sub);
	assert_string_equal(msgs, want);
	free(msgs);

	unlink(a);
	unlink(b);
	unlink(top);
	unlink(loop);
	rmdir(sub);
	rmdir(dir);
}

/* The command line wins, key by key; repeatable keys are replaced whole. */
static void test_command_line_wins(void **state)
{
	(void)state;
	char *argv[] = { "floodspot", "--capacity", "2048", "--router", "10.9.9.9",
			 "-i", "span1", "-v", "udp", NULL };
	int argc = 9;
	struct fs_cli cli;
	char err[256];
	assert_int_equal(fs_cli_parse(&cli, argc, argv, err, sizeof(err)),
			 FS_CLI_RUN);
	const char *text = "capacity 64\ntop 5\nrouter 10.0.0.1\nrouter 10.0.0.2\n"
			   "read x.pcap\nverbose 3\nfilter tcp\n";
	char *msgs;
	unsigned errors;
	struct fs_conf *c = parse(text, strlen(text), &msgs, &errors);
	assert_non_null(c);
	struct fs_agent_config cfg;
	fs_agent_config_defaults(&cfg);
	fs_conf_apply(c, &cli, &cfg);
	fs_cli_apply(&cli, &cfg);
	assert_int_equal(cfg.capacity, 2048);
	assert_int_equal(cfg.top, 5);
	assert_int_equal(cfg.n_routers, 1);
	assert_string_equal(cfg.routers[0], "10.9.9.9");
	assert_string_equal(cfg.ifname, "span1");
	assert_null(cfg.file);
	assert_int_equal(cfg.verbose, 1);
	assert_string_equal(cfg.filter, "udp");
	fs_conf_free(c);
	free(msgs);
	fs_cli_fini(&cli);
}

static void note_key(const char *key, void *ctx)
{
	char *out = ctx;
	strcat(out, key);
	strcat(out, " ");
}

static void test_restart_changes(void **state)
{
	(void)state;
	const char *before = "capacity 64\nrules /a\ntop-interval 5\nrouter 10.0.0.1\n";
	const char *after = "capacity 128\nrules /b\ntop-interval 9\nhtml /h\n"
			    "router 10.0.0.1\n";
	char *m1, *m2;
	unsigned e;
	struct fs_conf *a = parse(before, strlen(before), &m1, &e);
	struct fs_conf *b = parse(after, strlen(after), &m2, &e);
	assert_non_null(a);
	assert_non_null(b);
	char keys[256] = "";
	assert_int_equal(fs_conf_restart_changes(a, b, NULL, note_key, keys), 2);
	assert_string_equal(keys, "capacity html ");

	/* Overridden on the command line: the file's change does not matter. */
	char *argv[] = { "floodspot", "--capacity", "32", NULL };
	struct fs_cli cli;
	char err[256];
	assert_int_equal(fs_cli_parse(&cli, 3, argv, err, sizeof(err)), FS_CLI_RUN);
	keys[0] = '\0';
	assert_int_equal(fs_conf_restart_changes(a, b, &cli, note_key, keys), 1);
	assert_string_equal(keys, "html ");
	/* Same file: nothing. */
	keys[0] = '\0';
	assert_int_equal(fs_conf_restart_changes(a, a, NULL, note_key, keys), 0);
	fs_cli_fini(&cli);
	fs_conf_free(a);
	fs_conf_free(b);
	free(m1);
	free(m2);
}

/* Every configuration key is a long option, and the other way round. */
static void test_table(void **state)
{
	(void)state;
	for (int i = 0; i < FS_OPT_N; i++) {
		assert_int_equal(fs_option_find(fs_options[i].name), i);
		assert_non_null(fs_options[i].help);
	}
	assert_int_equal(fs_option_find("nope"), -1);
	assert_int_equal(fs_option_setting(FS_OPT_READ), FS_OPT_INTERFACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_restart_changes),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
