/*
 * draw.c: the page's graphs, drawn in a short-lived child process.
 *
 * librrd 1.7's rrd_graph_v leaks inside itself (valgrind: blocks lost in
 * rrd_graph_v and in fontconfig under it; measured +4.4 MiB of RSS over
 * 2,000 graphs in one process), so the renderer forks once per refresh and
 * the child draws every graph and exits: the leak dies with it, and the
 * daemon never loads the font stack at all.
 *
 * Each graph goes to NAME.tmp, is fsynced and checked (PNG chunks whole up
 * to IEND, nothing after) and only then renamed over NAME: a full disk
 * leaves the last good image, never a truncated one (librrd reports no
 * error for a short write).
 *
 * The child shares the renderer's memory image, not its threads, so it
 * touches nothing another thread may hold a lock on: no stdio (messages go
 * back through the pipe) and no rrdcached client (the parent flushes the
 * files through the daemon first; the child reads them directly).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <rrd.h>
#include <rrd_client.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/log.h"
#include "html_int.h"

struct result {
	uint32_t index;
	uint8_t ok;
	char err[240];
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

bool fs_png_complete(int fd, char *why, size_t whylen)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					0x1a, '\n' };
	struct stat st;
	uint8_t b[8];
	if (fstat(fd, &st) != 0 || pread(fd, b, 8, 0) != 8 ||
	    memcmp(b, sig, 8) != 0) {
		snprintf(why, whylen, "not a PNG (%lld bytes)",
			 (long long)st.st_size);
		return false;
	}
	/* Chunks: length, type, data, CRC; the image ends with IEND. */
	for (off_t off = 8; off + 12 <= st.st_size;) {
		if (pread(fd, b, 8, off) != 8)
			break;
		off_t next = off + 12 + (off_t)be32(b);
		if (next > st.st_size)
			break;
		if (memcmp(b + 4, "IEND", 4) == 0) {
			if (next == st.st_size)
				return true;
			break;
		}
		off = next;
	}
	snprintf(why, whylen, "PNG cut short at %lld bytes",
		 (long long)st.st_size);
	return false;
}

/* In the child: one graph into NAME.tmp, checked, renamed over NAME. */
static bool draw_one(const char *dir, struct fs_html_job *j, char *err,
		     size_t errlen)
{
	char out[FS_STORE_PATH_MAX + 96], tmp[FS_STORE_PATH_MAX + 100];
	snprintf(out, sizeof(out), "%s/%s", dir, j->name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	j->req.out = tmp;
	j->req.format = "png";
	j->req.daemon = NULL;
	if (fs_graph_render(&j->req, err, errlen) != 0) {
		unlink(tmp);
		return false;
	}
	/* The parent names the graph; the messages say what failed. */
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open what was drawn: %s",
			 strerror(errno));
		return false;
	}
	bool ok = true;
	if (fsync(fd) != 0) {
		snprintf(err, errlen, "fsync: %s", strerror(errno));
		ok = false;
	} else if (!fs_png_complete(fd, err, errlen)) {
		ok = false;
	}
	close(fd);
	if (ok && rename(tmp, out) != 0) {
		snprintf(err, errlen, "rename: %s", strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	return ok;
}

static void child(const char *dir, struct fs_html_job *jobs, unsigned n,
		  int wfd)
{
	for (unsigned i = 0; i < n; i++) {
		struct result r = { .index = i };
		r.ok = draw_one(dir, &jobs[i], r.err, sizeof(r.err));
		/* sizeof(r) < PIPE_BUF: written whole or not at all. */
		if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
	}
	_exit(0);
}

unsigned fs_html_draw(const struct fs_html_draw_cfg *c,
		      struct fs_html_job *jobs, unsigned n)
{
	unsigned drawn = 0;
	for (unsigned i = 0; i < n; i++)
		jobs[i].ok = false;
	if (n == 0)
		return 0;
	/* Values rrdcached still holds reach the files before the child
	 * reads them. */
	if (c->daemon)
		for (unsigned i = 0; i < n; i++)
			if (jobs[i].rrd_file[0] &&
			    rrdc_flush_if_daemon(c->daemon, jobs[i].rrd_file) != 0)
				fs_log_limited(c->rl, mono_ms() * 1000,
					       FS_LOG_WARNING,
					       "html: rrdcached %s: flush %s: %s",
					       c->daemon, jobs[i].rrd_file,
					       rrd_get_error());
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		fs_log_errno(FS_LOG_WARNING, errno, "html: pipe");
		return 0;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fs_log_errno(FS_LOG_WARNING, errno, "html: fork");
		close(p[0]);
		close(p[1]);
		return 0;
	}
	if (pid == 0) {
		close(p[0]);
		child(c->dir, jobs, n, p[1]);
	}
	close(p[1]);
	if (c->child)
		atomic_store(c->child, (int)pid);
	int64_t deadline = mono_ms() + c->timeout_ms;
	bool killed = false;
	for (;;) {
		int64_t left = deadline - mono_ms();
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		int rc = left > 0 ? poll(&pf, 1, (int)left) : 0;
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			fs_log(FS_LOG_WARNING, "html: graphs not done after %u ms; "
			       "drawing stopped", c->timeout_ms);
			kill(pid, SIGKILL);	/* our own child, by pid */
			killed = true;
			break;
		}
		struct result r;
		ssize_t got = read(p[0], &r, sizeof(r));
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof(r))
			break;	/* EOF: the child is done */
		if (r.index >= n)
			continue;
		r.err[sizeof(r.err) - 1] = '\0';
		jobs[r.index].ok = r.ok;
		if (r.ok)
			drawn++;
		else
			fs_log_limited(c->rl, mono_ms() * 1000, FS_LOG_WARNING,
				       "html: %s: %s", jobs[r.index].name, r.err);
	}
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (c->child)
		atomic_store(c->child, 0);
	if (!killed && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		fs_log(FS_LOG_WARNING, "html: graph process ended abnormally "
		       "(status %d)", status);
	return drawn;
}
