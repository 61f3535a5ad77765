/*
 * Rules: what is anomalous. Parsed from rules/ files into an immutable
 * ruleset; errors are reported as "file:line:col: message".
 */
#ifndef FLOODSPOT_RULES_H
#define FLOODSPOT_RULES_H

#include <stddef.h>
#include <stdio.h>

struct fs_ruleset;

/*
 * Loads a file, or every *.rules file of a directory in name order. In a
 * directory only regular files are read (a FIFO or device named *.rules
 * is an error, never waited on); a path named on its own may be a pipe.
 * No rules at all is an error, so a reload cannot turn detection off.
 * Reports every error to err and returns NULL when there was any.
 */
struct fs_ruleset *fs_rules_load(const char *path, FILE *err,
				 unsigned *n_errors);
/* Parses text; name is used in error messages. */
struct fs_ruleset *fs_rules_parse(const char *name, const char *text,
				  size_t len, FILE *err, unsigned *n_errors);
/* Canonical form: parses back to the same rules. */
void fs_rules_print(const struct fs_ruleset *rs, FILE *f);
size_t fs_rules_count(const struct fs_ruleset *rs);
void fs_rules_free(struct fs_ruleset *rs);

#endif
