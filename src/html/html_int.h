/* Private to src/html: what html_tick.c needs of html.c. */
#ifndef FS_HTML_INT_H
#define FS_HTML_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/html.h"

bool fs_html_due(const struct fs_html *h, int64_t now_us, int force);
uint32_t fs_html_top_n(const struct fs_html *h);
/* After fs_html_begin: this snapshot redraws every view. */
void fs_html_force(struct fs_html *h);

#endif
