/*
 * The detector's alert table: open addressing keyed by (rule, subject),
 * linear probing, backward-shift deletion. Fixed size; when full, new
 * pending entries are refused (counted by the caller), active ones stay.
 */
#include "detect_int.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x)
{
	/* splitmix64 finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint32_t slot_of(const struct fs_dtable *t, uint32_t rule, uint64_t key)
{
	return (uint32_t)mix(key ^ ((uint64_t)rule * 0x9e3779b97f4a7c15ULL)) &
	       t->mask;
}

int fs_dtable_init(struct fs_dtable *t, uint32_t entries)
{
	uint32_t slots = 16;
	while (slots < 2 * entries && slots < (1u << 30))
		slots <<= 1;
	t->slot = calloc(slots, sizeof(*t->slot));
	if (!t->slot)
		return -1;
	t->mask = slots - 1;
	t->max_used = slots / 2;
	t->used = 0;
	return 0;
}

void fs_dtable_fini(struct fs_dtable *t)
{
	free(t->slot);
	t->slot = NULL;
}

struct fs_dentry *fs_dtable_find(struct fs_dtable *t, uint32_t rule,
				 uint64_t key)
{
	for (uint32_t i = slot_of(t, rule, key);; i = (i + 1) & t->mask) {
		struct fs_dentry *e = &t->slot[i];
		if (e->state == FS_ENTRY_FREE)
			return NULL;
		if (e->rule == rule && e->key == key)
			return e;
	}
}

struct fs_dentry *fs_dtable_add(struct fs_dtable *t, uint32_t rule,
				uint64_t key)
{
	if (t->used >= t->max_used)
		return NULL;
	uint32_t i = slot_of(t, rule, key);
	while (t->slot[i].state != FS_ENTRY_FREE)
		i = (i + 1) & t->mask;
	struct fs_dentry *e = &t->slot[i];
	memset(e, 0, sizeof(*e));
	e->rule = rule;
	e->key = key;
	e->state = FS_ENTRY_PENDING;
	t->used++;
	return e;
}

void fs_dtable_del(struct fs_dtable *t, struct fs_dentry *e)
{
	uint32_t i = (uint32_t)(e - t->slot);
	t->slot[i].state = FS_ENTRY_FREE;
	t->used--;
	/* Move later entries of the probe run back into the hole. */
	for (uint32_t j = (i + 1) & t->mask; t->slot[j].state != FS_ENTRY_FREE;
	     j = (j + 1) & t->mask) {
		uint32_t home = slot_of(t, t->slot[j].rule, t->slot[j].key);
		/* j may move to i when home is not cyclically in (i, j]. */
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			t->slot[j].state = FS_ENTRY_FREE;
			i = j;
		}
	}
}
