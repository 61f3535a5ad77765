/*
 * Replays a capture through decode, the OSPF tracker and the router set,
 * as the agent does, and prints one line per event with the 1-based frame
 * number that caused it, then the final routers, pairs and counters.
 * Used by test_shared_captures.py. Frame Relay (not a decode link type)
 * is unwrapped here to raw IP so the packetlife NBMA capture can be read.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/clock.h"
#include "floodspot/decode.h"
#include "floodspot/event.h"
#include "floodspot/fmt.h"
#include "floodspot/ospf.h"
#include "floodspot/routers.h"

#define USEC 1000000LL

struct replay {
	struct fs_ospf *ospf;
	struct fs_routers *routers;
	int dlt;
	uint64_t frame;
	int64_t t0;
	bool dlci_vlan;
	uint64_t non_router;
	uint64_t late;
};

static double rel(const struct replay *r, int64_t ts)
{
	return (double)(ts - r->t0) / 1e6;
}

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct replay *r = ctx;
	char a[16], b[16], c[16], d[16], ip[FS_IP_STRLEN];
	switch (ev->type) {
	case FS_EV_OSPF_ROUTER: {
		const struct fs_ev_ospf_router *e = &ev->u.router;
		printf("frame=%" PRIu64 " t=%.3f ev=ospf_router rid=%s v%u "
		       "vlan=%u ip=%s area=%s hello=%u dead=%u prio=%u dr=%s "
		       "bdr=%s\n",
		       r->frame, rel(r, ev->ts_us), fs_fmt_id(a, e->router_id),
		       e->version, e->vlan, fs_fmt_ip(ip, e->ip_version, e->ip),
		       fs_fmt_id(b, e->area), e->hello_interval_s,
		       e->dead_interval_s, e->priority, fs_fmt_id(c, e->dr),
		       fs_fmt_id(d, e->bdr));
		break;
	}
	case FS_EV_OSPF_ADJACENCY: {
		const struct fs_ev_ospf_adjacency *e = &ev->u.adj;
		printf("frame=%" PRIu64 " t=%.3f ev=adj rid=%s nbr=%s vlan=%u "
		       "area=%s from=%s to=%s reason=\"%s\"\n",
		       r->frame, rel(r, ev->ts_us), fs_fmt_id(a, e->router_id),
		       fs_fmt_id(b, e->neighbor_id), e->vlan,
		       fs_fmt_id(c, e->area), fs_ospf_state_name(e->from),
		       fs_ospf_state_name(e->to), e->reason);
		break;
	}
	case FS_EV_HELLO_LATE: {
		const struct fs_ev_hello_late *e = &ev->u.late;
		r->late++;
		printf("frame=%" PRIu64 " t=%.3f ev=hello_late rid=%s vlan=%u "
		       "interval_ms=%u gap_ms=%u late_ms=%u silent=%d\n",
		       r->frame, rel(r, ev->ts_us), fs_fmt_id(a, e->router_id),
		       e->vlan, e->hello_interval_ms, e->gap_ms, e->late_ms,
		       e->silent);
		break;
	}
	case FS_EV_OSPF_ABSENT:
		printf("frame=%" PRIu64 " t=%.3f ev=ospf_absent vlan=%u "
		       "seconds=%u\n",
		       r->frame, rel(r, ev->ts_us), ev->u.absent.vlan,
		       ev->u.absent.seconds);
		break;
	default:
		break;
	}
}

static void on_tick(int64_t slice, void *ctx)
{
	struct replay *r = ctx;
	fs_ospf_tick(r->ospf, slice + FS_CLOCK_SLICE_US);
}


static void print_router(const struct fs_ospf_router_view *v, void *ctx)
{
	(void)ctx;
	char a[16], b[16], c[16], d[16], m[16], ip[FS_IP_STRLEN];
	printf("router rid=%s v%u vlan=%u ip=%s area=%s mask=%s hello=%u "
	       "dead=%u prio=%u dr=%s bdr=%s alive=%d confirmed=%d "
	       "gap_max_ms=%u lsus=%" PRIu64 " retx=%" PRIu64 " nbrs=",
	       fs_fmt_id(a, v->router_id), v->version, v->vlan,
	       v->ip_version ? fs_fmt_ip(ip, v->ip_version, v->ip) : "-",
	       fs_fmt_id(b, v->area), fs_fmt_id(m, v->netmask),
	       v->hello_interval_s, v->dead_interval_s, v->priority,
	       fs_fmt_id(c, v->dr), fs_fmt_id(d, v->bdr), v->alive,
	       v->confirmed, v->gap_max_ms, v->lsus, v->lsa_retransmits);
	for (uint32_t i = 0; i < v->neighbors_listed; i++)
		printf("%s%s", i ? "," : "", fs_fmt_id(a, v->neighbor_ids[i]));
	printf("\n");
}

static void print_adj(const struct fs_ospf_adj_view *v, void *ctx)
{
	(void)ctx;
	char a[16], b[16], c[16];
	printf("adj rid=%s nbr=%s vlan=%u area=%s state=%s should_be_full=%d\n",
	       fs_fmt_id(a, v->router_id), fs_fmt_id(b, v->neighbor_id),
	       v->vlan, fs_fmt_id(c, v->area), fs_ospf_state_name(v->state),
	       v->should_be_full);
}

/* Frame Relay: Q.922 address, then Cisco ethertype or IETF UI + NLPID. */
static bool unwrap_frelay(const uint8_t **data, uint32_t *caplen,
			  uint32_t *wirelen, uint16_t *dlci)
{
	const uint8_t *b = *data;
	if (*caplen < 4)
		return false;
	bool cisco = (b[2] == 0x08 && b[3] == 0x00) ||
		     (b[2] == 0x86 && b[3] == 0xdd);
	bool ietf = b[2] == 0x03 && (b[3] == 0xcc || b[3] == 0x8e);
	if (!cisco && !ietf)
		return false;
	*dlci = (uint16_t)((b[0] >> 2) << 4 | b[1] >> 4);
	*data = b + 4;
	*caplen -= 4;
	*wirelen = *wirelen >= 4 ? *wirelen - 4 : 0;
	return true;
}

/* A frame at its packet time, as the clock releases it. */
static void on_frame(void *ctx, int64_t ts, const uint8_t *data,
		     uint32_t caplen, uint32_t wirelen)
{
	struct replay *r = ctx;
	/* Counted as released: a frame the clock holds back (a jump waiting
	 * for confirmation) keeps its own number. */
	r->frame++;
	int use_dlt = r->dlt;
	uint16_t dlci = 0;
	if (r->dlt == DLT_FRELAY) {
		if (!unwrap_frelay(&data, &caplen, &wirelen, &dlci))
			return;
		use_dlt = DLT_RAW;
	}
	struct fs_pkt p;
	fs_decode(use_dlt, data, caplen, wirelen, ts, &p);
	if (r->dlci_vlan)
		p.vlan = dlci;
	if (p.is_ospf)
		fs_ospf_packet(r->ospf, &p, data);
	fs_ospf_seen_esp(r->ospf, &p);
	fs_ospf_seen_vlan(r->ospf, p.vlan, ts);
	fs_routers_classify(r->routers, &p);
	if (p.classes & FS_CLASS_BIT(FS_CLASS_OSPF_NON_ROUTER))
		r->non_router++;
}

int main(int argc, char **argv)
{
	struct replay r = { 0 };
	bool table = false;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--table") == 0)
			table = true;
		else if (strcmp(argv[i], "--dlci-vlan") == 0)
			r.dlci_vlan = true;
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: ospf_replay [--table] [--dlci-vlan] FILE\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!pc) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	r.dlt = pcap_datalink(pc);

	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	fs_event_subscribe(&bus, on_event, &r);
	struct fs_routers routers;
	fs_routers_init(&routers);
	struct fs_ospf_config cfg;
	fs_ospf_config_defaults(&cfg);
	r.routers = &routers;
	r.ospf = fs_ospf_create(&cfg, &bus, &routers);
	if (!r.ospf) {
		fprintf(stderr, "fs_ospf_create failed\n");
		return 1;
	}
	struct fs_clock clock;
	if (fs_clock_init(&clock, 0, false, on_tick, on_frame, &r) != 0) {
		fprintf(stderr, "fs_clock_init failed\n");
		return 1;
	}

	struct pcap_pkthdr *h;
	const uint8_t *data;
	int rc;
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * USEC + h->ts.tv_usec;
		if (r.t0 == 0)
			r.t0 = ts;
		fs_clock_packet(&clock, ts, data, h->caplen, h->len);
	}
	if (rc == -1)
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(pc));
	fs_clock_flush(&clock);
	r.frame++;	/* ticks after the last frame belong to no frame */
	fs_clock_fini(&clock);

	fs_ospf_foreach_router(r.ospf, print_router, NULL);
	fs_ospf_foreach_adjacency(r.ospf, print_adj, NULL);
	struct fs_ospf_stats st;
	fs_ospf_stats(r.ospf, &st);
	printf("stats packets=%" PRIu64 " hello=%" PRIu64 " dbd=%" PRIu64
	       " lsr=%" PRIu64 " lsu=%" PRIu64 " ack=%" PRIu64
	       " lsas=%" PRIu64 " malformed=%" PRIu64 " table_full=%" PRIu64
	       " ospf_non_router=%" PRIu64 " late=%" PRIu64 "\n",
	       st.packets, st.by_type[1], st.by_type[2], st.by_type[3],
	       st.by_type[4], st.by_type[5], st.lsas, st.malformed,
	       st.dropped_table_full, r.non_router, r.late);
	for (unsigned i = 0; i < FS_OSPF_MALFORMED_REASONS; i++)
		if (st.malformed_by_reason[i])
			printf("malformed %s=%" PRIu64 "\n",
			       fs_ospf_malformed_name(i),
			       st.malformed_by_reason[i]);
	if (table)
		fs_ospf_print_table(r.ospf, stdout);
	fs_ospf_destroy(r.ospf);
	pcap_close(pc);
	return 0;
}
