/*
 * src/capture: the capture source.
 *   capture.c  open, activate, reopen and read a libpcap source; turn
 *              pcap_stats() into cumulative drop counters
 *   batch.c    the frames of one read, copied, with a look ahead
 *   relay.c    the ring a producer fills and the packet path reads
 *   pump.c     the producer: kernel ring -> relay ring, reopen, stats
 *   privsep.c  -Z: the fork, the pump in the parent, its privileges
 *   reader.c   --reader-thread: the pump in a thread of this process
 */
#include "floodspot/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "floodspot/decode.h"

#include "capture_int.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int apply_filter(struct fs_capture *c, char *err, size_t errlen)
{
	if (!c->filter || !*c->filter)
		return 0;
	struct bpf_program prog;
	if (pcap_compile(c->pcap, &prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad filter expression '%s': %s", c->filter,
			 pcap_geterr(c->pcap));
		return -1;
	}
	int rc = pcap_setfilter(c->pcap, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(c->pcap));
		return -1;
	}
	return 0;
}

static int check_linktype(struct fs_capture *c, char *err, size_t errlen)
{
	int dlt = pcap_datalink(c->pcap);
	if (fs_decode_linktype_supported(dlt))
		return 0;
	const char *name = pcap_datalink_val_to_name(dlt);
	snprintf(err, errlen,
		 "%s: unsupported link type %s (%d); supported: EN10MB, "
		 "LINUX_SLL, LINUX_SLL2, RAW, IPV4, IPV6, NULL, LOOP",
		 c->file ? c->file : c->ifname, name ? name : "unknown", dlt);
	return -1;
}

/* Large reads: stdio's 4 KiB default costs a system call every few
 * packets, a third of a replay's time on big frames. */
#define OFFLINE_READ_BUFFER (1 << 20)

static int open_offline(struct fs_capture *c, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	FILE *f;
	if (strcmp(c->file, "-") == 0) {
		/* Standard input, as tcpdump: a copy, so closing the capture
		 * leaves descriptor 0 alone. */
		int fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		f = fd >= 0 ? fdopen(fd, "rb") : NULL;
		if (!f && fd >= 0)
			close(fd);
	} else {
		f = fopen(c->file, "rbe");
	}
	if (!f) {
		snprintf(err, errlen, "%s: %s", c->file, strerror(errno));
		return -1;
	}
	free(c->readbuf);	/* a reopen: the old FILE is closed */
	c->readbuf = malloc(OFFLINE_READ_BUFFER);
	if (c->readbuf)
		setvbuf(f, c->readbuf, _IOFBF, OFFLINE_READ_BUFFER);
	c->pcap = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!c->pcap) {
		fclose(f);	/* libpcap leaves it open on failure */
		snprintf(err, errlen, "%s: %s", c->file, ebuf);
		return -1;
	}
	return 0;
}

static int open_live(struct fs_capture *c, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	c->pcap = pcap_create(c->ifname, ebuf);
	if (!c->pcap) {
		snprintf(err, errlen, "%s: %s", c->ifname, ebuf);
		return -1;
	}
	pcap_set_snaplen(c->pcap, c->cfg.snaplen);
	pcap_set_promisc(c->pcap, 1);
	pcap_set_buffer_size(c->pcap, c->cfg.buffer_kib * 1024);
	/* Deliver each packet at once: timing of hellos matters to the ms. */
	pcap_set_immediate_mode(c->pcap, 1);
	int rc = pcap_activate(c->pcap);
	if (rc < 0) {
		const char *why = pcap_geterr(c->pcap);
		if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			snprintf(err, errlen, "%s: no such capture interface (%s)",
				 c->ifname, why);
		else if (rc == PCAP_ERROR_PERM_DENIED)
			snprintf(err, errlen,
				 "%s: permission denied (run as root or grant "
				 "CAP_NET_RAW): %s", c->ifname, why);
		else
			snprintf(err, errlen, "%s: %s", c->ifname, why);
		pcap_close(c->pcap);
		c->pcap = NULL;
		return -1;
	}
	/* libpcap opens its socket without close-on-exec. */
	int fd = pcap_get_selectable_fd(c->pcap);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (pcap_setnonblock(c->pcap, 1, ebuf) != 0) {
		snprintf(err, errlen, "%s: %s", c->ifname, ebuf);
		pcap_close(c->pcap);
		c->pcap = NULL;
		return -1;
	}
	return 0;
}

static int open_source(struct fs_capture *c, char *err, size_t errlen)
{
	int rc = c->file ? open_offline(c, err, errlen) : open_live(c, err, errlen);
	if (rc == 0 && (check_linktype(c, err, errlen) != 0 ||
			apply_filter(c, err, errlen) != 0)) {
		pcap_close(c->pcap);
		c->pcap = NULL;
		rc = -1;
	}
	return rc;
}

struct fs_capture *fs_capture_new(const struct fs_capture_config *cfg)
{
	struct fs_capture *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cfg = *cfg;
	if (c->cfg.snaplen <= 0)
		c->cfg.snaplen = 262144;
	if (c->cfg.buffer_kib <= 0)
		c->cfg.buffer_kib = 32768;
	c->ifname = dup_or_null(cfg->ifname);
	c->file = dup_or_null(cfg->file);
	c->filter = dup_or_null(cfg->filter);
	return c;
}

struct fs_capture *fs_capture_open(const struct fs_capture_config *cfg,
				   char *err, size_t errlen)
{
	struct fs_capture *c = fs_capture_new(cfg);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (open_source(c, err, errlen) != 0) {
		fs_capture_close(c);
		return NULL;
	}
	return c;
}

void fs_capture_close(struct fs_capture *c)
{
	if (!c)
		return;
	if (c->reader)
		fs_reader_stop(c->reader, c->relay);
	fs_relay_destroy(c->relay);
	if (c->pcap)
		pcap_close(c->pcap);
	free(c->readbuf);	/* after pcap_close has closed the FILE */
	fs_batch_free(&c->batch);
	free(c->ifname);
	free(c->file);
	free(c->filter);
	free(c);
}

int fs_capture_reopen(struct fs_capture *c, char *err, size_t errlen)
{
	if (c->relay)
		return fs_relay_reopen(c, err, errlen);
	if (c->pcap) {
		fs_capture_stats(c, &c->last);
		c->carried = c->last;
		pcap_close(c->pcap);
		c->pcap = NULL;
	}
	return open_source(c, err, errlen);
}

int fs_capture_datalink(const struct fs_capture *c)
{
	if (c->relay)
		return c->relay_dlt;
	return c->pcap ? pcap_datalink(c->pcap) : -1;
}

int fs_capture_fd(const struct fs_capture *c)
{
	if (c->relay)
		return c->relay_gone ? -1 : fs_relay_data_fd(c->relay);
	if (!c->pcap || c->file)
		return -1;
	return pcap_get_selectable_fd(c->pcap);
}

int fs_capture_ctl_fd(const struct fs_capture *c)
{
	return c->relay && !c->relay_gone ? fs_relay_ctl_fd(c->relay) : -1;
}

bool fs_capture_is_live(const struct fs_capture *c)
{
	return c->file == NULL;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct fs_capture *c = (struct fs_capture *)user;
	c->count++;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
	if (c->peek)
		fs_batch_add(c, ts, bytes, h->caplen, h->len);
	else
		c->fn(c->fn_ctx, ts, bytes, h->caplen, h->len);
}

int fs_capture_set_peek(struct fs_capture *c, fs_capture_peek_fn peek,
			void *ctx)
{
	if (c->relay)
		return 0;
	if (peek && !c->batch.arena && fs_batch_init(&c->batch) != 0)
		return -1;
	c->peek = peek;
	c->peek_ctx = ctx;
	return 0;
}

enum fs_capture_result fs_capture_dispatch(struct fs_capture *c, int max,
					   fs_capture_fn fn, void *ctx)
{
	if (!c->pcap && !c->relay) {
		snprintf(c->error, sizeof(c->error), "capture is not open");
		return FS_CAPTURE_ERROR;
	}
	c->fn = fn;
	c->fn_ctx = ctx;
	if (c->relay)
		return fs_relay_dispatch(c, max);
	int n = pcap_dispatch(c->pcap, max > 0 ? max : 4096, on_packet,
			      (u_char *)c);
	if (c->peek)
		fs_batch_flush(c);	/* what came before an error too */
	if (n == PCAP_ERROR) {
		if (c->file)
			snprintf(c->error, sizeof(c->error),
				 "%s: packet %llu: %s", c->file,
				 (unsigned long long)c->count + 1,
				 pcap_geterr(c->pcap));
		else
			snprintf(c->error, sizeof(c->error), "%s: %s",
				 c->ifname, pcap_geterr(c->pcap));
		return FS_CAPTURE_ERROR;
	}
	if (n == 0 && c->file)
		return FS_CAPTURE_EOF;
	return FS_CAPTURE_MORE;
}

uint64_t fs_capture_count(const struct fs_capture *c)
{
	return c->count;
}

const char *fs_capture_error(const struct fs_capture *c)
{
	return c->error;
}

bool fs_capture_stats(struct fs_capture *c, struct fs_capture_stats *st)
{
	struct pcap_stat ps;
	if (c->relay) {
		if (!fs_relay_stats(c->relay, st))
			*st = (struct fs_capture_stats){ 0 };
		return true;
	}
	if (!c->pcap || c->file || pcap_stats(c->pcap, &ps) != 0) {
		*st = c->carried;
		return !c->file;
	}
	/* pcap_stat counters are 32-bit on some platforms and may wrap. */
	st->received = c->carried.received + ps.ps_recv;
	st->dropped = c->carried.dropped + ps.ps_drop;
	st->if_dropped = c->carried.if_dropped + ps.ps_ifdrop;
	return true;
}
