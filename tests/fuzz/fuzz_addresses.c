/*
 * Address and name fuzz target: the text an operator gives as --syslog
 * (udp://, tcp://, relp://), --rrdcached and --name.
 *   byte 0   0: syslog URL, 1: rrdcached address, 2: agent name
 *   rest     the text (cut at the first NUL)
 * Invariants: an error leaves a message; a URL accepted has a host within
 * its buffer and a port of 1-65535; an agent directory is one path
 * component of safe bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/store.h"
#include "../../src/alert/alert_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *text)
{
	enum fs_alert_proto proto;
	char host[256], port[8], err[512] = "";
	if (fs_alert_parse_url(text, &proto, host, sizeof(host), port,
			       sizeof(port), err, sizeof(err)) != 0) {
		if (!err[0])
			abort();
		return;
	}
	if (!host[0] || strlen(host) >= sizeof(host))
		abort();
	char *end;
	long p = strtol(port, &end, 10);
	if (*end || p < 1 || p > 65535)
		abort();
}

static void check_daemon(const char *text)
{
	char err[512] = "";
	if (fs_store_check_daemon_addr(text, err, sizeof(err)) != 0 && !err[0])
		abort();
}

static void check_name(const char *text)
{
	char dir[256];
	if (fs_store_agent_dir(text, dir, sizeof(dir)) != 0)
		return;
	size_t n = strlen(dir);
	if (n == 0 || n > 128 || dir[0] == '.' || strchr(dir, '/'))
		abort();
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_.", dir[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char text[1024];
	size_t n = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
	memcpy(text, data + 1, n);
	text[n] = '\0';
	switch (data[0] % 3) {
	case 0: check_url(text); break;
	case 1: check_daemon(text); break;
	default: check_name(text); break;
	}
	return 0;
}
