/*
 * Options: tcpdump's flags where they overlap, long options beyond. One
 * table serves getopt, the configuration file (config.c) and --help, and
 * fs_option_apply is the one place a value is checked and stored.
 */
#include "floodspot/options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "floodspot/alert.h"
#include "floodspot/metrics.h"
#include "floodspot/store.h"

#define CLI FS_OPTF_CLI_ONLY
#define REP FS_OPTF_REPEAT
#define RLD FS_OPTF_RELOAD
#define FLG FS_OPTF_FLAG

const struct fs_option fs_options[FS_OPT_N] = {
	[FS_OPT_INTERFACE] = { "interface", 'i', 0, "IFACE",
			       "capture live from IFACE (a span port)" },
	[FS_OPT_READ] = { "read", 'r', 0, "FILE", "replay a pcap or pcapng file" },
	[FS_OPT_FILTER] = { "filter", 0, 0, "EXPR",
			    "BPF filter (or as trailing arguments, as tcpdump)" },
	[FS_OPT_COUNT] = { "count", 'c', 0, "COUNT", "stop after COUNT packets" },
	[FS_OPT_BUFFER_SIZE] = { "buffer-size", 'B', 0, "KiB",
				 "kernel capture buffer (default 32768 KiB)" },
	[FS_OPT_SNAPLEN] = { "snapshot-length", 's', 0, "SNAPLEN",
			     "bytes captured per packet (default 262144)" },
	[FS_OPT_READER_THREAD] = { "reader-thread", 0, FLG, NULL,
				   "live: a thread drains the kernel ring (default)" },
	[FS_OPT_NO_READER_THREAD] = { "no-reader-thread", 0, CLI | FLG, NULL,
				      "live: the packet path reads the kernel ring" },
	[FS_OPT_USER] = { "user", 'Z', 0, "USER",
			  "drop privileges to USER after opening" },
	[FS_OPT_NAME] = { "name", 0, 0, "NAME",
			  "agent name in alerts (default HOST/IFACE, or HOST)" },
	[FS_OPT_JSON] = { "json", 0, FLG, NULL,
			  "JSON lines on stdout: events, hosts, stats" },
	[FS_OPT_TOP] = { "top", 0, 0, "N", "table of the N top hosts" },
	[FS_OPT_TOP_INTERVAL] = { "top-interval", 0, RLD, "S",
				  "live refresh of --top (default 5 s)" },
	[FS_OPT_ROUTER] = { "router", 0, REP, "MAC|IP",
			    "declare a router (repeatable)" },
	[FS_OPT_NOT_ROUTER] = { "not-router", 0, REP, "MAC|IP",
				"never a router, whatever the wire shows (repeatable)" },
	[FS_OPT_ROUTERS] = { "routers", 0, FLG, NULL,
			     "print the routers and what made them routers" },
	[FS_OPT_OSPF] = { "ospf", 0, FLG, NULL,
			  "print the OSPF routers and adjacencies" },
	[FS_OPT_SESSIONS] = { "sessions", 0, FLG, NULL,
			      "print the BGP and BFD sessions, VRRP/HSRP groups" },
	[FS_OPT_EXPECT_OSPF] = { "expect-ospf", 0, FLG, NULL,
				 "the segment carries OSPF: alert when none is seen" },
	[FS_OPT_CAPACITY] = { "capacity", 0, 0, "N",
			      "hosts table capacity (default 65536)" },
	[FS_OPT_RULES] = { "rules", 0, RLD, "PATH", "rules file or directory" },
	[FS_OPT_RRD_DIR] = { "rrd-dir", 0, 0, "DIR",
			     "store rates in RRD files under DIR" },
	[FS_OPT_RRDCACHED] = { "rrdcached", 0, 0, "ADDR",
			       "write RRDs through rrdcached" },
	[FS_OPT_RRD_MAX_HOSTS] = { "rrd-max-hosts", 0, 0, "N",
				   "cap on host RRD files (default 200)" },
	[FS_OPT_RRD_ARCHIVES] = { "rrd-archives", 0, 0, "SPEC",
				  "step:span list (default 1s:30m,10s:6h,1m:2d,10m:30d,1h:1y)" },
	[FS_OPT_RRD_MAX_SIZE] = { "rrd-max-size", 0, 0, "SIZE",
				  "cap on host RRD bytes (default: max hosts x file)" },
	[FS_OPT_RRD_MAX_ROUTERS] = { "rrd-max-routers", 0, 0, "N",
				     "cap on router RRD files (default 64)" },
	[FS_OPT_RRD_RETIRE] = { "rrd-retire", 0, 0, "AGE",
				"at a cap, delete files idle this long (default 10m)" },
	[FS_OPT_HTML] = { "html", 0, 0, "DIR", "write an HTML overview to DIR" },
	[FS_OPT_EVIDENCE] = { "evidence", 0, 0, "DIR",
			      "a pcap per culprit/flood alert (default RRD-DIR/evidence)" },
	[FS_OPT_EVIDENCE_RING] = { "evidence-ring", 0, 0, "MiB",
				   "frames kept for evidence (default 16 MiB)" },
	[FS_OPT_TZ] = { "tz", 0, 0, "utc|local",
			 "time zone of graphs and pages (default utc)" },
	[FS_OPT_METRICS] = { "metrics", 0, 0, "[ADDR:]PORT",
			     "Prometheus /metrics (ADDR default 127.0.0.1)" },
	[FS_OPT_METRICS_TOP] = { "metrics-top", 0, 0, "N",
				 "suspects in /metrics (default 10)" },
	[FS_OPT_METRICS_LINGER] = { "metrics-linger", 0, 0, "S",
				    "after a replay, serve /metrics until scraped or S s" },
	[FS_OPT_SYSLOG] = { "syslog", 0, 0, "URL",
			    "remote RFC 5424: udp://, tcp:// or relp://HOST:PORT" },
	[FS_OPT_SYSLOG_FACILITY] = { "syslog-facility", 0, 0, "F",
				     "syslog facility (default daemon)" },
	[FS_OPT_SD_ID] = { "sd-id", 0, 0, "NAME@PEN",
			   "RFC 5424 SD-ID for the fields (default: none)" },
	[FS_OPT_LOCAL_SYSLOG] = { "local-syslog", 0, FLG, NULL,
				  "alerts to syslog(3) (default: on live, off on -r)" },
	[FS_OPT_NO_LOCAL_SYSLOG] = { "no-local-syslog", 0, CLI | FLG, NULL,
				     "no alerts to syslog(3)" },
	[FS_OPT_EXEC] = { "exec", 0, 0, "CMD", "run CMD on alert raise and clear" },
	[FS_OPT_SEED] = { "seed", 0, 0, "N", "fix the hash tables' seed (tests)" },
	[FS_OPT_VERBOSE] = { "verbose", 'v', RLD, NULL, "more diagnostics" },
	[FS_OPT_CONFIG] = { "config", 0, CLI, "FILE",
			    "read settings from FILE (the command line wins)" },
	[FS_OPT_CHECK_CONFIG] = { "check-config", 't', CLI | FLG, NULL,
				  "check the configuration and rules, exit" },
	[FS_OPT_CHECK_RULES] = { "check-rules", 0, CLI, "PATH",
				 "check rules and exit (-v: print them)" },
	[FS_OPT_HELP] = { "help", 'h', CLI | FLG, NULL, "this help" },
	[FS_OPT_VERSION] = { "version", 'V', CLI | FLG, NULL, "the version" },
};

int fs_option_find(const char *name)
{
	for (int i = 0; i < FS_OPT_N; i++)
		if (strcmp(fs_options[i].name, name) == 0)
			return i;
	return -1;
}

int fs_option_setting(int id)
{
	if (id == FS_OPT_NO_LOCAL_SYSLOG)
		return FS_OPT_LOCAL_SYSLOG;
	if (id == FS_OPT_NO_READER_THREAD)
		return FS_OPT_READER_THREAD;
	if (id == FS_OPT_READ)
		return FS_OPT_INTERFACE;
	return id;
}

void fs_options_usage(FILE *f)
{
	fputs("usage: floodspot (-i IFACE | -r FILE) [options] [BPF expression]\n"
	      "       floodspot -t [--config FILE]\n"
	      "       floodspot --check-rules PATH [-v]\n\n",
	      f);
	for (int i = 0; i < FS_OPT_N; i++) {
		const struct fs_option *o = &fs_options[i];
		char left[40];
		int n;
		if (o->short_opt)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->short_opt,
				     o->name);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->name);
		if (o->arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->arg);
		fprintf(f, "  %-30s %s\n", left, o->help);
	}
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

/* A flag: true on the command line (value NULL), yes/no in a file. */
static int parse_flag(const char *opt, const char *value, bool *out, char *err,
		      size_t errlen)
{
	if (!value || strcmp(value, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(value, "no") == 0) {
		*out = false;
		return 0;
	}
	snprintf(err, errlen, "%s: '%s' is not yes or no", opt, value);
	return -1;
}

/* RFC 5424 6.3.2 and 7.2.2: a name of our own must be NAME@PEN, the PEN an
 * enterprise number (digits, dot-separated sub-identifiers allowed). */
static bool valid_sd_id(const char *s)
{
	const char *at = strchr(s, '@');
	size_t len = strlen(s);
	if (!at || at == s || len > 32)
		return false;
	for (const char *p = s; p < at; p++)
		if (*p < 33 || *p > 126 || *p == '=' || *p == ']' || *p == '"' ||
		    *p == '@')
			return false;
	const char *p = at + 1;
	if (*p < '1' || *p > '9')
		return false;
	for (; *p; p++) {
		if (*p == '.' && p[1] >= '0' && p[1] <= '9')
			continue;
		if (*p < '0' || *p > '9')
			return false;
	}
	return true;
}

int fs_option_apply(struct fs_agent_config *cfg, int id, const char *label,
		    const char *v, char *err, size_t errlen)
{
	uint64_t n;
	bool b;

	if ((fs_options[id].flags & FS_OPTF_FLAG) || id == FS_OPT_VERBOSE) {
		if (id == FS_OPT_VERBOSE && v) {
			if (parse_u64(label, v, 0, 9, &n, err, errlen))
				return -1;
			cfg->verbose = (int)n;
			return 0;
		}
		if (id == FS_OPT_VERBOSE) {
			cfg->verbose++;
			return 0;
		}
		if (parse_flag(label, v, &b, err, errlen))
			return -1;
	} else if (!v || !*v) {
		snprintf(err, errlen, "%s needs a value", label);
		return -1;
	}

	switch ((enum fs_opt_id)id) {
	case FS_OPT_INTERFACE: cfg->ifname = v; break;
	case FS_OPT_READ: cfg->file = v; break;
	case FS_OPT_FILTER: cfg->filter = v; break;
	case FS_OPT_COUNT:
		return parse_u64(label, v, 1, UINT64_MAX / 2, &cfg->count, err,
				 errlen);
	case FS_OPT_BUFFER_SIZE:
		if (parse_u64(label, v, 64, 4u << 20, &n, err, errlen))
			return -1;
		cfg->buffer_kib = (int)n;
		break;
	case FS_OPT_SNAPLEN:
		if (parse_u64(label, v, 0, 262144, &n, err, errlen))
			return -1;
		cfg->snaplen = n == 0 ? 262144 : (int)n;
		break;
	case FS_OPT_READER_THREAD: cfg->reader_thread = b; break;
	case FS_OPT_NO_READER_THREAD: cfg->reader_thread = false; break;
	case FS_OPT_USER: cfg->user = v; break;
	case FS_OPT_NAME:
		if (strlen(v) > FS_AGENT_NAME_MAX) {
			snprintf(err, errlen, "%s: '%s' is longer than %d bytes",
				 label, v, FS_AGENT_NAME_MAX);
			return -1;
		}
		for (const char *p = v; *p; p++)
			if (*p < 33 || *p > 126) {
				snprintf(err, errlen,
					 "%s: '%s' has a space or a byte outside printable ASCII",
					 label, v);
				return -1;
			}
		cfg->name = v;
		break;
	case FS_OPT_JSON: cfg->json = b; break;
	case FS_OPT_TOP:
		if (parse_u64(label, v, 1, 1000, &n, err, errlen))
			return -1;
		cfg->top = (unsigned)n;
		break;
	case FS_OPT_TOP_INTERVAL:
		if (parse_u64(label, v, 1, 3600, &n, err, errlen))
			return -1;
		cfg->top_interval_s = (unsigned)n;
		break;
	case FS_OPT_ROUTER:
		if (cfg->n_routers >= FS_MAX_ROUTER_ARGS) {
			snprintf(err, errlen, "%s: at most %d routers", label,
				 FS_MAX_ROUTER_ARGS);
			return -1;
		}
		cfg->routers[cfg->n_routers++] = v;
		break;
	case FS_OPT_NOT_ROUTER:
		if (cfg->n_not_routers >= FS_MAX_ROUTER_ARGS) {
			snprintf(err, errlen, "%s: at most %d addresses", label,
				 FS_MAX_ROUTER_ARGS);
			return -1;
		}
		cfg->not_routers[cfg->n_not_routers++] = v;
		break;
	case FS_OPT_ROUTERS: cfg->routers_table = b; break;
	case FS_OPT_OSPF: cfg->ospf_table = b; break;
	case FS_OPT_SESSIONS: cfg->sessions_table = b; break;
	case FS_OPT_EXPECT_OSPF: cfg->expect_ospf = b; break;
	case FS_OPT_CAPACITY:
		if (parse_u64(label, v, 16, 1u << 24, &n, err, errlen))
			return -1;
		cfg->capacity = (uint32_t)n;
		break;
	case FS_OPT_RULES: cfg->rules_path = v; break;
	case FS_OPT_RRD_DIR: cfg->rrd_dir = v; break;
	case FS_OPT_RRDCACHED:
		if (fs_store_check_daemon_addr(v, err, errlen) != 0)
			return -1;
		cfg->rrdcached = v;
		break;
	case FS_OPT_RRD_MAX_HOSTS:
		if (parse_u64(label, v, 1, 100000, &n, err, errlen))
			return -1;
		cfg->rrd_max_hosts = (uint32_t)n;
		break;
	case FS_OPT_RRD_ARCHIVES: {
		struct fs_store_config probe;
		fs_store_config_defaults(&probe);
		if (fs_store_parse_rras(&probe, v) != 0) {
			snprintf(err, errlen,
				 "%s: '%s' is not a list of STEP:SPAN "
				 "(e.g. 1s:30m,10s:6h,1m:2d,10m:30d,1h:1y)", label, v);
			return -1;
		}
		cfg->rrd_archives = v;
		break;
	}
	case FS_OPT_RRD_MAX_SIZE:
		if (fs_store_parse_size(v, &cfg->rrd_max_bytes) != 0) {
			snprintf(err, errlen, "%s: '%s' is not a size (e.g. 500M, 2G)",
				 label, v);
			return -1;
		}
		break;
	case FS_OPT_RRD_MAX_ROUTERS:
		if (parse_u64(label, v, 1, 100000, &n, err, errlen))
			return -1;
		cfg->rrd_max_routers = (uint32_t)n;
		break;
	case FS_OPT_RRD_RETIRE:
		if (fs_store_parse_duration(v, &cfg->rrd_retire_s) != 0) {
			snprintf(err, errlen,
				 "%s: '%s' is not a duration (e.g. 90s, 10m, 1h)",
				 label, v);
			return -1;
		}
		break;
	case FS_OPT_HTML: cfg->html_dir = v; break;
	case FS_OPT_EVIDENCE: cfg->evidence_dir = v; break;
	case FS_OPT_EVIDENCE_RING:
		if (parse_u64(label, v, 1, 1024, &n, err, errlen))
			return -1;
		cfg->evidence_ring_mib = (uint32_t)n;
		break;
	case FS_OPT_TZ:
		if (strcmp(v, "utc") != 0 && strcmp(v, "local") != 0) {
			snprintf(err, errlen, "%s: '%s' is not utc or local", label,
				 v);
			return -1;
		}
		cfg->tz_local = strcmp(v, "local") == 0;
		break;
	case FS_OPT_METRICS: {
		char why[160];
		if (fs_metrics_parse_addr(v, NULL, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", label, why);
			return -1;
		}
		cfg->metrics_addr = v;
		break;
	}
	case FS_OPT_METRICS_TOP:
		if (parse_u64(label, v, 0, FS_METRICS_TOP_MAX, &n, err, errlen))
			return -1;
		cfg->metrics_top = (unsigned)n;
		break;
	case FS_OPT_METRICS_LINGER:
		if (parse_u64(label, v, 0, 3600, &n, err, errlen))
			return -1;
		cfg->metrics_linger_s = (unsigned)n;
		break;
	case FS_OPT_SYSLOG:
		if (strncmp(v, "udp://", 6) != 0 && strncmp(v, "tcp://", 6) != 0 &&
		    strncmp(v, "relp://", 7) != 0) {
			snprintf(err, errlen,
				 "%s: '%s' is not udp://HOST:PORT, tcp://HOST:PORT "
				 "or relp://HOST:PORT",
				 label, v);
			return -1;
		}
		cfg->syslog_remote = v;
		break;
	case FS_OPT_SYSLOG_FACILITY:
		cfg->syslog_facility = fs_alert_facility_parse(v);
		if (cfg->syslog_facility < 0) {
			snprintf(err, errlen,
				 "%s: unknown facility '%s' (daemon, user, local0 .. local7, ...)",
				 label, v);
			return -1;
		}
		break;
	case FS_OPT_SD_ID:
		if (!valid_sd_id(v)) {
			snprintf(err, errlen,
				 "%s: '%s' is not NAME@PEN (RFC 5424 6.3.2: your "
				 "organisation's private enterprise number, at most 32 bytes)",
				 label, v);
			return -1;
		}
		cfg->sd_id = v;
		break;
	case FS_OPT_LOCAL_SYSLOG: cfg->local_syslog = b; break;
	case FS_OPT_NO_LOCAL_SYSLOG: cfg->local_syslog = 0; break;
	case FS_OPT_EXEC: cfg->exec_cmd = v; break;
	case FS_OPT_SEED:
		return parse_u64(label, v, 1, UINT64_MAX, &cfg->seed, err, errlen);
	case FS_OPT_VERBOSE:
	case FS_OPT_CONFIG:
	case FS_OPT_CHECK_CONFIG:
	case FS_OPT_CHECK_RULES:
	case FS_OPT_HELP:
	case FS_OPT_VERSION:
	case FS_OPT_N:
		break;
	}
	return 0;
}

static int join_filter(struct fs_cli *cli, int argc, char **argv, int first,
		       char *err, size_t errlen)
{
	size_t used = 0, cap = 4096;
	cli->filter = malloc(cap);
	if (!cli->filter) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cli->filter[0] = '\0';
	for (int i = first; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (used + n + 2 > cap) {
			snprintf(err, errlen, "filter expression too long (max %zu bytes)",
				 cap - 1);
			return -1;
		}
		if (used)
			cli->filter[used++] = ' ';
		memcpy(cli->filter + used, argv[i], n + 1);
		used += n;
	}
	return 0;
}

enum fs_cli_action fs_cli_parse(struct fs_cli *cli, int argc, char **argv,
				char *err, size_t errlen)
{
	struct option longs[FS_OPT_N + 1];
	char shorts[2 * FS_OPT_N + 2];
	size_t ns = 0;
	enum fs_cli_action action = FS_CLI_RUN;
	/* Values are checked against a scratch configuration as they come. */
	struct fs_agent_config probe;

	memset(cli, 0, sizeof(*cli));
	fs_agent_config_defaults(&probe);
	cli->set = calloc((size_t)argc + 1, sizeof(*cli->set));
	if (!cli->set) {
		snprintf(err, errlen, "out of memory");
		return FS_CLI_ERROR;
	}
	shorts[ns++] = ':';
	for (int i = 0; i < FS_OPT_N; i++) {
		const struct fs_option *o = &fs_options[i];
		bool flag = (o->flags & FS_OPTF_FLAG) || i == FS_OPT_VERBOSE;
		longs[i] = (struct option){ o->name,
					    flag ? no_argument : required_argument,
					    NULL, 256 + i };
		if (o->short_opt) {
			shorts[ns++] = o->short_opt;
			if (!flag)
				shorts[ns++] = ':';
		}
	}
	longs[FS_OPT_N] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';

	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		int id = -1;
		if (c >= 256 && c < 256 + FS_OPT_N)
			id = c - 256;
		else
			for (int i = 0; i < FS_OPT_N; i++)
				if (fs_options[i].short_opt && fs_options[i].short_opt == c)
					id = i;
		if (c == ':') {
			snprintf(err, errlen, "option %s needs a value",
				 argv[optind - 1]);
			return FS_CLI_ERROR;
		}
		if (id < 0) {
			snprintf(err, errlen, "unknown option %s", argv[optind - 1]);
			return FS_CLI_ERROR;
		}
		switch (id) {
		case FS_OPT_HELP: return FS_CLI_HELP;
		case FS_OPT_VERSION: return FS_CLI_VERSION;
		case FS_OPT_CHECK_CONFIG: action = FS_CLI_CHECK_CONFIG; continue;
		case FS_OPT_CONFIG: cli->config_path = optarg; continue;
		case FS_OPT_CHECK_RULES:
			if (action != FS_CLI_CHECK_CONFIG)
				action = FS_CLI_CHECK_RULES;
			cli->check_rules_path = optarg;
			continue;
		}
		/* The name as typed, for messages: "-c" or "--count". */
		char *label = cli->label[id][c >= 256];
		if (c >= 256)
			snprintf(label, sizeof(cli->label[id][1]), "--%s",
				 fs_options[id].name);
		else
			snprintf(label, sizeof(cli->label[id][0]), "-%c", c);
		const char *value = longs[id].has_arg ? optarg : NULL;
		if (fs_option_apply(&probe, id, label, value, err, errlen))
			return FS_CLI_ERROR;
		cli->set[cli->n].id = id;
		cli->set[cli->n].label = label;
		cli->set[cli->n].value = value;
		cli->n++;
		cli->given[fs_option_setting(id)] = true;
	}
	if (optind < argc) {
		if (join_filter(cli, argc, argv, optind, err, errlen))
			return FS_CLI_ERROR;
		cli->set[cli->n].id = FS_OPT_FILTER;
		cli->set[cli->n].label = "filter";
		cli->set[cli->n].value = cli->filter;
		cli->n++;
		cli->given[FS_OPT_FILTER] = true;
	}
	if (probe.ifname && probe.file) {
		snprintf(err, errlen, "-i and -r exclude each other");
		return FS_CLI_ERROR;
	}
	return action;
}

void fs_cli_apply(const struct fs_cli *cli, struct fs_agent_config *cfg)
{
	char err[256];
	for (unsigned i = 0; i < cli->n; i++)
		fs_option_apply(cfg, cli->set[i].id, cli->set[i].label,
				cli->set[i].value, err, sizeof(err));
}

void fs_cli_fini(struct fs_cli *cli)
{
	free(cli->set);
	free(cli->filter);
	memset(cli, 0, sizeof(*cli));
}
