/*
 * src/rules: the rules language and the detector.
 *   ruleset.c   loading files and directories, the ruleset container
 *   parse.c     lexer and parser with error recovery
 *   print.c     canonical printer
 *   metric.c    metric names, units and subjects
 *   eval.c      metric values and conditions for one subject
 *   table.c     alert table keyed by (rule, subject): pending/active state
 *   detect.c    the per-second tick over the hosts table and the OSPF
 *               routers, lifecycle, rate cap, routing events
 *   correlate.c naming the culprit of a routing incident
 *   health.c    the agent's own health, read by rules on agent.* metrics
 */
#include "rules_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX (1u << 20)

struct fs_ruleset *fs_ruleset_new(void)
{
	return calloc(1, sizeof(struct fs_ruleset));
}

struct fs_rule *fs_ruleset_add(struct fs_ruleset *rs)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct fs_rule *n = realloc(rs->rule, cap * sizeof(*n));
		if (!n)
			return NULL;
		rs->rule = n;
		rs->cap = cap;
	}
	struct fs_rule *r = &rs->rule[rs->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

const struct fs_rule *fs_ruleset_find(const struct fs_ruleset *rs,
				      const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->rule[i].name[0] && !strcmp(rs->rule[i].name, name))
			return &rs->rule[i];
	return NULL;
}

size_t fs_rules_count(const struct fs_ruleset *rs)
{
	return rs ? rs->n : 0;
}

void fs_rules_free(struct fs_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->rule);
	free(rs);
}

struct fs_ruleset *fs_rules_parse(const char *name, const char *text,
				  size_t len, FILE *err, unsigned *n_errors)
{
	struct fs_ruleset *rs = fs_ruleset_new();
	unsigned e = rs ? fs_rules_parse_into(rs, name, text, len, err) : 1;
	if (n_errors)
		*n_errors = e;
	if (e) {
		fs_rules_free(rs);
		return NULL;
	}
	return rs;
}

static const char *file_type(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket"
	       : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
	       : S_ISDIR(m) ? "a directory" : "not a regular file";
}

/* in_dir: found by listing a directory, where only regular files are read
 * and nothing waits (a FIFO named *.rules must not hang a reload); a path
 * named on its own may be a pipe (--check-rules /dev/stdin). */
static unsigned load_file(struct fs_ruleset *rs, const char *path, FILE *err,
			  bool in_dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
				    (in_dir ? O_NONBLOCK : 0));
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (err)
			fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (in_dir ? !S_ISREG(st.st_mode) : S_ISDIR(st.st_mode)) {
		if (err)
			fprintf(err, "%s: %s, not a rules file\n", path,
				file_type(st.st_mode));
		close(fd);
		return 1;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		if (err)
			fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	char *buf = malloc(FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	bool rerr = ferror(f);
	fclose(f);
	unsigned e = 0;
	if (!buf || rerr) {
		if (err)
			fprintf(err, "%s: cannot read\n", path);
		e = 1;
	} else if (n > FILE_MAX) {
		if (err)
			fprintf(err, "%s: file too large (at most %u bytes)\n", path,
				FILE_MAX);
		e = 1;
	} else {
		e = fs_rules_parse_into(rs, path, buf, n, err);
	}
	free(buf);
	return e;
}

static int rules_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 6 && !strcmp(d->d_name + n - 6, ".rules");
}

struct fs_ruleset *fs_rules_load(const char *path, FILE *err,
				 unsigned *n_errors)
{
	unsigned e = 0;
	struct fs_ruleset *rs = fs_ruleset_new();
	struct stat st;
	if (!rs) {
		e = 1;
	} else if (stat(path, &st) != 0) {
		if (err)
			fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		e = 1;
	} else if (S_ISDIR(st.st_mode)) {
		struct dirent **names;
		int n = scandir(path, &names, rules_file, alphasort);
		if (n < 0) {
			if (err)
				fprintf(err, "%s: cannot read directory: %s\n", path,
					strerror(errno));
			e = 1;
		} else {
			for (int i = 0; i < n; i++) {
				char sub[4096];
				snprintf(sub, sizeof(sub), "%s/%s", path,
					 names[i]->d_name);
				e += load_file(rs, sub, err, true);
				free(names[i]);
			}
			free(names);
		}
	} else {
		e = load_file(rs, path, err, false);
	}
	/* No rules is no detection: never what a reload should switch to. */
	if (rs && e == 0 && rs->n == 0) {
		if (err)
			fprintf(err, "%s: no rules (%s)\n", path,
				S_ISDIR(st.st_mode) ? "no *.rules file, or only empty ones"
						    : "the file is empty or only comments");
		e = 1;
	}
	if (n_errors)
		*n_errors = e;
	if (e) {
		fs_rules_free(rs);
		return NULL;
	}
	return rs;
}
