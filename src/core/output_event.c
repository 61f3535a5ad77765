/* Events as JSON lines or as one human line each. */
#include "floodspot/output.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "floodspot/alert.h"
#include "floodspot/bfd.h"
#include "floodspot/bgp.h"
#include "floodspot/fhrp.h"
#include "floodspot/fmt.h"
#include "floodspot/routers.h"

static void json_router(FILE *f, const char *ts, const struct fs_ev_ospf_router *r)
{
	char id[16], mac[FS_MAC_STRLEN], ip[FS_IP_STRLEN], area[16], dr[16],
		bdr[16];
	fprintf(f,
		"{\"event\":\"ospf_router\",\"ts\":\"%s\",\"router_id\":\"%s\","
		"\"version\":%u,\"vlan\":%u,\"mac\":\"%s\",\"ip\":\"%s\","
		"\"area\":\"%s\",\"hello_interval\":%u,\"dead_interval\":%u,"
		"\"priority\":%u,\"dr\":\"%s\",\"bdr\":\"%s\"}\n",
		ts, fs_fmt_id(id, r->router_id), r->version, r->vlan,
		fs_fmt_mac(mac, r->mac), fs_fmt_ip(ip, r->ip_version, r->ip),
		fs_fmt_id(area, r->area), r->hello_interval_s,
		r->dead_interval_s, r->priority, fs_fmt_id(dr, r->dr),
		fs_fmt_id(bdr, r->bdr));
}

static void json_adj(FILE *f, const char *ts, const struct fs_ev_ospf_adjacency *a)
{
	char id[16], nb[16], area[16];
	fprintf(f,
		"{\"event\":\"ospf_adjacency\",\"ts\":\"%s\",\"router_id\":\"%s\","
		"\"neighbor_id\":\"%s\",\"vlan\":%u,\"area\":\"%s\","
		"\"from\":\"%s\",\"to\":\"%s\",\"reason\":",
		ts, fs_fmt_id(id, a->router_id), fs_fmt_id(nb, a->neighbor_id),
		a->vlan, fs_fmt_id(area, a->area), fs_ospf_state_name(a->from),
		fs_ospf_state_name(a->to));
	fs_json_string(f, a->reason);
	fputs("}\n", f);
}

static void json_late(FILE *f, const char *ts, const struct fs_ev_hello_late *l)
{
	char id[16];
	fprintf(f,
		"{\"event\":\"hello_late\",\"ts\":\"%s\",\"router_id\":\"%s\","
		"\"vlan\":%u,\"interval_ms\":%u,\"gap_ms\":%u,\"late_ms\":%u,"
		"\"silent\":%s}\n",
		ts, fs_fmt_id(id, l->router_id), l->vlan, l->hello_interval_ms,
		l->gap_ms, l->late_ms, l->silent ? "true" : "false");
}

static const char *sess_state_name(uint8_t proto, uint8_t s)
{
	return proto == FS_SESS_BFD ? fs_bfd_end_state_name(s)
				    : fs_bgp_state_name(s);
}

/* ,"vlan":N and, for a remote mirror, its kind and session */
static void json_seg(FILE *f, struct fs_seg seg)
{
	fprintf(f, ",\"vlan\":%u", seg.vlan);
	if (seg.mirror != FS_MIRROR_NONE)
		fprintf(f, ",\"mirror\":\"%s\",\"mirror_id\":%u",
			fs_mirror_kind_name((enum fs_mirror_kind)seg.mirror),
			seg.mirror_id);
}

static void json_session(FILE *f, const char *ts, const struct fs_ev_session *e)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN], by[FS_IP_STRLEN] = "wire";
	const char *id = e->proto == FS_SESS_BFD ? "disc" : "as";
	if (e->by < 2)
		fs_fmt_ip(by, e->ip_version, e->ip[e->by]);
	fprintf(f,
		"{\"event\":\"session\",\"ts\":\"%s\",\"proto\":\"%s\","
		"\"speaker\":\"%s\",\"speaker_%s\":%u,\"peer\":\"%s\","
		"\"peer_%s\":%u",
		ts, fs_sess_proto_name((enum fs_sess_proto)e->proto),
		fs_fmt_ip(a, e->ip_version, e->ip[0]), id, e->id[0],
		fs_fmt_ip(b, e->ip_version, e->ip[1]), id, e->id[1]);
	json_seg(f, e->seg);
	fprintf(f, ",\"from\":\"%s\",\"to\":\"%s\",\"up\":%s,\"down\":%s,"
		   "\"by\":\"%s\"",
		sess_state_name(e->proto, e->from), sess_state_name(e->proto, e->to),
		e->up ? "true" : "false", e->down ? "true" : "false", by);
	char n1[FS_BGP_NAME_BUF], n2[FS_BGP_NAME_BUF];
	if (e->proto == FS_SESS_BGP && e->code)
		fprintf(f, ",\"notification\":\"%s\",\"subcode\":\"%s\"",
			fs_bgp_error_name(e->code, n1),
			fs_bgp_suberror_name(e->code, e->subcode, n2));
	else if (e->proto == FS_SESS_BFD)
		fprintf(f, ",\"diag\":\"%s\"", fs_bfd_diag_name(e->code, n1));
	fputs(",\"reason\":", f);
	fs_json_string(f, e->reason);
	if (e->silent_ms)
		fprintf(f, ",\"silent_ms\":%u", e->silent_ms);
	if (e->unseen)
		fputs(",\"unseen\":true", f);
	fputs("}\n", f);
}

/* What a late message is called in each protocol. */
static const char *late_what(uint8_t proto)
{
	return proto == FS_SESS_BGP ? "keepalive"
	       : proto == FS_SESS_BFD ? "control" : "advert";
}

/* "bgp", "bfd", or the first-hop protocol's own name ("vrrp3"). */
static const char *late_proto(const struct fs_ev_session_late *l)
{
	return l->proto == FS_SESS_FHRP
		       ? fs_fhrp_proto_name((enum fs_fhrp_proto)l->fhrp)
		       : fs_sess_proto_name((enum fs_sess_proto)l->proto);
}

static void json_slate(FILE *f, const char *ts, const struct fs_ev_session_late *l)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN];
	fprintf(f,
		"{\"event\":\"session_late\",\"ts\":\"%s\",\"proto\":\"%s\","
		"\"what\":\"%s\",\"from\":\"%s\"",
		ts, late_proto(l), late_what(l->proto),
		fs_fmt_ip(a, l->ip_version, l->from));
	if (l->proto != FS_SESS_FHRP)
		fprintf(f, ",\"to\":\"%s\"", fs_fmt_ip(b, l->ip_version, l->to));
	else
		fprintf(f, ",\"group\":%u", l->group);
	json_seg(f, l->seg);
	fprintf(f, ",\"interval_ms\":%u,\"gap_ms\":%u,\"late_ms\":%u,"
		   "\"silent\":%s%s}\n",
		l->interval_ms, l->gap_ms, l->late_ms,
		l->silent ? "true" : "false", l->unseen ? ",\"unseen\":true" : "");
}

static void text_session(FILE *f, const char *ts, const struct fs_ev_session *e)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN], seg[FS_SEG_STRLEN];
	/* BFD's states are an end's: say when the session moved with it. */
	const char *sess = e->proto != FS_SESS_BFD ? ""
			   : e->up ? ", session up"
			   : e->down ? ", session down" : "";
	fprintf(f, "%s %s %s-%s %s: %s -> %s (%s)%s%s\n", ts,
		fs_sess_proto_name((enum fs_sess_proto)e->proto),
		fs_fmt_ip(a, e->ip_version, e->ip[0]),
		fs_fmt_ip(b, e->ip_version, e->ip[1]), fs_fmt_seg(seg, e->seg),
		sess_state_name(e->proto, e->from),
		sess_state_name(e->proto, e->to), e->reason, sess,
		e->unseen ? ", unseen: the capture was blind" : "");
}

static void text_slate(FILE *f, const char *ts, const struct fs_ev_session_late *l)
{
	char a[FS_IP_STRLEN], b[FS_IP_STRLEN], seg[FS_SEG_STRLEN], who[80];
	fs_fmt_ip(a, l->ip_version, l->from);
	if (l->proto == FS_SESS_FHRP)
		snprintf(who, sizeof(who), "group %u master %s", l->group, a);
	else
		snprintf(who, sizeof(who), "%s -> %s", a,
			 fs_fmt_ip(b, l->ip_version, l->to));
	fprintf(f, "%s %s %s %s: %s %s (gap %u ms, interval %u ms)\n", ts,
		late_proto(l), who, fs_fmt_seg(seg, l->seg), late_what(l->proto),
		l->silent ? "silent" : "late", l->gap_ms, l->interval_ms);
}

static void json_master(FILE *f, const char *ts, const struct fs_ev_fhrp_master *m)
{
	char ip[FS_IP_STRLEN], mac[FS_MAC_STRLEN];
	static const uint8_t zero[16];
	fprintf(f, "{\"event\":\"fhrp_master\",\"ts\":\"%s\",\"proto\":\"%s\","
		   "\"group\":%u",
		ts, fs_fhrp_proto_name((enum fs_fhrp_proto)m->proto), m->group);
	json_seg(f, m->seg);
	if (memcmp(m->ip, zero, 16) != 0)
		fprintf(f, ",\"master\":\"%s\",\"master_mac\":\"%s\",\"priority\":%u",
			fs_fmt_ip(ip, m->ip_version, m->ip), fs_fmt_mac(mac, m->mac),
			m->priority);
	if (memcmp(m->old_ip, zero, 16) != 0)
		fprintf(f, ",\"previous\":\"%s\",\"previous_mac\":\"%s\","
			   "\"previous_priority\":%u,\"previous_silent_ms\":%u",
			fs_fmt_ip(ip, m->ip_version, m->old_ip),
			fs_fmt_mac(mac, m->old_mac), m->old_priority, m->silent_ms);
	fprintf(f, ",\"cause\":\"%s\"%s}\n", fs_fhrp_cause_name(m->cause),
		m->unseen ? ",\"unseen\":true" : "");
}

static void text_master(FILE *f, const char *ts, const struct fs_ev_fhrp_master *m)
{
	static const uint8_t zero[16];
	char a[FS_IP_STRLEN] = "none", b[FS_IP_STRLEN] = "none";
	char seg[FS_SEG_STRLEN];
	if (memcmp(m->ip, zero, 16) != 0)
		fs_fmt_ip(a, m->ip_version, m->ip);
	if (memcmp(m->old_ip, zero, 16) != 0)
		fs_fmt_ip(b, m->ip_version, m->old_ip);
	fprintf(f, "%s %s group %u %s: master %s -> %s (%s", ts,
		fs_fhrp_proto_name((enum fs_fhrp_proto)m->proto), m->group,
		fs_fmt_seg(seg, m->seg), b, a, fs_fhrp_cause_name(m->cause));
	if (m->cause == FS_FHRP_CAUSE_PREEMPT || m->cause == FS_FHRP_CAUSE_DUAL)
		fprintf(f, ", priority %u over %u", m->priority, m->old_priority);
	else if (m->cause == FS_FHRP_CAUSE_SILENT || m->cause == FS_FHRP_CAUSE_LOST)
		fprintf(f, " %u ms", m->silent_ms);
	fputs(")\n", f);
}

static void fmt_prefix(char *buf, size_t len, const struct fs_ev_route_change *r)
{
	char ip[FS_IP_STRLEN];
	fs_fmt_ip(ip, r->family == AF_INET6 ? 6 : 4, r->dst);
	snprintf(buf, len, "%s/%u", ip, r->dst_len);
}

static void json_route(FILE *f, const char *ts, const struct fs_ev_route_change *r)
{
	char dst[FS_IP_STRLEN + 8];
	fmt_prefix(dst, sizeof(dst), r);
	fprintf(f,
		"{\"event\":\"route_change\",\"ts\":\"%s\",\"action\":\"%s\","
		"\"dst\":\"%s\",\"protocol\":",
		ts, r->added ? "add" : "del", dst);
	fs_json_string(f, r->protocol);
	fprintf(f, ",\"table\":%u,\"ifname\":", r->table);
	fs_json_string(f, r->ifname);
	fprintf(f, ",\"flaps_this_second\":%u}\n", r->flaps_this_second);
}

static void json_link(FILE *f, const char *ts, const struct fs_ev_link_change *l)
{
	fprintf(f, "{\"event\":\"link_change\",\"ts\":\"%s\",\"ifname\":", ts);
	fs_json_string(f, l->ifname);
	fprintf(f, ",\"ifindex\":%d,\"up\":%s,\"carrier\":%s,\"capture\":%s}\n",
		l->ifindex, l->up ? "true" : "false",
		l->carrier ? "true" : "false",
		l->is_capture_iface ? "true" : "false");
}

static const char *const unseen_what[] = { "hello", "dead-interval" };

static void json_gap(FILE *f, const char *ts, const struct fs_ev_capture_gap *g)
{
	char t[FS_TIME_STRLEN];
	fprintf(f, "{\"event\":\"capture_gap\",\"ts\":\"%s\",\"state\":\"%s\","
		   "\"reason\":\"%s\",\"start\":\"%s\",",
		ts, g->end_us ? "closed" : "open", fs_gap_reason_name(g->reason),
		fs_fmt_time(t, g->start_us));
	if (g->end_us)
		fprintf(f, "\"end\":\"%s\",\"duration_ms\":%lld,",
			fs_fmt_time(t, g->end_us),
			(long long)((g->end_us - g->start_us) / 1000));
	fprintf(f, "\"lost\":%llu}\n", (unsigned long long)g->lost);
}

static void print_json(FILE *f, const struct fs_event *ev)
{
	char ts[FS_TIME_STRLEN];
	fs_fmt_time(ts, ev->ts_us);
	switch (ev->type) {
	case FS_EV_OSPF_ROUTER: json_router(f, ts, &ev->u.router); break;
	case FS_EV_OSPF_ADJACENCY: json_adj(f, ts, &ev->u.adj); break;
	case FS_EV_HELLO_LATE: json_late(f, ts, &ev->u.late); break;
	case FS_EV_OSPF_ABSENT:
		fprintf(f, "{\"event\":\"ospf_absent\",\"ts\":\"%s\",\"vlan\":%u,"
			   "\"seconds\":%u}\n",
			ts, ev->u.absent.vlan, ev->u.absent.seconds);
		break;
	case FS_EV_SESSION: json_session(f, ts, &ev->u.session); break;
	case FS_EV_SESSION_LATE: json_slate(f, ts, &ev->u.slate); break;
	case FS_EV_FHRP_MASTER: json_master(f, ts, &ev->u.master); break;
	case FS_EV_ROUTE_CHANGE: json_route(f, ts, &ev->u.route); break;
	case FS_EV_LINK_CHANGE: json_link(f, ts, &ev->u.link); break;
	case FS_EV_ALERT: fs_alert_print_json(ev->u.alert, f); break;
	case FS_EV_CAPTURE_GAP: json_gap(f, ts, &ev->u.gap); break;
	case FS_EV_CLOCK_STEP:
		fprintf(f, "{\"event\":\"clock_step\",\"ts\":\"%s\",\"by_ms\":%lld,"
			   "\"rebased\":%s}\n",
			ts, (long long)(ev->u.step.by_us / 1000),
			ev->u.step.rebased ? "true" : "false");
		break;
	case FS_EV_OSPF_UNSEEN: {
		char id[16], t[FS_TIME_STRLEN];
		fprintf(f, "{\"event\":\"ospf_unseen\",\"ts\":\"%s\",\"router_id\":\"%s\","
			   "\"vlan\":%u,\"what\":\"%s\",\"gap_start\":\"%s\"}\n",
			ts, fs_fmt_id(id, ev->u.unseen.router_id), ev->u.unseen.vlan,
			unseen_what[ev->u.unseen.what & 1],
			fs_fmt_time(t, ev->u.unseen.gap_start_us));
		break;
	}
	case FS_EV_ROUTER_LEARNED: {
		char mac[FS_MAC_STRLEN];
		const struct fs_ev_router_learned *l = &ev->u.router_learned;
		fprintf(f, "{\"event\":\"router_learned\",\"ts\":\"%s\",\"mac\":\"%s\","
			   "\"vlan\":%u,\"evidence\":\"%s\",\"all\":",
			ts, fs_fmt_mac(mac, l->mac), l->vlan,
			fs_router_evidence_name(l->evidence));
		fs_output_evidence_json(f, l->all);
		fputs("}\n", f);
		break;
	}
	case FS_EV_COUNT: break;
	}
}

static void print_text(FILE *f, const struct fs_event *ev, int verbose)
{
	char ts[FS_TIME_STRLEN], a[16], b[16];
	fs_fmt_time(ts, ev->ts_us);
	switch (ev->type) {
	case FS_EV_OSPF_ROUTER:
		if (verbose)
			fprintf(f, "%s ospf router %s vlan %u hello %us dead %us\n",
				ts, fs_fmt_id(a, ev->u.router.router_id),
				ev->u.router.vlan, ev->u.router.hello_interval_s,
				ev->u.router.dead_interval_s);
		break;
	case FS_EV_OSPF_ADJACENCY:
		fprintf(f, "%s ospf adjacency %s-%s vlan %u: %s -> %s (%s)\n", ts,
			fs_fmt_id(a, ev->u.adj.router_id),
			fs_fmt_id(b, ev->u.adj.neighbor_id), ev->u.adj.vlan,
			fs_ospf_state_name(ev->u.adj.from),
			fs_ospf_state_name(ev->u.adj.to), ev->u.adj.reason);
		break;
	case FS_EV_HELLO_LATE:
		fprintf(f, "%s ospf router %s vlan %u: hello %s (gap %u ms, interval %u ms)\n",
			ts, fs_fmt_id(a, ev->u.late.router_id), ev->u.late.vlan,
			ev->u.late.silent ? "silent" : "late", ev->u.late.gap_ms,
			ev->u.late.hello_interval_ms);
		break;
	case FS_EV_OSPF_ABSENT:
		fprintf(f, "%s no OSPF observed on VLAN %u for %u s\n", ts,
			ev->u.absent.vlan, ev->u.absent.seconds);
		break;
	case FS_EV_SESSION:
		text_session(f, ts, &ev->u.session);
		break;
	case FS_EV_SESSION_LATE:
		text_slate(f, ts, &ev->u.slate);
		break;
	case FS_EV_FHRP_MASTER:
		text_master(f, ts, &ev->u.master);
		break;
	case FS_EV_ROUTE_CHANGE: {
		char dst[FS_IP_STRLEN + 8];
		fmt_prefix(dst, sizeof(dst), &ev->u.route);
		fprintf(f, "%s route %s %s proto %s dev %s\n", ts,
			ev->u.route.added ? "add" : "del", dst,
			ev->u.route.protocol, ev->u.route.ifname);
		break;
	}
	case FS_EV_LINK_CHANGE:
		fprintf(f, "%s link %s %s carrier %s\n", ts, ev->u.link.ifname,
			ev->u.link.up ? "up" : "down",
			ev->u.link.carrier ? "on" : "off");
		break;
	case FS_EV_ALERT: {
		char line[2048];
		fs_alert_format_kv(ev->u.alert, line, sizeof(line));
		fprintf(f, "%s ALERT %s\n", ts, line);
		break;
	}
	case FS_EV_CAPTURE_GAP:
		if (ev->u.gap.end_us)
			fprintf(f, "%s capture blind for %lld ms (%s); routing timers in it are not judged\n",
				ts, (long long)((ev->u.gap.end_us - ev->u.gap.start_us) / 1000),
				fs_gap_reason_name(ev->u.gap.reason));
		else {
			char since[FS_TIME_STRLEN];
			fprintf(f, "%s capture blind since %s (%s)\n", ts,
				fs_fmt_time(since, ev->u.gap.start_us),
				fs_gap_reason_name(ev->u.gap.reason));
		}
		break;
	case FS_EV_CLOCK_STEP:
		fprintf(f, "%s clock: timestamps stepped %+lld ms and stayed; %s\n", ts,
			(long long)(ev->u.step.by_us / 1000),
			ev->u.step.rebased ? "packet time runs on from here"
					   : "a capture gap");
		break;
	case FS_EV_OSPF_UNSEEN:
		fprintf(f, "%s ospf router %s vlan %u: %s not seen (capture blind)\n",
			ts, fs_fmt_id(a, ev->u.unseen.router_id), ev->u.unseen.vlan,
			ev->u.unseen.what ? "dead interval" : "hello");
		break;
	case FS_EV_ROUTER_LEARNED: {
		char mac[FS_MAC_STRLEN];
		fprintf(f, "%s router %s vlan %u: %s\n", ts,
			fs_fmt_mac(mac, ev->u.router_learned.mac),
			ev->u.router_learned.vlan,
			fs_router_evidence_name(ev->u.router_learned.evidence));
		break;
	}
	case FS_EV_COUNT: break;
	}
}

void fs_output_event(const struct fs_event *ev, void *ctx)
{
	struct fs_output *o = ctx;
	if (o->json)
		print_json(o->f, ev);
	else
		print_text(o->f, ev, o->verbose);
	/* Line-buffered by intent: an operator tails this. */
	fflush(o->f);
}
