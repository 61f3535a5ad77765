/* Hosts table: lookup, LRA eviction, bins and tick (the index: test_hash.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/hosts.h"
#include "hosts_util.h"

static struct fs_hosts *mk(uint32_t cap, bool hh_off, uint64_t seed)
{
	struct fs_hosts_config cfg;
	fs_hosts_config_defaults(&cfg);
	cfg.capacity = cap;
	cfg.hh_off = hh_off;
	cfg.seed = seed;
	struct fs_hosts *h = fs_hosts_create(&cfg);
	assert_non_null(h);
	return h;
}

static struct fs_host *find_id(struct fs_hosts *h, uint16_t vlan, uint64_t id)
{
	uint8_t mac[6];
	id_mac(id, mac);
	return fs_hosts_find(h, vlan, mac);
}

/* Closes the ten slices of the second sec. */
static void tick_second(struct fs_hosts *h, int64_t sec)
{
	for (int k = 0; k < 10; k++)
		fs_hosts_tick(h, sec + k * 100000);
}

static void test_insert_find(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(16, false, 1);
	struct fs_pkt p = mkpkt(0, 1, 100 * S, 0, 60);

	struct fs_host *a = fs_hosts_account(h, &p);
	assert_non_null(a);
	assert_ptr_equal(find_id(h, 0, 1), a);
	assert_null(find_id(h, 0, 2));
	assert_null(find_id(h, 7, 1));		/* VLAN is part of the key */
	p.vlan = 7;
	p.wirelen = 1500;
	struct fs_host *b = fs_hosts_account(h, &p);
	assert_ptr_not_equal(a, b);
	assert_int_equal(b->vlan, 7);
	assert_memory_equal(b->mac, p.src_mac, 6);
	p.vlan = 0;
	p.ts_us = 100 * S + 5;
	assert_ptr_equal(fs_hosts_account(h, &p), a);
	assert_int_equal(a->packets, 2);
	assert_int_equal(a->bytes, 60 + 1500);
	assert_int_equal(a->first_seen_us, 100 * S);
	assert_int_equal(a->last_seen_us, 100 * S + 5);

	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_int_equal(st.inserted, 2);
	assert_int_equal(st.in_use, 2);
	assert_int_equal(st.evicted, 0);
	assert_int_equal(st.capacity, 16);
	assert_string_equal(st.policy, "lra_spare_heavy_hitters");
	assert_int_equal(fs_hosts_check(h), 0);
	fs_hosts_destroy(h);
}

/* Table-driven LRA order: each row is a sequence of ids; expect survivors. */
static void test_evict_order_lra(void **state)
{
	(void)state;
	static const struct {
		uint32_t cap;
		int seq[12];		/* -1 ends */
		int present[6], absent[6];	/* 0 ends */
	} rows[] = {
		{ 4, { 1, 2, 3, 4, 1, 5, -1 }, { 1, 3, 4, 5 }, { 2 } },
		{ 4, { 1, 2, 3, 4, 5, 6, -1 }, { 3, 4, 5, 6 }, { 1, 2 } },
		{ 3, { 1, 2, 3, 2, 1, 4, 5, -1 }, { 1, 4, 5 }, { 2, 3 } },
		{ 2, { 1, 2, 1, 1, 3, 1, 4, -1 }, { 1, 4 }, { 2, 3 } },
	};
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct fs_hosts *h = mk(rows[r].cap, true, 3);
		int n = 0;
		for (; rows[r].seq[n] >= 0; n++) {
			struct fs_pkt p = mkpkt(0, (uint64_t)rows[r].seq[n],
						10 * S + n, 0, 64);
			fs_hosts_account(h, &p);
		}
		for (int i = 0; rows[r].present[i]; i++)
			assert_non_null(find_id(h, 0, (uint64_t)rows[r].present[i]));
		for (int i = 0; rows[r].absent[i]; i++)
			assert_null(find_id(h, 0, (uint64_t)rows[r].absent[i]));
		struct fs_hosts_stats st;
		fs_hosts_stats(h, &st);
		assert_int_equal(st.in_use, rows[r].cap);
		assert_int_equal(fs_hosts_check(h), 0);
		fs_hosts_destroy(h);
	}
}

/*
 * Random traffic over a universe larger than the table, checked after
 * every packet against a naive model: an array of (key, last use, count)
 * evicting the least recently used by linear scan.
 */
static void test_against_model(void **state)
{
	(void)state;
	enum { CAP = 50, UNIVERSE = 160, OPS = 20000 };
	struct { int64_t used; uint64_t count; bool in; } model[UNIVERSE];
	struct fs_hosts *h = mk(CAP, true, 5);
	uint32_t in = 0;
	uint64_t rng = 88172645463325252ULL;

	memset(model, 0, sizeof model);
	for (int op = 0; op < OPS; op++) {
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		/* Skewed: half the traffic goes to 20 ids. */
		uint64_t id = (rng & 1) ? (rng >> 8) % 20 : (rng >> 8) % UNIVERSE;
		uint16_t vlan = (uint16_t)(id % 3);
		struct fs_pkt p = mkpkt(vlan, id, 1000 * S + op, 0, 100);

		if (!model[id].in) {
			if (in == CAP) {
				int victim = -1;
				for (int k = 0; k < UNIVERSE; k++)
					if (model[k].in && (victim < 0 ||
					    model[k].used < model[victim].used))
						victim = k;
				model[victim].in = false;
				in--;
			}
			model[id].in = true;
			model[id].count = 0;
			in++;
		}
		model[id].used = op;
		model[id].count++;
		fs_hosts_account(h, &p);

		if (op % 97 == 0 || op == OPS - 1) {
			for (uint64_t k = 0; k < UNIVERSE; k++) {
				struct fs_host *o = find_id(h, (uint16_t)(k % 3), k);
				if (model[k].in) {
					assert_non_null(o);
					assert_int_equal(o->packets, model[k].count);
				} else {
					assert_null(o);
				}
			}
			assert_int_equal(fs_hosts_check(h), 0);
		}
	}
	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_int_equal(st.in_use, CAP);
	assert_int_equal(st.inserted - st.evicted, CAP);
	fs_hosts_destroy(h);
}

/*
 * Sliding windows under churn: slots are reused within a second (as under
 * a flood of new sources), so the wheel lists hold entries of former
 * occupants. After every tick each host's window is its packets in the
 * last ten slices since it was (re)inserted, by brute force.
 */
static void test_windows_under_churn(void **state)
{
	(void)state;
	enum { CAP = 40, UNIVERSE = 120, SLICES = 300, MAXP = 64 };
	static struct { unsigned n; int64_t slice[MAXP]; } model[UNIVERSE];
	struct fs_hosts *h = mk(CAP, true, 11);
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	int64_t t0 = 500 * S;

	memset(model, 0, sizeof model);
	for (int64_t sl = 0; sl < SLICES; sl++) {
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		unsigned npk = (unsigned)(rng % 60);	/* 0..59 per slice */
		for (unsigned k = 0; k < npk; k++) {
			rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
			/* A few steady hosts among many passing ones. */
			uint64_t id = (rng & 3) ? (rng >> 8) % UNIVERSE : (rng >> 8) % 5;
			struct fs_pkt p = mkpkt(0, id, t0 + sl * 100000 + k * 1000, 0, 64);
			if (!find_id(h, 0, id))
				model[id].n = 0;	/* new, or evicted since */
			fs_hosts_account(h, &p);
			if (model[id].n == MAXP) {	/* keep the latest */
				memmove(model[id].slice, model[id].slice + 1,
					(MAXP - 1) * sizeof model[id].slice[0]);
				model[id].n--;
			}
			model[id].slice[model[id].n++] = sl;
		}
		fs_hosts_tick(h, t0 + sl * 100000);
		for (uint64_t id = 0; id < UNIVERSE; id++) {
			struct fs_host *o = find_id(h, 0, id);
			if (!o)
				continue;
			uint32_t want = 0;
			for (unsigned j = 0; j < model[id].n; j++)
				want += model[id].slice[j] > sl - 10;
			uint32_t got = fs_hosts_current(h, o) ? o->win.packets : 0;
			assert_int_equal(got, want);
		}
		assert_int_equal(fs_hosts_check(h), 0);
	}
	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_true(st.evicted > 1000);		/* the churn happened */
	fs_hosts_destroy(h);
}

static void test_capacity_never_exceeded(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(1000, false, 9);
	for (uint64_t i = 0; i < 50000; i++) {
		struct fs_pkt p = mkpkt(0, i, 5 * S + (int64_t)i * 10, 0, 64);
		fs_hosts_account(h, &p);
		if (i % 10000 == 0)
			tick_second(h, 5 * S + (int64_t)i * 10 / S * S);
	}
	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_int_equal(st.in_use, 1000);
	assert_int_equal(st.inserted, 50000);
	assert_int_equal(st.evicted, 49000);
	assert_int_equal(fs_hosts_check(h), 0);

	/* The bound grows linearly and covers at least the host records. */
	struct fs_hosts_config cfg;
	fs_hosts_config_defaults(&cfg);
	cfg.capacity = 1000;
	size_t b1 = fs_hosts_memory_bound(&cfg);
	cfg.capacity = 2000;
	size_t b2 = fs_hosts_memory_bound(&cfg);
	assert_true(b1 > 1000 * sizeof(struct fs_host));
	assert_true(b2 > b1 && b2 < 2 * b1 + 4096);
	/* Per host: the record, its bookkeeping and snapshots, and two
	 * index slots. */
	cfg.capacity = 1u << 16;
	size_t c1 = fs_hosts_memory_bound(&cfg);
	cfg.capacity = 1u << 17;
	size_t c2 = fs_hosts_memory_bound(&cfg);
	size_t per_host = (c2 - c1) >> 16;
	assert_int_equal(per_host, fs_hosts_host_bytes(&cfg) + 32);
	assert_true(fs_hosts_host_bytes(&cfg) > sizeof(struct fs_host) + 11 * 68);
	cfg.capacity = 0xffffffffu;
	assert_int_equal(fs_hosts_memory_bound(&cfg), 0);
	assert_null(fs_hosts_create(&cfg));
	fs_hosts_destroy(h);
}

static void test_classes_and_ips(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(64, false, 1);
	const uint32_t arp = FS_CLASS_BIT(FS_CLASS_ARP) |
			     FS_CLASS_BIT(FS_CLASS_BROADCAST);
	const uint32_t syn = FS_CLASS_BIT(FS_CLASS_TCP_SYN);

	struct fs_pkt p = mkpkt(0, 1, 10 * S, arp, 60);
	p.ethertype = 0x0806;
	p.arp_op = 1;
	memcpy(p.arp_spa, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	struct fs_host *o = fs_hosts_account(h, &p);
	memset(p.arp_spa, 0, 4);		/* probe: no address */
	fs_hosts_account(h, &p);

	p = mkpkt(0, 1, 10 * S + 1, syn, 74);
	p.ip_version = 4;
	memcpy(p.src_ip, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	fs_hosts_account(h, &p);
	memcpy(p.src_ip, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	fs_hosts_account(h, &p);
	p.ip_version = 6;
	memset(p.src_ip, 0, 16);
	p.src_ip[0] = 0xfe; p.src_ip[1] = 0x80; p.src_ip[15] = 1;
	p.classes = 0;
	fs_hosts_account(h, &p);

	assert_int_equal(o->packets, 5);
	assert_int_equal(o->cls_packets[FS_CLASS_ARP], 2);
	assert_int_equal(o->cls_packets[FS_CLASS_BROADCAST], 2);
	assert_int_equal(o->cls_packets[FS_CLASS_TCP_SYN], 2);
	assert_int_equal(o->ctrl_packets, 2);	/* broadcast+arp; SYN is not */
	assert_int_equal(o->n_ips, 3);
	assert_int_equal(o->ips_seen, 3);
	assert_int_equal(o->new_ips_total, 3);
	fs_hosts_tick(h, 10 * S);
	assert_true(fs_hosts_current(h, o));
	assert_int_equal(o->win.cls[FS_CLASS_TCP_SYN], 2);
	assert_int_equal(o->win.ctrl, 2);
	assert_int_equal(o->win.new_ips, 3);
	assert_int_equal(o->win.packets, 5);
	assert_int_equal(o->ips[0].version, 4);
	assert_memory_equal(o->ips[0].addr, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
	assert_memory_equal(o->ips[1].addr, ((uint8_t[]){ 10, 0, 0, 2 }), 4);
	assert_int_equal(o->ips[2].version, 6);
	assert_int_equal(o->ips[2].addr[0], 0xfe);
	const struct fs_segment *sg = fs_hosts_segment(h);
	assert_int_equal(sg->win.packets, 5);
	assert_int_equal(sg->win.ctrl, 2);
	assert_int_equal(sg->win.cls[FS_CLASS_ARP], 2);
	assert_int_equal(sg->bytes, 60 + 60 + 74 + 74 + 74);

	/* Spoofers: N distinct sources in one second behind one MAC. */
	static const uint32_t ns[] = { 5, 6, 9, 300, 2000, 20000 };
	for (unsigned r = 0; r < sizeof ns / sizeof ns[0]; r++) {
		p = mkpkt(0, 100 + r, 10 * S + 100000 * (r + 1), 0, 60);
		p.ip_version = 4;
		for (uint32_t i = 0; i < ns[r]; i++) {
			p.src_ip[0] = 192;
			p.src_ip[1] = (uint8_t)(i >> 16);
			p.src_ip[2] = (uint8_t)(i >> 8);
			p.src_ip[3] = (uint8_t)i;
			o = fs_hosts_account(h, &p);
			fs_hosts_account(h, &p);	/* repeats are not new */
		}
		assert_int_equal(o->n_ips, FS_HOST_MAX_IPS);
		/* Exact up to FS_HOST_MAX_IPS, then a sketch estimate: off by
		 * a collision at most for a few, within 6 % for many. */
		uint32_t tol = ns[r] < 10 ? 1 : ns[r] * 6 / 100;
		fs_hosts_tick(h, 10 * S + 100000 * (r + 1));
		assert_in_range(o->win.new_ips, ns[r] - tol, ns[r] + tol);
		assert_int_equal(o->ips_seen, o->win.new_ips);
	}
	fs_hosts_destroy(h);
}

static void test_raw_ip_key(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(64, false, 1);
	struct fs_pkt p = mkpkt(0, 0, 10 * S, 0, 40);
	p.has_mac = false;
	memset(p.src_mac, 0, 6);
	p.ip_version = 4;
	memcpy(p.src_ip, (uint8_t[]){ 10, 0, 0, 13 }, 4);
	struct fs_host *o = fs_hosts_account(h, &p);
	static const uint8_t want[6] = { 0x02, 0, 10, 0, 0, 13 };
	assert_memory_equal(o->mac, want, 6);
	assert_ptr_equal(fs_hosts_find(h, 0, want), o);
	assert_int_equal(o->n_ips, 1);

	p.ip_version = 6;
	memset(p.src_ip, 0, 16);
	p.src_ip[0] = 0x20; p.src_ip[1] = 0x01; p.src_ip[15] = 7;
	struct fs_host *o6 = fs_hosts_account(h, &p);
	assert_ptr_not_equal(o6, o);
	assert_int_equal(o6->mac[0], 0x06);	/* local, unicast, v6 marker */
	assert_int_equal(o6->mac[0] & 1, 0);
	fs_hosts_destroy(h);
}

struct collect {
	const struct fs_host *h[64];
	int n;
};

static void collect_fn(const struct fs_host *o, void *ctx)
{
	struct collect *c = ctx;
	if (c->n < 64)
		c->h[c->n] = o;
	c->n++;
}

static float ref_mean(float alpha, const float *x, int n)
{
	struct fs_baseline b;
	fs_baseline_init(&b);
	for (int i = 0; i < n; i++)
		fs_baseline_update(&b, alpha, x[i]);
	return b.mean;
}

static void test_tick(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(64, false, 1);
	const float alpha = fs_baseline_alpha(60.0f);
	const uint32_t ctrl = FS_CLASS_BIT(FS_CLASS_TO_ROUTER);
	struct fs_pkt p;

	/* Second 100: A sends 5 (3 router-bound). */
	for (int i = 0; i < 5; i++) {
		p = mkpkt(0, 0xA, 100 * S + i, i < 3 ? ctrl : 0, 100);
		fs_hosts_account(h, &p);
	}
	fs_hosts_tick(h, 100 * S);
	struct fs_host *a = find_id(h, 0, 0xA);
	/* The window moves at every slice; the second closes at its end. */
	assert_int_equal(a->win.packets, 5);
	assert_int_equal(a->last_sec_us, 0);
	for (int k = 1; k < 10; k++)
		fs_hosts_tick(h, 100 * S + k * 100000);
	assert_int_equal(a->last.packets, 5);
	assert_int_equal(a->last.ctrl, 3);
	assert_int_equal(a->last.bytes, 500);
	assert_int_equal(a->last_sec_us, 100 * S);
	assert_int_equal(a->peak_pps, 5);
	assert_int_equal(a->peak_ts_us, 100 * S);
	/* Young: a running mean, so the first second is the mean. */
	assert_float_equal(a->base_pps.mean, 5, 1e-6);
	assert_float_equal(a->base_ctrl.mean, 3, 1e-6);
	const struct fs_segment *sg = fs_hosts_segment(h);
	assert_int_equal(sg->last.packets, 5);
	assert_int_equal(sg->new_macs_last, 1);
	assert_int_equal(sg->active_last, 1);

	/* Second 101: only B (two packets); A must read 0, not 5. */
	for (int i = 0; i < 2; i++) {
		p = mkpkt(0, 0xB, 101 * S + i, 0, 100);
		fs_hosts_account(h, &p);
	}
	tick_second(h, 101 * S);
	/* A left the window in 101: its second 100 is no longer current. */
	assert_false(fs_hosts_current(h, a));
	assert_int_equal(a->last_sec_us, 100 * S);
	struct collect c = { .n = 0 };
	fs_hosts_foreach_active(h, collect_fn, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.h[0]->mac[5], 0xB);
	assert_int_equal(sg->last.packets, 2);
	assert_int_equal(sg->peak_pps, 5);
	assert_int_equal(sg->peak_ts_us, 100 * S);

	/* Silent 102..104 (ticks still come), then A sends 7 in 105. */
	tick_second(h, 102 * S);
	tick_second(h, 103 * S);
	tick_second(h, 104 * S);
	c.n = 0;
	fs_hosts_foreach_active(h, collect_fn, &c);
	assert_int_equal(c.n, 0);
	for (int i = 0; i < 7; i++) {
		p = mkpkt(0, 0xA, 105 * S + i, 0, 100);
		fs_hosts_account(h, &p);
	}
	tick_second(h, 105 * S);
	assert_int_equal(a->last.packets, 7);
	assert_int_equal(a->peak_pps, 7);
	assert_int_equal(a->peak_ts_us, 105 * S);
	const float xs[] = { 5, 0, 0, 0, 0, 7 };
	assert_float_equal(a->base_pps.mean, ref_mean(alpha, xs, 6), 1e-5);
	assert_int_equal(a->base_pps.samples, 6);
	struct fs_host *b = find_id(h, 0, 0xB);
	assert_false(fs_hosts_current(h, b));
	assert_int_equal(b->base_pps.samples, 1);	/* lazily behind */
	assert_int_equal(fs_hosts_check(h), 0);
	fs_hosts_destroy(h);
}

static void test_top(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(64, false, 1);
	static const int counts[] = { 3, 9, 1, 9, 5, 7, 2 };
	for (int id = 0; id < 7; id++)
		for (int k = 0; k < counts[id]; k++) {
			struct fs_pkt p = mkpkt(0, (uint64_t)id, 10 * S + k, 0, 60);
			fs_hosts_account(h, &p);
		}
	const struct fs_host *top[10];
	assert_int_equal(fs_hosts_top(h, top, 3), 3);
	assert_int_equal(top[0]->packets, 9);
	assert_int_equal(top[0]->mac[5], 1);	/* tie broken by MAC */
	assert_int_equal(top[1]->mac[5], 3);
	assert_int_equal(top[2]->packets, 7);
	assert_int_equal(fs_hosts_top(h, top, 10), 7);
	for (int i = 1; i < 7; i++)
		assert_true(top[i - 1]->packets >= top[i]->packets);
	assert_int_equal(top[6]->packets, 1);
	fs_hosts_destroy(h);
}

/* Results do not depend on the hash key: same stream, same table. */
struct snap {
	uint64_t key[128], packets[128];
	uint32_t last[128], peak[128];
	float mean[128];
	int n;
};

static void snap_fn(const struct fs_host *o, void *ctx)
{
	struct snap *s = ctx;
	if (s->n >= 128)
		return;
	uint64_t k = o->vlan;
	for (int i = 0; i < 6; i++)
		k = k << 8 | o->mac[i];
	s->key[s->n] = k;
	s->packets[s->n] = o->packets;
	s->last[s->n] = o->last.packets;
	s->peak[s->n] = o->peak_pps;
	s->mean[s->n] = o->base_pps.mean;
	s->n++;
}

static void test_seed_independent_results(void **state)
{
	(void)state;
	struct fs_hosts *h[3] = { mk(128, false, 1), mk(128, false, 2),
				  mk(128, false, 0) };
	uint64_t rng = 12345;
	int64_t sec = 50;
	for (int i = 0; i < 60000; i++) {
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		/* Steady talkers, bursty flooders and one-off churn. */
		uint64_t id = (rng & 3) == 0 ? rng % 40
			      : (i / 300) % 7 == 0 ? 100000 + (uint64_t)(i / 2100) % 3
			      : 1000 + rng % 100000;
		struct fs_pkt p = mkpkt(0, id, 50 * S + i * 700, 0, 60);
		for (; sec < p.ts_us / S; sec++)
			for (int k = 0; k < 3; k++)
				tick_second(h[k], sec * S);
		for (int k = 0; k < 3; k++)
			fs_hosts_account(h[k], &p);
	}
	static struct snap sn[3];
	struct fs_hosts_stats st[3];
	struct fs_hosts_hh hh[3][16];
	for (int k = 0; k < 3; k++) {
		sn[k].n = 0;
		fs_hosts_foreach(h[k], snap_fn, &sn[k]);
		fs_hosts_stats(h[k], &st[k]);
		assert_int_equal(fs_hosts_hh_top(h[k], hh[k], 16), 16);
	}
	assert_int_equal(sn[0].n, 128);
	assert_true(st[0].evicted > 10000);
	assert_true(st[0].evict_protected_skips > 0);
	for (int k = 1; k < 3; k++) {
		assert_memory_equal(&sn[0], &sn[k], sizeof sn[0]);
		assert_int_equal(st[0].evicted, st[k].evicted);
		assert_int_equal(st[0].evict_protected_skips,
				 st[k].evict_protected_skips);
		for (int i = 0; i < 16; i++) {
			assert_memory_equal(hh[0][i].mac, hh[k][i].mac, 6);
			assert_int_equal(hh[0][i].count, hh[k][i].count);
		}
	}
	for (int k = 0; k < 3; k++)
		fs_hosts_destroy(h[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_find),
		cmocka_unit_test(test_evict_order_lra),
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_windows_under_churn),
		cmocka_unit_test(test_capacity_never_exceeded),
		cmocka_unit_test(test_classes_and_ips),
		cmocka_unit_test(test_raw_ip_key),
		cmocka_unit_test(test_tick),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_seed_independent_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
