/*
 * Decode fuzz target. Input: 2 header bytes, then the frame. Byte 0 picks
 * the link type among the supported ones; byte 1, when non-zero, says how
 * many bytes the snaplen cut (wirelen = caplen + byte 1).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "floodspot/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6,
	DLT_NULL, DLT_LOOP,
};

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > UINT32_MAX - 255)
		return 0;
	int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	uint32_t caplen = (uint32_t)(size - 2);
	uint32_t wirelen = caplen + data[1];

	/* An exact-size copy, so ASan catches any read past caplen. */
	uint8_t *frame = malloc(caplen ? caplen : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 2, caplen);

	struct fs_pkt p;
	CHECK(fs_decode_linktype_supported(dlt));
	enum fs_decode_status st = fs_decode(dlt, frame, caplen, wirelen, 1, &p);

	CHECK(st == p.status);
	CHECK(p.status <= FS_DECODE_MALFORMED);
	CHECK(p.reason < FS_DR_COUNT);
	CHECK((p.status == FS_DECODE_OK) == (p.reason == FS_DR_NONE));
	CHECK(((p.classes & FS_CLASS_BIT(FS_CLASS_MALFORMED)) != 0) ==
	      (p.status != FS_DECODE_OK));
	CHECK(p.classes < FS_CLASS_BIT(FS_CLASS_COUNT));
	/* nothing is "cut" when the whole frame was captured */
	CHECK(data[1] != 0 || p.status != FS_DECODE_TRUNCATED);
	CHECK((uint64_t)p.l4_off + p.l4_len <= caplen);
	CHECK(p.l4_len == 0 || p.l4_off > 0);
	CHECK(p.ip_version == 0 || p.ip_version == 4 || p.ip_version == 6);
	CHECK(p.vlan_depth <= 4);
	CHECK(p.vlan < 4096 && p.vlan_inner < 4096);
	CHECK(p.vlan_depth > 1 || p.vlan_inner == 0);
	CHECK(!p.is_ospf || p.ip_proto == 89);
	CHECK(p.caplen == caplen && p.wirelen == wirelen);
	if (dlt != DLT_EN10MB && dlt != DLT_LINUX_SLL && dlt != DLT_LINUX_SLL2)
		CHECK(!p.has_mac && p.vlan_depth == 0);

	/* Decoding is a pure function of its input. */
	struct fs_pkt q;
	fs_decode(dlt, frame, caplen, wirelen, 1, &q);
	CHECK(memcmp(&p, &q, sizeof(p)) == 0);

	free(frame);
	return 0;
}
