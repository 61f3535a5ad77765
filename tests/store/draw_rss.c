/*
 * Draws the graphs of an RRD directory made by html_feed, N times, through
 * the page renderer's child process, and prints this process's RSS after
 * the first and the last round: librrd's graph code leaks in-process, so
 * a renderer that drew in-process would grow by the leak every round.
 *
 * draw_rss RRD_DIR OUT_DIR ROUNDS
 * Prints {"graphs":G,"rss_first_kb":A,"rss_last_kb":B}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/html/html_int.h"

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = atol(line + 6);
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: draw_rss RRD_DIR OUT_DIR ROUNDS\n");
		return 2;
	}
	int rounds = atoi(argv[3]);
	struct fs_ratelimit rl = FS_RATELIMIT_INIT(60, 3);
	struct fs_html_draw_cfg c = { .dir = argv[2], .timeout_ms = 60000,
				      .rl = &rl };
	struct fs_html_job jobs[8];
	long first = 0;
	unsigned n = 0;
	fs_log_init("draw_rss", false, 0);
	for (int k = 0; k < rounds; k++) {
		memset(jobs, 0, sizeof(jobs));
		n = 0;
		for (unsigned i = 0; i < 6; i++, n++) {
			jobs[n].req = (struct fs_graph_req){
				.kind = FS_GRAPH_HOST, .dir = argv[1], .vlan = 10,
				.mac = { 2, 0, 0x0a, 0, 0, (uint8_t)(i + 1) },
				.start = 1700000000, .end = 1700000060 };
			snprintf(jobs[n].name, sizeof(jobs[n].name), "h%u.png", i);
		}
		jobs[n].req = (struct fs_graph_req){ .kind = FS_GRAPH_SEGMENT,
						     .dir = argv[1],
						     .start = 1700000000,
						     .end = 1700000060 };
		snprintf(jobs[n++].name, sizeof(jobs[0].name), "segment.png");
		unsigned drawn = fs_html_draw(&c, jobs, n);
		if (drawn != n) {
			fprintf(stderr, "draw_rss: round %d: %u of %u drawn\n", k,
				drawn, n);
			return 1;
		}
		if (k == 0)
			first = rss_kb();
	}
	printf("{\"graphs\":%u,\"rss_first_kb\":%ld,\"rss_last_kb\":%ld}\n",
	       n * (unsigned)rounds, first, rss_kb());
	return 0;
}
