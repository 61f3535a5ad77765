/*
 * pkt-blast: sends COUNT minimum-size Ethernet frames (UDP, a new source
 * MAC every frame) on IFACE at PPS frames per second (0: as fast as
 * sendmmsg goes), then prints {"sent":N,"seconds":S}. For
 * tools/bench-live.sh; run it only on an interface of a namespace you
 * made.
 *
 * pkt-blast IFACE COUNT [PPS]
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 256
#define FRAME 60

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: pkt-blast IFACE COUNT [PPS]\n");
		return 2;
	}
	long count = atol(argv[2]);
	double pps = argc == 4 ? atof(argv[3]) : 0;
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = (int)if_nametoindex(argv[1]),
				   .sll_halen = 6 };
	if (fd < 0 || sll.sll_ifindex == 0) {
		perror(argv[1]);
		return 1;
	}
	static uint8_t frames[BATCH][FRAME];
	struct iovec iov[BATCH];
	struct mmsghdr msg[BATCH];
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		uint8_t *f = frames[i];
		memset(f, 0, FRAME);
		memset(f, 0xff, 6);			/* broadcast */
		f[6] = 0x02;
		f[12] = 0x08;				/* IPv4 */
		f[14] = 0x45;
		f[16] = 0;
		f[17] = 46;
		f[22] = 64;
		f[23] = 17;				/* UDP */
		f[26] = 10; f[29] = 2;
		f[30] = 10; f[33] = 1;
		iov[i] = (struct iovec){ f, FRAME };
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &sll;
		msg[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long sent = 0;
	uint32_t seq = 0;
	while (sent < count) {
		if (pps > 0) {	/* pace: never ahead of sent / pps */
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			double el = (double)(now.tv_sec - t0.tv_sec) +
				    (now.tv_nsec - t0.tv_nsec) / 1e9;
			if ((double)sent > el * pps) {
				struct timespec nap = { 0, 200000 };
				nanosleep(&nap, NULL);
				continue;
			}
		}
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH;
		for (int i = 0; i < n; i++, seq++) {
			memcpy(frames[i] + 7, &seq, 4);	/* source MAC */
			frames[i][29] = (uint8_t)seq;
		}
		int k = sendmmsg(fd, msg, (unsigned)n, 0);
		if (k > 0)
			sent += k;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("{\"sent\":%ld,\"seconds\":%.3f}\n", sent,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
