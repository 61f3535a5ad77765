/*
 * Test driver: runs the kernel watcher live and prints its events as JSON
 * lines, for the network-namespace lab (run inside a router's namespace).
 * Usage: kernel_watch [-i CAPTURE_IFNAME] [-t SECONDS] [-b RCVBUF -p MS]
 * -b and -p provoke an overrun for the resync test: a small receive buffer
 * and a pause of MS milliseconds after "ready" before the first read, and
 * again on each SIGUSR1 (announced by a "paused" line).
 * Prints {"event":"ready"} once the initial dump is the baseline, and a
 * kernel_stats line at the end (after SECONDS, or on SIGTERM/SIGINT).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/event.h"
#include "floodspot/fmt.h"
#include "floodspot/kernel.h"

static volatile sig_atomic_t stop, pause_req;

static void on_usr1(int sig)
{
	(void)sig;
	pause_req = 1;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_event(const struct fs_event *ev, void *ctx)
{
	(void)ctx;
	char t[FS_TIME_STRLEN], ip[FS_IP_STRLEN];
	fs_fmt_time(t, ev->ts_us);
	if (ev->type == FS_EV_ROUTE_CHANGE) {
		const struct fs_ev_route_change *r = &ev->u.route;
		fs_fmt_ip(ip, r->family == AF_INET6 ? 6 : 4, r->dst);
		printf("{\"event\":\"route_change\",\"ts\":\"%s\",\"action\":\"%s\","
		       "\"dst\":\"%s/%u\",\"protocol\":",
		       t, r->added ? "add" : "del", ip, r->dst_len);
		fs_json_string(stdout, r->protocol);
		printf(",\"table\":%u,\"ifname\":", r->table);
		fs_json_string(stdout, r->ifname);
		printf(",\"flaps_this_second\":%u}\n", r->flaps_this_second);
	} else if (ev->type == FS_EV_LINK_CHANGE) {
		const struct fs_ev_link_change *l = &ev->u.link;
		printf("{\"event\":\"link_change\",\"ts\":\"%s\",\"ifname\":", t);
		fs_json_string(stdout, l->ifname);
		printf(",\"ifindex\":%d,\"up\":%s,\"carrier\":%s,"
		       "\"is_capture_iface\":%s}\n",
		       l->ifindex, l->up ? "true" : "false",
		       l->carrier ? "true" : "false",
		       l->is_capture_iface ? "true" : "false");
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *capture = NULL;
	long seconds = 30, rcvbuf = 0, pause_ms = 0;
	int c;
	while ((c = getopt(argc, argv, "i:t:b:p:")) != -1) {
		if (c == 'i')
			capture = optarg;
		else if (c == 't')
			seconds = strtol(optarg, NULL, 10);
		else if (c == 'b')
			rcvbuf = strtol(optarg, NULL, 10);
		else if (c == 'p')
			pause_ms = strtol(optarg, NULL, 10);
		else
			return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct sigaction su = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &su, NULL);
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	fs_event_subscribe(&bus, print_event, NULL);
	struct fs_kernel *k = fs_kernel_create(&bus, capture);
	if (!k) {
		fprintf(stderr, "kernel_watch: fs_kernel_create: %s\n",
			strerror(errno));
		return 1;
	}
	if (rcvbuf > 0) {
		int v = (int)rcvbuf;
		if (setsockopt(fs_kernel_fd(k), SOL_SOCKET, SO_RCVBUF, &v,
			       sizeof(v)) != 0)
			perror("kernel_watch: SO_RCVBUF");
	}
	printf("{\"event\":\"ready\"}\n");
	fflush(stdout);
	struct timespec pause_ts = { pause_ms / 1000,
				     (pause_ms % 1000) * 1000000 };
	if (pause_ms > 0)
		nanosleep(&pause_ts, NULL);
	int64_t end = mono_ms() + seconds * 1000;
	int64_t last_tick = 0;
	while (!stop && mono_ms() < end) {
		if (pause_req && pause_ms > 0) {
			pause_req = 0;
			printf("{\"event\":\"paused\"}\n");
			fflush(stdout);
			nanosleep(&pause_ts, NULL);
		}
		struct pollfd p = { .fd = fs_kernel_fd(k), .events = POLLIN };
		int n = poll(&p, 1, 200);
		if (n < 0 && errno != EINTR)
			break;
		int64_t now = wall_us();
		if (n > 0)
			fs_kernel_process(k, now);
		if (now / 1000000 != last_tick) {
			fs_kernel_tick(k, now);
			last_tick = now / 1000000;
		}
	}
	struct fs_kernel_stats st;
	fs_kernel_stats(k, &st);
	uint64_t drops = 0;
	bool have = capture && fs_kernel_iface_drops(k, capture, &drops);
	printf("{\"event\":\"kernel_stats\",\"route_adds\":%llu,"
	       "\"route_dels\":%llu,\"link_changes\":%llu,\"resyncs\":%llu,"
	       "\"bad_messages\":%llu,\"ignored\":%llu",
	       (unsigned long long)st.route_adds,
	       (unsigned long long)st.route_dels,
	       (unsigned long long)st.link_changes,
	       (unsigned long long)st.resyncs,
	       (unsigned long long)st.bad_messages,
	       (unsigned long long)st.ignored);
	if (have)
		printf(",\"capture_rx_dropped\":%llu", (unsigned long long)drops);
	printf("}\n");
	fs_kernel_destroy(k);
	return 0;
}
