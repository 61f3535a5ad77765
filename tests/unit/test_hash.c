/*
 * The keyed hash and the one index (floodspot/hash.h): against a plain
 * array model, with forced collisions, full tables, composite keys and
 * seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/hash.h"

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Slots from home to where the entry sits, summed over all entries. */
static uint64_t displacement(const struct fs_hidx *ix, uint32_t *longest)
{
	uint64_t sum = 0;
	*longest = 0;
	for (uint32_t j = 0; j <= ix->mask; j++) {
		if (ix->s[j].val == FS_HIDX_NONE)
			continue;
		uint32_t d = (j - ix->s[j].hash) & ix->mask;
		sum += d;
		if (d > *longest)
			*longest = d;
	}
	return sum;
}

/*
 * Hashes chosen by the test so probe runs cluster, wrap around the end
 * and interleave: thousands of random inserts and removes against a plain
 * array, the probing invariant checked after each.
 */
static void test_backward_shift(void **state)
{
	(void)state;
	enum { SLOTS = 32, KEYS = 100, OPS = 40000 };
	struct fs_hidx_slot slots[SLOTS];
	struct fs_hidx ix;
	uint32_t val[KEYS];
	uint64_t rng = 0x2545F4914F6CDD1DULL;
	unsigned n = 0;

	fs_hidx_init_in(&ix, slots, SLOTS);
	for (int k = 0; k < KEYS; k++)
		val[k] = FS_HIDX_NONE;
	for (int op = 0; op < OPS; op++) {
		uint64_t key = (xorshift(&rng) >> 16) % KEYS;
		/* Homes crowd into slots 28..31 and 0..3 to force wrapping. */
		uint64_t hash = (key % 8) + 28;
		if (val[key] == FS_HIDX_NONE && n < SLOTS / 2) {
			assert_true(fs_hidx_insert(&ix, key, hash, (uint32_t)op));
			val[key] = (uint32_t)op;
			n++;
		} else if (val[key] != FS_HIDX_NONE) {
			assert_true(fs_hidx_remove(&ix, key, hash));
			val[key] = FS_HIDX_NONE;
			n--;
		} else {
			assert_false(fs_hidx_remove(&ix, key, hash));
		}
		for (uint64_t k = 0; k < KEYS; k++)
			assert_int_equal(fs_hidx_find(&ix, k, (k % 8) + 28), val[k]);
		assert_int_equal(ix.n, n);
		assert_int_equal(fs_hidx_check(&ix), 0);
	}
}

/* Real keyed hashes of 64-bit keys, random inserts and deletes. */
static void test_insert_find_remove(void **state)
{
	(void)state;
	enum { CAP = 500, KEYS = 2000, OPS = 20000 };
	static struct fs_hkey hk;
	struct fs_hidx ix;
	uint64_t key[KEYS];
	uint32_t val[KEYS];
	uint64_t rng = 99;
	unsigned n = 0;

	fs_hkey_init(&hk, 11);
	assert_int_equal(fs_hidx_init(&ix, CAP), 0);
	assert_int_equal(ix.cap, CAP);
	assert_int_equal(ix.mask + 1, 1024);
	for (int k = 0; k < KEYS; k++) {
		key[k] = xorshift(&rng);
		val[k] = FS_HIDX_NONE;
	}
	for (uint32_t op = 0; op < OPS; op++) {
		unsigned k = (unsigned)(xorshift(&rng) % KEYS);
		uint64_t h = fs_hkey_hash(&hk, key[k]);
		if (val[k] == FS_HIDX_NONE) {
			bool ok = fs_hidx_insert(&ix, key[k], h, op);
			assert_int_equal(ok, n < CAP);
			if (ok) {
				val[k] = op;
				n++;
			}
		} else {
			assert_true(fs_hidx_remove(&ix, key[k], h));
			val[k] = FS_HIDX_NONE;
			n--;
		}
		if (op % 97 == 0) {
			for (int j = 0; j < KEYS; j++)
				assert_int_equal(fs_hidx_find(&ix, key[j],
						 fs_hkey_hash(&hk, key[j])), val[j]);
			assert_int_equal(fs_hidx_check(&ix), 0);
		}
	}
	assert_int_equal(ix.n, n);
	fs_hidx_clear(&ix);
	assert_int_equal(ix.n, 0);
	assert_int_equal(fs_hidx_find(&ix, key[0], fs_hkey_hash(&hk, key[0])),
			 FS_HIDX_NONE);
	fs_hidx_fini(&ix);
}

/* A full table refuses the insert, stores nothing, and stays sound. */
static void test_full_refused(void **state)
{
	(void)state;
	static struct fs_hkey hk;
	struct fs_hidx ix;

	fs_hkey_init(&hk, 3);
	assert_int_equal(fs_hidx_init(&ix, 5), 0);
	assert_int_equal(ix.mask + 1, 16);
	for (uint64_t k = 1; k <= 5; k++)
		assert_true(fs_hidx_insert(&ix, k, fs_hkey_hash(&hk, k),
					   (uint32_t)k));
	assert_false(fs_hidx_insert(&ix, 6, fs_hkey_hash(&hk, 6), 6));
	assert_int_equal(ix.n, 5);
	assert_int_equal(fs_hidx_find(&ix, 6, fs_hkey_hash(&hk, 6)),
			 FS_HIDX_NONE);
	assert_int_equal(fs_hidx_check(&ix), 0);
	assert_true(fs_hidx_remove(&ix, 3, fs_hkey_hash(&hk, 3)));
	assert_true(fs_hidx_insert(&ix, 6, fs_hkey_hash(&hk, 6), 6));
	assert_int_equal(fs_hidx_find(&ix, 6, fs_hkey_hash(&hk, 6)), 6);
	assert_int_equal(fs_hidx_check(&ix), 0);
	fs_hidx_fini(&ix);

	/* A zero capacity is a table that refuses everything. */
	assert_int_equal(fs_hidx_init(&ix, 0), 0);
	assert_false(fs_hidx_insert(&ix, 1, 1, 1));
	assert_int_equal(fs_hidx_find(&ix, 1, 1), FS_HIDX_NONE);
	fs_hidx_fini(&ix);
	assert_int_equal(fs_hidx_init(&ix, (1u << 30) + 1), -1);
}

/* The check fails on a broken table, so its passing above means something. */
static void test_check_catches(void **state)
{
	(void)state;
	struct fs_hidx_slot slots[8];
	struct fs_hidx ix;

	fs_hidx_init_in(&ix, slots, 8);
	assert_true(fs_hidx_insert(&ix, 10, 2, 1));
	assert_true(fs_hidx_insert(&ix, 11, 2, 2));	/* sits in slot 3 */
	assert_int_equal(fs_hidx_check(&ix), 0);
	slots[2].val = FS_HIDX_NONE;			/* a hole, no shift */
	assert_int_equal(fs_hidx_check(&ix), -1);
	slots[2].val = 1;
	ix.n++;						/* a wrong count */
	assert_int_equal(fs_hidx_check(&ix), -1);
}

/* Records with keys of three words, as the OSPF and store tables hold. */
struct rec {
	uint16_t vlan;
	uint8_t ip[16];
};

struct probe {
	const struct rec *recs;
	uint16_t vlan;
	const uint8_t *ip;
};

static bool rec_match(const void *ctx, uint32_t i)
{
	const struct probe *p = ctx;
	return p->recs[i].vlan == p->vlan && memcmp(p->recs[i].ip, p->ip, 16) == 0;
}

static uint64_t rec_word(const struct fs_hkey *hk, uint16_t vlan,
			 const uint8_t ip[16])
{
	uint64_t w[3] = { vlan, 0, 0 };
	memcpy(&w[1], ip, 8);
	memcpy(&w[2], ip + 8, 8);
	return fs_hkey_fold(hk, w, 3);
}

static void test_composite_keys(void **state)
{
	(void)state;
	enum { N = 4096 };
	static struct fs_hkey hk;
	static struct rec recs[N];
	struct fs_hidx ix;
	struct fs_hids ids;

	fs_hkey_init(&hk, 21);
	assert_int_equal(fs_hidx_init(&ix, N), 0);
	assert_int_equal(fs_hids_init(&ids, N), 0);
	/* Sequential addresses differing only in the last bytes, two VLANs:
	 * the keys a structured hash would cluster. */
	for (uint32_t i = 0; i < N; i++) {
		uint32_t r = fs_hids_get(&ids);
		assert_int_equal(r, i);		/* lowest first */
		recs[r].vlan = (uint16_t)(i & 1);
		memset(recs[r].ip, 0, 16);
		recs[r].ip[0] = 0xfe;
		recs[r].ip[14] = (uint8_t)(i >> 9);
		recs[r].ip[15] = (uint8_t)(i >> 1);
		uint64_t w = rec_word(&hk, recs[r].vlan, recs[r].ip);
		assert_true(fs_hidx_insert(&ix, w, fs_hkey_hash(&hk, w), r));
	}
	assert_int_equal(fs_hids_get(&ids), FS_HIDX_NONE);
	uint32_t longest;
	uint64_t disp = displacement(&ix, &longest);
	/* Linear probing at load 1/2 averages 0.5 slots of displacement. */
	assert_true(disp < N);
	assert_true(longest < 40);
	/* Every other record removed by value, the rest still found. */
	for (uint32_t i = 0; i < N; i += 2) {
		uint64_t w = rec_word(&hk, recs[i].vlan, recs[i].ip);
		assert_true(fs_hidx_remove_val(&ix, w, fs_hkey_hash(&hk, w), i));
		assert_false(fs_hidx_remove_val(&ix, w, fs_hkey_hash(&hk, w), i));
		fs_hids_put(&ids, i);
	}
	assert_int_equal(fs_hidx_check(&ix), 0);
	for (uint32_t i = 0; i < N; i++) {
		struct probe p = { recs, recs[i].vlan, recs[i].ip };
		uint64_t w = rec_word(&hk, p.vlan, p.ip);
		uint32_t got = fs_hidx_find_match(&ix, w, fs_hkey_hash(&hk, w),
						  rec_match, &p);
		assert_int_equal(got, i % 2 ? i : FS_HIDX_NONE);
	}
	/* Freed numbers come back last-freed first. */
	assert_int_equal(fs_hids_get(&ids), N - 2);
	fs_hids_fini(&ids);
	fs_hidx_fini(&ix);
}

/*
 * Two keys whose folds tie (forced here: the same word and hash for all):
 * the match callback tells them apart, and removal by value takes the
 * right one.
 */
static void test_colliding_words(void **state)
{
	(void)state;
	static struct rec recs[6];
	struct fs_hidx ix;
	const uint64_t word = 0xfeedULL, hash = 7;

	assert_int_equal(fs_hidx_init(&ix, 8), 0);
	for (uint32_t i = 0; i < 6; i++) {
		recs[i].vlan = (uint16_t)(100 + i);
		memset(recs[i].ip, (int)i, 16);
		assert_true(fs_hidx_insert(&ix, word, hash, i));
	}
	/* A key with another word but the same home is not confused. */
	assert_true(fs_hidx_insert(&ix, word + 1, hash, 99));
	for (uint32_t i = 0; i < 6; i++) {
		struct probe p = { recs, recs[i].vlan, recs[i].ip };
		assert_int_equal(fs_hidx_find_match(&ix, word, hash, rec_match,
						    &p), i);
	}
	assert_true(fs_hidx_remove_val(&ix, word, hash, 2));
	assert_true(fs_hidx_remove_val(&ix, word, hash, 0));
	assert_int_equal(fs_hidx_check(&ix), 0);
	for (uint32_t i = 0; i < 6; i++) {
		struct probe p = { recs, recs[i].vlan, recs[i].ip };
		uint32_t want = i == 0 || i == 2 ? FS_HIDX_NONE : i;
		assert_int_equal(fs_hidx_find_match(&ix, word, hash, rec_match,
						    &p), want);
	}
	struct probe absent = { recs, 1, recs[1].ip };
	assert_int_equal(fs_hidx_find_match(&ix, word, hash, rec_match,
					    &absent), FS_HIDX_NONE);
	assert_int_equal(fs_hidx_find(&ix, word + 1, hash), 99);
	fs_hidx_fini(&ix);
}

/* Values in slot order after inserting keys 0..n-1 with key k's hash. */
static void slot_order(const struct fs_hkey *hk, bool fold, uint32_t *out,
		       uint32_t n)
{
	struct fs_hidx ix;
	assert_int_equal(fs_hidx_init(&ix, n), 0);
	for (uint32_t k = 0; k < n; k++) {
		uint64_t w[2] = { k, 7 };
		uint64_t word = fold ? fs_hkey_fold(hk, w, 2) : k;
		assert_true(fs_hidx_insert(&ix, word, fs_hkey_hash(hk, word), k));
	}
	uint32_t j = 0;
	for (uint32_t i = 0; i <= ix.mask; i++)
		if (ix.s[i].val != FS_HIDX_NONE)
			out[j++] = ix.s[i].val;
	assert_int_equal(j, n);
	fs_hidx_fini(&ix);
}

/*
 * One seed, one layout; another seed, another layout for the same keys,
 * plain and folded. Fails if a table hashes without its key.
 */
static void test_seeds(void **state)
{
	(void)state;
	enum { N = 64 };
	static struct fs_hkey a, a2, b, r1, r2;
	uint32_t oa[N], oa2[N], ob[N];

	fs_hkey_init(&a, 1);
	fs_hkey_init(&a2, 1);
	fs_hkey_init(&b, 2);
	assert_memory_equal(&a, &a2, sizeof a);
	for (int fold = 0; fold < 2; fold++) {
		slot_order(&a, fold, oa, N);
		slot_order(&a2, fold, oa2, N);
		slot_order(&b, fold, ob, N);
		assert_memory_equal(oa, oa2, sizeof oa);
		assert_memory_not_equal(oa, ob, sizeof oa);
	}
	uint64_t w[4] = { 1, 2, 3, 4 };
	assert_int_equal(fs_hkey_fold(&a, w, 4), fs_hkey_fold(&a2, w, 4));
	assert_int_not_equal(fs_hkey_fold(&a, w, 4), fs_hkey_fold(&b, w, 4));
	assert_int_equal(fs_hkey_hash(&a, 42), fs_hkey_hash(&a2, 42));
	assert_int_not_equal(fs_hkey_hash(&a, 42), fs_hkey_hash(&b, 42));
	/* Seed 0 draws from the kernel: two draws differ. */
	fs_hkey_init(&r1, 0);
	fs_hkey_init(&r2, 0);
	assert_memory_not_equal(&r1, &r2, sizeof r1);
}

/*
 * The fold uses 128-bit products: keys that differ only in a word's top
 * bit (where a 64-bit multiply loses the difference half the time) or in
 * one low bit still fold apart, under every seed tried.
 */
static void test_fold_separates(void **state)
{
	(void)state;
	static struct fs_hkey hk;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		fs_hkey_init(&hk, seed);
		for (unsigned n = 1; n <= FS_HKEY_WORDS; n++) {
			for (unsigned i = 0; i < n; i++) {
				uint64_t x[FS_HKEY_WORDS] = { seed, 5, 6, 7 };
				uint64_t y[FS_HKEY_WORDS], z[FS_HKEY_WORDS];
				memcpy(y, x, sizeof x);
				memcpy(z, x, sizeof x);
				y[i] ^= 1ULL << 63;
				z[i] ^= 1;
				uint64_t fx = fs_hkey_fold(&hk, x, n);
				assert_int_not_equal(fx, fs_hkey_fold(&hk, y, n));
				assert_int_not_equal(fx, fs_hkey_fold(&hk, z, n));
			}
		}
	}
}

/* Sequential MACs, the keys that defeat a multiplicative hash, probe short. */
static void test_sequential_keys_spread(void **state)
{
	(void)state;
	enum { N = 1 << 15 };
	static struct fs_hkey hk;
	struct fs_hidx ix;

	fs_hkey_init(&hk, 8);
	assert_int_equal(fs_hidx_init(&ix, N), 0);
	for (uint32_t i = 0; i < N; i++) {
		uint64_t key = 10ULL << 48 | 0x020000000000ULL | i;
		assert_true(fs_hidx_insert(&ix, key, fs_hkey_hash(&hk, key), i));
	}
	uint32_t longest;
	uint64_t disp = displacement(&ix, &longest);
	assert_true(disp < N);
	assert_true(longest < 64);
	assert_int_equal(fs_hidx_check(&ix), 0);
	fs_hidx_fini(&ix);
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(fs_pow2_ceil(1), 1);
	assert_int_equal(fs_pow2_ceil(5), 8);
	assert_int_equal(fs_pow2_ceil(1u << 31), 1u << 31);
	assert_int_equal(fs_hidx_nslots(0), 2);
	assert_int_equal(fs_hidx_nslots(1), 2);
	assert_int_equal(fs_hidx_nslots(4096), 8192);
	assert_int_equal(fs_hidx_nslots(4097), 16384);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backward_shift),
		cmocka_unit_test(test_insert_find_remove),
		cmocka_unit_test(test_full_refused),
		cmocka_unit_test(test_check_catches),
		cmocka_unit_test(test_composite_keys),
		cmocka_unit_test(test_colliding_words),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_fold_separates),
		cmocka_unit_test(test_sequential_keys_spread),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
