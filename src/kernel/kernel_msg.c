/*
 * One raw rtnetlink message through libnl's own parsers (nl_msg_parse picks
 * the route or link cache ops, which validate attributes against their
 * policy): the pure path that unit tests and the fuzz target drive.
 */
#include "kernel_priv.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <string.h>

struct parse_ctx {
	struct fs_kernel *k;
	int action;
	int rc;
	unsigned objects;
};

static void parsed(struct nl_object *obj, void *arg)
{
	struct parse_ctx *pc = arg;
	pc->objects++;
	int rc = fs_kernel_object(pc->k, obj, pc->action);
	if (rc != 0)
		pc->rc = rc;
}

int fs_kernel_parse_msg(struct fs_kernel *k, const void *buf, size_t len,
			int64_t now_us)
{
	struct nlmsghdr hdr;
	if (len < NLMSG_HDRLEN) {
		k->st.bad_messages++;
		return -1;
	}
	memcpy(&hdr, buf, sizeof(hdr));
	/* nlmsg_convert copies nlmsg_len bytes: it must lie within buf. */
	if (hdr.nlmsg_len < NLMSG_HDRLEN || hdr.nlmsg_len > len) {
		k->st.bad_messages++;
		return -1;
	}
	if (!fs_kernel_msg_check(buf, len)) {
		k->st.bad_messages++;
		return -1;
	}
	int action;
	switch (hdr.nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_NEWLINK:
		action = NL_ACT_NEW;
		break;
	case RTM_DELROUTE:
	case RTM_DELLINK:
		action = NL_ACT_DEL;
		break;
	default:
		k->st.ignored++;
		return 0;
	}
	/* Copied to an aligned buffer owned by libnl; buf may be unaligned. */
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_ALIGN(hdr.nlmsg_len));
	if (!msg)
		return -1;
	if (nlmsg_get_max_size(msg) < hdr.nlmsg_len) {
		nlmsg_free(msg);
		return -1;
	}
	memcpy(nlmsg_hdr(msg), buf, hdr.nlmsg_len);
	nlmsg_set_proto(msg, NETLINK_ROUTE);

	struct parse_ctx pc = { .k = k, .action = action };
	k->now_us = now_us;
	int err = nl_msg_parse(msg, parsed, &pc);
	nlmsg_free(msg);
	if (err < 0 || pc.objects == 0) {
		k->st.bad_messages++;
		return -1;
	}
	return pc.rc;
}
