/*
 * First-hop redundancy fuzz target. Byte 0: bits 0-1 pick the parser
 * (VRRP over IPv4, VRRP over IPv6, CARP, HSRP), bit 2 says the snaplen
 * cut the payload; the rest is the payload.
 * Invariants: read from its own bytes only (exact-size copy under ASan),
 * an accepted advert fits its bytes and uses defined values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/fhrp_msg.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t src4[16] = { 10, 0, 0, 1 }, dst4[16] = { 224, 0, 0,
								       18 };
	static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 1 },
			     dst6[16] = { 0xff, 0x02, [15] = 0x12 };
	if (size < 1)
		return 0;
	unsigned which = data[0] & 3;
	bool cut = data[0] & 4;
	size_t len = size - 1;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);

	struct fs_fhrp_msg m;
	enum fs_fhrp_reason r;
	switch (which) {
	case 0:
		r = fs_vrrp_parse(buf, len, 4, src4, dst4, cut, &m);
		break;
	case 1:
		r = fs_vrrp_parse(buf, len, 6, src6, dst6, cut, &m);
		break;
	case 2:
		r = fs_carp_parse(buf, len, cut, &m);
		break;
	default:
		r = fs_hsrp_parse(buf, len, cut, &m);
		break;
	}
	CHECK(r == m.reason && r < FS_FHRP_R_COUNT);
	CHECK(fs_fhrp_reason_name(r)[0] != '\0');
	CHECK(m.proto < FS_FHRP_PROTO_COUNT);
	CHECK(m.hsrp_state <= FS_HSRP_ACTIVE);
	CHECK(m.checksum <= FS_FHRP_CSUM_BAD);
	CHECK(r != FS_FHRP_R_TRUNCATED || cut);
	if (r == FS_FHRP_R_OK) {
		CHECK(strcmp(fs_fhrp_proto_name((enum fs_fhrp_proto)m.proto),
			     "unknown") != 0);
		if (m.proto == FS_FHRP_VRRP2 || m.proto == FS_FHRP_VRRP3) {
			size_t alen = m.ip_version == 6 ? 16 : 4;
			CHECK(8 + m.n_addrs * alen <= len);
			CHECK(m.opcode == 1);
			CHECK(cut || m.checksum != FS_FHRP_CSUM_NONE);
		} else if (m.proto == FS_FHRP_CARP) {
			CHECK(len >= 36 && m.checksum != FS_FHRP_CSUM_NONE);
		} else {
			CHECK(m.n_addrs <= 1 && m.checksum == FS_FHRP_CSUM_NONE);
		}
	}
	free(buf);
	return 0;
}
