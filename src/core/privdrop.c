/*
 * privdrop.c: -Z on the worker's side. The output directories become the
 * user's before the drop (they used to be created by root and then
 * refused every write), then the process becomes the user. Under a live
 * capture the privileged side is the parent src/capture/privsep.c forks;
 * this process then holds no capability at all.
 */
#include "privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "floodspot/store.h"

int fs_user_find(const char *name, struct fs_user *u, char *err,
		 size_t errlen)
{
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "-Z %s: no such user", name);
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	return 0;
}

/* The directory (made if missing) and its regular files to the user. */
static int own_dir(const char *path, const struct fs_user *u, char *err,
		   size_t errlen)
{
	if (fs_store_mkdir_p(path) != 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path,
			 strerror(errno));
		return -1;
	}
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (dfd < 0 || fstat(dfd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	if (fchown(dfd, u->uid, u->gid) != 0) {
		snprintf(err, errlen, "%s: cannot give to %s: %s", path, u->name,
			 strerror(errno));
		close(dfd);
		return -1;
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_nlink != 1)
			continue;
		fchownat(dfd, de->d_name, u->uid, u->gid, AT_SYMLINK_NOFOLLOW);
	}
	closedir(d);
	return 0;
}

static bool rrd_files_ours(const struct fs_agent_config *cfg)
{
	const char *d = cfg->rrdcached ? cfg->rrdcached
				       : getenv("RRDCACHED_ADDRESS");
	/* A remote rrdcached keeps the files in its own directory. */
	return !d || !*d || d[0] == '/' || strncmp(d, "unix:", 5) == 0;
}

int fs_user_own_outputs(const struct fs_agent_config *cfg,
			const struct fs_user *u, char *err, size_t errlen)
{
	if (cfg->rrd_dir && rrd_files_ours(cfg)) {
		char sub[4200];
		if (own_dir(cfg->rrd_dir, u, err, errlen) != 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			snprintf(sub, sizeof(sub), "%s/%s", cfg->rrd_dir,
				 i ? "routers" : "hosts");
			if (own_dir(sub, u, err, errlen) != 0)
				return -1;
		}
	}
	if (cfg->html_dir && own_dir(cfg->html_dir, u, err, errlen) != 0)
		return -1;
	return 0;
}

int fs_user_become(const struct fs_user *u, char *err, size_t errlen)
{
	if (initgroups(u->name, u->gid) != 0 || setgid(u->gid) != 0 ||
	    setuid(u->uid) != 0) {
		snprintf(err, errlen, "-Z %s: cannot drop privileges: %s",
			 u->name, strerror(errno));
		return -1;
	}
	/* Root could get back: check that it cannot. */
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "-Z %s: privileges not dropped", u->name);
		return -1;
	}
	return 0;
}
