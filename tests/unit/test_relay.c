/*
 * The relay ring between a producer thread and the packet path (-Z's
 * parent, the reader thread): every frame arrives once, in order, intact,
 * across many laps of a small ring with frames of every size, so the end
 * of the ring is padded in every way it can be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/capture/capture_int.h"

#define RING (1u << 16)		/* the smallest the relay makes */
#define FRAMES 300000u		/* about 1,500 laps */

/* Frame k: its number, then a pattern; 8 to 307 bytes. */
static uint32_t frame_len(uint64_t k)
{
	return 8 + (uint32_t)((k * 2654435761u) >> 7) % 300;
}

static void *produce(void *arg)
{
	struct fs_relay *p = arg;
	uint8_t f[320];
	for (uint64_t k = 0; k < FRAMES; k++) {
		uint32_t len = frame_len(k);
		memcpy(f, &k, sizeof k);
		for (uint32_t i = sizeof k; i < len; i++)
			f[i] = (uint8_t)(k + i);
		while (!fs_relay_put(p, (int64_t)k, f, len, len + 4)) {
			fs_relay_publish(p);
			sched_yield();
		}
		if (k % 64 == 63)
			fs_relay_publish(p);
	}
	fs_relay_publish(p);
	return NULL;
}

struct seen {
	uint64_t next;
	bool bad;
};

static void on_frame(void *ctx, int64_t ts, const uint8_t *f, uint32_t caplen,
		     uint32_t wirelen)
{
	struct seen *s = ctx;
	uint64_t k;
	memcpy(&k, f, sizeof k);
	bool ok = k == s->next && ts == (int64_t)k && caplen == frame_len(k) &&
		  wirelen == caplen + 4;
	for (uint32_t i = sizeof k; ok && i < caplen; i++)
		ok = f[i] == (uint8_t)(k + i);
	if (!ok)
		s->bad = true;
	s->next++;
}

static void test_laps(void **state)
{
	(void)state;
	struct fs_relay *r = fs_relay_create(RING);
	assert_non_null(r);
	struct fs_relay *p = fs_relay_split(r);
	assert_non_null(p);
	struct fs_capture_config cc;
	memset(&cc, 0, sizeof(cc));
	struct fs_capture *c = fs_capture_new(&cc);
	assert_non_null(c);
	struct seen s = { 0 };
	c->relay = r;
	c->fn = on_frame;
	c->fn_ctx = &s;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, produce, p), 0);
	while (s.next < FRAMES && !s.bad) {
		enum fs_capture_result res = fs_relay_dispatch(c, 512);
		if (res == FS_CAPTURE_FATAL)
			fail_msg("after %llu frames: %s",
				 (unsigned long long)s.next, c->error);
		if (s.next < FRAMES)
			sched_yield();
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_false(s.bad);
	assert_int_equal(s.next, FRAMES);
	assert_int_equal(c->count, FRAMES);
	c->relay = NULL;
	fs_relay_destroy(p);
	fs_relay_destroy(r);
	fs_capture_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_laps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
