/* The hosts dump (JSON), the --top table and the routers (--routers). */
#include "floodspot/output.h"

#include <stdlib.h>
#include <string.h>

#include "floodspot/fmt.h"

struct collect {
	const struct fs_host **v;
	size_t n, cap;
};

static void collect_one(const struct fs_host *h, void *ctx)
{
	struct collect *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		const struct fs_host **v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = h;
}

/* Most packets first; ties by VLAN then MAC, so output is deterministic. */
static int by_packets(const void *pa, const void *pb)
{
	const struct fs_host *a = *(const struct fs_host *const *)pa;
	const struct fs_host *b = *(const struct fs_host *const *)pb;
	if (a->packets != b->packets)
		return a->packets < b->packets ? 1 : -1;
	if (a->vlan != b->vlan)
		return a->vlan < b->vlan ? -1 : 1;
	return memcmp(a->mac, b->mac, 6);
}

static void print_host_json(FILE *f, const struct fs_host *h)
{
	char mac[FS_MAC_STRLEN], ip[FS_IP_STRLEN], t[FS_TIME_STRLEN];
	fprintf(f, "{\"event\":\"host\",\"mac\":\"%s\",\"vlan\":%u,\"ips\":[",
		fs_fmt_mac(mac, h->mac), h->vlan);
	for (unsigned i = 0; i < h->n_ips; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "",
			fs_fmt_ip(ip, h->ips[i].version, h->ips[i].addr));
	fprintf(f, "],\"ips_seen\":%u,\"packets\":%llu,\"bytes\":%llu,"
		   "\"peak_pps\":%u,\"peak_ts\":\"%s\",",
		h->ips_seen, (unsigned long long)h->packets,
		(unsigned long long)h->bytes, h->peak_pps,
		fs_fmt_time(t, h->peak_ts_us));
	fprintf(f, "\"first_seen\":\"%s\",", fs_fmt_time(t, h->first_seen_us));
	fprintf(f, "\"last_seen\":\"%s\",\"baseline_pps\":%.1f,\"classes\":{",
		fs_fmt_time(t, h->last_seen_us), (double)h->base_pps.mean);
	for (int c = 0; c < FS_CLASS_COUNT; c++)
		fprintf(f, "%s\"%s\":%llu", c ? "," : "", fs_class_name(c),
			(unsigned long long)h->cls_packets[c]);
	fputs("}}\n", f);
}

void fs_output_hosts_json(FILE *f, const struct fs_hosts *hosts)
{
	struct collect c = { 0 };
	fs_hosts_foreach(hosts, collect_one, &c);
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), by_packets);
	for (size_t i = 0; i < c.n; i++)
		print_host_json(f, c.v[i]);
	free(c.v);
	fflush(f);
}

/* The class with the most packets, with its share: "tcp_syn 99%". */
static char *main_class(char *buf, size_t len, const struct fs_host *h)
{
	int best = -1;
	uint64_t most = 0;
	for (int c = 0; c < FS_CLASS_COUNT; c++)
		if (h->cls_packets[c] > most) {
			most = h->cls_packets[c];
			best = c;
		}
	if (best < 0 || !h->packets)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s %.0f%%", fs_class_name(best),
			 100.0 * (double)most / (double)h->packets);
	return buf;
}

void fs_output_top(FILE *f, const struct fs_hosts *hosts, unsigned n,
		   int64_t now_us)
{
	const struct fs_host **v = calloc(n, sizeof(*v));
	if (!v)
		return;
	size_t got = fs_hosts_top(hosts, v, n);
	char t[FS_TIME_STRLEN], mac[FS_MAC_STRLEN], ip[FS_IP_STRLEN], cls[40];
	fprintf(f, "\nfloodspot top %u hosts at %s\n", n, fs_fmt_time(t, now_us));
	fprintf(f, "%-3s %-17s %4s %-15s %10s %12s %8s %-24s %6s %-15s\n", "#",
		"MAC", "VLAN", "IP", "PACKETS", "BYTES", "PEAK_PPS", "PEAK_AT",
		"CTRL%", "MAIN_CLASS");
	for (size_t i = 0; i < got; i++) {
		const struct fs_host *h = v[i];
		uint64_t ctrl = 0;
		for (int c = 0; c < FS_CLASS_COUNT; c++)
			if (FS_CLASS_CTRL_MASK & FS_CLASS_BIT(c))
				ctrl = ctrl > h->cls_packets[c] ? ctrl : h->cls_packets[c];
		/* Classes overlap, so the largest control class is a lower bound. */
		double pct = h->packets ? 100.0 * (double)ctrl / (double)h->packets : 0;
		fprintf(f, "%-3zu %-17s %4u %-15s %10llu %12llu %8u %-24s %5.1f%% %s\n",
			i + 1, fs_fmt_mac(mac, h->mac), h->vlan,
			h->n_ips ? fs_fmt_ip(ip, h->ips[0].version, h->ips[0].addr)
				 : "-",
			(unsigned long long)h->packets,
			(unsigned long long)h->bytes, h->peak_pps,
			fs_fmt_time(t, h->peak_ts_us), pct,
			main_class(cls, sizeof(cls), h));
	}
	fflush(f);
	free(v);
}

void fs_output_evidence_json(FILE *f, uint32_t bits)
{
	int n = 0;
	putc('[', f);
	for (int e = 0; e < FS_RTR_EVIDENCE_COUNT; e++)
		if (bits & (1u << e))
			fprintf(f, "%s\"%s\"", n++ ? "," : "",
				fs_router_evidence_name((enum fs_router_evidence)e));
	putc(']', f);
}

void fs_output_routers(FILE *f, const struct fs_routers *r, bool json)
{
	char mac[FS_MAC_STRLEN], t[FS_TIME_STRLEN], ev[160];
	if (!json)
		fprintf(f, "%-17s %5s %-24s %s\n", "router MAC", "VLAN",
			"first learned", "evidence");
	for (unsigned i = 0; i < r->n_macs; i++) {
		fs_fmt_mac(mac, r->macs[i]);
		fs_router_evidence_text(r->evidence[i], ev, sizeof(ev));
		if (r->first_us[i])
			fs_fmt_time(t, r->first_us[i]);
		else
			snprintf(t, sizeof(t), "-");
		if (json) {
			fprintf(f, "{\"event\":\"router\",\"mac\":\"%s\",\"vlan\":%u,"
				   "\"first_learned\":\"%s\",\"evidence\":",
				mac, r->vlan[i], t);
			fs_output_evidence_json(f, r->evidence[i]);
			fputs("}\n", f);
		} else
			fprintf(f, "%-17s %5u %-24s %s\n", mac, r->vlan[i], t, ev);
	}
	if (!json && r->n_ips) {
		char ip[FS_IP_STRLEN];
		fputs("router addresses:", f);
		for (unsigned i = 0; i < r->n_ips; i++)
			fprintf(f, " %s", fs_fmt_ip(ip, r->ips[i].version,
						    r->ips[i].addr));
		fputc('\n', f);
	}
}
