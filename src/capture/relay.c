/*
 * relay.c: packets from the privileged parent to the worker (-Z, live).
 *
 * A single-producer single-consumer byte ring in anonymous shared memory:
 * the parent copies each packet in (header and frame, contiguous, 8-byte
 * aligned; a SKIP record pads the end before a wrap) and moves head; the
 * worker hands each frame to the packet path in place and then moves tail.
 * A DOWN record carries the capture's failure in order with the packets.
 *
 * Wakeups: an eventfd is kept readable while the ring holds records. The
 * parent writes it after each batch; the worker reads it (resetting it)
 * before it drains, and writes it itself when it stops with records left,
 * so a poll on it never sleeps over waiting packets. When the ring is full
 * the parent stops reading the kernel's ring (whose drops the kernel
 * counts) and waits for a ROOM note on the control pair.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture_int.h"

#define HEAD_BYTES 4096

struct shm_head {
	_Alignas(64) _Atomic uint64_t head;	/* bytes written (parent) */
	_Alignas(64) _Atomic uint64_t tail;	/* bytes consumed (worker) */
	_Alignas(64) atomic_uint parent_waiting;
	_Atomic uint64_t received, dropped, if_dropped;
	atomic_uint have_stats;
};
_Static_assert(sizeof(struct shm_head) <= HEAD_BYTES, "ring header");

enum rec_type { REC_PACKET = 1, REC_SKIP, REC_DOWN };

struct rec {
	uint32_t size;		/* whole record, header included, 8-aligned */
	uint16_t type;
	uint16_t pad;
	uint32_t caplen, wirelen;
	int64_t ts_us;
};

struct fs_relay {
	struct shm_head *h;
	uint8_t *data;
	uint64_t size;		/* power of two */
	size_t map_len;
	int data_efd;
	int ctl[2];		/* [0] the parent's end, [1] the worker's */
	int ctl_fd;		/* ours, after fs_relay_be_* */
	uint64_t published;	/* parent: head at the last wakeup */
	bool borrowed;		/* fs_relay_split's: the ring is not ours */
};

static uint32_t rec_bytes(uint32_t caplen)
{
	return (uint32_t)((sizeof(struct rec) + caplen + 7) & ~(size_t)7);
}

struct fs_relay *fs_relay_create(uint32_t ring_bytes)
{
	struct fs_relay *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->size = 1 << 16;
	while (r->size < ring_bytes)
		r->size <<= 1;
	r->map_len = HEAD_BYTES + r->size;
	void *m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	r->data_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->ctl[0] = r->ctl[1] = r->ctl_fd = -1;
	if (m == MAP_FAILED || r->data_efd < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->ctl) != 0) {
		if (m != MAP_FAILED)
			munmap(m, r->map_len);
		if (r->data_efd >= 0)
			close(r->data_efd);
		free(r);
		return NULL;
	}
	r->h = m;
	r->data = (uint8_t *)m + HEAD_BYTES;
	return r;
}

void fs_relay_be_parent(struct fs_relay *r)
{
	close(r->ctl[1]);
	r->ctl_fd = r->ctl[0];
}

void fs_relay_be_worker(struct fs_relay *r)
{
	close(r->ctl[0]);
	r->ctl_fd = r->ctl[1];
}

struct fs_relay *fs_relay_split(struct fs_relay *r)
{
	struct fs_relay *p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	*p = *r;
	p->borrowed = true;
	p->ctl_fd = r->ctl[0];
	r->ctl_fd = r->ctl[1];
	return p;
}

void fs_relay_destroy(struct fs_relay *r)
{
	if (!r)
		return;
	if (r->borrowed) {
		close(r->ctl_fd);
		free(r);
		return;
	}
	munmap(r->h, r->map_len);
	close(r->data_efd);
	if (r->ctl_fd >= 0) {
		close(r->ctl_fd);
	} else {
		close(r->ctl[0]);
		close(r->ctl[1]);
	}
	free(r);
}

int fs_relay_fds(const struct fs_relay *r, int *fds, int max)
{
	int n = 0;
	if (n < max)
		fds[n++] = r->data_efd;
	if (n < max)
		fds[n++] = r->ctl_fd;
	return n;
}

int fs_relay_ctl_fd(const struct fs_relay *r)
{
	return r->ctl_fd;
}

int fs_relay_data_fd(const struct fs_relay *r)
{
	return r->data_efd;
}

/* ---- parent ---- */

static bool put(struct fs_relay *r, uint16_t type, int64_t ts_us,
		const void *bytes, uint32_t caplen, uint32_t wirelen)
{
	uint32_t need = rec_bytes(caplen);
	if (need > r->size / 4)
		return false;	/* cannot happen with snaplen <= 256 KiB */
	uint64_t head = atomic_load_explicit(&r->h->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&r->h->tail, memory_order_acquire);
	uint64_t pos = head & (r->size - 1), to_end = r->size - pos;
	uint64_t total = need > to_end ? to_end + need : need;
	if (head + total - tail > r->size)
		return false;
	if (need > to_end) {
		/* The frame stays contiguous: pad to the end, start over. */
		if (to_end >= sizeof(struct rec)) {
			/* Every field: the consumer checks the record, and
			 * the bytes here are an older lap's. */
			struct rec *skip = (struct rec *)(r->data + pos);
			*skip = (struct rec){ .size = (uint32_t)to_end,
					      .type = REC_SKIP };
		}
		head += to_end;
		pos = 0;
	}
	struct rec *x = (struct rec *)(r->data + pos);
	x->size = need;
	x->type = type;
	x->pad = 0;
	x->caplen = caplen;
	x->wirelen = wirelen;
	x->ts_us = ts_us;
	memcpy(x + 1, bytes, caplen);
	atomic_store_explicit(&r->h->head, head + need, memory_order_release);
	return true;
}

bool fs_relay_put(struct fs_relay *r, int64_t ts_us, const uint8_t *frame,
		  uint32_t caplen, uint32_t wirelen)
{
	return put(r, REC_PACKET, ts_us, frame, caplen, wirelen);
}

bool fs_relay_put_down(struct fs_relay *r, const char *why)
{
	size_t n = strnlen(why, PCAP_ERRBUF_SIZE + 100);
	char text[PCAP_ERRBUF_SIZE + 128];
	memcpy(text, why, n);
	text[n] = '\0';
	return put(r, REC_DOWN, 0, text, (uint32_t)n + 1, 0);
}

void fs_relay_publish(struct fs_relay *r)
{
	uint64_t head = atomic_load_explicit(&r->h->head, memory_order_relaxed);
	if (head == r->published)
		return;
	r->published = head;
	uint64_t one = 1;
	/* EAGAIN only when the counter is near 2^64: it is readable anyway. */
	if (write(r->data_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;
}

void fs_relay_want_room(struct fs_relay *r, bool want)
{
	atomic_store(&r->h->parent_waiting, want ? 1u : 0u);
}

void fs_relay_set_stats(struct fs_relay *r, const struct fs_capture_stats *st)
{
	atomic_store_explicit(&r->h->received, st->received,
			      memory_order_relaxed);
	atomic_store_explicit(&r->h->dropped, st->dropped, memory_order_relaxed);
	atomic_store_explicit(&r->h->if_dropped, st->if_dropped,
			      memory_order_relaxed);
	atomic_store_explicit(&r->h->have_stats, 1u, memory_order_release);
}

int fs_relay_send(struct fs_relay *r, const struct fs_relay_ctl *m)
{
	ssize_t n;
	do
		n = send(r->ctl_fd, m, sizeof(*m), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*m) ? 0 : -1;
}

int fs_relay_recv(struct fs_relay *r, struct fs_relay_ctl *m, int timeout_ms)
{
	struct pollfd p = { .fd = r->ctl_fd, .events = POLLIN };
	int rc;
	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return 0;
	if (rc < 0)
		return -1;
	ssize_t n;
	do
		n = recv(r->ctl_fd, m, sizeof(*m), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n != (ssize_t)sizeof(*m))
		return -1;	/* EOF (or a message we never send): gone */
	m->text[sizeof(m->text) - 1] = '\0';
	return 1;
}

/* ---- worker ---- */

/* Control traffic outside a reopen: only the parent's end matters. */
static bool parent_gone(struct fs_relay *r)
{
	struct fs_relay_ctl m;
	for (;;) {
		int rc = fs_relay_recv(r, &m, 0);
		if (rc < 0)
			return true;
		if (rc == 0)
			return false;
	}
}

enum fs_capture_result fs_relay_dispatch(struct fs_capture *c, int max)
{
	struct fs_relay *r = c->relay;
	uint64_t token;
	if (read(r->data_efd, &token, sizeof(token)) < 0 && errno != EAGAIN)
		return FS_CAPTURE_MORE;
	uint64_t head = atomic_load_explicit(&r->h->head, memory_order_acquire);
	uint64_t tail = atomic_load_explicit(&r->h->tail, memory_order_relaxed);
	enum fs_capture_result res = FS_CAPTURE_MORE;
	int n = 0;
	if (max <= 0)
		max = 4096;
	while (tail < head && n < max) {
		uint64_t pos = tail & (r->size - 1), to_end = r->size - pos;
		if (to_end < sizeof(struct rec)) {
			tail += to_end;
			continue;
		}
		const struct rec *x = (const struct rec *)(r->data + pos);
		if (x->size < sizeof(struct rec) || x->size > to_end ||
		    x->size & 7 || rec_bytes(x->caplen) > x->size) {
			snprintf(c->error, sizeof(c->error),
				 "capture relay: damaged record at %llu",
				 (unsigned long long)tail);
			c->relay_gone = true;
			return FS_CAPTURE_FATAL;
		}
		if (x->type == REC_PACKET) {
			c->count++;
			n++;
			c->fn(c->fn_ctx, x->ts_us, (const uint8_t *)(x + 1),
			      x->caplen, x->wirelen);
		} else if (x->type == REC_DOWN) {
			snprintf(c->error, sizeof(c->error), "%.*s",
				 (int)x->caplen, (const char *)(x + 1));
			res = FS_CAPTURE_ERROR;
		}
		tail += x->size;
		atomic_store_explicit(&r->h->tail, tail, memory_order_release);
		if (res != FS_CAPTURE_MORE)
			break;
	}
	if (tail < head) {
		uint64_t one = 1;	/* more waits: stay readable */
		if (write(r->data_efd, &one, sizeof(one)) < 0)
			(void)0;
	}
	if (atomic_exchange(&r->h->parent_waiting, 0u)) {
		struct fs_relay_ctl m = { .type = FS_RELAY_ROOM };
		fs_relay_send(r, &m);
	}
	if (res == FS_CAPTURE_MORE && tail == head && parent_gone(r)) {
		snprintf(c->error, sizeof(c->error),
			 "%s: the privileged capture process is gone",
			 c->ifname ? c->ifname : "capture");
		c->relay_gone = true;
		res = FS_CAPTURE_FATAL;
	}
	return res;
}

int fs_relay_reopen(struct fs_capture *c, char *err, size_t errlen)
{
	struct fs_relay *r = c->relay;
	struct fs_relay_ctl m = { .type = FS_RELAY_REOPEN };
	if (c->relay_gone || fs_relay_send(r, &m) != 0) {
		snprintf(err, errlen, "%s: the privileged capture process is gone",
			 c->ifname);
		return -1;
	}
	/* pcap_activate takes milliseconds; the capture is down meanwhile. */
	for (;;) {
		int rc = fs_relay_recv(r, &m, 5000);
		if (rc <= 0) {
			snprintf(err, errlen, "%s: no answer from the privileged "
				 "capture process", c->ifname);
			if (rc < 0)
				c->relay_gone = true;
			return -1;
		}
		if (m.type == FS_RELAY_OPENED) {
			c->relay_dlt = m.dlt;
			return 0;
		}
		if (m.type == FS_RELAY_FAILED) {
			snprintf(err, errlen, "%s", m.text);
			return -1;
		}
	}
}

bool fs_relay_stats(const struct fs_relay *r, struct fs_capture_stats *st)
{
	if (!atomic_load_explicit(&r->h->have_stats, memory_order_acquire))
		return false;
	st->received = atomic_load_explicit(&r->h->received,
					    memory_order_relaxed);
	st->dropped = atomic_load_explicit(&r->h->dropped, memory_order_relaxed);
	st->if_dropped = atomic_load_explicit(&r->h->if_dropped,
					      memory_order_relaxed);
	return true;
}
