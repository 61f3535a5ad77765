/* The event bus: fan-out of module events to subscribers, in order. */
#include "floodspot/event.h"

#include <string.h>

static const char *const state_names[] = {
	[FS_OSPF_DOWN] = "down",	 [FS_OSPF_INIT] = "init",
	[FS_OSPF_2WAY] = "2-way",	 [FS_OSPF_EXSTART] = "exstart",
	[FS_OSPF_EXCHANGE] = "exchange", [FS_OSPF_LOADING] = "loading",
	[FS_OSPF_FULL] = "full",
};

const char *fs_ospf_state_name(enum fs_ospf_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "unknown";
}

const char *fs_sess_proto_name(enum fs_sess_proto p)
{
	static const char *const names[FS_SESS_PROTO_COUNT] = {
		[FS_SESS_BGP] = "bgp", [FS_SESS_BFD] = "bfd",
		[FS_SESS_FHRP] = "fhrp",
	};
	return (unsigned)p < FS_SESS_PROTO_COUNT ? names[p] : "unknown";
}

static const char *const gap_names[FS_GAP_REASONS] = {
	[FS_GAP_SILENCE] = "silence", [FS_GAP_LINK_DOWN] = "link-down",
	[FS_GAP_DROPS] = "drops", [FS_GAP_CLOCK_STEP] = "clock-step",
};

const char *fs_gap_reason_name(enum fs_gap_reason r)
{
	return (unsigned)r < FS_GAP_REASONS ? gap_names[r] : "unknown";
}

void fs_event_bus_init(struct fs_event_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int fs_event_subscribe(struct fs_event_bus *bus, fs_event_fn fn, void *ctx)
{
	if (bus->n_sub >= FS_EVENT_MAX_SUBSCRIBERS)
		return -1;
	bus->sub[bus->n_sub].fn = fn;
	bus->sub[bus->n_sub].ctx = ctx;
	bus->n_sub++;
	return 0;
}

void fs_event_emit(struct fs_event_bus *bus, const struct fs_event *ev)
{
	if ((unsigned)ev->type < FS_EV_COUNT)
		bus->emitted[ev->type]++;
	for (unsigned i = 0; i < bus->n_sub; i++)
		bus->sub[i].fn(ev, bus->sub[i].ctx);
}
