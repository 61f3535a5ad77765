/*
 * BFD tracker fed timestamped control packets, built into whole UDP
 * frames and decoded as the agent decodes them. Input:
 *   byte 0            sessions 1 + (b & 3)
 *   then records of   delta_ms (be16), ctl (u8: bit 0 the sender, bits
 *                     1-2 the address pair, bit 3 multihop port 4784),
 *                     len (u8), len bytes of BFD (clipped to what is left)
 * Ticks every 100 ms of the packet time given (the last 2 s of a jump).
 * Invariants: the table and index sound; events well formed; every
 * refused packet counted under one reason; no end late more than judged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/bfd.h"
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
		if (e->proto != FS_SESS_BFD || e->from >= FS_BFD_END_STATES ||
		    e->to >= FS_BFD_END_STATES || e->from == e->to ||
		    (e->up && e->down) ||
		    (e->by > 1 && e->by != FS_SESS_BY_WIRE) ||
		    memchr(e->reason, 0, sizeof(e->reason)) == NULL)
			bad++;
	} else if (ev->type == FS_EV_SESSION_LATE) {
		if (ev->u.slate.proto != FS_SESS_BFD ||
		    ev->u.slate.late_ms > ev->u.slate.gap_ms)
			bad++;
	}
}

static void check_view(const struct fs_bfd_session_view *v, void *ctx)
{
	(*(uint32_t *)ctx)++;
	for (int i = 0; i < 2; i++)
		if (v->end[i].state >= FS_BFD_END_STATES ||
		    v->end[i].late_total > v->end[i].judged_total ||
		    v->end[i].timing->late > v->end[i].timing->judged)
			bad++;
	if (v->up && v->end[0].state != FS_BFD_UP &&
	    v->end[1].state != FS_BFD_UP)
		bad++;
}

static size_t frame(uint8_t *f, const uint8_t *src, const uint8_t *dst,
		    uint16_t dport, const uint8_t *pay, size_t len)
{
	memset(f, 0, 42);
	f[0] = f[6] = 2;
	f[5] = dst[3];
	f[11] = src[3];
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	size_t tot = 20 + 8 + len;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 255;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	uint8_t *u = ip + 20;
	u[0] = 0xc0;
	u[1] = 0x00;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + len) >> 8);
	u[5] = (uint8_t)(8 + len);
	memcpy(u + 8, pay, len);
	return 42 + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_fuzz_run r;
	if (!fs_fuzz_start(&r, data, size, on_event))
		return 0;
	bad = 0;
	struct fs_bfd_config cfg;
	fs_bfd_config_defaults(&cfg);
	cfg.max_sessions = 1 + (r.sizes & 3);
	struct fs_bfd *b = fs_bfd_create(&cfg, &r.bus);
	if (!b)
		abort();
	static uint8_t buf[512];
	uint8_t ctl;
	struct fs_cursor body;
	int64_t t;
	while (fs_fuzz_record8(&r, &ctl, &body)) {
		while (fs_fuzz_tick_due(&r, &t))
			fs_bfd_tick(b, t);
		int pair = (ctl >> 1) & 3;
		uint8_t lo[4] = { 10, 0, (uint8_t)pair, 1 };
		uint8_t hi[4] = { 10, 0, (uint8_t)pair, 2 };
		uint16_t port = (ctl & 8) ? 4784 : 3784;
		size_t len = body.left;
		size_t n = (ctl & 1) ? frame(buf, hi, lo, port, body.pos, len)
				     : frame(buf, lo, hi, port, body.pos, len);
		struct fs_pkt p;
		fs_fuzz_decode(&r, buf, n, &p);
		fs_bfd_packet(b, &p, buf);
		if (fs_bfd_check(b) != 0)
			abort();
	}
	fs_bfd_tick(b, r.next_tick);
	fs_bfd_tick(b, r.now + 700 * FS_FUZZ_USEC);
	uint32_t n = 0;
	fs_bfd_foreach(b, check_view, &n);
	struct fs_bfd_stats st;
	fs_bfd_stats(b, &st);
	uint64_t by_reason =
		fs_fuzz_sum(st.malformed_by_reason, FS_BFD_R_COUNT);
	if (bad || n > cfg.max_sessions || fs_bfd_check(b) != 0 ||
	    by_reason != st.malformed || st.malformed > st.packets)
		abort();
	if (fs_fuzz_devnull())
		fs_bfd_print_table(b, fs_fuzz_devnull());
	fs_bfd_destroy(b);
	return 0;
}
