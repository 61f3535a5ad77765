/*
 * Names for BGP message types, parse failures and NOTIFICATION codes
 * (RFC 4271 4.5 and 6, RFC 4486, 6608, 7313, 8538, 9234, 9384, 9687 as
 * listed in the IANA BGP parameters registry). Stable lower-case words
 * for logs and JSON; values we do not know print as numbers.
 */
#include <stdio.h>

#include "floodspot/bgp_msg.h"

static const char *const type_names[] = {
	[FS_BGP_OPEN] = "open",
	[FS_BGP_UPDATE] = "update",
	[FS_BGP_NOTIFICATION] = "notification",
	[FS_BGP_KEEPALIVE] = "keepalive",
	[FS_BGP_ROUTE_REFRESH] = "route_refresh",
};

static const char *const reason_names[FS_BGP_R_COUNT] = {
	[FS_BGP_R_OK] = "ok",
	[FS_BGP_R_SHORT] = "short",
	[FS_BGP_R_BAD_MARKER] = "bad_marker",
	[FS_BGP_R_BAD_LENGTH] = "bad_length",
	[FS_BGP_R_BAD_TYPE] = "bad_type",
	[FS_BGP_R_BAD_VERSION] = "bad_version",
	[FS_BGP_R_OPEN_PARAMS] = "open_params",
	[FS_BGP_R_CAPABILITY] = "capability",
	[FS_BGP_R_WITHDRAWN] = "withdrawn",
	[FS_BGP_R_ATTRS] = "attrs",
	[FS_BGP_R_NLRI] = "nlri",
	[FS_BGP_R_MP_ATTR] = "mp_attr",
};

static const char *const error_names[] = {
	[1] = "message_header_error",
	[2] = "open_message_error",
	[3] = "update_message_error",
	[4] = "hold_timer_expired",
	[5] = "fsm_error",
	[6] = "cease",
	[7] = "route_refresh_message_error",
	[8] = "send_hold_timer_expired",
};

static const char *const header_sub[] = {
	[1] = "connection_not_synchronized",
	[2] = "bad_message_length",
	[3] = "bad_message_type",
};

static const char *const open_sub[] = {
	[1] = "unsupported_version",
	[2] = "bad_peer_as",
	[3] = "bad_bgp_identifier",
	[4] = "unsupported_optional_parameter",
	[5] = "authentication_failure",	/* deprecated */
	[6] = "unacceptable_hold_time",
	[7] = "unsupported_capability",
	[11] = "role_mismatch",
};

static const char *const update_sub[] = {
	[1] = "malformed_attribute_list",
	[2] = "unrecognized_wellknown_attribute",
	[3] = "missing_wellknown_attribute",
	[4] = "attribute_flags_error",
	[5] = "attribute_length_error",
	[6] = "invalid_origin",
	[7] = "as_routing_loop",	/* deprecated */
	[8] = "invalid_next_hop",
	[9] = "optional_attribute_error",
	[10] = "invalid_network_field",
	[11] = "malformed_as_path",
};

static const char *const fsm_sub[] = {
	[1] = "unexpected_message_in_opensent",
	[2] = "unexpected_message_in_openconfirm",
	[3] = "unexpected_message_in_established",
};

static const char *const cease_sub[] = {
	[1] = "maximum_prefixes_reached",
	[2] = "administrative_shutdown",
	[3] = "peer_deconfigured",
	[4] = "administrative_reset",
	[5] = "connection_rejected",
	[6] = "other_configuration_change",
	[7] = "connection_collision_resolution",
	[8] = "out_of_resources",
	[9] = "hard_reset",
	[10] = "bfd_down",
};

static const char *const route_refresh_sub[] = {
	[1] = "invalid_message_length",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const char *const *names, size_t n, unsigned v,
			  char buf[FS_BGP_NAME_BUF])
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, FS_BGP_NAME_BUF, "%u", v);
	return buf;
}

const char *fs_bgp_type_name(uint8_t type, char buf[FS_BGP_NAME_BUF])
{
	return lookup(type_names, N(type_names), type, buf);
}

const char *fs_bgp_reason_name(enum fs_bgp_reason r)
{
	if ((unsigned)r < FS_BGP_R_COUNT)
		return reason_names[r];
	return "unknown";
}

const char *fs_bgp_error_name(uint8_t code, char buf[FS_BGP_NAME_BUF])
{
	return lookup(error_names, N(error_names), code, buf);
}

const char *fs_bgp_suberror_name(uint8_t code, uint8_t subcode,
				 char buf[FS_BGP_NAME_BUF])
{
	if (subcode == 0)
		return "unspecific";
	switch (code) {
	case 1:
		return lookup(header_sub, N(header_sub), subcode, buf);
	case 2:
		return lookup(open_sub, N(open_sub), subcode, buf);
	case 3:
		return lookup(update_sub, N(update_sub), subcode, buf);
	case 5:
		return lookup(fsm_sub, N(fsm_sub), subcode, buf);
	case 6:
		return lookup(cease_sub, N(cease_sub), subcode, buf);
	case 7:
		return lookup(route_refresh_sub, N(route_refresh_sub), subcode,
			      buf);
	default:
		return lookup(NULL, 0, subcode, buf);
	}
}
