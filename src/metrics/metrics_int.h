/* Private to src/metrics: the snapshot and the handle. */
#ifndef FS_METRICS_INT_H
#define FS_METRICS_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "floodspot/metrics.h"

#define FS_OSPF_STATES (FS_OSPF_FULL + 1)

struct fs_metrics_rule {
	char name[48];			/* = sizeof(struct fs_alert.rule) */
	uint64_t raised, cleared;
	uint32_t active;
};

struct fs_metrics_suspect {
	uint16_t vlan;
	uint8_t mac[6];
	char ip[46];			/* first address, "" when none */
	uint32_t ctrl_pps, pps;
	double ctrl_baseline;
	const char *top_class;		/* a static class name */
};

/* Everything /metrics shows, copied once per closed second. */
struct fs_metrics_snap {
	uint64_t seq;			/* publication number, from 1 */
	int64_t now_us;
	uint64_t seconds;		/* closed seconds so far */
	bool have_capture;
	struct fs_capture_stats capture;
	uint64_t packets, bytes;
	uint64_t decode_status[3];
	uint64_t cls_packets[FS_CLASS_COUNT];	/* of closed seconds */
	uint64_t ctrl_packets;
	struct fs_hosts_stats hosts;
	uint32_t hosts_active;
	bool have_store;
	struct fs_store_stats store;
	bool have_sinks;
	struct fs_alert_sinks_stats sinks;
	bool have_detect;
	struct fs_detect_stats detect;
	uint32_t n_rules;
	struct fs_metrics_rule rules[FS_METRICS_RULES_MAX];
	struct fs_metrics_rule rule_other;	/* names past the table */
	bool have_ospf;
	struct fs_ospf_stats ospf;
	uint32_t routers, routers_alive, routers_confirmed;
	uint32_t adjacencies[FS_OSPF_STATES];
	uint32_t adjacencies_not_full;	/* should be full, are not */
	bool have_health;
	double health[FS_HEALTH_COUNT];
	uint32_t n_suspects;
	struct fs_metrics_suspect suspects[FS_METRICS_TOP_MAX];
	struct fs_metrics_stats self;	/* as of the publication */
};

struct fs_metrics {
	char agent[FS_ALERT_AGENT_MAX + 1];
	unsigned top_n;
	bool live;

	/* capture thread */
	struct fs_metrics_snap *build;
	uint64_t cls_packets[FS_CLASS_COUNT], ctrl_packets, seconds;
	struct fs_metrics_rule rules[FS_METRICS_RULES_MAX];
	uint32_t n_rules;
	struct fs_metrics_rule rule_other;
	uint64_t published, publish_skipped;

	/* shared under mu: the published snapshot and the scrape marks */
	pthread_mutex_t mu;
	pthread_cond_t scraped_cv;
	struct fs_metrics_snap *pub;
	uint64_t served_seq;		/* newest snapshot a scrape served */
	_Atomic uint64_t scrapes, rejected, render_failed;

	struct MHD_Daemon *daemon;
	unsigned port;
};

/* snapshot.c: capture thread */
void fs_metrics_fill(struct fs_metrics *m, const struct fs_metrics_inputs *in,
		     struct fs_metrics_snap *s);
void fs_metrics_count_alert(struct fs_metrics *m, const struct fs_alert *a);

/* expo.c: the text format of one snapshot, malloc'd. */
char *fs_metrics_format(const struct fs_metrics *m,
			const struct fs_metrics_snap *s, size_t *len);

#endif
