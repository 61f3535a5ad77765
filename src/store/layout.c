/*
 * The on-disk layout, shared by the writer and the graphs: file names made
 * safe for any filesystem (no ':' so DEF lines need no escaping), and the
 * data sources. Counters are DERIVE with min 0: a counter that restarts
 * from zero (agent restarted) reads unknown for that interval instead of a
 * wrap-around spike, which COUNTER would give.
 */
#include "layout.h"

#include <stdio.h>
#include <string.h>

#include "floodspot/fmt.h"

static const char *const host_ds[] = { "packets", "bytes", "ctrl",
				       "broadcast", "multicast", "arp" };
static const char *const seg_ds[] = { "packets",   "bytes",	"ctrl",
				      "broadcast", "multicast", "arp",
				      "hosts_active" };
static const char *const router_ds[] = { "hello_gap_ms", "neighbors",
					  "adj_full", "lsus" };
static const char *const router_type[] = { "GAUGE", "GAUGE", "GAUGE",
					   "DERIVE" };
static const char *const session_ds[FS_STORE_SESSION_DS] = {
	[FS_STORE_SS_GAP0] = "gap0_ms",	 [FS_STORE_SS_GAP1] = "gap1_ms",
	[FS_STORE_SS_UP] = "up",	 [FS_STORE_SS_LATE] = "late",
	[FS_STORE_SS_MESSAGES] = "messages",
	[FS_STORE_SS_WITHDRAWN] = "withdrawn",
	[FS_STORE_SS_CHANGES] = "changes",
};

/* An address for a file name: IPv6's ':' as '_'. */
static char *path_ip(char buf[FS_IP_STRLEN], uint8_t version, const uint8_t *ip)
{
	fs_fmt_ip(buf, version, ip);
	for (char *c = buf; *c; c++)
		if (*c == ':')
			*c = '_';
	return buf;
}

int fs_store_session_path(char *buf, size_t len,
			  const struct fs_store_session *k)
{
	char seg[FS_SEG_STRLEN], a[FS_IP_STRLEN], b[FS_IP_STRLEN];
	char proto[sizeof(k->proto) + 1];
	int n;
	/* The name comes from a fixed vocabulary; keep it a name anyway. */
	size_t i = 0;
	for (; i < sizeof(k->proto) && k->proto[i]; i++)
		proto[i] = (k->proto[i] >= 'a' && k->proto[i] <= 'z') ||
				   (k->proto[i] >= '0' && k->proto[i] <= '9')
			   ? k->proto[i]
			   : '_';
	proto[i] = '\0';
	fs_fmt_seg_path(seg, k->seg);
	if (!strcmp(proto, "bgp"))
		n = snprintf(buf, len, "sessions/%s-%s-%s-%s.rrd", proto, seg,
			     path_ip(a, k->ip_version, k->ip[0]),
			     path_ip(b, k->ip_version, k->ip[1]));
	else if (!strcmp(proto, "bfd"))
		n = snprintf(buf, len, "sessions/%s-%s-%u-%s-%s.rrd", proto, seg,
			     k->extra, path_ip(a, k->ip_version, k->ip[0]),
			     path_ip(b, k->ip_version, k->ip[1]));
	else
		n = snprintf(buf, len, "sessions/%s-%s-%u.rrd", proto, seg,
			     k->extra);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int fs_store_rel_path(char *buf, size_t len, enum fs_store_kind kind,
		      uint16_t vlan, const uint8_t mac[6], uint32_t id)
{
	int n;
	char ids[16];

	switch (kind) {
	case FS_STORE_K_HOST:
		n = snprintf(buf, len,
			     "hosts/%u-%02x-%02x-%02x-%02x-%02x-%02x.rrd",
			     (unsigned)vlan, mac[0], mac[1], mac[2], mac[3],
			     mac[4], mac[5]);
		break;
	case FS_STORE_K_SEGMENT:
		n = snprintf(buf, len, "segment.rrd");
		break;
	case FS_STORE_K_ROUTER:
		n = snprintf(buf, len, "routers/%s.rrd", fs_fmt_id(ids, id));
		break;
	default:
		n = snprintf(buf, len, "events.log");
		break;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *const *fs_store_ds_names(enum fs_store_kind kind, unsigned *n)
{
	switch (kind) {
	case FS_STORE_K_HOST:
		*n = sizeof(host_ds) / sizeof(host_ds[0]);
		return host_ds;
	case FS_STORE_K_SEGMENT:
		*n = sizeof(seg_ds) / sizeof(seg_ds[0]);
		return seg_ds;
	case FS_STORE_K_ROUTER:
		*n = sizeof(router_ds) / sizeof(router_ds[0]);
		return router_ds;
	case FS_STORE_K_SESSION:
		*n = FS_STORE_SESSION_DS;
		return session_ds;
	default:
		*n = 0;
		return NULL;
	}
}

static const char *ds_type(enum fs_store_kind kind, unsigned i)
{
	if (kind == FS_STORE_K_ROUTER)
		return router_type[i];
	if (kind == FS_STORE_K_SESSION)
		return i <= FS_STORE_SS_UP ? "GAUGE" : "DERIVE";
	if (kind == FS_STORE_K_SEGMENT && i == 6)
		return "GAUGE";
	return "DERIVE";
}

int fs_store_create_args(const struct fs_store_config *cfg,
			 enum fs_store_kind kind, const char **argv,
			 int max_argv, char *buf, size_t buflen)
{
	static const char *const cfs[] = { "AVERAGE", "MAX" };
	unsigned n_ds;
	const char *const *names = fs_store_ds_names(kind, &n_ds);
	size_t used = 0;
	int argc = 0;
	uint32_t step = cfg->step_s ? cfg->step_s : 1;

	if (!names)
		return -1;
	for (unsigned i = 0; i < n_ds; i++) {
		if (argc >= max_argv)
			return -1;
		int n = snprintf(buf + used, buflen - used, "DS:%s:%s:%u:0:U",
				 names[i], ds_type(kind, i), cfg->heartbeat_s);
		if (n < 0 || (size_t)n >= buflen - used)
			return -1;
		argv[argc++] = buf + used;
		used += (size_t)n + 1;
	}
	for (uint32_t r = 0; r < cfg->n_rras; r++) {
		uint32_t steps = cfg->rras[r].res_s / step;
		if (steps == 0)
			steps = 1;
		uint32_t rows = cfg->rras[r].keep_s / (steps * step);
		if (rows == 0)
			rows = 1;
		for (unsigned c = 0; c < 2; c++) {
			if (argc >= max_argv)
				return -1;
			int n = snprintf(buf + used, buflen - used,
					 "RRA:%s:0.5:%u:%u", cfs[c], steps,
					 rows);
			if (n < 0 || (size_t)n >= buflen - used)
				return -1;
			argv[argc++] = buf + used;
			used += (size_t)n + 1;
		}
	}
	return argc;
}

/* librrd 1.7's layout (rrd_format.h): a fixed head, per DS its definition
 * and PDP state, per archive its definition, row pointer and per-DS CDP
 * state, then the rows. Every archive is kept as AVERAGE and MAX. */
uint64_t fs_store_file_bytes(const struct fs_store_config *cfg,
			     enum fs_store_kind kind)
{
	unsigned n_ds;
	uint32_t step = cfg->step_s ? cfg->step_s : 1;
	uint64_t rows = 0, n_rra = 2ull * cfg->n_rras;
	fs_store_ds_names(kind, &n_ds);
	for (uint32_t r = 0; r < cfg->n_rras; r++) {
		uint32_t steps = cfg->rras[r].res_s / step;
		uint64_t n = cfg->rras[r].keep_s / ((uint64_t)(steps ? steps : 1) * step);
		rows += 2 * (n ? n : 1);
	}
	uint64_t head = 128 + 16 + (uint64_t)n_ds * (120 + 112) +
			n_rra * (120 + 8 + 80ull * n_ds);
	return head + rows * n_ds * sizeof(double);
}

uint64_t fs_store_max_bytes(const struct fs_store_config *cfg)
{
	if (cfg->max_bytes)
		return cfg->max_bytes;
	return (uint64_t)cfg->max_host_files *
	       fs_store_file_bytes(cfg, FS_STORE_K_HOST);
}
