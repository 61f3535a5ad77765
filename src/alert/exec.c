/*
 * --exec CMD: on raise and clear, /bin/sh -c CMD with the alert in the
 * environment (FLOODSPOT_KIND, _STATE, _RULE, _SEVERITY, _TS, _MESSAGE, _AGENT,
 * then FLOODSPOT_<KEY> per field; the fixed names come first, and getenv
 * returns the first). posix_spawn, which glibc implements with
 * clone(CLONE_VM|CLONE_VFORK): no copy of our tables, no waiting for the
 * child. Children are reaped by pid with WNOHANG from the service hook; at
 * most FS_ALERT_EXEC_MAX run at once, beyond that the run is dropped,
 * counted, and the next child that runs gets FLOODSPOT_DROPPED=N.
 *
 * The child gets nothing it does not need: an environment of its own
 * (PATH fixed, TZ and LANG when we have them, the alert's variables; not
 * ours), no descriptor but stdin from /dev/null and stdout and stderr to
 * our stderr (so a hook cannot corrupt --json lines) — every other one is
 * closed, whoever opened it (libpcap's capture socket, librrd's) — the
 * working directory "/", no ambient capability (a service given
 * CAP_NET_RAW that way would pass it on), and the signal mask and
 * dispositions reset (the daemon blocks signals for its signalfd).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "alert_int.h"
#include "floodspot/fmt.h"
#include "floodspot/log.h"

extern char **environ;

#define N_FIXED 8	/* kind state rule severity ts message agent dropped */
#define N_PASSED 2	/* TZ LANG */
#define VAR_MAX 200
#define CHILD_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct fs_alert_exec {
	char *cmd;
	pid_t pid[FS_ALERT_EXEC_MAX];
	unsigned running;
	struct fs_ratelimit warn;
	uint64_t spawned, dropped_busy, failed, exit_nonzero;
	uint64_t unreported;	/* runs dropped since the last child ran */
};

struct fs_alert_exec *fs_alert_exec_create(const char *cmd)
{
	struct fs_alert_exec *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->cmd = strdup(cmd);
	if (!x->cmd) {
		free(x);
		return NULL;
	}
	x->warn = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 3);
	/* Run as a service user with CAP_NET_RAW as an ambient capability,
	 * every hook would get it too: ambient capabilities survive execve,
	 * and inheritable ones reach a program with file capabilities. This
	 * thread spawns the children; it needs neither set itself. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL)
		fs_log_errno(FS_LOG_WARNING, errno,
			     "--exec: cannot clear ambient capabilities");
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2];
	if (syscall(SYS_capget, &hdr, caps) == 0 &&
	    (caps[0].inheritable || caps[1].inheritable)) {
		caps[0].inheritable = caps[1].inheritable = 0;
		if (syscall(SYS_capset, &hdr, caps) != 0)
			fs_log_errno(FS_LOG_WARNING, errno, "--exec: cannot clear "
				     "inheritable capabilities");
	}
	return x;
}

static void set_var(char *out, const char *name, const char *value,
		    size_t vmax)
{
	char clean[VAR_MAX];
	fs_alert_sanitize(clean, vmax < sizeof(clean) ? vmax : sizeof(clean),
			  value);
	int n = snprintf(out, VAR_MAX, "FLOODSPOT_");
	for (size_t i = 0; name[i] && (size_t)n + 2 < VAR_MAX; i++) {
		char c = name[i];
		out[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A')
			   : (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c
			   : '_';
	}
	out[n++] = '=';
	for (size_t i = 0; clean[i] && (size_t)n + 1 < VAR_MAX; i++)
		out[n++] = clean[i];
	out[n] = '\0';
}

void fs_alert_exec_reap(struct fs_alert_exec *x)
{
	for (unsigned i = 0; i < x->running;) {
		int status;
		pid_t r = waitpid(x->pid[i], &status, WNOHANG);
		if (r == 0) {
			i++;
			continue;
		}
		/* -1 (ECHILD): reaped elsewhere (SIGCHLD ignored); gone
		 * either way, status unknown. */
		if (r > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			x->exit_nonzero++;
		x->pid[i] = x->pid[--x->running];
	}
}

void fs_alert_exec_run(struct fs_alert_exec *x, const struct fs_alert *a)
{
	if (a->state != FS_ALERT_RAISED && a->state != FS_ALERT_CLEARED)
		return;
	fs_alert_exec_reap(x);
	if (x->running >= FS_ALERT_EXEC_MAX) {
		x->dropped_busy++;
		x->unreported++;
		fs_log_limited(&x->warn, a->ts_us, FS_LOG_WARNING,
			       "--exec: %u commands still running, alert %.*s not run",
			       x->running, (int)sizeof(a->rule), a->rule);
		return;
	}

	char vars[N_FIXED + FS_ALERT_MAX_FIELDS][VAR_MAX];
	char ts[FS_TIME_STRLEN];
	unsigned nv = 0;
	set_var(vars[nv++], "kind", a->kind, sizeof(a->kind));
	set_var(vars[nv++], "state", fs_alert_state_name(a->state), VAR_MAX);
	set_var(vars[nv++], "rule", a->rule, sizeof(a->rule));
	set_var(vars[nv++], "severity", fs_alert_severity_name(a->severity),
		VAR_MAX);
	set_var(vars[nv++], "ts", fs_fmt_time(ts, a->ts_us), sizeof(ts));
	set_var(vars[nv++], "message", a->message, sizeof(a->message));
	set_var(vars[nv++], "agent", a->agent, sizeof(a->agent));
	if (x->unreported) {
		char n[24];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)x->unreported);
		set_var(vars[nv++], "dropped", n, sizeof(n));
	}
	for (unsigned i = 0; i < a->n_fields && i < FS_ALERT_MAX_FIELDS; i++) {
		char key[sizeof(a->field[0].key)];
		fs_alert_sanitize(key, sizeof(key), a->field[i].key);
		set_var(vars[nv++], key, a->field[i].value,
			sizeof(a->field[0].value));
	}

	/* The alert, PATH, and of ours only what formats times and text. */
	char *envp[N_FIXED + FS_ALERT_MAX_FIELDS + N_PASSED + 2];
	size_t k = 0;
	for (unsigned i = 0; i < nv; i++)
		envp[k++] = vars[i];
	envp[k++] = (char *)CHILD_PATH;
	static const char *const passed[N_PASSED] = { "TZ=", "LANG=" };
	for (unsigned i = 0; i < N_PASSED; i++)
		for (char **e = environ; e && *e; e++)
			if (strncmp(*e, passed[i], strlen(passed[i])) == 0) {
				envp[k++] = *e;
				break;
			}
	envp[k] = NULL;

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawn_file_actions_addchdir_np(&fa, "/");
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);

	char *argv[] = { (char *)"sh", (char *)"-c", x->cmd, NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		x->failed++;
		fs_log_limited(&x->warn, a->ts_us, FS_LOG_WARNING,
			       "--exec: cannot run /bin/sh: %s", strerror(rc));
		return;
	}
	x->pid[x->running++] = pid;
	x->spawned++;
	x->unreported = 0;
}

void fs_alert_exec_stats(const struct fs_alert_exec *x,
			 struct fs_alert_sinks_stats *st)
{
	st->exec_spawned = x->spawned;
	st->exec_dropped_busy = x->dropped_busy;
	st->exec_failed = x->failed;
	st->exec_exit_nonzero = x->exit_nonzero;
	st->exec_running = x->running;
}

/* Children still running are left to finish on their own. */
void fs_alert_exec_destroy(struct fs_alert_exec *x)
{
	if (!x)
		return;
	fs_alert_exec_reap(x);
	free(x->cmd);
	free(x);
}
