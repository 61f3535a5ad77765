/*
 * The writer thread: drains the ring, creates missing files (or resumes
 * existing ones) and writes updates with librrd's thread-safe calls or
 * through rrdcached. Every failure is logged with a rate limit, counted,
 * and the update dropped: the capture side never waits for it.
 */
#include <errno.h>
#include <inttypes.h>
#include <rrd.h>
#include <rrd_client.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "floodspot/fmt.h"
#include "floodspot/thread.h"
#include "store_priv.h"

#define FAIL_RETRY_S 30		/* a file that failed is retried this late */
#define BATCH_VALUES 32		/* updates to one file in one call */
#define LOCK_TRIES 25		/* a file locked by a graph: tries, */
#define LOCK_WAIT_NS 20000000L	/* this far apart (0.5 s in all) */
#define FS_STORE_EVENTS_MAX (16L << 20)	/* events.log, then events.log.1 */

bool fs_store_lock_wait(const char *err, int tries)
{
	if (tries >= LOCK_TRIES || !err || !strstr(err, "could not lock"))
		return false;
	nanosleep(&(struct timespec){ 0, LOCK_WAIT_NS }, NULL);
	return true;
}

static int64_t mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int64_t fs_store_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool same_session(const struct fs_store_session *a,
			 const struct fs_store_session *b)
{
	return memcmp(a->proto, b->proto, sizeof(a->proto)) == 0 &&
	       fs_seg_eq(a->seg, b->seg) && a->ip_version == b->ip_version &&
	       a->extra == b->extra && memcmp(a->ip, b->ip, sizeof(a->ip)) == 0;
}
#define mono_us fs_store_mono_us

static bool same_key(const struct fs_store_rec *a, const struct fs_store_rec *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == FS_STORE_K_SESSION)
		return same_session(&a->sess, &b->sess);
	return a->vlan == b->vlan && a->id == b->id &&
	       memcmp(a->mac, b->mac, 6) == 0;
}

/* A file's key: (kind, VLAN, MAC, id), the MAC zero unless a host's; a
 * session's by what names it. */
struct fkey {
	const struct fs_store *s;
	uint8_t kind;
	uint16_t vlan;
	uint8_t mac[6];
	uint32_t id;
	const struct fs_store_session *sess;
	struct fs_hword h;
};

static struct fkey fkey(const struct fs_store *s, uint8_t kind, uint16_t vlan,
			const uint8_t *mac, uint32_t id,
			const struct fs_store_session *sess)
{
	struct fkey k = { .s = s, .kind = kind, .vlan = vlan, .id = id };
	if (kind == FS_STORE_K_SESSION) {
		k.sess = sess;
		k.h = fs_store_session_word(s, sess);
		return k;
	}
	uint64_t w[2] = { (uint64_t)kind << 48 | (uint64_t)vlan << 32 | id, 0 };
	if (kind == FS_STORE_K_HOST) {
		memcpy(k.mac, mac, 6);
		for (int i = 0; i < 6; i++)
			w[1] = w[1] << 8 | mac[i];
	}
	k.h = fs_hkey_words(&s->hkey, w, 2);
	return k;
}

static struct fkey fkey_rec(const struct fs_store *s,
			    const struct fs_store_rec *r)
{
	return fkey(s, r->kind, r->vlan, r->mac, r->id, &r->sess);
}

static struct fkey fkey_file(const struct fs_store *s,
			     const struct fs_store_wfile *f)
{
	return fkey(s, f->kind, f->vlan, f->mac, f->id, &f->sess);
}

static bool fkey_match(const void *ctx, uint32_t i)
{
	const struct fkey *k = ctx;
	const struct fs_store_wfile *f = &k->s->files[i];
	if (f->kind != k->kind)
		return false;
	if (k->kind == FS_STORE_K_SESSION)
		return same_session(&f->sess, k->sess);
	return f->vlan == k->vlan && f->id == k->id &&
	       memcmp(f->mac, k->mac, 6) == 0;
}

/*
 * The file cache is only a cache: when it is full, the clock hand forgets
 * a file not used since it last passed (second chance), and that file is
 * resumed from disk when it is written again.
 */
static uint32_t wfile_evict(struct fs_store *s)
{
	for (;;) {
		uint32_t i = s->files_hand;
		struct fs_store_wfile *f = &s->files[i];
		s->files_hand = (i + 1) % s->files_cap;
		if (f->referenced) {
			f->referenced = false;
			continue;
		}
		struct fkey k = fkey_file(s, f);
		fs_hidx_remove_val(&s->files_ix, k.h.word, k.h.hash, i);
		return i;
	}
}

static struct fs_store_wfile *wfile_get(struct fs_store *s,
					const struct fs_store_rec *r,
					bool *fresh)
{
	struct fkey k = fkey_rec(s, r);
	uint32_t i = fs_hidx_find_match(&s->files_ix, k.h.word, k.h.hash,
					fkey_match, &k);
	*fresh = i == FS_HIDX_NONE;
	if (*fresh) {
		i = fs_hids_get(&s->files_ids);
		if (i == FS_HIDX_NONE)
			i = wfile_evict(s);
		fs_hidx_insert(&s->files_ix, k.h.word, k.h.hash, i);
		struct fs_store_wfile *f = &s->files[i];
		memset(f, 0, sizeof(*f));
		f->kind = k.kind;
		f->vlan = k.vlan;
		memcpy(f->mac, k.mac, 6);
		f->id = k.id;
		if (k.kind == FS_STORE_K_SESSION)
			f->sess = r->sess;
	}
	s->files[i].referenced = true;
	return &s->files[i];
}

int fs_store_files_check(const struct fs_store *s)
{
	uint32_t taken = s->files_cap - s->files_ids.n;
	if (taken != s->files_ix.n || fs_hidx_check(&s->files_ix) != 0)
		return -1;
	/* Records are taken in order until the first eviction. */
	for (uint32_t i = 0; i < taken; i++) {
		const struct fs_store_wfile *f = &s->files[i];
		struct fkey k = fkey_file(s, f);
		if (fs_hidx_find_match(&s->files_ix, k.h.word, k.h.hash,
				       fkey_match, &k) != i)
			return -1;
	}
	return 0;
}

void fs_store_wfile_reopen(struct fs_store *s, uint8_t kind, uint16_t vlan,
			   const uint8_t mac[6], uint32_t id)
{
	static const uint8_t zero[6];
	struct fkey k = fkey(s, kind, vlan, mac ? mac : zero, id, NULL);
	uint32_t i = fs_hidx_find_match(&s->files_ix, k.h.word, k.h.hash,
					fkey_match, &k);
	if (i == FS_HIDX_NONE)
		return;
	/* The retry path learns the file's state again. */
	s->files[i].failed = true;
	s->files[i].refused = false;
	s->files[i].retry_mono_s = 0;
}

static const char *rrd_err(void)
{
	const char *e = rrd_get_error();
	return e && *e ? e : "unknown librrd error";
}

/* After a failed call: true when the daemon, not the file, failed. */
static bool daemon_gone(struct fs_store *s)
{
	/* librrd 1.7 exports no PING: STATS asks the daemon instead. */
	rrdc_stats_t *st = NULL;
	if (rrdc_is_connected(s->daemon) && rrdc_stats_get(&st) == 0) {
		rrdc_stats_free(st);
		return false;
	}
	fs_store_daemon_lost(s);
	return true;
}

/*
 * librrd 1.7 fails a create on a full filesystem without any error text
 * (and errno is clobbered by its cleanup), so say what we can see.
 */
static const char *create_error(const struct fs_store *s, uint8_t kind,
				const char *path, char *buf, size_t len)
{
	const char *e = rrd_get_error();
	if (e && *e)
		return e;
	char dir[FS_STORE_PATH_MAX + 160];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	struct statvfs vfs;
	if (!s->use_daemon && statvfs(dir, &vfs) == 0) {
		uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		uint64_t need = fs_store_file_bytes(&s->cfg,
							   (enum fs_store_kind)kind);
		snprintf(buf, len, "%s (%" PRIu64 " KiB free, file needs %" PRIu64
			 " KiB)", avail < need ? strerror(ENOSPC)
					       : "librrd gave no reason",
			 avail / 1024, need / 1024);
		return buf;
	}
	return "librrd gave no reason";
}

static void publish_disk(struct fs_store *s)
{
	const struct fs_store_disk *h = &s->disk[FS_STORE_DISK_HOSTS];
	atomic_store_explicit(&s->disk_files, h->n, memory_order_relaxed);
	atomic_store_explicit(&s->disk_bytes, h->bytes, memory_order_relaxed);
	atomic_store_explicit(&s->router_files,
			      s->disk[FS_STORE_DISK_ROUTERS].n,
			      memory_order_relaxed);
}

/* Which capped directory a kind's files live in, or -1. */
static int disk_of(uint8_t kind)
{
	return kind == FS_STORE_K_HOST ? FS_STORE_DISK_HOSTS
	       : kind == FS_STORE_K_ROUTER ? FS_STORE_DISK_ROUTERS : -1;
}

/* A new host or router file must fit under its caps (retire.c); refused,
 * it is counted and its updates are dropped until a retry finds room. */
static bool make_room(struct fs_store *s, struct fs_store_wfile *f,
		      const char *path, int64_t now_s)
{
	int w = disk_of(f->kind);
	if (w < 0)
		return true;
	bool ok = fs_store_disk_room(s, (unsigned)w, now_s,
				     fs_store_file_bytes(&s->cfg,
							 (enum fs_store_kind)f->kind));
	publish_disk(s);
	if (ok)
		return true;
	f->refused = true;
	atomic_fetch_add_explicit(&s->refused, 1, memory_order_relaxed);
	fs_log_limited(&s->rl_refuse, mono_us(), FS_LOG_WARNING,
		       "%s: not created: files at the cap (%u files, "
		       "%" PRIu64 " MiB) and none idle for %u s",
		       path, s->disk[w].n, s->disk[w].bytes >> 20,
		       s->cfg.retire_after_s);
	return false;
}

#define OPEN_AWAY (-2)	/* the daemon went away: try again later */

/* Creates the file, or learns the last update of an existing one;
 * 0, -1, or OPEN_AWAY. */
static int wfile_open(struct fs_store *s, struct fs_store_wfile *f,
		      const char *path, int64_t first_ts)
{
	const char *argv[FS_STORE_MAX_DS + 2 * FS_STORE_MAX_RRAS];
	char buf[1024];
	int argc = fs_store_create_args(&s->cfg, (enum fs_store_kind)f->kind,
					argv, (int)(sizeof(argv) / sizeof(argv[0])),
					buf, sizeof(buf));
	unsigned long step = s->cfg.step_s;
	time_t start = (time_t)(first_ts - (int64_t)step);
	int rc;

	if (argc < 0)
		return -1;
	rrd_clear_error();
	if (s->use_daemon) {
		if (!fs_store_daemon_up(s))
			return OPEN_AWAY;
		time_t last = rrdc_last(path);
		if (last > 0) {
			f->last_s = last;
			return 0;
		}
		if (daemon_gone(s))
			return OPEN_AWAY;
		if (!make_room(s, f, path, first_ts))
			return -1;
		rrd_clear_error();
		rc = rrdc_create_r2(path, step, start, 1,
					  NULL, NULL, argc, argv);
		if (rc != 0) {
			char why[256];
			snprintf(why, sizeof(why), "%s", rrd_err());
			if (daemon_gone(s))
				return OPEN_AWAY;
			rrd_set_error("%s", why);
		}
	} else {
		struct stat st;
		if (stat(path, &st) == 0) {
			time_t last = rrd_last_r(path);
			if (last < 0) {
				fs_log_limited(&s->rl_create, mono_us(),
					       FS_LOG_WARNING,
					       "%s: cannot read last update: %s",
					       path, rrd_err());
				return -1;
			}
			f->last_s = last;
			return 0;
		}
		if (!make_room(s, f, path, first_ts))
			return -1;
		rc = rrd_create_r2(path, step, start, 1, NULL, NULL, argc,
				   argv);
	}
	if (rc != 0) {
		char why[160];
		fs_log_limited(&s->rl_create, mono_us(), FS_LOG_WARNING,
			       "%s: cannot create: %s", path,
			       create_error(s, f->kind, path, why,
					    sizeof(why)));
		if (!s->use_daemon)
			unlink(path);	/* a partial file would block resume */
		return -1;
	}
	atomic_fetch_add_explicit(&s->created, 1, memory_order_relaxed);
	f->last_s = start;
	int w = disk_of(f->kind);
	if (w >= 0) {
		struct stat st;
		uint64_t bytes = stat(path, &st) == 0
					 ? (uint64_t)st.st_size
					 : fs_store_file_bytes(&s->cfg,
							       (enum fs_store_kind)f->kind);
		const char *slash = strrchr(path, '/');
		fs_store_disk_created(s, (unsigned)w, slash ? slash + 1 : path,
				      first_ts, bytes);
		publish_disk(s);
	}
	return 0;
}

/* Time of the last line of an events.log from an earlier run, so a replay run
 * twice does not append its events twice; -1 when none. */
static double events_last_ts(const char *path)
{
	char buf[512];
	double ts = -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (fseek(f, -(long)sizeof(buf) + 1, SEEK_END) != 0)
		rewind(f);
	while (fgets(buf, sizeof(buf), f)) {
		double t;
		if (sscanf(buf, "%lf", &t) == 1)
			ts = t;
	}
	fclose(f);
	return ts;
}

static void write_event(struct fs_store *s, const struct fs_store_rec *r)
{
	char a[16], b[16];
	double ts = (double)r->ts_s + r->ts_frac_us / 1e6;
	if (!s->evdir[0])
		return;	/* remote store, no --evidence: no local file */
	if (!s->events) {
		char path[FS_STORE_PATH_MAX + 16];
		snprintf(path, sizeof(path), "%s/events.log", s->evdir);
		s->events_last = events_last_ts(path);
		s->events = fopen(path, "ae");
		if (!s->events) {
			int e = errno;
			atomic_fetch_add_explicit(&s->errors, 1,
						  memory_order_relaxed);
			fs_log_limited(&s->rl_events, mono_us(),
				       FS_LOG_WARNING, "%s: %s", path,
				       strerror(e));
			return;
		}
	}
	/* Only what the file held before this run: events of one packet
	 * time may share a timestamp. */
	if (ts <= s->events_last) {
		atomic_fetch_add_explicit(&s->skipped_old, 1,
					  memory_order_relaxed);
		return;
	}
	if (r->kind == FS_STORE_K_ALERT) {
		char mac[FS_MAC_STRLEN], vlan[8];
		bool host = r->unknown & FS_STORE_ALERT_HOST;
		snprintf(vlan, sizeof(vlan), "%u", (unsigned)r->vlan);
		fprintf(s->events, "%" PRId64 ".%06d alert %s %s %s %s %s %s\n",
			r->ts_s, (int)r->ts_frac_us,
			fs_alert_state_name((enum fs_alert_state)r->from),
			r->rule[0] ? r->rule : "-",
			fs_alert_severity_name((enum fs_alert_severity)r->to),
			host || (r->unknown & FS_STORE_ALERT_ROUTER) ? vlan : "-",
			host ? fs_fmt_mac(mac, r->mac) : "-",
			r->unknown & FS_STORE_ALERT_ROUTER ? fs_fmt_id(a, r->id)
							   : "-");
	} else {
		fprintf(s->events, "%" PRId64 ".%06d %s %s %s %s %u\n", r->ts_s,
			(int)r->ts_frac_us, fs_fmt_id(a, r->id),
			fs_fmt_id(b, r->id2),
			fs_ospf_state_name((enum fs_ospf_state)r->from),
			fs_ospf_state_name((enum fs_ospf_state)r->to),
			(unsigned)r->vlan);
	}
	atomic_fetch_add_explicit(&s->events_written, 1, memory_order_relaxed);
	/* Bounded like the RRD files: a flapping (or forged) adjacency must
	 * not fill the disk. One older generation is kept. */
	long size = ftell(s->events);
	if (size > FS_STORE_EVENTS_MAX) {
		char path[FS_STORE_PATH_MAX + 16], old[FS_STORE_PATH_MAX + 16];
		snprintf(path, sizeof(path), "%s/events.log", s->evdir);
		snprintf(old, sizeof(old), "%s/events.log.1", s->evdir);
		fclose(s->events);
		s->events = NULL;
		if (rename(path, old) != 0)
			fs_log_limited(&s->rl_events, mono_us(), FS_LOG_WARNING,
				       "%s: cannot rotate: %s", path,
				       strerror(errno));
	}
}

/* Formats "ts:v:v:..." into buf; returns the next free byte. */
static char *format_values(const struct fs_store_rec *r, unsigned n_ds,
			   char *buf, size_t len)
{
	int n = snprintf(buf, len, "%" PRId64, r->ts_s);
	size_t used = n > 0 ? (size_t)n : 0;
	for (unsigned i = 0; i < n_ds && used < len; i++) {
		if (r->unknown & (1u << i))
			n = snprintf(buf + used, len - used, ":U");
		else
			n = snprintf(buf + used, len - used, ":%" PRIu64,
				     r->v[i]);
		used += n > 0 ? (size_t)n : 0;
	}
	return buf + (used < len ? used + 1 : len);
}

/* Writes recs[0..n) (all for one file, in time order); false when the
 * daemon is away and the records must wait. */
static bool write_file(struct fs_store *s, const struct fs_store_rec *recs,
		       unsigned n)
{
	char rel[128], path[FS_STORE_PATH_MAX + 160];
	bool fresh;
	/* Before the file's state is touched: a file first seen while the
	 * daemon is away is opened when it is back. */
	if (s->use_daemon && !fs_store_daemon_up(s))
		return false;
	struct fs_store_wfile *f = wfile_get(s, &recs[0], &fresh);
	unsigned n_ds;

	fs_store_ds_names((enum fs_store_kind)recs[0].kind, &n_ds);
	if (recs[0].kind == FS_STORE_K_SESSION)
		fs_store_session_path(rel, sizeof(rel), &recs[0].sess);
	else
		fs_store_rel_path(rel, sizeof(rel),
				  (enum fs_store_kind)recs[0].kind, recs[0].vlan,
				  recs[0].mac, recs[0].id);
	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);

	if (f->failed && mono_s() >= f->retry_mono_s) {
		f->failed = false;
		f->refused = false;
		fresh = true;
	}
	if (fresh && !f->failed) {
		int rc = wfile_open(s, f, path, recs[0].ts_s);
		if (rc == OPEN_AWAY) {
			/* Learn the file's state when the daemon is back. */
			f->failed = true;
			f->retry_mono_s = 0;
			return false;
		}
		if (rc != 0) {
			f->failed = true;
			f->retry_mono_s = mono_s() + FAIL_RETRY_S;
		}
	}
	if (f->failed) {
		atomic_fetch_add_explicit(f->refused ? &s->no_file : &s->errors,
					  n, memory_order_relaxed);
		return true;
	}

	const char *argv[BATCH_VALUES];
	char buf[BATCH_VALUES * (FS_STORE_MAX_DS * 21 + 24)];
	char *p = buf;
	int argc = 0;
	int64_t last = f->last_s;
	uint64_t skipped = 0;
	if (recs[n - 1].ts_s > s->now_s)
		s->now_s = recs[n - 1].ts_s;
	for (unsigned i = 0; i < n; i++) {
		if (recs[i].ts_s <= last) {
			skipped++;
			continue;
		}
		argv[argc++] = p;
		p = format_values(&recs[i], n_ds, p,
				  sizeof(buf) - (size_t)(p - buf));
		last = recs[i].ts_s;
	}
	if (argc == 0) {
		if (skipped)
			atomic_fetch_add_explicit(&s->skipped_old, skipped,
						  memory_order_relaxed);
		return true;
	}

	int rc;
	for (int tries = 1;; tries++) {
		rrd_clear_error();
		if (s->use_daemon)
			rc = rrdc_update(path, argc, argv);
		else
			rc = rrd_update_r(path, NULL, argc, argv);
		/* A graph being drawn holds a read lock on the file. */
		if (rc == 0 || s->use_daemon ||
		    !fs_store_lock_wait(rrd_err(), tries))
			break;
	}
	char why[256] = "";
	if (rc != 0) {
		snprintf(why, sizeof(why), "%s", rrd_err());
		if (s->use_daemon && daemon_gone(s))
			return false;
	}
	if (skipped)
		atomic_fetch_add_explicit(&s->skipped_old, skipped,
					  memory_order_relaxed);
	if (rc != 0) {
		atomic_fetch_add_explicit(&s->errors, (uint64_t)argc,
					  memory_order_relaxed);
		fs_log_limited(&s->rl_update, mono_us(), FS_LOG_WARNING,
			       "%s: update failed: %s", path, why);
		/* Learn the file's state again on the next update. */
		f->failed = true;
		f->retry_mono_s = mono_s() + (s->use_daemon ? 5 : 1);
		return true;
	}
	f->last_s = last;
	atomic_fetch_add_explicit(&s->written, (uint64_t)argc,
				  memory_order_relaxed);
	return true;
}

static bool past_deadline(struct fs_store *s)
{
	int64_t deadline = atomic_load_explicit(&s->stop_deadline_us,
						memory_order_relaxed);
	return deadline && mono_us() >= deadline;
}

/* Replays what waited for the daemon, oldest first, while it answers. */
static void replay(struct fs_store *s)
{
	struct fs_store_rec batch[BATCH_VALUES];
	while (s->retry_n > 0) {
		if (past_deadline(s)) {
			fs_store_retry_drop_all(s);
			return;
		}
		unsigned n = fs_store_retry_peek(s, batch, BATCH_VALUES);
		if (!write_file(s, batch, n))
			return;
		fs_store_retry_pop(s, n);
	}
}

/* Drains what the ring holds now; returns how many records it took. */
static uint64_t drain(struct fs_store *s)
{
	uint64_t tail = atomic_load_explicit(&s->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&s->head, memory_order_acquire);
	uint64_t start = tail, next_wake = 256;
	struct fs_store_rec batch[BATCH_VALUES];

	while (tail != head) {
		int64_t deadline = atomic_load_explicit(&s->stop_deadline_us,
							memory_order_relaxed);
		if (deadline && mono_us() >= deadline) {
			atomic_fetch_add_explicit(&s->dropped_exit, head - tail,
						  memory_order_relaxed);
			tail = head;
			atomic_store_explicit(&s->tail, tail,
					      memory_order_release);
			break;
		}
		unsigned n = 0;
		batch[n++] = s->ring[tail & s->mask];
		tail++;
		if (batch[0].kind == FS_STORE_K_ADJ ||
		    batch[0].kind == FS_STORE_K_ALERT) {
			write_event(s, &batch[0]);
		} else {
			while (tail != head && n < BATCH_VALUES &&
			       same_key(&s->ring[tail & s->mask], &batch[0]))
				batch[n++] = s->ring[tail++ & s->mask];
			/* Nothing overtakes what waits for the daemon. */
			if (s->retry_n > 0)
				replay(s);
			if (s->retry_n > 0 || !write_file(s, batch, n))
				fs_store_retry_push(s, batch, n);
		}
		/* Release slots as we go so a burst finds room sooner. */
		atomic_store_explicit(&s->tail, tail, memory_order_release);
		if (atomic_load_explicit(&s->waiters, memory_order_relaxed) &&
		    tail - start >= next_wake) {
			next_wake += 256;
			pthread_mutex_lock(&s->mu);
			pthread_cond_broadcast(&s->progress);
			pthread_mutex_unlock(&s->mu);
		}
	}
	if (s->events)
		fflush(s->events);
	return tail - start;
}

/* Values rrdcached holds for our files reach the disk: a reader on the
 * collector and a daemon stopped later lose nothing. */
static void flush_daemon(struct fs_store *s)
{
	char rel[128], path[FS_STORE_PATH_MAX + 160];
	for (uint32_t j = 0; j <= s->files_ix.mask; j++) {
		uint32_t i = s->files_ix.s[j].val;
		if (i == FS_HIDX_NONE || s->files[i].failed)
			continue;
		const struct fs_store_wfile *f = &s->files[i];
		if (past_deadline(s) || !rrdc_is_connected(s->daemon))
			return;
		fs_store_rel_path(rel, sizeof(rel), (enum fs_store_kind)f->kind,
				  f->vlan, f->mac, f->id);
		snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
		rrdc_flush(path);
	}
}

/* Sleeps until woken, or ms at most. */
static void writer_wait(struct fs_store *s, int ms)
{
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += (long)ms * 1000000;
	at.tv_sec += at.tv_nsec / 1000000000;
	at.tv_nsec %= 1000000000;
	while (sem_timedwait(&s->wake, &at) != 0 && errno == EINTR)
		;
}

static void *writer_main(void *arg)
{
	struct fs_store *s = arg;
	if (s->use_daemon)
		fs_store_daemon_up(s);
	if (fs_store_disk_init(s) != 0)
		fs_log_errno(FS_LOG_WARNING, errno, "%s/hosts: cannot list "
			     "(files there are not counted against the cap)",
			     s->dir);
	publish_disk(s);
	int64_t give_up_us = 0;
	for (;;) {
		bool stopping = atomic_load(&s->stop);
		if (s->retry_n > 0)
			replay(s);
		drain(s);
		if (s->use_daemon && s->retry_n == 0 && !s->away)
			fs_store_heartbeat(s, false);
		fs_store_disk_trim(s, s->now_s);
		publish_disk(s);
		pthread_mutex_lock(&s->mu);
		pthread_cond_broadcast(&s->progress);
		pthread_mutex_unlock(&s->mu);
		bool empty = atomic_load(&s->tail) == atomic_load(&s->head);
		if (stopping && empty && s->retry_n > 0 &&
		    !atomic_load(&s->stop_deadline_us)) {
			/* Draining for good (end of a replay): the daemon gets
			 * a bounded while to come back. */
			if (!give_up_us)
				give_up_us = mono_us() + 10 * 1000000;
			else if (mono_us() >= give_up_us)
				fs_store_retry_drop_all(s);
		}
		if (stopping && empty && s->retry_n == 0)
			break;
		if (s->use_daemon)
			writer_wait(s, s->retry_n > 0 ? 100 : 500);
		else
			while (sem_wait(&s->wake) != 0 && errno == EINTR)
				;
	}
	if (s->use_daemon && !s->away) {
		flush_daemon(s);
		fs_store_heartbeat(s, true);
	}
	return NULL;
}

int fs_store_writer_start(struct fs_store *s, char *err, size_t errlen)
{
	/* Host files, sessions, routers and the segment, with room to
	 * spare. */
	s->files_cap = s->cfg.max_host_files + s->cfg.max_session_files + 1024 + 16;
	s->files = calloc(s->files_cap, sizeof(*s->files));
	if (!s->files || fs_hidx_init(&s->files_ix, s->files_cap) != 0 ||
	    fs_hids_init(&s->files_ids, s->files_cap) != 0) {
		snprintf(err, errlen, "rrd store: out of memory");
		return -1;
	}
	int rc = fs_thread_start(&s->thread, writer_main, s);
	if (rc != 0) {
		snprintf(err, errlen, "rrd store: cannot start writer: %s",
			 strerror(rc));
		return -1;
	}
	s->thread_started = true;
	return 0;
}

bool fs_store_writer_finish(struct fs_store *s, int64_t deadline_us)
{
	if (!s->thread_started)
		return true;
	if (deadline_us == 0) {
		atomic_store(&s->stop, true);
		sem_post(&s->wake);
		pthread_join(s->thread, NULL);
		s->thread_started = false;
		return true;
	}
	atomic_store(&s->stop_deadline_us, deadline_us);
	atomic_store(&s->stop, true);
	sem_post(&s->wake);
	/* A write can hang inside librrd (a stopped rrdcached): wait a
	 * second past the deadline, then leave the thread to the exit. */
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	int64_t wait_us = deadline_us - mono_us() + 1000000;
	if (wait_us < 0)
		wait_us = 0;
	at.tv_sec += wait_us / 1000000;
	at.tv_nsec += (wait_us % 1000000) * 1000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	if (pthread_timedjoin_np(s->thread, NULL, &at) != 0) {
		s->abandoned = true;
		return false;
	}
	s->thread_started = false;
	return true;
}

void fs_store_writer_stop(struct fs_store *s)
{
	if (s->abandoned)
		return;
	if (s->thread_started) {
		atomic_store(&s->stop, true);
		sem_post(&s->wake);
		pthread_join(s->thread, NULL);
		s->thread_started = false;
	}
	if (s->events)
		fclose(s->events);
	s->events = NULL;
	if (s->use_daemon)
		rrdc_disconnect();
	fs_store_disk_fini(s);
	free(s->files);
	s->files = NULL;
	fs_hidx_fini(&s->files_ix);
	fs_hids_fini(&s->files_ids);
}
