/*
 * RRD store. Files of this directory:
 *   store.c   configuration, the queue's producer side, host tracking
 *   tick.c    fs_store_tick: which hosts, segment and routers to feed
 *   writer.c  the writer thread: create/resume files, librrd or rrdcached
 *   central.c a central rrdcached: address, agent directory and its
 *             claim, the retry queue while the daemon is away
 *   layout.c  file names, data sources and archives, file sizes
 *   retire.c  host files on disk within their caps (count, bytes)
 *   graph.c   graphs through librrd (floodspot-graph and the HTML pages)
 *   html.c    the static HTML overview and its renderer thread
 *   html_tick.c  fs_html_tick: the snapshot from the hosts and OSPF tables
 *   programs/floodspot-graph.c  the graph program
 *
 * Feeding: counters are cumulative and the value for the second
 * [T, T+1) is written at T+1. A tracked host is fed while active; when it
 * becomes active after an idle stretch, one extra update at T with the
 * unchanged counter makes the idle stretch read 0, not the burst spread
 * over it. Idle hosts are refreshed every idle_refresh_s (< heartbeat) so
 * a graph of a quiet host shows 0 up to now, not a gap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <rrd.h>
#include <rrd_client.h>

#include "floodspot/fmt.h"
#include "store_priv.h"

void fs_store_config_defaults(struct fs_store_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->step_s = 1;
	cfg->max_host_files = 200;	/* ~366 MiB with the default archives */
	cfg->max_session_files = 64;
	cfg->retire_after_s = 600;
	cfg->max_router_files = 64;
	cfg->top_n = 50;
	cfg->noise_floor_pps = 100;
	cfg->queue_len = 65536;
	cfg->heartbeat_s = 120;
	cfg->idle_refresh_s = 60;
	fs_store_parse_rras(cfg, "1s:30m,10s:6h,1m:2d,10m:30d,1h:1y");
}

static int parse_dur(const char *s, char **end, uint32_t *out)
{
	errno = 0;
	unsigned long v = strtoul(s, end, 10);
	if (*end == s || errno)
		return -1;
	unsigned long mul = 1;
	switch (**end) {
	case 's': mul = 1; (*end)++; break;
	case 'm': mul = 60; (*end)++; break;
	case 'h': mul = 3600; (*end)++; break;
	case 'd': mul = 86400; (*end)++; break;
	case 'w': mul = 7 * 86400; (*end)++; break;
	case 'y': mul = 365 * 86400; (*end)++; break;
	default: break;
	}
	if (v == 0 || v > UINT32_MAX / mul)
		return -1;
	*out = (uint32_t)(v * mul);
	return 0;
}

int fs_store_parse_duration(const char *spec, uint32_t *out)
{
	char *end;
	return parse_dur(spec, &end, out) == 0 && *end == '\0' ? 0 : -1;
}

int fs_store_parse_size(const char *spec, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*spec < '0' || *spec > '9')
		return -1;
	unsigned long long v = strtoull(spec, &end, 10);
	unsigned shift = 0;
	switch (*end) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: break;
	}
	if (errno || *end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int fs_store_parse_rras(struct fs_store_config *cfg, const char *spec)
{
	struct fs_store_rra r[FS_STORE_MAX_RRAS];
	uint32_t n = 0;
	const char *p = spec;
	char *end;

	while (*p) {
		if (n == FS_STORE_MAX_RRAS)
			return -1;
		if (parse_dur(p, &end, &r[n].res_s) != 0 || *end != ':')
			return -1;
		p = end + 1;
		if (parse_dur(p, &end, &r[n].keep_s) != 0 ||
		    r[n].keep_s < r[n].res_s)
			return -1;
		n++;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	if (n == 0)
		return -1;
	memcpy(cfg->rras, r, sizeof(r[0]) * n);
	cfg->n_rras = n;
	return 0;
}

int fs_store_mkdir_p(const char *path)
{
	char tmp[FS_STORE_PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *q = tmp + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -1;
		*q = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(tmp, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Runs on the capture thread: only enqueues. */
static void on_event(const struct fs_event *ev, void *ctx)
{
	if (ev->type == FS_EV_OSPF_ADJACENCY)
		fs_store_adjacency(ctx, ev->ts_us, &ev->u.adj);
	else if (ev->type == FS_EV_ALERT && ev->u.alert)
		fs_store_alert(ctx, ev->u.alert);
}

static bool is_local_daemon(const char *addr)
{
	return addr[0] == '/' || strncmp(addr, "unix:", 5) == 0;
}

struct fs_store *fs_store_create(const struct fs_store_config *cfg,
				 struct fs_event_bus *bus, char *err,
				 size_t errlen)
{
	struct fs_store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "rrd store: out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	if (!s->cfg.step_s)
		s->cfg.step_s = 1;
	if (!s->cfg.heartbeat_s)
		s->cfg.heartbeat_s = 120;
	if (s->cfg.heartbeat_s <= s->cfg.step_s)
		s->cfg.heartbeat_s = 2 * s->cfg.step_s;
	if (!s->cfg.idle_refresh_s || s->cfg.idle_refresh_s >= s->cfg.heartbeat_s)
		s->cfg.idle_refresh_s = s->cfg.heartbeat_s / 2;
	if (!s->cfg.queue_len)
		s->cfg.queue_len = 65536;
	if (!s->cfg.max_router_files)
		s->cfg.max_router_files = 64;
	if (!s->cfg.retire_after_s)
		s->cfg.retire_after_s = 600;
	if (s->cfg.n_rras == 0 || s->cfg.n_rras > FS_STORE_MAX_RRAS)
		fs_store_parse_rras(&s->cfg, "1s:30m,10s:6h,1m:2d,10m:30d,1h:1y");
	s->cfg.dir = NULL;
	s->cfg.rrdcached = NULL;
	s->rl_create = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 3);
	s->rl_update = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 3);
	s->rl_events = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 1);
	s->rl_daemon = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 1);
	s->rl_retire = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 3);
	s->rl_refuse = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 1);
	s->rl_claim = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 1);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->progress, NULL);
	sem_init(&s->wake, 0, 0);

	char agent_dir[FS_STORE_PATH_MAX], dirbuf[FS_STORE_PATH_MAX];
	const char *dir = cfg->dir ? cfg->dir : ".";
	if (cfg->rrdcached && *cfg->rrdcached) {
		if (fs_store_check_daemon_addr(cfg->rrdcached, err, errlen) != 0)
			goto fail;
		s->use_daemon = true;
		snprintf(s->daemon, sizeof(s->daemon), "%s", cfg->rrdcached);
	}
	/* A remote rrdcached resolves relative names against its own -b
	 * directory, which we cannot create from here. */
	bool local = !s->use_daemon || is_local_daemon(s->daemon);
	s->local_dir = local;
	if (s->use_daemon && cfg->agent_name) {
		if (fs_store_agent_dir(cfg->agent_name, agent_dir,
				       sizeof(agent_dir)) != 0) {
			snprintf(err, errlen, "agent name '%s': empty or longer "
				 "than 128 bytes", cfg->agent_name);
			goto fail;
		}
		if (!cfg->dir && !local)
			snprintf(dirbuf, sizeof(dirbuf), "%s", agent_dir);
		else if (snprintf(dirbuf, sizeof(dirbuf), "%s/%s", dir,
				  agent_dir) >= (int)sizeof(dirbuf)) {
			snprintf(err, errlen, "%s: path too long", dir);
			goto fail;
		}
		dir = dirbuf;
	}
	if (local) {
		char sub[FS_STORE_PATH_MAX + 16];
		if (fs_store_mkdir_p(dir) != 0) {
			snprintf(err, errlen, "%s: cannot use as RRD directory: %s",
				 dir, strerror(errno));
			goto fail;
		}
		static const char *const subdirs[] = { "hosts", "routers",
						       "sessions" };
		for (int i = 0; i < 3; i++) {
			snprintf(sub, sizeof(sub), "%s/%s", dir, subdirs[i]);
			if (fs_store_mkdir_p(sub) != 0) {
				snprintf(err, errlen,
					 "%s: cannot use as RRD directory: %s",
					 sub, strerror(errno));
				goto fail;
			}
		}
		if (access(dir, W_OK) != 0) {
			snprintf(err, errlen, "%s: RRD directory not writable: %s",
				 dir, strerror(errno));
			goto fail;
		}
		/* rrdcached on a unix socket wants absolute names. */
		char *abs = realpath(dir, NULL);
		snprintf(s->dir, sizeof(s->dir), "%s", abs ? abs : dir);
		free(abs);
	} else {
		snprintf(s->dir, sizeof(s->dir), "%s", dir);
	}

	if (cfg->events_dir)
		snprintf(s->evdir, sizeof(s->evdir), "%s", cfg->events_dir);
	else if (local)
		snprintf(s->evdir, sizeof(s->evdir), "%s", s->dir);

	uint64_t cap = 16;
	while (cap < s->cfg.queue_len)
		cap <<= 1;
	s->ring = calloc(cap, sizeof(*s->ring));
	s->mask = cap - 1;
	fs_hkey_init(&s->hkey, 0);
	s->trk = calloc(s->cfg.max_host_files + 1, sizeof(*s->trk));
	s->fed_prev = calloc(s->cfg.max_host_files + 1, sizeof(*s->fed_prev));
	s->fed_cur = calloc(s->cfg.max_host_files + 1, sizeof(*s->fed_cur));
	if (!s->ring || !s->trk || !s->fed_prev || !s->fed_cur ||
	    fs_hidx_init(&s->trk_ix, s->cfg.max_host_files) != 0 ||
	    fs_hids_init(&s->trk_ids, s->cfg.max_host_files) != 0 ||
	    fs_store_strk_init(s) != 0) {
		snprintf(err, errlen, "rrd store: out of memory");
		goto fail;
	}
	if (s->use_daemon) {
		/* Unreachable or refusing at start: the operator must know. */
		if (fs_store_retry_init(s) != 0) {
			snprintf(err, errlen, "rrd store: out of memory");
			goto fail;
		}
		if (cfg->agent_name) {
			if (fs_store_claim(s, cfg->agent_name, err, errlen) != 0)
				goto fail;
			s->claimed = true;
		} else if (rrdc_connect(s->daemon) != 0 ||
			   !rrdc_is_connected(s->daemon)) {
			const char *e = rrd_get_error();
			snprintf(err, errlen, "rrdcached %s: cannot connect: %s",
				 s->daemon, e && *e ? e : "no reason given");
			goto fail;
		}
	}
	if (fs_store_writer_start(s, err, errlen) != 0)
		goto fail;
	if (bus) {
		if (fs_event_subscribe(bus, on_event, s) != 0)
			fs_log(FS_LOG_WARNING,
			       "rrd store: event bus full, no events.log");
	}
	return s;
fail:
	fs_store_destroy(s);
	return NULL;
}

bool fs_store_finish(struct fs_store *s, int timeout_ms)
{
	if (!s)
		return true;
	if (timeout_ms < 0)
		return fs_store_writer_finish(s, 0);	/* all of it */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	bool done = fs_store_writer_finish(s, now + (int64_t)timeout_ms * 1000);
	uint64_t lost = atomic_load(&s->dropped_exit);
	if (!done)
		fs_log(FS_LOG_ERR, "rrd writer still busy %d ms after stop "
		       "(rrdcached or disk hung); %llu queued updates lost",
		       timeout_ms + 1000,
		       (unsigned long long)(s->queued - atomic_load(&s->tail)));
	else if (lost)
		fs_log(FS_LOG_WARNING, "rrd: %llu queued updates not written "
		       "within %d ms of stop", (unsigned long long)lost,
		       timeout_ms);
	return done;
}

void fs_store_destroy(struct fs_store *s)
{
	if (!s)
		return;
	if (s->abandoned)
		return;	/* its thread may still use everything */
	fs_store_writer_stop(s);
	free(s->ring);
	free(s->trk);
	fs_hidx_fini(&s->trk_ix);
	fs_hids_fini(&s->trk_ids);
	free(s->fed_prev);
	free(s->fed_cur);
	fs_store_strk_fini(s);
	fs_store_retry_fini(s);
	sem_destroy(&s->wake);
	pthread_cond_destroy(&s->progress);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

const char *fs_store_dir(const struct fs_store *s)
{
	return s->dir;
}

int fs_store_push(struct fs_store *s, const struct fs_store_rec *r)
{
	uint64_t head = atomic_load_explicit(&s->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&s->tail, memory_order_acquire);
	if (head - tail > s->mask && s->cfg.wait_when_full) {
		fs_store_wait_written(s, head - s->mask);
		tail = atomic_load_explicit(&s->tail, memory_order_acquire);
	}
	if (head - tail > s->mask) {
		s->dropped_full++;
		return -1;
	}
	s->ring[head & s->mask] = *r;
	atomic_store_explicit(&s->head, head + 1, memory_order_release);
	s->queued++;
	/* sem_post only enters the kernel when the writer sleeps. */
	sem_post(&s->wake);
	return 0;
}

int fs_store_update_host(struct fs_store *s, int64_t ts_us, uint16_t vlan,
			 const uint8_t mac[6],
			 const uint64_t v[FS_STORE_HOST_DS])
{
	struct fs_store_rec r = { .ts_s = ts_us / 1000000,
				  .kind = FS_STORE_K_HOST,
				  .vlan = vlan };
	memcpy(r.mac, mac, 6);
	memcpy(r.v, v, sizeof(uint64_t) * FS_STORE_HOST_DS);
	return fs_store_push(s, &r);
}

int fs_store_update_segment(struct fs_store *s, int64_t ts_us,
			    const uint64_t v[FS_STORE_HOST_DS],
			    uint32_t hosts_active)
{
	struct fs_store_rec r = { .ts_s = ts_us / 1000000,
				  .kind = FS_STORE_K_SEGMENT };
	memcpy(r.v, v, sizeof(uint64_t) * FS_STORE_HOST_DS);
	r.v[FS_STORE_HOST_DS] = hosts_active;
	return fs_store_push(s, &r);
}

int fs_store_update_router(struct fs_store *s, int64_t ts_us,
			   uint32_t router_id, uint32_t gap_ms,
			   uint32_t neighbors, uint32_t adj_full,
			   uint64_t lsus)
{
	struct fs_store_rec r = { .ts_s = ts_us / 1000000,
				  .kind = FS_STORE_K_ROUTER,
				  .id = router_id,
				  .v = { gap_ms, neighbors, adj_full, lsus } };
	if (gap_ms == UINT32_MAX)
		r.unknown = 1;
	return fs_store_push(s, &r);
}

int fs_store_adjacency(struct fs_store *s, int64_t ts_us,
		       const struct fs_ev_ospf_adjacency *a)
{
	struct fs_store_rec r = { .ts_s = ts_us / 1000000,
				  .ts_frac_us = (int32_t)(ts_us % 1000000),
				  .kind = FS_STORE_K_ADJ,
				  .id = a->router_id,
				  .id2 = a->neighbor_id,
				  .vlan = a->vlan,
				  .from = a->from,
				  .to = a->to };
	return fs_store_push(s, &r);
}

/* The text of one of the alert's fields, or NULL. */
static const char *alert_field(const struct fs_alert *a, const char *key)
{
	for (unsigned i = 0; i < a->n_fields && i < FS_ALERT_MAX_FIELDS; i++)
		if (strcmp(a->field[i].key, key) == 0)
			return a->field[i].value;
	return NULL;
}

int fs_store_alert(struct fs_store *s, const struct fs_alert *a)
{
	if (a->state == FS_ALERT_ACTIVE)
		return 0;
	struct fs_store_rec r = { .ts_s = a->ts_us / 1000000,
				  .ts_frac_us = (int32_t)(a->ts_us % 1000000),
				  .kind = FS_STORE_K_ALERT,
				  .from = (uint8_t)a->state,
				  .to = (uint8_t)a->severity };
	snprintf(r.rule, sizeof(r.rule), "%s", a->rule);
	const char *mac = alert_field(a, "mac"), *vlan = alert_field(a, "vlan");
	const char *rid = alert_field(a, "router_id");
	struct in_addr id;
	char *end;
	unsigned long v = vlan ? strtoul(vlan, &end, 10) : 0;
	if (mac && vlan && *end == '\0' && v < 4096 &&
	    fs_parse_mac(mac, r.mac) == 0) {
		r.vlan = (uint16_t)v;
		r.unknown |= FS_STORE_ALERT_HOST;
	}
	if (rid && inet_pton(AF_INET, rid, &id) == 1) {
		r.id = ntohl(id.s_addr);
		r.vlan = vlan && *end == '\0' && v < 4096 ? (uint16_t)v : 0;
		r.unknown |= FS_STORE_ALERT_ROUTER;
	}
	return fs_store_push(s, &r);
}

/* (VLAN, MAC) in one word, the index's key. */
static uint64_t trk_key(uint16_t vlan, const uint8_t mac[6])
{
	uint64_t k = (uint64_t)vlan << 48;
	for (int i = 0; i < 6; i++)
		k |= (uint64_t)mac[i] << (8 * (5 - i));
	return k;
}

static struct fs_store_tracked *trk_find(struct fs_store *s, uint16_t vlan,
					 const uint8_t mac[6], bool insert)
{
	uint64_t key = trk_key(vlan, mac);
	uint64_t hash = fs_hkey_hash(&s->hkey, key);
	uint32_t i = fs_hidx_find(&s->trk_ix, key, hash);
	if (i != FS_HIDX_NONE)
		return &s->trk[i];
	if (!insert || (i = fs_hids_get(&s->trk_ids)) == FS_HIDX_NONE)
		return NULL;
	fs_hidx_insert(&s->trk_ix, key, hash, i);
	struct fs_store_tracked *t = &s->trk[i];
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->vlan = vlan;
	memcpy(t->mac, mac, 6);
	s->trk_count++;
	return t;
}

void fs_store_trk_remove(struct fs_store *s, uint32_t i)
{
	struct fs_store_tracked *t = &s->trk[i];
	uint64_t key = trk_key(t->vlan, t->mac);
	fs_hidx_remove(&s->trk_ix, key, fs_hkey_hash(&s->hkey, key));
	fs_hids_put(&s->trk_ids, i);
	t->used = false;
	s->trk_count--;
}

int fs_store_trk_check(const struct fs_store *s)
{
	uint32_t used = 0;
	for (uint32_t i = 0; i < s->cfg.max_host_files; i++) {
		const struct fs_store_tracked *t = &s->trk[i];
		if (!t->used)
			continue;
		used++;
		uint64_t key = trk_key(t->vlan, t->mac);
		if (fs_hidx_find(&s->trk_ix, key, fs_hkey_hash(&s->hkey, key)) != i)
			return -1;
	}
	return used == s->trk_count && used == s->trk_ix.n &&
	       used + s->trk_ids.n == s->cfg.max_host_files &&
	       fs_hidx_check(&s->trk_ix) == 0 ? 0 : -1;
}

void fs_store_feed_host(struct fs_store *s, int64_t sec_start_us,
			const struct fs_host *h, int force)
{
	int64_t t = sec_start_us / 1000000;
	const struct fs_host_bin *b = &h->last;
	bool active = h->last_sec_us == sec_start_us && b->packets > 0;
	struct fs_store_tracked *tr = trk_find(s, h->vlan, h->mac, false);

	if (!tr) {
		if (!active || (!force && b->packets < s->cfg.noise_floor_pps))
			return;
		tr = trk_find(s, h->vlan, h->mac, true);
		if (!tr) {
			s->hosts_not_stored++;
			return;
		}
	}
	if (!active) {
		/* Just went idle: one update with the unchanged counter so
		 * the idle second reads 0 now, not after the next refresh. */
		if (tr->was_active && tr->last_fed_s == t) {
			fs_store_update_host(s, (t + 1) * 1000000, h->vlan,
					     h->mac, tr->cum);
			tr->last_fed_s = t + 1;
			tr->was_active = false;
		}
		return;
	}
	if (tr->last_fed_s >= t + 1)
		return;
	if (tr->last_fed_s < t)
		fs_store_update_host(s, t * 1000000, h->vlan, h->mac, tr->cum);
	tr->cum[FS_STORE_DS_PACKETS] += b->packets;
	tr->cum[FS_STORE_DS_BYTES] += b->bytes;
	tr->cum[FS_STORE_DS_CTRL] += b->ctrl;
	tr->cum[FS_STORE_DS_BROADCAST] += b->cls[FS_CLASS_BROADCAST];
	tr->cum[FS_STORE_DS_MULTICAST] += b->cls[FS_CLASS_MULTICAST];
	tr->cum[FS_STORE_DS_ARP] += b->cls[FS_CLASS_ARP];
	fs_store_update_host(s, (t + 1) * 1000000, h->vlan, h->mac, tr->cum);
	tr->last_fed_s = t + 1;
	tr->was_active = true;
	if (s->fed_cur_n < s->cfg.max_host_files) {
		s->fed_cur[s->fed_cur_n].vlan = h->vlan;
		memcpy(s->fed_cur[s->fed_cur_n].mac, h->mac, 6);
		s->fed_cur_n++;
	}
}

void fs_store_close_idle(struct fs_store *s, int64_t sec_start_us)
{
	int64_t t = sec_start_us / 1000000;
	for (uint32_t i = 0; i < s->fed_prev_n; i++) {
		struct fs_store_tracked *tr = trk_find(s, s->fed_prev[i].vlan,
						       s->fed_prev[i].mac,
						       false);
		if (tr && tr->was_active && tr->last_fed_s == t) {
			fs_store_update_host(s, (t + 1) * 1000000, tr->vlan,
					     tr->mac, tr->cum);
			tr->last_fed_s = t + 1;
			tr->was_active = false;
		}
	}
	struct fs_store_key *k = s->fed_prev;
	s->fed_prev = s->fed_cur;
	s->fed_prev_n = s->fed_cur_n;
	s->fed_cur = k;
	s->fed_cur_n = 0;
}

void fs_store_flush(struct fs_store *s)
{
	if (s)
		fs_store_wait_written(s, atomic_load(&s->head));
}

uint64_t fs_store_queued_mark(const struct fs_store *s)
{
	return atomic_load(&s->head);
}

void fs_store_wait_written(struct fs_store *s, uint64_t target)
{
	sem_post(&s->wake);
	atomic_fetch_add(&s->waiters, 1);
	pthread_mutex_lock(&s->mu);
	while (atomic_load(&s->tail) < target)
		pthread_cond_wait(&s->progress, &s->mu);
	pthread_mutex_unlock(&s->mu);
	atomic_fetch_sub(&s->waiters, 1);
}

void fs_store_stats(const struct fs_store *s, struct fs_store_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	st->updates_queued = s->queued;
	st->updates_dropped_full = s->dropped_full;
	st->updates_written = atomic_load_explicit(&s->written,
						   memory_order_relaxed);
	st->update_errors = atomic_load_explicit(&s->errors,
						 memory_order_relaxed);
	st->files_created = atomic_load_explicit(&s->created,
						 memory_order_relaxed);
	st->updates_skipped_old = atomic_load_explicit(&s->skipped_old,
						       memory_order_relaxed);
	st->events_written = atomic_load_explicit(&s->events_written,
						  memory_order_relaxed);
	st->host_files = s->trk_count;
	st->hosts_not_stored = s->hosts_not_stored;
	st->session_files = s->cfg.max_session_files - s->strk_ids.n;
	st->sessions_not_stored = s->sessions_not_stored;
	st->updates_dropped_exit = atomic_load_explicit(&s->dropped_exit,
							memory_order_relaxed);
	st->files_retired = atomic_load_explicit(&s->retired,
						 memory_order_relaxed);
	st->files_refused = atomic_load_explicit(&s->refused,
						 memory_order_relaxed);
	st->updates_no_file = atomic_load_explicit(&s->no_file,
						   memory_order_relaxed);
	st->disk_files = atomic_load_explicit(&s->disk_files,
					      memory_order_relaxed);
	st->disk_bytes = atomic_load_explicit(&s->disk_bytes,
					      memory_order_relaxed);
	st->router_files = atomic_load_explicit(&s->router_files,
						memory_order_relaxed);
	st->updates_retry_queued = atomic_load_explicit(&s->retry_queued,
							memory_order_relaxed);
	st->updates_replayed = atomic_load_explicit(&s->replayed,
						    memory_order_relaxed);
	st->updates_dropped_retry = atomic_load_explicit(&s->dropped_retry,
							 memory_order_relaxed);
	st->retry_queue_len = atomic_load_explicit(&s->retry_len_now,
						   memory_order_relaxed);
	st->daemon_outages = atomic_load_explicit(&s->daemon_outages,
						  memory_order_relaxed);
	st->daemon_down = atomic_load_explicit(&s->daemon_down,
					       memory_order_relaxed);
	st->name_conflicts = atomic_load_explicit(&s->name_conflicts,
						  memory_order_relaxed);
}
