/*
 * The configuration file, in the manner of sshd_config:
 *   line    = *WS [ key 1*WS value | "include" 1*WS pattern | "#" text ] *WS
 *   key     = a long option's name (options.h), without the dashes
 *   value   = the rest of the line, as is (no quoting); flags take yes/no
 * A key may appear once, except repeatable ones (router). Includes are
 * glob(3) patterns, relative to the including file's directory, with
 * wildcards in the file name only; a pattern without wildcards must name a
 * readable file. Every value goes through
 * fs_option_apply, the command line's own check, so no option is
 * described twice.
 */
#include "floodspot/config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
	int id;
	char *value;
	const char *file;	/* one of fs_conf.files */
	unsigned line;
};

struct fs_conf {
	struct entry *e;
	unsigned n, cap;
	char **files;		/* names for messages, owned */
	unsigned n_files;
	/* while reading */
	struct fs_agent_config probe;	/* values checked as they come */
	FILE *errf;
	unsigned errors;
};

__attribute__((format(printf, 4, 5)))
static void report(struct fs_conf *c, const char *file, unsigned line,
		   const char *fmt, ...)
{
	c->errors++;
	if (!c->errf)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		fprintf(c->errf, "%s:%u: %s\n", file, line, msg);
	else
		fprintf(c->errf, "%s: %s\n", file, msg);
}

static const char *keep_name(struct fs_conf *c, const char *name)
{
	char **f = realloc(c->files, (c->n_files + 1) * sizeof(*f));
	if (!f)
		return NULL;
	c->files = f;
	f[c->n_files] = strdup(name);
	if (!f[c->n_files])
		return NULL;
	return f[c->n_files++];
}

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static void parse_text(struct fs_conf *c, const char *file, const char *text,
		       size_t len, int depth);

/* Reads a regular file of at most FS_CONF_FILE_MAX bytes. NULL with errno
 * set (EINVAL: not a regular file, EFBIG: too large). */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *buf = NULL;
	int e = 0;
	if (fstat(fd, &st) < 0) {
		e = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto out;
	}
	buf = malloc(FS_CONF_FILE_MAX + 1);
	if (!buf) {
		e = ENOMEM;
		goto out;
	}
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, buf + got, FS_CONF_FILE_MAX + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > FS_CONF_FILE_MAX) {
			e = EFBIG;
			break;
		}
	}
	if (e) {
		free(buf);
		buf = NULL;
	} else {
		buf[got] = '\0';
		*len = got;
	}
out:
	close(fd);
	errno = e;
	return buf;
}

static const char *why(int e)
{
	return e == EINVAL ? "not a regular file"
	       : e == EFBIG ? "larger than 1 MiB" : strerror(e);
}

/* Reads one file; an error opening it is reported at (from, line), or
 * without a line for the top file. */
static void read_file(struct fs_conf *c, const char *path, const char *from,
		      unsigned line, int depth)
{
	if (c->n_files >= FS_CONF_FILES_MAX) {
		report(c, from, line, "include %s: more than %d files in all",
		       path, FS_CONF_FILES_MAX);
		return;
	}
	size_t len = 0;
	char *text = slurp(path, &len);
	if (!text) {
		int e = errno;
		if (from)
			report(c, from, line, "include %s: %s", path, why(e));
		else
			report(c, path, 0, "%s", why(e));
		return;
	}
	const char *name = keep_name(c, path);
	if (!name)
		report(c, path, 0, "out of memory");
	else
		parse_text(c, name, text, len, depth);
	free(text);
}

/* glob(3) has no context argument: the reason travels here. */
static _Thread_local int glob_errno;

/* A directory that does not exist matches nothing; one that cannot be read
 * is an error. */
static int glob_error(const char *path, int err)
{
	(void)path;
	if (err == ENOENT || err == ENOTDIR)
		return 0;
	glob_errno = err;
	return 1;
}

static void include(struct fs_conf *c, const char *file, unsigned line,
		    const char *pattern, int depth)
{
	if (depth >= FS_CONF_INCLUDE_DEPTH) {
		report(c, file, line, "include %s: nested more than %d deep (a loop?)",
		       pattern, FS_CONF_INCLUDE_DEPTH);
		return;
	}
	char full[4096];
	const char *slash = strrchr(file, '/');
	if (pattern[0] != '/' && slash) {
		int n = snprintf(full, sizeof(full), "%.*s/%s",
				 (int)(slash - file), file, pattern);
		if (n < 0 || (size_t)n >= sizeof(full)) {
			report(c, file, line, "include %s: path too long", pattern);
			return;
		}
	} else {
		snprintf(full, sizeof(full), "%s", pattern);
	}
	if (!strpbrk(full, "*?[")) {
		read_file(c, full, file, line, depth + 1);
		return;
	}
	/* Wildcards in a directory would walk the filesystem (/proc, /sys). */
	const char *name = strrchr(full, '/');
	for (const char *p = full; name && p < name; p++) {
		if (strchr("*?[", *p)) {
			report(c, file, line,
			       "include %s: wildcards only in the file name (conf.d/*.conf)",
			       pattern);
			return;
		}
	}
	glob_t g;
	glob_errno = 0;
	int rc = glob(full, 0, glob_error, &g);
	if (rc == GLOB_NOMATCH) {
		globfree(&g);
		return;		/* an empty or absent conf.d is fine */
	}
	if (rc != 0) {
		report(c, file, line, "include %s: %s", pattern,
		       glob_errno ? strerror(glob_errno) : "cannot read the directory");
		globfree(&g);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		read_file(c, g.gl_pathv[i], file, line, depth + 1);
	globfree(&g);
}

static struct entry *find_setting(struct fs_conf *c, int setting)
{
	for (unsigned i = 0; i < c->n; i++)
		if (fs_option_setting(c->e[i].id) == setting)
			return &c->e[i];
	return NULL;
}

static void setting(struct fs_conf *c, const char *file, unsigned line,
		    const char *key, const char *value)
{
	int id = fs_option_find(key);
	if (id < 0) {
		report(c, file, line, "unknown key '%s'", key);
		return;
	}
	const struct fs_option *o = &fs_options[id];
	if (o->flags & FS_OPTF_CLI_ONLY) {
		int setting = fs_option_setting(id);
		if (setting != id && (o->flags & FS_OPTF_FLAG))
			report(c, file, line, "write '%s no'",
			       fs_options[setting].name);
		else
			report(c, file, line, "'%s' is for the command line only",
			       key);
		return;
	}
	if (!*value) {
		report(c, file, line, "%s needs a value%s", key,
		       o->flags & FS_OPTF_FLAG ? " (yes or no)" : "");
		return;
	}
	if (value[0] == '=' && (value[1] == '\0' || is_ws(value[1]))) {
		report(c, file, line, "write '%s VALUE', without '='", key);
		return;
	}
	const struct entry *prev = find_setting(c, fs_option_setting(id));
	if (prev && !(o->flags & FS_OPTF_REPEAT)) {
		if (prev->id == id)
			report(c, file, line, "duplicate key '%s' (first at %s:%u)",
			       key, prev->file, prev->line);
		else
			report(c, file, line, "'%s' and '%s' (at %s:%u) exclude each other",
			       key, fs_options[prev->id].name, prev->file,
			       prev->line);
		return;
	}
	if (c->n == c->cap) {
		unsigned cap = c->cap ? 2 * c->cap : 16;
		struct entry *e = realloc(c->e, cap * sizeof(*e));
		if (!e) {
			report(c, file, line, "out of memory");
			return;
		}
		c->e = e;
		c->cap = cap;
	}
	/* The probe keeps pointers to strings: give it the copy that lives. */
	char *v = strdup(value);
	if (!v) {
		report(c, file, line, "out of memory");
		return;
	}
	char err[512];
	if (fs_option_apply(&c->probe, id, key, v, err, sizeof(err)) != 0) {
		report(c, file, line, "%s", err);
		free(v);
		return;
	}
	c->e[c->n++] = (struct entry){ id, v, file, line };
}

static void parse_line(struct fs_conf *c, const char *file, unsigned line,
		       char *s, int depth)
{
	while (is_ws(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_ws(s[n - 1]))
		s[--n] = '\0';
	if (!*s || *s == '#')
		return;
	char *key = s;
	while (*s && !is_ws(*s) && *s != '=')
		s++;
	if (*s == '=') {
		*s = '\0';
		report(c, file, line, "write '%s VALUE', without '='", key);
		return;
	}
	if (*s)
		*s++ = '\0';
	while (is_ws(*s))
		s++;
	if (strcmp(key, "include") == 0) {
		if (!*s)
			report(c, file, line, "include needs a file or pattern");
		else
			include(c, file, line, s, depth);
		return;
	}
	setting(c, file, line, key, s);
}

static void parse_text(struct fs_conf *c, const char *file, const char *text,
		       size_t len, int depth)
{
	char buf[FS_CONF_LINE_MAX + 1];
	unsigned line = 0;
	size_t pos = 0;
	while (pos < len) {
		line++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t ll = end - pos;
		if (ll > FS_CONF_LINE_MAX) {
			report(c, file, line, "line longer than %d bytes",
			       FS_CONF_LINE_MAX);
		} else if (memchr(text + pos, '\0', ll)) {
			report(c, file, line, "NUL byte in the line");
		} else {
			memcpy(buf, text + pos, ll);
			buf[ll] = '\0';
			parse_line(c, file, line, buf, depth);
		}
		pos = end + 1;
	}
}

static struct fs_conf *conf_new(FILE *errf)
{
	struct fs_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	fs_agent_config_defaults(&c->probe);
	c->errf = errf;
	return c;
}

static struct fs_conf *conf_done(struct fs_conf *c, unsigned *errors)
{
	*errors += c->errors;
	if (c->errors) {
		fs_conf_free(c);
		return NULL;
	}
	c->errf = NULL;
	return c;
}

struct fs_conf *fs_conf_load(const char *path, FILE *errf, unsigned *errors)
{
	struct fs_conf *c = conf_new(errf);
	if (!c) {
		(*errors)++;
		return NULL;
	}
	read_file(c, path, NULL, 0, 0);
	return conf_done(c, errors);
}

struct fs_conf *fs_conf_parse(const char *name, const char *text, size_t len,
			      FILE *errf, unsigned *errors)
{
	struct fs_conf *c = conf_new(errf);
	if (!c) {
		(*errors)++;
		return NULL;
	}
	const char *kept = keep_name(c, name);
	if (!kept)
		report(c, name, 0, "out of memory");
	else
		parse_text(c, kept, text, len, 0);
	return conf_done(c, errors);
}

void fs_conf_free(struct fs_conf *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n; i++)
		free(c->e[i].value);
	for (unsigned i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->e);
	free(c->files);
	free(c);
}

unsigned fs_conf_count(const struct fs_conf *c)
{
	return c ? c->n : 0;
}

static bool overridden(const struct fs_cli *cli, int id)
{
	return cli && cli->given[fs_option_setting(id)];
}

void fs_conf_apply(const struct fs_conf *c, const struct fs_cli *cli,
		   struct fs_agent_config *cfg)
{
	char err[512];
	for (unsigned i = 0; i < c->n; i++)
		if (!overridden(cli, c->e[i].id))
			fs_option_apply(cfg, c->e[i].id, fs_options[c->e[i].id].name,
					c->e[i].value, err, sizeof(err));
}

int fs_config_build(const char *path, const struct fs_cli *cli,
		    struct fs_agent_config *cfg, struct fs_conf **conf,
		    FILE *errf, unsigned *errors)
{
	fs_agent_config_defaults(cfg);
	*conf = NULL;
	if (path) {
		*conf = fs_conf_load(path, errf, errors);
		if (!*conf)
			return -1;
		fs_conf_apply(*conf, cli, cfg);
	}
	if (cli)
		fs_cli_apply(cli, cfg);
	cfg->config_path = path;
	cfg->cli = cli;
	cfg->conf = *conf;
	return 0;
}

/* Entries of one setting, in order, against another file's. */
static bool same_setting(const struct fs_conf *a, const struct fs_conf *b,
			 int setting)
{
	unsigned i = 0, j = 0;
	for (;;) {
		while (a && i < a->n && fs_option_setting(a->e[i].id) != setting)
			i++;
		while (b && j < b->n && fs_option_setting(b->e[j].id) != setting)
			j++;
		bool ea = !a || i >= a->n, eb = !b || j >= b->n;
		if (ea || eb)
			return ea && eb;
		if (a->e[i].id != b->e[j].id || strcmp(a->e[i].value, b->e[j].value))
			return false;
		i++;
		j++;
	}
}

unsigned fs_conf_restart_changes(const struct fs_conf *running,
				 const struct fs_conf *fresh,
				 const struct fs_cli *cli,
				 void (*fn)(const char *key, void *ctx), void *ctx)
{
	unsigned n = 0;
	for (int id = 0; id < FS_OPT_N; id++) {
		unsigned f = fs_options[id].flags;
		if ((f & (FS_OPTF_RELOAD | FS_OPTF_CLI_ONLY)) ||
		    fs_option_setting(id) != id || overridden(cli, id))
			continue;
		if (!same_setting(running, fresh, id)) {
			fn(fs_options[id].name, ctx);
			n++;
		}
	}
	return n;
}
