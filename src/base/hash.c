/*
 * Keyed hashing and the open-addressing index behind the hosts table and
 * the heavy-hitter summary.
 *
 * The hash is simple tabulation (Zobrist; Patrascu and Thorup, "The power
 * of simple tabulation hashing", 2012) over random tables drawn per
 * process: 3-independent, and proven to give constant expected probe
 * lengths for linear probing on any key set, including sequential MACs,
 * where multiply-shift families are known to degrade. A spoofer who does
 * not know the tables cannot choose keys that collide. 16 KiB of tables,
 * eight loads per key.
 */
#include "floodspot/hash.h"

#include <errno.h>
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

void fs_hkey_init(struct fs_hkey *k, uint64_t seed)
{
	if (seed == 0) {
		if (fill_random(k->t, sizeof k->t))
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
}

uint32_t fs_pow2_ceil(uint32_t n)
{
	uint32_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

void fs_hidx_init(struct fs_hidx *ix, struct fs_hidx_slot *slots,
		  uint32_t nslots)
{
	ix->s = slots;
	ix->mask = nslots - 1;
	fs_hidx_clear(ix);
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

void fs_hidx_insert(struct fs_hidx *ix, uint64_t key, uint64_t hash,
		    uint32_t val)
{
	uint32_t i = (uint32_t)hash & ix->mask;

	while (ix->s[i].val != FS_HIDX_NONE)
		i = (i + 1) & ix->mask;
	ix->s[i].key = key;
	ix->s[i].val = val;
	ix->s[i].hash = (uint32_t)hash;
	ix->n++;
}

bool fs_hidx_remove(struct fs_hidx *ix, uint64_t key, uint64_t hash)
{
	uint32_t m = ix->mask;
	uint32_t i = (uint32_t)hash & m;

	for (;;) {
		if (ix->s[i].val == FS_HIDX_NONE)
			return false;
		if (ix->s[i].key == key)
			break;
		i = (i + 1) & m;
	}
	/*
	 * Backward shift: pull later members of the probe run into the hole
	 * unless that would put one before its home, so no lookup ever has
	 * to step over a deleted slot.
	 */
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
	return true;
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
	return n == ix->n ? 0 : -1;
}
