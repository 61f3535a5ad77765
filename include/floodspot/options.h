/* Command-line parsing into struct fs_agent_config. */
#ifndef FLOODSPOT_OPTIONS_H
#define FLOODSPOT_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "floodspot/agent.h"

enum fs_cli_action {
	FS_CLI_RUN,
	FS_CLI_CHECK_RULES,
	FS_CLI_HELP,
	FS_CLI_VERSION,
	FS_CLI_ERROR,		/* message in err; exit 2 with the usage hint */
};

/*
 * Parses argv. The filter is the remaining arguments joined by spaces, as
 * tcpdump does. Pointers in cfg point into argv or static storage.
 */
enum fs_cli_action fs_options_parse(int argc, char **argv,
				    struct fs_agent_config *cfg,
				    const char **check_rules_path, char *err,
				    size_t errlen);
void fs_options_usage(FILE *f);

#endif
