/*
 * Private to src/rules: the parsed form of a rule, shared by the parser,
 * the printer and the detector. The language is described in floodspot.rules(5)
 * (man/floodspot.rules.5).
 */
#ifndef FLOODSPOT_RULES_IMPL_H
#define FLOODSPOT_RULES_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/alert.h"
#include "floodspot/rules.h"

#define FS_RULE_NAME_MAX 48	/* = sizeof(struct fs_alert.rule) */
#define FS_RULE_KIND_MAX 32	/* = sizeof(struct fs_alert.kind) */
#define FS_RULE_MSG_MAX 160	/* = sizeof(struct fs_alert.message) */
#define FS_RULE_MAX_CONDS 4
#define FS_RULE_MAX_SCOPE 16
#define FS_RULES_MAX 1000	/* per ruleset, all files together */

/* What a rule's metrics describe; also what an alert is keyed by. */
enum fs_subject {
	FS_SUBJ_HOST,		/* (vlan, mac) */
	FS_SUBJ_SEGMENT,	/* the whole capture */
	FS_SUBJ_ROUTER,		/* (vlan, router id) */
	FS_SUBJ_OSPF,		/* routing events on the wire, per second */
	FS_SUBJ_KERNEL,		/* kernel routing table events, per second */
	FS_SUBJ_AGENT,		/* floodspot's own health (health.h) */
	FS_SUBJ_BGP,		/* BGP sessions on the wire, per second */
	FS_SUBJ_BFD,		/* BFD sessions on the wire, per second */
	FS_SUBJ_VRRP,		/* VRRP/CARP/HSRP groups, per second */
	FS_SUBJ_COUNT
};

/* Which numbers a metric compares against. */
enum fs_unit {
	FS_UNIT_RATE,		/* per second: 500, 2k, 1M, 1G */
	FS_UNIT_PERCENT,	/* 0% to 100% */
	FS_UNIT_TIME,		/* stored in ms: 300ms, 2s */
	FS_UNIT_COUNT,		/* plain count: 3, 1k */
};

enum fs_field {
	FS_F_PPS,
	FS_F_BPS,
	FS_F_CTRL_PPS,
	FS_F_CLASS_PPS,		/* <class>_pps, class in metric.cls */
	FS_F_SHARE,		/* host packets / segment packets */
	FS_F_NEW_IPS,		/* new source IPs per second behind one MAC */
	FS_F_IPS,		/* distinct source IPs seen from one MAC */
	FS_F_NEW_MACS,		/* hosts inserted per second */
	FS_F_ACTIVE_HOSTS,
	FS_F_HELLO_LATE,	/* ms past the advertised interval */
	FS_F_HELLO_LATE_RATIO,	/* the same as % of the interval */
	FS_F_HELLO_GAP,		/* ms since the previous hello */
	FS_F_LSUS_PER_S,
	FS_F_ADJ_FULL,
	FS_F_ADJ_DOWN,		/* adjacencies lost in the second */
	FS_F_HELLO_LATE_EVENTS,	/* late-hello events in the second */
	FS_F_ROUTE_FLAPS,	/* kernel route adds+removes in the second */
	FS_F_SILENT,		/* agent: ms without a captured packet */
	FS_F_CAPTURE_DROPS,	/* agent: % dropped by the kernel, last 10 s */
	FS_F_RRD_DROPS,		/* agent: RRD updates dropped in the second */
	FS_F_ALERT_DROPS,	/* agent: alert deliveries dropped */
	FS_F_OSPF_SILENT,	/* agent: ms without OSPF, when expected */
	FS_F_ROUTER,		/* 1 when the host is a known router */
	FS_F_NEW_MACS_INVALID,	/* new source MACs no NIC sends from */
	FS_F_SESSION_DOWN,	/* BGP/BFD sessions lost to a timer */
	FS_F_MASTER_CHANGE,	/* masters changed for silence */
	FS_F_COUNT
};

struct fs_metric {
	uint8_t subject;	/* enum fs_subject */
	uint8_t field;		/* enum fs_field */
	int8_t cls;		/* enum fs_class for FS_F_CLASS_PPS, else -1 */
};

enum fs_op { FS_OP_GT, FS_OP_GE, FS_OP_LT, FS_OP_LE, FS_OP_EQ, FS_OP_NE };

enum fs_vkind {
	FS_V_ABS,	/* compare the metric with value */
	FS_V_RATIO,	/* with value x the host's baseline mean */
	FS_V_DEV,	/* its baseline score (deviations above mean) with value */
};

struct fs_cond {
	struct fs_metric m;
	uint8_t op;		/* enum fs_op */
	uint8_t vkind;		/* enum fs_vkind */
	double value;		/* rates per s, percent, ms, ratio or deviations */
	uint32_t for_s;		/* consecutive seconds it must hold */
};

enum fs_scope_type { FS_SCOPE_VLAN, FS_SCOPE_MAC, FS_SCOPE_PREFIX };

struct fs_scope {
	uint8_t type;		/* enum fs_scope_type */
	bool watch;		/* false: ignore */
	uint8_t version;	/* prefix: 4 or 6 */
	uint8_t plen;
	uint16_t vlan;
	uint8_t addr[16];	/* mac in the first 6 bytes, or the prefix */
};

struct fs_rule {
	char name[FS_RULE_NAME_MAX];
	char kind[FS_RULE_KIND_MAX];
	char message[FS_RULE_MSG_MAX];
	uint8_t subject;
	uint8_t severity;	/* enum fs_alert_severity */
	unsigned n_cond;
	struct fs_cond cond[FS_RULE_MAX_CONDS];
	/* Clear: the first condition's metric below clear_value (when
	 * clear_below) or the whole condition false, for clear_for_s. */
	bool clear_below;
	uint8_t clear_vkind;
	double clear_value;
	uint32_t clear_for_s;
	uint32_t repeat_s;	/* 0: never repeat while active */
	unsigned n_scope;
	struct fs_scope scope[FS_RULE_MAX_SCOPE];
	/* where it was defined, for duplicate-name messages */
	char file[128];
	unsigned line;
};

struct fs_ruleset {
	struct fs_rule *rule;
	size_t n, cap;
};

/* Defaults a rule gets for statements it leaves out. */
#define FS_RULE_DEFAULT_SEVERITY FS_SEV_WARNING
#define FS_RULE_DEFAULT_CLEAR_S 10
#define FS_RULE_DEFAULT_REPEAT_S 60

/* metric.c: names and properties of metrics. */
const char *fs_subject_name(enum fs_subject s);
const char *fs_field_name(enum fs_field f);
enum fs_unit fs_metric_unit(const struct fs_metric *m);
/* Has a baseline to compare with ("10x baseline", "6 dev"). */
bool fs_metric_has_baseline(const struct fs_metric *m);
/* Parses "host.ctrl_pps"; 0 on success, -1 unknown subject, -2 unknown
 * field for a known subject. */
int fs_metric_parse(const char *text, struct fs_metric *m);
/* "host.ctrl_pps" into buf. */
void fs_metric_print(const struct fs_metric *m, char *buf, size_t len);
/* Default alert kind of a rule whose first condition is m. */
const char *fs_metric_default_kind(const struct fs_metric *m);
const char *fs_op_name(enum fs_op op);

/* ruleset.c */
struct fs_ruleset *fs_ruleset_new(void);
struct fs_rule *fs_ruleset_add(struct fs_ruleset *rs);
const struct fs_rule *fs_ruleset_find(const struct fs_ruleset *rs,
				      const char *name);
/* Parses text into rs, appending rules; returns the number of errors. */
unsigned fs_rules_parse_into(struct fs_ruleset *rs, const char *name,
			     const char *text, size_t len, FILE *err);

/* print.c */
void fs_rule_print(const struct fs_rule *r, FILE *f);
/* Canonical number forms shared with the parser's tests. */
void fs_rules_print_value(FILE *f, enum fs_unit u, double v);

#endif
