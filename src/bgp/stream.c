/*
 * TCP as far as BGP framing needs it, one direction at a time. Bytes are
 * taken in sequence order only: a retransmission or a mirrored copy of
 * what was seen is passed over, a hole (the capture missed a segment)
 * drops the message in progress and the stream is found again at the
 * next 16-byte marker, as it is when a capture starts mid-session.
 * Whole messages inside one segment are handed on where they lie; only
 * a message split across segments is copied, into a pool buffer (or, when
 * the pool is empty or the message too long, passed over and counted by
 * its header alone).
 */
#include <string.h>

#include "bgp_priv.h"

void fs_bgp_stream_init(struct fs_bgp_stream *st)
{
	memset(st, 0, sizeof(*st));
}

void fs_bgp_stream_release(struct fs_bgp *b, struct fs_bgp_stream *st)
{
	if (st->buf)
		fs_bgp_buf_put(b, st->buf - 1);
	st->buf = 0;
	st->msg_len = 0;
	st->have = 0;
	st->hdr_n = 0;
	st->skip = 0;
}

void fs_bgp_stream_syn(struct fs_bgp_stream *st, uint32_t seq)
{
	st->next_seq = seq + 1;
	st->seq_known = true;
	st->synced = true;
}

/* The message type's least length (RFC 4271 4.2-4.5, RFC 2918 3). */
static uint16_t type_min_len(uint8_t type)
{
	switch (type) {
	case FS_BGP_OPEN: return 29;
	case FS_BGP_UPDATE: return 23;
	case FS_BGP_NOTIFICATION: return 21;
	case FS_BGP_KEEPALIVE: return FS_BGP_HDR_LEN;
	case FS_BGP_ROUTE_REFRESH: return 23;
	default: return 0;
	}
}

/* Could a message start at d? Marker, a length its type allows, and,
 * when the message ends inside these bytes, a marker after it. */
static bool plausible(const uint8_t *d, size_t n)
{
	uint16_t len;
	if (n < FS_BGP_HDR_LEN ||
	    fs_bgp_frame(d, n, &len) != FS_BGP_FRAME_OK)
		return false;
	uint8_t type = d[18];
	uint16_t min = type_min_len(type);
	if (min == 0 || len < min ||
	    (type == FS_BGP_KEEPALIVE && len != FS_BGP_HDR_LEN))
		return false;
	if (len >= n)
		return true;
	size_t after = n - len < 16 ? n - len : 16;
	for (size_t i = 0; i < after; i++)
		if (d[len + i] != 0xff)
			return false;
	return true;
}

/* Offset of the first plausible message start, or n. */
static size_t find_marker(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + FS_BGP_HDR_LEN <= n; i++) {
		const uint8_t *p = memchr(d + i, 0xff, n - i);
		if (!p)
			return n;
		i = (size_t)(p - d);
		if (i + FS_BGP_HDR_LEN > n)
			return n;
		if (plausible(d + i, n - i))
			return i;
	}
	return n;
}

/* A message of len bytes starts with the k bytes at d (k < len). */
static void start_partial(struct fs_bgp *b, struct fs_bgp_stream *st,
			  const uint8_t *d, size_t k, uint16_t len)
{
	uint32_t slot = len <= FS_BGP_MAX_LEN ? fs_bgp_buf_get(b) : FS_HIDX_NONE;
	if (slot != FS_HIDX_NONE) {
		st->buf = slot + 1;
		memcpy(fs_bgp_buf(b, slot), d, k);
		st->have = (uint16_t)k;
		st->msg_len = len;
		return;
	}
	/* Not kept: pass over it, remembering the header for its type. */
	if (len > FS_BGP_MAX_LEN)
		b->st.unparsed_too_long++;
	else
		b->st.unparsed_no_buffer++;
	memcpy(st->hdr, d, FS_BGP_HDR_LEN);
	st->skip = (uint32_t)(len - k);
}

/* The split header is whole: a message starts, or the stream is lost. */
static bool header_done(struct fs_bgp *b, const struct fs_bgp_where *w,
			struct fs_bgp_stream *st)
{
	uint16_t len;
	st->hdr_n = 0;
	if (fs_bgp_frame(st->hdr, FS_BGP_HDR_LEN, &len) != FS_BGP_FRAME_OK) {
		st->synced = false;
		return false;
	}
	if (len == FS_BGP_HDR_LEN)
		fs_bgp_msg(b, w, st->hdr, FS_BGP_HDR_LEN, true);
	else
		start_partial(b, st, st->hdr, FS_BGP_HDR_LEN, len);
	return true;
}

static void stream_data(struct fs_bgp *b, const struct fs_bgp_where *w,
			struct fs_bgp_stream *st, const uint8_t *d, size_t n)
{
	while (n > 0) {
		if (st->skip) {
			size_t k = st->skip < n ? st->skip : n;
			st->skip -= (uint32_t)k;
			d += k;
			n -= k;
			if (!st->skip)
				fs_bgp_msg(b, w, st->hdr, FS_BGP_HDR_LEN, false);
			continue;
		}
		if (st->msg_len) {
			size_t k = (size_t)(st->msg_len - st->have);
			if (k > n)
				k = n;
			memcpy(fs_bgp_buf(b, st->buf - 1) + st->have, d, k);
			st->have = (uint16_t)(st->have + k);
			d += k;
			n -= k;
			if (st->have == st->msg_len) {
				uint32_t slot = st->buf - 1;
				uint16_t len = st->msg_len;
				st->buf = 0;
				st->msg_len = st->have = 0;
				fs_bgp_msg(b, w, fs_bgp_buf(b, slot), len, true);
				fs_bgp_buf_put(b, slot);
			}
			continue;
		}
		if (st->hdr_n) {
			size_t k = (size_t)(FS_BGP_HDR_LEN - st->hdr_n);
			if (k > n)
				k = n;
			memcpy(st->hdr + st->hdr_n, d, k);
			st->hdr_n = (uint8_t)(st->hdr_n + k);
			d += k;
			n -= k;
			if (st->hdr_n == FS_BGP_HDR_LEN)
				header_done(b, w, st);
			continue;
		}
		if (!st->synced) {
			size_t k = find_marker(d, n);
			b->st.resync_bytes += k;
			d += k;
			n -= k;
			if (n == 0)
				return;
			st->synced = true;
			b->st.resyncs++;
		}
		uint16_t len = 0;
		switch (fs_bgp_frame(d, n, &len)) {
		case FS_BGP_FRAME_NEED_MORE:
			memcpy(st->hdr, d, n);
			st->hdr_n = (uint8_t)n;
			return;
		case FS_BGP_FRAME_OK:
			break;
		default:
			/* Lost: a marker broken or a length below the
			 * header. Look for the next message. */
			st->synced = false;
			continue;
		}
		if (len <= n) {
			fs_bgp_msg(b, w, d, len, true);
			d += len;
			n -= len;
			continue;
		}
		start_partial(b, st, d, n, len);
		return;
	}
}

void fs_bgp_stream_segment(struct fs_bgp *b, const struct fs_bgp_where *w,
			   uint32_t seq, const uint8_t *d, uint32_t n)
{
	struct fs_bgp_stream *st = &w->c->st[w->side];
	if (st->seq_known && seq == st->last_seq && n == st->last_len &&
	    w->ts - st->last_ts < FS_BGP_COPY_US && w->ts >= st->last_ts) {
		b->st.copies++;
		return;
	}
	st->last_seq = seq;
	st->last_len = n;
	st->last_ts = w->ts;
	if (!st->seq_known) {
		/* Picked up mid-stream: find the first message. */
		st->seq_known = true;
		st->next_seq = seq;
		st->synced = false;
	}
	int32_t off = (int32_t)(seq - st->next_seq);
	if (off > 0) {
		b->st.holes++;
		b->st.hole_bytes += (uint32_t)off;
		fs_bgp_stream_release(b, st);
		st->synced = false;
		st->next_seq = seq;
	} else if (off < 0) {
		uint32_t seen = (uint32_t)-(int64_t)off;
		b->st.retransmits++;
		if (seen >= n)
			return;
		d += seen;
		n -= seen;
	}
	st->next_seq += n;
	stream_data(b, w, st, d, n);
}
