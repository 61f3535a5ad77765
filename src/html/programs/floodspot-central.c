/*
 * floodspot-central: the overview of every agent feeding one rrdcached,
 * for the collector host (no capture runs there).
 *
 *   floodspot-central --daemon ADDR -o DIR [--alerts DIR] [--window S]
 *                     [--refresh S] [--tz utc|local] [--summary]
 *
 * Reads the store through the daemon only (LIST, FETCH), and the
 * collector's per-agent alert files when --alerts names their directory.
 * Without --refresh it writes the pages once and exits (non-zero when it
 * could not); with it, it redraws every S seconds in a child process.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "floodspot/html.h"
#include "floodspot/store.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: floodspot-central --daemon ADDR -o DIR [--alerts DIR]\n"
		"                         [--window S] [--refresh S] [--tz utc|local]\n"
		"                         [--summary]\n"
		"--daemon (or RRDCACHED_ADDRESS): the central rrdcached.\n"
		"--alerts: the collector's files, one per agent (<agent>.log).\n"
		"--window: peaks over the last S seconds (default 300).\n"
		"--summary: a key=value line per agent on stdout.\n");
}

static long parse_num(const char *s, const char *what, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "floodspot-central: %s: '%s' is not 1-%ld\n",
			what, s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct fs_central_config c = { .daemon = getenv("RRDCACHED_ADDRESS"),
				       .window_s = 300 };
	unsigned refresh = 0;
	bool local_tz = false;
	static const struct option opts[] = {
		{ "daemon", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "alerts", required_argument, NULL, 'a' },
		{ "window", required_argument, NULL, 'w' },
		{ "refresh", required_argument, NULL, 'r' },
		{ "tz", required_argument, NULL, 'z' },
		{ "summary", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': c.daemon = optarg; break;
		case 'o': c.out_dir = optarg; break;
		case 'a': c.alerts_dir = optarg; break;
		case 'w': c.window_s = (uint32_t)parse_num(optarg, "--window", 86400 * 7); break;
		case 'r': refresh = (unsigned)parse_num(optarg, "--refresh", 86400); break;
		case 'z':
			if (strcasecmp(optarg, "utc") && strcasecmp(optarg, "local")) {
				fprintf(stderr, "floodspot-central: --tz: utc or local\n");
				return 2;
			}
			local_tz = !strcasecmp(optarg, "local");
			break;
		case 's': c.summary = stdout; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	char err[512];
	if (!c.daemon || !c.out_dir || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (fs_store_check_daemon_addr(c.daemon, err, sizeof(err)) != 0) {
		fprintf(stderr, "floodspot-central: %s\n", err);
		return 2;
	}
	fs_graph_set_tz(local_tz);
	c.refresh_s = refresh;
	if (!refresh) {
		if (fs_central_render(&c, err, sizeof(err)) != 0) {
			fprintf(stderr, "floodspot-central: %s\n", err);
			return 1;
		}
		return 0;
	}
	for (;;) {
		pid_t pid = fork();
		if (pid == 0) {
			int rc = fs_central_render(&c, err, sizeof(err));
			if (rc)
				fprintf(stderr, "floodspot-central: %s\n", err);
			fflush(NULL);
			_exit(rc ? 1 : 0);
		}
		if (pid < 0) {
			perror("floodspot-central: fork");
			return 1;
		}
		int st;
		while (waitpid(pid, &st, 0) < 0)
			;
		sleep(refresh);
	}
}
