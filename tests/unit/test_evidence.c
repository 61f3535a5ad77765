/*
 * Evidence pcaps, read back with libpcap: the flooder's frames from 3 s
 * before its onset to 3 s after the alert, the VLAN's routing frames, no
 * one else's; the per-source budget; the ring's bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "floodspot/evidence.h"

#define S 1000000LL
#define MS 1000LL
#define T0 (1768471200LL * S)

static const uint8_t FLOODER[6] = { 0x02, 0, 0x0a, 0, 0, 0x0d };
static const uint8_t OTHER[6] = { 0x02, 0, 0x0a, 0, 0, 0x1c };
static const uint8_t ROUTER[6] = { 0x02, 0, 0x0a, 0, 0, 0x01 };

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/fs-evidence-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A 60-byte frame from src; the first byte of the payload is a tag. */
static void frame(struct fs_evidence *ev, const uint8_t src[6], int64_t ts,
		  uint32_t classes, bool ospf, bool hot, uint8_t len)
{
	uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	struct fs_pkt p;
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.caplen = len;
	p.wirelen = 60;
	p.has_mac = true;
	memcpy(p.src_mac, src, 6);
	p.vlan = 10;
	p.classes = classes;
	p.is_ospf = ospf;
	fs_evidence_frame(ev, &p, f, hot);
}

struct readback {
	unsigned frames, from_flooder, from_router, from_other;
	int64_t first, last;
};

static void read_back(const char *path, struct readback *r)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	if (!p)
		fail_msg("%s: %s", path, err);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const u_char *d;
	memset(r, 0, sizeof(*r));
	while (pcap_next_ex(p, &h, &d) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * S + h->ts.tv_usec;
		if (!r->frames)
			r->first = ts;
		r->last = ts;
		r->frames++;
		assert_true(h->caplen <= FS_EVIDENCE_SNAP && h->len == 60);
		if (!memcmp(d + 6, FLOODER, 6))
			r->from_flooder++;
		else if (!memcmp(d + 6, ROUTER, 6))
			r->from_router++;
		else
			r->from_other++;
	}
	pcap_close(p);
}

static void test_flood_file(void **state)
{
	(void)state;
	struct fs_evidence_config cfg = { .dir = dir, .dlt = DLT_EN10MB,
					  .wait_when_full = true };
	char err[256];
	struct fs_evidence *ev = fs_evidence_create(&cfg, err, sizeof(err));
	if (!ev)
		fail_msg("%s", err);
	const uint32_t ctrl = 1u << FS_CLASS_BROADCAST | 1u << FS_CLASS_ARP;
	int64_t onset = T0 + 20 * S, alert = onset + 400 * MS;
	char name[256] = "";
	bool asked = false;
	/* 40 s: the flooder ARPs once a second, then floods at 2,000 pps
	 * from the onset; another host ARPs too; a router's hello each s. */
	for (int64_t t = T0; t < T0 + 40 * S; t += 500) {
		if (t % S == 0) {
			frame(ev, FLOODER, t, ctrl, false, false, 60);
			frame(ev, OTHER, t + 1, ctrl, false, false, 60);
			frame(ev, ROUTER, t + 2, 0, true, false, 60);
		}
		bool hot = t >= onset;
		if (hot)
			frame(ev, FLOODER, t + 3, ctrl, false, true, 42);
		if ((t - T0) % (100 * MS) == 0 && t > T0) {
			fs_evidence_tick(ev, t);
			if (!asked && t >= alert) {
				asked = fs_evidence_request(ev, 10, FLOODER, "flood",
							    onset, t, name, sizeof(name));
				assert_true(asked);
				char again[256];
				assert_true(fs_evidence_request(ev, 10, FLOODER, "flood",
								onset, t, again,
								sizeof(again)));
				assert_string_equal(again, name);
			}
		}
	}
	struct fs_evidence_stats st;
	fs_evidence_stats(ev, &st);
	/* Past the budget of 100 frames a slice: 2,000 pps is 200 a slice. */
	assert_true(st.frames_over_budget > 0);
	fs_evidence_destroy(ev, T0 + 40 * S);
	assert_non_null(strstr(name, "20260115T100020.400Z-02000a00000d-vlan10-flood.pcap"));
	struct readback r;
	read_back(name, &r);
	/* From 3 s before the onset to 3 s after the alert. */
	assert_true(r.first >= onset - 3 * S && r.first < onset - 2 * S);
	/* the last slice kept its first 100 frames: its first 50 ms */
	assert_true(r.last <= alert + 3 * S && r.last > alert + 3 * S - 100 * MS);
	assert_int_equal(r.from_other, 0);
	/* Hellos each second of the 6.4 s, ARPs each second, the flood at
	 * its budget (1,000 a second) for the 3.4 s from onset to the end. */
	assert_in_range(r.from_router, 6, 7);
	assert_in_range(r.from_flooder, 3400 + 6 - 10, 3400 + 6 + 10);
	assert_int_equal(r.frames, r.from_flooder + r.from_router);
}

/* The ring is bounded: old frames go, the bound holds, a request for
 * frames long gone gives a file with what is left. */
static void test_ring_bound(void **state)
{
	(void)state;
	struct fs_evidence_config cfg = { .dir = dir, .dlt = DLT_EN10MB,
					  .ring_bytes = 64 * 1024,
					  .wait_when_full = true };
	char err[256];
	struct fs_evidence *ev = fs_evidence_create(&cfg, err, sizeof(err));
	assert_non_null(ev);
	assert_int_equal(fs_evidence_memory(&cfg) - 64 * 1024,
			 fs_evidence_memory(&(struct fs_evidence_config){
				 .ring_bytes = 1 }) - 1);
	int64_t t = T0;
	for (int i = 0; i < 20000; i++, t += 10 * MS) {
		frame(ev, FLOODER, t, 1u << FS_CLASS_ARP, false, true,
		      (uint8_t)(14 + i % 46));
		if (i % 10 == 9)
			fs_evidence_tick(ev, t);
	}
	struct fs_evidence_stats st;
	fs_evidence_stats(ev, &st);
	assert_int_equal(st.frames_kept, 20000);
	/* 64 KiB of records of 48 to 96 bytes: about the last 1,000. */
	assert_true(st.oldest_us > t - 15 * S && st.oldest_us < t - 5 * S);
	char name[256];
	assert_true(fs_evidence_request(ev, 10, FLOODER, "culprit", T0 + 10 * S, t,
					name, sizeof(name)));
	fs_evidence_destroy(ev, t);
	struct readback r;
	read_back(name, &r);
	assert_true(r.frames > 500 && r.frames < 1500);
	assert_true(r.first >= st.oldest_us);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_file),
		cmocka_unit_test(test_ring_bound),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
