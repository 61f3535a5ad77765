/*
 * Options: one table for the command line, the configuration file
 * (config.c, same names without the dashes) and --help.
 */
#ifndef FLOODSPOT_OPTIONS_H
#define FLOODSPOT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "floodspot/agent.h"

enum fs_opt_id {
	FS_OPT_INTERFACE,
	FS_OPT_READ,
	FS_OPT_FILTER,
	FS_OPT_COUNT,
	FS_OPT_BUFFER_SIZE,
	FS_OPT_SNAPLEN,
	FS_OPT_READER_THREAD,
	FS_OPT_NO_READER_THREAD,
	FS_OPT_USER,
	FS_OPT_NAME,
	FS_OPT_JSON,
	FS_OPT_TOP,
	FS_OPT_TOP_INTERVAL,
	FS_OPT_ROUTER,
	FS_OPT_NOT_ROUTER,
	FS_OPT_ROUTERS,
	FS_OPT_OSPF,
	FS_OPT_SESSIONS,
	FS_OPT_EXPECT_OSPF,
	FS_OPT_CAPACITY,
	FS_OPT_RULES,
	FS_OPT_RRD_DIR,
	FS_OPT_RRDCACHED,
	FS_OPT_RRD_MAX_HOSTS,
	FS_OPT_RRD_ARCHIVES,
	FS_OPT_RRD_MAX_SIZE,
	FS_OPT_RRD_MAX_ROUTERS,
	FS_OPT_RRD_RETIRE,
	FS_OPT_HTML,
	FS_OPT_EVIDENCE,
	FS_OPT_EVIDENCE_RING,
	FS_OPT_TZ,
	FS_OPT_METRICS,
	FS_OPT_METRICS_TOP,
	FS_OPT_METRICS_LINGER,
	FS_OPT_SYSLOG,
	FS_OPT_SYSLOG_FACILITY,
	FS_OPT_SD_ID,
	FS_OPT_LOCAL_SYSLOG,
	FS_OPT_NO_LOCAL_SYSLOG,
	FS_OPT_EXEC,
	FS_OPT_SEED,
	FS_OPT_VERBOSE,
	/* command line only */
	FS_OPT_CONFIG,
	FS_OPT_CHECK_CONFIG,
	FS_OPT_CHECK_RULES,
	FS_OPT_HELP,
	FS_OPT_VERSION,
	FS_OPT_N
};

#define FS_OPTF_CLI_ONLY 1u	/* not a configuration key */
#define FS_OPTF_REPEAT 2u	/* may be given more than once */
#define FS_OPTF_RELOAD 4u	/* a changed value takes effect on SIGHUP */
#define FS_OPTF_FLAG 8u		/* no value on the command line; yes/no in a file */

struct fs_option {
	const char *name;	/* long option and configuration key */
	char short_opt;		/* 0: none */
	unsigned flags;		/* FS_OPTF_* */
	const char *arg;	/* the value's placeholder in --help */
	const char *help;
};

/* The table, indexed by enum fs_opt_id. */
extern const struct fs_option fs_options[FS_OPT_N];
/* The option of that long name, or -1. */
int fs_option_find(const char *name);
/* Which setting an option writes: --no-local-syslog and --local-syslog
 * share one, --no-reader-thread and --reader-thread too, as do -i and -r (the capture source). */
int fs_option_setting(int id);

/*
 * Stores value (NULL for a flag on the command line; "yes" or "no" from a
 * file) for option id in cfg after checking it. label names the option in
 * the message ("-c", "--top", "capacity"). Strings are kept by pointer:
 * value must outlive cfg. Returns 0, or -1 with a message in err.
 */
int fs_option_apply(struct fs_agent_config *cfg, int id, const char *label,
		    const char *value, char *err, size_t errlen);

enum fs_cli_action {
	FS_CLI_RUN,
	FS_CLI_CHECK_CONFIG,	/* -t */
	FS_CLI_CHECK_RULES,
	FS_CLI_HELP,
	FS_CLI_VERSION,
	FS_CLI_ERROR,		/* message in err; exit 2 with the usage hint */
};

/* The command line as given: applied over the configuration file at start
 * and again on each reload. */
struct fs_cli {
	unsigned n;
	struct {
		int id;
		const char *label;
		const char *value;
	} *set;				/* argv order, filter last */
	bool given[FS_OPT_N];		/* by fs_option_setting */
	const char *config_path;	/* --config */
	const char *check_rules_path;	/* --check-rules */
	char *filter;			/* positional arguments joined */
	char label[FS_OPT_N][2][24];	/* "-c", "--count" */
};

/*
 * Parses argv into cli, checking every value. The filter is the remaining
 * arguments joined by spaces, as tcpdump does. Free with fs_cli_fini.
 */
enum fs_cli_action fs_cli_parse(struct fs_cli *cli, int argc, char **argv,
				char *err, size_t errlen);
/* Applies the command line to cfg (values were checked by the parse). */
void fs_cli_apply(const struct fs_cli *cli, struct fs_agent_config *cfg);
void fs_cli_fini(struct fs_cli *cli);
void fs_options_usage(FILE *f);

#endif
