/*
 * BGP tracker fed timestamped TCP segments, built into whole frames and
 * decoded as the agent decodes them. Input:
 *   byte 0            sessions 1 + (b & 3), buffers (b >> 2) & 3
 *   then records of   delta_ms (be16), ctl (u8: bit 0 the side, bits 1-2
 *                     the address pair, bit 3 the client's second port),
 *                     tcp flags (u8), seq offset (be16, signed, from the
 *                     next byte this direction would send), len (be16),
 *                     len bytes of payload (clipped to what is left)
 * Ticks every 100 ms of the packet time given (the last 2 s of a jump).
 * Invariants: the table, index and buffer pool sound; events well
 * formed; every malformed message counted under one reason; messages
 * counted by type add up; per direction no more late than judged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/bgp.h"
#include "tracker_step.h"
#include "floodspot/cursor.h"
#include "floodspot/decode.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t bad;

static void on_event(const struct fs_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->type == FS_EV_SESSION) {
		const struct fs_ev_session *e = &ev->u.session;
		if (e->proto != FS_SESS_BGP || e->from >= FS_BGP_STATES ||
		    e->to >= FS_BGP_STATES || e->from == e->to ||
		    e->up != (e->to == FS_BGP_ESTABLISHED) ||
		    e->down != (e->from == FS_BGP_ESTABLISHED) ||
		    (e->by > 1 && e->by != FS_SESS_BY_WIRE) ||
		    memchr(e->reason, 0, sizeof(e->reason)) == NULL)
			bad++;
	} else if (ev->type == FS_EV_SESSION_LATE) {
		const struct fs_ev_session_late *l = &ev->u.slate;
		if (l->proto != FS_SESS_BGP || l->late_ms > l->gap_ms)
			bad++;
	}
}

struct view_ctx {
	uint32_t n;
};

static void check_view(const struct fs_bgp_session_view *v, void *ctx)
{
	struct view_ctx *c = ctx;
	c->n++;
	if (v->state >= FS_BGP_STATES)
		bad++;
	for (int i = 0; i < 2; i++)
		if (v->side[i].timing->late > v->side[i].timing->judged ||
		    v->side[i].keepalives + v->side[i].updates +
				    v->side[i].notifications >
			    v->side[i].messages)
			bad++;
}

/* One Ethernet/IPv4/TCP frame around the payload. */
static size_t frame(uint8_t *f, const uint8_t *src, const uint8_t *dst,
		    uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags,
		    const uint8_t *pay, size_t len)
{
	memset(f, 0, 54);
	f[5] = dst[3];
	f[11] = src[3];
	f[0] = f[6] = 2;
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	size_t tot = 20 + 20 + len;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 1;
	ip[9] = 6;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	uint8_t *t = ip + 20;
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	t[4] = (uint8_t)(seq >> 24);
	t[5] = (uint8_t)(seq >> 16);
	t[6] = (uint8_t)(seq >> 8);
	t[7] = (uint8_t)seq;
	t[12] = 5 << 4;
	t[13] = flags;
	memcpy(t + 20, pay, len);
	return 54 + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_fuzz_run r;
	if (!fs_fuzz_start(&r, data, size, on_event))
		return 0;
	bad = 0;
	struct fs_bgp_config cfg;
	fs_bgp_config_defaults(&cfg);
	cfg.max_sessions = 1 + (r.sizes & 3);
	cfg.buffers = (r.sizes >> 2) & 3;
	struct fs_bgp *b = fs_bgp_create(&cfg, &r.bus);
	if (!b)
		abort();

	static uint8_t buf[70000];
	/* next sequence number per (pair, side, port) */
	uint32_t next[4][2][2] = { { { 0 } } };
	int64_t t;
	while (r.c.left >= 8) {
		fs_fuzz_delta(&r);
		uint8_t ctl = fs_cursor_u8(&r.c), flags = fs_cursor_u8(&r.c);
		int16_t off = (int16_t)fs_cursor_be16(&r.c);
		struct fs_cursor body =
			fs_fuzz_payload(&r, fs_cursor_be16(&r.c));
		uint32_t len = (uint32_t)body.left;
		while (fs_fuzz_tick_due(&r, &t))
			fs_bgp_tick(b, t);

		int side = ctl & 1, pair = (ctl >> 1) & 3, alt = (ctl >> 3) & 1;
		uint8_t lo[4] = { 10, 0, (uint8_t)pair, 1 };
		uint8_t hi[4] = { 10, 0, (uint8_t)pair, 2 };
		uint16_t client = (uint16_t)(40000 + alt);
		uint32_t *nx = &next[pair][side][alt];
		uint32_t seq = *nx + (uint32_t)(int32_t)off;
		size_t n = side ? frame(buf, hi, lo, 179, client, seq, flags,
					body.pos, len)
				: frame(buf, lo, hi, client, 179, seq, flags,
					body.pos, len);
		*nx = seq + len + ((flags & 0x03) ? 1 : 0);
		struct fs_pkt p;
		fs_fuzz_decode(&r, buf, n, &p);
		fs_bgp_packet(b, &p, buf);
		if (fs_bgp_check(b) != 0)
			abort();
	}
	fs_bgp_tick(b, r.next_tick);
	fs_bgp_tick(b, r.now + 700 * FS_FUZZ_USEC);

	struct view_ctx vc = { 0 };
	fs_bgp_foreach(b, check_view, &vc);
	struct fs_bgp_stats st;
	fs_bgp_stats(b, &st);
	uint64_t by_reason =
		fs_fuzz_sum(st.malformed_by_reason, FS_BGP_R_COUNT);
	uint64_t by_type = fs_fuzz_sum(st.by_type, 6);
	if (bad || vc.n > cfg.max_sessions || fs_bgp_check(b) != 0 ||
	    by_reason != st.malformed || st.malformed_by_reason[0] != 0 ||
	    by_type != st.messages)
		abort();
	if (fs_fuzz_devnull())
		fs_bgp_print_table(b, fs_fuzz_devnull());
	fs_bgp_destroy(b);
	return 0;
}
