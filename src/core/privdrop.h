/* Private to src/core: -Z, the worker's side (privdrop.c). */
#ifndef FS_CORE_PRIVDROP_H
#define FS_CORE_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "floodspot/agent.h"

struct fs_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Looks the user up; -1 with a message. */
int fs_user_find(const char *name, struct fs_user *u, char *err,
		 size_t errlen);
/*
 * Before the drop, as root: creates the output directories the user will
 * write (--rrd-dir with hosts/ and routers/ when the files are ours, and
 * --html) and hands them and the regular files in them to the user. Links
 * are never followed and files with several names never touched, so a
 * link the user planted cannot lead a later root start to chown another
 * file. -1 with a message.
 */
int fs_user_own_outputs(const struct fs_agent_config *cfg,
			const struct fs_user *u, char *err, size_t errlen);
/* Becomes the user for good (groups, gid, uid); -1 with a message. */
int fs_user_become(const struct fs_user *u, char *err, size_t errlen);

#endif
