/* Router set: parsing, duplicates, capacity, and the two classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/routers.h"

static void test_add_text(void **state)
{
	(void)state;
	static const struct { const char *text; int want; } rows[] = {
		{ "00:11:22:33:44:55", 0 },
		{ "00-11-22-33-44-66", 0 },
		{ "00:11:22:33:44:55", 1 },	/* already there */
		{ "10.0.0.1", 0 },
		{ "10.0.0.1", 1 },
		{ "2001:db8::1", 0 },
		{ "fe80::1", 0 },
		{ "router1", -1 },
		{ "10.0.0.256", -1 },
		{ "00:11:22:33:44", -1 },
		{ "", -1 },
	};
	struct fs_routers r;
	fs_routers_init(&r);
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(fs_routers_add_text(&r, rows[i].text),
				 rows[i].want);
	assert_int_equal(r.n_macs, 2);
	assert_int_equal(r.n_ips, 3);
	static const uint8_t m[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x66 };
	assert_true(fs_routers_has_mac(&r, m));
	assert_int_equal(r.ips[1].version, 6);
	assert_int_equal(r.ips[1].addr[0], 0x20);
	assert_int_equal(r.ips[1].addr[15], 1);
}

static void test_full(void **state)
{
	(void)state;
	static struct fs_routers r;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
	fs_routers_init(&r);
	for (int i = 0; i < FS_ROUTERS_MAX; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(fs_routers_add_mac(&r, mac), 0);
	}
	for (int i = 0; i < FS_ROUTERS_MAX; i++) {	/* no false negatives */
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_true(fs_routers_has_mac(&r, mac));
	}
	mac[3] = 1;
	for (int i = 0; i < 1000; i++) {		/* and no false positives */
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_false(fs_routers_has_mac(&r, mac));
	}
	assert_int_equal(fs_routers_add_mac(&r, mac), -1);
	uint8_t ip[16] = { 10, 1 };
	for (int i = 0; i < FS_ROUTERS_MAX; i++) {
		ip[3] = (uint8_t)i;
		ip[2] = (uint8_t)(i >> 8);
		assert_int_equal(fs_routers_add_ip(&r, i % 2 ? 4 : 6, ip), 0);
	}
	assert_int_equal(fs_routers_add_ip(&r, 4, (uint8_t[4]){ 9, 9, 9, 9 }), -1);
	for (int i = 0; i < FS_ROUTERS_MAX; i++) {
		struct fs_pkt p;
		memset(&p, 0, sizeof p);
		p.ip_version = i % 2 ? 4 : 6;
		memcpy(p.dst_ip, ip, 16);
		p.dst_ip[3] = (uint8_t)i;
		p.dst_ip[2] = (uint8_t)(i >> 8);
		fs_routers_classify(&r, &p);
		assert_int_equal(p.classes, FS_CLASS_BIT(FS_CLASS_TO_ROUTER));
		p.classes = 0;
		p.ip_version = i % 2 ? 6 : 4;		/* other family: no */
		fs_routers_classify(&r, &p);
		assert_int_equal(p.classes, 0);
	}
	mac[3] = 0;
	mac[4] = 0;
	mac[5] = 7;
	assert_int_equal(fs_routers_add_mac(&r, mac), 1);	/* present */
	assert_int_equal(fs_routers_add_ip(&r, 5, mac), -1);
}

static void test_classify(void **state)
{
	(void)state;
	const uint32_t TO = FS_CLASS_BIT(FS_CLASS_TO_ROUTER);
	const uint32_t NR = FS_CLASS_BIT(FS_CLASS_OSPF_NON_ROUTER);
	static const uint8_t rmac[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t hmac[6] = { 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static const uint8_t mc5[6] = { 1, 0, 0x5e, 0, 0, 5 };
	static const uint8_t vrrp[6] = { 0, 0, 0x5e, 0, 1, 7 };
	static const uint8_t hsrp[6] = { 0, 0, 0x0c, 0x07, 0xac, 1 };
	static const uint8_t hsrp2[6] = { 0, 0, 0x0c, 0x9f, 0xf0, 1 };
	static const uint8_t notv[6] = { 0, 0, 0x5e, 0, 3, 1 };
	static const uint8_t rip[4] = { 10, 0, 0, 1 }, hip[4] = { 10, 0, 0, 9 };
	static const uint8_t rip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const struct {
		const char *name;
		bool has_mac;
		const uint8_t *src, *dst;
		uint8_t ipv;
		const uint8_t *sip, *dip;
		bool ospf;
		uint32_t want;
	} rows[] = {
		{ "to router mac", true, hmac, rmac, 0, NULL, NULL, false, TO },
		{ "to router ip", true, hmac, mc5, 4, hip, rip, false, TO },
		{ "to router ip6", true, hmac, hmac, 6, rip6, rip6, false, TO },
		{ "host to host", true, hmac, hmac, 4, hip, hip, false, 0 },
		{ "to vrrp mac", true, hmac, vrrp, 0, NULL, NULL, false, TO },
		{ "to hsrp mac", true, hmac, hsrp, 0, NULL, NULL, false, TO },
		{ "to hsrp2 mac", true, hmac, hsrp2, 0, NULL, NULL, false, TO },
		{ "iana non-vrrp", true, hmac, notv, 0, NULL, NULL, false, 0 },
		{ "router hello", true, rmac, mc5, 4, rip, NULL, true, 0 },
		{ "rogue hello", true, hmac, mc5, 4, hip, NULL, true, NR },
		{ "rogue to router", true, hmac, rmac, 4, hip, rip, true, TO | NR },
		{ "raw ip router", false, NULL, NULL, 4, rip, NULL, true, 0 },
		{ "raw ip rogue", false, NULL, NULL, 4, hip, NULL, true, NR },
		{ "raw ip to router", false, NULL, NULL, 4, hip, rip, false, TO },
	};
	struct fs_routers r;
	fs_routers_init(&r);
	assert_int_equal(fs_routers_add_mac(&r, rmac), 0);
	assert_int_equal(fs_routers_add_ip(&r, 4, rip), 0);
	assert_int_equal(fs_routers_add_ip(&r, 6, rip6), 0);
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct fs_pkt p;
		memset(&p, 0, sizeof p);
		p.has_mac = rows[i].has_mac;
		if (rows[i].src)
			memcpy(p.src_mac, rows[i].src, 6);
		if (rows[i].dst)
			memcpy(p.dst_mac, rows[i].dst, 6);
		p.ip_version = rows[i].ipv;
		size_t len = rows[i].ipv == 6 ? 16 : 4;
		if (rows[i].sip)
			memcpy(p.src_ip, rows[i].sip, len);
		if (rows[i].dip)
			memcpy(p.dst_ip, rows[i].dip, len);
		p.is_ospf = rows[i].ospf;
		p.classes = FS_CLASS_BIT(FS_CLASS_ICMP);	/* kept */
		fs_routers_classify(&r, &p);
		if (p.classes != (rows[i].want | FS_CLASS_BIT(FS_CLASS_ICMP)))
			fail_msg("%s: classes %#x", rows[i].name, p.classes);
	}
}

/* Through the gateway is not to the gateway: routed unicast is forwarded in
 * hardware; TTL expiry, options and non-IP sent to its MAC are punted. */
static void test_routed_vs_punted(void **state)
{
	(void)state;
	static const uint8_t rmac[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t hmac[6] = { 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static const uint8_t far[4] = { 198, 51, 100, 7 }, hip[4] = { 10, 0, 0, 9 };
	const uint32_t TO = FS_CLASS_BIT(FS_CLASS_TO_ROUTER);
	static const struct {
		const char *name;
		uint8_t ipv;
		uint32_t classes;
		uint8_t status;
		uint32_t want;
	} rows[] = {
		{ "routed unicast", 4, 0, FS_DECODE_OK, 0 },
		{ "routed, ttl 1", 4, FS_CLASS_BIT(FS_CLASS_TTL_LE1), FS_DECODE_OK, TO },
		{ "routed, options", 4, FS_CLASS_BIT(FS_CLASS_IP_OPTIONS), FS_DECODE_OK, TO },
		{ "malformed ip", 4, 0, FS_DECODE_MALFORMED, TO },
		{ "arp", 0, FS_CLASS_BIT(FS_CLASS_ARP), FS_DECODE_OK, TO },
		{ "routed ipv6", 6, 0, FS_DECODE_OK, 0 },
	};
	struct fs_routers r;
	fs_routers_init(&r);
	assert_int_equal(fs_routers_add_mac(&r, rmac), 0);
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct fs_pkt p;
		memset(&p, 0, sizeof p);
		p.has_mac = true;
		memcpy(p.src_mac, hmac, 6);
		memcpy(p.dst_mac, rmac, 6);
		p.ip_version = rows[i].ipv;
		memcpy(p.src_ip, hip, 4);
		memcpy(p.dst_ip, far, 4);
		p.classes = rows[i].classes;
		p.status = rows[i].status;
		fs_routers_classify(&r, &p);
		if ((p.classes & TO) != rows[i].want)
			fail_msg("%s: to_router %u, want %u", rows[i].name,
				 (unsigned)(p.classes & TO), (unsigned)rows[i].want);
	}
}

static struct fs_pkt from(const uint8_t src[6], uint8_t ipv)
{
	struct fs_pkt p;
	memset(&p, 0, sizeof p);
	p.has_mac = true;
	memcpy(p.src_mac, src, 6);
	p.dst_mac[0] = 0x02;
	p.dst_mac[5] = 0x77;
	p.ip_version = ipv;
	p.src_ip[0] = 10;
	p.src_ip[3] = src[5];
	p.dst_ip[0] = 10;
	p.dst_ip[3] = 0x77;
	p.ts_us = 1000;
	return p;
}

struct learned {
	int n;
	uint8_t ev[32];
};

static void on_learned(const struct fs_event *ev, void *ctx)
{
	struct learned *l = ctx;
	if (ev->type == FS_EV_ROUTER_LEARNED && l->n < 32)
		l->ev[l->n++] = ev->u.router_learned.evidence;
}

/* Each kind of evidence from the packet that shows it, told once; what a
 * host sends to a router's port proves nothing; --not-router wins. */
static void test_evidence(void **state)
{
	(void)state;
	static struct fs_routers r;
	struct fs_event_bus bus;
	struct learned l = { 0 };
	fs_event_bus_init(&bus);
	fs_event_subscribe(&bus, on_learned, &l);
	fs_routers_init(&r);
	r.bus = &bus;
	const uint32_t ICMP = FS_CLASS_BIT(FS_CLASS_ICMP);
	static const struct {
		const char *name;
		uint8_t ipv, proto, icmp_type, icmp_code, flags;
		uint16_t sport, dport;
		uint32_t classes;
		int want;	/* evidence, or -1 */
	} rows[] = {
		{ "redirect", 4, 1, 5, 1, 0, 0, 0, ICMP, FS_RTR_REDIRECT },
		{ "ttl exceeded", 4, 1, 11, 0, 0, 0, 0, ICMP, FS_RTR_TTL_EXCEEDED },
		{ "reassembly timeout", 4, 1, 11, 1, 0, 0, 0, ICMP, -1 },
		{ "echo reply", 4, 1, 0, 0, 0, 0, 0, ICMP, -1 },
		{ "router advert", 6, 58, 134, 0, 0, 0, 0, ICMP, FS_RTR_RA },
		{ "nd redirect", 6, 58, 137, 0, 0, 0, 0, ICMP, FS_RTR_REDIRECT },
		{ "hop limit", 6, 58, 3, 0, 0, 0, 0, ICMP, FS_RTR_TTL_EXCEEDED },
		{ "vrrp", 4, 112, 0, 0, 0, 0, 0, 0, FS_RTR_VRRP },
		{ "hsrp", 4, 17, 0, 0, 0, 1985, 1985, 0, FS_RTR_HSRP },
		{ "rip", 4, 17, 0, 0, 0, 520, 520, 0, FS_RTR_RIP },
		{ "to rip port", 4, 17, 0, 0, 0, 40000, 520, 0, -1 },
		{ "bgp answers", 4, 6, 0, 0, 0x12, 179, 40000, 0, FS_RTR_BGP },
		{ "syn to 179", 4, 6, 0, 0, 0x02, 40000, 179, 0, -1 },
		{ "rst from 179", 4, 6, 0, 0, 0x14, 179, 40000, 0, -1 },
	};
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uint8_t mac[6] = { 0x00, 0x1b, 0x21, 0, 0, (uint8_t)(i + 1) };
		struct fs_pkt p = from(mac, rows[i].ipv);
		p.ip_proto = rows[i].proto;
		p.icmp_type = rows[i].icmp_type;
		p.icmp_code = rows[i].icmp_code;
		p.tcp_flags = rows[i].flags;
		p.src_port = rows[i].sport;
		p.dst_port = rows[i].dport;
		p.classes = rows[i].classes;
		int before = l.n;
		fs_routers_classify(&r, &p);
		fs_routers_classify(&r, &p);	/* told once */
		uint32_t want = rows[i].want < 0 ? 0 : 1u << rows[i].want;
		if (fs_routers_evidence(&r, mac) != want || l.n != before + (want != 0))
			fail_msg("%s: evidence %#x, want %#x", rows[i].name,
				 fs_routers_evidence(&r, mac), want);
	}
	char buf[64];
	assert_string_equal(fs_router_evidence_text((1u << FS_RTR_OSPF) |
						    (1u << FS_RTR_FORWARDING),
						    buf, sizeof(buf)),
			    "ospf,forwarding");
	/* A VRRP virtual MAC as a source. */
	static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 9 };
	struct fs_pkt v = from(vmac, 0);
	fs_routers_classify(&r, &v);
	assert_int_equal(fs_routers_evidence(&r, vmac), 1u << FS_RTR_VIRTUAL_MAC);

	/* --not-router: refused whatever it sends. */
	static const uint8_t deny[6] = { 0, 0x1b, 0x21, 9, 9, 9 };
	assert_int_equal(fs_routers_deny_text(&r, "00:1b:21:09:09:09"), 0);
	assert_int_equal(fs_routers_deny_text(&r, "nonsense"), -1);
	struct fs_pkt d = from(deny, 4);
	d.ip_proto = 1;
	d.icmp_type = 5;
	d.classes = ICMP;
	fs_routers_classify(&r, &d);
	assert_int_equal(fs_routers_evidence(&r, deny), 0);
	assert_int_equal(r.refused, 1);
	assert_int_equal(fs_routers_add_text(&r, "00:1b:21:09:09:09"), -1);
}

/*
 * Forwarding: hosts send to a gateway's MAC for a thousand outside
 * addresses; a server receives for its own one. A spoofer's random
 * destination MACs churn the candidates without evicting the gateway.
 */
static void test_forwarding(void **state)
{
	(void)state;
	static struct fs_routers r;
	static const uint8_t gw[6] = { 0x34, 0xf8, 0x6c, 0, 0, 1 };
	static const uint8_t srv[6] = { 0x04, 0x06, 0xa6, 0, 0, 2 };
	static const uint8_t host[6] = { 0x04, 0x06, 0xa6, 0, 0, 3 };
	fs_routers_init(&r);
	uint64_t rng = 7;
	int learned_at = -1;
	for (int i = 0; i < 4000; i++) {
		struct fs_pkt p = from(host, 4);
		p.ip_proto = 6;
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		if (i % 2 == 0) {
			memcpy(p.dst_mac, gw, 6);
			uint32_t a = 0xc6000000u + (uint32_t)(i / 2 % 1000);
			p.dst_ip[0] = (uint8_t)(a >> 24);
			p.dst_ip[1] = (uint8_t)(a >> 16);
			p.dst_ip[2] = (uint8_t)(a >> 8);
			p.dst_ip[3] = (uint8_t)a;
		} else if (i % 4 == 1) {
			memcpy(p.dst_mac, srv, 6);
		} else {
			memcpy(p.dst_mac, &rng, 6);
			p.dst_mac[0] &= 0xfe;
		}
		fs_routers_classify(&r, &p);
		if (learned_at < 0 && fs_routers_has_mac(&r, gw))
			learned_at = i;
	}
	assert_true(fs_routers_evidence(&r, gw) & (1u << FS_RTR_FORWARDING));
	assert_true(learned_at > 0 && learned_at < 1000);
	assert_false(fs_routers_has_mac(&r, srv));
	assert_int_equal(r.n_macs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_text),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_routed_vs_punted),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_forwarding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
