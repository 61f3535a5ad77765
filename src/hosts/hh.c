/* Space-Saving stream-summary; see hh.h. */
#include "hh.h"

#include <string.h>

#define NONE FS_HIDX_NONE

/* Load at most a quarter: the summary churns on every unmonitored key. */
static uint32_t idx_slots(uint32_t k)
{
	return fs_pow2_ceil(k < 1 ? 4 : 4 * k);
}

/* Filter counters: 16 per entry, so about one in 17 one-off keys churns. */
static uint32_t filter_slots(uint32_t k)
{
	if (k > (1u << 16))
		return 1u << 20;
	return fs_pow2_ceil(k < 1 ? 1 : 16 * k);
}

size_t fs_hh_memory(uint32_t k)
{
	return (size_t)k * (sizeof(struct fs_hh_entry) +
			    sizeof(struct fs_hh_bucket)) +
	       (size_t)idx_slots(k) * sizeof(struct fs_hidx_slot) +
	       (size_t)filter_slots(k) * sizeof(uint64_t);
}

/*
 * The filter slot comes from a fixed mix of the key, not the per-process
 * hash, so which keys the summary admits, and with it what eviction
 * spares, is the same in every run. Unkeyed is safe here: a sender who
 * makes keys share a slot only raises alpha, which admits them sooner,
 * i.e. falls back to plain Space-Saving; the invariants hold regardless.
 */
static uint64_t *filter(const struct fs_hh *hh, uint64_t key)
{
	return &hh->alpha[fs_hh_filter_slot(hh, key)];
}

static void reset(struct fs_hh *hh)
{
	hh->n = 0;
	hh->blo = hh->bhi = NONE;
	hh->bfree = NONE;
	for (uint32_t i = hh->k; i-- > 0;) {
		hh->b[i].next = hh->bfree;
		hh->bfree = i;
	}
	fs_hidx_clear(&hh->idx);
}

void fs_hh_init(struct fs_hh *hh, uint32_t k, void *mem)
{
	char *p = mem;

	hh->k = k;
	hh->e = (struct fs_hh_entry *)(void *)p;
	p += (size_t)k * sizeof(struct fs_hh_entry);
	hh->b = (struct fs_hh_bucket *)(void *)p;
	p += (size_t)k * sizeof(struct fs_hh_bucket);
	fs_hidx_init_in(&hh->idx, (struct fs_hidx_slot *)(void *)p,
			idx_slots(k));
	p += (size_t)idx_slots(k) * sizeof(struct fs_hidx_slot);
	hh->alpha = (uint64_t *)(void *)p;
	hh->fmask = filter_slots(k) - 1;
	memset(hh->alpha, 0, (size_t)filter_slots(k) * sizeof(uint64_t));
	reset(hh);
}

/* A new bucket of count c placed after bucket `after` (NONE: first). */
static uint32_t bucket_new(struct fs_hh *hh, uint64_t c, uint32_t after)
{
	uint32_t bi = hh->bfree;
	struct fs_hh_bucket *b = &hh->b[bi];

	hh->bfree = b->next;
	b->count = c;
	b->head = NONE;
	b->prev = after;
	b->next = after == NONE ? hh->blo : hh->b[after].next;
	if (b->next != NONE)
		hh->b[b->next].prev = bi;
	else
		hh->bhi = bi;
	if (after != NONE)
		hh->b[after].next = bi;
	else
		hh->blo = bi;
	return bi;
}

static void bucket_free(struct fs_hh *hh, uint32_t bi)
{
	struct fs_hh_bucket *b = &hh->b[bi];

	if (b->prev != NONE)
		hh->b[b->prev].next = b->next;
	else
		hh->blo = b->next;
	if (b->next != NONE)
		hh->b[b->next].prev = b->prev;
	else
		hh->bhi = b->prev;
	b->next = hh->bfree;
	hh->bfree = bi;
}

static void attach(struct fs_hh *hh, uint32_t ei, uint32_t bi)
{
	struct fs_hh_entry *e = &hh->e[ei];
	struct fs_hh_bucket *b = &hh->b[bi];

	e->bucket = bi;
	e->count = b->count;
	e->prev = NONE;
	e->next = b->head;
	if (b->head != NONE)
		hh->e[b->head].prev = ei;
	b->head = ei;
}

/* Takes ei out of its bucket; frees the bucket when it empties. */
static void detach(struct fs_hh *hh, uint32_t ei)
{
	struct fs_hh_entry *e = &hh->e[ei];
	uint32_t bi = e->bucket;

	if (e->prev != NONE)
		hh->e[e->prev].next = e->next;
	else
		hh->b[bi].head = e->next;
	if (e->next != NONE)
		hh->e[e->next].prev = e->prev;
	if (hh->b[bi].head == NONE)
		bucket_free(hh, bi);
}

static void increment(struct fs_hh *hh, uint32_t ei)
{
	struct fs_hh_entry *e = &hh->e[ei];
	uint32_t bi = e->bucket;
	uint64_t c = hh->b[bi].count + 1;
	uint32_t nb = hh->b[bi].next;

	if (nb != NONE && hh->b[nb].count == c) {
		detach(hh, ei);
		attach(hh, ei, nb);
	} else if (hh->b[bi].head == ei && e->next == NONE) {
		/* Alone in its bucket and the next is higher: bump in place. */
		hh->b[bi].count = c;
		e->count = c;
	} else {
		/* Others stay in bi, so it survives the detach. */
		uint32_t nbi = bucket_new(hh, c, bi);
		detach(hh, ei);
		attach(hh, ei, nbi);
	}
}

void fs_hh_add(struct fs_hh *hh, uint64_t key, uint64_t hash)
{
	if (hh->k == 0)
		return;
	uint32_t ei = fs_hidx_find(&hh->idx, key, hash);
	if (ei != NONE) {
		increment(hh, ei);
		return;
	}
	if (hh->n < hh->k) {
		/* Below it can only be a count-0 bucket (after a halving). */
		uint32_t prev = NONE, bi = hh->blo;
		if (bi != NONE && hh->b[bi].count == 0) {
			prev = bi;
			bi = hh->b[bi].next;
		}
		if (bi == NONE || hh->b[bi].count != 1)
			bi = bucket_new(hh, 1, prev);
		ei = hh->n++;
		hh->e[ei].key = key;
		hh->e[ei].hash = hash;
		hh->e[ei].err = 0;
		attach(hh, ei, bi);
		fs_hidx_insert(&hh->idx, key, hash, ei);
		return;
	}
	/* Full: admitted only once its filter counter reaches the minimum. */
	uint64_t *a = filter(hh, key);
	if (*a < hh->b[hh->blo].count) {
		(*a)++;
		return;
	}
	/* It takes over a minimum entry, whose count moves to the filter. */
	ei = hh->b[hh->blo].head;
	struct fs_hh_entry *e = &hh->e[ei];
	uint64_t *va = filter(hh, e->key);
	if (*va < e->count)
		*va = e->count;
	fs_hidx_remove(&hh->idx, e->key, e->hash);
	e->key = key;
	e->hash = hash;
	e->err = e->count;
	fs_hidx_insert(&hh->idx, key, hash, ei);
	increment(hh, ei);
}

const struct fs_hh_entry *fs_hh_find(const struct fs_hh *hh, uint64_t key,
				     uint64_t hash)
{
	if (hh->k == 0)
		return NULL;
	uint32_t ei = fs_hidx_find(&hh->idx, key, hash);
	return ei == NONE ? NULL : &hh->e[ei];
}

bool fs_hh_protected(const struct fs_hh *hh, uint64_t key, uint64_t hash)
{
	const struct fs_hh_entry *e = fs_hh_find(hh, key, hash);
	if (e == NULL)
		return false;
	/* With free entries, keys outside the summary have count zero. */
	uint64_t min = hh->n < hh->k ? 0 : hh->b[hh->blo].count;
	return e->count - e->err > min;
}

/* Order for the rebuild: ascending count, ties by key (stable output). */
static bool before(const struct fs_hh_entry *x, const struct fs_hh_entry *y)
{
	if (x->count != y->count)
		return x->count < y->count;
	return x->key < y->key;
}

static void sift(struct fs_hh_entry *a, uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && before(&a[w], &a[l]))
			w = l;
		if (r < n && before(&a[w], &a[r]))
			w = r;
		if (w == i)
			return;
		struct fs_hh_entry t = a[i];
		a[i] = a[w];
		a[w] = t;
		i = w;
	}
}

/* In-place heapsort: qsort may allocate, and nothing may after create. */
static void sort_entries(struct fs_hh_entry *a, uint32_t n)
{
	for (uint32_t i = n / 2; i-- > 0;)
		sift(a, n, i);
	for (uint32_t end = n; end-- > 1;) {
		struct fs_hh_entry t = a[0];
		a[0] = a[end];
		a[end] = t;
		sift(a, end, 0);
	}
}

void fs_hh_halve(struct fs_hh *hh)
{
	uint32_t m = hh->n;

	if (hh->k == 0)
		return;
	for (uint32_t i = 0; i < m; i++) {
		/* floor(c/2) >= floor(err/2) because c >= err. */
		hh->e[i].count /= 2;
		hh->e[i].err /= 2;
	}
	/* alpha <= min before, so floor(alpha/2) <= the new minimum. */
	for (uint32_t i = 0; i <= hh->fmask; i++)
		hh->alpha[i] /= 2;
	sort_entries(hh->e, m);
	reset(hh);
	uint32_t bi = NONE;
	for (uint32_t i = 0; i < m; i++) {
		uint64_t c = hh->e[i].count;
		if (bi == NONE || hh->b[bi].count != c)
			bi = bucket_new(hh, c, bi);
		attach(hh, i, bi);
		fs_hidx_insert(&hh->idx, hh->e[i].key, hh->e[i].hash, i);
	}
	hh->n = m;
}

int fs_hh_check(const struct fs_hh *hh)
{
	uint32_t seen = 0;
	uint64_t last = 0;

	if (hh->k == 0)
		return 0;
	for (uint32_t bi = hh->blo; bi != NONE; bi = hh->b[bi].next) {
		const struct fs_hh_bucket *b = &hh->b[bi];
		if ((bi != hh->blo && b->count <= last) || b->head == NONE)
			return -1;
		last = b->count;
		for (uint32_t ei = b->head; ei != NONE; ei = hh->e[ei].next) {
			const struct fs_hh_entry *e = &hh->e[ei];
			if (e->bucket != bi || e->count != b->count ||
			    e->err > e->count || ++seen > hh->n)
				return -1;
			if (fs_hidx_find(&hh->idx, e->key, e->hash) != ei)
				return -1;
		}
	}
	if (seen != hh->n || hh->idx.n != hh->n)
		return -1;
	for (uint32_t i = 0; i <= hh->fmask; i++)
		if (hh->alpha[i] > (hh->n < hh->k ? 0 : hh->b[hh->blo].count))
			return -1;
	return fs_hidx_check(&hh->idx);
}
