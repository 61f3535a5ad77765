/* Private to src/capture: the handle, the relay ring and its producer
 * (relay.c, pump.c; privsep.c and reader.c run the producer). */
#ifndef FS_CAPTURE_INT_H
#define FS_CAPTURE_INT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "floodspot/capture.h"

struct fs_relay;

/* Frames of one dispatch call, copied so the consumer can peek ahead
 * (batch.c). Minimum-size frames fill FS_BATCH_FRAMES first. */
#define FS_BATCH_FRAMES 64
#define FS_BATCH_ARENA (64 * 1024)

struct fs_batch_frame {
	int64_t ts_us;
	uint32_t off, caplen, wirelen;
};

struct fs_batch {
	uint8_t *arena;
	uint32_t n, used;
	struct fs_batch_frame frame[FS_BATCH_FRAMES];
};

struct fs_capture {
	struct fs_capture_config cfg;
	char *ifname, *file, *filter;
	pcap_t *pcap;
	uint64_t count;
	char error[PCAP_ERRBUF_SIZE + 128];
	/* pcap_stats restarts at zero on reopen; keep what earlier handles saw. */
	struct fs_capture_stats carried, last;
	fs_capture_fn fn;
	void *fn_ctx;
	fs_capture_peek_fn peek;	/* NULL: frames go straight to fn */
	void *peek_ctx;
	struct fs_batch batch;
	char *readbuf;		/* stdio buffer of an offline file */
	/* -Z live, in the worker: packets come from the privileged parent
	 * through this ring; pcap is NULL. */
	struct fs_relay *relay;
	int relay_dlt;
	bool relay_gone;	/* the parent exited: nothing will come */
	/* --reader-thread: the thread filling the relay, in this process. */
	struct fs_reader *reader;
};

/* batch.c */
int fs_batch_init(struct fs_batch *b);
void fs_batch_free(struct fs_batch *b);
/* Queues a frame (delivering the batch first when it is full). */
void fs_batch_add(struct fs_capture *c, int64_t ts_us, const uint8_t *frame,
		  uint32_t caplen, uint32_t wirelen);
/* Delivers the queued frames in order, peeking ahead. */
void fs_batch_flush(struct fs_capture *c);

/*
 * pump.c: the relay's producer, in the -Z parent or the reader thread:
 * kernel ring -> relay ring, reopen on request, stats every 100 ms.
 */
struct fs_pump {
	struct fs_relay *r;
	struct fs_capture *cap;
	bool up;		/* the capture is open and read */
	bool full;		/* the ring had no room: wait for ROOM */
	bool down_pending;	/* a DOWN record waits for room */
	char down[PCAP_ERRBUF_SIZE + 128];
	/* the frame that did not fit when the ring filled */
	uint8_t *held;
	uint32_t held_cap, held_len, held_wire;
	int64_t held_ts;
	bool have_held;
	/* -Z parent: its signals (signalfd) passed on by on_signal, and the
	 * worker's pidfd, readable when it exits; -1 when unused. */
	int sfd, end_fd;
	void (*on_signal)(struct fs_pump *p, int signo);
	int worker;		/* -Z: the worker's pid */
};
/* 0, or -1 without memory; up when cap is given. */
int fs_pump_init(struct fs_pump *p, struct fs_relay *r, struct fs_capture *cap,
		 int snaplen);
void fs_pump_fini(struct fs_pump *p);
void fs_pump_publish_stats(struct fs_pump *p);
/* Runs until the consumer closes its end (or end_fd is readable). */
void fs_pump_run(struct fs_pump *p);

/* reader.c: the thread running the pump of an in-process relay. */
struct fs_reader;
/* Ends the thread (hanging up consumer's end) and frees its half. */
void fs_reader_stop(struct fs_reader *rd, struct fs_relay *consumer);

/* capture.c: a handle that is not open yet (the relay's worker side). */
struct fs_capture *fs_capture_new(const struct fs_capture_config *cfg);

/*
 * The relay (relay.c): a ring in memory shared by the parent (producer,
 * the only process with the capture socket) and the worker (consumer),
 * an eventfd that is readable while the ring holds packets, and a
 * SOCK_SEQPACKET pair for requests (reopen) and replies.
 */
struct fs_relay *fs_relay_create(uint32_t ring_bytes);
/* After fork: each side closes the other's descriptors. */
void fs_relay_be_parent(struct fs_relay *r);
void fs_relay_be_worker(struct fs_relay *r);
/* One process, two threads: r becomes the consumer's handle and the
 * producer's is returned (sharing the ring; destroyed first). */
struct fs_relay *fs_relay_split(struct fs_relay *r);
void fs_relay_destroy(struct fs_relay *r);
/* Descriptors a side keeps open (for the close-everything-else step). */
int fs_relay_fds(const struct fs_relay *r, int *fds, int max);

/* Parent side. */
int fs_relay_ctl_fd(const struct fs_relay *r);
/* Copies one packet into the ring; false when it has no room. */
bool fs_relay_put(struct fs_relay *r, int64_t ts_us, const uint8_t *frame,
		  uint32_t caplen, uint32_t wirelen);
/* The capture failed: why, in order with the packets. */
bool fs_relay_put_down(struct fs_relay *r, const char *why);
/* Tells the worker the ring has new records (after a batch). */
void fs_relay_publish(struct fs_relay *r);
/* The parent waits for room: the worker sends a note when it frees some. */
void fs_relay_want_room(struct fs_relay *r, bool want);
void fs_relay_set_stats(struct fs_relay *r, const struct fs_capture_stats *st);

/* Messages on the control pair. */
enum fs_relay_msg {
	FS_RELAY_OPENED = 1,	/* parent: open or reopen worked; dlt */
	FS_RELAY_FAILED,	/* parent: it did not; text */
	FS_RELAY_REOPEN,	/* worker: open the capture again */
	FS_RELAY_ROOM,		/* worker: room freed while the parent waited */
};
struct fs_relay_ctl {
	uint32_t type;
	int32_t dlt;
	char text[PCAP_ERRBUF_SIZE + 128];
};
int fs_relay_send(struct fs_relay *r, const struct fs_relay_ctl *m);
/* One message; 1 got, 0 none within timeout_ms, -1 the peer is gone. */
int fs_relay_recv(struct fs_relay *r, struct fs_relay_ctl *m, int timeout_ms);

/* Worker side: the capture.c backend. */
int fs_relay_data_fd(const struct fs_relay *r);
enum fs_capture_result fs_relay_dispatch(struct fs_capture *c, int max);
int fs_relay_reopen(struct fs_capture *c, char *err, size_t errlen);
bool fs_relay_stats(const struct fs_relay *r, struct fs_capture_stats *st);

#endif
