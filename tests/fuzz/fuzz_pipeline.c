/*
 * The whole pipeline: a pcap file through the program itself
 * (fs_agent_run: capture, packet clock, decode, OSPF, routers, hosts,
 * rules, alerts, JSON output) with rules generated from the input.
 *
 * Input: 8 bytes that generate the rules (gen_rules), then a pcap file.
 * The tables are small (64 hosts, 16 OSPF routers, 64 pairs, 256 alerts,
 * 16 sessions of each routing protocol)
 * so a few hundred packets already fill them, and a run stays cheap.
 * Time between packets of a classic pcap is folded (fold_time): a
 * mutated timestamp is a forward step of hours, and each such step ticks
 * 120 s of empty slices; most steps become a few seconds, some stay.
 *
 * Invariants, on what the program prints and returns:
 *   - exit status 0, or 1 (a file damaged mid-way) or 2 (not a capture);
 *   - every output line is one well-formed JSON object;
 *   - the final stats balance: decoded + truncated + malformed = packets,
 *     hosts <= hosts_capacity, hosts_inserted - hosts_evicted = hosts,
 *     the alert lines printed = the alerts the sinks were handed.
 */
#include <inttypes.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "floodspot/agent.h"
#include "floodspot/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)
#define RULE_BYTES 8
#define CAPACITY 64

static int pcap_fd = -1, rules_fd = -1, out_fd = -1;

static void setup(void)
{
	if (pcap_fd >= 0)
		return;
	pcap_fd = memfd_create("pcap", MFD_CLOEXEC);
	rules_fd = memfd_create("rules", MFD_CLOEXEC);
	out_fd = memfd_create("out", MFD_CLOEXEC);
	CHECK(pcap_fd >= 0 && rules_fd >= 0 && out_fd >= 0);
	/* Every run allocates the program's tables afresh: keep the memory
	 * in the heap, or each run pays a page fault per page it touches. */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	/* The program prints to stdout: keep it, read it back. */
	fflush(stdout);
	CHECK(dup2(out_fd, 1) == 1);
	fs_log_init("fuzz", false, -3);
}

static uint32_t get32(const uint8_t *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static void set32(uint8_t *p, uint32_t v, bool swap)
{
	v = swap ? __builtin_bswap32(v) : v;
	memcpy(p, &v, 4);
}

/*
 * In place, classic pcap only: a forward gap over FOLD_OVER_S between two
 * packets with valid fractions becomes FOLD_OVER_S plus its fraction,
 * unless the later second is a multiple of 64 (so the fuzzer still makes
 * long gaps and steps when it means to). Backward steps stay as they are.
 */
#define FOLD_OVER_S 3
static void fold_time(uint8_t *f, size_t n)
{
	if (n < 24)
		return;
	uint32_t magic;
	memcpy(&magic, f, 4);
	bool swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	bool nano = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	if (!swap && magic != 0xa1b2c3d4 && !nano)
		return;
	const int64_t unit = nano ? 1000000000 : 1000000;
	int64_t prev_old = -1, prev_new = 0;
	for (size_t off = 24; off + 16 <= n;) {
		uint32_t sec = get32(f + off, swap), frac = get32(f + off + 4, swap);
		uint32_t caplen = get32(f + off + 8, swap);
		if (frac < unit) {
			int64_t t = (int64_t)sec * unit + frac, out = t;
			if (prev_old >= 0) {
				int64_t gap = t - prev_old;
				out = prev_new + gap;
				if (gap > FOLD_OVER_S * unit && sec % 64 != 0)
					out = prev_new + FOLD_OVER_S * unit + gap % unit;
			}
			if (out >= 0 && out / unit <= UINT32_MAX) {
				set32(f + off, (uint32_t)(out / unit), swap);
				set32(f + off + 4, (uint32_t)(out % unit), swap);
				prev_old = t;
				prev_new = out;
			}
		}
		if (caplen > n - off - 16)
			break;
		off += 16 + caplen;
	}
}

static void put(int fd, const void *p, size_t n)
{
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, p, n, 0) == (ssize_t)n);
}

/*
 * One to three rules, each over one subject: a metric, a comparison and
 * a threshold from the bytes, sometimes a second condition, a duration,
 * severity, clear and repeat settings, and a scope.
 */
static size_t gen_rules(const uint8_t *b, char *out, size_t cap)
{
	static const char *const host[] = {
		"host.pps", "host.ctrl_pps", "host.broadcast_pps", "host.arp_pps",
		"host.to_router_pps", "host.malformed_pps", "host.share",
		"host.new_ips", "host.ips", "host.bps", "host.icmp_pps",
		"host.ospf_non_router_pps",
	};
	static const char *const other[] = {
		"segment.pps", "segment.new_macs", "segment.active_hosts",
		"router.hello_gap", "router.hello_late_ratio",
		"router.adjacencies_full", "ospf.adjacency_down",
		"ospf.hello_late", "router.lsus_per_s",
	};
	static const char *const ops[] = { ">", ">=", "<", "<=", "==", "!=" };
	static const char *const sev[] = { "info", "notice", "warning",
					   "critical" };
	size_t n = 0;
	unsigned rules = 1 + b[0] % 3;
	for (unsigned r = 0; r < rules; r++) {
		uint8_t x = b[(1 + r) % RULE_BYTES], y = b[(4 + r) % RULE_BYTES];
		bool is_host = (x & 1) == 0;
		const char *m = is_host ? host[(x >> 1) % 12] : other[(x >> 1) % 9];
		bool pct = strstr(m, "share") || strstr(m, "ratio");
		bool time = strstr(m, "gap") != NULL;
		const char *unit = pct ? "%" : time ? "ms" : "";
		unsigned v = (unsigned)(y >> 2) * 7;
		if (pct)
			v %= 101;
		int len = snprintf(out + n, cap - n,
				   "rule r%u {\n when %s %s %u%s for %us\n", r, m,
				   ops[y % 6], v, unit, (y >> 6) & 3);
		n += len > 0 ? (size_t)len : 0;
		if (is_host && (x & 0x40) && n < cap)
			n += (size_t)snprintf(out + n, cap - n,
					      " and host.pps > %ux baseline\n",
					      1 + (y & 7));
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n,
					      " severity %s\n clear %s%s\n repeat %us\n",
					      sev[x % 4],
					      (x & 0x80) ? "below 1" : "for 2s",
					      (x & 0x80) ? unit : "",
					      (unsigned)(y & 3) * 5);
		/* Scope exists for host and router subjects only. */
		bool scoped = is_host || strncmp(m, "router.", 7) == 0;
		if (scoped && (y & 0x10) && n < cap)
			n += (size_t)snprintf(out + n, cap - n,
					      " %s vlan %u\n",
					      (y & 0x20) ? "ignore" : "watch", x % 16);
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n, "}\n");
	}
	return n < cap ? n : cap;
}

/* Strict enough for what we print: one object, strings closed, escapes
 * valid, brackets balanced, nothing after the closing brace. */
static bool json_line(const char *s, size_t n)
{
	int depth = 0;
	bool in_str = false;
	if (n == 0 || s[0] != '{')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (in_str) {
			if (c < 0x20)
				return false;
			if (c == '\\') {
				if (++i == n || !strchr("\"\\/bfnrtu", s[i]))
					return false;
			} else if (c == '"') {
				in_str = false;
			}
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth < 0)
				return false;
			if (depth == 0 && i != n - 1)
				return false;
		}
	}
	return depth == 0 && !in_str;
}

static bool field(const char *line, const char *key, uint64_t *v)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(line, pat);
	if (!p)
		return false;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < RULE_BYTES + 24)
		return 0;
	setup();
	char rules[2048];
	put(rules_fd, rules, gen_rules(data, rules, sizeof(rules)));
	uint8_t *pcap = malloc(size - RULE_BYTES);
	CHECK(pcap);
	memcpy(pcap, data + RULE_BYTES, size - RULE_BYTES);
	fold_time(pcap, size - RULE_BYTES);
	put(pcap_fd, pcap, size - RULE_BYTES);
	free(pcap);
	CHECK(ftruncate(out_fd, 0) == 0);
	CHECK(lseek(out_fd, 0, SEEK_SET) == 0);

	char pcap_path[64], rules_path[64];
	snprintf(pcap_path, sizeof(pcap_path), "/proc/self/fd/%d", pcap_fd);
	snprintf(rules_path, sizeof(rules_path), "/proc/self/fd/%d", rules_fd);
	struct fs_agent_config cfg;
	fs_agent_config_defaults(&cfg);
	cfg.file = pcap_path;
	cfg.rules_path = rules_path;
	cfg.json = true;
	cfg.local_syslog = 0;
	cfg.capacity = CAPACITY;
	cfg.ospf_routers = 16;
	cfg.ospf_neighbors = 64;
	cfg.alert_table = 256;
	cfg.session_table = 16;
	cfg.seed = 1;
	int rc = fs_agent_run(&cfg);
	fflush(stdout);
	CHECK(rc == 0 || rc == 1 || rc == 2);

	off_t len = lseek(out_fd, 0, SEEK_END);
	CHECK(len >= 0);
	if (len == 0) {
		CHECK(rc != 0);	/* a run that worked prints its stats */
		return 0;
	}
	char *out = malloc((size_t)len + 1);
	CHECK(out && pread(out_fd, out, (size_t)len, 0) == len);
	out[len] = '\0';
	CHECK(out[len - 1] == '\n');
	uint64_t alert_lines = 0;
	const char *stats = NULL;
	for (char *line = out, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		CHECK(json_line(line, (size_t)(nl - line)));
		if (strncmp(line, "{\"event\":\"alert\"", 16) == 0)
			alert_lines++;
		if (strncmp(line, "{\"event\":\"stats\"", 16) == 0)
			stats = line;
	}
	CHECK(stats != NULL);
	uint64_t packets, decoded, truncated, malformed, hosts, cap, ins, ev,
		emitted;
	CHECK(field(stats, "packets", &packets) &&
	      field(stats, "decoded", &decoded) &&
	      field(stats, "truncated", &truncated) &&
	      field(stats, "malformed", &malformed));
	CHECK(decoded + truncated + malformed == packets);
	CHECK(field(stats, "hosts", &hosts) &&
	      field(stats, "hosts_capacity", &cap) &&
	      field(stats, "hosts_inserted", &ins) &&
	      field(stats, "hosts_evicted", &ev));
	CHECK(cap == CAPACITY && hosts <= cap && ins - ev == hosts);
	CHECK(field(stats, "emitted", &emitted));
	CHECK(emitted == alert_lines);
	free(out);
	return 0;
}
