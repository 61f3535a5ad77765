/*
 * Bounds-checked reader over packet bytes. A short read sets a sticky
 * failure flag and yields zero, so a decoder checks the flag once per header
 * instead of testing lengths at every field.
 */
#ifndef FLOODSPOT_CURSOR_H
#define FLOODSPOT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fs_cursor {
	const uint8_t *pos;
	size_t left;
	bool failed;
};

static inline struct fs_cursor fs_cursor_make(const uint8_t *p, size_t len)
{
	struct fs_cursor c = { p, len, false };
	return c;
}

static inline bool fs_cursor_need(struct fs_cursor *c, size_t n)
{
	if (c->failed || c->left < n) {
		c->failed = true;
		return false;
	}
	return true;
}

static inline uint8_t fs_cursor_u8(struct fs_cursor *c)
{
	if (!fs_cursor_need(c, 1))
		return 0;
	uint8_t v = c->pos[0];
	c->pos++;
	c->left--;
	return v;
}

static inline uint16_t fs_cursor_be16(struct fs_cursor *c)
{
	if (!fs_cursor_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)((uint16_t)c->pos[0] << 8 | c->pos[1]);
	c->pos += 2;
	c->left -= 2;
	return v;
}

static inline uint32_t fs_cursor_be32(struct fs_cursor *c)
{
	if (!fs_cursor_need(c, 4))
		return 0;
	uint32_t v = (uint32_t)c->pos[0] << 24 | (uint32_t)c->pos[1] << 16 |
		     (uint32_t)c->pos[2] << 8 | c->pos[3];
	c->pos += 4;
	c->left -= 4;
	return v;
}

/* Copies n bytes; on a short read dst is zeroed. */
static inline void fs_cursor_copy(struct fs_cursor *c, void *dst, size_t n)
{
	if (!fs_cursor_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->pos, n);
	c->pos += n;
	c->left -= n;
}

static inline void fs_cursor_skip(struct fs_cursor *c, size_t n)
{
	if (!fs_cursor_need(c, n))
		return;
	c->pos += n;
	c->left -= n;
}

/*
 * Splits off the next n bytes as their own cursor and advances past them.
 * A length from the wire becomes a sub-cursor, so protocol code never does
 * pointer arithmetic. On a short read both cursors are failed.
 */
static inline struct fs_cursor fs_cursor_sub(struct fs_cursor *c, size_t n)
{
	struct fs_cursor s = { c->pos, 0, true };
	if (!fs_cursor_need(c, n))
		return s;
	s.left = n;
	s.failed = false;
	c->pos += n;
	c->left -= n;
	return s;
}

/* Offset of the cursor from a base pointer (for recording layer offsets). */
static inline size_t fs_cursor_offset(const struct fs_cursor *c,
				      const uint8_t *base)
{
	return (size_t)(c->pos - base);
}

#endif
