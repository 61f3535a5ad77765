/*
 * Structural check of an rtnetlink message before libnl parses it. libnl
 * 3.7 loops forever on an RTA_MULTIPATH nexthop whose rtnh_len is 0, and
 * runs past the attribute when the last nexthop's aligned length exceeds
 * it, and copies a negative length for an RTA_VIA under 2 bytes (all
 * found by fuzz_netlink), so attribute framing and nexthop lengths are verified
 * here first, with the cursor. Netlink is host byte order: fields are read
 * by copy, not with the cursor's big-endian readers.
 */
#include "kernel_priv.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "floodspot/cursor.h"

static uint16_t host16(struct fs_cursor *c)
{
	uint16_t v;
	fs_cursor_copy(c, &v, sizeof(v));
	return v;
}

/* Skips the padding to the next 4-byte boundary; the last one may lack it. */
static void skip_pad(struct fs_cursor *c, size_t len)
{
	size_t pad = RTA_ALIGN(len) - len;
	fs_cursor_skip(c, pad < c->left ? pad : c->left);
}

static bool multipath_ok(struct fs_cursor a);

/*
 * Route attributes, at the top level or inside one nexthop. libnl reads
 * RTA_VIA as a 2-byte family and an address of the rest without a length
 * check (a shorter one becomes a negative memcpy), so it must hold 2.
 */
static bool attrs_ok(struct fs_cursor c, bool top)
{
	while (c.left >= sizeof(struct rtattr)) {
		uint16_t alen = host16(&c);
		uint16_t atype = host16(&c) & NLA_TYPE_MASK;
		if (alen < sizeof(struct rtattr))
			return false;
		struct fs_cursor a = fs_cursor_sub(&c, alen - sizeof(struct rtattr));
		if (a.failed)
			return false;
		if (atype == RTA_VIA && a.left < sizeof(uint16_t))
			return false;
		if (top && atype == RTA_MULTIPATH && !multipath_ok(a))
			return false;
		skip_pad(&c, alen);
	}
	return !c.failed;
}

static bool multipath_ok(struct fs_cursor a)
{
	while (a.left > 0 && !a.failed) {
		size_t room = a.left;
		uint16_t len = host16(&a);
		/* libnl subtracts the aligned length from a signed remainder
		 * and compares it with a size_t: it must never go negative. */
		if (a.failed || len < sizeof(struct rtnexthop) ||
		    RTA_ALIGN((size_t)len) > room)
			return false;
		fs_cursor_skip(&a, sizeof(struct rtnexthop) - sizeof(uint16_t));
		if (!attrs_ok(fs_cursor_sub(&a, len - sizeof(struct rtnexthop)),
			      false))
			return false;
		skip_pad(&a, len);
	}
	return !a.failed;
}

bool fs_kernel_msg_check(const void *buf, size_t len)
{
	struct fs_cursor c = fs_cursor_make(buf, len);
	uint32_t mlen;
	fs_cursor_copy(&c, &mlen, sizeof(mlen));
	uint16_t type = host16(&c);
	if (c.failed || mlen < NLMSG_HDRLEN || mlen > len)
		return false;
	if (type != RTM_NEWROUTE && type != RTM_DELROUTE)
		return true;	/* link parsing goes through nla_parse only */
	c = fs_cursor_make(buf, mlen);
	fs_cursor_skip(&c, NLMSG_HDRLEN);
	fs_cursor_skip(&c, NLMSG_ALIGN(sizeof(struct rtmsg)));
	if (c.failed)
		return false;
	return attrs_ok(c, true);
}
