/*
 * Heavy hitters: Space-Saving guarantees against exact counts, a flooder
 * surviving a spoofed-MAC churn with exact counters (and being lost
 * without the summary), and decay letting a new flooder displace an old
 * talker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/hosts.h"
#include "hosts_util.h"
#include "src/hosts/hh.h"
#include "floodspot/hash.h"

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Skewed stream over KEYS keys; exact counts kept beside the summary. */
static void test_space_saving_bounds(void **state)
{
	(void)state;
	enum { K = 64, KEYS = 4000, N = 300000 };
	static uint64_t truth[KEYS];
	struct fs_hh hh;
	struct fs_hkey hk;
	void *mem = malloc(fs_hh_memory(K));
	uint64_t rng = 99;

	assert_non_null(mem);
	memset(truth, 0, sizeof truth);
	fs_hkey_init(&hk, 7);
	fs_hh_init(&hh, K, mem);
	for (int i = 0; i < N; i++) {
		uint64_t r = xorshift(&rng);
		/* Key j with weight ~ 1/(j+1) for the first 16, then uniform. */
		uint64_t key = (r & 1) ? (r >> 8) % 16 % ((r >> 20) % 16 + 1)
				       : (r >> 8) % KEYS;
		truth[key]++;
		fs_hh_add(&hh, key, fs_hkey_hash(&hk, key));
		if (i % 5000 == 0)
			assert_int_equal(fs_hh_check(&hh), 0);
	}
	assert_int_equal(fs_hh_check(&hh), 0);
	assert_int_equal(hh.n, K);
	unsigned prot = 0;
	for (uint64_t key = 0; key < KEYS; key++) {
		uint64_t hash = fs_hkey_hash(&hk, key);
		const struct fs_hh_entry *e = fs_hh_find(&hh, key, hash);
		if (truth[key] > N / K)
			assert_non_null(e);	/* the Space-Saving guarantee */
		if (e == NULL)
			continue;
		assert_true(e->count >= truth[key]);
		assert_true(e->count - e->err <= truth[key]);
		if (fs_hh_protected(&hh, key, hash)) {
			prot++;
			/* Protected keys outnumber anything unmonitored. */
			assert_true(truth[key] > hh.b[hh.blo].count);
		}
	}
	assert_true(prot >= 1 && prot <= K);

	/* Halving keeps the structure sound and the order of counts. */
	uint64_t top_before = hh.b[hh.bhi].count;
	fs_hh_halve(&hh);
	assert_int_equal(fs_hh_check(&hh), 0);
	assert_int_equal(hh.b[hh.bhi].count, top_before / 2);
	for (int i = 0; i < 40; i++)
		fs_hh_halve(&hh);
	assert_int_equal(hh.n, K);		/* stays full, at count 0 */
	assert_int_equal(hh.b[hh.bhi].count, 0);
	assert_int_equal(fs_hh_check(&hh), 0);
	/* A fresh key is admitted at once (filter 0 = min 0) and leads. */
	fs_hh_add(&hh, 1u << 30, fs_hkey_hash(&hk, 1u << 30));
	assert_int_equal(hh.e[hh.b[hh.bhi].head].key, 1u << 30);
	assert_true(fs_hh_protected(&hh, 1u << 30, fs_hkey_hash(&hk, 1u << 30)));
	assert_int_equal(fs_hh_check(&hh), 0);
	free(mem);
}

/* Halving before the summary fills leaves count-0 entries below new ones. */
static void test_halve_before_full(void **state)
{
	(void)state;
	struct fs_hh hh;
	struct fs_hkey hk;
	static uint64_t mem[4096];
	static const uint64_t keys[] = { 5, 6, 6, 7, 7, 7 };

	assert_true(fs_hh_memory(8) <= sizeof mem);
	fs_hkey_init(&hk, 3);
	fs_hh_init(&hh, 8, mem);
	for (unsigned i = 0; i < 6; i++)
		fs_hh_add(&hh, keys[i], fs_hkey_hash(&hk, keys[i]));
	fs_hh_halve(&hh);		/* counts 1, 2, 3 become 0, 1, 1 */
	assert_int_equal(fs_hh_check(&hh), 0);
	assert_int_equal(hh.b[hh.blo].count, 0);
	fs_hh_add(&hh, 9, fs_hkey_hash(&hk, 9));
	fs_hh_add(&hh, 5, fs_hkey_hash(&hk, 5));
	assert_int_equal(fs_hh_check(&hh), 0);
	assert_int_equal(hh.n, 4);
	assert_int_equal(fs_hh_find(&hh, 9, fs_hkey_hash(&hk, 9))->count, 1);
	assert_int_equal(fs_hh_find(&hh, 5, fs_hkey_hash(&hk, 5))->count, 1);
	assert_int_equal(fs_hh_find(&hh, 7, fs_hkey_hash(&hk, 7))->count, 1);
	assert_int_equal(hh.b[hh.blo].count, 1);	/* nothing left at 0 */
}

/* Feeds one packet, ticking every slice boundary crossed first. */
#define SLICE (S / 10)
struct feeder {
	struct fs_hosts *h;
	int64_t slice;
};

static struct fs_host *feed(struct feeder *f, const struct fs_pkt *p)
{
	int64_t s = p->ts_us / SLICE;
	if (f->slice == 0)
		f->slice = s;
	for (; f->slice < s; f->slice++)
		fs_hosts_tick(f->h, f->slice * SLICE);
	return fs_hosts_account(f->h, p);
}

/*
 * 1,000,000 distinct spoofed MACs through a 1024-entry table, and one
 * flooder sending bursts of 500 router-bound packets after every 9,500
 * spoofed ones (5 % of packets). Each gap alone pushes the flooder out of
 * a plain LRA table nine times over.
 */
static uint64_t churn(struct fs_hosts *h, struct fs_host **out)
{
	enum { SPOOFED = 1000000, GAP = 9500, BURST = 500 };
	const uint64_t flooder = 0xF100D;
	const uint32_t to_router = FS_CLASS_BIT(FS_CLASS_TO_ROUTER);
	struct feeder f = { h, 0 };
	uint64_t sent = 0, spoofed = 0;
	int64_t ts = 1000 * S;

	while (spoofed < SPOOFED) {
		for (int i = 0; i < BURST; i++, sent++) {
			struct fs_pkt p = mkpkt(1, flooder, ts += 95, to_router, 64);
			feed(&f, &p);
		}
		for (int i = 0; i < GAP && spoofed < SPOOFED; i++) {
			struct fs_pkt p = mkpkt(1, 0x100000 + spoofed++, ts += 95,
						0, 64);
			feed(&f, &p);
		}
	}
	uint8_t mac[6];
	id_mac(flooder, mac);
	*out = fs_hosts_find(h, 1, mac);
	return sent;
}

static struct fs_hosts *mk(uint32_t cap, uint32_t hh, bool off,
			   uint32_t halve_s)
{
	struct fs_hosts_config cfg;
	fs_hosts_config_defaults(&cfg);
	cfg.capacity = cap;
	cfg.hh_size = hh;
	cfg.hh_off = off;
	cfg.hh_halve_s = halve_s;
	cfg.seed = 11;
	struct fs_hosts *h = fs_hosts_create(&cfg);
	assert_non_null(h);
	return h;
}

static void test_flooder_survives_churn(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(1024, 64, false, 10);
	struct fs_host *o;
	uint64_t sent = churn(h, &o);

	assert_non_null(o);
	assert_int_equal(o->packets, sent);
	assert_int_equal(o->bytes, sent * 64);
	assert_int_equal(o->cls_packets[FS_CLASS_TO_ROUTER], sent);
	assert_int_equal(o->first_seen_us, 1000 * S + 95);
	assert_true(o->peak_pps > 0);

	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_int_equal(st.in_use, 1024);
	assert_int_equal(st.inserted, 1000001);
	assert_int_equal(st.evicted, 1000001 - 1024);
	/* Spared about once per 1,024 evictions (each pass of the LRA list):
	 * eviction stays O(1) under the flood. */
	assert_true(st.evict_protected_skips > 0);
	assert_true(st.evict_protected_skips * 100 < st.evicted);
	assert_true(st.hh_halvings >= 5);

	struct fs_hosts_hh top[4];
	assert_int_equal(fs_hosts_hh_top(h, top, 4), 4);
	assert_memory_equal(top[0].mac, o->mac, 6);
	assert_int_equal(top[0].vlan, 1);
	assert_true(top[0].is_protected);
	assert_false(top[3].is_protected);	/* a spoofed one-off */
	assert_int_equal(fs_hosts_check(h), 0);
	fs_hosts_destroy(h);
}

/* The same stream without the summary: plain LRA loses the flooder. */
static void test_flooder_lost_without_summary(void **state)
{
	(void)state;
	struct fs_hosts *h = mk(1024, 64, true, 10);
	struct fs_host *o;
	uint64_t sent = churn(h, &o);

	/* 2,500 spoofed MACs followed its last burst: gone. */
	assert_null(o);
	assert_true(sent > 50000);
	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_int_equal(st.evict_protected_skips, 0);
	assert_int_equal(fs_hosts_hh_top(h, (struct fs_hosts_hh[1]){ 0 }, 1), 0);
	fs_hosts_destroy(h);
}

/*
 * An old talker sends 400,000 packets in its first 40 s, then stops. A
 * new flooder starts at 1,000 packets/s amid 2,000 spoofed MACs/s. With
 * halving the flooder leads the summary within a minute; with counts
 * kept for ever the old talker still leads and stays protected.
 */
static void run_decay(struct fs_hosts *h, const struct fs_hosts_hh **top0,
		      struct fs_hosts_hh *top)
{
	struct feeder f = { h, 0 };
	int64_t t0 = 5000 * S;
	uint64_t spoof = 0x200000;

	for (int s = 0; s < 40; s++)
		for (int i = 0; i < 10000; i++) {
			struct fs_pkt p = mkpkt(0, 0x01D, t0 + s * S + i * 100, 0, 60);
			feed(&f, &p);
		}
	for (int s = 40; s < 100; s++)
		for (int i = 0; i < 3000; i++) {
			uint64_t id = i % 3 == 0 ? 0x3E3 : spoof++;
			struct fs_pkt p = mkpkt(0, id, t0 + s * S + i * 300, 0, 60);
			feed(&f, &p);
		}
	for (; f.slice < (t0 + 101 * S) / SLICE; f.slice++)
		fs_hosts_tick(h, f.slice * SLICE);
	assert_int_equal(fs_hosts_hh_top(h, top, 2), 2);
	*top0 = &top[0];
}

static void test_decay_lets_new_flooder_lead(void **state)
{
	(void)state;
	struct fs_hosts_hh top[2];
	const struct fs_hosts_hh *t;
	struct fs_hosts *h = mk(256, 64, false, 10);

	run_decay(h, &t, top);
	assert_int_equal(t->mac[5], 0xE3);
	assert_true(t->is_protected);
	uint8_t old[6];
	id_mac(0x01D, old);
	struct fs_hosts_hh all[64];
	size_t n = fs_hosts_hh_top(h, all, 64);
	for (size_t i = 0; i < n; i++)
		if (memcmp(all[i].mac, old, 6) == 0)
			assert_true(all[i].count < t->count / 4);
	fs_hosts_destroy(h);

	/* Control: no halving within the run, the old talker keeps the lead. */
	h = mk(256, 64, false, 1000000);
	run_decay(h, &t, top);
	assert_int_equal(t->mac[5], 0x1D);
	assert_true(t->is_protected);
	fs_hosts_destroy(h);
}

/*
 * Random bursts, churn and ticks through a tiny table with the summary
 * on: the structures stay consistent, the capacity holds, no host ever
 * shows more packets than its key sent, and evictions stay bounded.
 */
static void test_random_ops_invariants(void **state)
{
	(void)state;
	enum { KEYS = 400, OPS = 30000 };
	static uint64_t sent[KEYS];
	struct fs_hosts *h = mk(32, 16, false, 3);
	struct feeder f = { h, 0 };
	uint64_t rng = 4242;
	int64_t ts = 77 * S;

	memset(sent, 0, sizeof sent);
	for (int op = 0; op < OPS;) {
		uint64_t r = xorshift(&rng);
		uint64_t key = (r & 3) ? (r >> 8) % 8 : (r >> 8) % KEYS;
		int burst = 1 + (int)((r >> 40) % ((r & 3) ? 40 : 3));
		for (int b = 0; b < burst && op < OPS; b++, op++) {
			struct fs_pkt p = mkpkt((uint16_t)(key & 1), key,
						ts += 1000 + (int64_t)(r >> 54) * 50,
						(uint32_t)(r >> 20) & 0x1fff, 60);
			struct fs_host *o = feed(&f, &p);
			sent[key]++;
			assert_true(o->packets <= sent[key]);
		}
		if (op % 50 < 3)
			assert_int_equal(fs_hosts_check(h), 0);
	}
	struct fs_hosts_stats st;
	fs_hosts_stats(h, &st);
	assert_int_equal(st.in_use, 32);
	assert_int_equal(st.inserted - st.evicted, 32);
	assert_true(st.evict_protected_skips <= st.evicted * 16);
	assert_int_equal(fs_hosts_check(h), 0);
	fs_hosts_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_space_saving_bounds),
		cmocka_unit_test(test_halve_before_full),
		cmocka_unit_test(test_flooder_survives_churn),
		cmocka_unit_test(test_flooder_lost_without_summary),
		cmocka_unit_test(test_decay_lets_new_flooder_lead),
		cmocka_unit_test(test_random_ops_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
