/* Private: RRD file names and data source / archive definitions. */
#ifndef FS_STORE_LAYOUT_H
#define FS_STORE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "floodspot/store.h"

enum fs_store_kind {
	FS_STORE_K_HOST,
	FS_STORE_K_SEGMENT,
	FS_STORE_K_ROUTER,
	FS_STORE_K_ADJ,		/* adjacency change for events.log */
};

#define FS_STORE_MAX_DS 8
#define FS_STORE_PATH_MAX 512

/* "hosts/10-02-00-0a-00-00-0d.rrd", "segment.rrd", "routers/10.0.0.1.rrd" */
int fs_store_rel_path(char *buf, size_t len, enum fs_store_kind kind,
		      uint16_t vlan, const uint8_t mac[6], uint32_t id);

/* DS names of a kind, and how many. */
const char *const *fs_store_ds_names(enum fs_store_kind kind, unsigned *n);

/*
 * rrd_create argv (DS and RRA lines) for a kind; strings live in buf.
 * Returns argc, or -1 when buf or argv is too small.
 */
int fs_store_create_args(const struct fs_store_config *cfg,
			 enum fs_store_kind kind, const char **argv,
			 int max_argv, char *buf, size_t buflen);

#endif
