/*
 * Remote mirror fuzz target: the input is what a mirror carries, wrapped
 * here in the outer headers so the fuzzer spends its time inside them.
 *   byte 0   bits 0-1: 0 GRE over IPv4, 1 GRE over IPv6, 2 VXLAN over
 *            IPv4, 3 VXLAN over IPv6; bit 2: the outer IPv4 packet is a
 *            first fragment
 *   byte 1   bytes the snaplen cut (wirelen = caplen + byte 1)
 *   rest     the GRE packet (header included) or the VXLAN UDP payload
 * Invariants: those of every decode (decode_check.h), and once a mirror
 * is opened the payload found lies inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INNER 65000

static size_t put(uint8_t *b, size_t n, const void *src, size_t len)
{
	memcpy(b + n, src, len);
	return n + len;
}

static void be16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t eth4[14] = { 2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0,
					  0xa, 0x08, 0x00 };
	static const uint8_t eth6[14] = { 2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0,
					  0xa, 0x86, 0xdd };
	if (size < 2 || size - 2 > MAX_INNER)
		return 0;
	unsigned kind = data[0] & 3;
	bool v6 = kind & 1, vxlan = kind & 2;
	bool first_frag = (data[0] & 4) && !v6;
	size_t body = size - 2;

	uint8_t *f = malloc(14 + 40 + 8 + body);
	if (!f)
		return 0;
	size_t n = put(f, 0, v6 ? eth6 : eth4, 14);
	size_t l4len = body + (vxlan ? 8 : 0);
	uint8_t proto = vxlan ? 17 : 47;
	if (v6) {
		uint8_t h[40] = { 0x60 };
		be16(h + 4, l4len);
		h[6] = proto;
		h[7] = 64;
		h[8] = 0x20, h[9] = 0x01, h[23] = 1;
		h[24] = 0x20, h[25] = 0x01, h[39] = 2;
		n = put(f, n, h, 40);
	} else {
		uint8_t h[20] = { 0x45 };
		be16(h + 2, 20 + l4len);
		if (first_frag)
			h[6] = 0x20;
		h[8] = 64;
		h[9] = proto;
		h[12] = 192, h[15] = 1;
		h[16] = 192, h[19] = 2;
		n = put(f, n, h, 20);
	}
	if (vxlan) {
		uint8_t u[8] = { 0xc0, 0x00, 0x12, 0xb5 };	/* to 4789 */
		be16(u + 4, 8 + body);
		n = put(f, n, u, 8);
	}
	size_t outer_len = n + (vxlan ? 8 : 4);	/* VXLAN, or GRE's base */
	n = put(f, n, data + 2, body);

	uint32_t caplen = (uint32_t)n, wirelen = caplen + data[1];
	/* An exact-size copy, so ASan catches any read past caplen. */
	uint8_t *frame = malloc(caplen);
	if (frame) {
		memcpy(frame, f, caplen);
		struct fs_pkt p;
		fs_decode(DLT_EN10MB, frame, caplen, wirelen, 1, &p);
		fs_fuzz_check_pkt(DLT_EN10MB, frame, caplen, wirelen, &p);
		if (p.mirror != FS_MIRROR_NONE && p.l4_len > 0)
			CHECK(p.l4_off >= outer_len);
		free(frame);
	}
	free(f);
	return 0;
}
