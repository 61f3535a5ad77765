/*
 * The detector's alert table: records keyed by (rule, subject) in an array,
 * found through the keyed index of floodspot/hash.h. Fixed size; when full,
 * new pending entries are refused (counted by the caller), active ones
 * stay. Records never move, so a sweep may delete as it walks them.
 */
#include "detect_int.h"

#include <stdlib.h>
#include <string.h>

struct dkey {
	const struct fs_dtable *t;
	uint32_t rule;
	uint64_t key;
	struct fs_hword h;
};

static struct dkey dkey(const struct fs_dtable *t, uint32_t rule,
			uint64_t key)
{
	uint64_t w[2] = { rule, key };
	return (struct dkey){ t, rule, key, fs_hkey_words(t->hkey, w, 2) };
}

static bool match(const void *ctx, uint32_t i)
{
	const struct dkey *k = ctx;
	const struct fs_dentry *e = &k->t->e[i];
	return e->rule == k->rule && e->key == k->key;
}

int fs_dtable_init(struct fs_dtable *t, uint32_t entries,
		   const struct fs_hkey *hkey)
{
	memset(t, 0, sizeof(*t));
	t->hkey = hkey;
	t->cap = entries;
	t->e = calloc(entries ? entries : 1, sizeof(*t->e));
	if (!t->e || fs_hids_init(&t->ids, entries) != 0 ||
	    fs_hidx_init(&t->ix, entries) != 0) {
		fs_dtable_fini(t);
		return -1;
	}
	return 0;
}

void fs_dtable_fini(struct fs_dtable *t)
{
	fs_hidx_fini(&t->ix);
	fs_hids_fini(&t->ids);
	free(t->e);
	t->e = NULL;
	t->cap = 0;
}

struct fs_dentry *fs_dtable_find(struct fs_dtable *t, uint32_t rule,
				 uint64_t key)
{
	struct dkey k = dkey(t, rule, key);
	uint32_t i = fs_hidx_find_match(&t->ix, k.h.word, k.h.hash, match, &k);
	return i == FS_HIDX_NONE ? NULL : &t->e[i];
}

struct fs_dentry *fs_dtable_add(struct fs_dtable *t, uint32_t rule,
				uint64_t key)
{
	uint32_t i = fs_hids_get(&t->ids);
	if (i == FS_HIDX_NONE)
		return NULL;
	struct dkey k = dkey(t, rule, key);
	fs_hidx_insert(&t->ix, k.h.word, k.h.hash, i);
	struct fs_dentry *e = &t->e[i];
	memset(e, 0, sizeof(*e));
	e->rule = rule;
	e->key = key;
	e->state = FS_ENTRY_PENDING;
	t->used++;
	return e;
}

void fs_dtable_del(struct fs_dtable *t, struct fs_dentry *e)
{
	uint32_t i = (uint32_t)(e - t->e);
	struct dkey k = dkey(t, e->rule, e->key);
	fs_hidx_remove_val(&t->ix, k.h.word, k.h.hash, i);
	fs_hids_put(&t->ids, i);
	e->state = FS_ENTRY_FREE;
	t->used--;
}
