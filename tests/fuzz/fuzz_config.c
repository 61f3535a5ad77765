/*
 * Configuration file fuzz target. Invariants: NULL exactly when errors
 * were counted; a file that parses applies to a configuration within its
 * bounds; its restart diff against itself is empty.
 *
 * An include that names a path (a '/') or a glob pattern is left out:
 * the fuzzer soon writes a pattern over the root directory and then walks
 * the machine's file system, slow and never the same twice. Includes are tested on
 * files of their own in tests/unit/test_config.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void never(const char *key, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "a file differs from itself at '%s'\n", key);
	abort();
}

/* An "include" followed on its line by '/', '*', '?' or '['. */
static bool includes_paths(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	while ((p = memmem(p, (size_t)(end - p), "include", 7)) != NULL) {
		for (p += 7; p < end && *p != '\n'; p++)
			if (*p == '/' || *p == '*' || *p == '?' || *p == '[')
				return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (includes_paths(data, size))
		return 0;
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
