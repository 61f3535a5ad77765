/*
 * Prints the routing messages of a capture as JSON lines, for the corpus
 * test to hold against SOURCES.md: every frame decode recognises as BGP,
 * BFD, VRRP, CARP or HSRP is parsed with the public parsers (BGP message
 * by message within each TCP segment: no reassembly here, a message cut
 * at a segment's end is reported as "partial"). UPDATE prefixes carry
 * ADD-PATH identifiers when the two OPENs of the session said so (RFC
 * 7911 4), and are guessed when they were not both seen.
 *
 *   route_dump FILE
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "floodspot/bfd_msg.h"
#include "floodspot/bgp_msg.h"
#include "floodspot/decode.h"
#include "floodspot/fhrp_msg.h"
#include "floodspot/fmt.h"

/* ADD-PATH for IPv4 unicast as each speaker's OPEN announced it. */
struct speaker {
	uint8_t ip[16], peer[16];
	uint16_t port, peer_port;
	uint8_t mode;		/* FS_BGP_ADD_PATH_* */
};

#define SPEAKERS 64

struct ctx {
	int dlt;
	uint64_t n;
	struct speaker sp[SPEAKERS];
	unsigned n_sp;
};

static struct speaker *speaker_find(struct ctx *c, const uint8_t *ip,
				    uint16_t port, const uint8_t *peer,
				    uint16_t peer_port)
{
	for (unsigned i = 0; i < c->n_sp; i++) {
		struct speaker *s = &c->sp[i];
		if (s->port == port && s->peer_port == peer_port &&
		    memcmp(s->ip, ip, 16) == 0 && memcmp(s->peer, peer, 16) == 0)
			return s;
	}
	return NULL;
}

static void speaker_open(struct ctx *c, const struct fs_pkt *p, uint8_t mode)
{
	struct speaker *s = speaker_find(c, p->src_ip, p->src_port, p->dst_ip,
					 p->dst_port);
	if (!s && c->n_sp < SPEAKERS) {
		s = &c->sp[c->n_sp++];
		memcpy(s->ip, p->src_ip, 16);
		memcpy(s->peer, p->dst_ip, 16);
		s->port = p->src_port;
		s->peer_port = p->dst_port;
	}
	if (s)
		s->mode = mode;
}

static enum fs_bgp_add_path paths_of(struct ctx *c, const struct fs_pkt *p)
{
	const struct speaker *tx = speaker_find(c, p->src_ip, p->src_port,
						p->dst_ip, p->dst_port);
	const struct speaker *rx = speaker_find(c, p->dst_ip, p->dst_port,
						p->src_ip, p->src_port);
	if (!tx || !rx)
		return FS_BGP_PATHS_GUESS;
	return (tx->mode & FS_BGP_ADD_PATH_SEND) &&
			       (rx->mode & FS_BGP_ADD_PATH_RECEIVE)
		       ? FS_BGP_PATHS_YES
		       : FS_BGP_PATHS_NO;
}

static void addrs(const struct fs_pkt *p)
{
	char s[FS_IP_STRLEN], d[FS_IP_STRLEN];
	fs_fmt_ip(s, p->ip_version, p->src_ip);
	fs_fmt_ip(d, p->ip_version, p->dst_ip);
	printf("\"src\":\"%s\",\"dst\":\"%s\",\"sport\":%u,\"dport\":%u,"
	       "\"vlan\":%u,\"mirror\":\"%s\"",
	       s, d, p->src_port, p->dst_port, p->vlan,
	       fs_mirror_kind_name(p->mirror));
}

static void head(const struct ctx *c, const struct fs_pkt *p,
		 const char *proto)
{
	printf("{\"n\":%" PRIu64 ",\"ts_us\":%" PRId64 ",\"proto\":\"%s\",",
	       c->n, p->ts_us, proto);
	addrs(p);
}

static void bgp_one(const struct fs_bgp_msg *m)
{
	char b1[FS_BGP_NAME_BUF], b2[FS_BGP_NAME_BUF];
	printf(",\"type\":\"%s\",\"reason\":\"%s\",\"length\":%u",
	       fs_bgp_type_name(m->type, b1),
	       fs_bgp_reason_name((enum fs_bgp_reason)m->reason), m->length);
	switch (m->type) {
	case FS_BGP_OPEN: {
		const struct fs_bgp_open *o = &m->open;
		char id[FS_IP_STRLEN];
		uint8_t a[4] = { o->bgp_id >> 24, o->bgp_id >> 16 & 0xff,
				 o->bgp_id >> 8 & 0xff, o->bgp_id & 0xff };
		fs_fmt_ip(id, 4, a);
		printf(",\"version\":%u,\"my_as\":%u,\"as\":%" PRIu32
		       ",\"hold\":%u,\"id\":\"%s\",\"caps\":%u,"
		       "\"add_path_v4\":%u",
		       o->version, o->my_as, fs_bgp_open_as(o), o->hold_time,
		       id, o->n_caps, o->add_path_v4);
		break;
	}
	case FS_BGP_UPDATE: {
		const struct fs_bgp_update *u = &m->update;
		printf(",\"withdrawn\":%u,\"nlri\":%u,\"attrs\":%u,"
		       "\"reach\":%u,\"reach_afi\":%u,\"unreach\":%u,"
		       "\"add_path\":%s,\"eor\":%s",
		       u->n_withdrawn, u->n_nlri, u->n_attrs, u->n_reach,
		       u->reach_afi, u->n_unreach,
		       u->add_path ? "true" : "false",
		       u->end_of_rib ? "true" : "false");
		break;
	}
	case FS_BGP_NOTIFICATION: {
		const struct fs_bgp_notification *n = &m->notification;
		printf(",\"code\":%u,\"subcode\":%u,\"error\":\"%s\","
		       "\"suberror\":\"%s\",\"text_len\":%u",
		       n->code, n->subcode, fs_bgp_error_name(n->code, b1),
		       fs_bgp_suberror_name(n->code, n->subcode, b2),
		       n->text_len);
		if (n->has_inner)
			printf(",\"inner\":\"%u/%u\"", n->inner_code,
			       n->inner_subcode);
		break;
	}
	case FS_BGP_ROUTE_REFRESH:
		printf(",\"afi\":%u,\"safi\":%u,\"orf_len\":%u",
		       m->route_refresh.afi, m->route_refresh.safi,
		       m->route_refresh.orf_len);
		break;
	default:
		break;
	}
}

static void bgp(struct ctx *c, const struct fs_pkt *p,
		const uint8_t *frame)
{
	struct fs_cursor pl = fs_decode_payload(p, frame);
	while (!pl.failed && pl.left > 0) {
		uint16_t len = 0;
		enum fs_bgp_frame f = fs_bgp_frame(pl.pos, pl.left, &len);
		head(c, p, "bgp");
		if (f != FS_BGP_FRAME_OK || len > pl.left) {
			printf(",\"partial\":%s}\n",
			       f == FS_BGP_FRAME_OK ||
					       f == FS_BGP_FRAME_NEED_MORE
				       ? "true"
				       : "false");
			return;
		}
		struct fs_bgp_msg m;
		fs_bgp_parse(pl.pos, len, paths_of(c, p), &m);
		if (m.type == FS_BGP_OPEN && m.reason == FS_BGP_R_OK)
			speaker_open(c, p, m.open.add_path_v4);
		bgp_one(&m);
		printf("}\n");
		fs_cursor_skip(&pl, len);
	}
}

static void bfd(const struct ctx *c, const struct fs_pkt *p,
		const uint8_t *frame)
{
	struct fs_bfd_msg m;
	char b[FS_BFD_NAME_BUF];
	fs_bfd_parse_pkt(p, frame, &m);
	head(c, p, "bfd");
	printf(",\"reason\":\"%s\",\"state\":\"%s\",\"diag\":\"%s\","
	       "\"flags\":%u,\"mult\":%u,\"my\":%" PRIu32 ",\"your\":%" PRIu32
	       ",\"tx_us\":%" PRIu32 ",\"rx_us\":%" PRIu32
	       ",\"echo_us\":%" PRIu32 ",\"auth_type\":%u,\"auth_seq\":%" PRIu32
	       ",\"ttl\":%u}\n",
	       fs_bfd_reason_name((enum fs_bfd_reason)m.reason),
	       fs_bfd_state_name((enum fs_bfd_state)m.state),
	       fs_bfd_diag_name(m.diag, b), m.flags, m.detect_mult, m.my_disc,
	       m.your_disc, m.desired_min_tx_us, m.required_min_rx_us,
	       m.required_min_echo_rx_us, m.auth_type, m.auth_seq, p->ttl);
}

static void fhrp(const struct ctx *c, const struct fs_pkt *p,
		 const uint8_t *frame)
{
	struct fs_fhrp_msg m;
	fs_fhrp_parse_pkt(p, frame, &m);
	head(c, p, fs_fhrp_proto_name((enum fs_fhrp_proto)m.proto));
	char vip[FS_IP_STRLEN] = "";
	if (m.n_addrs)
		fs_fmt_ip(vip, m.ip_version, m.addrs[0]);
	printf(",\"reason\":\"%s\",\"opcode\":%u,\"group\":%u,"
	       "\"priority\":%" PRIu32 ",\"interval_ms\":%" PRIu32
	       ",\"hold_ms\":%" PRIu32 ",\"state\":\"%s\",\"n_addrs\":%u,"
	       "\"vip\":\"%s\",\"checksum\":%u,\"auth_type\":%u,"
	       "\"skew\":%u}\n",
	       fs_fhrp_reason_name((enum fs_fhrp_reason)m.reason), m.opcode,
	       m.group, m.priority, m.interval_ms, m.hold_ms,
	       fs_hsrp_state_name((enum fs_hsrp_state)m.hsrp_state), m.n_addrs,
	       vip, m.checksum, m.auth_type, m.carp_advskew);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct ctx *c = (struct ctx *)user;
	struct fs_pkt p;
	c->n++;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
	fs_decode(c->dlt, bytes, h->caplen, h->len, ts, &p);
	switch (p.route) {
	case FS_ROUTE_BGP:
		bgp(c, &p, bytes);
		break;
	case FS_ROUTE_BFD:
		bfd(c, &p, bytes);
		break;
	case FS_ROUTE_VRRP:
	case FS_ROUTE_CARP:
	case FS_ROUTE_HSRP:
		fhrp(c, &p, bytes);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: route_dump FILE\n");
		return 2;
	}
	pcap_t *pc = pcap_open_offline(argv[1], err);
	if (!pc) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 2;
	}
	static struct ctx c;
	c.dlt = pcap_datalink(pc);
	int rc = pcap_loop(pc, -1, on_packet, (u_char *)&c);
	if (rc == PCAP_ERROR)
		fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(pc));
	pcap_close(pc);
	return rc == PCAP_ERROR ? 1 : 0;
}
