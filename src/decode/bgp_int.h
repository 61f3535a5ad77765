/* Private to src/decode: the BGP files' shared parts. */
#ifndef FLOODSPOT_BGP_INT_H
#define FLOODSPOT_BGP_INT_H

#include "floodspot/bgp_msg.h"
#include "floodspot/cursor.h"

/* The UPDATE body after the header, c bounded by the message length.
 * (bgp_update.c) */
enum fs_bgp_reason fs_bgp_parse_update(struct fs_cursor *c,
				       enum fs_bgp_add_path paths,
				       struct fs_bgp_update *u);

#endif
