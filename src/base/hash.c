/*
 * Keyed hashing and the one open-addressing index (see floodspot/hash.h).
 *
 * The hash is simple tabulation (Zobrist; Patrascu and Thorup, "The power
 * of simple tabulation hashing", 2012) over random tables drawn per
 * process: 3-independent, and proven to give constant expected probe
 * lengths for linear probing on any key set, including sequential MACs,
 * where multiply-shift families are known to degrade. A spoofer who does
 * not know the tables cannot choose keys that collide. 16 KiB of tables,
 * eight loads per key.
 *
 * Longer keys are folded first by multiply-add-shift on vectors (Thorup,
 * "High speed hashing for integers and strings", 2015): the top 64 bits of
 * a_0 + sum a_(i+1) x_i mod 2^128, with random 128-bit a_i, are strongly
 * universal, so two keys of one length fold alike with probability 2^-64.
 * Given no such tie, the folds are distinct words chosen independently of
 * the tabulation tables, and tabulation's guarantees carry over.
 */
#include "floodspot/hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* splitmix64 step: expands a seed into a stream of words. */
static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool fill_random(void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = getrandom((char *)buf + got, len - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

static uint64_t pinned_seed;

void fs_hkey_pin(uint64_t seed)
{
	pinned_seed = seed;
}

void fs_hkey_init(struct fs_hkey *k, uint64_t seed)
{
	if (seed == 0)
		seed = pinned_seed;
	if (seed == 0) {
		if (fill_random(k, sizeof *k))
			return;
		/* No getrandom (old kernel, seccomp): weaker, still varies. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
		       ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)k;
	}
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 256; j++)
			k->t[i][j] = splitmix(&seed);
	for (int i = 0; i <= FS_HKEY_WORDS; i++)
		for (int j = 0; j < 2; j++)
			k->fold[i][j] = splitmix(&seed);
}

__extension__ typedef unsigned __int128 u128;

uint64_t fs_hkey_fold(const struct fs_hkey *k, const uint64_t *w, unsigned n)
{
	u128 acc = (u128)k->fold[0][1] << 64 | k->fold[0][0];
	for (unsigned i = 0; i < n && i < FS_HKEY_WORDS; i++) {
		u128 a = (u128)k->fold[i + 1][1] << 64 | k->fold[i + 1][0];
		acc += a * w[i];
	}
	return (uint64_t)(acc >> 64);
}

uint32_t fs_pow2_ceil(uint32_t n)
{
	uint32_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

uint32_t fs_hidx_nslots(uint32_t cap)
{
	return fs_pow2_ceil(cap < 1 ? 1 : cap) * 2;
}

int fs_hidx_init(struct fs_hidx *ix, uint32_t cap)
{
	memset(ix, 0, sizeof *ix);
	if (cap > (1u << 30))
		return -1;
	uint32_t nslots = fs_hidx_nslots(cap);
	struct fs_hidx_slot *s = malloc((size_t)nslots * sizeof *s);
	if (!s)
		return -1;
	fs_hidx_init_in(ix, s, nslots);
	ix->cap = cap;
	ix->owned = true;
	return 0;
}

void fs_hidx_init_in(struct fs_hidx *ix, struct fs_hidx_slot *slots,
		     uint32_t nslots)
{
	ix->s = slots;
	ix->mask = nslots - 1;
	ix->cap = nslots / 2;
	ix->owned = false;
	fs_hidx_clear(ix);
}

void fs_hidx_fini(struct fs_hidx *ix)
{
	if (ix->owned)
		free(ix->s);
	memset(ix, 0, sizeof *ix);
}

void fs_hidx_clear(struct fs_hidx *ix)
{
	for (uint32_t i = 0; i <= ix->mask; i++)
		ix->s[i].val = FS_HIDX_NONE;
	ix->n = 0;
}

uint32_t fs_hidx_find(const struct fs_hidx *ix, uint64_t key, uint64_t hash)
{
	uint32_t i = (uint32_t)hash & ix->mask;

	for (;;) {
		const struct fs_hidx_slot *s = &ix->s[i];
		if (s->val == FS_HIDX_NONE)
			return FS_HIDX_NONE;
		if (s->key == key)
			return s->val;
		i = (i + 1) & ix->mask;
	}
}

uint32_t fs_hidx_find_match(const struct fs_hidx *ix, uint64_t key,
			    uint64_t hash, fs_hidx_match_fn match,
			    const void *ctx)
{
	for (uint32_t i = (uint32_t)hash & ix->mask;; i = (i + 1) & ix->mask) {
		const struct fs_hidx_slot *s = &ix->s[i];
		if (s->val == FS_HIDX_NONE)
			return FS_HIDX_NONE;
		if (s->key == key && match(ctx, s->val))
			return s->val;
	}
}

/*
 * Backward shift: pull later members of the probe run into the hole at i
 * unless that would put one before its home, so no lookup ever has to
 * step over a deleted slot.
 */
static inline __attribute__((always_inline)) void
remove_at(struct fs_hidx *ix, uint32_t i)
{
	uint32_t m = ix->mask;

	for (uint32_t j = (i + 1) & m;; j = (j + 1) & m) {
		struct fs_hidx_slot *s = &ix->s[j];
		if (s->val == FS_HIDX_NONE)
			break;
		uint32_t home = s->hash & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			ix->s[i] = *s;
			i = j;
		}
	}
	ix->s[i].val = FS_HIDX_NONE;
	ix->n--;
}

bool fs_hidx_remove(struct fs_hidx *ix, uint64_t key, uint64_t hash)
{
	for (uint32_t i = (uint32_t)hash & ix->mask;; i = (i + 1) & ix->mask) {
		if (ix->s[i].val == FS_HIDX_NONE)
			return false;
		if (ix->s[i].key == key) {
			remove_at(ix, i);
			return true;
		}
	}
}

bool fs_hidx_remove_val(struct fs_hidx *ix, uint64_t key, uint64_t hash,
			uint32_t val)
{
	for (uint32_t i = (uint32_t)hash & ix->mask;; i = (i + 1) & ix->mask) {
		if (ix->s[i].val == FS_HIDX_NONE)
			return false;
		if (ix->s[i].key == key && ix->s[i].val == val) {
			remove_at(ix, i);
			return true;
		}
	}
}

int fs_hidx_check(const struct fs_hidx *ix)
{
	uint32_t m = ix->mask, n = 0;

	for (uint32_t j = 0; j <= m; j++) {
		if (ix->s[j].val == FS_HIDX_NONE)
			continue;
		n++;
		for (uint32_t i = ix->s[j].hash & m; i != j; i = (i + 1) & m)
			if (ix->s[i].val == FS_HIDX_NONE)
				return -1;
	}
	return n == ix->n && n <= ix->cap && ix->cap <= m / 2 + 1 ? 0 : -1;
}

int fs_hids_init(struct fs_hids *ids, uint32_t cap)
{
	ids->free = malloc((size_t)(cap ? cap : 1) * sizeof *ids->free);
	ids->cap = ids->n = ids->free ? cap : 0;
	for (uint32_t i = 0; i < ids->n; i++)
		ids->free[i] = cap - 1 - i;
	return ids->free ? 0 : -1;
}

void fs_hids_fini(struct fs_hids *ids)
{
	free(ids->free);
	ids->free = NULL;
	ids->n = ids->cap = 0;
}

uint32_t fs_hids_get(struct fs_hids *ids)
{
	return ids->n ? ids->free[--ids->n] : FS_HIDX_NONE;
}

void fs_hids_put(struct fs_hids *ids, uint32_t id)
{
	if (ids->n < ids->cap)
		ids->free[ids->n++] = id;
}
