/*
 * VRRP/CARP/HSRP tracker fed timestamped adverts, built into whole frames
 * (IP protocol 112 for VRRP and CARP, UDP 1985 for HSRP) and decoded as
 * the agent decodes them. Input:
 *   byte 0            groups 1 + (b & 3)
 *   then records of   delta_ms (be16), ctl (u8: bits 0-2 the sender,
 *                     bit 3 HSRP over UDP, bit 4 VLAN 2), len (u8), len
 *                     bytes of advert (clipped to what is left)
 * Ticks every 100 ms of the packet time given (the last 2 s of a jump).
 * Invariants: the table and index sound; events well formed; refused
 * adverts counted under one reason; no group late more than judged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/cursor.h"
#include "floodspot/decode.h"
#include "floodspot/fhrp.h"
#include "tracker_step.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t bad;

static void on_event(const struct fs_event *ev, void *ctx)
{
	(void)ctx;
	static const uint8_t zero[16];
	if (ev->type == FS_EV_FHRP_MASTER) {
		const struct fs_ev_fhrp_master *m = &ev->u.master;
		bool has_new = memcmp(m->ip, zero, 16) != 0;
		bool has_old = memcmp(m->old_ip, zero, 16) != 0;
		if (m->proto >= FS_FHRP_PROTO_COUNT ||
		    m->cause == FS_FHRP_CAUSE_NONE || m->cause >= FS_FHRP_CAUSES ||
		    (m->cause == FS_FHRP_CAUSE_FIRST && has_old) ||
		    (m->cause == FS_FHRP_CAUSE_LOST && has_new) ||
		    (m->cause == FS_FHRP_CAUSE_PREEMPT && !has_old))
			bad++;
	} else if (ev->type == FS_EV_SESSION_LATE) {
		if (ev->u.slate.proto != FS_SESS_FHRP ||
		    ev->u.slate.late_ms > ev->u.slate.gap_ms)
			bad++;
	}
}

static void check_view(const struct fs_fhrp_group_view *v, void *ctx)
{
	(*(uint32_t *)ctx)++;
	if (v->state >= FS_FHRP_STATES || v->n_speakers > FS_FHRP_SPEAKERS ||
	    v->master >= (int)v->n_speakers ||
	    (v->state != FS_FHRP_NONE && v->master < 0) ||
	    v->late_total > v->judged_total)
		bad++;
}

static size_t frame(uint8_t *f, unsigned host, bool hsrp, uint16_t vlan,
		    const uint8_t *pay, size_t len)
{
	size_t o = 0;
	memset(f, 0, 64);
	f[0] = 1;
	f[2] = 0x5e;
	f[5] = 0x12;
	f[6] = 2;
	f[11] = (uint8_t)host;
	o = 12;
	if (vlan) {
		f[o++] = 0x81;
		f[o++] = 0x00;
		f[o++] = 0;
		f[o++] = (uint8_t)vlan;
	}
	f[o++] = 0x08;
	f[o++] = 0x00;
	uint8_t *ip = f + o;
	ip[0] = 0x45;
	size_t tot = 20 + (hsrp ? 8 : 0) + len;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 255;
	ip[9] = hsrp ? 17 : 112;
	ip[12] = 10;
	ip[15] = (uint8_t)host;
	ip[16] = 224;
	ip[19] = hsrp ? 2 : 18;
	o += 20;
	if (hsrp) {
		f[o] = 0x07;
		f[o + 1] = 0xc1;
		f[o + 2] = 0x07;
		f[o + 3] = 0xc1;
		f[o + 4] = (uint8_t)((8 + len) >> 8);
		f[o + 5] = (uint8_t)(8 + len);
		o += 8;
	}
	memcpy(f + o, pay, len);
	return o + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_fuzz_run r;
	if (!fs_fuzz_start(&r, data, size, on_event))
		return 0;
	bad = 0;
	struct fs_fhrp_config cfg;
	fs_fhrp_config_defaults(&cfg);
	cfg.max_groups = 1 + (r.sizes & 3);
	struct fs_fhrp *f = fs_fhrp_create(&cfg, &r.bus);
	if (!f)
		abort();
	static uint8_t buf[512];
	uint8_t ctl;
	struct fs_cursor body;
	int64_t t;
	while (fs_fuzz_record8(&r, &ctl, &body)) {
		while (fs_fuzz_tick_due(&r, &t))
			fs_fhrp_tick(f, t);
		size_t n = frame(buf, 1 + (ctl & 7), ctl & 8,
				 (ctl & 16) ? 2 : 0, body.pos, body.left);
		struct fs_pkt p;
		fs_fuzz_decode(&r, buf, n, &p);
		fs_fhrp_packet(f, &p, buf);
		if (fs_fhrp_check(f) != 0)
			abort();
	}
	fs_fhrp_tick(f, r.next_tick);
	fs_fhrp_tick(f, r.now + 700 * FS_FUZZ_USEC);
	uint32_t n = 0;
	fs_fhrp_foreach(f, check_view, &n);
	struct fs_fhrp_stats st;
	fs_fhrp_stats(f, &st);
	uint64_t by_reason =
		fs_fuzz_sum(st.malformed_by_reason, FS_FHRP_R_COUNT);
	if (bad || n > cfg.max_groups || fs_fhrp_check(f) != 0 ||
	    by_reason != st.malformed || st.malformed > st.packets)
		abort();
	if (fs_fuzz_devnull())
		fs_fhrp_print_table(f, fs_fuzz_devnull());
	fs_fhrp_destroy(f);
	return 0;
}
