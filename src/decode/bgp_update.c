/*
 * BGP UPDATE (RFC 4271 4.3): withdrawn routes, path attributes and NLRI
 * counted, not stored; MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760)
 * counted where the prefix encoding is the plain one (length in bits,
 * then the bits rounded up to bytes), with ADD-PATH identifiers (RFC
 * 7911) before each prefix when the session negotiated them.
 */
#include "bgp_int.h"

#define ATTR_EXTENDED_LENGTH 0x10
#define ATTR_MP_REACH 14
#define ATTR_MP_UNREACH 15

#define AFI_IPV4 1
#define AFI_IPV6 2

/* Prefixes of a field, or false when it is not whole prefixes; *defaults
 * counts the zero-length ones. */
static bool count_prefixes(struct fs_cursor c, bool paths, unsigned max_bits,
			   uint16_t *n, unsigned *defaults)
{
	uint32_t k = 0;
	*defaults = 0;
	while (c.left > 0) {
		if (paths)
			fs_cursor_skip(&c, 4);
		uint8_t bits = fs_cursor_u8(&c);
		if (c.failed || bits > max_bits)
			return false;
		fs_cursor_skip(&c, (bits + 7u) / 8);
		if (c.failed)
			return false;
		*defaults += bits == 0;
		k++;	/* a prefix takes a byte at least: k fits 16 bits */
	}
	*n = (uint16_t)k;
	return true;
}

/*
 * Guessing, path identifiers (small numbers: zero high bytes) read as
 * prefixes make a run of zero-length ones; a field that holds the default
 * route twice is taken for identifiers when it tiles as such.
 */
static bool count_field(struct fs_cursor c, enum fs_bgp_add_path paths,
			unsigned max_bits, uint16_t *n, bool *used_paths)
{
	unsigned defaults = 0;
	uint16_t plain = 0;
	bool plain_ok = paths != FS_BGP_PATHS_YES &&
			count_prefixes(c, false, max_bits, &plain, &defaults);
	if (plain_ok && (paths == FS_BGP_PATHS_NO || defaults < 2)) {
		*n = plain;
		return true;
	}
	if (paths == FS_BGP_PATHS_NO ||
	    !count_prefixes(c, true, max_bits, n, &defaults)) {
		*n = plain;
		return plain_ok;
	}
	*used_paths |= c.left > 0;
	return true;
}

/*
 * Longest prefix of an AFI/SAFI whose NLRI are plain prefixes: unicast
 * and multicast (1, 2) carry the address; labeled unicast (4) and the
 * VPN families (128, 129) prepend labels and a route distinguisher, so
 * only the byte bound holds. 0: another encoding, not counted.
 */
static unsigned max_prefix_bits(uint16_t afi, uint8_t safi)
{
	if (afi != AFI_IPV4 && afi != AFI_IPV6)
		return 0;
	switch (safi) {
	case 1:
	case 2:
		return afi == AFI_IPV4 ? 32 : 128;
	case 4:
	case 128:
	case 129:
		return 255;
	default:
		return 0;
	}
}

/* MP_REACH_NLRI: AFI, SAFI, next hop (length, address), reserved, NLRI. */
static bool mp_reach(struct fs_cursor v, enum fs_bgp_add_path paths,
		     struct fs_bgp_update *u)
{
	u->reach_afi = fs_cursor_be16(&v);
	u->reach_safi = fs_cursor_u8(&v);
	uint8_t nh_len = fs_cursor_u8(&v);
	fs_cursor_skip(&v, nh_len);
	fs_cursor_skip(&v, 1);
	if (v.failed)
		return false;
	unsigned max = max_prefix_bits(u->reach_afi, u->reach_safi);
	if (max == 0)
		return true;
	u->reach_counted =
		count_field(v, paths, max, &u->n_reach, &u->add_path);
	return u->reach_counted;
}

/* MP_UNREACH_NLRI: AFI, SAFI, withdrawn routes. */
static bool mp_unreach(struct fs_cursor v, enum fs_bgp_add_path paths,
		       struct fs_bgp_update *u)
{
	u->unreach_afi = fs_cursor_be16(&v);
	u->unreach_safi = fs_cursor_u8(&v);
	if (v.failed)
		return false;
	if (v.left == 0) {	/* none, whatever the encoding: End-of-RIB */
		u->unreach_counted = true;
		return true;
	}
	unsigned max = max_prefix_bits(u->unreach_afi, u->unreach_safi);
	if (max == 0)
		return true;
	u->unreach_counted =
		count_field(v, paths, max, &u->n_unreach, &u->add_path);
	return u->unreach_counted;
}

/* Attributes: flags, type, length (2 bytes with the extended bit). */
static enum fs_bgp_reason attributes(struct fs_cursor a,
				     enum fs_bgp_add_path paths,
				     struct fs_bgp_update *u)
{
	while (a.left > 0) {
		uint8_t flags = fs_cursor_u8(&a);
		uint8_t type = fs_cursor_u8(&a);
		uint16_t len = (flags & ATTR_EXTENDED_LENGTH)
				       ? fs_cursor_be16(&a)
				       : fs_cursor_u8(&a);
		struct fs_cursor v = fs_cursor_sub(&a, len);
		if (a.failed)
			return FS_BGP_R_ATTRS;
		if (u->n_attrs < UINT16_MAX)
			u->n_attrs++;
		if (type < 32)
			u->attrs_seen |= 1u << type;
		if (type == ATTR_MP_REACH && !mp_reach(v, paths, u))
			return FS_BGP_R_MP_ATTR;
		if (type == ATTR_MP_UNREACH && !mp_unreach(v, paths, u))
			return FS_BGP_R_MP_ATTR;
	}
	return FS_BGP_R_OK;
}

enum fs_bgp_reason fs_bgp_parse_update(struct fs_cursor *c,
				       enum fs_bgp_add_path paths,
				       struct fs_bgp_update *u)
{
	if (c->left < 4)
		return FS_BGP_R_BAD_LENGTH;
	u->withdrawn_len = fs_cursor_be16(c);
	struct fs_cursor withdrawn = fs_cursor_sub(c, u->withdrawn_len);
	u->attr_len = fs_cursor_be16(c);
	if (c->failed)
		return FS_BGP_R_WITHDRAWN;
	struct fs_cursor attrs = fs_cursor_sub(c, u->attr_len);
	if (c->failed)
		return FS_BGP_R_ATTRS;
	u->nlri_len = (uint16_t)c->left;

	if (!count_field(withdrawn, paths, 32, &u->n_withdrawn, &u->add_path))
		return FS_BGP_R_WITHDRAWN;
	enum fs_bgp_reason r = attributes(attrs, paths, u);
	if (r != FS_BGP_R_OK)
		return r;
	if (!count_field(*c, paths, 32, &u->n_nlri, &u->add_path))
		return FS_BGP_R_NLRI;

	/* RFC 4724 2: an empty UPDATE (IPv4 unicast), or one holding only
	 * an MP_UNREACH_NLRI with no withdrawn routes. */
	bool only_unreach = u->n_attrs == 1 &&
			    u->attrs_seen == 1u << ATTR_MP_UNREACH &&
			    u->unreach_counted && u->n_unreach == 0;
	u->end_of_rib = u->withdrawn_len == 0 && u->nlri_len == 0 &&
			(u->attr_len == 0 || only_unreach);
	return FS_BGP_R_OK;
}
