/*
 * Keyed hash and an open-addressing index from 64-bit keys to 32-bit
 * values: linear probing, backward-shift deletion (no tombstones). The
 * caller owns the slot memory and keeps the load at or below one half.
 */
#ifndef FLOODSPOT_HASH_H
#define FLOODSPOT_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FS_HIDX_NONE UINT32_MAX

/* Simple tabulation: one table of random words per key byte. */
struct fs_hkey {
	uint64_t t[8][256];
};

struct fs_hidx_slot {
	uint64_t key;
	uint32_t val;		/* FS_HIDX_NONE: empty */
	uint32_t hash;		/* low bits of the key's hash: its home */
};

struct fs_hidx {
	struct fs_hidx_slot *s;
	uint32_t mask;		/* slots - 1, slots a power of two */
	uint32_t n;
};

/* Fills from getrandom() when seed is 0, else from the seed (tests). */
void fs_hkey_init(struct fs_hkey *k, uint64_t seed);

/* XOR of one random word per byte of x: eight L1 loads, no multiply. */
static inline uint64_t fs_hkey_hash(const struct fs_hkey *k, uint64_t x)
{
	return k->t[0][x & 0xff] ^ k->t[1][(x >> 8) & 0xff] ^
	       k->t[2][(x >> 16) & 0xff] ^ k->t[3][(x >> 24) & 0xff] ^
	       k->t[4][(x >> 32) & 0xff] ^ k->t[5][(x >> 40) & 0xff] ^
	       k->t[6][(x >> 48) & 0xff] ^ k->t[7][x >> 56];
}

/* Smallest power of two >= n (n <= 2^31). */
uint32_t fs_pow2_ceil(uint32_t n);

void fs_hidx_init(struct fs_hidx *ix, struct fs_hidx_slot *slots,
		  uint32_t nslots);
void fs_hidx_clear(struct fs_hidx *ix);
uint32_t fs_hidx_find(const struct fs_hidx *ix, uint64_t key, uint64_t hash);

/* Starts loading the home slot of hash, for a find or insert soon after. */
static inline void fs_hidx_prefetch(const struct fs_hidx *ix, uint64_t hash)
{
	__builtin_prefetch(&ix->s[(uint32_t)hash & ix->mask], 1);
}
/* The key must be absent and a slot free. */
void fs_hidx_insert(struct fs_hidx *ix, uint64_t key, uint64_t hash,
		    uint32_t val);
/* Returns false when the key was absent. */
bool fs_hidx_remove(struct fs_hidx *ix, uint64_t key, uint64_t hash);
/*
 * Checks the probing invariant: every entry is reachable from its home
 * without crossing an empty slot, and the count matches. 0 when sound.
 */
int fs_hidx_check(const struct fs_hidx *ix);

#endif
