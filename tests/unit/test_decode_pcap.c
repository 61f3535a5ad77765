/*
 * Decodes every capture under <shared>/data/pcap through libpcap and
 * fs_decode: nothing may crash or break an invariant (run under ASan in
 * CI), and the facts SOURCES.md verified with tshark must come out.
 * Exits 77 (skipped) without the shared directory.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "floodspot/decode.h"

#define C(x) FS_CLASS_BIT(FS_CLASS_##x)

static int failures;

static bool mac_is(const uint8_t *m, const char *text)
{
	unsigned b[6];
	if (sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		abort();
	for (int i = 0; i < 6; i++)
		if (m[i] != b[i])
			return false;
	return true;
}

static bool ip4_is(const uint8_t *a, unsigned x, unsigned y, unsigned z,
		   unsigned w)
{
	return a[0] == x && a[1] == y && a[2] == z && a[3] == w;
}

/* ---- predicates over one decoded frame -------------------------------- */

static bool p_qinq0(const struct fs_pkt *p)
{
	return p->vlan_depth == 2 && p->vlan == 0 && p->vlan_inner == 0;
}
static bool p_vlan4093(const struct fs_pkt *p) { return p->vlan == 4093; }
static bool p_mpls(const struct fs_pkt *p)
{
	return p->ethertype == 0x8847 && (p->classes & C(NON_IP));
}
static bool p_untagged_tcp(const struct fs_pkt *p)
{
	return p->vlan_depth == 0 && p->ip_proto == 6;
}
static bool p_syn(const struct fs_pkt *p) { return p->classes & C(TCP_SYN); }
static bool p_synflood(const struct fs_pkt *p)
{
	return (p->classes & C(TCP_SYN)) &&
	       mac_is(p->src_mac, "44:f4:77:0f:ea:49") &&
	       mac_is(p->dst_mac, "4c:72:b9:7c:b5:b7") &&
	       ip4_is(p->dst_ip, 10, 10, 10, 10) && p->dst_port == 25565;
}
static bool p_src_group(const struct fs_pkt *p)
{
	return p->reason == FS_DR_SRC_MAC_GROUP && (p->src_mac[0] & 1);
}
static bool p_arp_bad_len(const struct fs_pkt *p)
{
	return (p->classes & C(ARP)) && p->reason == FS_DR_ARP_BAD_LEN;
}
static bool p_ospf2(const struct fs_pkt *p)
{
	return p->is_ospf && p->ospf_version == 2 && p->status == FS_DECODE_OK;
}
static bool p_ospf3(const struct fs_pkt *p)
{
	return p->is_ospf && p->ospf_version == 3 && p->status == FS_DECODE_OK;
}
static bool p_esp(const struct fs_pkt *p) { return p->ip_proto == 50; }
static bool p_ospf2_mirrored_vlan10(const struct fs_pkt *p)
{
	return p_ospf2(p) && p->mirror == FS_MIRROR_ERSPAN_I &&
	       p->vlan == 10 && p->vlan_depth == 1;
}
static bool p_arp_storm(const struct fs_pkt *p)
{
	return (p->classes & (C(ARP) | C(BROADCAST))) ==
		       (C(ARP) | C(BROADCAST)) &&
	       p->arp_op == 1 && mac_is(p->src_mac, "00:07:0d:af:f4:54");
}
static bool p_vlan123(const struct fs_pkt *p)
{
	return p->vlan_depth == 1 && p->vlan == 123;
}
static bool p_q118_10(const struct fs_pkt *p)
{
	return p->vlan_depth == 2 && p->vlan == 118 && p->vlan_inner == 10;
}
static bool p_q209_20(const struct fs_pkt *p)
{
	return p->vlan_depth == 2 && p->vlan == 209 && p->vlan_inner == 20;
}
static bool p_qinq_arp(const struct fs_pkt *p)
{
	return p->vlan_depth == 2 && p->vlan == 100 && p->vlan_inner == 200 &&
	       (p->classes & C(ARP)) && (p->classes & C(BROADCAST));
}
static bool p_vlan5(const struct fs_pkt *p)
{
	return p->vlan_depth == 1 && p->vlan == 5;
}
static bool p_depth2(const struct fs_pkt *p) { return p->vlan_depth == 2; }
static bool p_bad_ihl(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP4_BAD_IHL;
}
static bool p_ip4_short_malformed(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP4_SHORT &&
	       p->status == FS_DECODE_MALFORMED;
}
static bool p_bad_totlen(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP4_BAD_TOTLEN;
}
static bool p_ip6_short_malformed(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP6_SHORT &&
	       p->status == FS_DECODE_MALFORMED;
}
static bool p_ip6_bad_plen(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP6_BAD_PLEN;
}
static bool p_ip4_bad_version(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP4_BAD_VERSION;
}
static bool p_ip6_bad_version(const struct fs_pkt *p)
{
	return p->reason == FS_DR_IP6_BAD_VERSION;
}
static bool p_malformed(const struct fs_pkt *p)
{
	return p->status == FS_DECODE_MALFORMED;
}
static bool p_bcast(const struct fs_pkt *p)
{
	return p->classes & C(BROADCAST);
}
static bool p_from_1f29(const struct fs_pkt *p)
{
	return mac_is(p->src_mac, "00:1f:29:da:2d:79");
}
static bool p_frag(const struct fs_pkt *p) { return p->classes & C(FRAGMENT); }
static bool p_from_2c21(const struct fs_pkt *p)
{
	return mac_is(p->src_mac, "2c:21:31:28:a3:71");
}
static bool p_synscan(const struct fs_pkt *p)
{
	return (p->classes & C(TCP_SYN)) && ip4_is(p->src_ip, 172, 16, 0, 8) &&
	       ip4_is(p->dst_ip, 64, 13, 134, 52) &&
	       mac_is(p->src_mac, "00:25:b3:bf:91:ee");
}
static bool p_igmp(const struct fs_pkt *p)
{
	return p->ip_version == 4 && p->ip_proto == 2;
}
static bool p_zero_src_mac(const struct fs_pkt *p)
{
	return p->has_mac && mac_is(p->src_mac, "00:00:00:00:00:00");
}
static bool p_vrrp(const struct fs_pkt *p)
{
	return p->status == FS_DECODE_MALFORMED &&
	       p->reason == FS_DR_L4_SHORT && p->ip_proto == 112 &&
	       ip4_is(p->src_ip, 192, 1, 2, 9) &&
	       mac_is(p->src_mac, "c2:80:17:71:d3:1e") &&
	       mac_is(p->dst_mac, "00:00:5e:00:01:01") && p->l4_len == 0;
}
static bool p_synack(const struct fs_pkt *p)
{
	return p->ip_proto == 6 && (p->tcp_flags & 0x17) == 0x12;
}
static bool p_arp_bcast(const struct fs_pkt *p)
{
	return (p->classes & (C(ARP) | C(BROADCAST))) ==
	       (C(ARP) | C(BROADCAST));
}

/* Remote mirrors: the session each frame came in. */
static bool mirror_is(const struct fs_pkt *p, enum fs_mirror_kind k,
		      uint32_t id)
{
	return p->mirror == k && p->mirror_id == id && p->mirror_depth >= 1;
}
static bool p_erspan2_s1(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_ERSPAN_II, 1) &&
	       p->route == FS_ROUTE_HSRP;
}
static bool p_erspan2_s101(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_ERSPAN_II, 101);
}
static bool p_erspan2_s666(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_ERSPAN_II, 666) && p->vlan == 342 &&
	       ip4_is(p->src_ip, 10, 48, 6, 1) && p->ip_proto == 103;
}
static bool p_erspan3_s0(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_ERSPAN_III, 0) && p->vlan == 20 &&
	       (p->classes & C(ICMP));
}
static bool p_teb(const struct fs_pkt *p)
{
	return p->mirror == FS_MIRROR_GRE_TEB;
}
static bool p_teb_key0(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_GRE_TEB, 0);
}
static bool p_teb_key0_from_2b52(const struct fs_pkt *p)
{
	return p_teb_key0(p) && mac_is(p->src_mac, "00:50:56:82:2b:52");
}
static bool p_teb_key2(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_GRE_TEB, 0x02000000);
}
static bool p_teb_key2_from_08d1(const struct fs_pkt *p)
{
	return p_teb_key2(p) && mac_is(p->src_mac, "00:50:56:82:08:d1");
}
static bool p_vni100(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_VXLAN, 100);
}
static bool p_vni123(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_VXLAN, 123);
}
static bool p_vni3000001(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_VXLAN, 3000001) &&
	       (p->classes & C(ICMP));
}
static bool p_vxlan_triple(const struct fs_pkt *p)
{
	return mirror_is(p, FS_MIRROR_VXLAN, 1) && p->mirror_depth == 3 &&
	       ip4_is(p->src_ip, 4, 4, 4, 4) && p->dst_port == 53;
}

/* ---- facts from SOURCES.md -------------------------------------------- */

enum fact_kind {
	F_COUNT,	/* frames matching pred == want */
	F_AT_LEAST,	/* frames matching pred >= want */
	F_MACS,		/* distinct source MACs among matches == want */
	F_IP4S,		/* distinct IPv4 sources among matches == want */
	F_DLT,		/* the file's link type == want */
};

struct fact {
	const char *file;	/* relative to data/pcap */
	enum fact_kind kind;
	bool (*pred)(const struct fs_pkt *);	/* NULL: every frame */
	uint64_t want;
	const char *what;
};

static const struct fact facts[] = {
	{ "zeek/http-qinq-0.pcap", F_COUNT, NULL, 14, "frames" },
	{ "zeek/http-qinq-0.pcap", F_COUNT, p_qinq0, 14, "two VID-0 tags" },
	{ "zeek/mixed-vlan-mpls.pcap", F_COUNT, NULL, 47, "frames" },
	{ "zeek/mixed-vlan-mpls.pcap", F_AT_LEAST, p_vlan4093, 1, "VLAN 4093" },
	{ "zeek/mixed-vlan-mpls.pcap", F_AT_LEAST, p_mpls, 1, "MPLS non-IP" },
	{ "zeek/mixed-vlan-mpls.pcap", F_AT_LEAST, p_untagged_tcp, 1,
	  "untagged TCP" },
	{ "zeek/arp-leak.pcap", F_COUNT, NULL, 6, "frames" },
	{ "zeek/arp-leak.pcap", F_COUNT, p_arp_bad_len, 6,
	  "ARP with oversized lengths" },
	{ "zeek/igmp-many-groups.pcap", F_COUNT, p_igmp, 450, "IGMP" },
	{ "zeek/igmp-many-groups.pcap", F_MACS, p_igmp, 3, "IGMP senders" },
	{ "stopddos-packet-captures/pkt.TCP.synflood.spoofed.pcap", F_COUNT,
	  NULL, 37841, "frames" },
	{ "stopddos-packet-captures/pkt.TCP.synflood.spoofed.pcap", F_COUNT,
	  p_synflood, 37841, "SYN from 44:f4:77:0f:ea:49 to 10.10.10.10:25565" },
	{ "stopddos-packet-captures/pkt.TCP.synflood.spoofed.pcap", F_IP4S,
	  NULL, 37623, "spoofed sources" },
	{ "stopddos-packet-captures/amp.TCP.reflection.SYNACK.pcap", F_COUNT,
	  NULL, 8000, "frames" },
	{ "stopddos-packet-captures/amp.TCP.reflection.SYNACK.pcap", F_COUNT,
	  p_synack, 6651, "SYN-ACK" },
	{ "stopddos-packet-captures/amp.TCP.reflection.SYNACK.pcap", F_COUNT,
	  p_arp_bcast, 4, "ARP broadcasts" },
	{ "stopddos-packet-captures/amp.UDP.snmp.src161.pcapng", F_COUNT,
	  NULL, 4373, "frames" },
	{ "stopddos-packet-captures/amp.dns.RRSIG.fragmented.pcap", F_COUNT,
	  NULL, 4412, "frames" },
	{ "stopddos-packet-captures/amp.dns.RRSIG.fragmented.pcap", F_COUNT,
	  p_frag, 1209, "IPv4 fragments" },
	{ "stopddos-packet-captures/amp.dns.RRSIG.fragmented.pcap", F_COUNT,
	  p_from_2c21, 4412, "single ingress MAC" },
	{ "chrissanders-packets/dosattack.pcap", F_COUNT, NULL, 100, "frames" },
	{ "chrissanders-packets/dosattack.pcap", F_COUNT, p_syn, 100, "SYN" },
	{ "chrissanders-packets/dosattack.pcap", F_COUNT, p_src_group, 48,
	  "group-bit source MACs" },
	{ "chrissanders-packets/dosattack.pcap", F_MACS, NULL, 100,
	  "random source MACs" },
	{ "chrissanders-packets/synscan.pcapng", F_COUNT, NULL, 2011, "frames" },
	{ "chrissanders-packets/synscan.pcapng", F_COUNT, p_synscan, 1994,
	  "SYNs 172.16.0.8 -> 64.13.134.52" },
	{ "trema-pio/arp-storm.pcap", F_COUNT, NULL, 622, "frames" },
	{ "trema-pio/arp-storm.pcap", F_COUNT, p_arp_storm, 622,
	  "who-has broadcasts from 00:07:0d:af:f4:54" },
	{ "networklessons-labs/wireshark-ospfv3-ah.pcap", F_DLT, NULL, DLT_RAW,
	  "raw IP" },
	{ "networklessons-labs/wireshark-ospfv3-ah.pcap", F_COUNT, NULL, 43,
	  "frames" },
	{ "networklessons-labs/wireshark-ospfv3-ah.pcap", F_AT_LEAST, p_ospf3,
	  30, "OSPFv3 (30 behind AH)" },
	{ "networklessons-labs/wireshark-ospfv3-esp.pcap", F_DLT, NULL,
	  DLT_RAW, "raw IP" },
	{ "networklessons-labs/wireshark-ospfv3-esp.pcap", F_COUNT, p_esp, 24,
	  "ESP" },
	{ "networklessons-labs/wireshark-ospfv3-esp.pcap", F_COUNT, p_ospf3, 9,
	  "clear OSPFv3" },
	{ "tcpdump/OSPFv2_Capture_FINAL.pcapng", F_COUNT, p_ospf2, 30,
	  "OSPFv2" },
	{ "tcpdump/OSPFv3_with_AH.pcap", F_COUNT, p_ospf3, 61,
	  "OSPFv3 behind AH" },
	{ "tcpdump/ospf-gmpls.pcap", F_DLT, NULL, DLT_NULL, "BSD loopback" },
	{ "tcpdump/ospf-gmpls.pcap", F_COUNT, p_ospf2, 3, "OSPFv2 LSUs" },
	{ "tcpdump/ospf2-seg-fault-1.pcapng", F_COUNT, p_ospf2, 1,
	  "OSPFv2 LSU" },
	{ "tcpdump/erspan-type-i-4.pcap", F_COUNT, NULL, 119, "frames" },
	/* Mirrored Hellos are the mirrored segment's: 16 plain + 8 inside
	 * ERSPAN; the 8 inside a routed GRE tunnel (IP in GRE) are not. */
	{ "tcpdump/erspan-type-i-4.pcap", F_COUNT, p_ospf2, 24,
	  "OSPFv2 plain and mirrored" },
	{ "tcpdump/erspan-type-i-4.pcap", F_COUNT, p_ospf2_mirrored_vlan10, 8,
	  "OSPFv2 inside ERSPAN, inner VLAN 10" },
	{ "tcpdump/erspan-type-ii-2.pcap", F_COUNT, p_erspan2_s1, 16,
	  "HSRP inside ERSPAN II session 1" },
	{ "tcpdump/erspan-type-ii-3.pcap", F_COUNT, p_erspan2_s101, 108,
	  "ERSPAN II session 101" },
	{ "tcpdump/erspan-type-ii-1.pcap", F_COUNT, p_erspan2_s666, 1,
	  "PIM hello in session 666, VLAN 342" },
	{ "tcpdump/erspan-type-iii-ft-0.pcap", F_COUNT, p_erspan3_s0, 9,
	  "ICMP in ERSPAN III session 0, VLAN 20" },
	/* 287 frames less the 23 middle and 16 last outer fragments, which
	 * carry no GRE header (no outer reassembly) */
	{ "zeek/erspan.pcap", F_COUNT, p_teb, 287 - 23 - 16,
	  "GRE-TEB mirrored frames" },
	{ "zeek/erspan.pcap", F_MACS, p_teb_key0, 1, "one sender on key 0" },
	{ "zeek/erspan.pcap", F_AT_LEAST, p_teb_key0_from_2b52, 1,
	  "key 0 from 00:50:56:82:2b:52" },
	{ "zeek/erspan.pcap", F_MACS, p_teb_key2, 1,
	  "one sender on key 0x02000000" },
	{ "zeek/erspan.pcap", F_AT_LEAST, p_teb_key2_from_08d1, 1,
	  "key 0x02000000 from 00:50:56:82:08:d1" },
	{ "tcpdump/vxlan.pcap", F_COUNT, p_vni100, 10, "VXLAN VNI 100" },
	{ "zeek/vxlan.pcap", F_COUNT, p_vni123, 10, "VXLAN VNI 123" },
	{ "pcapplusplus/Vxlan1.pcap", F_COUNT, p_vni3000001, 1,
	  "VXLAN flags 0x8848, VNI 3000001" },
	{ "zeek/vxlan-triple-v2.pcap", F_COUNT, p_vxlan_triple, 1,
	  "DNS under three VXLAN layers" },
	{ "tcpdump/ipv4_invalid_hdr_length.pcap", F_COUNT, p_bad_ihl, 1,
	  "bad IHL" },
	/* For these two the expected tcpdump output shipped next to the
	 * capture is more exact than the summary: 19 bytes of IPv4 header
	 * ("[length 19 < 20]"), and 2 of the 4 frames with version 0. */
	{ "tcpdump/ipv4_invalid_length.pcap", F_COUNT, p_ip4_short_malformed,
	  1, "19-byte IPv4 header, not cut" },
	{ "tcpdump/ipv6-bad-version.pcap", F_COUNT, NULL, 4, "frames" },
	{ "tcpdump/ipv6-bad-version.pcap", F_COUNT, p_ip6_bad_version, 2,
	  "0x86dd with version 0" },
	{ "tcpdump/ipv4_invalid_total_length.pcap", F_COUNT, p_bad_totlen, 1,
	  "total length 85 > 84" },
	{ "tcpdump/ipv4_invalid_total_length_2.pcap", F_COUNT, p_bad_totlen,
	  1, "total length 19 < header" },
	{ "tcpdump/ipv6_invalid_length.pcap", F_COUNT, p_ip6_short_malformed,
	  1, "39-byte IPv6 header" },
	{ "tcpdump/ipv6_invalid_length_2.pcap", F_COUNT, p_ip6_bad_plen, 1,
	  "payload length 65 > 64" },
	{ "tcpdump/LINKTYPE_IPV4_invalid.pcap", F_DLT, NULL, DLT_IPV4,
	  "DLT_IPV4" },
	{ "tcpdump/LINKTYPE_IPV4_invalid.pcap", F_COUNT, p_ip4_bad_version, 1,
	  "IPv6 inside DLT_IPV4" },
	{ "tcpdump/802.1ad_QinQ.pcap", F_COUNT, p_depth2, 2, "double tags" },
	{ "tcpdump/arp-too-long-tha.pcap", F_COUNT, p_arp_bad_len, 1,
	  "ARP hlen" },
	{ "tcpdump/arp-oobr.pcap", F_COUNT, NULL, 2282, "frames" },
	{ "tcpdump/arp-oobr.pcap", F_COUNT, p_bcast, 2005, "broadcasts" },
	{ "tcpdump/arp-oobr.pcap", F_COUNT, p_from_1f29, 1753,
	  "from 00:1f:29:da:2d:79" },
	{ "tcpdump/arp-oobr.pcap", F_MACS, NULL, 211, "source MACs" },
	{ "tcpdump/timestamp_invalid_micro.pcap", F_DLT, NULL, DLT_LINUX_SLL,
	  "Linux SLL" },
	{ "tcpdump/timestamp_invalid_micro.pcap", F_COUNT, NULL, 3, "frames" },
	{ "packetlife-backup/ICMP_across_dot1q.cap", F_COUNT, p_vlan123, 15,
	  "VLAN 123" },
	{ "packetlife-backup/ICMP_across_dot1q.cap", F_MACS, NULL, 2, "hosts" },
	{ "packetlife-backup/802.1Q_tunneling.cap", F_COUNT, NULL, 26,
	  "frames" },
	{ "packetlife-backup/802.1Q_tunneling.cap", F_COUNT, p_q118_10, 10,
	  "118/10" },
	{ "packetlife-backup/802.1Q_tunneling.cap", F_COUNT, p_q209_20, 10,
	  "209/20" },
	{ "packetlife-backup/802.1Q_tunneling.cap", F_MACS, NULL, 6,
	  "source MACs" },
	{ "packetlife-backup/QinQ.pcap.cap", F_COUNT, p_qinq_arp, 2,
	  "ARP under 100/200" },
	{ "packetlife-backup/rpvstp-trunk-native-vid1.pcap.cap", F_COUNT, NULL,
	  81, "frames" },
	{ "packetlife-backup/rpvstp-trunk-native-vid1.pcap.cap", F_COUNT,
	  p_vlan5, 24, "VLAN 5" },
	{ "packetlife-backup/packet-c.cap", F_COUNT, NULL, 926, "frames" },
	{ "packetlife-backup/packet-c.cap", F_COUNT, p_bcast, 279,
	  "broadcasts" },
	{ "packetlife-backup/packet-c.cap", F_AT_LEAST, p_zero_src_mac, 93,
	  "source 00:00:00:00:00:00" },
	{ "packetlife-backup/VRRP_Malformed_DoS.cap", F_COUNT, p_vrrp, 1,
	  "VRRP with no payload from 192.1.2.9" },
	{ "packetlife-backup/VRRP_Malformed_DoS.cap", F_COUNT, p_malformed, 1,
	  "malformed: no VRRP header" },
};

#define NFACTS (sizeof(facts) / sizeof(facts[0]))

struct tally {
	uint64_t n;
	uint64_t *keys;	/* for F_MACS / F_IP4S */
	size_t nkeys, cap;
};

static void add_key(struct tally *t, uint64_t k)
{
	if (t->nkeys == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->keys = realloc(t->keys, t->cap * sizeof(*t->keys));
		if (!t->keys)
			abort();
	}
	t->keys[t->nkeys++] = k;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t distinct(struct tally *t)
{
	if (!t->nkeys)
		return 0;
	qsort(t->keys, t->nkeys, sizeof(*t->keys), cmp_u64);
	uint64_t d = 1;
	for (size_t i = 1; i < t->nkeys; i++)
		d += t->keys[i] != t->keys[i - 1];
	return d;
}

/* ---- the walk --------------------------------------------------------- */

static struct {
	unsigned files, opened, rejected, unsupported, facts_checked;
	uint64_t frames, status[3], reason[FS_DR_COUNT];
} total;

static bool fact_done[NFACTS];

/* The same invariants the fuzz target asserts. */
static void check_invariants(const char *rel, uint64_t frame,
			     const struct fs_pkt *p, int dlt)
{
	bool ok = p->status <= FS_DECODE_MALFORMED && p->reason < FS_DR_COUNT &&
		  (p->status == FS_DECODE_OK) == (p->reason == FS_DR_NONE) &&
		  ((p->classes & C(MALFORMED)) != 0) ==
			  (p->status != FS_DECODE_OK) &&
		  (uint64_t)p->l4_off + p->l4_len <= p->caplen &&
		  p->vlan_depth <= 4 && (!p->is_ospf || p->ip_proto == 89) &&
		  (p->caplen < p->wirelen || p->status != FS_DECODE_TRUNCATED) &&
		  (fs_decode_linktype_supported(dlt) ||
		   p->reason == FS_DR_LINKTYPE);
	if (!ok) {
		fprintf(stderr, "%s: frame %llu breaks an invariant\n", rel,
			(unsigned long long)frame);
		failures++;
	}
}

static void run_file(const char *path, const char *rel)
{
	char err[PCAP_ERRBUF_SIZE];
	struct tally tallies[NFACTS];
	memset(tallies, 0, sizeof(tallies));

	total.files++;
	pcap_t *pc = pcap_open_offline(path, err);
	if (!pc) {
		total.rejected++;
		return;
	}
	total.opened++;
	int dlt = pcap_datalink(pc);
	if (!fs_decode_linktype_supported(dlt))
		total.unsupported++;

	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		frame++;
		/* exact-size copy: ASan sees any read past caplen */
		uint8_t *buf = malloc(h->caplen ? h->caplen : 1);
		if (!buf)
			abort();
		memcpy(buf, data, h->caplen);
		struct fs_pkt p;
		fs_decode(dlt, buf, h->caplen, h->len,
			  (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec, &p);
		free(buf);
		check_invariants(rel, frame, &p, dlt);
		total.frames++;
		total.status[p.status]++;
		total.reason[p.reason]++;

		for (size_t i = 0; i < NFACTS; i++) {
			const struct fact *f = &facts[i];
			if (strcmp(f->file, rel) != 0 || f->kind == F_DLT ||
			    (f->pred && !f->pred(&p)))
				continue;
			tallies[i].n++;
			uint64_t k = 0;
			if (f->kind == F_MACS && p.has_mac) {
				for (int j = 0; j < 6; j++)
					k = k << 8 | p.src_mac[j];
				add_key(&tallies[i], k);
			} else if (f->kind == F_IP4S && p.ip_version == 4) {
				for (int j = 0; j < 4; j++)
					k = k << 8 | p.src_ip[j];
				add_key(&tallies[i], k);
			}
		}
	}
	pcap_close(pc);

	for (size_t i = 0; i < NFACTS; i++) {
		const struct fact *f = &facts[i];
		if (strcmp(f->file, rel) != 0)
			continue;
		uint64_t got;
		switch (f->kind) {
		case F_DLT: got = (uint64_t)dlt; break;
		case F_MACS:
		case F_IP4S: got = distinct(&tallies[i]); break;
		default: got = tallies[i].n; break;
		}
		bool ok = f->kind == F_AT_LEAST ? got >= f->want
						: got == f->want;
		fact_done[i] = true;
		total.facts_checked++;
		if (!ok) {
			fprintf(stderr, "%s: %s: got %llu, want %s%llu\n", rel,
				f->what, (unsigned long long)got,
				f->kind == F_AT_LEAST ? ">= " : "",
				(unsigned long long)f->want);
			failures++;
		}
		free(tallies[i].keys);
	}
}

static bool is_capture(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".pcap") || !strcmp(dot, ".pcapng") ||
		       !strcmp(dot, ".cap"));
}

static void walk(const char *root, const char *rel)
{
	char dir[2 * PATH_MAX + 2];
	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		perror(dir);
		failures++;
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char sub[PATH_MAX], path[2 * PATH_MAX + 2];
		struct stat st;
		int ns = snprintf(sub, sizeof(sub), "%s%s%s", rel,
				  *rel ? "/" : "", name);
		int np = snprintf(path, sizeof(path), "%s/%s", root, sub);
		if (ns > 0 && (size_t)ns < sizeof(sub) && np > 0 &&
		    (size_t)np < sizeof(path) && name[0] != '.' &&
		    stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(root, sub);
			else if (is_capture(name))
				run_file(path, sub);
		}
		free(names[i]);
	}
	free(names);
}

int main(void)
{
	char root[PATH_MAX];
	const char *shared = getenv("FS_SHARED_DIR");
	struct stat st;

	/* <source root>/../shared; the source root is where rules/ lives */
	if (shared && *shared)
		snprintf(root, sizeof(root), "%s/data/pcap", shared);
	else
		snprintf(root, sizeof(root), "%s/../../shared/data/pcap",
			 FS_SOURCE_RULES_DIR);
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP: no captures at %s (set FS_SHARED_DIR)\n", root);
		return 77;
	}

	walk(root, "");
	for (size_t i = 0; i < NFACTS; i++)
		if (!fact_done[i]) {
			fprintf(stderr, "%s: missing (fact: %s)\n",
				facts[i].file, facts[i].what);
			failures++;
		}

	printf("%u files: %u opened, %u rejected by libpcap, %u with a link "
	       "type we do not decode\n",
	       total.files, total.opened, total.rejected, total.unsupported);
	printf("%llu frames: %llu ok, %llu truncated, %llu malformed; "
	       "%u facts checked\n",
	       (unsigned long long)total.frames,
	       (unsigned long long)total.status[FS_DECODE_OK],
	       (unsigned long long)total.status[FS_DECODE_TRUNCATED],
	       (unsigned long long)total.status[FS_DECODE_MALFORMED],
	       total.facts_checked);
	for (int r = 1; r < FS_DR_COUNT; r++)
		if (total.reason[r])
			printf("  %-18s %llu\n",
			       fs_decode_reason_name((enum fs_decode_reason)r),
			       (unsigned long long)total.reason[r]);
	if (total.opened == 0 || total.frames == 0)
		failures++;
	printf("%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
