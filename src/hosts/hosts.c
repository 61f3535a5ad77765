/*
 * src/hosts: per-host accounting (DESIGN.md "Hosts table", "Baselines").
 *   hosts.c     the table: dense host array behind a keyed index, LRA
 *               eviction sparing heavy hitters, per-packet charging, the
 *               slice tick (sliding window from counter snapshots)
 *   hh.c        Space-Saving heavy-hitter summary (stream-summary, O(1)),
 *               admission filter, periodic halving
 *   baseline.c  running/EWMA mean and deviation, closed-form idle decay,
 *               score, change point (runs) that stops learning
 *   routers.c   router MACs/IPs: to_router and ospf_non_router classes
 *
 * Memory: everything is one calloc at create, sized by
 * fs_hosts_memory_bound(); nothing is allocated afterwards. Hosts live in
 * a dense array and never move, so a struct fs_host pointer stays valid
 * until that host is evicted.
 */
#include "floodspot/hosts.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/hash.h"
#include "hh.h"

#define NONE FS_HIDX_NONE
#define US_PER_S 1000000LL
#define ALIGN 64

#define DEFAULT_CAPACITY 65536
#define DEFAULT_HH_SIZE 64
#define DEFAULT_WINDOW_S 60.0f
#define DEFAULT_HALVE_S 10
#define DEFAULT_SLICE_US 100000
#define DEFAULT_WARMUP_S 60
#define MAX_CAPACITY (1u << 28)

/* Counters snapshotted per slice: packets, bytes, ctrl, new IPs, classes. */
enum { C_PACKETS, C_BYTES, C_CTRL, C_NEW_IPS, C_CLS, NC = C_CLS + FS_CLASS_COUNT };

/* Per-host source-IP sketch: bits set by a keyed hash of the address. */
#define IPBITS 256

/*
 * Eviction policy, by name: least recently active first, except that a
 * key the heavy-hitter summary can prove outnumbers every key outside it
 * (guaranteed count above the summary minimum) is spared and moved to the
 * front, at most hh_size times per eviction. At most hh_size keys qualify
 * and capacity >= 2 * hh_size, so a victim is always found.
 */
#define POLICY "lra_spare_heavy_hitters"

struct meta {
	uint64_t key;
	uint64_t hash;
	uint32_t lru_prev;	/* toward the most recently active */
	uint32_t lru_next;	/* toward the least recently active */
	bool closed;		/* last_sec_us and baselines are valid */
	bool zero_base;		/* the base snapshot is all zero (not stored) */
	/* Snapshots of slices before this one are all the base snapshot. */
	int64_t valid_from;
	int64_t rec_slice;	/* slice of its latest packet: snapshots up
				 * to its start are recorded */
	/* Per slot, kept across reuse: in the wheel list of this slice, and
	 * the tick and second that last looked at it. */
	int64_t listed_slice, seen_tick, seen_second, visited;
	uint16_t ipbits_n;	/* bits set in ipbits */
	uint16_t ip_acc;	/* new-address estimate, 1/256 units */
	uint64_t ipbits[IPBITS / 64];
};

struct fs_hosts {
	uint32_t cap, n;
	uint32_t hh_k;
	uint32_t halve_s;
	float alpha;
	struct fs_hkey hkey;

	struct fs_host *host;
	struct meta *meta;
	struct fs_hidx idx;
	struct fs_hh hh;
	uint32_t lru_head, lru_tail;
	/*
	 * The wheel: per slice of the last second (and the open one), the
	 * hosts with packets in it, each once. A host's window changes only
	 * at the tick of a slice it sent in, and the tick where that slice
	 * leaves the window: those two lists are all a tick looks at.
	 */
	uint32_t *wheel;	/* (nslices + 1) lists of cap slots */
	uint32_t wheel_n[FS_HOSTS_MAX_SLICES + 1];
	uint32_t *changed;	/* windows moved at the latest tick */
	uint32_t n_changed;
	uint32_t n_current;	/* hosts with packets in the window */
	int64_t last_slice;	/* the latest closed slice */
	int64_t visit_gen;	/* fs_hosts_foreach_active calls */
	/* Per host: a base snapshot, then one per slice (ring). */
	uint32_t *snap;
	uint32_t nslices;	/* slices per second */
	int64_t slice_us;
	int64_t open_slice;	/* index of the slice being filled */
	int64_t last_end_us;	/* end of the latest closed slice */
	bool started;
	uint32_t seg_snap[(FS_HOSTS_MAX_SLICES + 1) * NC];
	/* new, invalid and locally administered MACs: a ring each */
	uint32_t seg_macs[3][FS_HOSTS_MAX_SLICES], seg_macs_base[3];
	int64_t warmup_us;
	int64_t seg_valid_from;
	int64_t next_halve_us;
	bool halve_armed;

	struct fs_segment seg;
	struct fs_hosts_stats st;
};

struct layout {
	uint32_t cap, k, nslots, nslices;
	size_t off_host, off_meta, off_slots, off_wheel, off_changed, off_snap,
		off_hh;
	size_t total;
};

static size_t snap_words(uint32_t nslices)
{
	return (size_t)(nslices + 1) * NC;
}

static size_t align_up(size_t x)
{
	return (x + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static int plan(const struct fs_hosts_config *cfg, struct layout *l)
{
	uint32_t cap = cfg->capacity ? cfg->capacity : DEFAULT_CAPACITY;
	if (cap > MAX_CAPACITY)
		return -1;
	uint32_t k = cfg->hh_off ? 0
		     : cfg->hh_size ? cfg->hh_size : DEFAULT_HH_SIZE;
	if (k > cap / 2)
		k = cap / 2;
	uint32_t slice = cfg->slice_us ? cfg->slice_us : DEFAULT_SLICE_US;
	if (slice > 1000000 || 1000000 % slice != 0 ||
	    1000000 / slice > FS_HOSTS_MAX_SLICES)
		return -1;
	l->cap = cap;
	l->k = k;
	l->nslices = 1000000 / slice;
	/* Load factor at most one half: short probe runs. */
	l->nslots = fs_hidx_nslots(cap);

	size_t off = align_up(sizeof(struct fs_hosts));
	l->off_host = off;
	off = align_up(off + (size_t)cap * sizeof(struct fs_host));
	l->off_meta = off;
	off = align_up(off + (size_t)cap * sizeof(struct meta));
	l->off_slots = off;
	off = align_up(off + (size_t)l->nslots * sizeof(struct fs_hidx_slot));
	l->off_wheel = off;
	off = align_up(off + (size_t)(l->nslices + 1) * cap * sizeof(uint32_t));
	l->off_changed = off;
	off = align_up(off + (size_t)cap * sizeof(uint32_t));
	l->off_snap = off;
	off = align_up(off + (size_t)cap * snap_words(l->nslices) * sizeof(uint32_t));
	l->off_hh = off;
	off = align_up(off + fs_hh_memory(k));
	l->total = off;
	return 0;
}

void fs_hosts_config_defaults(struct fs_hosts_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->capacity = DEFAULT_CAPACITY;
	cfg->hh_size = DEFAULT_HH_SIZE;
	cfg->baseline_window_s = DEFAULT_WINDOW_S;
	cfg->seed = 0;
	cfg->hh_halve_s = DEFAULT_HALVE_S;
	cfg->hh_off = false;
	cfg->slice_us = DEFAULT_SLICE_US;
	cfg->warmup_s = DEFAULT_WARMUP_S;
}

size_t fs_hosts_memory_bound(const struct fs_hosts_config *cfg)
{
	struct layout l;
	return plan(cfg, &l) == 0 ? l.total : 0;
}

size_t fs_hosts_host_bytes(const struct fs_hosts_config *cfg)
{
	struct layout l;
	if (plan(cfg, &l) != 0)
		return 0;
	return sizeof(struct fs_host) + sizeof(struct meta) +
	       (l.nslices + 2) * sizeof(uint32_t) +
	       snap_words(l.nslices) * sizeof(uint32_t);
}

struct fs_hosts *fs_hosts_create(const struct fs_hosts_config *cfg)
{
	struct layout l;

	if (plan(cfg, &l) != 0) {
		errno = EINVAL;
		return NULL;
	}
	char *base = calloc(1, l.total);
	if (base == NULL)
		return NULL;

	struct fs_hosts *h = (struct fs_hosts *)(void *)base;
	h->cap = l.cap;
	h->hh_k = l.k;
	h->halve_s = cfg->hh_halve_s ? cfg->hh_halve_s : DEFAULT_HALVE_S;
	h->warmup_us = (int64_t)(cfg->warmup_s ? cfg->warmup_s : DEFAULT_WARMUP_S) *
		       US_PER_S;
	h->alpha = fs_baseline_alpha(cfg->baseline_window_s > 0.0f
					     ? cfg->baseline_window_s
					     : DEFAULT_WINDOW_S);
	fs_hkey_init(&h->hkey, cfg->seed);
	h->host = (struct fs_host *)(void *)(base + l.off_host);
	h->meta = (struct meta *)(void *)(base + l.off_meta);
	fs_hidx_init_in(&h->idx,
			(struct fs_hidx_slot *)(void *)(base + l.off_slots),
			l.nslots);
	h->wheel = (uint32_t *)(void *)(base + l.off_wheel);
	h->changed = (uint32_t *)(void *)(base + l.off_changed);
	h->snap = (uint32_t *)(void *)(base + l.off_snap);
	for (uint32_t i = 0; i < l.cap; i++)
		h->meta[i].listed_slice = h->meta[i].seen_tick =
			h->meta[i].seen_second = h->meta[i].visited = INT64_MIN;
	h->nslices = l.nslices;
	h->slice_us = 1000000 / l.nslices;
	fs_hh_init(&h->hh, l.k, base + l.off_hh);
	h->lru_head = h->lru_tail = NONE;
	h->st.capacity = l.cap;
	h->st.hh_size = l.k;
	h->st.policy = POLICY;
	return h;
}

void fs_hosts_destroy(struct fs_hosts *h)
{
	free(h);
}

/* (VLAN, MAC) in one word: VLAN in the top 16 bits, MAC big-endian below. */
static uint64_t pack_key(uint16_t vlan, const uint8_t mac[6])
{
	uint64_t k = 0;
	memcpy(&k, mac, 6);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	k = __builtin_bswap64(k) >> 16;
#else
	k >>= 16;
#endif
	return (uint64_t)vlan << 48 | k;
}

static void unpack_key(uint64_t k, uint16_t *vlan, uint8_t mac[6])
{
	uint64_t m = k << 16;	/* MAC in the top six bytes */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	memcpy(mac, &m, 6);
	*vlan = (uint16_t)(k >> 48);
}

static bool nonzero4(const uint8_t *a)
{
	uint32_t x;
	memcpy(&x, a, 4);
	return x != 0;
}

static bool nonzero16(const uint8_t *a)
{
	uint64_t x[2];
	memcpy(x, a, 16);
	return (x[0] | x[1]) != 0;
}

/*
 * Key for a frame without L2 (raw IP, cooked captures): a locally
 * administered unicast MAC (first octet bit 1 set, bit 0 clear) made from
 * the source address, so such hosts never collide with real MACs:
 * IPv4 a.b.c.d -> 02:00:a:b:c:d; IPv6 -> 06 then the 16 bytes XOR-folded
 * into 5; anything else -> 02:00:00:00:00:00.
 */
static const uint8_t *derived_mac(const struct fs_pkt *p, uint8_t mac[6])
{
	memset(mac, 0, 6);
	mac[0] = 0x02;
	if (p->ip_version == 4) {
		memcpy(mac + 2, p->src_ip, 4);
	} else if (p->ip_version == 6) {
		mac[0] = 0x06;
		for (int i = 0; i < 16; i++)
			mac[1 + i % 5] ^= p->src_ip[i];
	}
	return mac;
}

static inline void lru_unlink(struct fs_hosts *h, uint32_t i)
{
	struct meta *m = &h->meta[i];

	if (m->lru_prev != NONE)
		h->meta[m->lru_prev].lru_next = m->lru_next;
	else
		h->lru_head = m->lru_next;
	if (m->lru_next != NONE)
		h->meta[m->lru_next].lru_prev = m->lru_prev;
	else
		h->lru_tail = m->lru_prev;
}

static void lru_push_head(struct fs_hosts *h, uint32_t i)
{
	struct meta *m = &h->meta[i];

	m->lru_prev = NONE;
	m->lru_next = h->lru_head;
	if (h->lru_head != NONE)
		h->meta[h->lru_head].lru_prev = i;
	else
		h->lru_tail = i;
	h->lru_head = i;
}

static void lru_touch(struct fs_hosts *h, uint32_t i)
{
	if (h->lru_head == i)
		return;
	lru_unlink(h, i);
	lru_push_head(h, i);
}

/* Has packets in the window of the latest tick (or the open slice). */
static bool is_current(const struct fs_hosts *h, const struct meta *m)
{
	return m->rec_slice > h->last_slice - (int64_t)h->nslices;
}

/* Frees the entry eviction picks; returns its index for reuse. */
static uint32_t evict(struct fs_hosts *h)
{
	uint32_t v = h->lru_tail;

	for (uint32_t s = 0; s < h->hh_k; s++) {
		if (!fs_hh_protected(&h->hh, h->meta[v].key, h->meta[v].hash))
			break;
		lru_unlink(h, v);
		lru_push_head(h, v);
		h->st.evict_protected_skips++;
		v = h->lru_tail;
	}
	struct meta *m = &h->meta[v];
	fs_hidx_remove(&h->idx, m->key, m->hash);
	lru_unlink(h, v);
	if (is_current(h, m))
		h->n_current--;
	h->st.evicted++;
	return v;
}

static uint32_t insert(struct fs_hosts *h, uint64_t key, uint64_t hash,
		       int64_t ts_us)
{
	uint32_t i = h->n < h->cap ? h->n++ : evict(h);
	struct fs_host *o = &h->host[i];
	struct meta *m = &h->meta[i];

	memset(o, 0, sizeof *o);
	unpack_key(key, &o->vlan, o->mac);
	o->first_seen_us = ts_us;
	o->last_seen_us = ts_us;
	fs_baseline_init(&o->base_pps);
	fs_baseline_init(&o->base_ctrl);
	int64_t listed = m->listed_slice, tick = m->seen_tick, sec = m->seen_second;
	int64_t visited = m->visited;
	memset(m, 0, sizeof *m);
	m->listed_slice = listed;
	m->seen_tick = tick;
	m->seen_second = sec;
	m->visited = visited;
	m->rec_slice = INT64_MIN;
	m->key = key;
	m->hash = hash;
	fs_hidx_insert(&h->idx, key, hash, i);
	lru_push_head(h, i);
	h->st.inserted++;
	h->seg.new_macs_total++;
	if ((key & (1ULL << 40)) || (key & 0xffffffffffffULL) == 0)
		h->seg.invalid_macs_total++;	/* group bit, or zero */
	else if (key & (1ULL << 41))
		h->seg.local_macs_total++;
	return i;
}

/*
 * A new key in a full table suggests churn (under a spoofed flood every
 * packet is one), and the next new key evicts the LRA entry, whose record
 * is cold: start loading it now so the misses overlap the next packet.
 * Two stages: the victim's record and index slots now, and the metadata
 * of the one after it, which the next call reads.
 */
static void prefetch_victim(const struct fs_hosts *h)
{
	uint32_t v = h->lru_tail;
	const struct meta *m = &h->meta[v];
	const char *o = (const char *)&h->host[v];

#pragma GCC unroll 16
	for (size_t off = 0; off < sizeof(struct fs_host); off += 64)
		__builtin_prefetch(o + off, 1);
	__builtin_prefetch(&h->idx.s[m->hash & h->idx.mask], 1);
	fs_hh_prefetch_find(&h->hh, m->hash);	/* eviction asks if protected */
	if (m->lru_prev != NONE)
		__builtin_prefetch(&h->meta[m->lru_prev], 1);
}

static uint32_t sat_add32(uint32_t a, uint32_t b)
{
	uint32_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT32_MAX : r;
}

/*
 * Sketch bit of an address: the keyed tabulation hash, which behaves like
 * a random function even on sequential addresses (a multiplicative hash
 * spreads those too evenly, which the linear-counting weights below would
 * turn into an overcount). IPv6 is folded through the hash too, so
 * addresses cannot be picked to collide in the fold.
 */
static uint32_t ip_bit(const struct fs_hosts *h, uint8_t version,
		       const uint8_t *a)
{
	uint64_t x = 0, y = 0;

	if (version == 4) {
		x = (uint64_t)a[0] << 24 | (uint64_t)a[1] << 16 |
		    (uint64_t)a[2] << 8 | a[3] | 4ULL << 56;
	} else {
		for (int i = 0; i < 8; i++) {
			x = x << 8 | a[i];
			y = y << 8 | a[8 + i];
		}
		x = fs_hkey_hash(&h->hkey, x) ^ y;
	}
	return (uint32_t)(fs_hkey_hash(&h->hkey, x) >> 56);
}

/*
 * Attaches a source address. The first FS_HOST_MAX_IPS are kept and
 * counted exactly. Beyond that a 256-bit sketch per host decides "new"
 * (linear counting): with j of the 256 bits set, a new address finds a
 * clear bit with probability (256 - j) / 256, so each newly set bit
 * stands for 256 / (256 - j) new addresses on average; that weight is
 * added in 1/256 fixed point, the remainder carried. When half the bits
 * are set the sketch is cleared, so the weight stays between 1 and 2 and
 * an address recurring across a clear counts again. A spoofer's new_ips
 * per second comes out unbiased, within a few percent; a host with a
 * handful of addresses is counted exactly or nearly so.
 */
static void note_ip(struct fs_hosts *h, struct fs_host *o, struct meta *m,
		    uint8_t version, const uint8_t *addr)
{
	size_t len = version == 4 ? 4 : 16;

	/* Constant-size compares: the compiler turns them into word loads. */
	for (unsigned j = 0; j < o->n_ips; j++) {
		if (o->ips[j].version != version)
			continue;
		if (version == 4 ? memcmp(o->ips[j].addr, addr, 4) == 0
				 : memcmp(o->ips[j].addr, addr, 16) == 0)
			return;
	}

	if (o->n_ips < FS_HOST_MAX_IPS) {
		/*
		 * Until ips[] fills, every address seen so far is in it. The
		 * kept ones never reach the sketch (the compare above returns
		 * first), so they need no bit.
		 */
		struct fs_host_ip *ip = &o->ips[o->n_ips++];
		ip->version = version;
		memset(ip->addr, 0, sizeof ip->addr);
		memcpy(ip->addr, addr, len);
		o->new_ips_total++;
		h->seg.new_ips_total++;
		o->ips_seen = sat_add32(o->ips_seen, 1);
		return;
	}

	uint32_t bit = ip_bit(h, version, addr);
	uint64_t *w = &m->ipbits[bit >> 6];
	uint64_t b = 1ULL << (bit & 63);
	uint32_t add;

	if (!(*w & b)) {
		/* Clear before setting, so this address stays known. */
		if (m->ipbits_n >= IPBITS / 2) {
			memset(m->ipbits, 0, sizeof m->ipbits);
			m->ipbits_n = 0;
		}
		m->ip_acc += (IPBITS << 8) / (IPBITS - m->ipbits_n);
		*w |= b;
		m->ipbits_n++;
		add = m->ip_acc >> 8;
		m->ip_acc &= 0xff;
	} else {
		return;
	}
	o->new_ips_total += add;
	h->seg.new_ips_total += add;
	o->ips_seen = sat_add32(o->ips_seen, add);
}

/* Most hosts send from one IPv4 address: that check needs no call. */
static bool first_ip4_is(const struct fs_host *o, const uint8_t *addr)
{
	return o->n_ips > 0 && o->ips[0].version == 4 &&
	       memcmp(o->ips[0].addr, addr, 4) == 0;
}

/* The counters a window is made of, as they stand (low 32 bits: windows
 * are differences, exact while a second holds fewer than 2^32). */
static void host_counters(const struct fs_host *o, uint32_t c[NC])
{
	c[C_PACKETS] = (uint32_t)o->packets;
	c[C_BYTES] = (uint32_t)o->bytes;
	c[C_CTRL] = (uint32_t)o->ctrl_packets;
	c[C_NEW_IPS] = o->new_ips_total;
	/* Straight-line: a tick reads these twice per host of a flood. */
#pragma GCC unroll 16
	for (int k = 0; k < FS_CLASS_COUNT; k++)
		c[C_CLS + k] = (uint32_t)o->cls_packets[k];
}

static void seg_counters(const struct fs_segment *sg, uint32_t c[NC])
{
	c[C_PACKETS] = (uint32_t)sg->packets;
	c[C_BYTES] = (uint32_t)sg->bytes;
	c[C_CTRL] = (uint32_t)sg->ctrl_packets;
	c[C_NEW_IPS] = sg->new_ips_total;
	for (int k = 0; k < FS_CLASS_COUNT; k++)
		c[C_CLS + k] = (uint32_t)sg->cls_packets[k];
}

static int64_t slice_index(const struct fs_hosts *h, int64_t t_us)
{
	int64_t s = t_us / h->slice_us;
	if (t_us < 0 && s * h->slice_us != t_us)
		s--;
	return s;
}

static uint32_t *wheel_list(struct fs_hosts *h, int64_t slice)
{
	int64_t w = h->nslices + 1;
	int64_t r = slice % w;
	if (r < 0)
		r += w;
	return &h->wheel[(size_t)r * h->cap];
}

static uint32_t *wheel_count(struct fs_hosts *h, int64_t slice)
{
	int64_t w = h->nslices + 1;
	int64_t r = slice % w;
	if (r < 0)
		r += w;
	return &h->wheel_n[r];
}

static uint32_t *ring_at(struct fs_hosts *h, uint32_t i, int64_t j)
{
	int64_t r = j % h->nslices;
	if (r < 0)
		r += h->nslices;
	return &h->snap[(size_t)i * snap_words(h->nslices) + (size_t)(1 + r) * NC];
}

/*
 * A host's first packet in the open slice, before it is counted: the
 * snapshots of the slices since its last packet are the counters as they
 * stand (nothing came in between); after a second or more of silence
 * they all are, kept once as the base. Then it joins the slice's list.
 */
static __attribute__((noinline)) void first_in_slice(struct fs_hosts *h,
						     uint32_t i)
{
	struct meta *m = &h->meta[i];
	int64_t k = h->open_slice;
	uint32_t now[NC];

	if (m->rec_slice == INT64_MIN) {
		/* New: its counters are all zero, the base too (not
		 * written: under a spoofed flood that is a cache miss a
		 * packet). */
		m->zero_base = true;
		m->valid_from = k + 1;
		h->n_current++;
	} else if (!is_current(h, m)) {
		host_counters(&h->host[i], now);
		memcpy(&h->snap[(size_t)i * snap_words(h->nslices)], now,
		       sizeof(now));
		m->zero_base = false;
		m->valid_from = k + 1;
		h->n_current++;
	} else {
		host_counters(&h->host[i], now);
		for (int64_t j = m->rec_slice + 1; j <= k; j++)
			memcpy(ring_at(h, i, j), now, sizeof(now));
	}
	m->rec_slice = k;
	if (m->listed_slice != k) {
		m->listed_slice = k;
		wheel_list(h, k)[(*wheel_count(h, k))++] = i;
	}
}

struct fs_host *fs_hosts_account(struct fs_hosts *h, const struct fs_pkt *p)
{
	uint8_t buf[6];
	const uint8_t *mac = p->has_mac ? p->src_mac : derived_mac(p, buf);
	uint64_t key = pack_key(p->vlan, mac);
	uint64_t hash = fs_hkey_hash(&h->hkey, key);
	/* The summary's loads do not depend on the table's: overlap them. */
	fs_hh_prefetch(&h->hh, key, hash);
	uint32_t i = fs_hidx_find(&h->idx, key, hash);

	if (!h->started) {
		h->started = true;
		h->open_slice = slice_index(h, p->ts_us);
		h->seg_valid_from = h->open_slice + 1;
		h->seg.warm_until_us = p->ts_us + h->warmup_us;
	}
	if (i == NONE) {
		i = insert(h, key, hash, p->ts_us);
		if (h->n == h->cap)
			prefetch_victim(h);
	} else {
		lru_touch(h, i);
	}
	fs_hh_add(&h->hh, key, hash);

	struct fs_host *o = &h->host[i];
	struct meta *m = &h->meta[i];
	struct fs_segment *sg = &h->seg;
	uint32_t w = p->wirelen;
	uint32_t c = p->classes & (FS_CLASS_BIT(FS_CLASS_COUNT) - 1);

	/* Before counting: the snapshots are of the counters before it. */
	if (m->rec_slice != h->open_slice)
		first_in_slice(h, i);
	o->packets++;
	o->bytes += w;
	if (p->ts_us > o->last_seen_us)
		o->last_seen_us = p->ts_us;
	sg->packets++;
	sg->bytes += w;
	if (c & FS_CLASS_CTRL_MASK) {
		o->ctrl_packets++;
		sg->ctrl_packets++;
	}
	while (c) {
		int k = __builtin_ctz(c);
		c &= c - 1;
		o->cls_packets[k]++;
		sg->cls_packets[k]++;
	}

	if (p->ip_version == 4) {
		if (nonzero4(p->src_ip) && !first_ip4_is(o, p->src_ip))
			note_ip(h, o, m, 4, p->src_ip);
	} else if (p->ip_version == 6) {
		if (nonzero16(p->src_ip))
			note_ip(h, o, m, 6, p->src_ip);
	} else if (p->classes & FS_CLASS_BIT(FS_CLASS_ARP)) {
		/* 0.0.0.0 is an ARP probe (RFC 5227), not an address. */
		if (nonzero4(p->arp_spa))
			note_ip(h, o, m, 4, p->arp_spa);
	}
	return o;
}

void fs_hosts_prefetch(const struct fs_hosts *h, uint16_t vlan,
		       const uint8_t mac[6])
{
	uint64_t key = pack_key(vlan, mac);
	uint64_t hash = fs_hkey_hash(&h->hkey, key);
	fs_hidx_prefetch(&h->idx, hash);
	fs_hh_prefetch(&h->hh, key, hash);
}

struct fs_host *fs_hosts_find(struct fs_hosts *h, uint16_t vlan,
			      const uint8_t mac[6])
{
	uint64_t key = pack_key(vlan, mac);
	uint32_t i = fs_hidx_find(&h->idx, key, fs_hkey_hash(&h->hkey, key));
	return i == NONE ? NULL : &h->host[i];
}

/*
 * Folds in the zero seconds a host has not been ticked for: baselines
 * decay in closed form. This is what keeps the tick proportional to
 * active hosts.
 */
static void fold_idle(struct fs_hosts *h, struct fs_host *o,
		      const struct meta *m, int64_t sec_us)
{
	int64_t gap = 0;
	if (m->closed)
		gap = (sec_us - o->last_sec_us) / US_PER_S - 1;
	if (gap < 0)
		gap = 0;
	if (gap > UINT32_MAX)
		gap = UINT32_MAX;
	fs_baseline_decay(&o->base_pps, h->alpha, (uint32_t)gap);
	fs_baseline_decay(&o->base_ctrl, h->alpha, (uint32_t)gap);
}

/* The second that began at sec_us is closed: its counts are the window. */
static void close_second(struct fs_hosts *h, uint32_t i, int64_t sec_us)
{
	struct fs_host *o = &h->host[i];
	struct meta *m = &h->meta[i];

	fold_idle(h, o, m, sec_us);
	o->last = o->win;
	o->last_sec_us = sec_us;
	if (o->win.packets > o->peak_pps) {
		o->peak_pps = o->win.packets;
		o->peak_ts_us = sec_us;
	}
	fs_baseline_update(&o->base_pps, h->alpha, (float)o->win.packets);
	fs_baseline_update(&o->base_ctrl, h->alpha, (float)o->win.ctrl);
	m->closed = true;
}

static const uint32_t zero_snap[NC];

static const uint32_t *snap_at(struct fs_hosts *h, uint32_t i, int64_t j)
{
	if (j < h->meta[i].valid_from)
		return h->meta[i].zero_base ? zero_snap
					    : &h->snap[(size_t)i * snap_words(h->nslices)];
	return ring_at(h, i, j);
}

/* A bin is the counters in snapshot order: one subtraction each, four
 * at a time (a tick does this twice per host a spoofed flood brings). */
_Static_assert(sizeof(struct fs_host_bin) == NC * sizeof(uint32_t) &&
		       offsetof(struct fs_host_bin, packets) == C_PACKETS * 4 &&
		       offsetof(struct fs_host_bin, bytes) == C_BYTES * 4 &&
		       offsetof(struct fs_host_bin, ctrl) == C_CTRL * 4 &&
		       offsetof(struct fs_host_bin, new_ips) == C_NEW_IPS * 4 &&
		       offsetof(struct fs_host_bin, cls) == C_CLS * 4,
	       "struct fs_host_bin follows the snapshot layout");

typedef uint32_t v4u32 __attribute__((vector_size(16)));

static void to_bin(const uint32_t now[NC], const uint32_t *old,
		   struct fs_host_bin *b)
{
	uint32_t d[NC];
	int k = 0;

	for (; k + 4 <= NC; k += 4) {
		v4u32 x, y;
		memcpy(&x, now + k, sizeof x);
		memcpy(&y, old + k, sizeof y);
		x -= y;
		memcpy(d + k, &x, sizeof x);
	}
	for (; k < NC; k++)
		d[k] = now[k] - old[k];
	memcpy(b, d, sizeof d);
}

/*
 * Per-slice counts of one counter over the window ending with slice s.
 * Snapshots past the host's latest packet are the counters now.
 */
static unsigned window_slices(struct fs_hosts *h, uint32_t i, int64_t s,
			      const uint32_t now[NC], int field, uint32_t *out)
{
	const struct meta *m = &h->meta[i];
	int64_t n = h->nslices;
	const uint32_t *prev = s - n + 1 > m->rec_slice ? now : snap_at(h, i, s - n + 1);
	for (int64_t k = 0; k < n; k++) {
		int64_t j = s - n + 2 + k;	/* start of the next slice */
		const uint32_t *next = j > m->rec_slice ? now : snap_at(h, i, j);
		out[k] = next[field] - prev[field];
		prev = next;
	}
	return (unsigned)n;
}

static void judge_runs(struct fs_hosts *h, uint32_t i, int64_t s,
		       const uint32_t now[NC])
{
	struct fs_host *o = &h->host[i];
	int64_t first_us = (s - h->nslices + 1) * h->slice_us;
	uint32_t sl[FS_HOSTS_MAX_SLICES];
	struct { struct fs_baseline *b; uint32_t w; int field; } bl[2] = {
		{ &o->base_pps, o->win.packets, C_PACKETS },
		{ &o->base_ctrl, o->win.ctrl, C_CTRL },
	};

	for (int k = 0; k < 2; k++) {
		struct fs_baseline *b = bl[k].b;
		if (b->samples < FS_BASELINE_RUN_MIN_S ||
		    (!b->in_run && (float)bl[k].w <= fs_baseline_threshold(b)))
			continue;
		unsigned n = window_slices(h, i, s, now, bl[k].field, sl);
		fs_baseline_slice(b, bl[k].w, sl, n, first_us, h->slice_us);
	}
}

int64_t fs_hosts_slice_us(const struct fs_hosts *h)
{
	return h->slice_us;
}

bool fs_hosts_current(const struct fs_hosts *h, const struct fs_host *host)
{
	return host && h->started &&
	       is_current(h, &h->meta[(size_t)(host - h->host)]);
}

/* The window of host i at the end of slice s (it has packets in it). */
static void move_window(struct fs_hosts *h, uint32_t i, int64_t s, int64_t end_us)
{
	struct fs_host *o = &h->host[i];
	uint32_t now[NC];

	host_counters(o, now);
	to_bin(now, s - (int64_t)h->nslices + 1 > h->meta[i].rec_slice
			    ? now : snap_at(h, i, s - h->nslices + 1), &o->win);
	o->win_end_us = end_us;
	judge_runs(h, i, s, now);
}

/* The clock skipped slices: what the wheel holds came in slice s. */
static void skipped_to(struct fs_hosts *h, int64_t s)
{
	uint32_t *from = wheel_list(h, h->open_slice);
	uint32_t n = *wheel_count(h, h->open_slice);
	for (int64_t k = 0; k <= (int64_t)h->nslices; k++)
		h->wheel_n[k] = 0;
	uint32_t *to = wheel_list(h, s);
	uint32_t *to_n = wheel_count(h, s);
	h->n_current = 0;
	for (uint32_t j = 0; j < n; j++) {
		uint32_t i = from[j];
		struct meta *m = &h->meta[i];
		if (m->rec_slice != h->open_slice || m->listed_slice != h->open_slice)
			continue;
		if (m->valid_from <= h->open_slice) {
			memcpy(&h->snap[(size_t)i * snap_words(h->nslices)],
			       ring_at(h, i, h->open_slice), NC * sizeof(uint32_t));
			m->zero_base = false;
		}
		m->valid_from = s + 1;
		m->rec_slice = s;
		m->listed_slice = s;
		to[(*to_n)++] = i;	/* from and to may be one list: j >= *to_n */
		h->n_current++;
	}
	if (h->last_end_us != 0) {
		int64_t r = h->open_slice % h->nslices;
		if (r < 0)
			r += h->nslices;
		memcpy(h->seg_snap, &h->seg_snap[(size_t)(1 + r) * NC],
		       NC * sizeof(uint32_t));
		for (int k = 0; k < 3; k++)
			h->seg_macs_base[k] = h->seg_macs[k][r];
	}
	h->seg_valid_from = s + 1;
}

static const uint32_t *seg_snap_at(const struct fs_hosts *h, int64_t j)
{
	if (j < h->seg_valid_from)
		return h->seg_snap;
	int64_t r = j % h->nslices;
	if (r < 0)
		r += h->nslices;
	return &h->seg_snap[(size_t)(1 + r) * NC];
}

/*
 * A tick visits its hosts in list order, each a few cache misses apart
 * under a spoofed flood (its counters, baselines, metadata and one
 * snapshot): load the one TICK_AHEAD places on while this one is moved.
 */
#define TICK_AHEAD 6

static inline void prefetch_tick(const struct fs_hosts *h, const uint32_t *list,
				 uint32_t j, uint32_t cnt)
{
	if (j + TICK_AHEAD >= cnt)
		return;
	uint32_t i = list[j + TICK_AHEAD];
	const char *o = (const char *)&h->host[i];
	const struct meta *m = &h->meta[i];

#pragma GCC unroll 8
	for (size_t off = offsetof(struct fs_host, packets);
	     off < sizeof(struct fs_host); off += 64)
		__builtin_prefetch(o + off, 1);
	__builtin_prefetch(m, 1);
	__builtin_prefetch((const char *)m + sizeof *m - 1, 1);
}

void fs_hosts_tick(struct fs_hosts *h, int64_t slice_start_us)
{
	int64_t s = slice_index(h, slice_start_us);
	int64_t n = h->nslices;
	int64_t end_us = slice_start_us + h->slice_us;
	bool second = end_us % US_PER_S == 0;
	int64_t sec_us = end_us - US_PER_S;
	uint32_t now[NC];

	if (!h->started) {
		h->started = true;
		h->open_slice = s;
		h->seg_valid_from = s + 1;
		h->seg.warm_until_us = slice_start_us + h->warmup_us;
	}
	if (s != h->open_slice)
		skipped_to(h, s);
	h->last_end_us = end_us;
	h->last_slice = s;

	/*
	 * Windows move for the hosts that sent in slice s and those whose
	 * slice s - n leaves; every other host's window is what it was.
	 */
	h->n_changed = 0;
	for (int pass = 0; pass < 2; pass++) {
		int64_t sl = pass ? s : s - n;
		uint32_t *list = wheel_list(h, sl);
		uint32_t cnt = *wheel_count(h, sl);
		for (uint32_t j = 0; j < cnt; j++) {
			uint32_t i = list[j];
			struct meta *m = &h->meta[i];
			prefetch_tick(h, list, j, cnt);
			if (!pass && m->valid_from > s - n + 1) {
				/*
				 * Slice s - n is before this host's snapshots
				 * begin (the entry is a former occupant's, as
				 * under a flood of new sources, where slots last
				 * less than a second): its window starts from
				 * the base either way and moves only if it sent
				 * in slice s, in the next pass (so not marked).
				 */
				continue;
			}
			if (m->seen_tick == s)
				continue;
			m->seen_tick = s;
			if (!pass && m->rec_slice <= s - n) {
				/* Its last slice left: the window is empty, which
				 * not being current says (a stale entry of a slot
				 * reused since was never counted). */
				if (m->rec_slice == s - n)
					h->n_current--;
				continue;
			}
			move_window(h, i, s, end_us);
			h->changed[h->n_changed++] = i;
		}
		if (!pass)
			*wheel_count(h, sl) = 0;	/* it becomes slice s + 1's */
	}
	h->open_slice = s + 1;

	/* Close the second: every host with packets in it. */
	uint32_t top = 0;
	if (second) {
		for (int64_t sl = s - n + 1; sl <= s; sl++) {
			uint32_t *list = wheel_list(h, sl);
			uint32_t cnt = *wheel_count(h, sl);
			for (uint32_t j = 0; j < cnt; j++) {
				uint32_t i = list[j];
				struct meta *m = &h->meta[i];
				prefetch_tick(h, list, j, cnt);
				if (m->seen_second == s || !is_current(h, m))
					continue;
				m->seen_second = s;
				close_second(h, i, sec_us);
				if (h->host[i].win.packets > top)
					top = h->host[i].win.packets;
			}
		}
	}

	struct fs_segment *sg = &h->seg;
	seg_counters(sg, now);
	to_bin(now, seg_snap_at(h, s - n + 1), &sg->win);
	sg->win_end_us = end_us;
	sg->active_win = h->n_current;
	int64_t r = (s + 1) % n;
	if (r < 0)
		r += n;
	memcpy(&h->seg_snap[(size_t)(1 + r) * NC], now, sizeof(now));
	/* New MACs: the same ring, three counters. */
	uint32_t *tot[3] = { &sg->new_macs_total, &sg->invalid_macs_total,
			     &sg->local_macs_total };
	uint32_t *win[3] = { &sg->new_macs_win, &sg->invalid_macs_win,
			     &sg->local_macs_win };
	for (int k = 0; k < 3; k++) {
		uint32_t before = s - n + 1 < h->seg_valid_from
					  ? h->seg_macs_base[k] : h->seg_macs[k][r];
		*win[k] = *tot[k] - before;
		h->seg_macs[k][r] = *tot[k];
	}
	if (second) {
		sg->new_macs_last = sg->new_macs_win;
		sg->last = sg->win;
		sg->active_last = h->n_current;
		sg->top_last = top;
		if (sg->last.packets > sg->peak_pps) {
			sg->peak_pps = sg->last.packets;
			sg->peak_ts_us = sec_us;
		}
	}

	/*
	 * Space-Saving counts since the start would protect yesterday's top
	 * talker for ever and make a new flooder wait until it outgrew it.
	 * Halving every halve_s seconds turns counts into an exponentially
	 * decayed rate (half-life halve_s): a steady sender settles near
	 * 2 * rate * halve_s, and a new flooder overtakes an old talker
	 * within a few seconds. Halving keeps the order of counts, so the
	 * summary stays valid; it costs O(k log k) once per period.
	 */
	if (!second)
		return;
	if (!h->halve_armed) {
		h->next_halve_us = sec_us + (int64_t)h->halve_s * US_PER_S;
		h->halve_armed = true;
	} else if (sec_us >= h->next_halve_us) {
		fs_hh_halve(&h->hh);
		h->st.hh_halvings++;
		h->next_halve_us = sec_us + (int64_t)h->halve_s * US_PER_S;
	}
}

void fs_hosts_foreach(const struct fs_hosts *h, fs_host_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < h->n; i++)
		fn(&h->host[i], ctx);
}

void fs_hosts_foreach_active(const struct fs_hosts *h, fs_host_fn fn,
			     void *ctx)
{
	struct fs_hosts *w = (struct fs_hosts *)h;	/* stamps only */
	int64_t s = h->last_slice, gen = ++w->visit_gen;
	for (int64_t sl = s - (int64_t)h->nslices + 1; h->started && sl <= s; sl++) {
		const uint32_t *list = wheel_list(w, sl);
		uint32_t cnt = *wheel_count(w, sl);
		for (uint32_t j = 0; j < cnt; j++) {
			uint32_t i = list[j];
			struct meta *m = &w->meta[i];
			if (!is_current(h, m) || m->visited == gen)
				continue;
			m->visited = gen;	/* once per call */
			fn(&h->host[i], ctx);
		}
	}
}

void fs_hosts_foreach_changed(const struct fs_hosts *h, fs_host_fn fn,
			      void *ctx)
{
	for (uint32_t j = 0; j < h->n_changed; j++) {
		if (j + TICK_AHEAD < h->n_changed) {
			/* What a rule reads: the key, the window, currency. */
			uint32_t i = h->changed[j + TICK_AHEAD];
			__builtin_prefetch(&h->host[i]);
			__builtin_prefetch(&h->host[i].win);
			__builtin_prefetch(&h->host[i].win_end_us);
			__builtin_prefetch(&h->meta[i].rec_slice);
		}
		fn(&h->host[h->changed[j]], ctx);
	}
}

/* Ranking for top: more packets first; ties by (VLAN, MAC) for stable output. */
static int rank(const struct fs_host *a, const struct fs_host *b)
{
	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	if (a->vlan != b->vlan)
		return a->vlan < b->vlan ? -1 : 1;
	return memcmp(a->mac, b->mac, 6);
}

/* Min-heap on rank: the root is the weakest of the n kept. */
static void sift_down(const struct fs_host **hp, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && rank(hp[l], hp[w]) > 0)
			w = l;
		if (r < n && rank(hp[r], hp[w]) > 0)
			w = r;
		if (w == i)
			return;
		const struct fs_host *t = hp[i];
		hp[i] = hp[w];
		hp[w] = t;
		i = w;
	}
}

size_t fs_hosts_top(const struct fs_hosts *h, const struct fs_host **out,
		    size_t n)
{
	size_t got = 0;

	if (n == 0)
		return 0;
	for (uint32_t i = 0; i < h->n; i++) {
		const struct fs_host *o = &h->host[i];
		if (got < n) {
			/* Sift up. */
			size_t c = got++;
			out[c] = o;
			while (c > 0) {
				size_t p = (c - 1) / 2;
				if (rank(out[c], out[p]) <= 0)
					break;
				const struct fs_host *t = out[c];
				out[c] = out[p];
				out[p] = t;
				c = p;
			}
		} else if (rank(o, out[0]) < 0) {
			out[0] = o;
			sift_down(out, got, 0);
		}
	}
	/* Heapsort in place (qsort may allocate): weakest goes last. */
	for (size_t end = got; end-- > 1;) {
		const struct fs_host *t = out[0];
		out[0] = out[end];
		out[end] = t;
		sift_down(out, end, 0);
	}
	return got;
}

const struct fs_segment *fs_hosts_segment(const struct fs_hosts *h)
{
	return &h->seg;
}

uint32_t fs_segment_new_macs(const struct fs_segment *s)
{
	if (s->win_end_us >= s->warm_until_us)
		return s->new_macs_win;
	if (s->new_macs_win >= FS_WARM_ANY_MACS)
		return s->new_macs_win;
	return s->local_macs_win >= FS_WARM_LOCAL_MACS ? s->local_macs_win : 0;
}

void fs_hosts_stats(const struct fs_hosts *h, struct fs_hosts_stats *st)
{
	*st = h->st;
	st->in_use = h->n;
}

size_t fs_hosts_hh_top(const struct fs_hosts *h, struct fs_hosts_hh *out,
		       size_t n)
{
	const struct fs_hh *hh = &h->hh;
	size_t got = 0;

	if (hh->k == 0)
		return 0;
	for (uint32_t bi = hh->bhi; bi != NONE && got < n; bi = hh->b[bi].prev)
		for (uint32_t ei = hh->b[bi].head; ei != NONE && got < n;
		     ei = hh->e[ei].next) {
			const struct fs_hh_entry *e = &hh->e[ei];
			struct fs_hosts_hh *o = &out[got++];
			unpack_key(e->key, &o->vlan, o->mac);
			o->count = e->count;
			o->err = e->err;
			o->is_protected = fs_hh_protected(hh, e->key, e->hash);
		}
	return got;
}

int fs_hosts_check(const struct fs_hosts *h)
{
	if (h->n > h->cap || h->idx.n != h->n || fs_hidx_check(&h->idx) != 0)
		return -1;
	for (uint32_t i = 0; i < h->n; i++)
		if (fs_hidx_find(&h->idx, h->meta[i].key, h->meta[i].hash) != i ||
		    fs_hkey_hash(&h->hkey, h->meta[i].key) != h->meta[i].hash)
			return -1;
	uint32_t seen = 0, prev = NONE;
	for (uint32_t i = h->lru_head; i != NONE; i = h->meta[i].lru_next) {
		if (h->meta[i].lru_prev != prev || ++seen > h->n)
			return -1;
		prev = i;
	}
	if (seen != h->n || h->lru_tail != prev)
		return -1;
	uint32_t nc = 0;
	for (uint32_t i = 0; i < h->n; i++)
		nc += h->started && is_current(h, &h->meta[i]);
	if (nc != h->n_current)
		return -1;
	return fs_hh_check(&h->hh);
}
