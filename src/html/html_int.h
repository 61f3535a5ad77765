/* Private to src/html: what html_tick.c and sessions.c need of html.c,
 * and the graph drawing child (draw.c). */
#ifndef FS_HTML_INT_H
#define FS_HTML_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/html.h"
#include "floodspot/log.h"

/* Writes s with <, >, & and " escaped for HTML text and attributes. */
void fs_html_esc(FILE *f, const char *s);

bool fs_html_due(const struct fs_html *h, int64_t now_us, int force);
uint32_t fs_html_top_n(const struct fs_html *h);
/* After fs_html_begin: this snapshot redraws every view. */
void fs_html_force(struct fs_html *h);
/* Text for a page: <, >, & and " escaped. */
void fs_html_esc(FILE *f, const char *s);

/* ---- routing sessions (sessions.c) ---- */

#define FS_HTML_MAX_SESSIONS 64
#define FS_HTML_MAX_SESSION_EVENTS 100
#define FS_HTML_MAX_SESSION_GRAPHS 16

struct fs_html_sess_event {
	int64_t ts_us;
	char what[32];		/* "bgp", "bfd", "vrrp3 group 7" */
	char text[200];		/* the change and its reason */
	bool bad;		/* a loss: shown as such */
};

/* The sessions part of a snapshot. */
struct fs_html_sess_snap {
	uint32_t n, n_events;
	struct fs_html_session rows[FS_HTML_MAX_SESSIONS];
	struct fs_html_sess_event events[FS_HTML_MAX_SESSION_EVENTS];	/* oldest first */
};

/* The trackers fs_html_tick reads, set by fs_html_set_trackers. */
struct fs_html_trackers {
	const struct fs_bgp *bgp;
	const struct fs_bfd *bfd;
	const struct fs_fhrp *fhrp;
};

const struct fs_html_trackers *fs_html_trackers(const struct fs_html *h);
/* Capture thread: every tracker's sessions into the snapshot. */
void fs_html_tick_sessions(struct fs_html *h);
/* A session event as one line for the page; false when ev is none. */
bool fs_html_session_event(const struct fs_event *ev,
			   struct fs_html_sess_event *out);
/* Renderer: the sessions section; img[i] says row i has a graph named
 * session-I<sfx>.png. */
void fs_html_write_sessions(FILE *f, const struct fs_html_sess_snap *ss,
			    const bool *img, const char *sfx);

/* One graph of a page: drawn into dir/name when ok. */
struct fs_html_job {
	struct fs_graph_req req;	/* out, format and daemon are set here */
	char name[80];			/* "segment.png", "host-...png" */
	char rrd_file[FS_STORE_PATH_MAX + 160];	/* flushed via rrdcached */
	bool ok;
};
struct fs_html_draw_cfg {
	const char *dir;		/* the --html directory */
	const char *daemon;		/* rrdcached to flush through, or NULL */
	unsigned timeout_ms;		/* the child is killed past this */
	struct fs_ratelimit *rl;	/* for per-graph errors */
	_Atomic int *child;		/* the drawing child's pid while it runs */
};
/* Draws the jobs in a child process that exits afterwards (librrd's graph
 * code leaks); sets each job's ok, returns how many were drawn. Renderer
 * thread only. */
unsigned fs_html_draw(const struct fs_html_draw_cfg *c,
		      struct fs_html_job *jobs, unsigned n);
/* true when fd holds a whole PNG (every chunk up to IEND); else why. */
bool fs_png_complete(int fd, char *why, size_t whylen);

#endif
