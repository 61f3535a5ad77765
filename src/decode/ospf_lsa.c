/*
 * LSA walking shared by v2 and v3: the 20-byte LSA header (RFC 2328 A.4.1,
 * RFC 5340 A.4.2), LSR entries, whole LSAs in an LSU with their length as a
 * sub-cursor, router-LSA links and network-LSA attached routers.
 */
#include "ospf_wire.h"

bool fs_ospf_is_router_lsa(uint8_t version, uint16_t type)
{
	return version == 2 ? type == 1 : (type & 0x1fff) == 1;
}

bool fs_ospf_is_network_lsa(uint8_t version, uint16_t type)
{
	return version == 2 ? type == 2 : (type & 0x1fff) == 2;
}

bool fs_ospf_next_lsa_hdr(struct fs_cursor *c, uint8_t version,
			  struct fs_ospf_lsa_hdr *h)
{
	struct fs_cursor s = fs_cursor_sub(c, 20);
	if (s.failed)
		return false;
	h->age = fs_cursor_be16(&s);
	if (version == 2) {
		h->options = fs_cursor_u8(&s);
		h->type = fs_cursor_u8(&s);
	} else {
		h->options = 0;
		h->type = fs_cursor_be16(&s);
	}
	h->ls_id = fs_cursor_be32(&s);
	h->adv_router = fs_cursor_be32(&s);
	h->seq = fs_cursor_be32(&s);
	h->checksum = fs_cursor_be16(&s);
	h->length = fs_cursor_be16(&s);
	h->attached_first = h->n_attached = 0;
	return !s.failed;
}

bool fs_ospf_next_lsr(struct fs_cursor *c, uint8_t version,
		      struct fs_ospf_lsr_entry *e)
{
	struct fs_cursor s = fs_cursor_sub(c, 12);
	if (s.failed)
		return false;
	if (version == 2) {
		e->type = fs_cursor_be32(&s);
	} else {
		fs_cursor_skip(&s, 2);
		e->type = fs_cursor_be16(&s);
	}
	e->ls_id = fs_cursor_be32(&s);
	e->adv_router = fs_cursor_be32(&s);
	return !s.failed;
}

bool fs_ospf_next_lsa(struct fs_cursor *c, uint8_t version,
		      struct fs_ospf_lsa_hdr *h, struct fs_cursor *body)
{
	struct fs_cursor save = *c;
	if (!fs_ospf_next_lsa_hdr(c, version, h))
		return false;
	if (h->length < 20) {
		*c = save;
		c->failed = true;
		return false;
	}
	*body = fs_cursor_sub(c, (size_t)h->length - 20);
	return !body->failed;
}

uint8_t fs_ospf_rtr_links_begin(uint8_t version, struct fs_cursor *c,
				uint32_t *n_links)
{
	uint8_t flags = fs_cursor_u8(c);
	if (version == 2) {
		fs_cursor_skip(c, 1);
		*n_links = fs_cursor_be16(c);
	} else {
		fs_cursor_skip(c, 3);	/* options */
		*n_links = (uint32_t)(c->left / 16);
	}
	return flags;
}

bool fs_ospf_next_rtr_link(struct fs_cursor *c, uint8_t version,
			   struct fs_ospf_rtr_link *l)
{
	if (version == 2) {
		l->link_id = fs_cursor_be32(c);
		l->link_data = fs_cursor_be32(c);
		l->type = fs_cursor_u8(c);
		uint8_t n_tos = fs_cursor_u8(c);
		l->metric = fs_cursor_be16(c);
		fs_cursor_skip(c, (size_t)n_tos * 4);
		l->iface_id = l->nbr_iface_id = l->nbr_router_id = 0;
	} else {
		l->type = fs_cursor_u8(c);
		fs_cursor_skip(c, 1);
		l->metric = fs_cursor_be16(c);
		l->iface_id = fs_cursor_be32(c);
		l->nbr_iface_id = fs_cursor_be32(c);
		l->nbr_router_id = fs_cursor_be32(c);
		l->link_id = l->link_data = 0;
	}
	return !c->failed;
}

uint32_t fs_ospf_net_attached_begin(uint8_t version, struct fs_cursor *c,
				    uint32_t *netmask)
{
	if (version == 2) {
		*netmask = fs_cursor_be32(c);
	} else {
		*netmask = 0;
		fs_cursor_skip(c, 4);	/* reserved, options */
	}
	return c->failed ? 0 : (uint32_t)(c->left / 4);
}

bool fs_ospf_lsa_body_ok(uint8_t version, const struct fs_ospf_lsa_hdr *h,
			 struct fs_cursor body)
{
	if (fs_ospf_is_router_lsa(version, h->type)) {
		uint32_t n;
		fs_ospf_rtr_links_begin(version, &body, &n);
		if (body.failed)
			return false;
		if (version == 3)
			return body.left % 16 == 0;
		struct fs_ospf_rtr_link l;
		for (uint32_t i = 0; i < n; i++)
			if (!fs_ospf_next_rtr_link(&body, 2, &l))
				return false;
		return true;
	}
	if (fs_ospf_is_network_lsa(version, h->type)) {
		uint32_t mask;
		fs_ospf_net_attached_begin(version, &body, &mask);
		return !body.failed && body.left % 4 == 0;
	}
	return true;
}

enum fs_ospf_reason fs_ospf_read_neighbors(struct fs_cursor *body,
					   struct fs_ospf_msg *m)
{
	if (body->left % 4 != 0)
		return FS_OR_HELLO_SHORT;
	m->n_neighbors = (uint32_t)(body->left / 4);
	for (uint32_t i = 0; i < m->n_neighbors; i++) {
		uint32_t id = fs_cursor_be32(body);
		if (i < FS_OSPF_HELLO_MAX_NBRS)
			m->neighbors[i] = id;
	}
	return FS_OR_OK;
}

enum fs_ospf_reason fs_ospf_check_entries(struct fs_cursor *body, size_t len,
					  enum fs_ospf_reason if_short,
					  uint8_t version,
					  struct fs_ospf_msg *m)
{
	if (body->left % len != 0)
		return if_short;
	/* Within the array bounds by the packet length (ospf_msg.h); the
	 * tests keep the walk honest if those ever disagree. */
	uint32_t n = 0;
	if (len == FS_OSPF_LSR_ENTRY_LEN) {
		while (n < FS_OSPF_MSG_LSRS &&
		       fs_ospf_next_lsr(body, version, &m->lsrs[n]))
			n++;
	} else {
		while (n < FS_OSPF_MSG_LSAS &&
		       fs_ospf_next_lsa_hdr(body, version, &m->lsas[n]))
			n++;
	}
	m->n_items = n;
	return body->left == 0 ? FS_OR_OK : if_short;
}

/* A network-LSA's attached routers, appended to m->attached. */
static void copy_attached(uint8_t version, struct fs_ospf_lsa_hdr *h,
			  struct fs_cursor body, struct fs_ospf_msg *m)
{
	uint32_t mask;
	uint32_t n = fs_ospf_net_attached_begin(version, &body, &mask);
	h->attached_first = (uint16_t)m->n_attached;
	for (uint32_t i = 0; i < n && m->n_attached < FS_OSPF_MSG_ATTACHED;
	     i++)
		m->attached[m->n_attached++] = fs_cursor_be32(&body);
	h->n_attached = (uint16_t)(m->n_attached - h->attached_first);
}

enum fs_ospf_reason fs_ospf_check_lsu(struct fs_cursor *body, uint8_t version,
				      struct fs_ospf_msg *m)
{
	uint32_t n = fs_cursor_be32(body);
	if (body->failed)
		return FS_OR_LSU_SHORT;
	/* Each LSA takes at least 20 bytes, so this ends with the bytes,
	 * and FS_OSPF_MSG_LSAS holds them all. */
	for (uint32_t i = 0; i < n; i++) {
		struct fs_ospf_lsa_hdr h = { 0 };
		struct fs_cursor lsa;
		if (body->left < 20 || i == FS_OSPF_MSG_LSAS)
			return FS_OR_LSU_SHORT;
		if (!fs_ospf_next_lsa(body, version, &h, &lsa))
			return FS_OR_LSA_BAD_LENGTH;
		if (!fs_ospf_lsa_body_ok(version, &h, lsa))
			return FS_OR_LSA_BODY;
		if (fs_ospf_is_network_lsa(version, h.type))
			copy_attached(version, &h, lsa, m);
		m->lsas[i] = h;
		m->n_items = i + 1;
	}
	return FS_OR_OK;
}

enum fs_ospf_reason fs_ospf_check_lsa_body(struct fs_cursor *body,
					   uint8_t version,
					   struct fs_ospf_msg *m)
{
	switch (m->type) {
	case FS_OSPF_LSR:
		return fs_ospf_check_entries(body, FS_OSPF_LSR_ENTRY_LEN,
					     FS_OR_LSR_SHORT, version, m);
	case FS_OSPF_LSU:
		return fs_ospf_check_lsu(body, version, m);
	default:	/* LSAck: LSA headers */
		return fs_ospf_check_entries(body, FS_OSPF_LSA_HDR_LEN,
					     FS_OR_ACK_SHORT, version, m);
	}
}
