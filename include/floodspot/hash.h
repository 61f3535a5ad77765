/*
 * The one keyed hash index every table of floodspot uses (hosts, the
 * heavy-hitter summary, OSPF routers and adjacencies, the detector's
 * alerts, the store's tracked hosts and files).
 *
 * Hashing (struct fs_hkey): random per process, or from a seed in tests,
 * so a sender cannot choose keys that collide.
 *   - A key of up to 64 bits is hashed by simple tabulation,
 *     fs_hkey_hash(); it is its own slot word.
 *   - A longer key (2 to FS_HKEY_WORDS words) is first folded to one
 *     word, fs_hkey_fold(), then that word is hashed. Two keys fold alike
 *     with probability 2^-64, so the fold is the slot word and a match
 *     callback on the caller's record settles the rare tie.
 *
 * Index (struct fs_hidx): open addressing from a slot word to a 32-bit
 * value, usually a record number in an array beside it (fs_hids hands
 * those out). Linear probing, backward-shift deletion, no tombstones.
 * Capacity is fixed at init; the slots are a power of two at least twice
 * the capacity, so the load stays at or below one half and nothing grows
 * on the packet path. An insert past the capacity is refused.
 *
 * Invariants, checked by fs_hidx_check():
 *   - every entry is reachable from its home slot (hash & mask) without
 *     crossing an empty slot;
 *   - n is the number of occupied slots, and n <= cap.
 */
#ifndef FLOODSPOT_HASH_H
#define FLOODSPOT_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FS_HIDX_NONE UINT32_MAX
#define FS_HKEY_WORDS 4		/* longest key fs_hkey_fold() takes */

struct fs_hkey {
	uint64_t t[8][256];	/* tabulation: one random word per key byte */
	/* fold: 128-bit multipliers a_0..a_FS_HKEY_WORDS as (lo, hi) */
	uint64_t fold[FS_HKEY_WORDS + 1][2];
};

struct fs_hidx_slot {
	uint64_t key;		/* the key, or the fold of a longer key */
	uint32_t val;		/* FS_HIDX_NONE: empty */
	uint32_t hash;		/* low bits of the key's hash: its home */
};

struct fs_hidx {
	struct fs_hidx_slot *s;
	uint32_t mask;		/* slots - 1, slots a power of two */
	uint32_t n;		/* entries */
	uint32_t cap;		/* entries allowed, at most half the slots */
	bool owned;		/* s came from fs_hidx_init */
};

/* Fills from getrandom() when seed is 0 and none is pinned, else from
 * the seed (tests). */
void fs_hkey_init(struct fs_hkey *k, uint64_t seed);
/* --seed: keys made with seed 0 from now on come from this one (0 unpins),
 * so every table of a run hashes alike from run to run. */
void fs_hkey_pin(uint64_t seed);

/* XOR of one random word per byte of x: eight L1 loads, no multiply. */
static inline uint64_t fs_hkey_hash(const struct fs_hkey *k, uint64_t x)
{
	return k->t[0][x & 0xff] ^ k->t[1][(x >> 8) & 0xff] ^
	       k->t[2][(x >> 16) & 0xff] ^ k->t[3][(x >> 24) & 0xff] ^
	       k->t[4][(x >> 32) & 0xff] ^ k->t[5][(x >> 40) & 0xff] ^
	       k->t[6][(x >> 48) & 0xff] ^ k->t[7][x >> 56];
}

/*
 * Folds n words (1 <= n <= FS_HKEY_WORDS) to one: strongly universal
 * among keys of the same n, so use one n per table.
 */
uint64_t fs_hkey_fold(const struct fs_hkey *k, const uint64_t *w, unsigned n);

/* A longer key as an index holds it: its fold, and the fold's hash. */
struct fs_hword {
	uint64_t word, hash;
};

static inline struct fs_hword fs_hkey_words(const struct fs_hkey *k,
					    const uint64_t *w, unsigned n)
{
	struct fs_hword h;
	h.word = fs_hkey_fold(k, w, n);
	h.hash = fs_hkey_hash(k, h.word);
	return h;
}

/* Smallest power of two >= n (n <= 2^31). */
uint32_t fs_pow2_ceil(uint32_t n);

/* Slots an index for cap entries takes: at least 2 * cap, a power of 2. */
uint32_t fs_hidx_nslots(uint32_t cap);

/* Allocates slots for cap entries (cap <= 2^30); -1: no memory. */
int fs_hidx_init(struct fs_hidx *ix, uint32_t cap);
/* Uses the caller's nslots slots (a power of two); cap is nslots / 2. */
void fs_hidx_init_in(struct fs_hidx *ix, struct fs_hidx_slot *slots,
		     uint32_t nslots);
/* Frees what fs_hidx_init allocated. */
void fs_hidx_fini(struct fs_hidx *ix);
void fs_hidx_clear(struct fs_hidx *ix);

/* The value stored under key (a word that is its own key), or NONE. */
uint32_t fs_hidx_find(const struct fs_hidx *ix, uint64_t key, uint64_t hash);

/* Is the caller's record val the key sought? ctx describes that key. */
typedef bool (*fs_hidx_match_fn)(const void *ctx, uint32_t val);

/* The first value under the slot word key that match accepts, or NONE. */
uint32_t fs_hidx_find_match(const struct fs_hidx *ix, uint64_t key,
			    uint64_t hash, fs_hidx_match_fn match,
			    const void *ctx);

/* Starts loading the home slot of hash, for a find or insert soon after. */
static inline void fs_hidx_prefetch(const struct fs_hidx *ix, uint64_t hash)
{
	__builtin_prefetch(&ix->s[(uint32_t)hash & ix->mask], 1);
}

/*
 * The key must be absent. false, and nothing stored, when n == cap.
 * Inline: the hosts table inserts on every packet of a spoofed flood.
 */
static inline bool fs_hidx_insert(struct fs_hidx *ix, uint64_t key,
				  uint64_t hash, uint32_t val)
{
	if (ix->n >= ix->cap)
		return false;
	uint32_t i = (uint32_t)hash & ix->mask;
	while (ix->s[i].val != FS_HIDX_NONE)
		i = (i + 1) & ix->mask;
	ix->s[i].key = key;
	ix->s[i].val = val;
	ix->s[i].hash = (uint32_t)hash;
	ix->n++;
	return true;
}
/* Removes the first entry under key; false when there was none. */
bool fs_hidx_remove(struct fs_hidx *ix, uint64_t key, uint64_t hash);
/* Removes the entry (key, val): for folded keys, which may share a word. */
bool fs_hidx_remove_val(struct fs_hidx *ix, uint64_t key, uint64_t hash,
			uint32_t val);
/* 0 when the invariants above hold, -1 otherwise. */
int fs_hidx_check(const struct fs_hidx *ix);

/*
 * Record numbers 0..cap-1 for a table whose records sit in an array
 * beside its index: a stack, lowest number first at the start, so the
 * order records are taken in depends only on the order of gets and puts.
 */
struct fs_hids {
	uint32_t *free;
	uint32_t n, cap;
};

int fs_hids_init(struct fs_hids *ids, uint32_t cap);
void fs_hids_fini(struct fs_hids *ids);
/* A free record number, or FS_HIDX_NONE when all are taken. */
uint32_t fs_hids_get(struct fs_hids *ids);
/* id must be taken. */
void fs_hids_put(struct fs_hids *ids, uint32_t id);

#endif
