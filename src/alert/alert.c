/*
 * src/alert: alerts as a product.
 *   alert.c         the alert value: fields, names, key=value and JSON forms
 *   rfc5424.c       RFC 5424 messages, structured data, RFC 6587 framing
 *   queue.c         bounded ring of pending remote messages
 *   sinks.c         dispatcher: subscribes to FS_EV_ALERT, fans out, stats
 *   syslog_local.c  local syslog, non-blocking datagram to /dev/log
 *   remote.c        remote collector over UDP or TCP, reconnect with backoff
 *   exec.c          --exec children via posix_spawn, reaped without waiting
 *
 * The key=value body (one line, what syslog and SIEMs parse):
 *   line  = kind SP "state=" state SP "rule=" value SP "severity=" sev
 *           [SP "agent=" value] *(SP key "=" value) [SP "msg=" quoted]
 *           [SP "truncated=" count]
 *   key   = [a-z_][a-z0-9_]*                (fs_alert_add normalises keys)
 *   value = bare / quoted
 *   bare  = 1*(%x21-7E except '"' '\' '=')
 *   quoted= '"' *(%x20-7E with '"' and '\' written as \" and \\) '"'
 * Fields keep insertion order. Bytes outside printable ASCII become '?'.
 * A list is its items joined by ',', a flag is yes or no; JSON gives them
 * as an array and a boolean.
 * A line that does not fit ends after the last whole item with
 * "truncated=N", N being the number of items left out.
 */
#include "floodspot/alert.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "alert_int.h"
#include "floodspot/fmt.h"

/* Only the capture thread adds fields, so a plain counter will do. */
static uint64_t fields_dropped;

static const char *const state_names[] = {
	[FS_ALERT_RAISED] = "raised",
	[FS_ALERT_ACTIVE] = "active",
	[FS_ALERT_CLEARED] = "cleared",
};

static const char *const severity_names[] = {
	[FS_SEV_INFO] = "info",
	[FS_SEV_NOTICE] = "notice",
	[FS_SEV_WARNING] = "warning",
	[FS_SEV_CRITICAL] = "critical",
};
_Static_assert(sizeof(severity_names) / sizeof(severity_names[0]) ==
		       FS_SEV_COUNT,
	       "a name for every severity");

const char *fs_alert_state_name(enum fs_alert_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "unknown";
}

const char *fs_alert_severity_name(enum fs_alert_severity s)
{
	if ((unsigned)s < sizeof(severity_names) / sizeof(severity_names[0]))
		return severity_names[s];
	return "unknown";
}

int fs_alert_syslog_level(enum fs_alert_severity sev)
{
	switch (sev) {
	case FS_SEV_CRITICAL: return LOG_CRIT;
	case FS_SEV_WARNING: return LOG_WARNING;
	case FS_SEV_NOTICE: return LOG_NOTICE;
	case FS_SEV_INFO: return LOG_INFO;
	case FS_SEV_COUNT: break;
	}
	return LOG_NOTICE;
}

uint64_t fs_alert_fields_dropped(void)
{
	return fields_dropped;
}

void fs_alert_sanitize(char *out, size_t outlen, const char *s)
{
	size_t i = 0;
	for (; s[i] && i + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	out[i] = '\0';
}

static void normalize_key(char *out, size_t outlen, const char *key)
{
	size_t o = 0;
	if ((key[0] >= '0' && key[0] <= '9') || key[0] == '\0')
		out[o++] = '_';
	for (size_t i = 0; key[i] && o + 1 < outlen; i++) {
		char c = key[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		out[o++] = c;
	}
	out[o] = '\0';
}

void fs_alert_add(struct fs_alert *a, const char *key, const char *fmt, ...)
{
	if (a->n_fields >= FS_ALERT_MAX_FIELDS) {
		fields_dropped++;
		return;
	}
	char *k = a->field[a->n_fields].key;
	char *v = a->field[a->n_fields].value;
	a->field[a->n_fields].type = FS_AF_TEXT;
	size_t vlen = sizeof(a->field[0].value);
	a->n_fields++;
	normalize_key(k, sizeof(a->field[0].key), key);

	char raw[sizeof(a->field[0].value)];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		raw[0] = '\0';
	fs_alert_sanitize(v, vlen, raw);
	/* A cut value says so rather than passing for a real one. */
	if (n >= (int)vlen)
		memcpy(v + vlen - 4, "...", 4);
}

void fs_alert_add_list(struct fs_alert *a, const char *key, const char *items)
{
	unsigned before = a->n_fields;
	fs_alert_add(a, key, "%s", items);
	if (a->n_fields > before)
		a->field[before].type = FS_AF_LIST;
}

void fs_alert_add_bool(struct fs_alert *a, const char *key, bool v)
{
	unsigned before = a->n_fields;
	fs_alert_add(a, key, "%s", v ? "yes" : "no");
	if (a->n_fields > before)
		a->field[before].type = FS_AF_BOOL;
}

static bool bare_char(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\' && c != '=';
}

size_t fs_alert_kv_value(char *out, size_t cap, const char *v)
{
	bool bare = v[0] != '\0';
	size_t need = 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (!bare_char(*p))
			bare = false;
		need += *p == '"' || *p == '\\' ? 2 : 1;
	}
	if (!bare)
		need += 2;
	if (need >= cap)
		return need;
	size_t o = 0;
	if (!bare)
		out[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p >= 0x20 && *p <= 0x7e ? (char)*p : '?';
	}
	if (!bare)
		out[o++] = '"';
	out[o] = '\0';
	return need;
}

/* The kind is the line's first word: keep it a token. */
static void kind_token(char *out, size_t outlen, const char *kind)
{
	size_t o = 0;
	for (size_t i = 0; kind[i] && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)kind[i];
		out[o++] = bare_char(c) ? (char)c : '_';
	}
	if (o == 0 && outlen > 5) {
		memcpy(out, "alert", 6);
		return;
	}
	out[o] = '\0';
}

/* Item i of the line: 0 kind, 1 state, 2 rule, 3 severity, [agent,]
 * fields, msg. */
static size_t kv_item(const struct fs_alert *a, unsigned n_fields, unsigned i,
		      char *out, size_t cap)
{
	if (i >= 4 && a->agent[0]) {
		if (i == 4) {
			char clean[sizeof(a->agent)], val[2 * sizeof(a->agent) + 4];
			fs_alert_sanitize(clean, sizeof(clean), a->agent);
			fs_alert_kv_value(val, sizeof(val), clean);
			return (size_t)snprintf(out, cap, " agent=%s", val);
		}
		i--;
	}
	char val[2 * sizeof(a->message) + 4];
	char clean[sizeof(a->message)];
	char fkey[sizeof(a->field[0].key)];
	const char *key;
	if (i == 0) {
		char kind[sizeof(a->kind)];
		kind_token(kind, sizeof(kind), a->kind);
		return (size_t)snprintf(out, cap, "%s", kind);
	} else if (i == 1) {
		key = "state";
		fs_alert_kv_value(val, sizeof(val), fs_alert_state_name(a->state));
	} else if (i == 2) {
		key = "rule";
		fs_alert_sanitize(clean, sizeof(a->rule), a->rule);
		fs_alert_kv_value(val, sizeof(val), clean);
	} else if (i == 3) {
		key = "severity";
		fs_alert_kv_value(val, sizeof(val),
				  fs_alert_severity_name(a->severity));
	} else if (i - 4 < n_fields) {
		fs_alert_sanitize(fkey, sizeof(fkey), a->field[i - 4].key);
		key = fkey;
		fs_alert_sanitize(clean, sizeof(a->field[0].value),
				  a->field[i - 4].value);
		fs_alert_kv_value(val, sizeof(val), clean);
	} else {
		/* The message is always quoted so its grammar never depends
		 * on its words. */
		key = "msg";
		fs_alert_sanitize(clean, sizeof(clean), a->message);
		size_t o = 0;
		val[o++] = '"';
		for (const char *p = clean; *p; p++) {
			if (*p == '"' || *p == '\\')
				val[o++] = '\\';
			val[o++] = *p;
		}
		val[o++] = '"';
		val[o] = '\0';
	}
	return (size_t)snprintf(out, cap, " %s=%s", key, val);
}

size_t fs_alert_format_kv(const struct fs_alert *a, char *buf, size_t len)
{
	if (len == 0)
		return 0;
	unsigned n_fields = a->n_fields <= FS_ALERT_MAX_FIELDS
				    ? a->n_fields : FS_ALERT_MAX_FIELDS;
	unsigned n_items = 4 + (a->agent[0] ? 1 : 0) + n_fields +
			   (a->message[0] ? 1 : 0);
	/* Room kept for " truncated=NN" while more items follow. */
	const size_t reserve = 13;
	char item[2 * sizeof(a->message) + 32];
	size_t pos = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n_items; i++) {
		size_t il = kv_item(a, n_fields, i, item, sizeof(item));
		size_t need = il + (i + 1 < n_items ? reserve : 0);
		if (il >= sizeof(item) || pos + need >= len) {
			int m = snprintf(item, sizeof(item), "%struncated=%u",
					 pos ? " " : "", n_items - i);
			if (m > 0 && pos + (size_t)m < len) {
				memcpy(buf + pos, item, (size_t)m + 1);
				pos += (size_t)m;
			}
			break;
		}
		memcpy(buf + pos, item, il + 1);
		pos += il;
	}
	return pos;
}

/* A JSON number in its plain form: -?(0|[1-9][0-9]*)(.[0-9]+)? */
static bool plain_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0' && p - s <= 20;
}

/* "a,b" as ["a","b"]; "" as []. */
static void json_list(FILE *f, const char *items)
{
	char item[sizeof(((struct fs_alert *)0)->field[0].value)];
	putc('[', f);
	for (const char *p = items; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		memcpy(item, p, n);
		item[n] = '\0';
		if (p != items)
			putc(',', f);
		fs_json_string(f, item);
		p += n + (comma ? 1 : 0);
	}
	putc(']', f);
}

void fs_alert_print_json(const struct fs_alert *a, FILE *f)
{
	char ts[FS_TIME_STRLEN];
	char clean[sizeof(a->message)];
	fprintf(f, "{\"event\":\"alert\",\"schema\":%d,", FS_ALERT_JSON_SCHEMA);
	if (a->agent[0]) {
		char agent[sizeof(a->agent)];
		fs_alert_sanitize(agent, sizeof(agent), a->agent);
		fputs("\"agent\":", f);
		fs_json_string(f, agent);
		putc(',', f);
	}
	fprintf(f, "\"ts\":\"%s\",\"state\":\"%s\",\"severity\":\"%s\",\"rule\":",
		fs_fmt_time(ts, a->ts_us), fs_alert_state_name(a->state),
		fs_alert_severity_name(a->severity));
	fs_alert_sanitize(clean, sizeof(a->rule), a->rule);
	fs_json_string(f, clean);
	fputs(",\"kind\":", f);
	fs_alert_sanitize(clean, sizeof(a->kind), a->kind);
	fs_json_string(f, clean);
	unsigned n = a->n_fields <= FS_ALERT_MAX_FIELDS ? a->n_fields
							: FS_ALERT_MAX_FIELDS;
	for (unsigned i = 0; i < n; i++) {
		char key[sizeof(a->field[0].key)];
		fs_alert_sanitize(key, sizeof(key), a->field[i].key);
		fs_alert_sanitize(clean, sizeof(a->field[0].value),
				  a->field[i].value);
		putc(',', f);
		fs_json_string(f, key);
		putc(':', f);
		if (a->field[i].type == FS_AF_BOOL)
			fputs(strcmp(clean, "yes") == 0 ? "true" : "false", f);
		else if (a->field[i].type == FS_AF_LIST)
			json_list(f, clean);
		else if (plain_number(clean))
			fputs(clean, f);
		else
			fs_json_string(f, clean);
	}
	fputs(",\"message\":", f);
	fs_alert_sanitize(clean, sizeof(clean), a->message);
	fs_json_string(f, clean);
	fputs("}\n", f);
}

/* No "kern": 0 means "the default" to glibc and to us (LOG_DAEMON). */
static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "user", LOG_USER },
	{ "mail", LOG_MAIL },	  { "daemon", LOG_DAEMON },
	{ "auth", LOG_AUTH },	  { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR },	  { "news", LOG_NEWS },
	{ "uucp", LOG_UUCP },	  { "cron", LOG_CRON },
	{ "authpriv", LOG_AUTHPRIV }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int fs_alert_facility_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].facility;
	return -1;
}

const char *fs_alert_facility_name(int facility)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (facilities[i].facility == facility)
			return facilities[i].name;
	return NULL;
}
