/*
 * Decode: one bounds-checked pass from frame bytes to a struct fs_pkt.
 *
 *   decode.c      entry point, link-type dispatch, failure bookkeeping
 *   link.c        Ethernet II, Linux SLL v1/v2, BSD loopback, raw IP,
 *                 ethertype dispatch
 *   vlan.c        802.1Q / 802.1ad / 0x9100 tag stacks
 *   arp.c         ARP (Ethernet/IPv4 only)
 *   ip4.c         IPv4 header, options, fragments
 *   ip6.c         IPv6 header and extension-header chain
 *   l4.c          TCP, UDP, ICMP/ICMPv6; routing protocols recognised
 *   mirror.c      remote mirrors: GRE, ERSPAN I/II/III, GRE-TEB, VXLAN
 *   decode_int.h  state shared by the files above
 *
 * Routing messages are parsed on request, not by fs_decode(), into the
 * fixed-size structs of the *_msg.h public headers:
 *
 *   ospf.c, ospf_v2.c, ospf_v3.c, ospf_lsa.c   OSPFv2/v3 (ospf_wire.h)
 *   bgp.c, bgp_update.c, bgp_names.c           BGP framing and messages
 *                                              (bgp_int.h)
 *   bfd.c                                      BFD control packets
 *   vrrp.c, hsrp.c, fhrp.c                     VRRP v2/v3, CARP, HSRP
 *
 * Every read goes through struct fs_cursor; a length from the wire becomes
 * a sub-cursor. l4_off/l4_len describe the bytes after the TCP/UDP/ICMP
 * header, or the whole IP payload (after v6 extension headers) for OSPF
 * and other protocols, clipped to what was captured and to the IP length.
 */
#include <string.h>

#include <pcap/dlt.h>

#include "decode_int.h"

static const char *const reason_names[FS_DR_COUNT] = {
	[FS_DR_NONE] = "none",
	[FS_DR_L2_SHORT] = "l2_short",
	[FS_DR_VLAN_SHORT] = "vlan_short",
	[FS_DR_VLAN_TOO_DEEP] = "vlan_too_deep",
	[FS_DR_ARP_SHORT] = "arp_short",
	[FS_DR_ARP_BAD_LEN] = "arp_bad_len",
	[FS_DR_IP4_SHORT] = "ip4_short",
	[FS_DR_IP4_BAD_VERSION] = "ip4_bad_version",
	[FS_DR_IP4_BAD_IHL] = "ip4_bad_ihl",
	[FS_DR_IP4_BAD_TOTLEN] = "ip4_bad_totlen",
	[FS_DR_IP6_SHORT] = "ip6_short",
	[FS_DR_IP6_BAD_VERSION] = "ip6_bad_version",
	[FS_DR_IP6_BAD_PLEN] = "ip6_bad_plen",
	[FS_DR_IP6_EXT_SHORT] = "ip6_ext_short",
	[FS_DR_IP6_EXT_TOO_MANY] = "ip6_ext_too_many",
	[FS_DR_ICMP_SHORT] = "icmp_short",
	[FS_DR_TCP_SHORT] = "tcp_short",
	[FS_DR_TCP_BAD_OFFSET] = "tcp_bad_offset",
	[FS_DR_UDP_SHORT] = "udp_short",
	[FS_DR_UDP_BAD_LEN] = "udp_bad_len",
	[FS_DR_OSPF_SHORT] = "ospf_short",
	[FS_DR_SRC_MAC_GROUP] = "src_mac_group",
	[FS_DR_LINKTYPE] = "linktype",
	[FS_DR_L4_SHORT] = "l4_short",
	[FS_DR_GRE_SHORT] = "gre_short",
	[FS_DR_GRE_BAD_HEADER] = "gre_bad_header",
	[FS_DR_ERSPAN_SHORT] = "erspan_short",
	[FS_DR_ERSPAN_BAD_VERSION] = "erspan_bad_version",
	[FS_DR_ERSPAN_FRAME_TYPE] = "erspan_frame_type",
	[FS_DR_VXLAN_SHORT] = "vxlan_short",
	[FS_DR_MIRROR_TOO_DEEP] = "mirror_too_deep",
};

struct fs_cursor fs_decode_payload(const struct fs_pkt *p,
				   const uint8_t *frame)
{
	static const uint8_t none[1];
	struct fs_cursor all = fs_cursor_make(frame ? frame : none,
					      frame ? p->caplen : 0);
	fs_cursor_skip(&all, p->l4_off);
	return fs_cursor_sub(&all, p->l4_len);
}

const char *fs_decode_reason_name(enum fs_decode_reason r)
{
	if ((unsigned)r >= FS_DR_COUNT || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

bool fs_decode_peek_source(int dlt, const uint8_t *frame, uint32_t caplen,
			   uint16_t *vlan, const uint8_t **mac)
{
	if (dlt != DLT_EN10MB || caplen < 14)
		return false;
	uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);
	*vlan = 0;
	if ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && caplen >= 16)
		*vlan = (uint16_t)((frame[14] & 0x0f) << 8 | frame[15]);
	*mac = frame + 6;
	return true;
}

bool fs_decode_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_RAW:
	case DLT_NULL:
	case DLT_LOOP:
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
#endif
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
#endif
		return true;
	default:
		return false;
	}
}

void fs_dec_fail(struct fs_dec *d, enum fs_decode_reason r)
{
	if (d->p->status != FS_DECODE_OK)
		return;
	d->p->status = FS_DECODE_MALFORMED;
	d->p->reason = (uint8_t)r;
}

void fs_dec_short(struct fs_dec *d, enum fs_decode_reason r, bool clipped)
{
	if (d->p->status != FS_DECODE_OK)
		return;
	d->p->status = clipped ? FS_DECODE_TRUNCATED : FS_DECODE_MALFORMED;
	d->p->reason = (uint8_t)r;
}

/* Link types other than Ethernet. */
static void other_link(int dlt, struct fs_dec *d, struct fs_cursor *c)
{
	switch (dlt) {
	case DLT_LINUX_SLL:
		fs_dec_sll(d, c);
		break;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		fs_dec_sll2(d, c);
		break;
#endif
	case DLT_RAW:
		fs_dec_raw(d, c, 0);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		fs_dec_null(d, c);
		break;
#ifdef DLT_IPV4
	case DLT_IPV4:
		fs_dec_raw(d, c, 4);
		break;
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
		fs_dec_raw(d, c, 6);
		break;
#endif
	default:
		fs_dec_fail(d, FS_DR_LINKTYPE);
		break;
	}
}

enum fs_decode_status fs_decode(int dlt, const uint8_t *frame, uint32_t caplen,
				uint32_t wirelen, int64_t ts_us,
				struct fs_pkt *out)
{
	static const uint8_t none[1];

	/* Copying a zero object compiles to a few vector stores; memset of
	 * the struct became "rep stos", which costs more to start than the
	 * rest of a typical decode. */
	static const struct fs_pkt zero;
	*out = zero;
	out->ts_us = ts_us;
	out->caplen = caplen;
	out->wirelen = wirelen;
	if (!frame) {	/* keep cursor arithmetic off a null pointer */
		frame = none;
		caplen = 0;
	}

	struct fs_dec d = {
		.base = frame,
		.p = out,
		.missing = wirelen > caplen ? wirelen - caplen : 0,
	};
	struct fs_cursor c = fs_cursor_make(frame, caplen);

	/* Ethernet ahead of the switch: it is nearly every capture, and the
	 * switch compiles to a chain of compares. */
	if (dlt == DLT_EN10MB)
		fs_dec_ether(&d, &c);
	else
		other_link(dlt, &d, &c);

	if (out->status != FS_DECODE_OK)
		out->classes |= FS_CLASS_BIT(FS_CLASS_MALFORMED);
	return (enum fs_decode_status)out->status;
}
