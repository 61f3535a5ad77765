/*
 * The agent's own health as the rules see it (subject "agent"): the span
 * port gone silent, the kernel dropping captured packets, the RRD or alert
 * queues dropping, OSPF expected but not seen. The program hands in its
 * cumulative counters once per closed second; rules on agent.* metrics
 * raise and clear alerts with the lifecycle of every other rule
 * (floodspot.rules(5): "for", "clear ... for", "repeat", the alert cap).
 */
#ifndef FLOODSPOT_HEALTH_H
#define FLOODSPOT_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds the capture drop share is judged over. */
#define FS_HEALTH_WINDOW_S 10

enum fs_health_metric {
	FS_HEALTH_SILENT,		/* ms without a captured packet (live) */
	FS_HEALTH_CAPTURE_DROPS,	/* % of packets the kernel dropped */
	FS_HEALTH_RRD_DROPS,		/* RRD updates dropped in the second */
	FS_HEALTH_ALERT_DROPS,		/* alert deliveries dropped in the second */
	FS_HEALTH_OSPF_SILENT,		/* ms without OSPF, when expected */
	FS_HEALTH_COUNT
};

/* Cumulative figures at the end of one closed second. */
struct fs_health_sample {
	int64_t now_us;			/* packet time: end of the second */
	bool live;			/* silence means nothing in a replay */
	int64_t last_packet_us;		/* latest packet, or the start */
	uint64_t packets;		/* handled by the agent */
	uint64_t capture_drops;		/* kernel: ring and interface */
	uint64_t rrd_dropped;		/* RRD updates dropped, queue full */
	uint64_t alert_dropped;		/* alert deliveries lost by the sinks */
	uint64_t ospf_packets;		/* OSPF packets seen */
};

struct fs_health {
	bool expect_ospf;
	bool started;
	int64_t start_us;
	int64_t last_ospf_us;		/* second OSPF was last seen in */
	struct fs_health_sample prev;
	/* packets and drops per second, for the drop share */
	uint64_t win_packets[FS_HEALTH_WINDOW_S];
	uint64_t win_drops[FS_HEALTH_WINDOW_S];
	unsigned win_pos;
	double value[FS_HEALTH_COUNT];
};

/* expect_ospf: the segment should carry OSPF (--expect-ospf). */
void fs_health_init(struct fs_health *h, bool expect_ospf);
/* Once per closed second, after the counters it reads moved. */
void fs_health_tick(struct fs_health *h, const struct fs_health_sample *s);
/* The metric's value as of the last tick; 0 before the first. */
double fs_health_value(const struct fs_health *h, enum fs_health_metric m);
/* "silent", "capture_drops", ...: the rules' names after "agent.". */
const char *fs_health_metric_name(enum fs_health_metric m);

#endif
