/*
 * floodspot-graph: draws the graphs of a floodspot RRD directory.
 *
 *   floodspot-graph [options] host DIR VLAN MAC
 *   floodspot-graph [options] segment DIR
 *   floodspot-graph [options] top DIR N
 *   floodspot-graph [options] router DIR ROUTER-ID
 *
 * Default range: the file's own last update minus one hour (--view day,
 * week, year: that much) up to it, so a replayed capture graphs at the
 * incident's times. Times in UTC unless --tz local.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "floodspot/fmt.h"
#include "floodspot/html.h"
#include "floodspot/store.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: floodspot-graph [--view hour|day|week|year] [--start T]\n"
		"                       [--end T] [--tz utc|local] [--format png|svg|pdf]\n"
		"                       [-o FILE] [--width W] [--height H]\n"
		"                       [--daemon ADDR] [--info]\n"
		"         host DIR VLAN MAC | segment DIR | top DIR N |\n"
		"         router DIR ROUTER-ID\n"
		"T: seconds since the epoch; --start -N: N seconds before the end.\n"
		"--daemon (or RRDCACHED_ADDRESS): read through rrdcached.\n"
		"--info: print the legend lines librrd drew.\n");
}

static int parse_num(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "view", required_argument, NULL, 'v' },
		{ "tz", required_argument, NULL, 'z' },
		{ "info", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fs_graph_req r = { 0 };
	int64_t start = 0;
	bool tz_local = false;
	int c;

	r.format = "png";
	r.daemon = getenv("RRDCACHED_ADDRESS");
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_num(optarg, &start) != 0)
				goto bad;
			break;
		case 'e':
			if (parse_num(optarg, &r.end) != 0)
				goto bad;
			break;
		case 'f':
			if (strcasecmp(optarg, "png") && strcasecmp(optarg, "svg") &&
			    strcasecmp(optarg, "pdf"))
				goto bad;
			r.format = optarg;
			break;
		case 'o': r.out = optarg; break;
		case 'W': r.width = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'H': r.height = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': r.daemon = optarg; break;
		case 'v':
			if (!fs_graph_view_span(optarg))
				goto bad;
			r.view = optarg;
			break;
		case 'z':
			if (strcmp(optarg, "utc") && strcmp(optarg, "local"))
				goto bad;
			tz_local = strcmp(optarg, "local") == 0;
			break;
		case 'i': r.info = stdout; break;
		case 'h': usage(stdout); return 0;
		default: goto bad;
		}
	}
	if (r.daemon && !*r.daemon)
		r.daemon = NULL;
	int left = argc - optind;
	if (left < 2)
		goto bad;
	const char *what = argv[optind];
	r.dir = argv[optind + 1];
	if (strcmp(what, "host") == 0 && left == 4) {
		int64_t vlan;
		if (parse_num(argv[optind + 2], &vlan) != 0 || vlan < 0 ||
		    vlan > 4095 || fs_parse_mac(argv[optind + 3], r.mac) != 0) {
			fprintf(stderr, "floodspot-graph: bad VLAN or MAC\n");
			return 2;
		}
		r.kind = FS_GRAPH_HOST;
		r.vlan = (uint16_t)vlan;
	} else if (strcmp(what, "segment") == 0 && left == 2) {
		r.kind = FS_GRAPH_SEGMENT;
	} else if (strcmp(what, "top") == 0 && left == 3) {
		int64_t n;
		if (parse_num(argv[optind + 2], &n) != 0 || n < 1 || n > 50) {
			fprintf(stderr, "floodspot-graph: N must be 1..50\n");
			return 2;
		}
		r.kind = FS_GRAPH_TOP;
		r.top_n = (uint32_t)n;
	} else if (strcmp(what, "router") == 0 && left == 3) {
		struct in_addr a;
		if (inet_pton(AF_INET, argv[optind + 2], &a) != 1) {
			fprintf(stderr, "floodspot-graph: bad router id %s\n",
				argv[optind + 2]);
			return 2;
		}
		r.kind = FS_GRAPH_ROUTER;
		r.router_id = ntohl(a.s_addr);
	} else {
		goto bad;
	}
	char outbuf[64];
	if (!r.out) {
		snprintf(outbuf, sizeof(outbuf), "%s.%s", what, r.format);
		r.out = outbuf;
	}
	/* --start wins over --view; --view alone spans back from the end. */
	r.start = start ? start : r.view ? -fs_graph_view_span(r.view) : 0;
	fs_graph_set_tz(tz_local);
	char err[512];
	if (fs_graph_render(&r, err, sizeof(err)) != 0) {
		fprintf(stderr, "floodspot-graph: %s\n", err);
		return 1;
	}
	printf("%s\n", r.out);
	return 0;
bad:
	usage(stderr);
	return 2;
}
