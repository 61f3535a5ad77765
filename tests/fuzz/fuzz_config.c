/*
 * Configuration file fuzz target. Invariants: NULL exactly when errors
 * were counted; a file that parses applies to a configuration within its
 * bounds; its restart diff against itself is empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "floodspot/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void never(const char *key, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "a file differs from itself at '%s'\n", key);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned errors = 0;
	struct fs_conf *c = fs_conf_parse("fuzz", (const char *)data, size, NULL,
					  &errors);
	if (!c) {
		if (errors == 0)
			abort();	/* NULL must mean errors were counted */
		return 0;
	}
	if (errors)
		abort();
	struct fs_agent_config cfg;
	fs_agent_config_defaults(&cfg);
	fs_conf_apply(c, NULL, &cfg);
	if (cfg.n_routers > FS_MAX_ROUTER_ARGS)
		abort();
	fs_conf_restart_changes(c, c, NULL, never, NULL);
	fs_conf_free(c);
	return 0;
}
