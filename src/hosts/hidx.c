/*
 * Keyed hashing and the open-addressing index behind the hosts table and
 * the heavy-hitter summary. The key is random per process so a spoofer
 * cannot pick MACs that collide (STYLE.md 5); SipHash-1-3 is a real keyed
 * PRF and costs a few nanoseconds for one word.
 */
#include "hidx.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                             \
	do {                                                                 \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);    \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                       \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                       \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);    \
	} while (0)

uint64_t fs_hkey_hash(const struct fs_hkey *k, uint64_t m)
{
	uint64_t v0 = k->k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k->k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k->k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k->k1 ^ 0x7465646279746573ULL;
	const uint64_t b = 8ULL << 56;	/* final block: the length, 8 bytes */

	v3 ^= m;
	SIPROUND;
	v0 ^= m;
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* splitmix64 step: spreads a test seed into two independent words. */
static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fs_hkey_init(struct fs_hkey *k, uint64_t seed)
{
	uint64_t w[2];

	if (seed == 0) {
		size_t got = 0;
		while (got < sizeof w) {
			ssize_t r = getrandom((char *)w + got, sizeof w - got, 0);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			got += (size_t)r;
		}
		if (got == sizeof w) {
			k->k0 = w[0];
			k->k1 = w[1];
			return;
		}
		/* No getrandom (old kernel, seccomp): weaker, still varies. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
		       ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)k;
	}
	k->k0 = splitmix(&seed);
	k->k1 = splitmix(&seed);
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
