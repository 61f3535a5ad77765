/*
 * Batches (capture_int.h): the frames of one pcap_dispatch call, copied
 * (libpcap reuses its buffer for the next frame), so the consumer can
 * look a few frames ahead. The peek hook sees frame j + FS_BATCH_AHEAD
 * before frame j is delivered: under a flood of new sources every frame
 * misses the cache on its host's slot, and loads started that early
 * overlap instead of adding up. Order and contents are unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "capture_int.h"

#define FS_BATCH_AHEAD 8

int fs_batch_init(struct fs_batch *b)
{
	b->arena = malloc(FS_BATCH_ARENA);
	b->n = 0;
	b->used = 0;
	return b->arena ? 0 : -1;
}

void fs_batch_free(struct fs_batch *b)
{
	free(b->arena);
	b->arena = NULL;
	b->n = 0;
	b->used = 0;
}

static void peek(struct fs_capture *c, uint32_t j)
{
	const struct fs_batch_frame *f = &c->batch.frame[j];
	c->peek(c->peek_ctx, c->batch.arena + f->off, f->caplen);
}

void fs_batch_flush(struct fs_capture *c)
{
	struct fs_batch *b = &c->batch;
	uint32_t n = b->n;

	for (uint32_t j = 0; j < n && j < FS_BATCH_AHEAD; j++)
		peek(c, j);
	for (uint32_t j = 0; j < n; j++) {
		const struct fs_batch_frame *f = &b->frame[j];
		if (j + FS_BATCH_AHEAD < n)
			peek(c, j + FS_BATCH_AHEAD);
		c->fn(c->fn_ctx, f->ts_us, b->arena + f->off, f->caplen,
		      f->wirelen);
	}
	b->n = 0;
	b->used = 0;
}

void fs_batch_add(struct fs_capture *c, int64_t ts_us, const uint8_t *frame,
		  uint32_t caplen, uint32_t wirelen)
{
	struct fs_batch *b = &c->batch;

	if (b->n == FS_BATCH_FRAMES || caplen > FS_BATCH_ARENA - b->used)
		fs_batch_flush(c);
	if (caplen > FS_BATCH_ARENA) {
		/* Larger than the arena: in order, without look-ahead. */
		c->fn(c->fn_ctx, ts_us, frame, caplen, wirelen);
		return;
	}
	memcpy(b->arena + b->used, frame, caplen);
	b->frame[b->n++] = (struct fs_batch_frame){
		.ts_us = ts_us, .off = b->used, .caplen = caplen,
		.wirelen = wirelen,
	};
	b->used += caplen;
}
