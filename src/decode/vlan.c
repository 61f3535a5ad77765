/* VLAN tag stacks: 802.1Q (0x8100), 802.1ad (0x88a8) and old QinQ (0x9100). */
#include "decode_int.h"

static bool is_tpid(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

/*
 * VID 0 (priority tag) counts like any other VID, so a priority-tagged
 * frame is always keyed as vlan 0 with its real depth.
 */
bool fs_dec_vlan(struct fs_dec *d, struct fs_cursor *c, uint16_t *type)
{
	struct fs_pkt *p = d->p;

	while (is_tpid(*type)) {
		if (p->vlan_depth == FS_DEC_VLAN_MAX) {
			fs_dec_fail(d, FS_DR_VLAN_TOO_DEEP);
			return false;
		}
		uint8_t tag[4];	/* TCI, next type */
		fs_cursor_copy(c, tag, sizeof(tag));
		if (c->failed) {
			fs_dec_short(d, FS_DR_VLAN_SHORT, d->missing > 0);
			return false;
		}
		uint16_t vid = fs_dec_be16(tag, 0) & 0x0fff;
		if (p->vlan_depth == 0)
			p->vlan = vid;
		else
			p->vlan_inner = vid;
		p->vlan_depth++;
		*type = fs_dec_be16(tag, 2);
	}
	return true;
}
