/*
 * A tracker's table of sessions: fixed records, the keyed index, and
 * eviction of what the tracker lets go when a newcomer finds it full.
 */
#include <stdlib.h>
#include <string.h>

#include "floodspot/session.h"

int fs_sess_table_init(struct fs_sess_table *t, uint32_t cap, size_t rec_size)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0 || rec_size == 0)
		return -1;
	t->cap = cap;
	t->rec_size = rec_size;
	t->recs = calloc(cap, rec_size);
	if (!t->recs || fs_hids_init(&t->ids, cap) < 0 ||
	    fs_hidx_init(&t->ix, cap) < 0)
		return -1;
	return 0;
}

void fs_sess_table_fini(struct fs_sess_table *t)
{
	fs_hidx_fini(&t->ix);
	fs_hids_fini(&t->ids);
	free(t->recs);
	t->recs = NULL;
}

size_t fs_sess_table_memory(uint32_t cap, size_t rec_size)
{
	return (size_t)cap * (rec_size + sizeof(uint32_t)) +
	       fs_hidx_nslots(cap) * sizeof(struct fs_hidx_slot);
}

void *fs_sess_table_find(const struct fs_sess_table *t, struct fs_hword h,
			 fs_hidx_match_fn match, const void *ctx)
{
	uint32_t i = fs_hidx_find_match(&t->ix, h.word, h.hash, match, ctx);
	return i == FS_HIDX_NONE ? NULL : fs_sess_table_rec(t, i);
}

void *fs_sess_table_take(struct fs_sess_table *t, struct fs_hword h,
			 fs_sess_evictable_fn evictable,
			 fs_sess_forget_fn forget, void *tracker)
{
	uint32_t idx = fs_hids_get(&t->ids);
	for (unsigned k = 0; idx == FS_HIDX_NONE && k < FS_SESS_EVICT_TRIES;
	     k++) {
		void *rec = fs_sess_table_rec(t, t->hand);
		t->hand = (t->hand + 1) % t->cap;
		if (evictable(rec)) {
			forget(tracker, rec);
			t->evicted++;
			idx = fs_hids_get(&t->ids);
		}
	}
	if (idx == FS_HIDX_NONE) {
		t->full++;
		return NULL;
	}
	void *rec = fs_sess_table_rec(t, idx);
	memset(rec, 0, t->rec_size);
	fs_hidx_insert(&t->ix, h.word, h.hash, idx);
	return rec;
}

void fs_sess_table_drop(struct fs_sess_table *t, struct fs_hword h, void *rec)
{
	uint32_t idx = (uint32_t)(((uint8_t *)rec - t->recs) / t->rec_size);
	fs_hidx_remove_val(&t->ix, h.word, h.hash, idx);
	memset(rec, 0, t->rec_size);
	fs_hids_put(&t->ids, idx);
}

int fs_sess_table_check(const struct fs_sess_table *t, uint32_t used)
{
	return fs_hidx_check(&t->ix) == 0 && t->ix.n == used &&
			       t->ids.n + used == t->cap
		       ? 0
		       : -1;
}
