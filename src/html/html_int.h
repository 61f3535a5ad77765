/* Private to src/html: what html_tick.c and sessions.c need of html.c. */
#ifndef FS_HTML_INT_H
#define FS_HTML_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/html.h"

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

#endif
