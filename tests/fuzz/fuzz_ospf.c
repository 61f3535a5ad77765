/*
 * OSPF parser and tracker fed timestamped packet sequences. Input:
 *   byte 0            table sizes: routers 1 + (b & 7), pairs 1 + (b >> 3)
 *   then records of   delta_ms (be16), src (u8: bit 7 = IPv6, low bits
 *                     host), dst (u8: 0 = multicast, else host), len (be16),
 *                     len bytes of OSPF (clipped to what is left)
 * Invariants: tables within their capacity, states valid, every malformed
 * packet counted under exactly one reason, events consistent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/cursor.h"
#include "floodspot/ospf.h"

#define USEC 1000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct counts {
	uint32_t routers, pairs;
	uint64_t bad_events;
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct counts *c = ctx;
	if (ev->type == FS_EV_OSPF_ADJACENCY &&
	    (ev->u.adj.from == ev->u.adj.to || ev->u.adj.to > FS_OSPF_FULL ||
	     ev->u.adj.from > FS_OSPF_FULL ||
	     ev->u.adj.router_id == ev->u.adj.neighbor_id))
		c->bad_events++;
	if (ev->type == FS_EV_HELLO_LATE &&
	    ev->u.late.late_ms > ev->u.late.gap_ms)
		c->bad_events++;
}

static void count_router(const struct fs_ospf_router_view *v, void *ctx)
{
	struct counts *c = ctx;
	c->routers++;
	if (v->neighbors_listed > 64 || (v->version != 2 && v->version != 3))
		c->bad_events++;
}

static void count_pair(const struct fs_ospf_adj_view *v, void *ctx)
{
	struct counts *c = ctx;
	c->pairs++;
	if (v->state > FS_OSPF_FULL || v->router_id >= v->neighbor_id)
		c->bad_events++;
}

static void fill_ip(uint8_t ip[16], bool v6, unsigned host, bool mcast)
{
	memset(ip, 0, 16);
	if (v6) {
		ip[0] = mcast ? 0xff : 0xfe;
		ip[1] = mcast ? 0x02 : 0x80;
		ip[15] = mcast ? 5 : (uint8_t)host;
	} else {
		ip[0] = mcast ? 224 : 10;
		ip[3] = mcast ? 5 : (uint8_t)host;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_cursor c = fs_cursor_make(data, size);
	uint8_t sizes = fs_cursor_u8(&c);
	if (c.failed)
		return 0;

	struct counts cnt = { 0, 0, 0 };
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	fs_event_subscribe(&bus, on_event, &cnt);
	struct fs_routers routers;
	fs_routers_init(&routers);
	struct fs_ospf_config cfg;
	fs_ospf_config_defaults(&cfg);
	cfg.max_routers = 1 + (sizes & 7);
	cfg.max_neighbors = 1 + (sizes >> 3);
	cfg.absent_after_s = 5;
	struct fs_ospf *o = fs_ospf_create(&cfg, &bus, &routers);
	if (!o)
		abort();

	int64_t now = 1700000000LL * USEC, next_tick = now + USEC;
	while (c.left >= 6) {
		now += (int64_t)fs_cursor_be16(&c) * 1000;
		uint8_t src = fs_cursor_u8(&c), dst = fs_cursor_u8(&c);
		uint16_t len = fs_cursor_be16(&c);
		if (len > c.left)
			len = (uint16_t)c.left;
		struct fs_cursor body = fs_cursor_sub(&c, len);
		for (; next_tick <= now; next_tick += USEC)
			fs_ospf_tick(o, next_tick);

		bool v6 = src & 0x80;
		struct fs_pkt p;
		memset(&p, 0, sizeof(p));
		p.ts_us = now;
		p.caplen = p.wirelen = len;
		p.has_mac = true;
		p.src_mac[0] = 2;
		p.src_mac[5] = src & 0x7f;
		p.vlan = src & 3;
		p.ip_version = v6 ? 6 : 4;
		p.ip_proto = 89;
		fill_ip(p.src_ip, v6, src & 0x7f, false);
		fill_ip(p.dst_ip, v6, dst, dst == 0);
		p.is_ospf = true;
		p.ospf_version = v6 ? 3 : 2;
		p.l4_len = len;
		fs_ospf_packet(o, &p, body.pos);
		fs_ospf_seen_vlan(o, p.vlan, now);
	}
	fs_ospf_tick(o, next_tick);

	fs_ospf_foreach_router(o, count_router, &cnt);
	fs_ospf_foreach_adjacency(o, count_pair, &cnt);
	struct fs_ospf_stats st;
	fs_ospf_stats(o, &st);
	uint64_t by_reason = 0, by_type = 0;
	for (unsigned i = 0; i < FS_OSPF_MALFORMED_REASONS; i++)
		by_reason += st.malformed_by_reason[i];
	for (unsigned i = 0; i < FS_OSPF_TYPES; i++)
		by_type += st.by_type[i];
	if (cnt.routers > cfg.max_routers || cnt.pairs > cfg.max_neighbors ||
	    fs_ospf_check(o) != 0 ||
	    cnt.bad_events || by_reason != st.malformed ||
	    st.malformed_by_reason[0] != 0 ||
	    by_type + st.malformed != st.packets)
		abort();
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (devnull)
		fs_ospf_print_table(o, devnull);
	fs_ospf_destroy(o);
	return 0;
}
