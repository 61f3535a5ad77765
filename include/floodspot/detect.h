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
#include "floodspot/health.h"
#include "floodspot/evidence.h"
#include "floodspot/gap.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "floodspot/routers.h"
#include "floodspot/rules.h"

struct fs_detect_inputs {
	const struct fs_hosts *hosts;
	const struct fs_ospf *ospf;	/* may be NULL */
	const struct fs_gaps *gaps;	/* may be NULL: blind spans */
	const struct fs_routers *routers; /* may be NULL: no host is a router */
	struct fs_evidence *evidence;	/* may be NULL: no evidence pcaps */
	uint64_t capture_drops;		/* cumulative */
	/* End of the time judged: the second's end, or the last packet's time
	 * when a replay ends mid-second. 0 means sec_start_us + 1 s. */
	int64_t now_us;
	const struct fs_health *health;	/* agent.* metrics; may be NULL */
};

struct fs_detect;

/* Tuning beyond what the rules files say. */
struct fs_detect_config {
	uint32_t max_alerts_per_s;	/* raised+active+cleared; default 20 */
	uint32_t table_size;		/* pending/active alerts; default 4096 */
	uint32_t incident_quiet_s;	/* symptoms closer than this form one
					 * incident (one culprit); default 60 */
	uint32_t route_flap_trigger;	/* route changes in a second that make
					 * a symptom; default 3 */
	float onset_k;			/* onset: rate > baseline + k*spread; 4 */
	uint32_t min_excess;		/* packets above baseline in the window
					 * for a host to be named; default 500 */
	float baseline_window_s;	/* = fs_hosts_config.baseline_window_s
					 * (60): to report the baseline as it
					 * was before the second that raised */
	const char *agent_name;		/* stamped on every alert; must outlive
					 * the detector; NULL: none */
};

struct fs_detect_stats {
	uint64_t raised, repeated, cleared;
	uint64_t deferred_cap;		/* held back by max_alerts_per_s */
	uint64_t same_host;		/* not raised: host already alerted */
	uint64_t table_full;		/* pending entries refused */
	uint64_t incidents, culprits, incidents_unnamed;
	uint32_t active;		/* alerts active now */
};

void fs_detect_config_defaults(struct fs_detect_config *cfg);
/* fs_detect_create with a configuration (NULL: defaults). */
struct fs_detect *fs_detect_create_config(struct fs_ruleset *rules,
					  struct fs_event_bus *bus,
					  const struct fs_detect_config *cfg);
void fs_detect_stats(const struct fs_detect *d, struct fs_detect_stats *st);

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
