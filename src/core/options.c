/* Command line: tcpdump's flags where they overlap, long options beyond. */
#include "floodspot/options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "floodspot/alert.h"
#include "floodspot/store.h"

enum {
	OPT_JSON = 256,
	OPT_TOP,
	OPT_TOP_INTERVAL,
	OPT_ROUTER,
	OPT_NOT_ROUTER,
	OPT_ROUTERS,
	OPT_EVIDENCE,
	OPT_EVIDENCE_RING,
	OPT_OSPF,
	OPT_CAPACITY,
	OPT_RULES,
	OPT_CHECK_RULES,
	OPT_RRD_DIR,
	OPT_RRDCACHED,
	OPT_HTML,
	OPT_SYSLOG,
	OPT_SYSLOG_FACILITY,
	OPT_LOCAL_SYSLOG,
	OPT_NO_LOCAL_SYSLOG,
	OPT_EXEC,
	OPT_SEED,
	OPT_RRD_MAX_HOSTS,
	OPT_RRD_ARCHIVES,
};

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "read", required_argument, NULL, 'r' },
	{ "count", required_argument, NULL, 'c' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "snapshot-length", required_argument, NULL, 's' },
	{ "user", required_argument, NULL, 'Z' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "top-interval", required_argument, NULL, OPT_TOP_INTERVAL },
	{ "router", required_argument, NULL, OPT_ROUTER },
	{ "not-router", required_argument, NULL, OPT_NOT_ROUTER },
	{ "routers", no_argument, NULL, OPT_ROUTERS },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "evidence-ring", required_argument, NULL, OPT_EVIDENCE_RING },
	{ "ospf", no_argument, NULL, OPT_OSPF },
	{ "capacity", required_argument, NULL, OPT_CAPACITY },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "check-rules", required_argument, NULL, OPT_CHECK_RULES },
	{ "rrd-dir", required_argument, NULL, OPT_RRD_DIR },
	{ "rrdcached", required_argument, NULL, OPT_RRDCACHED },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "syslog", required_argument, NULL, OPT_SYSLOG },
	{ "syslog-facility", required_argument, NULL, OPT_SYSLOG_FACILITY },
	{ "local-syslog", no_argument, NULL, OPT_LOCAL_SYSLOG },
	{ "no-local-syslog", no_argument, NULL, OPT_NO_LOCAL_SYSLOG },
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "rrd-max-hosts", required_argument, NULL, OPT_RRD_MAX_HOSTS },
	{ "rrd-archives", required_argument, NULL, OPT_RRD_ARCHIVES },
	{ NULL, 0, NULL, 0 },
};

void fs_options_usage(FILE *f)
{
	fputs("usage: floodspot (-i IFACE | -r FILE) [options] [BPF expression]\n"
	      "       floodspot --check-rules PATH [-v]\n"
	      "\n"
	      "  -i IFACE            capture live from IFACE (a span port)\n"
	      "  -r FILE             replay a pcap or pcapng file\n"
	      "  -c COUNT            stop after COUNT packets\n"
	      "  -B KiB              kernel capture buffer (default 32768 KiB)\n"
	      "  -s SNAPLEN          bytes captured per packet (default 262144)\n"
	      "  -Z USER             drop privileges to USER after opening\n"
	      "  --json              JSON lines on stdout: events, hosts, stats\n"
	      "  --top N             table of the N top hosts\n"
	      "  --top-interval S    live refresh of --top (default 5 s)\n"
	      "  --router MAC|IP     declare a router (repeatable)\n"
	      "  --not-router MAC|IP never a router, whatever the wire shows\n"
	      "  --routers           print the routers and what made them routers\n"
	      "  --ospf              print the OSPF routers and adjacencies\n"
	      "  --capacity N        hosts table capacity (default 65536)\n"
	      "  --rules PATH        rules file or directory\n"
	      "  --check-rules PATH  check rules and exit (-v: print them)\n"
	      "  --rrd-dir DIR       store rates in RRD files under DIR\n"
	      "  --rrdcached ADDR    write RRDs through rrdcached\n"
	      "  --rrd-max-hosts N   cap on host RRD files (default 200)\n"
	      "  --rrd-archives SPEC step:span list (default 1s:1h,10s:1d,1m:1w,5m:1y)\n"
	      "  --html DIR          write an HTML overview to DIR\n"
	      "  --evidence DIR      a pcap per culprit/flood alert (default\n"
	      "                      RRD-DIR/evidence with --rrd-dir)\n"
	      "  --evidence-ring MiB frames kept for evidence (default 16)\n"
	      "  --syslog URL        remote RFC 5424: udp://HOST:PORT, tcp://HOST:PORT\n"
	      "  --syslog-facility F syslog facility (default daemon)\n"
	      "  --[no-]local-syslog alerts to syslog(3) (default: on live, off on -r)\n"
	      "  --exec CMD          run CMD on alert raise and clear\n"
	      "  -v                  more diagnostics\n"
	      "  -h, --help          this help;  -V, --version  the version\n",
	      f);
}

/* Parses a whole decimal number in [lo, hi]. */
static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi,
		     uint64_t *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	if (*s == '-' || *s == '\0')
		goto bad;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "%s: '%s' is not a number from %llu to %llu", opt,
		 s, (unsigned long long)lo, (unsigned long long)hi);
	return -1;
}

static char filter_buf[4096];

static int join_filter(int argc, char **argv, int first, char *err,
		       size_t errlen)
{
	size_t used = 0;
	filter_buf[0] = '\0';
	for (int i = first; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (used + n + 2 > sizeof(filter_buf)) {
			snprintf(err, errlen, "filter expression too long (max %zu bytes)",
				 sizeof(filter_buf) - 1);
			return -1;
		}
		if (used)
			filter_buf[used++] = ' ';
		memcpy(filter_buf + used, argv[i], n + 1);
		used += n;
	}
	return 0;
}

enum fs_cli_action fs_options_parse(int argc, char **argv,
				    struct fs_agent_config *cfg,
				    const char **check_rules_path, char *err,
				    size_t errlen)
{
	uint64_t v;
	int c;
	bool check = false;

	*check_rules_path = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:r:c:B:s:Z:vhV", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'i': cfg->ifname = optarg; break;
		case 'r': cfg->file = optarg; break;
		case 'c':
			if (parse_u64("-c", optarg, 1, UINT64_MAX / 2, &cfg->count,
				      err, errlen))
				return FS_CLI_ERROR;
			break;
		case 'B':
			if (parse_u64("-B", optarg, 64, 4u << 20, &v, err, errlen))
				return FS_CLI_ERROR;
			cfg->buffer_kib = (int)v;
			break;
		case 's':
			if (parse_u64("-s", optarg, 0, 262144, &v, err, errlen))
				return FS_CLI_ERROR;
			cfg->snaplen = v == 0 ? 262144 : (int)v;
			break;
		case 'Z': cfg->user = optarg; break;
		case 'v': cfg->verbose++; break;
		case 'h': return FS_CLI_HELP;
		case 'V': return FS_CLI_VERSION;
		case OPT_JSON: cfg->json = true; break;
		case OPT_TOP:
			if (parse_u64("--top", optarg, 1, 1000, &v, err, errlen))
				return FS_CLI_ERROR;
			cfg->top = (unsigned)v;
			break;
		case OPT_TOP_INTERVAL:
			if (parse_u64("--top-interval", optarg, 1, 3600, &v, err, errlen))
				return FS_CLI_ERROR;
			cfg->top_interval_s = (unsigned)v;
			break;
		case OPT_ROUTER:
			if (cfg->n_routers >= FS_MAX_ROUTER_ARGS) {
				snprintf(err, errlen, "--router: at most %d routers",
					 FS_MAX_ROUTER_ARGS);
				return FS_CLI_ERROR;
			}
			cfg->routers[cfg->n_routers++] = optarg;
			break;
		case OPT_NOT_ROUTER:
			if (cfg->n_not_routers >= FS_MAX_ROUTER_ARGS) {
				snprintf(err, errlen, "--not-router: at most %d addresses",
					 FS_MAX_ROUTER_ARGS);
				return FS_CLI_ERROR;
			}
			cfg->not_routers[cfg->n_not_routers++] = optarg;
			break;
		case OPT_ROUTERS: cfg->routers_table = true; break;
		case OPT_EVIDENCE: cfg->evidence_dir = optarg; break;
		case OPT_EVIDENCE_RING:
			if (parse_u64("--evidence-ring", optarg, 1, 1024, &v, err,
				      errlen))
				return FS_CLI_ERROR;
			cfg->evidence_ring_mib = (uint32_t)v;
			break;
		case OPT_OSPF: cfg->ospf_table = true; break;
		case OPT_CAPACITY:
			if (parse_u64("--capacity", optarg, 16, 1u << 24, &v, err,
				      errlen))
				return FS_CLI_ERROR;
			cfg->capacity = (uint32_t)v;
			break;
		case OPT_RULES: cfg->rules_path = optarg; break;
		case OPT_CHECK_RULES:
			check = true;
			*check_rules_path = optarg;
			break;
		case OPT_RRD_DIR: cfg->rrd_dir = optarg; break;
		case OPT_RRDCACHED: cfg->rrdcached = optarg; break;
		case OPT_HTML: cfg->html_dir = optarg; break;
		case OPT_SYSLOG:
			if (strncmp(optarg, "udp://", 6) != 0 &&
			    strncmp(optarg, "tcp://", 6) != 0) {
				snprintf(err, errlen,
					 "--syslog: '%s' is not udp://HOST:PORT or tcp://HOST:PORT",
					 optarg);
				return FS_CLI_ERROR;
			}
			cfg->syslog_remote = optarg;
			break;
		case OPT_SYSLOG_FACILITY:
			cfg->syslog_facility = fs_alert_facility_parse(optarg);
			if (cfg->syslog_facility < 0) {
				snprintf(err, errlen,
					 "--syslog-facility: unknown facility '%s' "
					 "(daemon, user, local0 .. local7, ...)",
					 optarg);
				return FS_CLI_ERROR;
			}
			break;
		case OPT_LOCAL_SYSLOG: cfg->local_syslog = 1; break;
		case OPT_NO_LOCAL_SYSLOG: cfg->local_syslog = 0; break;
		case OPT_EXEC: cfg->exec_cmd = optarg; break;
		case OPT_RRD_MAX_HOSTS:
			if (parse_u64("--rrd-max-hosts", optarg, 1, 100000, &v, err,
				      errlen))
				return FS_CLI_ERROR;
			cfg->rrd_max_hosts = (uint32_t)v;
			break;
		case OPT_RRD_ARCHIVES: {
			struct fs_store_config probe;
			fs_store_config_defaults(&probe);
			if (fs_store_parse_rras(&probe, optarg) != 0) {
				snprintf(err, errlen,
					 "--rrd-archives: '%s' is not a list of STEP:SPAN "
					 "(e.g. 1s:1h,10s:1d,1m:1w,5m:1y)", optarg);
				return FS_CLI_ERROR;
			}
			cfg->rrd_archives = optarg;
			break;
		}
		case OPT_SEED:
			if (parse_u64("--seed", optarg, 1, UINT64_MAX, &cfg->seed,
				      err, errlen))
				return FS_CLI_ERROR;
			break;
		case ':':
			snprintf(err, errlen, "option %s needs a value",
				 argv[optind - 1]);
			return FS_CLI_ERROR;
		default:
			snprintf(err, errlen, "unknown option %s", argv[optind - 1]);
			return FS_CLI_ERROR;
		}
	}
	if (check)
		return FS_CLI_CHECK_RULES;
	if (!cfg->ifname == !cfg->file) {
		snprintf(err, errlen, cfg->ifname ? "-i and -r exclude each other"
						  : "give -i IFACE or -r FILE");
		return FS_CLI_ERROR;
	}
	if (optind < argc) {
		if (join_filter(argc, argv, optind, err, errlen))
			return FS_CLI_ERROR;
		cfg->filter = filter_buf;
	}
	return FS_CLI_RUN;
}
