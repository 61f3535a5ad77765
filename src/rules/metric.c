/* Metric vocabulary of the rules language: names, units, subjects. */
#include "rules_impl.h"

#include <stdio.h>
#include <string.h>

#include "floodspot/pkt.h"

#define S(x) (1u << (x))

static const struct {
	const char *name;
	unsigned subjects;	/* bit mask of enum fs_subject */
	enum fs_unit unit;
} fields[FS_F_COUNT] = {
	[FS_F_PPS] = { "pps", S(FS_SUBJ_HOST) | S(FS_SUBJ_SEGMENT), FS_UNIT_RATE },
	[FS_F_BPS] = { "bps", S(FS_SUBJ_HOST) | S(FS_SUBJ_SEGMENT), FS_UNIT_RATE },
	[FS_F_CTRL_PPS] = { "ctrl_pps", S(FS_SUBJ_HOST) | S(FS_SUBJ_SEGMENT),
			    FS_UNIT_RATE },
	[FS_F_CLASS_PPS] = { "<class>_pps", S(FS_SUBJ_HOST) | S(FS_SUBJ_SEGMENT),
			     FS_UNIT_RATE },
	[FS_F_SHARE] = { "share", S(FS_SUBJ_HOST), FS_UNIT_PERCENT },
	[FS_F_NEW_IPS] = { "new_ips", S(FS_SUBJ_HOST), FS_UNIT_RATE },
	[FS_F_IPS] = { "ips", S(FS_SUBJ_HOST), FS_UNIT_COUNT },
	[FS_F_NEW_MACS] = { "new_macs", S(FS_SUBJ_SEGMENT), FS_UNIT_RATE },
	[FS_F_ACTIVE_HOSTS] = { "active_hosts", S(FS_SUBJ_SEGMENT), FS_UNIT_COUNT },
	[FS_F_HELLO_LATE] = { "hello_late", S(FS_SUBJ_ROUTER), FS_UNIT_TIME },
	[FS_F_HELLO_LATE_RATIO] = { "hello_late_ratio", S(FS_SUBJ_ROUTER),
				    FS_UNIT_PERCENT },
	[FS_F_HELLO_GAP] = { "hello_gap", S(FS_SUBJ_ROUTER), FS_UNIT_TIME },
	[FS_F_LSUS_PER_S] = { "lsus_per_s", S(FS_SUBJ_ROUTER), FS_UNIT_RATE },
	[FS_F_ADJ_FULL] = { "adjacencies_full", S(FS_SUBJ_ROUTER), FS_UNIT_COUNT },
	[FS_F_ADJ_DOWN] = { "adjacency_down", S(FS_SUBJ_OSPF), FS_UNIT_COUNT },
	[FS_F_HELLO_LATE_EVENTS] = { "hello_late", S(FS_SUBJ_OSPF), FS_UNIT_COUNT },
	[FS_F_ROUTE_FLAPS] = { "route_flaps", S(FS_SUBJ_KERNEL), FS_UNIT_RATE },
	[FS_F_SILENT] = { "silent", S(FS_SUBJ_AGENT), FS_UNIT_TIME },
	[FS_F_CAPTURE_DROPS] = { "capture_drops", S(FS_SUBJ_AGENT),
				 FS_UNIT_PERCENT },
	[FS_F_RRD_DROPS] = { "rrd_drops", S(FS_SUBJ_AGENT), FS_UNIT_RATE },
	[FS_F_ALERT_DROPS] = { "alert_drops", S(FS_SUBJ_AGENT), FS_UNIT_RATE },
	[FS_F_OSPF_SILENT] = { "ospf_silent", S(FS_SUBJ_AGENT), FS_UNIT_TIME },
	[FS_F_ROUTER] = { "router", S(FS_SUBJ_HOST), FS_UNIT_COUNT },
	[FS_F_NEW_MACS_INVALID] = { "new_macs_invalid", S(FS_SUBJ_SEGMENT),
				    FS_UNIT_RATE },
	[FS_F_SESSION_DOWN] = { "session_down", S(FS_SUBJ_BGP) | S(FS_SUBJ_BFD),
				FS_UNIT_COUNT },
	[FS_F_MASTER_CHANGE] = { "master_change", S(FS_SUBJ_VRRP),
				 FS_UNIT_COUNT },
};

static const char *const subject_names[FS_SUBJ_COUNT] = {
	[FS_SUBJ_HOST] = "host",     [FS_SUBJ_SEGMENT] = "segment",
	[FS_SUBJ_ROUTER] = "router", [FS_SUBJ_OSPF] = "ospf",
	[FS_SUBJ_KERNEL] = "kernel", [FS_SUBJ_AGENT] = "agent",
	[FS_SUBJ_BGP] = "bgp",	     [FS_SUBJ_BFD] = "bfd",
	[FS_SUBJ_VRRP] = "vrrp",
};

const char *fs_subject_name(enum fs_subject s)
{
	return (unsigned)s < FS_SUBJ_COUNT ? subject_names[s] : "unknown";
}

const char *fs_field_name(enum fs_field f)
{
	return (unsigned)f < FS_F_COUNT ? fields[f].name : "unknown";
}

enum fs_unit fs_metric_unit(const struct fs_metric *m)
{
	return fields[m->field].unit;
}

bool fs_metric_has_baseline(const struct fs_metric *m)
{
	return m->subject == FS_SUBJ_HOST &&
	       (m->field == FS_F_PPS || m->field == FS_F_CTRL_PPS);
}

int fs_metric_parse(const char *text, struct fs_metric *m)
{
	const char *dot = strchr(text, '.');
	if (!dot)
		return -1;
	size_t slen = (size_t)(dot - text);
	int subj = -1;
	for (int s = 0; s < FS_SUBJ_COUNT; s++)
		if (strlen(subject_names[s]) == slen &&
		    memcmp(subject_names[s], text, slen) == 0)
			subj = s;
	if (subj < 0)
		return -1;
	const char *f = dot + 1;
	m->subject = (uint8_t)subj;
	m->cls = -1;
	for (int i = 0; i < FS_F_COUNT; i++) {
		if (i == FS_F_CLASS_PPS || !(fields[i].subjects & S(subj)))
			continue;
		if (strcmp(fields[i].name, f) == 0) {
			m->field = (uint8_t)i;
			return 0;
		}
	}
	if (!(fields[FS_F_CLASS_PPS].subjects & S(subj)))
		return -2;
	size_t flen = strlen(f);
	if (flen <= 4 || flen > 40 || strcmp(f + flen - 4, "_pps") != 0)
		return -2;
	char cname[48];
	memcpy(cname, f, flen - 4);
	cname[flen - 4] = '\0';
	int c = fs_class_parse(cname);
	if (c < 0)
		return -2;
	m->field = FS_F_CLASS_PPS;
	m->cls = (int8_t)c;
	return 0;
}

void fs_metric_print(const struct fs_metric *m, char *buf, size_t len)
{
	if (m->field == FS_F_CLASS_PPS)
		snprintf(buf, len, "%s.%s_pps", fs_subject_name(m->subject),
			 fs_class_name((enum fs_class)m->cls));
	else
		snprintf(buf, len, "%s.%s", fs_subject_name(m->subject),
			 fs_field_name(m->field));
}

const char *fs_metric_default_kind(const struct fs_metric *m)
{
	switch (m->field) {
	case FS_F_NEW_IPS:
	case FS_F_IPS:
	case FS_F_NEW_MACS:
	case FS_F_NEW_MACS_INVALID:
		return "spoof";
	case FS_F_HELLO_LATE:
	case FS_F_HELLO_LATE_RATIO:
	case FS_F_HELLO_GAP:
	case FS_F_HELLO_LATE_EVENTS:
		return "hello-late";
	case FS_F_LSUS_PER_S:
		return "lsa-churn";
	case FS_F_ADJ_FULL:
	case FS_F_ADJ_DOWN:
		return "adjacency-down";
	case FS_F_ROUTE_FLAPS:
		return "route-flap";
	case FS_F_SESSION_DOWN:
		return m->subject == FS_SUBJ_BFD ? "bfd-down" : "bgp-down";
	case FS_F_MASTER_CHANGE:
		return "master-change";
	case FS_F_SILENT:
		return "span-silent";
	case FS_F_CAPTURE_DROPS:
		return "capture-drops";
	case FS_F_RRD_DROPS:
		return "rrd-drops";
	case FS_F_ALERT_DROPS:
		return "alert-drops";
	case FS_F_OSPF_SILENT:
		return "ospf-missing";
	default:
		return "flood";
	}
}

const char *fs_op_name(enum fs_op op)
{
	static const char *const names[] = { ">", ">=", "<", "<=", "==", "!=" };
	return (unsigned)op < 6 ? names[op] : "?";
}
