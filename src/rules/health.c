/*
 * The agent's health metrics (health.h): per-second deltas of the
 * program's cumulative counters, a sliding window for the capture drop
 * share, and silences measured in packet time. The detector reads them
 * for rules of subject "agent"; nothing here raises an alert itself.
 */
#include "floodspot/health.h"

#include <string.h>

static const char *const names[FS_HEALTH_COUNT] = {
	[FS_HEALTH_SILENT] = "silent",
	[FS_HEALTH_CAPTURE_DROPS] = "capture_drops",
	[FS_HEALTH_RRD_DROPS] = "rrd_drops",
	[FS_HEALTH_ALERT_DROPS] = "alert_drops",
	[FS_HEALTH_OSPF_SILENT] = "ospf_silent",
};

const char *fs_health_metric_name(enum fs_health_metric m)
{
	return (unsigned)m < FS_HEALTH_COUNT ? names[m] : "unknown";
}

void fs_health_init(struct fs_health *h, bool expect_ospf)
{
	memset(h, 0, sizeof(*h));
	h->expect_ospf = expect_ospf;
}

/* A counter that went backwards (a capture reopened) moved by nothing. */
static uint64_t delta(uint64_t now, uint64_t before)
{
	return now > before ? now - before : 0;
}

void fs_health_tick(struct fs_health *h, const struct fs_health_sample *s)
{
	if (!h->started) {
		h->started = true;
		/* The first second's figures are its own: from zero. */
		memset(&h->prev, 0, sizeof(h->prev));
		h->start_us = s->now_us - 1000000;
		h->last_ospf_us = h->start_us;
	}
	uint64_t pk = delta(s->packets, h->prev.packets);
	uint64_t dr = delta(s->capture_drops, h->prev.capture_drops);
	h->win_packets[h->win_pos] = pk;
	h->win_drops[h->win_pos] = dr;
	h->win_pos = (h->win_pos + 1) % FS_HEALTH_WINDOW_S;
	uint64_t wp = 0, wd = 0;
	for (unsigned i = 0; i < FS_HEALTH_WINDOW_S; i++) {
		wp += h->win_packets[i];
		wd += h->win_drops[i];
	}
	h->value[FS_HEALTH_CAPTURE_DROPS] =
		wp + wd ? 100.0 * (double)wd / (double)(wp + wd) : 0;
	h->value[FS_HEALTH_RRD_DROPS] =
		(double)delta(s->rrd_dropped, h->prev.rrd_dropped);
	h->value[FS_HEALTH_ALERT_DROPS] =
		(double)delta(s->alert_dropped, h->prev.alert_dropped);

	/* A replay's gaps are the capture's, not a silent span port. */
	int64_t last = s->last_packet_us > h->start_us ? s->last_packet_us
						       : h->start_us;
	h->value[FS_HEALTH_SILENT] =
		s->live && s->now_us > last ? (double)(s->now_us - last) / 1000.0
					    : 0;
	if (s->ospf_packets != h->prev.ospf_packets)
		h->last_ospf_us = s->now_us;
	h->value[FS_HEALTH_OSPF_SILENT] =
		h->expect_ospf && s->now_us > h->last_ospf_us
			? (double)(s->now_us - h->last_ospf_us) / 1000.0
			: 0;
	h->prev = *s;
}

double fs_health_value(const struct fs_health *h, enum fs_health_metric m)
{
	return h && (unsigned)m < FS_HEALTH_COUNT ? h->value[m] : 0;
}
