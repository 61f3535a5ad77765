/* floodspot: name the host that floods the routers' control plane. */
#include <stdio.h>

#include "floodspot/agent.h"
#include "floodspot/log.h"
#include "floodspot/options.h"
#include "floodspot/rules.h"
#include "fs_config.h"

static int check_rules(const char *path, int verbose)
{
	unsigned errors = 0;
	struct fs_ruleset *rs = fs_rules_load(path, stderr, &errors);
	if (!rs) {
		fprintf(stderr, "%s: %u error(s)\n", path, errors);
		return 1;
	}
	if (verbose)
		fs_rules_print(rs, stdout);
	else
		printf("%s: %zu rules OK\n", path, fs_rules_count(rs));
	fs_rules_free(rs);
	return 0;
}

int main(int argc, char **argv)
{
	struct fs_agent_config cfg;
	const char *rules_path;
	char err[512];

	fs_agent_config_defaults(&cfg);
	switch (fs_options_parse(argc, argv, &cfg, &rules_path, err, sizeof(err))) {
	case FS_CLI_HELP:
		fs_options_usage(stdout);
		return 0;
	case FS_CLI_VERSION:
		printf("floodspot %s\n", FS_VERSION);
		return 0;
	case FS_CLI_ERROR:
		fprintf(stderr, "floodspot: %s\n", err);
		fprintf(stderr, "Try 'floodspot --help' for more information.\n");
		return 2;
	case FS_CLI_CHECK_RULES:
		return check_rules(rules_path, cfg.verbose);
	case FS_CLI_RUN:
		break;
	}
	fs_log_init("floodspot", false, cfg.verbose);
	return fs_agent_run(&cfg);
}
