/*
 * Decode fuzz target. Input: 2 header bytes, then the frame. Byte 0 picks
 * the link type among the supported ones; byte 1, when non-zero, says how
 * many bytes the snaplen cut (wirelen = caplen + byte 1).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6,
	DLT_NULL, DLT_LOOP,
};

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
	fs_fuzz_check_pkt(dlt, frame, caplen, wirelen, &p);
	/* Without L2 nothing has a MAC, unless a mirror carried a frame. */
	if (dlt != DLT_EN10MB && dlt != DLT_LINUX_SLL &&
	    dlt != DLT_LINUX_SLL2 && p.mirror == FS_MIRROR_NONE)
		CHECK(!p.has_mac && p.vlan_depth == 0);

	free(frame);
	return 0;
}
