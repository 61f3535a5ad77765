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
	t->live = calloc(cap, sizeof(*t->live));
	t->live_at = calloc(cap, sizeof(*t->live_at));
	if (!t->recs || !t->live || !t->live_at ||
	    fs_hids_init(&t->ids, cap) < 0 ||
	    fs_hidx_init(&t->ix, cap) < 0)
		return -1;
	return 0;
}

void fs_sess_table_fini(struct fs_sess_table *t)
{
	fs_hidx_fini(&t->ix);
	fs_hids_fini(&t->ids);
	free(t->recs);
	free(t->live);
	free(t->live_at);
	t->recs = NULL;
	t->live = t->live_at = NULL;
}

size_t fs_sess_table_memory(uint32_t cap, size_t rec_size)
{
	return (size_t)cap * (rec_size + 3 * sizeof(uint32_t)) +
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
	t->live_at[idx] = t->n_live;
	t->live[t->n_live++] = idx;
	return rec;
}

void fs_sess_table_drop(struct fs_sess_table *t, struct fs_hword h, void *rec)
{
	uint32_t idx = (uint32_t)(((uint8_t *)rec - t->recs) / t->rec_size);
	fs_hidx_remove_val(&t->ix, h.word, h.hash, idx);
	memset(rec, 0, t->rec_size);
	fs_hids_put(&t->ids, idx);
	/* The last taken moves into its place: order is kept but for it. */
	uint32_t at = t->live_at[idx], last = t->live[--t->n_live];
	t->live[at] = last;
	t->live_at[last] = at;
}

void fs_sess_table_each(struct fs_sess_table *t, fs_sess_each_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < t->n_live;) {
		uint32_t idx = t->live[i];
		fn(fs_sess_table_rec(t, idx), ctx);
		/* Dropped: the last one took slot i, visit it next. */
		if (i < t->n_live && t->live[i] == idx)
			i++;
	}
}

int fs_sess_table_check(const struct fs_sess_table *t, uint32_t used)
{
	if (fs_hidx_check(&t->ix) != 0 || t->ix.n != used ||
	    t->ids.n + used != t->cap || t->n_live != used)
		return -1;
	for (uint32_t i = 0; i < t->n_live; i++)
		if (t->live[i] >= t->cap || t->live_at[t->live[i]] != i)
			return -1;
	return 0;
}
