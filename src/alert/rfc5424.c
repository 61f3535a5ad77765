/*
 * RFC 5424 messages and RFC 6587 octet-counting framing:
 *   <PRI>1 TIMESTAMP HOSTNAME floodspot PROCID MSGID SD MSG
 * TIMESTAMP is the alert's packet time (RFC 3339, ms, UTC), HOSTNAME the
 * agent name's host part, MSGID the alert's kind, MSG the key=value line
 * (agent included), so a collector that ignores structured data still
 * gets the same body as local syslog.
 * SD: the IANA-registered "origin" element (RFC 5424 7.2: software,
 * swVersion), then, when an SD-ID is configured, one element of that ID
 * with state, rule, severity, agent and the fields. 6.3.2 reserves names
 * without '@' for IANA and wants NAME@PEN with the sender's own private
 * enterprise number otherwise; floodspot has none, and 32473 is for
 * documentation only (RFC 5612), so the operator supplies one (--sd-id).
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "alert_int.h"
#include "floodspot/fmt.h"
#include "fs_config.h"

struct sb {
	char *buf;
	size_t cap;	/* bytes usable, NUL excluded */
	size_t len;
};

static bool sb_put(struct sb *b, const char *s, size_t n)
{
	if (b->len + n > b->cap)
		return false;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return true;
}

/* HOSTNAME, APP-NAME, MSGID: 1*N PRINTUSASCII (%d33-126) or "-". */
static void header_token(char *out, size_t outlen, const char *s)
{
	size_t o = 0;
	for (size_t i = 0; s[i] && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = c >= 33 && c <= 126 ? (char)c : '_';
	}
	if (o == 0)
		out[o++] = '-';
	out[o] = '\0';
}

/* PARAM-VALUE escaping, RFC 5424 6.3.3: '"', '\' and ']' take a '\'. */
static size_t sd_escape(char *out, size_t cap, const char *v)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (o + 3 > cap)
			break;
		if (*p == '"' || *p == '\\' || *p == ']')
			out[o++] = '\\';
		out[o++] = *p >= 0x20 && *p <= 0x7e ? (char)*p : '?';
	}
	out[o] = '\0';
	return o;
}

/* SD-NAME excludes '=', SP, ']' and '"'; keep the key grammar [a-z0-9_]. */
static void sd_name(char *out, size_t outlen, const char *key)
{
	size_t o = 0;
	for (; key[o] && o + 1 < outlen; o++)
		out[o] = (key[o] >= 'a' && key[o] <= 'z') ||
				 (key[o] >= '0' && key[o] <= '9')
				 ? key[o] : '_';
	if (o == 0)
		out[o++] = '_';
	out[o] = '\0';
}

void fs_alert_hostname(char *out, size_t len, const char *agent_name)
{
	if (agent_name && *agent_name) {
		size_t n = strcspn(agent_name, "/");
		if (n == 0)
			n = strlen(agent_name);
		snprintf(out, len, "%.*s", (int)n, agent_name);
		return;
	}
	if (gethostname(out, len) != 0)
		out[0] = '\0';
	out[len - 1] = '\0';
}

static int pri_of(int facility, enum fs_alert_severity sev)
{
	if (facility < 0 || facility > LOG_LOCAL7 || (facility & 7))
		facility = LOG_DAEMON;
	return facility | fs_alert_syslog_level(sev);
}

static bool put_header(struct sb *b, int pri, int64_t ts_us,
		       const char *hostname, long pid, const char *msgid)
{
	char ts[FS_TIME_STRLEN], host[256], mid[33], tmp[400];
	fs_fmt_time(ts, ts_us);
	if (strcmp(ts, "invalid") == 0)
		snprintf(ts, sizeof(ts), "-");
	header_token(host, sizeof(host), hostname ? hostname : "");
	header_token(mid, sizeof(mid), msgid);
	char procid[24] = "-";
	if (pid > 0)
		snprintf(procid, sizeof(procid), "%ld", pid);
	int n = snprintf(tmp, sizeof(tmp), "<%d>1 %s %s floodspot %s %s ", pri,
			 ts, host, procid, mid);
	return n > 0 && (size_t)n < sizeof(tmp) && sb_put(b, tmp, (size_t)n);
}

/* One SD-PARAM, whole or not at all, leaving keep bytes free. */
static bool put_param(struct sb *b, const char *name, const char *value,
		      size_t vmax, size_t keep)
{
	char esc[2 * sizeof(((struct fs_alert *)0)->message) + 2];
	char tmp[sizeof(esc) + 40];
	char clean[sizeof(((struct fs_alert *)0)->message)];
	fs_alert_sanitize(clean, vmax < sizeof(clean) ? vmax : sizeof(clean),
			  value);
	sd_escape(esc, sizeof(esc), clean);
	int n = snprintf(tmp, sizeof(tmp), " %s=\"%s\"", name, esc);
	if (n < 0 || (size_t)n >= sizeof(tmp) || b->len + (size_t)n + keep > b->cap)
		return false;
	return sb_put(b, tmp, (size_t)n);
}

/* [SD-ID state=.. rule=.. severity=.. agent=.. fields..], cut short with
 * truncated="N" rather than overflow. */
static bool put_fields(struct sb *b, const struct fs_alert *a,
		       const char *sd_id)
{
	char id[40], rule[sizeof(a->rule)];
	header_token(id, sizeof(id), sd_id);
	/* Room for at least [ID truncated="NN"], else no element at all: a
	 * message stays well-formed however short the buffer. */
	if (b->len + strlen(id) + 24 > b->cap)
		return true;
	if (!sb_put(b, "[", 1) || !sb_put(b, id, strlen(id)))
		return false;
	fs_alert_sanitize(rule, sizeof(rule), a->rule);
	/* Keep room for the marker param, "]" and a short MSG. */
	const size_t keep = 64;
	unsigned n_fields = a->n_fields <= FS_ALERT_MAX_FIELDS
				    ? a->n_fields : FS_ALERT_MAX_FIELDS;
	unsigned head = a->agent[0] ? 4 : 3;
	unsigned total = head + n_fields, i;
	for (i = 0; i < total; i++) {
		const char *name, *value;
		size_t vmax = sizeof(a->field[0].value);
		char sdname[sizeof(a->field[0].key)];
		if (i == 0) {
			name = "state";
			value = fs_alert_state_name(a->state);
		} else if (i == 1) {
			name = "rule";
			value = rule;
		} else if (i == 2) {
			name = "severity";
			value = fs_alert_severity_name(a->severity);
		} else if (i == 3 && head == 4) {
			name = "agent";
			value = a->agent;
		} else {
			sd_name(sdname, sizeof(sdname), a->field[i - head].key);
			name = sdname;
			value = a->field[i - head].value;
		}
		if (!put_param(b, name, value, vmax, keep))
			break;
	}
	if (i < total) {
		char cnt[16];
		snprintf(cnt, sizeof(cnt), "%u", total - i);
		put_param(b, "truncated", cnt, sizeof(cnt), 0);
	}
	return sb_put(b, "]", 1);
}

#define ORIGIN "[origin software=\"floodspot\" swVersion=\"" FS_VERSION "\"]"

/* The header and the origin element, which every message has. */
static bool put_head(struct sb *b, const struct fs_alert_origin *o,
		     enum fs_alert_severity sev, int64_t ts_us,
		     const char *msgid)
{
	return put_header(b, pri_of(o->facility, sev), ts_us, o->hostname,
			  o->pid, msgid) &&
	       sb_put(b, ORIGIN, strlen(ORIGIN));
}

size_t fs_alert_format_rfc5424(const struct fs_alert *a,
			       const struct fs_alert_origin *o, char *buf,
			       size_t len)
{
	if (len == 0)
		return 0;
	struct sb b = { buf, len - 1, 0 };
	buf[0] = '\0';
	char kind[sizeof(a->kind)];
	fs_alert_sanitize(kind, sizeof(kind), a->kind);
	if (!put_head(&b, o, a->severity, a->ts_us, kind[0] ? kind : "alert"))
		return 0;
	if (o->sd_id && !put_fields(&b, a, o->sd_id))
		return b.len;
	if (!sb_put(&b, " ", 1))
		return b.len;
	b.len += fs_alert_format_kv(a, buf + b.len, b.cap + 1 - b.len);
	return b.len;
}

size_t fs_alert_format_dropped(int64_t ts_us, const struct fs_alert_losses *l,
			       const struct fs_alert_origin *o, char *buf,
			       size_t len)
{
	if (len == 0)
		return 0;
	struct sb b = { buf, len - 1, 0 };
	buf[0] = '\0';
	if (!put_head(&b, o, FS_SEV_WARNING, ts_us, "alerts-dropped"))
		return 0;
	char tmp[400], id[40];
	unsigned long long full = l->queue_full, error = l->send_error,
			   unconf = l->unconfirmed;
	unsigned long long total = full + error + unconf;
	int n = 0;
	if (o->sd_id) {
		header_token(id, sizeof(id), o->sd_id);
		n = snprintf(tmp, sizeof(tmp),
			     "[%s dropped=\"%llu\" queue_full=\"%llu\" "
			     "send_error=\"%llu\" unconfirmed=\"%llu\"]",
			     id, total, full, error, unconf);
	}
	if (n < 0 || (size_t)n >= sizeof(tmp) || !sb_put(&b, tmp, (size_t)n))
		return 0;
	n = snprintf(tmp, sizeof(tmp),
		     " alerts-dropped dropped=%llu queue_full=%llu send_error=%llu"
		     " unconfirmed=%llu", total, full, error, unconf);
	if (n < 0 || !sb_put(&b, tmp, (size_t)n))
		return 0;
	/* The agent as its alerts give it, so a collector that files
	 * alerts by agent files the summary with them. */
	if (o->agent && o->agent[0]) {
		char clean[FS_ALERT_AGENT_MAX + 1], val[2 * sizeof(clean) + 4];
		fs_alert_sanitize(clean, sizeof(clean), o->agent);
		fs_alert_kv_value(val, sizeof(val), clean);
		n = snprintf(tmp, sizeof(tmp), " agent=%s", val);
		if (n < 0 || (size_t)n >= sizeof(tmp) ||
		    !sb_put(&b, tmp, (size_t)n))
			return 0;
	}
	return b.len;
}

size_t fs_alert_frame_octet(const char *msg, size_t n, char *out, size_t cap)
{
	char pre[24];
	int p = snprintf(pre, sizeof(pre), "%zu ", n);
	if (p <= 0 || (size_t)p + n > cap)
		return 0;
	memcpy(out, pre, (size_t)p);
	memcpy(out + p, msg, n);
	return (size_t)p + n;
}
