/*
 * Kernel watcher, pure path: hand-built rtnetlink messages (bytes laid out
 * as the kernel sends them) through fs_kernel_parse_msg, asserting events,
 * filters, flap counts and the counting of malformed messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "floodspot/kernel.h"

#define S 1000000LL

/* ---- message builder: a byte buffer with the kernel's layout ---- */

struct mb {
	uint8_t b[512];
	size_t len;
};

static void mb_put(struct mb *m, const void *p, size_t n)
{
	assert_true(m->len + NLMSG_ALIGN(n) <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += NLMSG_ALIGN(n);
}

static void mb_start(struct mb *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_seq = 1 };
	mb_put(m, &h, sizeof(h));
}

static void mb_attr(struct mb *m, uint16_t type, const void *p, size_t n)
{
	struct rtattr a = { .rta_len = (unsigned short)RTA_LENGTH(n),
			    .rta_type = type };
	assert_true(m->len + RTA_SPACE(n) <= sizeof(m->b));
	memcpy(m->b + m->len, &a, sizeof(a));
	memcpy(m->b + m->len + RTA_LENGTH(0), p, n);
	m->len += RTA_SPACE(n);
}

static void mb_u32(struct mb *m, uint16_t type, uint32_t v)
{
	mb_attr(m, type, &v, sizeof(v));
}

static size_t mb_end(struct mb *m)
{
	uint32_t len = (uint32_t)m->len;
	memcpy(m->b + offsetof(struct nlmsghdr, nlmsg_len), &len, sizeof(len));
	return m->len;
}

struct route_spec {
	uint16_t type;		/* RTM_NEWROUTE / RTM_DELROUTE */
	uint8_t family;
	const char *dst;	/* NULL: default route */
	uint8_t dst_len;
	uint8_t table;
	uint8_t proto;
	uint8_t rtype;		/* RTN_* */
	uint32_t flags;
	uint32_t oif;
};

static size_t build_route(struct mb *m, const struct route_spec *r)
{
	mb_start(m, r->type);
	struct rtmsg rt = {
		.rtm_family = r->family, .rtm_dst_len = r->dst_len,
		.rtm_table = r->table, .rtm_protocol = r->proto,
		.rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = r->rtype,
		.rtm_flags = r->flags,
	};
	mb_put(m, &rt, sizeof(rt));
	mb_u32(m, RTA_TABLE, r->table);
	if (r->dst) {
		uint8_t a[16];
		assert_int_equal(inet_pton(r->family, r->dst, a), 1);
		mb_attr(m, RTA_DST, a, r->family == AF_INET ? 4 : 16);
	}
	if (r->oif)
		mb_u32(m, RTA_OIF, r->oif);
	return mb_end(m);
}

static size_t build_link(struct mb *m, uint16_t type, int ifindex,
			 const char *name, unsigned flags, uint8_t oper)
{
	mb_start(m, type);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = 1,
				 .ifi_index = ifindex, .ifi_flags = flags,
				 .ifi_change = 0xffffffff };
	mb_put(m, &ifi, sizeof(ifi));
	mb_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
	mb_attr(m, IFLA_OPERSTATE, &oper, 1);
	return mb_end(m);
}

/* ---- event capture ---- */

struct seen {
	struct fs_event ev[16];
	int n;
};

static void record(const struct fs_event *ev, void *ctx)
{
	struct seen *s = ctx;
	if (s->n < 16)
		s->ev[s->n] = *ev;
	s->n++;
}

struct fixture {
	struct fs_event_bus bus;
	struct seen seen;
	struct fs_kernel *k;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	fs_event_bus_init(&f.bus);
	fs_event_subscribe(&f.bus, record, &f.seen);
	f.k = fs_kernel_create_offline(&f.bus, "span0");
	if (!f.k)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fs_kernel_destroy(f->k);
	return 0;
}

#define UPFLAGS (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

/* ---- tests ---- */

static void test_link_changes_only(void **state)
{
	struct fixture *f = *state;
	struct mb m;
	size_t n = build_link(&m, RTM_NEWLINK, 7, "span0", UPFLAGS, IF_OPER_UP);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 5 * S), 1);
	assert_int_equal(f->seen.n, 1);
	const struct fs_ev_link_change *l = &f->seen.ev[0].u.link;
	assert_int_equal(f->seen.ev[0].type, FS_EV_LINK_CHANGE);
	assert_int_equal(f->seen.ev[0].ts_us, 5 * S);
	assert_int_equal(l->ifindex, 7);
	assert_string_equal(l->ifname, "span0");
	assert_true(l->up);
	assert_true(l->carrier);
	assert_true(l->is_capture_iface);

	/* Same state again (a stats-only notification): nothing. */
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 6 * S), 0);
	assert_int_equal(f->seen.n, 1);

	/* Carrier lost, still administratively up. */
	n = build_link(&m, RTM_NEWLINK, 7, "span0", IFF_UP,
		       IF_OPER_LOWERLAYERDOWN);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 7 * S), 1);
	assert_true(f->seen.ev[1].u.link.up);
	assert_false(f->seen.ev[1].u.link.carrier);

	/* LOWER_UP but operstate dormant: no carrier, no change. */
	n = build_link(&m, RTM_NEWLINK, 7, "span0", IFF_UP | IFF_LOWER_UP,
		       IF_OPER_DORMANT);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 7 * S), 0);

	/* Administratively down. */
	n = build_link(&m, RTM_NEWLINK, 7, "span0", 0, IF_OPER_DOWN);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 8 * S), 1);
	assert_false(f->seen.ev[2].u.link.up);
	assert_false(f->seen.ev[2].u.link.carrier);

	/* Another interface is not the capture one. */
	n = build_link(&m, RTM_NEWLINK, 9, "eth1", UPFLAGS, IF_OPER_UP);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 9 * S), 1);
	assert_false(f->seen.ev[3].u.link.is_capture_iface);

	/* Deleted while up: reported down. */
	n = build_link(&m, RTM_DELLINK, 9, "eth1", UPFLAGS, IF_OPER_UP);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 10 * S), 1);
	assert_false(f->seen.ev[4].u.link.up);
	assert_string_equal(f->seen.ev[4].u.link.ifname, "eth1");

	struct fs_kernel_stats st;
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.link_changes, 5);
	assert_int_equal(st.bad_messages, 0);
}

static void test_route_add_del_flaps(void **state)
{
	struct fixture *f = *state;
	struct mb m;
	size_t n = build_link(&m, RTM_NEWLINK, 3, "veth-r1", UPFLAGS,
			      IF_OPER_UP);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 1 * S), 1);

	struct route_spec r = { RTM_NEWROUTE, AF_INET, "10.1.0.0", 24,
				RT_TABLE_MAIN, RTPROT_BIRD, RTN_UNICAST, 0, 3 };
	n = build_route(&m, &r);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 20 * S + 100), 1);
	const struct fs_ev_route_change *rc = &f->seen.ev[1].u.route;
	assert_int_equal(f->seen.ev[1].type, FS_EV_ROUTE_CHANGE);
	assert_true(rc->added);
	assert_int_equal(rc->family, AF_INET);
	const uint8_t want[4] = { 10, 1, 0, 0 };
	assert_memory_equal(rc->dst, want, 4);
	assert_int_equal(rc->dst_len, 24);
	assert_int_equal(rc->table, RT_TABLE_MAIN);
	assert_string_equal(rc->protocol, "bird");
	assert_string_equal(rc->ifname, "veth-r1");
	assert_int_equal(rc->flaps_this_second, 1);

	r.type = RTM_DELROUTE;
	n = build_route(&m, &r);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 20 * S + 900000), 1);
	assert_false(f->seen.ev[2].u.route.added);
	assert_int_equal(f->seen.ev[2].u.route.flaps_this_second, 2);

	/* A new second starts a new count. */
	r.type = RTM_NEWROUTE;
	n = build_route(&m, &r);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 21 * S), 1);
	assert_int_equal(f->seen.ev[3].u.route.flaps_this_second, 1);

	struct fs_kernel_stats st;
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.route_adds, 2);
	assert_int_equal(st.route_dels, 1);
}

static void test_route_filters(void **state)
{
	struct fixture *f = *state;
	static const struct route_spec skip[] = {
		/* local table: addresses and broadcasts */
		{ RTM_NEWROUTE, AF_INET, "10.0.0.1", 32, RT_TABLE_LOCAL,
		  RTPROT_KERNEL, RTN_LOCAL, 0, 2 },
		{ RTM_NEWROUTE, AF_INET, "10.0.0.255", 32, RT_TABLE_LOCAL,
		  RTPROT_KERNEL, RTN_BROADCAST, 0, 2 },
		/* cached clone */
		{ RTM_NEWROUTE, AF_INET6, "2001:db8::1", 128, RT_TABLE_MAIN,
		  RTPROT_KERNEL, RTN_UNICAST, RTM_F_CLONED, 2 },
	};
	struct mb m;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		size_t n = build_route(&m, &skip[i]);
		assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, S), 0);
	}
	assert_int_equal(f->seen.n, 0);
	struct fs_kernel_stats st;
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.ignored, 3);
	assert_int_equal(st.bad_messages, 0);
}

static void test_route_protocols_and_families(void **state)
{
	struct fixture *f = *state;
	static const struct {
		struct route_spec r;
		const char *proto;
		uint8_t dst[16];
	} cases[] = {
		{ { RTM_NEWROUTE, AF_INET, "192.0.2.0", 25, RT_TABLE_MAIN,
		    RTPROT_ZEBRA, RTN_UNICAST, 0, 0 }, "zebra", { 192, 0, 2 } },
		{ { RTM_NEWROUTE, AF_INET, "198.51.100.0", 24, 100,
		    RTPROT_OSPF, RTN_UNICAST, 0, 0 }, "ospf", { 198, 51, 100 } },
		{ { RTM_NEWROUTE, AF_INET, NULL, 0, RT_TABLE_MAIN,
		    RTPROT_STATIC, RTN_UNICAST, 0, 0 }, "static", { 0 } },
		{ { RTM_DELROUTE, AF_INET6, "2001:db8::", 32, RT_TABLE_MAIN,
		    RTPROT_KERNEL, RTN_UNICAST, 0, 0 }, "kernel",
		  { 0x20, 0x01, 0x0d, 0xb8 } },
		{ { RTM_NEWROUTE, AF_INET, "203.0.113.0", 24, RT_TABLE_MAIN,
		    77, RTN_UNREACHABLE, 0, 0 }, "77", { 203, 0, 113 } },
	};
	struct mb m;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = build_route(&m, &cases[i].r);
		assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, 2 * S), 1);
		const struct fs_ev_route_change *rc = &f->seen.ev[i].u.route;
		assert_string_equal(rc->protocol, cases[i].proto);
		assert_int_equal(rc->family, cases[i].r.family);
		assert_int_equal(rc->dst_len, cases[i].r.dst_len);
		assert_int_equal(rc->table, cases[i].r.table);
		assert_int_equal(rc->added, cases[i].r.type == RTM_NEWROUTE);
		assert_memory_equal(rc->dst, cases[i].dst, 16);
		assert_string_equal(rc->ifname, "");
		assert_int_equal(rc->flaps_this_second, i + 1);
	}
}

static void test_bad_messages_counted(void **state)
{
	struct fixture *f = *state;
	struct mb m;
	struct route_spec r = { RTM_NEWROUTE, AF_INET, "10.9.0.0", 16,
				RT_TABLE_MAIN, RTPROT_BIRD, RTN_UNICAST, 0, 0 };
	size_t n = build_route(&m, &r);
	int bad = 0;

	/* Shorter than a netlink header. */
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, 10, S), -1);
	bad++;
	/* Header claims more than the buffer holds. */
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n - 4, S), -1);
	bad++;
	/* Header length below the header size. */
	struct mb g = m;
	uint32_t tiny = 8;
	memcpy(g.b, &tiny, 4);
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, n, S), -1);
	bad++;
	/* Payload shorter than struct rtmsg. */
	g = m;
	uint32_t shortlen = NLMSG_HDRLEN + 4;
	memcpy(g.b, &shortlen, 4);
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, n, S), -1);
	bad++;
	/* RTA_OIF of 2 bytes fails the route attribute policy (u32). */
	mb_start(&g, RTM_NEWROUTE);
	struct rtmsg rt = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN,
			    .rtm_type = RTN_UNICAST };
	mb_put(&g, &rt, sizeof(rt));
	uint16_t half = 3;
	mb_attr(&g, RTA_OIF, &half, sizeof(half));
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), -1);
	bad++;
	/* RTA_MULTIPATH nexthop with rtnh_len 0 (libnl 3.7 loops on it). */
	mb_start(&g, RTM_NEWROUTE);
	mb_put(&g, &rt, sizeof(rt));
	uint8_t zeros[16] = { 0 };
	mb_attr(&g, RTA_MULTIPATH, zeros, sizeof(zeros));
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), -1);
	bad++;
	/* Last nexthop whose aligned length overruns RTA_MULTIPATH: libnl's
	 * signed remainder would go negative and its loop run on. */
	mb_start(&g, RTM_NEWROUTE);
	mb_put(&g, &rt, sizeof(rt));
	uint8_t tail[10] = { 0 };	/* rtnh_len 10, attribute 10 bytes */
	uint16_t tail_len = sizeof(tail);
	memcpy(tail, &tail_len, sizeof(tail_len));
	mb_attr(&g, RTA_MULTIPATH, tail, sizeof(tail));
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), -1);
	bad++;
	/* RTA_VIA without its 2-byte family (libnl copies length - 2). */
	mb_start(&g, RTM_NEWROUTE);
	mb_put(&g, &rt, sizeof(rt));
	mb_attr(&g, RTA_VIA, zeros, 0);
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), -1);
	bad++;
	/* Attribute length running past the message. */
	mb_start(&g, RTM_NEWROUTE);
	mb_put(&g, &rt, sizeof(rt));
	mb_u32(&g, RTA_OIF, 3);
	uint16_t huge = 200;
	memcpy(g.b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rt)), &huge, 2);
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), -1);
	bad++;
	/* Prefix length beyond the family's address size. */
	r.dst_len = 40;
	n = build_route(&m, &r);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, S), -1);
	bad++;
	/* Link message without ifinfomsg. */
	mb_start(&g, RTM_NEWLINK);
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), -1);
	bad++;
	struct fs_kernel_stats st;
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.bad_messages, bad);
	assert_int_equal(f->seen.n, 0);

	/* Pseudo-random garbage with a plausible header: every rejection is
	 * counted, and only accepted messages emit. */
	uint32_t x = 12345;
	uint64_t rejected = 0;
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i < sizeof(g.b); i++) {
			x = x * 1103515245u + 12345u;
			g.b[i] = (uint8_t)(x >> 16);
		}
		uint32_t len = 16 + (x % 200);
		uint16_t type = round % 2 ? RTM_NEWROUTE : RTM_NEWLINK;
		memcpy(g.b, &len, 4);
		memcpy(g.b + 4, &type, 2);
		int before = f->seen.n;
		int rc = fs_kernel_parse_msg(f->k, g.b, len, S);
		if (rc < 0)
			rejected++;
		assert_int_equal(f->seen.n - before, rc > 0 ? 1 : 0);
	}
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.bad_messages, bad + rejected);
	assert_true(rejected > 0);
	/* Other message types are not errors. */
	mb_start(&g, RTM_NEWADDR);
	uint64_t before = st.bad_messages;
	assert_int_equal(fs_kernel_parse_msg(f->k, g.b, mb_end(&g), S), 0);
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.bad_messages, before);
}

static void test_bad_counts_exact(void **state)
{
	struct fixture *f = *state;
	struct mb m;
	struct route_spec r = { RTM_NEWROUTE, AF_INET, "10.9.0.0", 16,
				RT_TABLE_MAIN, RTPROT_BIRD, RTN_UNICAST, 0, 0 };
	size_t n = build_route(&m, &r);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n - 1, S), -1);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, 3, S), -1);
	assert_int_equal(fs_kernel_parse_msg(f->k, m.b, n, S), 1);
	struct fs_kernel_stats st;
	fs_kernel_stats(f->k, &st);
	assert_int_equal(st.bad_messages, 2);
	assert_int_equal(st.route_adds, 1);
	assert_int_equal(f->seen.n, 1);
}

static void test_proto_names(void **state)
{
	(void)state;
	char buf[16];
	assert_string_equal(fs_kernel_proto_name(RTPROT_BIRD, buf), "bird");
	assert_string_equal(fs_kernel_proto_name(RTPROT_ZEBRA, buf), "zebra");
	assert_string_equal(fs_kernel_proto_name(RTPROT_OSPF, buf), "ospf");
	assert_string_equal(fs_kernel_proto_name(RTPROT_BOOT, buf), "boot");
	assert_string_equal(fs_kernel_proto_name(RTPROT_DHCP, buf), "dhcp");
	assert_string_equal(fs_kernel_proto_name(250, buf), "250");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_changes_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_route_add_del_flaps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_route_filters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_route_protocols_and_families, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_messages_counted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_counts_exact, setup,
						teardown),
		cmocka_unit_test(test_proto_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
