/* Capture batches: the same frames in the same order with a look-ahead,
 * each frame peeked once, before it is delivered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "floodspot/capture.h"

#define AHEAD 8		/* batch.c's look-ahead */
#define BATCH 64	/* frames per batch at most */
#define MAX_FRAMES 1200

/* Frame k: its number in the first bytes, a pattern after. */
static uint32_t frame_len(unsigned k)
{
	if (k == 500)
		return 70000;	/* larger than the batch arena */
	if (k >= 600 && k < 700)
		return 9000;	/* a few fill the arena before 64 frames */
	return 60 + k % 5;
}

static void fill(uint8_t *f, uint32_t len, unsigned k)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(k * 7 + i);
	memcpy(f, &k, sizeof k);
}

static char *write_capture(unsigned n)
{
	char *path = strdup("/tmp/fs-test-capture-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	assert_non_null(d);
	uint8_t *f = malloc(70000);
	assert_non_null(f);
	for (unsigned k = 0; k < n; k++) {
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1000 + k / 10,
						 .tv_usec = (k % 10) * 1000 } };
		h.caplen = h.len = frame_len(k);
		fill(f, h.caplen, k);
		pcap_dump((u_char *)d, &h, f);
	}
	free(f);
	pcap_dump_close(d);
	pcap_close(dead);
	return path;
}

struct seen {
	unsigned n_got, n_peek;
	unsigned got[MAX_FRAMES];		/* frame numbers delivered */
	unsigned peeked_before[MAX_FRAMES];	/* peeks done at delivery */
	unsigned peek[MAX_FRAMES];		/* frame numbers peeked */
	int64_t ts[MAX_FRAMES];
	bool bad;				/* contents not as written */
};

static bool intact(const uint8_t *f, uint32_t caplen, unsigned *k)
{
	if (caplen < sizeof *k)
		return false;
	memcpy(k, f, sizeof *k);
	if (*k >= MAX_FRAMES || caplen != frame_len(*k))
		return false;
	for (uint32_t i = sizeof *k; i < caplen; i++)
		if (f[i] != (uint8_t)(*k * 7 + i))
			return false;
	return true;
}

static void on_frame(void *ctx, int64_t ts, const uint8_t *frame,
		     uint32_t caplen, uint32_t wirelen)
{
	struct seen *s = ctx;
	unsigned k;
	if (!intact(frame, caplen, &k) || wirelen != caplen ||
	    s->n_got >= MAX_FRAMES) {
		s->bad = true;
		return;
	}
	s->ts[s->n_got] = ts;
	s->peeked_before[s->n_got] = s->n_peek;
	s->got[s->n_got++] = k;
}

static void on_look(void *ctx, const uint8_t *frame, uint32_t caplen)
{
	struct seen *s = ctx;
	unsigned k;
	if (!intact(frame, caplen, &k) || s->n_peek >= MAX_FRAMES) {
		s->bad = true;
		return;
	}
	s->peek[s->n_peek++] = k;
}

static void replay(const char *path, bool batched, int max, struct seen *s)
{
	char err[512];
	struct fs_capture_config cfg = { .file = path };
	struct fs_capture *c = fs_capture_open(&cfg, err, sizeof err);
	assert_non_null(c);
	if (batched)
		assert_int_equal(fs_capture_set_peek(c, on_look, s), 0);
	enum fs_capture_result r;
	while ((r = fs_capture_dispatch(c, max, on_frame, s)) == FS_CAPTURE_MORE)
		;
	assert_int_equal(r, FS_CAPTURE_EOF);
	assert_int_equal(fs_capture_count(c), s->n_got);
	fs_capture_close(c);
}

static void same_frames_with_look_ahead(int max)
{
	const unsigned n = 1000;
	char *path = write_capture(n);
	struct seen *plain = calloc(1, sizeof *plain);
	struct seen *batched = calloc(1, sizeof *batched);
	assert_non_null(plain);
	assert_non_null(batched);

	replay(path, false, max, plain);
	replay(path, true, max, batched);
	unlink(path);
	free(path);

	assert_false(plain->bad);
	assert_false(batched->bad);
	assert_int_equal(plain->n_got, n);
	assert_int_equal(plain->n_peek, 0);
	assert_int_equal(batched->n_got, n);
	for (unsigned k = 0; k < n; k++) {
		assert_int_equal(plain->got[k], k);
		assert_int_equal(batched->got[k], k);
		assert_int_equal(batched->ts[k], plain->ts[k]);
	}
	/* Every frame peeked once, in order, except the one too large for a
	 * batch, which goes straight through. */
	assert_int_equal(batched->n_peek, n - 1);
	for (unsigned j = 0, k = 0; k < n; k++) {
		if (k == 500)
			continue;
		assert_int_equal(batched->peek[j++], k);
	}
	/* Peeked before delivery; among small frames a full look-ahead
	 * within the batch (batches end at 64 frames or max). */
	for (unsigned k = 0; k < n; k++) {
		unsigned peek_no = k > 500 ? k - 1 : k;	/* its place in peek[] */
		if (k != 500)
			assert_true(batched->peeked_before[k] > peek_no);
		if (k < 400 && max % BATCH == 0) {
			unsigned end = (k / BATCH + 1) * BATCH;
			unsigned want = k + 1 + AHEAD < end ? k + 1 + AHEAD : end;
			assert_true(batched->peeked_before[k] >= want);
		}
	}
	free(plain);
	free(batched);
}

static void test_batches_dispatch_4096(void **state)
{
	(void)state;
	same_frames_with_look_ahead(4096);
}

static void test_batches_dispatch_odd(void **state)
{
	(void)state;
	/* Dispatch calls that end mid-batch flush what they read. */
	same_frames_with_look_ahead(37);
}

static void test_peek_off_again(void **state)
{
	(void)state;
	char *path = write_capture(200);
	struct seen *s = calloc(1, sizeof *s);
	assert_non_null(s);
	char err[512];
	struct fs_capture_config cfg = { .file = path };
	struct fs_capture *c = fs_capture_open(&cfg, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(fs_capture_set_peek(c, on_look, s), 0);
	assert_int_equal(fs_capture_dispatch(c, 100, on_frame, s), FS_CAPTURE_MORE);
	assert_int_equal(s->n_got, 100);
	assert_int_equal(s->n_peek, 100);
	assert_int_equal(fs_capture_set_peek(c, NULL, NULL), 0);
	while (fs_capture_dispatch(c, 100, on_frame, s) == FS_CAPTURE_MORE)
		;
	assert_int_equal(s->n_got, 200);
	assert_int_equal(s->n_peek, 100);
	for (unsigned k = 0; k < 200; k++)
		assert_int_equal(s->got[k], k);
	assert_false(s->bad);
	fs_capture_close(c);
	unlink(path);
	free(path);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batches_dispatch_4096),
		cmocka_unit_test(test_batches_dispatch_odd),
		cmocka_unit_test(test_peek_off_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
