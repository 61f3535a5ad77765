/* fs_detect_tick over the OSPF tracker; kept apart so tests can run the
 * detector (fs_detect_run) without linking the tracker. */
#include "detect_int.h"

static void ospf_iter(const struct fs_ospf *o, fs_ospf_router_fn fn, void *ctx)
{
	fs_ospf_foreach_router(o, fn, ctx);
}

void fs_detect_tick(struct fs_detect *d, int64_t sec_start_us,
		    const struct fs_detect_inputs *in)
{
	fs_detect_run(d, sec_start_us, in, ospf_iter);
}
