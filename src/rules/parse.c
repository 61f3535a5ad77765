/*
 * Rules parser: a small lexer (words, strings, operators, braces) and a
 * recursive-descent parser with statement-level error recovery, so every
 * error of a file is reported as "file:line:col: message".
 */
#include "rules_impl.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/fmt.h"

#define WORD_MAX 128
#define MAX_ERRORS 100

enum tok_type { T_EOF, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_SEMI, T_COMMA, T_OP };

struct tok {
	enum tok_type type;
	unsigned line, col;
	bool bol;		/* first token on its line */
	bool too_long;
	char text[WORD_MAX + 1];	/* word, operator or decoded string */
	size_t len;
};

struct parser {
	const char *name;
	const char *p, *end;
	unsigned line, col;
	bool at_bol;
	struct tok tok;
	FILE *err;
	unsigned errors;
	bool gave_up;
	struct fs_ruleset *rs;
};

static void errorf(struct parser *ps, unsigned line, unsigned col,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void errorf(struct parser *ps, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	ps->errors++;
	if (ps->errors > MAX_ERRORS) {
		if (!ps->gave_up && ps->err)
			fprintf(ps->err, "%s:%u:%u: too many errors, giving up\n",
				ps->name, line, col);
		ps->gave_up = true;
		return;
	}
	if (!ps->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(ps->err, "%s:%u:%u: ", ps->name, line, col);
	vfprintf(ps->err, fmt, ap);
	fputc('\n', ps->err);
	va_end(ap);
}

#define tok_error(ps, ...) errorf((ps), (ps)->tok.line, (ps)->tok.col, __VA_ARGS__)

/* ---- lexer ---- */

static int peekc(const struct parser *ps)
{
	return ps->p < ps->end ? (unsigned char)*ps->p : -1;
}

static void advance(struct parser *ps)
{
	if (ps->p >= ps->end)
		return;
	if (*ps->p == '\n') {
		ps->line++;
		ps->col = 1;
		ps->at_bol = true;
	} else {
		ps->col++;
	}
	ps->p++;
}

static bool is_word_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("{};,#\"<>=!", c);
}

static void push_char(struct tok *t, int c)
{
	if (t->len < WORD_MAX)
		t->text[t->len++] = (char)c;
	else
		t->too_long = true;
	t->text[t->len] = '\0';
}

static void lex_string(struct parser *ps, struct tok *t)
{
	t->type = T_STRING;
	advance(ps);
	for (;;) {
		int c = peekc(ps);
		if (c < 0 || c == '\n') {
			errorf(ps, t->line, t->col, "unterminated string");
			return;
		}
		if (c == '"') {
			advance(ps);
			return;
		}
		if (c == '\\') {
			unsigned l = ps->line, col = ps->col;
			advance(ps);
			c = peekc(ps);
			if (c != '"' && c != '\\') {
				errorf(ps, l, col,
				       "unknown escape in string (use \\\" or \\\\)");
				continue;
			}
		} else if (c < 0x20 || c == 0x7f) {
			errorf(ps, ps->line, ps->col, "control character in string");
			advance(ps);
			continue;
		}
		push_char(t, c);
		advance(ps);
	}
}

static void next(struct parser *ps)
{
	struct tok *t = &ps->tok;
	for (;;) {
		int c = peekc(ps);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(ps);
		} else if (c == '#') {
			while (peekc(ps) >= 0 && peekc(ps) != '\n')
				advance(ps);
		} else if (c >= 0 && !is_word_char(c) &&
			   (c == 0 || !strchr("{};,\"<>=!", c))) {
			errorf(ps, ps->line, ps->col,
			       "unexpected character 0x%02x", (unsigned)c);
			advance(ps);
		} else {
			break;
		}
	}
	t->line = ps->line;
	t->col = ps->col;
	t->bol = ps->at_bol;
	ps->at_bol = false;
	t->len = 0;
	t->text[0] = '\0';
	t->too_long = false;
	int c = peekc(ps);
	if (c < 0) {
		t->type = T_EOF;
		strcpy(t->text, "end of file");
		return;
	}
	switch (c) {
	case '{': t->type = T_LBRACE; push_char(t, c); advance(ps); return;
	case '}': t->type = T_RBRACE; push_char(t, c); advance(ps); return;
	case ';': t->type = T_SEMI; push_char(t, c); advance(ps); return;
	case ',': t->type = T_COMMA; push_char(t, c); advance(ps); return;
	case '"': lex_string(ps, t); return;
	case '<': case '>': case '=': case '!':
		t->type = T_OP;
		push_char(t, c);
		advance(ps);
		if (peekc(ps) == '=') {
			push_char(t, '=');
			advance(ps);
		}
		return;
	default:
		break;
	}
	t->type = T_WORD;
	while (is_word_char(peekc(ps))) {
		push_char(t, peekc(ps));
		advance(ps);
	}
}

static bool is_word(const struct parser *ps, const char *w)
{
	return ps->tok.type == T_WORD && strcmp(ps->tok.text, w) == 0;
}

/* How a token is named in messages. */
static const char *shown(const struct tok *t)
{
	return t->type == T_STRING ? "a string" : t->text;
}

/* ---- numbers ---- */

/*
 * "12", "1.5k", "300ms": digits, an optional fraction, then a suffix.
 * Returns false when the text does not start with a plain number.
 */
static bool split_number(const char *text, double *v, const char **suffix)
{
	const char *s = text;
	if (!(*s >= '0' && *s <= '9'))
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (s - text > 40)
		return false;
	char buf[48];
	memcpy(buf, text, (size_t)(s - text));
	buf[s - text] = '\0';
	*v = strtod(buf, NULL);
	*suffix = s;
	return isfinite(*v);
}

static const char *unit_example(enum fs_unit u)
{
	switch (u) {
	case FS_UNIT_RATE: return "a rate like 500, 2k or 1M";
	case FS_UNIT_PERCENT: return "a percentage like 50%";
	case FS_UNIT_TIME: return "a time like 300ms or 2s";
	default: return "a count like 3 or 1k";
	}
}

/* Scales a number by its suffix for a unit; false when it does not fit. */
static bool apply_suffix(enum fs_unit u, double v, const char *suffix,
			 double *out)
{
	switch (u) {
	case FS_UNIT_RATE:
	case FS_UNIT_COUNT:
		if (!*suffix)
			*out = v;
		else if (!strcmp(suffix, "k"))
			*out = v * 1e3;
		else if (!strcmp(suffix, "M"))
			*out = v * 1e6;
		else if (!strcmp(suffix, "G"))
			*out = v * 1e9;
		else
			return false;
		return true;
	case FS_UNIT_PERCENT:
		*out = v;
		return !strcmp(suffix, "%");
	case FS_UNIT_TIME:
		if (!strcmp(suffix, "ms"))
			*out = v;
		else if (!strcmp(suffix, "s"))
			*out = v * 1e3;
		else
			return false;
		return true;
	}
	return false;
}

static bool unit_range(enum fs_unit u, double v, const char **range)
{
	double max;
	switch (u) {
	case FS_UNIT_RATE: max = 100e9; *range = "0 to 100G"; break;
	case FS_UNIT_PERCENT: max = 100; *range = "0% to 100%"; break;
	case FS_UNIT_TIME: max = 3600e3; *range = "0ms to 3600s"; break;
	default: max = 1e9; *range = "0 to 1G"; break;
	}
	return v >= 0 && v <= max;
}

#define RATIO_MIN 1.0
#define RATIO_MAX 10000.0
#define DEV_MIN 1.0
#define DEV_MAX 1000.0

/*
 * A comparison value for metric m at the current token: "2k", "10x
 * baseline" or "6 dev". Returns false after reporting an error.
 */
static bool parse_value(struct parser *ps, const struct fs_metric *m,
			uint8_t *vkind, double *value)
{
	char mname[64];
	fs_metric_print(m, mname, sizeof(mname));
	enum fs_unit u = fs_metric_unit(m);
	if (ps->tok.type != T_WORD) {
		tok_error(ps, "expected %s after '%s', got '%s'",
			  unit_example(u), mname, shown(&ps->tok));
		return false;
	}
	struct tok num = ps->tok;
	double v;
	const char *suffix;
	if (!split_number(num.text, &v, &suffix)) {
		tok_error(ps, "bad value '%s' for %s: expected %s", num.text,
			  mname, unit_example(u));
		next(ps);
		return false;
	}
	next(ps);
	bool ratio = !strcmp(suffix, "x");
	bool dev = !*suffix && is_word(ps, "dev") && !ps->tok.bol;
	if (ratio || dev) {
		if (!fs_metric_has_baseline(m)) {
			errorf(ps, num.line, num.col,
			       "%s has no baseline: 'Nx baseline' and 'N dev' "
			       "apply to host.pps and host.ctrl_pps", mname);
			if (dev)
				next(ps);
			else if (is_word(ps, "baseline"))
				next(ps);
			return false;
		}
		if (ratio) {
			if (!is_word(ps, "baseline")) {
				tok_error(ps, "expected 'baseline' after '%s', got '%s'",
					  num.text, shown(&ps->tok));
				return false;
			}
			next(ps);
			if (v < RATIO_MIN || v > RATIO_MAX) {
				errorf(ps, num.line, num.col,
				       "ratio %s out of range: allowed 1x to 10000x",
				       num.text);
				return false;
			}
			*vkind = FS_V_RATIO;
		} else {
			next(ps);
			if (v < DEV_MIN || v > DEV_MAX) {
				errorf(ps, num.line, num.col,
				       "deviation %s out of range: allowed 1 to 1000",
				       num.text);
				return false;
			}
			*vkind = FS_V_DEV;
		}
		*value = v;
		return true;
	}
	if (!apply_suffix(u, v, suffix, value)) {
		errorf(ps, num.line, num.col, "bad value '%s' for %s: expected %s",
		       num.text, mname, unit_example(u));
		return false;
	}
	const char *range;
	if (!unit_range(u, *value, &range)) {
		errorf(ps, num.line, num.col,
		       "value %s out of range for %s: allowed %s", num.text,
		       mname, range);
		return false;
	}
	*vkind = FS_V_ABS;
	return true;
}

/* "5s" (or "5000ms") at the current token, into whole seconds. */
static bool parse_duration(struct parser *ps, const char *what,
			   uint32_t max_s, uint32_t *out)
{
	if (ps->tok.type != T_WORD) {
		tok_error(ps, "expected a duration like 5s after '%s', got '%s'",
			  what, shown(&ps->tok));
		return false;
	}
	struct tok t = ps->tok;
	next(ps);
	double v, ms;
	const char *suffix;
	if (!split_number(t.text, &v, &suffix) ||
	    !apply_suffix(FS_UNIT_TIME, v, suffix, &ms) ||
	    fmod(ms, 1000.0) != 0) {
		errorf(ps, t.line, t.col,
		       "bad duration '%s': expected whole seconds like 5s", t.text);
		return false;
	}
	if (ms / 1000.0 > max_s) {
		errorf(ps, t.line, t.col,
		       "duration %s out of range: allowed 0s to %us", t.text, max_s);
		return false;
	}
	*out = (uint32_t)(ms / 1000.0);
	return true;
}

/* ---- statements ---- */

#define FOR_MAX_S 3600
#define REPEAT_MAX_S 86400

struct rule_state {
	struct fs_rule *r;
	bool have_when, have_severity, have_clear, have_repeat, have_message,
		have_kind, mixed_reported;
	unsigned scope_line, scope_col;	/* first scope statement, 0 if none */
};

static bool parse_cond(struct parser *ps, struct rule_state *st,
		       const char *kw)
{
	struct fs_rule *r = st->r;
	if (ps->tok.type != T_WORD) {
		tok_error(ps, "expected a metric after '%s', got '%s'", kw,
			  shown(&ps->tok));
		return false;
	}
	struct fs_cond c;
	memset(&c, 0, sizeof(c));
	unsigned cline = ps->tok.line, ccol = ps->tok.col;
	int rc = fs_metric_parse(ps->tok.text, &c.m);
	if (rc == -1) {
		tok_error(ps, "unknown metric '%s' (metrics start with host., "
			  "segment., router., ospf., kernel. or agent.)", ps->tok.text);
		return false;
	}
	if (rc == -2) {
		tok_error(ps, "unknown %s metric '%s' (see floodspot.rules(5))",
			  fs_subject_name(c.m.subject), ps->tok.text);
		return false;
	}
	char mname[64];
	fs_metric_print(&c.m, mname, sizeof(mname));
	bool mixed = r->n_cond > 0 && c.m.subject != r->subject;
	if (mixed)
		tok_error(ps, "a rule cannot mix %s and %s metrics",
			  fs_subject_name(r->subject), fs_subject_name(c.m.subject));
	next(ps);
	if (ps->tok.type != T_OP || !strcmp(ps->tok.text, "=") ||
	    !strcmp(ps->tok.text, "!")) {
		tok_error(ps, "expected a comparison (>, >=, <, <=, ==, !=) "
			  "after '%s', got '%s'", mname, shown(&ps->tok));
		return false;
	}
	for (int op = FS_OP_GT; op <= FS_OP_NE; op++)
		if (!strcmp(ps->tok.text, fs_op_name(op)))
			c.op = (uint8_t)op;
	next(ps);
	if (!parse_value(ps, &c.m, &c.vkind, &c.value))
		return false;
	if (is_word(ps, "for") && !ps->tok.bol) {
		next(ps);
		if (!parse_duration(ps, "for", FOR_MAX_S, &c.for_s))
			return false;
	}
	if (mixed)
		return false;
	if (r->n_cond >= FS_RULE_MAX_CONDS) {
		errorf(ps, cline, ccol, "too many conditions (at most %d)", FS_RULE_MAX_CONDS);
		return false;
	}
	if (r->n_cond == 0)
		r->subject = c.m.subject;
	r->cond[r->n_cond++] = c;
	return true;
}

/* Conditions joined by "and" on one line: "when a > 1 and b > 2". */
static bool parse_conds(struct parser *ps, struct rule_state *st,
			const char *kw)
{
	bool ok = parse_cond(ps, st, kw);
	while (ok && is_word(ps, "and") && !ps->tok.bol) {
		next(ps);
		ok = parse_cond(ps, st, "and");
	}
	return ok;
}

static bool parse_scope(struct parser *ps, struct rule_state *st, bool watch)
{
	struct fs_rule *r = st->r;
	if (!st->scope_line) {
		st->scope_line = ps->tok.line;
		st->scope_col = ps->tok.col;
	}
	next(ps);
	int type;
	if (is_word(ps, "vlan"))
		type = FS_SCOPE_VLAN;
	else if (is_word(ps, "mac"))
		type = FS_SCOPE_MAC;
	else if (is_word(ps, "prefix"))
		type = FS_SCOPE_PREFIX;
	else {
		tok_error(ps, "expected vlan, mac or prefix after '%s', got '%s'",
			  watch ? "watch" : "ignore", shown(&ps->tok));
		return false;
	}
	next(ps);
	for (;;) {
		struct fs_scope sc;
		memset(&sc, 0, sizeof(sc));
		sc.type = (uint8_t)type;
		sc.watch = watch;
		struct tok t = ps->tok;
		if (t.type != T_WORD) {
			tok_error(ps, "expected a %s, got '%s'",
				  type == FS_SCOPE_VLAN ? "VLAN id" :
				  type == FS_SCOPE_MAC ? "MAC address" : "prefix",
				  shown(&t));
			return false;
		}
		next(ps);
		bool ok = true;
		if (type == FS_SCOPE_VLAN) {
			double v;
			const char *suffix;
			if (!split_number(t.text, &v, &suffix) || *suffix ||
			    v != floor(v) || v > 4095) {
				errorf(ps, t.line, t.col,
				       "bad VLAN '%s': allowed 0 to 4095", t.text);
				ok = false;
			}
			sc.vlan = ok ? (uint16_t)v : 0;
		} else if (type == FS_SCOPE_MAC) {
			if (t.too_long || fs_parse_mac(t.text, sc.addr) != 0) {
				errorf(ps, t.line, t.col,
				       "bad MAC address '%s': expected like "
				       "02:00:00:00:00:99", t.text);
				ok = false;
			}
		} else {
			char addr[WORD_MAX + 1];
			snprintf(addr, sizeof(addr), "%s", t.text);
			char *slash = strchr(addr, '/');
			long plen = -1;
			if (slash) {
				*slash = '\0';
				char *endp;
				plen = strtol(slash + 1, &endp, 10);
				if (endp == slash + 1 || *endp || slash[1] == '-' ||
				    slash[1] == '+')
					plen = -1;
			}
			if (inet_pton(AF_INET, addr, sc.addr) == 1)
				sc.version = 4;
			else if (inet_pton(AF_INET6, addr, sc.addr) == 1)
				sc.version = 6;
			long maxlen = sc.version == 6 ? 128 : 32;
			if (!slash || !sc.version || t.too_long) {
				errorf(ps, t.line, t.col,
				       "bad prefix '%s': expected like 10.0.0.0/8 "
				       "or 2001:db8::/32", t.text);
				ok = false;
			} else if (plen < 0 || plen > maxlen) {
				errorf(ps, t.line, t.col,
				       "bad prefix length in '%s': allowed 0 to %ld",
				       t.text, maxlen);
				ok = false;
			} else {
				sc.plen = (uint8_t)plen;
				/* Host bits are cleared: 10.1.2.3/8 is 10.0.0.0/8. */
				for (unsigned i = 0; i < 16; i++) {
					long bits = plen - (long)i * 8;
					if (bits <= 0)
						sc.addr[i] = 0;
					else if (bits < 8)
						sc.addr[i] &= (uint8_t)(0xff << (8 - bits));
				}
			}
		}
		if (ok) {
			if (r->n_scope >= FS_RULE_MAX_SCOPE) {
				errorf(ps, t.line, t.col,
				       "too many watch/ignore entries (at most %d)",
				       FS_RULE_MAX_SCOPE);
				return false;
			}
			r->scope[r->n_scope++] = sc;
		}
		if (ps->tok.type != T_COMMA)
			return ok;
		next(ps);
	}
}

static bool valid_kind(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= FS_RULE_KIND_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return false;
	return true;
}

static bool dup(struct parser *ps, bool *have, const char *what)
{
	if (*have) {
		tok_error(ps, "'%s' given twice in one rule", what);
		return true;
	}
	*have = true;
	return false;
}

static bool parse_statement(struct parser *ps, struct rule_state *st)
{
	struct fs_rule *r = st->r;
	if (ps->tok.type != T_WORD) {
		tok_error(ps, "expected a statement, got '%s'", shown(&ps->tok));
		next(ps);
		return false;
	}
	const char *kw = ps->tok.text;
	if (!strcmp(kw, "when")) {
		if (st->have_when) {
			tok_error(ps, "second 'when' in one rule: use 'and' to add "
				  "conditions");
			next(ps);
			return false;
		}
		st->have_when = true;
		next(ps);
		return parse_conds(ps, st, "when");
	}
	if (!strcmp(kw, "and")) {
		if (!st->have_when) {
			tok_error(ps, "'and' before 'when'");
			next(ps);
			return false;
		}
		next(ps);
		return parse_conds(ps, st, "and");
	}
	if (!strcmp(kw, "severity")) {
		if (dup(ps, &st->have_severity, "severity")) {
			next(ps);
			return false;
		}
		next(ps);
		for (unsigned i = 0; i < FS_SEV_COUNT; i++)
			if (is_word(ps, fs_alert_severity_name(i))) {
				r->severity = (uint8_t)i;
				next(ps);
				return true;
			}
		tok_error(ps, "unknown severity '%s' (expected info, notice, "
			  "warning or critical)", shown(&ps->tok));
		return false;
	}
	if (!strcmp(kw, "clear")) {
		if (dup(ps, &st->have_clear, "clear")) {
			next(ps);
			return false;
		}
		next(ps);
		if (is_word(ps, "below")) {
			if (r->n_cond == 0 && st->have_when)
				return false;	/* 'when' failed: said so already */
			if (r->n_cond == 0) {
				tok_error(ps, "'clear below' before 'when': the value "
					  "is compared with the first condition's metric");
				next(ps);
				return false;
			}
			next(ps);
			r->clear_below = true;
			if (!parse_value(ps, &r->cond[0].m, &r->clear_vkind,
					 &r->clear_value))
				return false;
			if (is_word(ps, "for") && !ps->tok.bol) {
				next(ps);
				return parse_duration(ps, "for", FOR_MAX_S,
						      &r->clear_for_s);
			}
			r->clear_for_s = 0;
			return true;
		}
		if (is_word(ps, "for")) {
			next(ps);
			return parse_duration(ps, "for", FOR_MAX_S, &r->clear_for_s);
		}
		tok_error(ps, "expected 'below' or 'for' after 'clear', got '%s'",
			  shown(&ps->tok));
		return false;
	}
	if (!strcmp(kw, "repeat")) {
		if (dup(ps, &st->have_repeat, "repeat")) {
			next(ps);
			return false;
		}
		next(ps);
		return parse_duration(ps, "repeat", REPEAT_MAX_S, &r->repeat_s);
	}
	if (!strcmp(kw, "watch") || !strcmp(kw, "ignore"))
		return parse_scope(ps, st, kw[0] == 'w');
	if (!strcmp(kw, "message")) {
		if (dup(ps, &st->have_message, "message")) {
			next(ps);
			return false;
		}
		next(ps);
		if (ps->tok.type != T_STRING) {
			tok_error(ps, "expected a quoted string after 'message', "
				  "got '%s'", shown(&ps->tok));
			return false;
		}
		if (ps->tok.too_long || ps->tok.len >= FS_RULE_MSG_MAX) {
			tok_error(ps, "message too long (at most %d bytes)",
				  FS_RULE_MSG_MAX - 1);
			next(ps);
			return false;
		}
		memcpy(r->message, ps->tok.text, ps->tok.len + 1);
		next(ps);
		return true;
	}
	if (!strcmp(kw, "kind")) {
		if (dup(ps, &st->have_kind, "kind")) {
			next(ps);
			return false;
		}
		next(ps);
		if (ps->tok.type != T_WORD || !valid_kind(ps->tok.text)) {
			tok_error(ps, "bad kind '%s': lower-case letters, digits and "
				  "'-', starting with a letter, at most %d",
				  shown(&ps->tok), FS_RULE_KIND_MAX - 1);
			return false;
		}
		snprintf(r->kind, sizeof(r->kind), "%s", ps->tok.text);
		next(ps);
		return true;
	}
	tok_error(ps, "unknown statement '%s' (expected when, and, severity, "
		  "clear, repeat, watch, ignore, message or kind)", kw);
	next(ps);
	return false;
}

/* Skips to the start of the next statement: after ';', or a line start. */
static void recover_statement(struct parser *ps)
{
	while (ps->tok.type != T_EOF && ps->tok.type != T_RBRACE && !ps->tok.bol) {
		if (ps->tok.type == T_SEMI) {
			next(ps);
			return;
		}
		next(ps);
	}
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= FS_RULE_NAME_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static void parse_rule(struct parser *ps)
{
	unsigned rline = ps->tok.line, rcol = ps->tok.col;
	if (ps->rs->n >= FS_RULES_MAX) {
		tok_error(ps, "too many rules (at most %d)", FS_RULES_MAX);
		ps->gave_up = true;
		return;
	}
	next(ps);
	struct fs_rule *r = fs_ruleset_add(ps->rs);
	if (!r) {
		tok_error(ps, "out of memory");
		ps->gave_up = true;
		return;
	}
	r->severity = FS_RULE_DEFAULT_SEVERITY;
	r->clear_for_s = FS_RULE_DEFAULT_CLEAR_S;
	r->repeat_s = FS_RULE_DEFAULT_REPEAT_S;
	snprintf(r->file, sizeof(r->file), "%s", ps->name);
	r->line = rline;
	struct rule_state st = { .r = r };
	if (ps->tok.type != T_WORD || !valid_name(ps->tok.text)) {
		tok_error(ps, "bad rule name '%s': letters, digits, '_' and '-', "
			  "starting with a letter, at most %d characters",
			  shown(&ps->tok), FS_RULE_NAME_MAX - 1);
		if (ps->tok.type == T_WORD)
			next(ps);
	} else {
		snprintf(r->name, sizeof(r->name), "%s", ps->tok.text);
		if (!strcmp(r->name, "culprit"))
			tok_error(ps, "rule name 'culprit' is reserved for the "
				  "correlator");
		const struct fs_rule *prev = fs_ruleset_find(ps->rs, r->name);
		if (prev && prev != r)
			tok_error(ps, "duplicate rule '%s' (first defined at %s:%u)",
				  r->name, prev->file, prev->line);
		next(ps);
	}
	if (ps->tok.type != T_LBRACE) {
		tok_error(ps, "expected '{' after the rule name, got '%s'",
			  shown(&ps->tok));
		/* A statement at a line start: assume only '{' was forgotten. */
		if (!(ps->tok.type == T_WORD && ps->tok.bol)) {
			while (ps->tok.type != T_EOF && ps->tok.type != T_LBRACE &&
			       !(is_word(ps, "rule") && ps->tok.bol))
				next(ps);
			if (ps->tok.type != T_LBRACE)
				return;
			next(ps);
		}
	} else {
		next(ps);
	}
	while (ps->tok.type != T_RBRACE && ps->tok.type != T_EOF && !ps->gave_up) {
		if (ps->tok.type == T_SEMI) {
			next(ps);
			continue;
		}
		if (is_word(ps, "rule") && ps->tok.bol)
			break;	/* a missing '}' */
		if (!parse_statement(ps, &st)) {
			recover_statement(ps);
			continue;
		}
		if (ps->tok.type != T_SEMI && ps->tok.type != T_RBRACE &&
		    ps->tok.type != T_EOF && !ps->tok.bol) {
			tok_error(ps, "unexpected '%s' after the statement "
				  "(one statement per line, or separate with ';')",
				  shown(&ps->tok));
			recover_statement(ps);
		}
	}
	if (ps->tok.type == T_RBRACE)
		next(ps);
	else
		errorf(ps, rline, rcol, "rule '%s' is not closed with '}'", r->name);
	if (!st.have_when)
		errorf(ps, rline, rcol, "rule '%s' has no 'when' condition", r->name);
	if (st.scope_line && r->n_cond && r->subject != FS_SUBJ_HOST &&
	    r->subject != FS_SUBJ_ROUTER)
		errorf(ps, st.scope_line, st.scope_col,
		       "watch/ignore apply to host and router rules only, not "
		       "to %s rules", fs_subject_name(r->subject));
	if (!st.have_kind && r->n_cond)
		snprintf(r->kind, sizeof(r->kind), "%s",
			 fs_metric_default_kind(&r->cond[0].m));
}

unsigned fs_rules_parse_into(struct fs_ruleset *rs, const char *name,
			     const char *text, size_t len, FILE *err)
{
	struct parser ps = {
		.name = name, .p = text, .end = text + len, .line = 1, .col = 1,
		.at_bol = true, .err = err, .rs = rs,
	};
	next(&ps);
	while (ps.tok.type != T_EOF && !ps.gave_up) {
		if (is_word(&ps, "rule")) {
			parse_rule(&ps);
			continue;
		}
		tok_error(&ps, "expected 'rule', got '%s'", shown(&ps.tok));
		do
			next(&ps);
		while (ps.tok.type != T_EOF && !(is_word(&ps, "rule") && ps.tok.bol));
	}
	return ps.errors;
}
