#!/usr/bin/env bash
# bench-privsep.sh: what -Z's relay costs live. A veth pair across two
# namespaces made here (fsbench<pid>-tx, -rx); floodspot captures on the
# receiving end, once as root alone and once with -Z nobody (the
# privileged parent copies every frame into the worker's ring);
# tools/pkt-blast sends COUNT minimum-size frames at PPS each time (0:
# full speed). usage: bench-privsep.sh [COUNT [PPS]]
# Prints, per mode: frames sent, counted by floodspot, dropped by the
# kernel, and the CPU seconds of floodspot's processes. Needs root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
COUNT=${1:-2000000}
PPS=${2:-200000}
P=fsbench$$
TX=$P-tx RX=$P-rx
cleanup() {
	ip netns del "$TX" 2>/dev/null || true
	ip netns del "$RX" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$TX"
ip netns add "$RX"
ip -n "$TX" link add b0 type veth peer name b1 netns "$RX"
ip -n "$TX" link set b0 up
ip -n "$RX" link set b1 up
BLAST=$BUILD/tools/pkt-blast
cpu() {	# user+system seconds of a pid and its children still alive
	local t=0 p
	for p in "$@"; do
		[ -r /proc/$p/stat ] || continue
		t=$(awk -v t="$t" '{ print t + ($14 + $15) / 100 }' \
			"/proc/$p/stat" 2>/dev/null || echo "$t")
	done
	echo "$t"
}
for mode in direct privsep; do
	opts=()
	[ $mode = privsep ] && opts=(-Z nobody)
	out=/tmp/$P-$mode.out
	ip netns exec "$RX" "$BUILD/floodspot" -i b1 "${opts[@]}" --json \
		--no-local-syslog >"$out" 2>/tmp/$P-$mode.err &
	fs=$!
	sleep 1.5
	kids=$(cat /proc/$fs/task/$fs/children 2>/dev/null || true)
	sent=$(ip netns exec "$TX" "$BLAST" b0 "$COUNT" "$PPS")
	sleep 2
	c=$(cpu $fs $kids)
	kill -TERM $fs
	wait $fs || true
	st=$(grep '"event":"stats"' "$out" | tail -1)
	python3 - "$mode" "$sent" "$c" "$st" <<'PY'
import json, sys
mode, sent, cpu, st = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
print("%-8s sent %d in %.2f s (%.0f/s): counted %d (%.2f %%), kernel "
      "dropped %d, cpu %.2f s (%.2f us a frame)"
      % (mode, sent["sent"], sent["seconds"], sent["sent"] / sent["seconds"],
         st["packets"], 100.0 * st["packets"] / sent["sent"],
         st.get("capture_dropped", 0), float(cpu),
         1e6 * float(cpu) / max(1, st["packets"])))
PY
done
rm -f /tmp/$P-*.out /tmp/$P-*.err
