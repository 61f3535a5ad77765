/*
 * Open-addressing index from a hash to an entry number: linear probing,
 * backward-shift deletion (no tombstones). The table is at least twice the
 * capacity so probes stay short. Hashes are seeded per process so crafted
 * router ids cannot be chosen to collide.
 */
#include "ospf_int.h"

#include <stdlib.h>

int fs_ospf_index_init(struct fs_ospf_index *ix, uint32_t capacity)
{
	uint32_t size = 16;
	while (size < capacity * 2u && size < (1u << 30))
		size <<= 1;
	ix->slot = calloc(size, sizeof(*ix->slot));
	ix->hash = calloc(size, sizeof(*ix->hash));
	ix->mask = size - 1;
	if (!ix->slot || !ix->hash) {
		fs_ospf_index_fini(ix);
		return -1;
	}
	return 0;
}

void fs_ospf_index_fini(struct fs_ospf_index *ix)
{
	free(ix->slot);
	free(ix->hash);
	ix->slot = NULL;
	ix->hash = NULL;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint32_t fs_ospf_hash(uint64_t seed, const uint64_t *w, unsigned n)
{
	uint64_t h = mix64(seed);
	for (unsigned i = 0; i < n; i++)
		h = mix64(h ^ w[i]);
	return (uint32_t)(h ^ h >> 32);
}

int64_t fs_ospf_index_find(const struct fs_ospf_index *ix,
			   const struct fs_ospf *o, uint32_t h,
			   fs_ospf_match_fn match, const void *key)
{
	for (uint32_t i = h & ix->mask;; i = (i + 1) & ix->mask) {
		if (ix->slot[i] == 0)
			return -1;
		if (ix->hash[i] == h && match(o, ix->slot[i] - 1, key))
			return ix->slot[i] - 1;
	}
}

void fs_ospf_index_add(struct fs_ospf_index *ix, uint32_t h, uint32_t idx)
{
	uint32_t i = h & ix->mask;
	while (ix->slot[i] != 0)
		i = (i + 1) & ix->mask;
	ix->slot[i] = idx + 1;
	ix->hash[i] = h;
}

void fs_ospf_index_del(struct fs_ospf_index *ix, uint32_t h, uint32_t idx)
{
	uint32_t i = h & ix->mask;
	while (ix->slot[i] != idx + 1) {
		if (ix->slot[i] == 0)
			return;
		i = (i + 1) & ix->mask;
	}
	/* Pull back later members of the run that may sit at or before i. */
	uint32_t j = i;
	for (;;) {
		ix->slot[i] = 0;
		for (;;) {
			j = (j + 1) & ix->mask;
			if (ix->slot[j] == 0)
				return;
			uint32_t home = ix->hash[j] & ix->mask;
			/* Movable unless home lies cyclically in (i, j]. */
			bool stays = i <= j ? (i < home && home <= j)
					    : (i < home || home <= j);
			if (!stays)
				break;
		}
		ix->slot[i] = ix->slot[j];
		ix->hash[i] = ix->hash[j];
		i = j;
	}
}
