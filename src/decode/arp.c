/* ARP over Ethernet for IPv4; any other address lengths are refused. */
#include "decode_int.h"

#define ARP_PTYPE_IP 0x0800

void fs_dec_arp(struct fs_dec *d, struct fs_cursor *c)
{
	struct fs_pkt *p = d->p;

	fs_dec_class(d, FS_CLASS_ARP);
	fs_cursor_skip(c, 2);	/* hardware type: Ethernet or IEEE 802 */
	uint16_t ptype = fs_cursor_be16(c);
	uint8_t hlen = fs_cursor_u8(c);
	uint8_t plen = fs_cursor_u8(c);
	p->arp_op = fs_cursor_be16(c);
	if (c->failed) {
		fs_dec_short(d, FS_DR_ARP_SHORT, d->missing > 0);
		return;
	}
	/* The lengths are only compared, never used to index: the layout is
	 * fixed to 6+4+6+4 bytes once they match. */
	if (hlen != 6 || plen != 4 || ptype != ARP_PTYPE_IP) {
		fs_dec_fail(d, FS_DR_ARP_BAD_LEN);
		return;
	}
	fs_cursor_skip(c, 6);
	fs_cursor_copy(c, p->arp_spa, 4);
	fs_cursor_skip(c, 6);
	fs_cursor_copy(c, p->arp_tpa, 4);
	if (c->failed)
		fs_dec_short(d, FS_DR_ARP_SHORT, d->missing > 0);
}
