/*
 * Space-Saving heavy-hitter summary (Metwally, Agrawal, El Abbadi 2005)
 * over 64-bit keys, as a stream-summary: buckets of equal count in a
 * sorted doubly linked list, so a unit increment and a replacement of the
 * minimum are O(1).
 *
 * With an admission filter after Filtered Space-Saving (Homem and
 * Carvalho 2010): once the summary is full, an unmonitored key first
 * bumps a hashed counter alpha, and takes over the minimum entry only
 * when its alpha has reached the minimum count. One-off keys (a spoofed
 * flood) then mostly cost one counter increment instead of an index
 * removal and insertion. Invariants, for every unmonitored key y:
 * true(y) <= alpha[h(y)] <= min count; so the total of counts stays <= N,
 * min <= N/k, and every key with more than N/k occurrences is monitored,
 * as in plain Space-Saving.
 */
#ifndef FLOODSPOT_HOSTS_HH_H
#define FLOODSPOT_HOSTS_HH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/hash.h"

struct fs_hh_entry {
	uint64_t key;
	uint64_t hash;
	uint64_t count;		/* estimate: never below the true count */
	uint64_t err;		/* overestimation bound: count - err <= true */
	uint32_t bucket, prev, next;
};

struct fs_hh_bucket {
	uint64_t count;
	uint32_t head;		/* entries with this count */
	uint32_t prev, next;	/* neighbouring buckets, ascending count */
};

struct fs_hh {
	uint32_t k, n;
	struct fs_hh_entry *e;
	struct fs_hh_bucket *b;
	uint32_t bfree;		/* free buckets, chained through next */
	uint32_t blo, bhi;	/* lowest and highest count */
	struct fs_hidx idx;
	uint64_t *alpha;	/* admission filter, by hash */
	uint32_t fmask;
};

/* Bytes fs_hh_init carves from the memory it is given. */
size_t fs_hh_memory(uint32_t k);
void fs_hh_init(struct fs_hh *hh, uint32_t k, void *mem);
/* Counts one occurrence of key (hash from fs_hkey_hash). O(1). */
void fs_hh_add(struct fs_hh *hh, uint64_t key, uint64_t hash);
/* Admission counter slot of key (see hh.c for why it is unkeyed). */
static inline uint32_t fs_hh_filter_slot(const struct fs_hh *hh, uint64_t key)
{
	uint64_t x = key;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)(x & hh->fmask);
}

/*
 * Starts loading what fs_hh_add(key) reads first (index slot, admission
 * counter), so those cache misses overlap the caller's own. Inline: it
 * runs on every packet.
 */
static inline void fs_hh_prefetch(const struct fs_hh *hh, uint64_t key,
				  uint64_t hash)
{
	if (hh->k == 0)
		return;
	fs_hidx_prefetch(&hh->idx, hash);
	/* The counter is read only once the summary is full. */
	if (hh->n == hh->k)
		__builtin_prefetch(&hh->alpha[fs_hh_filter_slot(hh, key)], 1);
}

/* Same for fs_hh_find and fs_hh_protected: the index slot only. */
static inline void fs_hh_prefetch_find(const struct fs_hh *hh, uint64_t hash)
{
	if (hh->k != 0)
		fs_hidx_prefetch(&hh->idx, hash);
}
/* The entry for key, or NULL. */
const struct fs_hh_entry *fs_hh_find(const struct fs_hh *hh, uint64_t key,
				     uint64_t hash);
/*
 * True when key's guaranteed count (count - err) exceeds the summary's
 * minimum: the key provably outnumbers every key the summary does not
 * hold. At most k keys qualify.
 */
bool fs_hh_protected(const struct fs_hh *hh, uint64_t key, uint64_t hash);
/*
 * Halves every count, error and filter counter. Entries are kept (at
 * count 0 if need be), so a full summary stays full and the filter
 * invariant holds. O(k log k + filter size).
 */
void fs_hh_halve(struct fs_hh *hh);
/* Structure invariants; 0 when sound. */
int fs_hh_check(const struct fs_hh *hh);

#endif
