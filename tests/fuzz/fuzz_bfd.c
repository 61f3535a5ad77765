/*
 * BFD fuzz target. Byte 0: bit 0 set when the snaplen cut the packet;
 * the rest is the UDP payload.
 * Invariants: the packet is read from its own bytes only (exact-size
 * copy under ASan), an accepted packet passes every check of RFC 5880
 * 6.8.6 that needs no session, and the names are defined.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/bfd_msg.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool cut = data[0] & 1;
	size_t len = size - 1;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);

	struct fs_bfd_msg m;
	char b[FS_BFD_NAME_BUF];
	enum fs_bfd_reason r = fs_bfd_parse(buf, len, cut, &m);
	CHECK(r == m.reason && r < FS_BFD_R_COUNT);
	CHECK(fs_bfd_reason_name(r)[0] != '\0');
	CHECK(fs_bfd_diag_name(m.diag, b)[0] != '\0');
	CHECK(m.state <= FS_BFD_UP && m.diag < 32);
	CHECK(r != FS_BFD_R_TRUNCATED || cut);
	if (r == FS_BFD_R_OK) {
		bool auth = m.flags & FS_BFD_FLAG_A;
		CHECK(m.version == 1 && m.detect_mult > 0 && m.my_disc != 0);
		CHECK(m.length >= (auth ? 26 : 24) && m.length <= len);
		CHECK(!(m.flags & FS_BFD_FLAG_M));
		CHECK(m.your_disc != 0 || m.state <= FS_BFD_DOWN);
		CHECK(!auth || (m.auth_len >= 2 && 24 + m.auth_len <= m.length));
		CHECK(auth || m.auth_len == 0);
		CHECK(strcmp(fs_bfd_state_name((enum fs_bfd_state)m.state),
			     "unknown") != 0);
	}
	free(buf);
	return 0;
}
