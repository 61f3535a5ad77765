/*
 * agent.c: owns the modules and runs the loop on the capture thread.
 * Per packet: the packet clock judges its timestamp, then decode, OSPF
 * tracker, router classes, hosts. The clock closes slices (100 ms): each
 * runs hosts, OSPF timers and detection; a slice that ends a second also
 * runs storage and output, in that order.
 */
#include "floodspot/agent.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/alert.h"
#include "floodspot/bfd.h"
#include "floodspot/bgp.h"
#include "floodspot/capture.h"
#include "floodspot/config.h"
#include "floodspot/clock.h"
#include "floodspot/decode.h"
#include "floodspot/detect.h"
#include "floodspot/event.h"
#include "floodspot/evidence.h"
#include "floodspot/fhrp.h"
#include "floodspot/fmt.h"
#include "floodspot/gap.h"
#include "floodspot/health.h"
#include "floodspot/hosts.h"
#include "floodspot/kernel.h"
#include "floodspot/log.h"
#include "floodspot/metrics.h"
#include "floodspot/ospf.h"
#include "floodspot/output.h"
#include "floodspot/routers.h"
#include "floodspot/rules.h"
#include "floodspot/hash.h"
#include "floodspot/html.h"
#include "floodspot/store.h"
#include "floodspot/thread.h"
#include "fs_config.h"
#include "privdrop.h"

#define USEC 1000000LL
#define TIMER_PERIOD_MS 100
/* How far behind the monotonic estimate the idle clock stays: a frame
 * stamped before a slice boundary may still be in the ring or waiting for
 * the CPU; closing its slice first would miss it (and call its sender's
 * silence a symptom one slice late). */
#define IDLE_LAG_US (TIMER_PERIOD_MS * 1000LL)
#define REOPEN_MIN_S 1
#define REOPEN_MAX_S 30
/* Shutdown bounds: queued alerts get this long to reach a collector, the
 * RRD writer and the page renderer this long to finish; then what is left
 * is dropped, counted and reported, and the process exits. */
#define EXIT_ALERTS_MS 2000
#define EXIT_STORE_MS 3000
#define EXIT_HTML_MS 5000

struct agent_counters {
	uint64_t packets, bytes;
	uint64_t by_status[3];
	uint64_t by_reason[FS_DR_COUNT];
};

struct agent {
	struct fs_agent_config *cfg;	/* = &run: reload changes some fields */
	struct fs_agent_config run;
	char rules_path[4096];		/* the rules in force */
	char name[FS_AGENT_NAME_MAX + 1];
	struct fs_capture *cap;
	int dlt;
	bool live;
	struct fs_hosts *hosts;
	struct fs_hosts_config hosts_cfg;
	struct fs_routers routers;
	struct fs_clock clock;
	struct fs_gaps gaps;
	struct fs_event_bus bus;
	struct fs_output out;
	FILE *top_out;
	struct fs_ospf *ospf;
	struct fs_bgp *bgp;
	struct fs_bfd *bfd;
	struct fs_fhrp *fhrp;
	struct fs_kernel *kernel;
	struct fs_store *store;
	struct fs_html *html;
	struct fs_metrics *metrics;
	struct fs_evidence *evidence;
	char evidence_dir[256];
	struct fs_detect *detect;
	struct fs_health health;
	struct fs_alert_sinks *sinks;
	struct fs_alert_sinks_config sinks_cfg;
	struct agent_counters n;

	/* live mode: packet time advances with the monotonic clock when idle */
	int64_t last_pkt_ts;
	int64_t last_pkt_mono;
	int64_t last_top_us;
	int64_t reopen_at_mono;
	unsigned reopen_backoff_s;
	bool capture_down;
	bool stop;
	bool failed;		/* the capture is gone for good: exit 1 */
	int stop_signal;	/* the signal that ended the run, 0: none */
	bool final_tick;	/* closing a partial last second at the end */
	bool batching;		/* the capture batches, on_peek looks ahead */
	int sfd;		/* signalfd of the handled signals */
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC + ts.tv_nsec / 1000;
}

static int64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * USEC + ts.tv_nsec / 1000;
}

static uint64_t capture_drops(struct agent *a)
{
	struct fs_capture_stats st;
	if (!a->cap || !fs_capture_stats(a->cap, &st))
		return 0;
	return st.dropped + st.if_dropped;
}

/* Alert deliveries the sinks lost, all causes. */
static uint64_t alert_drops(struct agent *a)
{
	struct fs_alert_sinks_stats st;
	if (!a->sinks)
		return 0;
	fs_alert_sinks_stats(a->sinks, &st);
	return st.local_dropped + st.remote_dropped_queue_full +
	       st.remote_dropped_send_error + st.remote_unconfirmed +
	       st.exec_dropped_busy + st.exec_failed;
}

static void health_tick(struct agent *a, int64_t end)
{
	struct fs_store_stats ss;
	struct fs_ospf_stats os;
	fs_store_stats(a->store, &ss);
	fs_ospf_stats(a->ospf, &os);
	struct fs_health_sample hs = {
		.now_us = end,
		.live = a->live,
		.last_packet_us = a->last_pkt_ts,
		.packets = a->n.packets,
		.capture_drops = capture_drops(a),
		.rrd_dropped = ss.updates_dropped_full +
			       ss.updates_dropped_retry,
		.alert_dropped = alert_drops(a),
		.ospf_packets = os.packets,
	};
	fs_health_tick(&a->health, &hs);
}

static void metrics_tick(struct agent *a, int64_t sec, int64_t end)
{
	struct fs_metrics_inputs in = {
		.sec_us = sec,
		.now_us = end,
		.hosts = a->hosts,
		.ospf = a->ospf,
		.detect = a->detect,
		.store = a->store,
		.sinks = a->sinks,
		.health = &a->health,
		.packets = a->n.packets,
		.bytes = a->n.bytes,
	};
	memcpy(in.decode_status, a->n.by_status, sizeof(in.decode_status));
	in.have_capture = a->live && fs_capture_stats(a->cap, &in.capture);
	fs_metrics_tick(a->metrics, &in);
}

static void on_tick(int64_t slice, void *ctx)
{
	struct agent *a = ctx;
	int64_t end = slice + a->clock.slice_us;

	/* The last slice of a replay ends with its last packet: timers must
	 * not see silence that the capture never recorded. */
	if (a->final_tick && a->clock.now_us < end)
		end = a->clock.now_us;
	uint64_t drops = capture_drops(a);
	fs_hosts_tick(a->hosts, slice);
	/* A replay's last second is closed slice by slice for its figures;
	 * the slices after its last packet saw no time pass, so no timer,
	 * hold-down or rule is judged in them. */
	if (a->final_tick && slice >= a->clock.now_us)
		goto second;
	/* Before the timers: a blind span opened now hides their symptoms. */
	const struct fs_segment *seg = fs_hosts_segment(a->hosts);
	fs_gaps_slice(&a->gaps, slice, end, seg->packets, drops,
		      fs_clock_ends_second(&a->clock, slice)
			      ? (int64_t)seg->last.packets - seg->top_last : -1);
	/* A packet past this slice closed it and no silence lies before that
	 * packet: the capture watched the whole slice, so a hello overdue in
	 * it is late now, not a slice later. */
	if (!a->clock.idle_ticking && !a->final_tick &&
	    fs_gaps_watched(&a->gaps, a->clock.now_us))
		fs_ospf_seen_until(a->ospf, end);
	fs_ospf_tick(a->ospf, end);
	fs_bgp_tick(a->bgp, end);
	fs_bfd_tick(a->bfd, end);
	fs_fhrp_tick(a->fhrp, end);
	if (a->kernel)
		fs_kernel_tick(a->kernel, end);
	/* Health figures are per second; the rules judge them every slice. */
	if (fs_clock_ends_second(&a->clock, slice))
		health_tick(a, end);
	struct fs_detect_inputs in = {
		.hosts = a->hosts,
		.ospf = a->ospf,
		.gaps = &a->gaps,
		.routers = &a->routers,
		.evidence = a->evidence,
		.capture_drops = drops,
		.now_us = end,
		.health = &a->health,
	};
	fs_detect_tick(a->detect, slice, &in);
	fs_evidence_tick(a->evidence, end);
second:
	if (!fs_clock_ends_second(&a->clock, slice))
		return;
	int64_t sec = slice + a->clock.slice_us - USEC;
	if (a->store) {
		fs_store_tick(a->store, sec, a->hosts, a->ospf);
		fs_store_tick_sessions(a->store, sec, a->bgp, a->bfd, a->fhrp);
	}
	if (a->html)
		fs_html_tick(a->html, end, a->hosts, a->ospf, 0);
	if (a->metrics)
		metrics_tick(a, sec, end);
	if (a->live && a->cfg->top &&
	    end - a->last_top_us >= (int64_t)a->cfg->top_interval_s * USEC) {
		fs_output_top(a->top_out, a->hosts, a->cfg->top, end);
		a->last_top_us = end;
	}
}

/*
 * Timestamps stepped and the packets after agreed: say so, and when
 * packet time was re-based, mark the seam blind so no interval across
 * it is judged.
 */
static __attribute__((noinline)) void report_step(struct agent *a)
{
	struct fs_clock_step st;
	if (!fs_clock_take_step(&a->clock, &st))
		return;
	char at[FS_TIME_STRLEN];
	fs_log(FS_LOG_WARNING,
	       "clock: timestamps stepped %+.3f s at %s and the packets after agree; %s",
	       (double)st.by_us / 1e6, fs_fmt_time(at, st.at_us),
	       st.rebased ? "packet time runs on from there (re-based)"
			  : "taken as a capture gap");
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_CLOCK_STEP;
	ev.ts_us = st.at_us;
	ev.u.step.by_us = st.by_us;
	ev.u.step.rebased = st.rebased;
	fs_event_emit(&a->bus, &ev);
	if (st.rebased)
		fs_gaps_mark(&a->gaps, st.at_us, FS_GAP_CLOCK_STEP);
	/* Live, the wire went on and only the clock moved; a replay joined
	 * two unrelated stretches of it. */
	if (!a->live) {
		fs_ospf_forget(a->ospf);
		fs_bgp_forget(a->bgp);
		fs_bfd_forget(a->bfd);
		fs_fhrp_forget(a->fhrp);
	}
}

/* A packet at its packet time: the clock has closed the slices before. */
static void on_packet(void *ctx, int64_t ts, const uint8_t *frame,
		      uint32_t caplen, uint32_t wirelen)
{
	struct agent *a = ctx;
	struct fs_pkt p;

	if (a->clock.step_pending)
		report_step(a);
	a->last_pkt_ts = ts;
	fs_gaps_packet(&a->gaps, ts);

	fs_decode(a->dlt, frame, caplen, wirelen, ts, &p);
	a->n.by_status[p.status]++;
	if (p.status != FS_DECODE_OK && p.reason < FS_DR_COUNT)
		a->n.by_reason[p.reason]++;

	if (p.is_ospf)
		fs_ospf_packet(a->ospf, &p, frame);
	else if (p.route == FS_ROUTE_BGP)
		fs_bgp_packet(a->bgp, &p, frame);
	else if (p.route == FS_ROUTE_BFD)
		fs_bfd_packet(a->bfd, &p, frame);
	else if (p.route >= FS_ROUTE_VRRP)
		fs_fhrp_packet(a->fhrp, &p, frame);
	/* Encrypted OSPF (ESP) still proves its sender alive. */
	fs_ospf_seen_esp(a->ospf, &p);
	fs_ospf_seen_vlan(a->ospf, p.vlan, ts);
	fs_routers_classify(&a->routers, &p);
	const struct fs_host *h = fs_hosts_account(a->hosts, &p);
	if (a->evidence)
		fs_evidence_frame(a->evidence, &p, frame,
				  h->base_ctrl.in_run || h->base_pps.in_run);
}

/* A few frames ahead of on_capture: the host's slots start loading. */
static void on_peek(void *ctx, const uint8_t *frame, uint32_t caplen)
{
	struct agent *a = ctx;
	uint16_t vlan;
	const uint8_t *mac;

	if (fs_decode_peek_source(a->dlt, frame, caplen, &vlan, &mac))
		fs_hosts_prefetch(a->hosts, vlan, mac);
}

/*
 * Batches with a look-ahead only while the hosts table is full: then new
 * sources evict, and their slots are cold. A table that has room holds
 * every host the segment has, warm; copying frames would only cost.
 * Between dispatch calls, as the capture requires.
 */
static void choose_batching(struct agent *a)
{
	struct fs_hosts_stats st;
	fs_hosts_stats(a->hosts, &st);
	bool want = st.in_use == st.capacity;
	if (want == a->batching)
		return;
	if (fs_capture_set_peek(a->cap, want ? on_peek : NULL, a) != 0) {
		fs_log(FS_LOG_WARNING, "capture: no memory for batches; "
		       "frames go one by one");
		return;
	}
	a->batching = want;
}

/* From the capture: the clock judges the timestamp first. */
static void on_capture(void *ctx, int64_t ts, const uint8_t *frame,
		       uint32_t caplen, uint32_t wirelen)
{
	struct agent *a = ctx;

	a->n.packets++;
	a->n.bytes += wirelen;
	fs_clock_packet(&a->clock, ts, frame, caplen, wirelen);
}

/* Where every alert went: the detector's counts, then each sink's. A
 * sink's alerts are its sent + dropped + still queued. */
static void print_alert_stats_json(struct agent *a, FILE *f)
{
	struct fs_detect_stats ds;
	fs_detect_stats(a->detect, &ds);
	fprintf(f, "\"alerts\":{\"raised\":%llu,\"repeated\":%llu,"
		"\"cleared\":%llu,\"culprits\":%llu,\"deferred_cap\":%llu,"
		"\"table_full\":%llu",
		(unsigned long long)ds.raised, (unsigned long long)ds.repeated,
		(unsigned long long)ds.cleared, (unsigned long long)ds.culprits,
		(unsigned long long)ds.deferred_cap,
		(unsigned long long)ds.table_full);
	if (a->sinks) {
		struct fs_alert_sinks_stats st;
		fs_alert_sinks_stats(a->sinks, &st);
		fprintf(f, ",\"emitted\":%llu", (unsigned long long)st.alerts);
		if (a->sinks_cfg.use_syslog)
			fprintf(f, ",\"local\":{\"sent\":%llu,\"dropped\":%llu,"
				"\"summaries\":%llu}",
				(unsigned long long)st.local_sent,
				(unsigned long long)st.local_dropped,
				(unsigned long long)st.local_summaries);
		if (a->sinks_cfg.remote)
			fprintf(f, ",\"remote\":{\"sent\":%llu,"
				"\"dropped_queue_full\":%llu,"
				"\"dropped_send_error\":%llu,"
				"\"dropped_exit\":%llu,\"unconfirmed\":%llu,"
				"\"queued\":%u,\"summaries\":%llu,"
				"\"disconnects\":%llu,\"connect_failures\":%llu}",
				(unsigned long long)st.remote_sent,
				(unsigned long long)st.remote_dropped_queue_full,
				(unsigned long long)st.remote_dropped_send_error,
				(unsigned long long)st.remote_dropped_exit,
				(unsigned long long)st.remote_unconfirmed,
				st.remote_queued,
				(unsigned long long)st.remote_summaries,
				(unsigned long long)st.remote_disconnects,
				(unsigned long long)st.remote_connect_failures);
		if (a->sinks_cfg.exec_cmd)
			fprintf(f, ",\"exec\":{\"spawned\":%llu,"
				"\"dropped_busy\":%llu,\"failed\":%llu,"
				"\"exit_nonzero\":%llu}",
				(unsigned long long)st.exec_spawned,
				(unsigned long long)st.exec_dropped_busy,
				(unsigned long long)st.exec_failed,
				(unsigned long long)st.exec_exit_nonzero);
	}
	fputs("}", f);
}

static void print_store_stats_json(struct agent *a, FILE *f)
{
	struct fs_store_stats st;
	fs_store_stats(a->store, &st);
	fprintf(f, ",\"rrd\":{\"queued\":%llu,\"written\":%llu,"
		"\"dropped_full\":%llu,\"dropped_exit\":%llu,"
		"\"errors\":%llu,\"skipped_old\":%llu,\"no_file\":%llu,"
		"\"files_created\":%llu,\"files_retired\":%llu,"
		"\"files_refused\":%llu,\"host_files\":%u,"
		"\"hosts_not_stored\":%llu,\"disk_files\":%u,"
		"\"disk_bytes\":%llu,\"router_files\":%u,"
		"\"retry_queued\":%llu,\"replayed\":%llu,"
		"\"dropped_retry\":%llu,\"retry_len\":%u,"
		"\"daemon_outages\":%llu,\"daemon_down\":%s,"
		"\"name_conflicts\":%llu}",
		(unsigned long long)st.updates_queued,
		(unsigned long long)st.updates_written,
		(unsigned long long)st.updates_dropped_full,
		(unsigned long long)st.updates_dropped_exit,
		(unsigned long long)st.update_errors,
		(unsigned long long)st.updates_skipped_old,
		(unsigned long long)st.updates_no_file,
		(unsigned long long)st.files_created,
		(unsigned long long)st.files_retired,
		(unsigned long long)st.files_refused, st.host_files,
		(unsigned long long)st.hosts_not_stored, st.disk_files,
		(unsigned long long)st.disk_bytes, st.router_files,
		(unsigned long long)st.updates_retry_queued,
		(unsigned long long)st.updates_replayed,
		(unsigned long long)st.updates_dropped_retry,
		st.retry_queue_len, (unsigned long long)st.daemon_outages,
		st.daemon_down ? "true" : "false",
		(unsigned long long)st.name_conflicts);
}

/* The routing trackers' counts, members of the stats object. */
static void print_session_stats(struct agent *a, FILE *f)
{
	struct fs_bgp_stats b;
	struct fs_bfd_stats d;
	struct fs_fhrp_stats h;
	fs_bgp_stats(a->bgp, &b);
	fs_bfd_stats(a->bfd, &d);
	fs_fhrp_stats(a->fhrp, &h);
	fprintf(f,
		"\"bgp_segments\":%llu,\"bgp_messages\":%llu,"
		"\"bgp_malformed\":%llu,\"bgp_retransmits\":%llu,"
		"\"bgp_holes\":%llu,\"bgp_resyncs\":%llu,"
		"\"bgp_unparsed\":%llu,\"bgp_sessions_full\":%llu,"
		"\"bfd_packets\":%llu,\"bfd_malformed\":%llu,"
		"\"bfd_sessions_full\":%llu,\"fhrp_packets\":%llu,"
		"\"fhrp_malformed\":%llu,\"fhrp_groups_full\":%llu,"
		"\"session_pairs_unexpected\":%llu,",
		(unsigned long long)b.segments, (unsigned long long)b.messages,
		(unsigned long long)b.malformed, (unsigned long long)b.retransmits,
		(unsigned long long)b.holes, (unsigned long long)b.resyncs,
		(unsigned long long)(b.unparsed_no_buffer + b.unparsed_too_long),
		(unsigned long long)b.sessions_full,
		(unsigned long long)d.packets, (unsigned long long)d.malformed,
		(unsigned long long)d.sessions_full,
		(unsigned long long)h.packets, (unsigned long long)h.malformed,
		(unsigned long long)h.groups_full,
		(unsigned long long)(b.fsm_unexpected + d.fsm_unexpected +
				     h.fsm_unexpected));
}

static void print_stats_json(struct agent *a, FILE *f)
{
	struct fs_hosts_stats hs;
	struct fs_capture_stats cs = { 0 };
	struct fs_ospf_stats os;
	fs_hosts_stats(a->hosts, &hs);
	bool have_cs = a->cap && fs_capture_stats(a->cap, &cs);
	fs_ospf_stats(a->ospf, &os);

	fprintf(f,
		"{\"event\":\"stats\",\"packets\":%llu,\"bytes\":%llu,"
		"\"decoded\":%llu,\"truncated\":%llu,\"malformed\":%llu,"
		"\"reasons\":{",
		(unsigned long long)a->n.packets, (unsigned long long)a->n.bytes,
		(unsigned long long)a->n.by_status[FS_DECODE_OK],
		(unsigned long long)a->n.by_status[FS_DECODE_TRUNCATED],
		(unsigned long long)a->n.by_status[FS_DECODE_MALFORMED]);
	bool first = true;
	for (int r = 1; r < FS_DR_COUNT; r++) {
		if (!a->n.by_reason[r])
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",",
			fs_decode_reason_name(r),
			(unsigned long long)a->n.by_reason[r]);
		first = false;
	}
	fputs("},", f);
	uint64_t rx_dropped;
	if (a->kernel && a->cfg->ifname &&
	    fs_kernel_iface_drops(a->kernel, a->cfg->ifname, &rx_dropped))
		fprintf(f, "\"interface_rx_dropped\":%llu,",
			(unsigned long long)rx_dropped);
	if (have_cs)
		fprintf(f, "\"capture_received\":%llu,\"capture_dropped\":%llu,"
			   "\"interface_dropped\":%llu,",
			(unsigned long long)cs.received,
			(unsigned long long)cs.dropped,
			(unsigned long long)cs.if_dropped);
	if (a->evidence) {
		struct fs_evidence_stats es;
		fs_evidence_stats(a->evidence, &es);
		fprintf(f, "\"evidence_files\":%llu,\"evidence_frames\":%llu,"
			   "\"evidence_over_budget\":%llu,\"evidence_refused\":%llu,"
			   "\"evidence_dropped\":%llu,\"evidence_errors\":%llu,",
			(unsigned long long)es.files_written,
			(unsigned long long)es.frames_written,
			(unsigned long long)es.frames_over_budget,
			(unsigned long long)es.requests_refused,
			(unsigned long long)(es.jobs_dropped + es.job_truncated),
			(unsigned long long)es.write_errors);
	}
	print_session_stats(a, f);
	fprintf(f,
		"\"hosts\":%u,\"hosts_capacity\":%u,\"hosts_inserted\":%llu,"
		"\"hosts_evicted\":%llu,\"evictions_spared\":%llu,"
		"\"memory_bound_bytes\":%zu,\"seconds\":%llu,"
		"\"clock_jumps\":%llu,\"clock_reordered\":%llu,"
		"\"clock_outliers\":%llu,\"clock_steps\":%llu,"
		"\"ospf_packets\":%llu,\"ospf_malformed\":%llu,"
		"\"alerts_raised\":%llu,",
		hs.in_use, hs.capacity, (unsigned long long)hs.inserted,
		(unsigned long long)hs.evicted,
		(unsigned long long)hs.evict_protected_skips,
		fs_hosts_memory_bound(&a->hosts_cfg),
		(unsigned long long)(a->clock.ticks * (uint64_t)a->clock.slice_us /
				     USEC),
		(unsigned long long)a->clock.jumps,
		(unsigned long long)a->clock.reordered,
		(unsigned long long)(a->clock.outliers_ahead +
				     a->clock.outliers_behind),
		(unsigned long long)(a->clock.steps_forward +
				     a->clock.steps_back),
		(unsigned long long)os.packets, (unsigned long long)os.malformed,
		(unsigned long long)fs_detect_alerts_raised(a->detect));
	print_alert_stats_json(a, f);
	if (a->store)
		print_store_stats_json(a, f);
	fputs("}\n", f);
	fflush(f);
}

/* One line on stderr at exit, whatever the output mode: what was seen and
 * what could not be delivered. */
static void print_summary(struct agent *a)
{
	struct fs_capture_stats cs = { 0 };
	bool have_cs = a->cap && fs_capture_stats(a->cap, &cs);
	uint64_t alert_losses = 0;
	if (a->sinks) {
		struct fs_alert_sinks_stats st;
		fs_alert_sinks_stats(a->sinks, &st);
		alert_losses = st.local_dropped + st.remote_dropped_queue_full +
			       st.remote_dropped_send_error +
			       st.remote_dropped_exit + st.remote_unconfirmed +
			       st.exec_dropped_busy + st.exec_failed;
	}
	uint64_t rrd_losses = 0;
	if (a->store) {
		struct fs_store_stats st;
		fs_store_stats(a->store, &st);
		rrd_losses = st.updates_dropped_full + st.updates_dropped_exit +
			     st.update_errors + st.updates_dropped_retry;
	}
	char drops[64] = "";
	if (have_cs)
		snprintf(drops, sizeof(drops), ", %llu dropped by the kernel",
			 (unsigned long long)(cs.dropped + cs.if_dropped));
	fs_log(alert_losses || rrd_losses ? FS_LOG_WARNING : FS_LOG_NOTICE,
	       "exit%s%s: %llu packets%s; %llu alerts raised, %llu alert "
	       "deliveries lost; %llu RRD updates lost",
	       a->stop_signal ? " on " : "",
	       a->stop_signal ? strsignal(a->stop_signal) : "",
	       (unsigned long long)a->n.packets, drops,
	       (unsigned long long)fs_detect_alerts_raised(a->detect),
	       (unsigned long long)alert_losses,
	       (unsigned long long)rrd_losses);
}

/* The hosts, --top and --ospf tables; the stats unless with_stats is
 * false (at exit they come after the last deliveries). */
static void dump(struct agent *a, int64_t now, bool with_stats)
{
	if (a->cfg->json) {
		fs_output_hosts_json(stdout, a->hosts);
		fs_output_routers(stdout, &a->routers, true);
		if (with_stats)
			print_stats_json(a, stdout);
	}
	if (a->cfg->top)
		fs_output_top(a->top_out, a->hosts, a->cfg->top, now);
	if (a->cfg->ospf_table)
		fs_ospf_print_table(a->ospf, a->top_out);
	if (a->cfg->routers_table)
		fs_output_routers(a->top_out, &a->routers, false);
	if (a->cfg->sessions_table) {
		fs_bgp_print_table(a->bgp, a->top_out);
		fputc('\n', a->top_out);
		fs_bfd_print_table(a->bfd, a->top_out);
		fputc('\n', a->top_out);
		fs_fhrp_print_table(a->fhrp, a->top_out);
	}
}

const char *fs_agent_default_rules(void)
{
	const char *env = getenv("FLOODSPOT_RULES");
	return env && *env ? env : FS_RULES_DIR;
}

void fs_agent_name(const struct fs_agent_config *cfg, char *out, size_t len)
{
	if (cfg->name) {
		snprintf(out, len, "%s", cfg->name);
		return;
	}
	char host[256];
	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (cfg->ifname)
		snprintf(out, len, "%s/%s", host, cfg->ifname);
	else
		snprintf(out, len, "%s", host);
}

static const char *rules_path(const struct fs_agent_config *cfg)
{
	return cfg->rules_path ? cfg->rules_path : fs_agent_default_rules();
}

static bool load_rules(struct agent *a, const char *path, const char *keep)
{
	unsigned errors = 0;
	struct stat st;
	/* A reload runs on the capture thread: nothing that can wait. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		fs_log(FS_LOG_ERR, "%s: not a file or directory; the running %s "
		       "stay in force", path, keep);
		return false;
	}
	struct fs_ruleset *rs = fs_rules_load(path, stderr, &errors);
	if (!rs) {
		fs_log(FS_LOG_ERR, "%s: %u error(s); the running %s stay in force",
		       path, errors, keep);
		return false;
	}
	fs_log(FS_LOG_NOTICE, "%s: %zu rules loaded", path, fs_rules_count(rs));
	fs_detect_set_rules(a->detect, rs);
	snprintf(a->rules_path, sizeof(a->rules_path), "%s", path);
	return true;
}

static void restart_needed(const char *key, void *ctx)
{
	fs_log(FS_LOG_WARNING, "%s: '%s' changed; it takes effect at restart "
	       "(the running value stays)", (const char *)ctx, key);
}

/*
 * SIGHUP: the configuration file (with the command line over it, as at
 * start) and the rules it names. Parsed aside and applied only when both
 * are good. Only options flagged FS_OPTF_RELOAD change; the others are
 * reported as needing a restart.
 */
static void reload(struct agent *a)
{
	const char *path = a->cfg->config_path;
	if (!path) {
		load_rules(a, rules_path(a->cfg), "rules");
		return;
	}
	struct fs_agent_config fresh;
	struct fs_conf *conf;
	unsigned errors = 0;
	if (fs_config_build(path, a->cfg->cli, &fresh, &conf, stderr,
			    &errors) != 0) {
		fs_log(FS_LOG_ERR, "%s: %u error(s); the running configuration "
		       "and rules stay in force", path, errors);
		return;
	}
	if (!load_rules(a, rules_path(&fresh), "configuration and rules")) {
		fs_conf_free(conf);
		return;
	}
	fs_conf_restart_changes(a->cfg->conf, conf, a->cfg->cli,
				restart_needed, (void *)path);
	a->cfg->rules_path = a->rules_path;
	a->cfg->top_interval_s = fresh.top_interval_s;
	if (a->cfg->verbose != fresh.verbose) {
		a->cfg->verbose = fresh.verbose;
		a->out.verbose = fresh.verbose;
		fs_log_init("floodspot", false, fresh.verbose);
	}
	fs_log(FS_LOG_NOTICE, "%s: configuration reloaded", path);
	fs_conf_free(conf);
}

/* Acts on the pending signals: reload, dump, or stop. */
static void take_signals(struct agent *a)
{
	struct signalfd_siginfo si;
	while (read(a->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(a);
		} else if (si.ssi_signo == SIGUSR1) {
			dump(a, a->clock.now_us, true);
		} else {
			fs_log(FS_LOG_NOTICE, "%s: stopping",
			       strsignal((int)si.ssi_signo));
			a->stop_signal = (int)si.ssi_signo;
			a->stop = true;
		}
	}
}

/* Live: packet time now, estimated from the last packet by the monotonic
 * clock (the packet clock itself stays behind on an idle link). Where
 * visibility returns or the kernel speaks, this is the moment to stamp. */
static int64_t present_us(const struct agent *a)
{
	int64_t est = a->last_pkt_ts + (mono_us() - a->last_pkt_mono);
	return est > a->clock.now_us ? est : a->clock.now_us;
}

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct agent *a = ctx;
	if (ev->type != FS_EV_LINK_CHANGE || !ev->u.link.is_capture_iface)
		return;
	/* Down or without carrier, the span port shows nothing. */
	if (!ev->u.link.up || !ev->u.link.carrier)
		fs_gaps_link(&a->gaps, a->clock.now_us, true);
	/* The capture interface came back: reopen now, not at the backoff. */
	if (ev->u.link.up && a->capture_down)
		a->reopen_at_mono = 0;
	else if (ev->u.link.up && ev->u.link.carrier)
		fs_gaps_link(&a->gaps, present_us(a), false);
}

static void capture_failed(struct agent *a, const char *why)
{
	fs_log(FS_LOG_WARNING, "%s; reopening in %u s", why, a->reopen_backoff_s);
	fs_gaps_link(&a->gaps, a->clock.now_us, true);
	a->capture_down = true;
	a->reopen_at_mono = mono_us() + (int64_t)a->reopen_backoff_s * USEC;
}

static void try_reopen(struct agent *a)
{
	char err[512];
	if (fs_capture_reopen(a->cap, err, sizeof(err)) == 0 &&
	    fs_capture_datalink(a->cap) == a->dlt) {
		fs_log(FS_LOG_NOTICE, "%s: capture reopened", a->cfg->ifname);
		fs_gaps_link(&a->gaps, present_us(a), false);
		a->capture_down = false;
		a->reopen_backoff_s = REOPEN_MIN_S;
		return;
	}
	a->reopen_backoff_s = a->reopen_backoff_s * 2 > REOPEN_MAX_S
				      ? REOPEN_MAX_S
				      : a->reopen_backoff_s * 2;
	capture_failed(a, err);
}

/* Live loop: one poll over capture, netlink, signals and a 100 ms timer. */
static int run_live(struct agent *a)
{
	int sfd = a->sfd;
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tfd < 0) {
		fs_log_errno(FS_LOG_ERR, errno, "timerfd");
		return 1;
	}
	struct itimerspec its = {
		.it_interval = { 0, TIMER_PERIOD_MS * 1000000L },
		.it_value = { 0, TIMER_PERIOD_MS * 1000000L },
	};
	timerfd_settime(tfd, 0, &its, NULL);
	a->reopen_backoff_s = REOPEN_MIN_S;

	while (!a->stop) {
		struct pollfd pfd[5];	/* signals, timer, capture, its parent, netlink */
		int np = 0;
		int cap_i = -1, nl_i = -1, ctl_i = -1;
		pfd[np++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[np++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		if (!a->capture_down && fs_capture_fd(a->cap) >= 0) {
			cap_i = np;
			pfd[np++] = (struct pollfd){ .fd = fs_capture_fd(a->cap),
						     .events = POLLIN };
		}
		if (fs_capture_ctl_fd(a->cap) >= 0) {
			ctl_i = np;
			pfd[np++] = (struct pollfd){ .fd = fs_capture_ctl_fd(a->cap),
						     .events = POLLIN };
		}
		if (a->kernel) {
			nl_i = np;
			pfd[np++] = (struct pollfd){ .fd = fs_kernel_fd(a->kernel),
						     .events = POLLIN };
		}
		if (poll(pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			fs_log_errno(FS_LOG_ERR, errno, "poll");
			break;
		}
		if ((cap_i >= 0 && pfd[cap_i].revents) ||
		    (ctl_i >= 0 && pfd[ctl_i].revents)) {
			/* Drain the ring: bounded batches keep timers fair. */
			for (int batch = 0; batch < 64; batch++) {
				uint64_t before = fs_capture_count(a->cap);
				choose_batching(a);
				enum fs_capture_result r = fs_capture_dispatch(
					a->cap, 512, on_capture, a);
				if (r == FS_CAPTURE_FATAL) {
					fs_log(FS_LOG_ERR, "%s; stopping",
					       fs_capture_error(a->cap));
					a->stop = true;
					a->failed = true;
					break;
				}
				if (r == FS_CAPTURE_ERROR) {
					capture_failed(a, fs_capture_error(a->cap));
					break;
				}
				if (fs_capture_count(a->cap) == before)
					break;
				if (a->cfg->count &&
				    fs_capture_count(a->cap) >= a->cfg->count) {
					a->stop = true;
					break;
				}
			}
			a->last_pkt_mono = mono_us();
		}
		if (nl_i >= 0 && pfd[nl_i].revents)
			fs_kernel_process(a->kernel, a->clock.started
							     ? present_us(a)
							     : a->last_pkt_ts);
		if (pfd[1].revents) {
			uint64_t expirations;
			if (read(tfd, &expirations, sizeof(expirations)) < 0 &&
			    errno != EAGAIN)
				fs_log_errno(FS_LOG_WARNING, errno, "timerfd");
			int64_t now = mono_us();
			/* Idle link: advance packet time by monotonic time,
			 * from the start when nothing came yet (a silent span
			 * port must still tick, or nothing would say so). On a
			 * busy link the packets alone close the slices. */
			fs_clock_advance(&a->clock,
					 a->last_pkt_ts + (now - a->last_pkt_mono) -
						 IDLE_LAG_US);
			if (a->sinks)
				fs_alert_sinks_service(a->sinks, now);
			if (a->capture_down && now >= a->reopen_at_mono)
				try_reopen(a);
		}
		if (pfd[0].revents)
			take_signals(a);
	}
	close(tfd);
	return a->failed ? 1 : 0;
}

static int run_offline(struct agent *a)
{
	for (;;) {
		take_signals(a);
		if (a->stop)
			return 0;
		int max = 4096;
		if (a->cfg->count) {
			uint64_t left = a->cfg->count - fs_capture_count(a->cap);
			if (left == 0)
				return 0;
			if (left < (uint64_t)max)
				max = (int)left;
		}
		choose_batching(a);
		enum fs_capture_result r = fs_capture_dispatch(a->cap, max,
							       on_capture, a);
		if (r == FS_CAPTURE_EOF)
			return 0;
		if (r == FS_CAPTURE_ERROR) {
			fs_log(FS_LOG_ERR, "%s", fs_capture_error(a->cap));
			return 1;
		}
	}
}

static int setup_modules(struct agent *a, char *err, size_t errlen)
{
	const struct fs_agent_config *cfg = a->cfg;

	/* --seed: every table of the run hashes as in the last one. */
	fs_hkey_pin(cfg->seed);
	fs_event_bus_init(&a->bus);
	a->out.f = stdout;
	a->out.json = cfg->json;
	a->out.verbose = cfg->verbose;
	a->top_out = cfg->json ? stderr : stdout;
	fs_event_subscribe(&a->bus, fs_output_event, &a->out);
	fs_event_subscribe(&a->bus, on_event, a);
	fs_gaps_init(&a->gaps, &a->bus);

	fs_routers_init(&a->routers);
	a->routers.bus = &a->bus;
	for (unsigned i = 0; i < cfg->n_not_routers; i++)
		if (fs_routers_deny_text(&a->routers, cfg->not_routers[i]) < 0) {
			snprintf(err, errlen,
				 "--not-router: '%s' is not a MAC or IP address (or too many)",
				 cfg->not_routers[i]);
			return 2;
		}
	for (unsigned i = 0; i < cfg->n_routers; i++)
		if (fs_routers_add_text(&a->routers, cfg->routers[i]) < 0) {
			snprintf(err, errlen,
				 "--router: '%s' is not a MAC or IP address, is also given to --not-router, or there are too many",
				 cfg->routers[i]);
			return 2;
		}

	fs_hosts_config_defaults(&a->hosts_cfg);
	if (cfg->capacity)
		a->hosts_cfg.capacity = cfg->capacity;
	a->hosts_cfg.seed = cfg->seed;
	a->hosts = fs_hosts_create(&a->hosts_cfg);
	if (!a->hosts) {
		snprintf(err, errlen, "cannot allocate the hosts table (%zu bytes)",
			 fs_hosts_memory_bound(&a->hosts_cfg));
		return 1;
	}

	struct fs_ospf_config ocfg;
	fs_ospf_config_defaults(&ocfg);
	if (cfg->ospf_routers)
		ocfg.max_routers = cfg->ospf_routers;
	if (cfg->ospf_neighbors)
		ocfg.max_neighbors = cfg->ospf_neighbors;
	a->ospf = fs_ospf_create(&ocfg, &a->bus, &a->routers);
	if (!a->ospf) {
		snprintf(err, errlen, "cannot allocate the OSPF tracker");
		return 1;
	}
	fs_ospf_set_gaps(a->ospf, &a->gaps);

	struct fs_bgp_config bcfg;
	fs_bgp_config_defaults(&bcfg);
	if (cfg->session_table)
		bcfg.max_sessions = cfg->session_table;
	a->bgp = fs_bgp_create(&bcfg, &a->bus);
	if (!a->bgp) {
		snprintf(err, errlen, "cannot allocate the BGP tracker");
		return 1;
	}
	struct fs_bfd_config fcfg;
	fs_bfd_config_defaults(&fcfg);
	if (cfg->session_table)
		fcfg.max_sessions = cfg->session_table;
	a->bfd = fs_bfd_create(&fcfg, &a->bus);
	if (!a->bfd) {
		snprintf(err, errlen, "cannot allocate the BFD tracker");
		return 1;
	}
	struct fs_fhrp_config hcfg;
	fs_fhrp_config_defaults(&hcfg);
	if (cfg->session_table)
		hcfg.max_groups = cfg->session_table;
	a->fhrp = fs_fhrp_create(&hcfg, &a->bus);
	if (!a->fhrp) {
		snprintf(err, errlen, "cannot allocate the VRRP/HSRP tracker");
		return 1;
	}
	fs_bgp_set_gaps(a->bgp, &a->gaps);
	fs_bfd_set_gaps(a->bfd, &a->gaps);
	fs_fhrp_set_gaps(a->fhrp, &a->gaps);

	unsigned rule_errors = 0;
	const char *rules = rules_path(cfg);
	struct fs_ruleset *rs = fs_rules_load(rules, stderr, &rule_errors);
	if (!rs) {
		snprintf(err, errlen, "%s: %u error(s) in the rules", rules,
			 rule_errors);
		return 2;
	}
	snprintf(a->rules_path, sizeof(a->rules_path), "%s", rules);
	struct fs_detect_config dcfg;
	fs_detect_config_defaults(&dcfg);
	dcfg.agent_name = a->name;
	if (cfg->alert_table)
		dcfg.table_size = cfg->alert_table;
	a->detect = fs_detect_create_config(rs, &a->bus, &dcfg);
	if (!a->detect) {
		snprintf(err, errlen, "cannot create the detector");
		return 1;
	}

	a->sinks_cfg = (struct fs_alert_sinks_config){
		.use_syslog = cfg->local_syslog < 0 ? a->live : cfg->local_syslog,
		.syslog_facility = cfg->syslog_facility >= 0 ? cfg->syslog_facility
							     : LOG_DAEMON,
		.remote = cfg->syslog_remote,
		.exec_cmd = cfg->exec_cmd,
		.remote_queue_len = 1024,
		.agent_name = a->name,
		.sd_id = cfg->sd_id,
	};
	a->sinks = fs_alert_sinks_create(&a->sinks_cfg, &a->bus, err, errlen);
	if (!a->sinks)
		return 2;

	const char *rrdcached = cfg->rrdcached ? cfg->rrdcached
					       : getenv("RRDCACHED_ADDRESS");
	if (rrdcached && !*rrdcached)
		rrdcached = NULL;
	/* A remote rrdcached: no local RRD directory, so events.log and
	 * evidence go to --evidence only, never relative to the cwd. */
	bool remote_store = rrdcached && rrdcached[0] != '/' &&
			    strncmp(rrdcached, "unix:", 5) != 0;
	if (cfg->rrd_dir || rrdcached) {
		struct fs_store_config st;
		fs_store_config_defaults(&st);
		st.dir = cfg->rrd_dir;
		st.rrdcached = rrdcached;
		st.agent_name = rrdcached ? a->name : NULL;
		st.events_dir = remote_store ? cfg->evidence_dir : NULL;
		if (cfg->rrd_max_hosts)
			st.max_host_files = cfg->rrd_max_hosts;
		if (cfg->rrd_archives)
			fs_store_parse_rras(&st, cfg->rrd_archives);
		if (cfg->rrd_max_bytes)
			st.max_bytes = cfg->rrd_max_bytes;
		if (cfg->rrd_retire_s)
			st.retire_after_s = cfg->rrd_retire_s;
		if (cfg->rrd_max_routers)
			st.max_router_files = cfg->rrd_max_routers;
		/* A replay may wait for the writer; live capture never does. */
		st.wait_when_full = !a->live;
		a->store = fs_store_create(&st, &a->bus, err, errlen);
		if (!a->store)
			return 1;
	}
	const char *ev_dir = cfg->evidence_dir;
	if (!ev_dir && cfg->rrd_dir && !remote_store) {
		snprintf(a->evidence_dir, sizeof(a->evidence_dir), "%s/evidence",
			 cfg->rrd_dir);
		ev_dir = a->evidence_dir;
	}
	if (ev_dir) {
		struct fs_evidence_config ec = {
			.dir = ev_dir,
			.ring_bytes = cfg->evidence_ring_mib << 20,
			.dlt = a->dlt,
			.wait_when_full = !a->live,
		};
		a->evidence = fs_evidence_create(&ec, err, errlen);
		if (!a->evidence)
			return 1;
	}
	if (cfg->html_dir) {
		struct fs_html_config hc = {
			.dir = cfg->html_dir,
			.rrd_dir = a->store ? fs_store_dir(a->store) : NULL,
			.refresh_s = 10,
			.top_n = cfg->top ? cfg->top : 10,
			.rrdcached = rrdcached,
			.store = a->store,
			.agent_name = a->name,
		};
		a->html = fs_html_create(&hc, &a->bus, err, errlen);
		if (!a->html)
			return 1;
		fs_html_set_trackers(a->html, a->bgp, a->bfd, a->fhrp);
	}
	if (cfg->metrics_addr) {
		struct fs_metrics_config mc = {
			.addr = cfg->metrics_addr,
			.top_n = cfg->metrics_top,
			.agent_name = a->name,
			.live = a->live,
		};
		a->metrics = fs_metrics_create(&mc, &a->bus, err, errlen);
		if (!a->metrics)
			return 2;
		fs_log(FS_LOG_NOTICE, "metrics on %s (port %u)", cfg->metrics_addr,
		       fs_metrics_port(a->metrics));
	}
	if (a->live) {
		a->kernel = fs_kernel_create(&a->bus, cfg->ifname);
		if (!a->kernel)
			fs_log_errno(FS_LOG_WARNING, errno,
				     "kernel watcher unavailable; running without route and link events");
	}
	return 0;
}

static void teardown(struct agent *a)
{
	fs_metrics_destroy(a->metrics);
	fs_evidence_destroy(a->evidence, a->clock.now_us);
	fs_html_destroy(a->html);
	fs_store_destroy(a->store);
	fs_alert_sinks_destroy(a->sinks);
	fs_detect_destroy(a->detect);
	if (a->kernel)
		fs_kernel_destroy(a->kernel);
	fs_fhrp_destroy(a->fhrp);
	fs_bfd_destroy(a->bfd);
	fs_bgp_destroy(a->bgp);
	fs_ospf_destroy(a->ospf);
	fs_hosts_destroy(a->hosts);
	fs_capture_close(a->cap);
	fs_clock_fini(&a->clock);
}

void fs_agent_config_defaults(struct fs_agent_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->snaplen = 262144;
	cfg->buffer_kib = 32768;
	cfg->top_interval_s = 5;
	cfg->metrics_top = FS_METRICS_TOP_DEFAULT;
	cfg->syslog_facility = -1;
	cfg->local_syslog = -1;
	cfg->reader_thread = true;
}

int fs_agent_run(const struct fs_agent_config *cfg_in)
{
	struct agent a = { .run = *cfg_in };
	a.cfg = &a.run;
	const struct fs_agent_config *cfg = a.cfg;
	char err[512] = "";

	/* Before any thread exists (writer, renderer, librrd's): only this
	 * thread may take a signal, through the signalfd. */
	sigset_t handled;
	fs_signals_take(&handled);
	a.sfd = signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a.sfd < 0) {
		fs_log_errno(FS_LOG_ERR, errno, "signalfd");
		return 1;
	}
	fs_agent_name(cfg, a.name, sizeof(a.name));
	/* Before any thread: librrd and the pages read the process's zone. */
	fs_graph_set_tz(cfg->tz_local);

	struct fs_capture_config cc = {
		.ifname = cfg->ifname,
		.file = cfg->file,
		.filter = cfg->filter,
		.snaplen = cfg->snaplen,
		.buffer_kib = cfg->buffer_kib,
	};
	struct fs_user user;
	if (cfg->user && fs_user_find(cfg->user, &user, err, sizeof(err)) != 0) {
		fs_log(FS_LOG_ERR, "%s", err);
		close(a.sfd);
		return 2;
	}
	/* -Z on a live capture as root: the capture stays with a small
	 * privileged parent; from here on this process is the worker. */
	if (cfg->user && cfg->ifname && geteuid() == 0) {
		struct fs_capture_user cu = { .uid = user.uid, .gid = user.gid,
					      .name = user.name };
		a.cap = fs_capture_open_privsep(&cc, &cu, a.sfd, err,
						sizeof(err));
	} else if (cfg->reader_thread && cfg->ifname) {
		a.cap = fs_capture_open_reader(&cc, err, sizeof(err));
	} else {
		a.cap = fs_capture_open(&cc, err, sizeof(err));
	}
	if (!a.cap) {
		fs_log(FS_LOG_ERR, "%s", err);
		close(a.sfd);
		return 2;
	}
	a.dlt = fs_capture_datalink(a.cap);
	a.live = fs_capture_is_live(a.cap);
	if (fs_clock_init(&a.clock, 0, a.live, on_tick, on_packet, &a) != 0) {
		fs_log_errno(FS_LOG_ERR, errno, "packet clock");
		fs_capture_close(a.cap);
		return 1;
	}

	/* The user owns what it will write, then the drop: every module
	 * (and every thread) starts unprivileged. */
	int rc = 0;
	if (cfg->user && (fs_user_own_outputs(cfg, &user, err, sizeof(err)) != 0 ||
			  fs_user_become(&user, err, sizeof(err)) != 0))
		rc = 2;
	if (rc == 0)
		rc = setup_modules(&a, err, sizeof(err));
	if (rc != 0) {
		if (err[0])
			fs_log(FS_LOG_ERR, "%s", err);
		teardown(&a);
		close(a.sfd);
		return rc;
	}

	a.last_pkt_mono = mono_us();
	/* Live packet time is the capture's wall clock: idle time before the
	 * first packet runs on from now. */
	if (a.live)
		a.last_pkt_ts = wall_us();
	fs_health_init(&a.health, cfg->expect_ospf);
	rc = a.live ? run_live(&a) : run_offline(&a);

	/* Close the last second so its counts reach rules and outputs. */
	a.final_tick = true;
	fs_clock_flush(&a.clock);
	if (a.html)
		fs_html_tick(a.html, a.clock.now_us, a.hosts, a.ospf, 1);
	/* The stats count the evidence files written. */
	fs_evidence_flush(a.evidence, a.clock.now_us);
	dump(&a, a.clock.now_us, false);
	/* Timestamps that disagreed: say how many, once, at the end. */
	if (a.clock.outliers_ahead || a.clock.outliers_behind || a.clock.steps_back)
		fs_log(FS_LOG_WARNING,
		       "clock: %llu timestamps out of line taken at packet time "
		       "(%llu ahead, %llu behind); %llu steps back re-based",
		       (unsigned long long)(a.clock.outliers_ahead +
					    a.clock.outliers_behind),
		       (unsigned long long)a.clock.outliers_ahead,
		       (unsigned long long)a.clock.outliers_behind,
		       (unsigned long long)a.clock.steps_back);
	/* Bounded: alerts still queued for a collector, RRD updates and the
	 * last page; what misses its deadline is counted in the stats. */
	if (a.sinks)
		fs_alert_sinks_flush(a.sinks, EXIT_ALERTS_MS);
	/* A replay that reached its end writes complete files and pages;
	 * a stop asked for (a signal, or live) is bounded. */
	bool bounded = a.live || a.stop_signal;
	fs_store_finish(a.store, bounded ? EXIT_STORE_MS : -1);
	fs_html_finish(a.html, bounded ? EXIT_HTML_MS : -1);
	if (cfg->json)
		print_stats_json(&a, stdout);
	/* A replay's figures stay up until a scraper has read them. */
	if (a.metrics && !a.live && cfg->metrics_linger_s &&
	    !fs_metrics_wait_scraped(a.metrics, (int)cfg->metrics_linger_s * 1000))
		fs_log(FS_LOG_NOTICE, "metrics: not scraped within %u s after "
		       "the replay", cfg->metrics_linger_s);
	print_summary(&a);
	teardown(&a);
	close(a.sfd);
	return rc;
}
