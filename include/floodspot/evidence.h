/*
 * Evidence pcaps: on a culprit or flood alert, the flooder's frames from
 * FS_EVIDENCE_BEFORE_S before its onset to FS_EVIDENCE_AFTER_S after the
 * alert, with the routing-protocol frames of its VLAN, written to a pcap
 * that tcpdump -r and Wireshark open.
 *
 * The frames come from a bounded in-memory ring filled on the capture
 * thread: control-plane frames, routing-protocol frames and every frame
 * of a host in a run (its rate above its baseline), each cut to
 * FS_EVIDENCE_SNAP bytes, at most FS_EVIDENCE_BUDGET a slice per source
 * (by a hash of the MAC and VLAN; FS_EVIDENCE_ROUTING_BUDGET for routing
 * frames), the rest counted. When the alert's "after" time has passed (packet time),
 * the frames are copied out of the ring into a job of at most
 * FS_EVIDENCE_JOB_BYTES and handed to a writer thread over a bounded
 * queue; a full queue drops the job and counts it. Nothing on the capture
 * thread touches the disk. Memory: ring_bytes + FS_EVIDENCE_JOBS *
 * FS_EVIDENCE_JOB_BYTES, allocated at create (fs_evidence_memory).
 */
#ifndef FLOODSPOT_EVIDENCE_H
#define FLOODSPOT_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/pkt.h"

#define FS_EVIDENCE_BEFORE_S 3
#define FS_EVIDENCE_AFTER_S 3
#define FS_EVIDENCE_SNAP 256		/* bytes kept of each frame */
#define FS_EVIDENCE_BUDGET 100		/* frames per source per slice */
#define FS_EVIDENCE_ROUTING_BUDGET 500	/* routing frames per source, slice */
#define FS_EVIDENCE_RING_DEFAULT (16u << 20)
#define FS_EVIDENCE_JOB_BYTES (4u << 20)
#define FS_EVIDENCE_JOBS 2		/* being extracted or written */
#define FS_EVIDENCE_PENDING 8		/* alerts waiting for their "after" */

struct fs_evidence_config {
	const char *dir;	/* where the pcaps go (created if missing) */
	uint32_t ring_bytes;	/* 0: FS_EVIDENCE_RING_DEFAULT */
	int dlt;		/* the capture's link type */
	bool wait_when_full;	/* a replay waits for the writer */
};

struct fs_evidence_stats {
	uint64_t frames_kept;		/* into the ring */
	uint64_t frames_over_budget;	/* a source past its budget */
	uint64_t requests;		/* alerts that asked for a file */
	uint64_t requests_refused;	/* too many pending */
	uint64_t files_written, frames_written;
	uint64_t jobs_dropped;		/* writer queue full */
	uint64_t job_truncated;		/* frames beyond a job's bytes */
	uint64_t write_errors;
	int64_t oldest_us;		/* of the frames in the ring */
};

struct fs_evidence;

/* NULL with a message in err when the directory or memory is missing. */
struct fs_evidence *fs_evidence_create(const struct fs_evidence_config *cfg,
				       char *err, size_t errlen);
/* Writes what is pending (with the frames until now) and waits for it. */
void fs_evidence_flush(struct fs_evidence *ev, int64_t now_us);
/* fs_evidence_flush, then stops the writer and frees. */
void fs_evidence_destroy(struct fs_evidence *ev, int64_t now_us);
/* Bytes allocated for a configuration. */
size_t fs_evidence_memory(const struct fs_evidence_config *cfg);

/*
 * One packet on the capture thread. hot: its sender is in a run (rate
 * above its baseline), so all its frames count, not only control-plane
 * ones. Constant time.
 */
void fs_evidence_frame(struct fs_evidence *ev, const struct fs_pkt *p,
		       const uint8_t *frame, bool hot);
/* Each closed slice: budgets restart, due jobs are extracted and queued. */
void fs_evidence_tick(struct fs_evidence *ev, int64_t now_us);

/*
 * An alert wants evidence of the host (vlan, mac) from onset_us to the
 * alert at alert_us. Writes the file's path to name (the same path for
 * the same host and kind while its request is pending) and returns true;
 * false when too many requests wait.
 */
bool fs_evidence_request(struct fs_evidence *ev, uint16_t vlan,
			 const uint8_t mac[6], const char *kind,
			 int64_t onset_us, int64_t alert_us, char *name,
			 size_t len);

void fs_evidence_stats(const struct fs_evidence *ev,
		       struct fs_evidence_stats *st);

#endif
