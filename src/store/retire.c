/*
 * retire.c: the host and router files on disk, bounded in number and size.
 *
 * The capture side caps the hosts tracked at once, but hosts come and go:
 * under a random-MAC flood every second's top hosts are new, and each got
 * a file (measured: 1,239 files against a cap of 200 after 3 M packets).
 * So the writer keeps an index of every file in hosts/ and in routers/
 * (scanned at start, grown as it creates) and, before it creates one more,
 * deletes files that have had no update for retire_after_s, oldest first,
 * until the new file fits under the directory's caps (hosts:
 * max_host_files and max_bytes; routers: max_router_files of their size).
 * When none is old enough, the file is not created (counted): the bound
 * holds whatever the traffic does.
 *
 * "Last update" is the file's own (packet time, as rrd_last or rrdcached
 * report it). The index may hold an older time than the file (it is not
 * touched per update); a candidate is checked against the file itself
 * before it goes, and the earliest time anything can go is remembered so
 * a refused creation costs no I/O.
 *
 * A remote rrdcached has no delete command and its directory is not ours
 * to list: there the bound is on the files this run creates.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <rrd.h>
#include <rrd_client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_priv.h"

static const char *const subdir[FS_STORE_DISKS] = { "hosts", "routers" };

static bool rrd_file_name(const char *n)
{
	size_t len = strlen(n);
	return n[0] != '.' && len > 4 && len < FS_STORE_DFILE_NAME &&
	       strcmp(n + len - 4, ".rrd") == 0;
}

static void path_of(const struct fs_store *s, unsigned which,
		    const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s", s->dir, subdir[which], name);
}

static uint32_t max_files(const struct fs_store *s, unsigned which)
{
	return which == FS_STORE_DISK_HOSTS ? s->cfg.max_host_files
					    : s->cfg.max_router_files;
}

static uint64_t max_bytes(const struct fs_store *s, unsigned which)
{
	return which == FS_STORE_DISK_HOSTS
		       ? fs_store_max_bytes(&s->cfg)
		       : (uint64_t)s->cfg.max_router_files *
				 fs_store_file_bytes(&s->cfg, FS_STORE_K_ROUTER);
}

static int add(struct fs_store_disk *d, const char *name, int64_t last_s,
	       uint64_t bytes)
{
	if (d->n == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 256;
		struct fs_store_dfile *f = realloc(d->f, cap * sizeof(*f));
		if (!f)
			return -1;
		d->f = f;
		d->cap = cap;
	}
	struct fs_store_dfile *e = &d->f[d->n++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->last_s = last_s;
	e->bytes = bytes;
	d->bytes += bytes;
	return 0;
}

static int scan(struct fs_store *s, unsigned which)
{
	struct fs_store_disk *d = &s->disk[which];
	d->remote = s->use_daemon && !s->local_dir;
	if (d->remote)
		return 0;
	char path[FS_STORE_PATH_MAX + 96];
	snprintf(path, sizeof(path), "%s/%s", s->dir, subdir[which]);
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (!rrd_file_name(de->d_name))
			continue;
		struct stat st;
		path_of(s, which, de->d_name, path, sizeof(path));
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		/* The time known so far; checked again before the file goes. */
		rrd_clear_error();
		time_t last = rrd_last_r(path);
		if (add(d, de->d_name, last > 0 ? last : 0,
			(uint64_t)st.st_size) != 0) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

int fs_store_disk_init(struct fs_store *s)
{
	int rc = 0;
	for (unsigned w = 0; w < FS_STORE_DISKS; w++)
		if (scan(s, w) != 0)
			rc = -1;
	return rc;
}

void fs_store_disk_fini(struct fs_store *s)
{
	for (unsigned w = 0; w < FS_STORE_DISKS; w++) {
		free(s->disk[w].f);
		memset(&s->disk[w], 0, sizeof(s->disk[w]));
	}
}

/* The file's own last update, or -1 when it cannot be learned now. */
static int64_t file_last(struct fs_store *s, const char *path)
{
	rrd_clear_error();
	if (s->use_daemon) {
		/* LAST reads the file: what rrdcached holds goes there first. */
		if (!fs_store_daemon_up(s) || rrdc_flush(path) != 0)
			return -1;
		time_t t = rrdc_last(path);
		return t > 0 ? t : -1;
	}
	time_t t = rrd_last_r(path);
	return t > 0 ? t : -1;
}

static void drop(struct fs_store_disk *d, uint32_t i)
{
	d->bytes -= d->f[i].bytes;
	d->f[i] = d->f[--d->n];
}

/* Its next update must open the file anew (it may be created again). */
static void forget_writer_state(struct fs_store *s, unsigned which,
				const char *name)
{
	unsigned vlan, m[6], ip[4];
	if (which == FS_STORE_DISK_HOSTS &&
	    sscanf(name, "%u-%2x-%2x-%2x-%2x-%2x-%2x.rrd", &vlan, &m[0], &m[1],
		   &m[2], &m[3], &m[4], &m[5]) == 7) {
		uint8_t mac[6];
		for (int k = 0; k < 6; k++)
			mac[k] = (uint8_t)m[k];
		fs_store_wfile_reopen(s, FS_STORE_K_HOST, (uint16_t)vlan, mac,
				      0);
	} else if (which == FS_STORE_DISK_ROUTERS &&
		   sscanf(name, "%u.%u.%u.%u.rrd", &ip[0], &ip[1], &ip[2],
			  &ip[3]) == 4) {
		uint32_t id = (ip[0] & 255) << 24 | (ip[1] & 255) << 16 |
			      (ip[2] & 255) << 8 | (ip[3] & 255);
		fs_store_wfile_reopen(s, FS_STORE_K_ROUTER, 0, NULL, id);
	}
}

/* Deletes the oldest file gone long enough; false when none is. */
static bool retire_one(struct fs_store *s, unsigned which, int64_t now_s)
{
	struct fs_store_disk *d = &s->disk[which];
	int64_t age = s->cfg.retire_after_s;
	for (;;) {
		if (now_s < d->none_before_s)
			return false;
		int64_t oldest = INT64_MAX;
		uint32_t at = UINT32_MAX;
		for (uint32_t i = 0; i < d->n; i++)
			if (d->f[i].last_s < oldest) {
				oldest = d->f[i].last_s;
				at = i;
			}
		if (at == UINT32_MAX || oldest + age > now_s) {
			d->none_before_s = oldest == INT64_MAX ? INT64_MAX
							       : oldest + age;
			return false;
		}
		char path[FS_STORE_PATH_MAX + 96];
		path_of(s, which, d->f[at].name, path, sizeof(path));
		int64_t last = file_last(s, path);
		struct stat st;
		if (last < 0 && stat(path, &st) != 0 && errno == ENOENT) {
			drop(d, at);	/* deleted behind our back */
			continue;
		}
		if (last < 0)
			return false;	/* rrdcached away: delete nothing blind */
		if (last + age > now_s) {
			d->f[at].last_s = last;	/* fresher than we knew */
			continue;
		}
		if (s->use_daemon)
			rrdc_forget(path);	/* nothing of it cached anymore */
		if (unlink(path) != 0 && errno != ENOENT) {
			fs_log_limited(&s->rl_create, fs_store_mono_us(),
				       FS_LOG_WARNING, "%s: cannot delete: %s",
				       path, strerror(errno));
			return false;
		}
		atomic_fetch_add_explicit(&s->retired, 1, memory_order_relaxed);
		fs_log_limited(&s->rl_retire, fs_store_mono_us(), FS_LOG_INFO,
			       "%s: deleted (no update for %" PRId64
			       " s; %s files at the cap)",
			       path, now_s - last, subdir[which]);
		forget_writer_state(s, which, d->f[at].name);
		drop(d, at);
		return true;
	}
}

/* Retires until files + extra fit the count and bytes + need the size. */
static bool fit(struct fs_store *s, unsigned which, int64_t now_s,
		uint32_t extra, uint64_t need)
{
	struct fs_store_disk *d = &s->disk[which];
	while (d->n + extra > max_files(s, which) ||
	       d->bytes + need > max_bytes(s, which))
		if (!retire_one(s, which, now_s))
			return false;
	return true;
}

bool fs_store_disk_room(struct fs_store *s, unsigned which, int64_t now_s,
			uint64_t need)
{
	if (s->disk[which].remote)
		return s->disk[which].created < max_files(s, which);
	return fit(s, which, now_s, 1, need);
}

void fs_store_disk_trim(struct fs_store *s, int64_t now_s)
{
	for (unsigned w = 0; w < FS_STORE_DISKS; w++)
		if (!s->disk[w].remote && now_s > 0)
			fit(s, w, now_s, 0, 0);
}

void fs_store_disk_created(struct fs_store *s, unsigned which,
			   const char *name, int64_t now_s, uint64_t bytes)
{
	struct fs_store_disk *d = &s->disk[which];
	d->created++;
	if (d->remote)
		return;
	if (add(d, name, now_s, bytes) != 0)
		fs_log(FS_LOG_WARNING, "rrd: out of memory for the file index");
}
