/* Text forms shared by every output. */
#include "floodspot/fmt.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

char *fs_fmt_mac(char buf[FS_MAC_STRLEN], const uint8_t mac[6])
{
	snprintf(buf, FS_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

char *fs_fmt_ip(char buf[FS_IP_STRLEN], uint8_t version, const uint8_t *addr)
{
	if (!inet_ntop(version == 6 ? AF_INET6 : AF_INET, addr, buf,
		       FS_IP_STRLEN))
		snprintf(buf, FS_IP_STRLEN, "?");
	return buf;
}

char *fs_fmt_id(char buf[16], uint32_t id)
{
	snprintf(buf, 16, "%u.%u.%u.%u", id >> 24, (id >> 16) & 0xff,
		 (id >> 8) & 0xff, id & 0xff);
	return buf;
}

/* path: a file name's form, without spaces. */
static char *fmt_seg(char *buf, struct fs_seg s, bool path)
{
	const char *kind = fs_mirror_kind_name((enum fs_mirror_kind)s.mirror);
	if (s.mirror == FS_MIRROR_NONE)
		snprintf(buf, FS_SEG_STRLEN, path ? "%u" : "vlan %u", s.vlan);
	else if (path)
		snprintf(buf, FS_SEG_STRLEN, "%u-%s-%u", s.vlan, kind,
			 s.mirror_id);
	else
		snprintf(buf, FS_SEG_STRLEN, "vlan %u %s %u", s.vlan, kind,
			 s.mirror_id);
	return buf;
}

char *fs_fmt_seg(char buf[FS_SEG_STRLEN], struct fs_seg s)
{
	return fmt_seg(buf, s, false);
}

char *fs_fmt_seg_path(char buf[FS_SEG_STRLEN], struct fs_seg s)
{
	return fmt_seg(buf, s, true);
}

char *fs_fmt_time(char buf[FS_TIME_STRLEN], int64_t ts_us)
{
	int64_t sec = ts_us / 1000000;
	int64_t us = ts_us % 1000000;
	if (us < 0) {
		us += 1000000;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, FS_TIME_STRLEN, "invalid");
		return buf;
	}
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
		snprintf(buf, FS_TIME_STRLEN, "invalid");
		return buf;
	}
	/* The modulos only tell the compiler the widths are bounded. */
	snprintf(buf, FS_TIME_STRLEN, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		 (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
		 (unsigned)tm.tm_sec % 100u, (unsigned)(us / 1000) % 1000u);
	return buf;
}

void fs_json_string(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fs_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]);
		int lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}
