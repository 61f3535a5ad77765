/* Private: RRD file names and data source / archive definitions. */
#ifndef FS_STORE_LAYOUT_H
#define FS_STORE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "floodspot/store.h"

#define FS_STORE_MAX_DS 8

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
