/*
 * Bounded ring of pending remote messages, slots allocated once.
 * When full the OLDEST message goes: while a collector is away the newest
 * alerts carry the current state (what is active, what cleared), and every
 * alert also went to local syslog. The head is kept when it is partly
 * written, since a stream cannot take back the bytes already sent. Each
 * message carries a tag (an alert or a summary of losses), counted per tag,
 * so the sink's accounting is of alerts only.
 */
#include <stdlib.h>
#include <string.h>

#include "alert_int.h"

int fs_alert_queue_init(struct fs_alert_queue *q, uint32_t cap,
			uint32_t slot_size)
{
	memset(q, 0, sizeof(*q));
	if (cap == 0 || slot_size == 0)
		return -1;
	q->data = calloc(cap, slot_size);
	q->len = calloc(cap, sizeof(*q->len));
	q->tag = calloc(cap, 1);
	if (!q->data || !q->len || !q->tag) {
		fs_alert_queue_fini(q);
		return -1;
	}
	q->cap = cap;
	q->slot_size = slot_size;
	return 0;
}

void fs_alert_queue_fini(struct fs_alert_queue *q)
{
	free(q->data);
	free(q->len);
	free(q->tag);
	q->data = NULL;
	q->len = NULL;
	q->tag = NULL;
	q->cap = q->count = q->head = 0;
	memset(q->n_tag, 0, sizeof(q->n_tag));
}

static char *slot(const struct fs_alert_queue *q, uint32_t i)
{
	return q->data + (size_t)((q->head + i) % q->cap) * q->slot_size;
}

int fs_alert_queue_push_tag(struct fs_alert_queue *q, const char *msg,
			    size_t n, uint8_t tag, bool head_in_flight,
			    uint8_t *dropped_tag)
{
	if (n > q->slot_size || tag >= FS_ALERT_QUEUE_TAGS)
		return -1;
	int dropped = 0;
	if (q->count == q->cap) {
		if (head_in_flight && q->cap == 1) {
			q->dropped++;
			*dropped_tag = tag;
			return 1;	/* nothing else can go: drop the new one */
		}
		uint32_t gone = head_in_flight ? (q->head + 1) % q->cap : q->head;
		*dropped_tag = q->tag[gone];
		q->n_tag[q->tag[gone]]--;
		if (head_in_flight) {
			/* Drop the second: it takes the head's bytes. */
			memcpy(q->data + (size_t)gone * q->slot_size, slot(q, 0),
			       q->len[q->head]);
			q->len[gone] = q->len[q->head];
			q->tag[gone] = q->tag[q->head];
		}
		q->head = (q->head + 1) % q->cap;
		q->count--;
		q->dropped++;
		dropped = 1;
	}
	uint32_t tail = (q->head + q->count) % q->cap;
	memcpy(q->data + (size_t)tail * q->slot_size, msg, n);
	q->len[tail] = (uint32_t)n;
	q->tag[tail] = tag;
	q->n_tag[tag]++;
	q->count++;
	return dropped;
}

int fs_alert_queue_push(struct fs_alert_queue *q, const char *msg, size_t n,
			bool head_in_flight)
{
	uint8_t gone;
	return fs_alert_queue_push_tag(q, msg, n, 0, head_in_flight, &gone);
}

int fs_alert_queue_peek_tag(const struct fs_alert_queue *q)
{
	return q->count ? q->tag[q->head] : -1;
}

const char *fs_alert_queue_peek(const struct fs_alert_queue *q, size_t *n)
{
	if (q->count == 0)
		return NULL;
	*n = q->len[q->head];
	return slot(q, 0);
}

void fs_alert_queue_pop(struct fs_alert_queue *q)
{
	if (q->count == 0)
		return;
	q->n_tag[q->tag[q->head]]--;
	q->head = (q->head + 1) % q->cap;
	q->count--;
}
