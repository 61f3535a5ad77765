/*
 * Rules parser fuzz target. Invariant: text that parses prints a canonical
 * form that parses again and prints identically; errors never crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_rules(const struct fs_ruleset *rs, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		abort();
	fs_rules_print(rs, f);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned e1 = 0, e2 = 0;
	struct fs_ruleset *rs = fs_rules_parse("fuzz", (const char *)data, size,
					       NULL, &e1);
	if (!rs) {
		if (e1 == 0)
			abort();	/* NULL must mean errors were counted */
		return 0;
	}
	size_t l1, l2;
	char *p1 = print_rules(rs, &l1);
	struct fs_ruleset *rs2 = fs_rules_parse("print", p1, l1, stderr, &e2);
	if (!rs2 || fs_rules_count(rs2) != fs_rules_count(rs)) {
		fprintf(stderr, "canonical form does not parse:\n%s", p1);
		abort();
	}
	char *p2 = print_rules(rs2, &l2);
	if (l1 != l2 || memcmp(p1, p2, l1) != 0) {
		fprintf(stderr, "canonical form unstable:\n%s---\n%s", p1, p2);
		abort();
	}
	free(p1);
	free(p2);
	fs_rules_free(rs);
	fs_rules_free(rs2);
	return 0;
}
