#!/usr/bin/env bash
# bench-live.sh: floodspot on a live interface. A veth pair across two
# namespaces made here (fsbench<pid>-tx, -rx); floodspot captures on the
# receiving end while tools/pkt-blast sends minimum-size frames (60 bytes,
# a new source MAC every frame) from the other. Needs root.
#
#   bench-live.sh privsep [COUNT [PPS]]
#       What -Z's relay costs: COUNT frames at PPS (0: full speed), once
#       with floodspot as root alone (its reader thread fills the relay)
#       and once with -Z nobody (the privileged parent does).
#   bench-live.sh rates [SECONDS [PPS ...]]
#       Kernel drops per sending rate, the sender pinned to CPU 0 and
#       floodspot to CPU 1 (default rates 100k 200k 400k 800k and 0, full
#       speed; SECONDS of frames each, default 5), each rate once with
#       --no-reader-thread and once as is (a reader thread).
#
# Prints per run: frames sent and the rate reached, frames floodspot
# counted, dropped by the kernel, and the CPU seconds of floodspot's
# processes.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
BLAST=$BUILD/tools/pkt-blast
P=fsbench$$
TX=$P-tx RX=$P-rx
cleanup() {
	ip netns del "$TX" 2>/dev/null || true
	ip netns del "$RX" 2>/dev/null || true
	rm -f /tmp/$P-*.out /tmp/$P-*.err
}
trap cleanup EXIT
ip netns add "$TX"
ip netns add "$RX"
ip -n "$TX" link add b0 type veth peer name b1 netns "$RX"
ip -n "$TX" link set b0 up
ip -n "$RX" link set b1 up

cpu() {	# user+system seconds of the pids still alive
	local t=0 p
	for p in "$@"; do
		[ -r /proc/$p/stat ] || continue
		t=$(awk -v t="$t" '{ print t + ($14 + $15) / 100 }' \
			"/proc/$p/stat" 2>/dev/null || echo "$t")
	done
	echo "$t"
}

# run LABEL COUNT PPS PIN_SENDER PIN_FLOODSPOT [floodspot options...]
run() {
	local label=$1 count=$2 pps=$3 pin_tx=$4 pin_rx=$5
	shift 5
	local out=/tmp/$P-$label.out tx=() rx=()
	[ -n "$pin_tx" ] && tx=(taskset -c "$pin_tx")
	[ -n "$pin_rx" ] && rx=(taskset -c "$pin_rx")
	ip netns exec "$RX" "${rx[@]}" "$BUILD/floodspot" -i b1 "$@" --json \
		--no-local-syslog --rules "$SRC/rules" >"$out" \
		2>/tmp/$P-$label.err &
	local fs=$!
	sleep 1.5
	if ! kill -0 $fs 2>/dev/null; then
		echo "$label: floodspot exited at start:" >&2
		cat /tmp/$P-$label.err >&2
		exit 1
	fi
	local kids sent c st
	kids=$(cat /proc/$fs/task/$fs/children 2>/dev/null || true)
	sent=$(ip netns exec "$TX" "${tx[@]}" "$BLAST" b0 "$count" "$pps")
	sleep 2
	c=$(cpu $fs $kids)
	kill -TERM $fs
	wait $fs || true
	st=$(grep '"event":"stats"' "$out" | tail -1)
	python3 - "$label" "$sent" "$c" "$st" <<'PY'
import json, sys
label, sent, cpu, st = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
n, drops = st["packets"], st.get("capture_dropped", 0)
print("%-14s sent %d in %.2f s (%.0f/s): counted %d (%.2f %%), kernel "
      "dropped %d (%.2f %%), cpu %.2f s (%.2f us a frame)"
      % (label, sent["sent"], sent["seconds"], sent["sent"] / sent["seconds"],
         n, 100.0 * n / sent["sent"], drops,
         100.0 * drops / max(1, n + drops), float(cpu),
         1e6 * float(cpu) / max(1, n)))
PY
}

case "${1:-}" in
privsep)
	count=${2:-2000000} pps=${3:-200000}
	run direct "$count" "$pps" "" ""
	run privsep "$count" "$pps" "" "" -Z nobody
	;;
rates)
	secs=${2:-5}
	shift $(( $# >= 2 ? 2 : 1 ))
	rates=("$@")
	[ ${#rates[@]} -gt 0 ] || rates=(100000 200000 400000 800000 0)
	for r in "${rates[@]}"; do
		# Full speed: as many frames as 1 Mpps would send in that time.
		n=$(( (r > 0 ? r : 1000000) * secs ))
		run "direct-$r" "$n" "$r" 0 1 --no-reader-thread
		run "reader-$r" "$n" "$r" 0 1
	done
	;;
*)
	echo "usage: $0 privsep [COUNT [PPS]] | rates [SECONDS [PPS ...]]" >&2
	exit 2
	;;
esac
