/*
 * The two ends of a session: a fixed order for them, and the key a
 * tracker's table finds the session by.
 */
#include <string.h>

#include "floodspot/session.h"

int fs_sess_side(const struct fs_pkt *p)
{
	int cmp = memcmp(p->src_ip, p->dst_ip, 16);
	return cmp > 0 || (cmp == 0 && p->src_port > p->dst_port);
}

struct fs_hword fs_sess_key(const struct fs_hkey *k, struct fs_seg seg,
			    uint8_t ip_version, uint16_t extra,
			    const uint8_t lo[16], const uint8_t hi[16])
{
	uint64_t ips[4];
	memcpy(ips, lo, 16);
	memcpy(ips + 2, hi, 16);
	uint64_t w[3] = { fs_seg_word(seg), (uint64_t)ip_version << 16 | extra,
			  fs_hkey_fold(k, ips, 4) };
	return fs_hkey_words(k, w, 3);
}
