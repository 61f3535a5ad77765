/*
 * src/evidence: evidence pcaps (evidence.h).
 *
 * The ring is one byte array of records laid end to end: a 32-byte
 * header, then the frame's first bytes, rounded up to 8. A record that
 * does not fit before the end leaves a zero size word (or fewer than four
 * bytes) and the next one starts at 0; writing evicts the oldest records
 * in the way. The capture thread alone reads and writes the ring; the
 * writer thread sees only finished job buffers.
 */
#include "floodspot/evidence.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/fmt.h"
#include "floodspot/log.h"
#include "floodspot/thread.h"

#define US 1000000LL
#define BUDGET_SLOTS 4096
#define REC_HDR 32
#define JOB_HDR 16
#define PENDING_GRACE_US (5 * US)	/* a job waiting for a free buffer */

struct rec {
	uint32_t size;		/* whole record, 0: wrap to the start */
	uint32_t caplen, wirelen;
	uint16_t vlan;
	uint8_t routing;
	uint8_t pad;
	uint8_t src[6];
	uint8_t pad2[2];
	int64_t ts;
};
_Static_assert(sizeof(struct rec) == REC_HDR, "record header");

struct pending {
	bool used;
	uint16_t vlan;
	uint8_t mac[6];
	char kind[16];
	int64_t from_us, until_us;
	char name[320];
};

enum job_state { JOB_FREE, JOB_QUEUED, JOB_WRITING };

struct job {
	enum job_state state;
	char name[320];
	size_t len;		/* bytes used in buf */
	uint64_t frames;
	uint8_t *buf;
};

struct fs_evidence {
	struct fs_evidence_config cfg;
	char dir[200];
	uint8_t *ring;
	size_t cap, head, tail;
	uint64_t n_recs;
	uint16_t budget[BUDGET_SLOTS];
	struct pending pend[FS_EVIDENCE_PENDING];
	struct job job[FS_EVIDENCE_JOBS];
	pthread_t thread;
	bool thread_ok, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* a job queued, or freed, or stop */
	struct fs_evidence_stats st;
};

size_t fs_evidence_memory(const struct fs_evidence_config *cfg)
{
	size_t ring = cfg->ring_bytes ? cfg->ring_bytes : FS_EVIDENCE_RING_DEFAULT;
	return sizeof(struct fs_evidence) + ring +
	       (size_t)FS_EVIDENCE_JOBS * FS_EVIDENCE_JOB_BYTES;
}

static int mkdir_p(const char *path)
{
	char tmp[256];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* ---- the writer thread ---- */

static void write_job(struct fs_evidence *ev, struct job *j)
{
	char tmp[330];
	snprintf(tmp, sizeof(tmp), "%s.tmp", j->name);
	pcap_t *pd = pcap_open_dead(ev->cfg.dlt, 65535);
	pcap_dumper_t *out = pd ? pcap_dump_open(pd, tmp) : NULL;
	if (!out) {
		fs_log(FS_LOG_WARNING, "evidence: %s: %s", tmp,
		       pd ? pcap_geterr(pd) : "pcap_open_dead failed");
		if (pd)
			pcap_close(pd);
		__atomic_add_fetch(&ev->st.write_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	for (size_t o = 0; o + JOB_HDR <= j->len;) {
		int64_t ts;
		uint32_t caplen, wirelen;
		memcpy(&ts, j->buf + o, 8);
		memcpy(&caplen, j->buf + o + 8, 4);
		memcpy(&wirelen, j->buf + o + 12, 4);
		struct pcap_pkthdr h;
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(ts / US - (ts % US < 0));
		h.ts.tv_usec = (suseconds_t)(ts - (int64_t)h.ts.tv_sec * US);
		h.caplen = caplen;
		h.len = wirelen;
		pcap_dump((u_char *)out, &h, j->buf + o + JOB_HDR);
		o += JOB_HDR + caplen;
	}
	bool bad = pcap_dump_flush(out) != 0;
	pcap_dump_close(out);
	pcap_close(pd);
	if (bad || rename(tmp, j->name) != 0) {
		fs_log_errno(FS_LOG_WARNING, errno, "evidence: %s", j->name);
		unlink(tmp);
		__atomic_add_fetch(&ev->st.write_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&ev->st.files_written, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ev->st.frames_written, j->frames, __ATOMIC_RELAXED);
}

static void *writer_main(void *arg)
{
	struct fs_evidence *ev = arg;
	pthread_mutex_lock(&ev->mu);
	for (;;) {
		struct job *j = NULL;
		for (unsigned i = 0; i < FS_EVIDENCE_JOBS && !j; i++)
			if (ev->job[i].state == JOB_QUEUED)
				j = &ev->job[i];
		if (!j) {
			if (ev->stop)
				break;
			pthread_cond_wait(&ev->cv, &ev->mu);
			continue;
		}
		j->state = JOB_WRITING;
		pthread_mutex_unlock(&ev->mu);
		write_job(ev, j);
		pthread_mutex_lock(&ev->mu);
		j->state = JOB_FREE;
		pthread_cond_broadcast(&ev->cv);
	}
	pthread_mutex_unlock(&ev->mu);
	return NULL;
}

/* ---- create ---- */

struct fs_evidence *fs_evidence_create(const struct fs_evidence_config *cfg,
				       char *err, size_t errlen)
{
	struct fs_evidence *ev = calloc(1, sizeof(*ev));
	if (!ev) {
		snprintf(err, errlen, "evidence: out of memory");
		return NULL;
	}
	ev->cfg = *cfg;
	ev->cap = cfg->ring_bytes ? cfg->ring_bytes : FS_EVIDENCE_RING_DEFAULT;
	if (snprintf(ev->dir, sizeof(ev->dir), "%s", cfg->dir) >= (int)sizeof(ev->dir)) {
		snprintf(err, errlen, "--evidence: path too long (max %zu bytes)",
			 sizeof(ev->dir) - 1);
		free(ev);
		return NULL;
	}
	if (mkdir_p(ev->dir) != 0) {
		snprintf(err, errlen, "--evidence %s: %s", ev->dir, strerror(errno));
		free(ev);
		return NULL;
	}
	ev->ring = malloc(ev->cap);
	for (unsigned i = 0; i < FS_EVIDENCE_JOBS; i++)
		ev->job[i].buf = malloc(FS_EVIDENCE_JOB_BYTES);
	bool ok = ev->ring != NULL;
	for (unsigned i = 0; i < FS_EVIDENCE_JOBS; i++)
		ok = ok && ev->job[i].buf;
	if (!ok) {
		snprintf(err, errlen, "evidence: cannot allocate %zu bytes",
			 fs_evidence_memory(cfg));
		fs_evidence_destroy(ev, 0);
		return NULL;
	}
	pthread_mutex_init(&ev->mu, NULL);
	pthread_cond_init(&ev->cv, NULL);
	/* The writer never takes a signal: they belong to the main loop. */
	ev->thread_ok = fs_thread_start(&ev->thread, writer_main, ev) == 0;
	if (!ev->thread_ok) {
		snprintf(err, errlen, "evidence: cannot start the writer thread");
		fs_evidence_destroy(ev, 0);
		return NULL;
	}
	return ev;
}

/* ---- the ring ---- */

static void evict_one(struct fs_evidence *ev)
{
	if (ev->cap - ev->tail < 4) {
		ev->tail = 0;
		return;
	}
	uint32_t size;
	memcpy(&size, ev->ring + ev->tail, 4);
	if (size == 0) {
		ev->tail = 0;
		return;
	}
	ev->tail += size;
	ev->n_recs--;
}

/* Room for n contiguous bytes at head, evicting the oldest in the way. */
static void make_room(struct fs_evidence *ev, size_t n)
{
	for (;;) {
		if (ev->n_recs == 0) {
			ev->head = ev->tail = 0;
			return;
		}
		if (ev->head > ev->tail) {
			if (ev->cap - ev->head >= n)
				return;
			if (ev->cap - ev->head >= 4)
				memset(ev->ring + ev->head, 0, 4);
			ev->head = 0;
			continue;
		}
		if (ev->head < ev->tail && ev->tail - ev->head >= n)
			return;
		evict_one(ev);
	}
}

static bool is_routing(const struct fs_pkt *p)
{
	if (p->is_ospf || p->ip_proto == 112)
		return true;	/* OSPF, VRRP/CARP */
	if (p->ip_proto == 17)
		return p->src_port == 1985 || p->dst_port == 1985 ||
		       p->dst_port == 2029 || p->dst_port == 520 ||
		       p->dst_port == 521 || p->dst_port == 3784 ||
		       p->dst_port == 4784;	/* HSRP, RIP, BFD */
	/* BGP, but not a SYN: anyone can send those to port 179. */
	return p->ip_proto == 6 && (p->src_port == 179 || p->dst_port == 179) &&
	       (p->tcp_flags & 0x12) != 0x02;
}

static unsigned budget_slot(const uint8_t mac[6], uint16_t vlan)
{
	uint64_t x = vlan;
	memcpy(&x, mac, 6);
	x ^= (uint64_t)vlan << 48;
	return (unsigned)((x * 0x9e3779b97f4a7c15ULL) >> 52) % BUDGET_SLOTS;
}

void fs_evidence_frame(struct fs_evidence *ev, const struct fs_pkt *p,
		       const uint8_t *frame, bool hot)
{
	if (!ev)
		return;
	bool routing = is_routing(p);
	if (!routing && !hot && !(p->classes & FS_CLASS_CTRL_MASK))
		return;
	/* Per source: a router's routing frames have more room than
	 * anyone's flood. */
	uint16_t *b = &ev->budget[budget_slot(p->src_mac, p->vlan)];
	if (*b >= (routing ? FS_EVIDENCE_ROUTING_BUDGET : FS_EVIDENCE_BUDGET)) {
		ev->st.frames_over_budget++;
		return;
	}
	(*b)++;
	uint32_t keep = p->caplen < FS_EVIDENCE_SNAP ? p->caplen : FS_EVIDENCE_SNAP;
	size_t n = (REC_HDR + keep + 7) & ~(size_t)7;
	if (n > ev->cap)
		return;
	make_room(ev, n);
	struct rec r = {
		.size = (uint32_t)n, .caplen = keep, .wirelen = p->wirelen,
		.vlan = p->vlan, .routing = routing, .ts = p->ts_us,
	};
	if (p->has_mac)
		memcpy(r.src, p->src_mac, 6);
	memcpy(ev->ring + ev->head, &r, REC_HDR);
	memcpy(ev->ring + ev->head + REC_HDR, frame, keep);
	ev->head += n;
	ev->n_recs++;
	ev->st.frames_kept++;
}

/* ---- jobs ---- */

static struct job *free_job(struct fs_evidence *ev)
{
	for (unsigned i = 0; i < FS_EVIDENCE_JOBS; i++)
		if (ev->job[i].state == JOB_FREE)
			return &ev->job[i];
	return NULL;
}

/* Copies the pending request's frames out of the ring, oldest first. */
static void extract(struct fs_evidence *ev, const struct pending *q,
		    struct job *j)
{
	j->len = 0;
	j->frames = 0;
	snprintf(j->name, sizeof(j->name), "%s", q->name);
	size_t o = ev->tail;
	for (uint64_t k = 0; k < ev->n_recs;) {
		if (ev->cap - o < 4) {
			o = 0;
			continue;
		}
		struct rec r;
		memcpy(&r, ev->ring + o, 4);
		if (r.size == 0) {
			o = 0;
			continue;
		}
		memcpy(&r, ev->ring + o, REC_HDR);
		k++;
		size_t at = o;
		o += r.size;
		if (r.ts < q->from_us || r.ts > q->until_us || r.vlan != q->vlan ||
		    (!r.routing && memcmp(r.src, q->mac, 6) != 0))
			continue;
		if (j->len + JOB_HDR + r.caplen > FS_EVIDENCE_JOB_BYTES) {
			ev->st.job_truncated++;
			continue;
		}
		memcpy(j->buf + j->len, &r.ts, 8);
		memcpy(j->buf + j->len + 8, &r.caplen, 4);
		memcpy(j->buf + j->len + 12, &r.wirelen, 4);
		memcpy(j->buf + j->len + JOB_HDR, ev->ring + at + REC_HDR, r.caplen);
		j->len += JOB_HDR + r.caplen;
		j->frames++;
	}
}

/* Hands the request to the writer; false when no buffer is free. */
static bool launch(struct fs_evidence *ev, struct pending *q, int64_t now_us)
{
	pthread_mutex_lock(&ev->mu);
	struct job *j = free_job(ev);
	while (!j && ev->cfg.wait_when_full) {
		pthread_cond_wait(&ev->cv, &ev->mu);
		j = free_job(ev);
	}
	pthread_mutex_unlock(&ev->mu);
	if (!j) {
		if (now_us - q->until_us > PENDING_GRACE_US) {
			ev->st.jobs_dropped++;
			q->used = false;
		}
		return false;
	}
	/* The buffer is ours while FREE: the writer takes only QUEUED ones. */
	extract(ev, q, j);
	pthread_mutex_lock(&ev->mu);
	j->state = JOB_QUEUED;
	pthread_cond_broadcast(&ev->cv);
	pthread_mutex_unlock(&ev->mu);
	q->used = false;
	return true;
}

void fs_evidence_tick(struct fs_evidence *ev, int64_t now_us)
{
	if (!ev)
		return;
	memset(ev->budget, 0, sizeof(ev->budget));
	for (unsigned i = 0; i < FS_EVIDENCE_PENDING; i++)
		if (ev->pend[i].used && now_us >= ev->pend[i].until_us)
			launch(ev, &ev->pend[i], now_us);
}

bool fs_evidence_request(struct fs_evidence *ev, uint16_t vlan,
			 const uint8_t mac[6], const char *kind,
			 int64_t onset_us, int64_t alert_us, char *name,
			 size_t len)
{
	if (!ev)
		return false;
	ev->st.requests++;
	struct pending *q = NULL;
	for (unsigned i = 0; i < FS_EVIDENCE_PENDING; i++) {
		struct pending *p = &ev->pend[i];
		if (p->used && p->vlan == vlan && !memcmp(p->mac, mac, 6) &&
		    !strcmp(p->kind, kind)) {
			/* Already coming: the same file, a little longer. */
			if (alert_us + FS_EVIDENCE_AFTER_S * US > p->until_us)
				p->until_us = alert_us + FS_EVIDENCE_AFTER_S * US;
			snprintf(name, len, "%s", p->name);
			return true;
		}
		if (!p->used && !q)
			q = p;
	}
	if (!q) {
		ev->st.requests_refused++;
		return false;
	}
	q->used = true;
	q->vlan = vlan;
	memcpy(q->mac, mac, 6);
	snprintf(q->kind, sizeof(q->kind), "%s", kind);
	q->from_us = (onset_us && onset_us < alert_us ? onset_us : alert_us) -
		     FS_EVIDENCE_BEFORE_S * US;
	q->until_us = alert_us + FS_EVIDENCE_AFTER_S * US;
	/* Named by packet time, so a replay names its files as live did. */
	time_t s = (time_t)(alert_us / US);
	struct tm tm;
	gmtime_r(&s, &tm);
	char when[32];
	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
	int n = snprintf(q->name, sizeof(q->name),
			 "%s/%s.%03dZ-%02x%02x%02x%02x%02x%02x-vlan%u-%s.pcap",
			 ev->dir, when, (int)(alert_us % US / 1000), mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5], vlan, kind);
	if (n < 0 || (size_t)n >= sizeof(q->name) || (size_t)n >= len) {
		q->used = false;	/* the directory's name is too long */
		ev->st.requests_refused++;
		return false;
	}
	memcpy(name, q->name, (size_t)n + 1);
	return true;
}

void fs_evidence_stats(const struct fs_evidence *ev, struct fs_evidence_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!ev)
		return;
	*st = ev->st;
	st->files_written = __atomic_load_n(&ev->st.files_written, __ATOMIC_RELAXED);
	st->frames_written = __atomic_load_n(&ev->st.frames_written, __ATOMIC_RELAXED);
	st->write_errors = __atomic_load_n(&ev->st.write_errors, __ATOMIC_RELAXED);
	if (ev->n_recs) {
		struct rec r;
		size_t o = ev->tail;
		memcpy(&r, ev->ring + o, 4);
		if (ev->cap - o < 4 || r.size == 0)
			o = 0;
		memcpy(&r, ev->ring + o, REC_HDR);
		st->oldest_us = r.ts;
	}
}

void fs_evidence_flush(struct fs_evidence *ev, int64_t now_us)
{
	if (!ev || !ev->thread_ok)
		return;
	/* What is still waiting: the frames there are, until now. */
	bool wait = ev->cfg.wait_when_full;
	ev->cfg.wait_when_full = true;
	for (unsigned i = 0; i < FS_EVIDENCE_PENDING; i++)
		if (ev->pend[i].used) {
			if (ev->pend[i].until_us > now_us)
				ev->pend[i].until_us = now_us;
			launch(ev, &ev->pend[i], now_us);
		}
	ev->cfg.wait_when_full = wait;
	pthread_mutex_lock(&ev->mu);
	for (;;) {
		bool busy = false;
		for (unsigned i = 0; i < FS_EVIDENCE_JOBS; i++)
			busy |= ev->job[i].state != JOB_FREE;
		if (!busy)
			break;
		pthread_cond_wait(&ev->cv, &ev->mu);
	}
	pthread_mutex_unlock(&ev->mu);
}

void fs_evidence_destroy(struct fs_evidence *ev, int64_t now_us)
{
	if (!ev)
		return;
	if (ev->thread_ok) {
		fs_evidence_flush(ev, now_us);
		pthread_mutex_lock(&ev->mu);
		ev->stop = true;
		pthread_cond_broadcast(&ev->cv);
		pthread_mutex_unlock(&ev->mu);
		pthread_join(ev->thread, NULL);
		pthread_mutex_destroy(&ev->mu);
		pthread_cond_destroy(&ev->cv);
	}
	for (unsigned i = 0; i < FS_EVIDENCE_JOBS; i++)
		free(ev->job[i].buf);
	free(ev->ring);
	free(ev);
}
