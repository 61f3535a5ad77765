/* floodspot: name the host that floods the routers' control plane. */
#include <stdio.h>

#include "floodspot/agent.h"
#include "floodspot/config.h"
#include "floodspot/log.h"
#include "floodspot/options.h"
#include "floodspot/routers.h"
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

/* -t, as nginx -t: the configuration file, then the rules it names. */
static int check_config(const struct fs_cli *cli)
{
	const char *path = cli->config_path ? cli->config_path : FS_CONF_PATH;
	struct fs_agent_config cfg;
	struct fs_conf *conf;
	unsigned errors = 0;
	int rc = 0;
	if (fs_config_build(path, cli, &cfg, &conf, stderr, &errors) != 0) {
		fprintf(stderr, "%s: %u error(s)\n", path, errors);
		return 1;
	}
	struct fs_routers routers;
	fs_routers_init(&routers);
	for (unsigned i = 0; i < cfg.n_routers; i++)
		if (fs_routers_add_text(&routers, cfg.routers[i]) < 0) {
			fprintf(stderr, "%s: router '%s' is not a MAC or IP address\n",
				path, cfg.routers[i]);
			rc = 1;
		}
	if (rc == 0)
		printf("%s: configuration OK (%u settings)\n", path,
		       fs_conf_count(conf));
	if (check_rules(cfg.rules_path ? cfg.rules_path : fs_agent_default_rules(),
			cfg.verbose) != 0)
		rc = 1;
	fs_conf_free(conf);
	return rc;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "floodspot: %s\n", msg);
	fprintf(stderr, "Try 'floodspot --help' for more information.\n");
	return 2;
}

static int run(const struct fs_cli *cli)
{
	struct fs_agent_config cfg;
	struct fs_conf *conf;
	unsigned errors = 0;
	if (fs_config_build(cli->config_path, cli, &cfg, &conf, stderr,
			    &errors) != 0) {
		fprintf(stderr, "floodspot: %s: %u error(s) in the configuration\n",
			cli->config_path, errors);
		return 2;
	}
	int rc;
	if (cfg.ifname && cfg.file)
		rc = usage_error("-i and -r exclude each other");
	else if (!cfg.ifname && !cfg.file)
		rc = usage_error("give -i IFACE or -r FILE");
	else {
		fs_log_init("floodspot", false, cfg.verbose);
		rc = fs_agent_run(&cfg);
	}
	fs_conf_free(conf);
	return rc;
}

int main(int argc, char **argv)
{
	struct fs_cli cli;
	char err[512];
	int rc = 0;

	switch (fs_cli_parse(&cli, argc, argv, err, sizeof(err))) {
	case FS_CLI_HELP:
		fs_options_usage(stdout);
		break;
	case FS_CLI_VERSION:
		printf("floodspot %s\n", FS_VERSION);
		break;
	case FS_CLI_ERROR:
		rc = usage_error(err);
		break;
	case FS_CLI_CHECK_RULES: {
		struct fs_agent_config cfg;
		fs_agent_config_defaults(&cfg);
		fs_cli_apply(&cli, &cfg);
		rc = check_rules(cli.check_rules_path, cfg.verbose);
		break;
	}
	case FS_CLI_CHECK_CONFIG:
		rc = check_config(&cli);
		break;
	case FS_CLI_RUN:
		rc = run(&cli);
		break;
	}
	fs_cli_fini(&cli);
	return rc;
}
