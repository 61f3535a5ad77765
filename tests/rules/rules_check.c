/*
 * Test helper: parses a rules file or directory like --check-rules.
 * Errors go to stderr (exit 1); with -p the canonical form goes to stdout.
 */
#include <stdio.h>
#include <string.h>

#include "floodspot/rules.h"

int main(int argc, char **argv)
{
	int print = argc > 2 && !strcmp(argv[1], "-p");
	if (argc != 2 + print) {
		fprintf(stderr, "usage: rules_check [-p] PATH\n");
		return 2;
	}
	unsigned errors = 0;
	struct fs_ruleset *rs = fs_rules_load(argv[1 + print], stderr, &errors);
	if (!rs)
		return 1;
	if (print)
		fs_rules_print(rs, stdout);
	fs_rules_free(rs);
	return 0;
}
