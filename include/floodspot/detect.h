/*
 * Detection: evaluates the rules on each closed second of packet time, runs
 * the alert lifecycle, and correlates routing symptoms (late hellos, lost
 * adjacencies, route flaps) with the host whose control-plane traffic rose
 * before them. Emits FS_EV_ALERT.
 */
#ifndef FLOODSPOT_DETECT_H
#define FLOODSPOT_DETECT_H

#include <stdint.h>

#include "floodspot/event.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/rules.h"

struct fs_detect_inputs {
	const struct fs_hosts *hosts;
	const struct fs_ospf *ospf;	/* may be NULL */
	uint64_t capture_drops;		/* cumulative */
};

struct fs_detect;

/* Takes ownership of rules. Subscribes to bus for routing events. */
struct fs_detect *fs_detect_create(struct fs_ruleset *rules,
				   struct fs_event_bus *bus);
void fs_detect_destroy(struct fs_detect *d);
/* Replaces the rules (SIGHUP); active alerts of vanished rules clear. */
void fs_detect_set_rules(struct fs_detect *d, struct fs_ruleset *rules);
/* After fs_hosts_tick for the same second. */
void fs_detect_tick(struct fs_detect *d, int64_t sec_start_us,
		    const struct fs_detect_inputs *in);
/* End of replay: nothing more comes; active alerts stay as they are. */
uint64_t fs_detect_alerts_raised(const struct fs_detect *d);

#endif
