/* Canonical printer: every setting spelled out, in one fixed order, in a
 * form the parser reads back to the same rule. */
#include "rules_impl.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/fmt.h"

/* Shortest fixed-point text that reads back to exactly v (no exponent:
 * the language has none). */
static void shortest(char *buf, size_t len, double v)
{
	for (int p = 0; p <= 45; p++) {
		snprintf(buf, len, "%.*f", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

static void print_plain(FILE *f, double v)
{
	char buf[128];
	shortest(buf, sizeof(buf), v);
	fputs(buf, f);
}

void fs_rules_print_value(FILE *f, enum fs_unit u, double v)
{
	switch (u) {
	case FS_UNIT_RATE:
	case FS_UNIT_COUNT: {
		/* The largest suffix that reads back exactly: 1500 is "1.5k". */
		static const struct { double scale; char c; } sfx[] = {
			{ 1e9, 'G' }, { 1e6, 'M' }, { 1e3, 'k' },
		};
		for (unsigned i = 0; i < 3; i++) {
			if (v < sfx[i].scale)
				continue;
			char buf[128];
			shortest(buf, sizeof(buf), v / sfx[i].scale);
			if (strtod(buf, NULL) * sfx[i].scale == v && strlen(buf) <= 8) {
				fprintf(f, "%s%c", buf, sfx[i].c);
				return;
			}
		}
		print_plain(f, v);
		return;
	}
	case FS_UNIT_PERCENT:
		print_plain(f, v);
		fputc('%', f);
		return;
	case FS_UNIT_TIME:
		if (fmod(v, 1e3) == 0) {
			print_plain(f, v / 1e3);
			fputc('s', f);
		} else {
			print_plain(f, v);
			fputs("ms", f);
		}
		return;
	}
}

static void print_cmp(FILE *f, const struct fs_metric *m, uint8_t vkind,
		      double v)
{
	if (vkind == FS_V_RATIO) {
		print_plain(f, v);
		fputs("x baseline", f);
	} else if (vkind == FS_V_DEV) {
		print_plain(f, v);
		fputs(" dev", f);
	} else {
		fs_rules_print_value(f, fs_metric_unit(m), v);
	}
}

static void print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void fs_rule_print(const struct fs_rule *r, FILE *f)
{
	fprintf(f, "rule %s {\n", r->name);
	for (unsigned i = 0; i < r->n_cond; i++) {
		const struct fs_cond *c = &r->cond[i];
		char m[64];
		fs_metric_print(&c->m, m, sizeof(m));
		fprintf(f, "\t%s %s %s ", i ? "and " : "when", m, fs_op_name(c->op));
		print_cmp(f, &c->m, c->vkind, c->value);
		if (c->for_s)
			fprintf(f, " for %us", c->for_s);
		fputc('\n', f);
	}
	fprintf(f, "\tseverity %s\n", fs_alert_severity_name(r->severity));
	if (r->clear_below && r->n_cond) {
		fputs("\tclear below ", f);
		print_cmp(f, &r->cond[0].m, r->clear_vkind, r->clear_value);
		if (r->clear_for_s)
			fprintf(f, " for %us", r->clear_for_s);
		fputc('\n', f);
	} else {
		fprintf(f, "\tclear for %us\n", r->clear_for_s);
	}
	fprintf(f, "\trepeat %us\n", r->repeat_s);
	for (unsigned i = 0; i < r->n_scope; i++) {
		const struct fs_scope *s = &r->scope[i];
		fprintf(f, "\t%s ", s->watch ? "watch" : "ignore");
		if (s->type == FS_SCOPE_VLAN) {
			fprintf(f, "vlan %u\n", s->vlan);
		} else if (s->type == FS_SCOPE_MAC) {
			char mac[FS_MAC_STRLEN];
			fprintf(f, "mac %s\n", fs_fmt_mac(mac, s->addr));
		} else {
			char ip[INET6_ADDRSTRLEN];
			inet_ntop(s->version == 6 ? AF_INET6 : AF_INET, s->addr, ip,
				  sizeof(ip));
			fprintf(f, "prefix %s/%u\n", ip, s->plen);
		}
	}
	fprintf(f, "\tkind %s\n", r->kind);
	fputs("\tmessage ", f);
	print_string(f, r->message);
	fputs("\n}\n", f);
}

void fs_rules_print(const struct fs_ruleset *rs, FILE *f)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (i)
			fputc('\n', f);
		fs_rule_print(&rs->rule[i], f);
	}
}
