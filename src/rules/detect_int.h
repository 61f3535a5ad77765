/* Private to src/rules: the detector's state, shared by its files. */
#ifndef FLOODSPOT_DETECT_INT_H
#define FLOODSPOT_DETECT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/alert.h"
#include "floodspot/detect.h"
#include "floodspot/hash.h"
#include "floodspot/health.h"
#include "floodspot/hosts.h"
#include "floodspot/ospf.h"
#include "rules_impl.h"

/* ---- table.c: pending and active alerts, keyed by (rule, subject) ---- */

enum fs_entry_state { FS_ENTRY_FREE, FS_ENTRY_PENDING, FS_ENTRY_ACTIVE };

#define FS_DETECT_ANSWERING 4	/* routers named answering one flood */

struct fs_dentry {
	uint64_t key;		/* subject: host_key() or router_key() */
	uint32_t rule;		/* index in the ruleset */
	uint8_t state;		/* enum fs_entry_state */
	bool deferred;		/* held back by the alert cap, counted once */
	bool same_host;		/* held back by another rule's alert, counted once */
	uint32_t held;		/* consecutive slices the condition held */
	uint32_t clear_held;	/* consecutive slices the clear condition held */
	uint64_t touched;	/* tick that last evaluated it */
	int64_t since_us;	/* onset of the run that raised it */
	int64_t raised_us;
	int64_t last_emit_us;
	double peak;		/* of the first condition's metric */
	double base_mean;	/* baseline before the run began */
	bool trained;		/* that baseline had learned enough */
	bool since_run;		/* since_us is that baseline's run onset */
	uint16_t vlan;
	uint8_t mac[6];
	uint32_t router_id;
	uint32_t live_pos;	/* index in the detector's live list */
	/* routers answering this host's flood (index in the router set) */
	uint8_t n_answering;
	uint8_t answering[FS_DETECT_ANSWERING];
};

struct fs_dtable {
	struct fs_dentry *e;	/* cap records, FS_ENTRY_FREE when unused */
	uint32_t cap, used;
	struct fs_hidx ix;	/* (rule, subject) -> record */
	struct fs_hids ids;	/* free records */
	const struct fs_hkey *hkey;
};

int fs_dtable_init(struct fs_dtable *t, uint32_t entries,
		   const struct fs_hkey *hkey);
void fs_dtable_fini(struct fs_dtable *t);
struct fs_dentry *fs_dtable_find(struct fs_dtable *t, uint32_t rule,
				 uint64_t key);
/* Inserts a zeroed PENDING entry; NULL when full. */
struct fs_dentry *fs_dtable_add(struct fs_dtable *t, uint32_t rule,
				uint64_t key);
/* Frees e's record; no other record moves. */
void fs_dtable_del(struct fs_dtable *t, struct fs_dentry *e);

/* ---- eval.c: metric values of a subject ---- */

/* Everything a rule may read about one subject at one slice. */
struct fs_subject_view {
	const struct fs_host *host;		/* FS_SUBJ_HOST */
	const struct fs_segment *seg;		/* every subject */
	const struct fs_ospf_router_view *router;	/* FS_SUBJ_ROUTER */
	const struct fs_routers *routers;	/* the router set; may be NULL */
	bool current;		/* host counts are of this window */
	uint32_t late_gap_ms;	/* router: largest late gap told this slice */
	int64_t sec_us;		/* start of the window being judged */
	int64_t now_us;		/* end of the time judged */
	uint32_t adj_down, hello_late_events, route_changes;
	uint32_t session_down[2], master_changes;	/* BGP, BFD; VRRP */
	const struct fs_health *health;	/* FS_SUBJ_AGENT; may be NULL */
};

double fs_eval_metric(const struct fs_metric *m, const struct fs_subject_view *v);
/* Baseline mean and score of a metric that has one (host.pps, ctrl_pps). */
const struct fs_baseline *fs_eval_baseline(const struct fs_metric *m,
					   const struct fs_subject_view *v);
bool fs_eval_compare(enum fs_op op, double a, double b);
/* One condition now (ignoring its "for"). */
bool fs_eval_cond(const struct fs_cond *c, const struct fs_subject_view *v);
/* The clear condition of an active alert now. */
bool fs_eval_clear(const struct fs_rule *r, const struct fs_subject_view *v);
/* Watch/ignore lists for a host or router. */
bool fs_eval_in_scope(const struct fs_rule *r, const struct fs_subject_view *v);


/* ---- correlate.c ---- */

#define FS_CORR_MAX_SYMPTOMS 8

/* Routing events counted over the sliding second: adjacencies lost,
 * late hellos, route changes, BGP and BFD sessions lost, masters changed. */
#define FS_DETECT_EV_KINDS 6

struct fs_symptom {
	int64_t ts_us;
	uint8_t what;		/* enum fs_symptom_kind */
	uint32_t router_id, neighbor_id;
	uint16_t vlan;
	/* Sessions: the protocol ("bgp", "bfd", "vrrp3"), the two ends (or
	 * the master and a zero peer) and the FHRP group. */
	char proto[8];
	uint8_t ip_version;
	uint8_t ip[2][16];
	uint32_t group;
	bool fhrp;		/* a VRRP/CARP/HSRP group: named by group */
	uint32_t look_s;	/* how far back its cause may lie; 0: OSPF's */
};

enum fs_symptom_kind {
	FS_SYM_ADJ_DOWN,
	FS_SYM_HELLO_LATE,
	FS_SYM_ROUTE_FLAP,
	FS_SYM_SESSION_DOWN,	/* BGP hold expiry, BFD down */
	FS_SYM_SESSION_LATE,	/* keepalive, BFD control, advert overdue */
	FS_SYM_MASTER_CHANGE,	/* VRRP/CARP/HSRP master silent, lost, dual */
};

/* How far back the correlator looks for an onset: the routers' dead
 * interval plus one hello interval (a session's silence and a third of
 * it), within these bounds; BGP's default hold time is 180 s. */
#define FS_CORR_LOOK_MIN_S 16
#define FS_CORR_LOOK_MAX_S 240
#define FS_CORR_RING 128	/* seconds of capture-loss history */

struct fs_corr {
	struct fs_symptom sym[FS_CORR_MAX_SYMPTOMS];	/* not yet judged */
	unsigned n_sym;
	uint64_t sym_dropped;
	/* The open incident: symptoms within quiet_s of each other. */
	bool open;
	bool named;		/* a culprit alert was raised for it */
	int64_t first_us, last_us;
	uint32_t symptoms;
	struct fs_symptom inc[FS_CORR_MAX_SYMPTOMS];	/* distinct, this incident */
	unsigned n_inc;
	struct fs_alert raised;	/* latest culprit alert, for updates and clear */
	char evidence[96];	/* its evidence file, named in its updates */
	/* per second: cumulative capture drops and segment packets */
	uint64_t drops[FS_CORR_RING], seg_packets[FS_CORR_RING];
	int64_t ring_sec[FS_CORR_RING];
	unsigned ring_pos, ring_n;
};

/* Walks the routers of the OSPF tracker (tests pass their own). */
typedef void (*fs_detect_router_iter)(const struct fs_ospf *o,
				      fs_ospf_router_fn fn, void *ctx);

#define FS_DETECT_MARKS (1u << 14)

struct fs_detect {
	fs_detect_router_iter router_iter;	/* this tick's */
	struct fs_ruleset *rules;
	struct fs_event_bus *bus;
	struct fs_detect_config cfg;
	struct fs_hkey hkey;		/* the table's, seeded per process */
	struct fs_dtable table;
	uint32_t *live;		/* records of every entry in use */
	uint32_t n_live;
	uint32_t *rule_entries;		/* table entries per rule: skip lookups */
	uint32_t *rule_min_pkts;	/* a host rule cannot hold below this */
	uint32_t host_min_pkts;		/* min over host rules */
	uint32_t host_entries;		/* table entries of host rules */
	/* Host-rule entries per bucket of host keys: a host whose bucket is
	 * empty has none, so a rule that does not hold skips the lookup. */
	uint32_t host_marks[FS_DETECT_MARKS];
	struct fs_corr corr;
	uint64_t tick;
	const struct fs_hosts *hosts;
	const struct fs_routers *routers;
	struct fs_evidence *evidence;
	const struct fs_gaps *gaps;
	bool blind_now;			/* a blind span is open */
	int64_t slice_us;
	int64_t sec_us;			/* start of the window being judged */
	int64_t now_us;		/* end of the time judged (slice end) */
	uint32_t emitted_this_tick;	/* in this second, for the cap */
	uint64_t drops_now;		/* cumulative capture drops */
	uint64_t suppressed_since_emit;	/* told in the next alert */
	/* routing events since the previous tick */
	/* routing events since the previous slice, and per slice over the
	 * last second (the rules read the sums) */
	uint32_t adj_down, hello_late_events, route_changes;
	uint32_t ev_ring[FS_HOSTS_MAX_SLICES][FS_DETECT_EV_KINDS];
	uint32_t ev_sum[FS_DETECT_EV_KINDS];
	unsigned ev_pos;
	uint32_t route_changes_sec;	/* in the current second, for flaps */
	/* Late hellos told this second, per router: a late hello is soon
	 * followed by an early one, so the latest gap alone would miss it. */
	struct { uint32_t router_id; uint16_t vlan; uint32_t gap_ms; } late[32];
	unsigned n_late;
	/* evidence for ospf./kernel. alerts: the latest of each */
	struct fs_symptom last_adj, last_late, last_master;
	struct fs_symptom last_session[2];	/* BGP, BFD */
	/* Routing sessions lost this slice: BGP, BFD; masters changed. */
	uint32_t session_down[2], master_changes;
	struct fs_ev_route_change last_route;
	struct fs_detect_stats st;
};

/* detect.c */
const char *fs_detect_top_class(const struct fs_host *h, bool ctrl);
const struct fs_host_ip *fs_detect_host_ip(const struct fs_host *h);
/* Asks for the evidence pcap of a host and names it in the alert. */
void fs_detect_evidence(struct fs_detect *d, struct fs_alert *a, uint16_t vlan,
			const uint8_t mac[6], const char *kind, int64_t onset_us);
void fs_detect_emit(struct fs_detect *d, struct fs_alert *a, bool capped);
/* Runs one second; routers come from iter (may be NULL). */

void fs_detect_run(struct fs_detect *d, int64_t sec_start_us,
		   const struct fs_detect_inputs *in, fs_detect_router_iter iter);

/* correlate.c */
void fs_corr_symptom(struct fs_detect *d, const struct fs_symptom *s);
void fs_corr_tick(struct fs_detect *d, const struct fs_detect_inputs *in);
/* Capture drops from the second since_us (as far back as the window
 * goes) until now. */
uint64_t fs_corr_drops_since(const struct fs_detect *d, int64_t since_us);
/* The session field of a BGP, BFD or VRRP alert: "bgp:A-B@vlan". */
void fs_detect_session_fields(struct fs_alert *a, const struct fs_symptom *s);

#endif
