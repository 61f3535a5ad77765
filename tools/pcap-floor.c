/*
 * pcap-floor: the floor for floodspot's offline benchmarks.  The smallest
 * useful libpcap program: pcap_open_offline (default buffers) and
 * pcap_dispatch with a callback that only counts.  Anything floodspot does
 * costs time above this.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static void count_cb(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *bytes)
{
	uint64_t *n = (uint64_t *)(void *)user;

	(void)h;
	(void)bytes;
	(*n)++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	uint64_t n = 0;
	pcap_t *p;
	double t0, el;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap-floor FILE\n");
		return 2;
	}
	t0 = now_s();
	p = pcap_open_offline(argv[1], err);
	if (p == NULL) {
		fprintf(stderr, "pcap-floor: %s\n", err);
		return 1;
	}
	int r;
	while ((r = pcap_dispatch(p, 4096, count_cb, (u_char *)&n)) > 0)
		;
	if (r == PCAP_ERROR) {
		fprintf(stderr, "pcap-floor: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	el = now_s() - t0;
	printf("packets %llu seconds %.6f pps %.0f\n", (unsigned long long)n,
	       el, el > 0 ? (double)n / el : 0.0);
	return 0;
}
