/*
 * The configuration file: one "key value" line per setting, the keys being
 * the long options (options.h), "include PATTERN" for more files. Errors
 * are reported as "file:line: message", all of them, and the whole file is
 * refused when there is any.
 */
#ifndef FLOODSPOT_CONFIG_H
#define FLOODSPOT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "floodspot/agent.h"
#include "floodspot/options.h"

#define FS_CONF_LINE_MAX 4096		/* bytes per line */
#define FS_CONF_FILE_MAX (1u << 20)	/* bytes per file */
#define FS_CONF_INCLUDE_DEPTH 8
#define FS_CONF_FILES_MAX 256		/* files read in all */

struct fs_conf;

/* Reads path and what it includes. NULL when anything is wrong; every
 * problem went to errf (may be NULL) and was counted in *errors. */
struct fs_conf *fs_conf_load(const char *path, FILE *errf, unsigned *errors);
/* The same on text in memory, named name in messages; includes are read
 * from the file system, relative ones from the current directory. */
struct fs_conf *fs_conf_parse(const char *name, const char *text, size_t len,
			      FILE *errf, unsigned *errors);
void fs_conf_free(struct fs_conf *c);
/* Settings in the file (include lines excluded). */
unsigned fs_conf_count(const struct fs_conf *c);

/* Stores each setting not given on the command line (cli may be NULL).
 * Strings stay owned by c: free it after cfg is done with. */
void fs_conf_apply(const struct fs_conf *c, const struct fs_cli *cli,
		   struct fs_agent_config *cfg);

/*
 * Builds a configuration as at start and on reload: defaults, then the
 * file at path (none when NULL), then the command line (may be NULL).
 * Fills cfg's config_path, cli and conf. Returns 0, or -1 after reporting
 * the file's errors.
 */
int fs_config_build(const char *path, const struct fs_cli *cli,
		    struct fs_agent_config *cfg, struct fs_conf **conf,
		    FILE *errf, unsigned *errors);

/* Calls fn with each key whose value differs between the two files and
 * that only a restart applies (options without FS_OPTF_RELOAD), except
 * those the command line overrides. Returns how many. */
unsigned fs_conf_restart_changes(const struct fs_conf *running,
				 const struct fs_conf *fresh,
				 const struct fs_cli *cli,
				 void (*fn)(const char *key, void *ctx), void *ctx);

#endif
