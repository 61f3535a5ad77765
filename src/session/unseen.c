/*
 * Whether a routing symptom fell inside a capture gap. A keepalive that
 * looks late, or a session lost to its hold timer, when the capture was
 * blind during the silence, is "not seen": the messages may have been on
 * the wire. The trackers mark such events unseen and the correlator
 * takes them for no loss.
 */
#include "floodspot/session.h"

bool fs_sess_unseen(const struct fs_gaps *g, int64_t ts_us, uint32_t silent_ms)
{
	if (!g || silent_ms == 0)
		return false;
	return fs_gaps_blind_until(g, ts_us - (int64_t)silent_ms * 1000,
				   ts_us) != 0;
}
