/* Text forms shared by every output: MACs, IPs, times, JSON strings. */
#ifndef FLOODSPOT_FMT_H
#define FLOODSPOT_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/pkt.h"

#define FS_MAC_STRLEN 18
#define FS_IP_STRLEN 46
#define FS_TIME_STRLEN 32
#define FS_SEG_STRLEN 40

/* "02:00:0a:00:00:0d" */
char *fs_fmt_mac(char buf[FS_MAC_STRLEN], const uint8_t mac[6]);
/* version 4 or 6; inet_ntop forms */
char *fs_fmt_ip(char buf[FS_IP_STRLEN], uint8_t version, const uint8_t *addr);
/* dotted quad of a host-order 32-bit id (OSPF router ids) */
char *fs_fmt_id(char buf[16], uint32_t id);
/* "vlan 10", or with a remote mirror "vlan 10 vxlan 5000" */
char *fs_fmt_seg(char buf[FS_SEG_STRLEN], struct fs_seg s);
/* The same for file names: "10", "10-vxlan-5000" */
char *fs_fmt_seg_path(char buf[FS_SEG_STRLEN], struct fs_seg s);
/* ISO 8601 UTC with milliseconds: "2026-11-23T20:44:00.123Z" */
char *fs_fmt_time(char buf[FS_TIME_STRLEN], int64_t ts_us);

/* Writes s as a JSON string literal, quotes included. */
void fs_json_string(FILE *f, const char *s);

/* Parses "aa:bb:cc:dd:ee:ff" (also '-' separated); 0 on success. */
int fs_parse_mac(const char *s, uint8_t mac[6]);

#endif
