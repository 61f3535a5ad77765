#!/usr/bin/env bash
# bench.sh: floodspot's offline throughput and memory against the floor
# (tools/pcap-floor: libpcap's read loop with an empty callback), on a
# generated mixed LAN and a 10 M-source spoofed flood with random MACs.
# Captures are generated once into the work dir and reused.  See
# /work/shared/PEERS.md for what the figures are compared with.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRC/build
WORK=/tmp/floodspot-bench
MIX_PACKETS=5000000
SPOOF_PACKETS=10000000
RUNS=3
CAPACITY=
CALLGRIND=0
FLOOR_ONLY=0

usage() {
	cat <<EOF
usage: $0 [options]
  -d DIR              work dir for captures and logs (default $WORK)
  -b DIR              meson build dir (default $BUILD)
  --mix-packets N     packets in the mixed-LAN capture (default $MIX_PACKETS, >= 5000000)
  --spoof-packets N   packets (= distinct sources) in the spoofed capture (default $SPOOF_PACKETS)
  --runs N            timed runs per program, best kept (default $RUNS)
  --capacity N        pass --capacity N to floodspot (hosts table)
  --callgrind         also count instructions per packet (1 M packets, valgrind)
  --floor-only        measure the floor only (floodspot not built yet)
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-d) WORK=$2; shift ;;
	-b) BUILD=$2; shift ;;
	--mix-packets) MIX_PACKETS=$2; shift ;;
	--spoof-packets) SPOOF_PACKETS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--capacity) CAPACITY=$2; shift ;;
	--callgrind) CALLGRIND=1 ;;
	--floor-only) FLOOR_ONLY=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

GEN=$SRC/tools/fs-gen
FLOOR=$BUILD/tools/pcap-floor
FS=$BUILD/floodspot
FS_OPTS=()
[ -n "$CAPACITY" ] && FS_OPTS=(--capacity "$CAPACITY")

die() { echo "bench.sh: $*" >&2; exit 1; }
[ -x "$FLOOR" ] || die "$FLOOR missing: run ninja -C $BUILD"
[ "$FLOOR_ONLY" = 1 ] || [ -x "$FS" ] || die "$FS missing (or use --floor-only)"
mkdir -p "$WORK"

# gen NAME ARGS...: generate $WORK/NAME.pcap (atomically) unless present and
# newer than fs-gen and its fsgen package; print its path
gen() {
	local name=$1 out=$WORK/$1.pcap
	shift
	if [ ! -s "$out" ] || [ "$GEN" -nt "$out" ] ||
		[ -n "$(find "$SRC/tools/fsgen" -name '*.py' -newer "$out" -print -quit)" ]; then
		echo "generating $name ..." >&2
		"$GEN" "$@" -o "$out.tmp" --truth "$WORK/$name.json" >&2
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

MIX=$(gen "mix-$MIX_PACKETS" mix --packets "$MIX_PACKETS")
SPOOF=$(gen "spoof-rm-$SPOOF_PACKETS" spoof --random-macs \
	--packets "$SPOOF_PACKETS" --sources "$SPOOF_PACKETS")

now_ns() { date +%s%N; }

# timed LABEL CMD...: run once, stdout to /dev/null, print elapsed seconds
timed() {
	local t0 t1
	t0=$(now_ns)
	if ! "$@" >/dev/null 2>"$WORK/last.err"; then
		echo "bench.sh: failed: $*" >&2
		cat "$WORK/last.err" >&2
		return 1
	fi
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }'
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

printf '%-28s %10s  %-22s %9s %9s %7s\n' capture packets program best_s Mpkt/s ratio
for cap in "$MIX" "$SPOOF"; do
	cat "$cap" >/dev/null          # warm the page cache
	pk=$("$FLOOR" "$cap" | awk '{ print $2 }')
	b_floor= b_fs= b_json=
	for ((i = 0; i < RUNS; i++)); do
		b_floor=$(min "$(timed "$FLOOR" "$cap")" "$b_floor")
		[ "$FLOOR_ONLY" = 1 ] && continue
		b_fs=$(min "$(timed "$FS" -r "$cap" "${FS_OPTS[@]}")" "$b_fs")
		b_json=$(min "$(timed "$FS" -r "$cap" --json "${FS_OPTS[@]}")" "$b_json")
	done
	row() {
		awk -v c="$1" -v n="$pk" -v p="$2" -v t="$3" -v f="$b_floor" \
		    'BEGIN { printf "%-28s %10d  %-22s %9.4f %9.2f %7.2f\n",
		             c, n, p, t, n / t / 1e6, t / f }'
	}
	row "$(basename "$cap")" floor "$b_floor"
	if [ "$FLOOR_ONLY" != 1 ]; then
		row "" "floodspot -r" "$b_fs"
		row "" "floodspot -r --json" "$b_json"
	fi
done

# Peak memory on the spoofed capture, next to the bound floodspot states.
if [ ! -x /usr/bin/time ]; then
	echo "peak RSS: skipped, GNU time missing (apt-get install time; .ci/run installs it)"
else
	/usr/bin/time -f %M -o "$WORK/rss.floor" "$FLOOR" "$SPOOF" >/dev/null
	echo "peak RSS floor on $(basename "$SPOOF"): $(cat "$WORK/rss.floor") KiB"
	if [ "$FLOOR_ONLY" != 1 ]; then
		/usr/bin/time -f %M -o "$WORK/rss.fs" \
			"$FS" -r "$SPOOF" --json "${FS_OPTS[@]}" >"$WORK/spoof.jsonl"
		bound=$(python3 - "$WORK/spoof.jsonl" <<'EOF'
import json, sys
b = ''
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get('event') == 'stats' and 'memory_bound_bytes' in o:
        b = o['memory_bound_bytes']
print(b)
EOF
)
		rss=$(cat "$WORK/rss.fs")
		if [ -n "$bound" ]; then
			awk -v r="$rss" -v b="$bound" 'BEGIN {
			    printf "peak RSS floodspot: %.1f MiB; stated hosts bound: %.1f MiB (memory_bound_bytes)\n",
			           r / 1024, b / 1048576 }'
		else
			awk -v r="$rss" 'BEGIN {
			    printf "peak RSS floodspot: %.1f MiB (no memory_bound_bytes in the stats object)\n", r / 1024 }'
		fi
	fi
fi

# Instructions per packet (callgrind, 1 M packets).
if [ "$CALLGRIND" = 1 ]; then
	command -v valgrind >/dev/null || die "valgrind missing"
	C_MIX=$(gen mix-1000000 mix --packets 1000000)
	C_SPOOF=$(gen spoof-rm-1000000 spoof --random-macs --packets 1000000)
	ir() {  # ir OUT CMD...: total instructions of one run
		local out=$1
		shift
		valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
			>/dev/null 2>"$out.log"
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.log"
	}
	for cap in "$C_MIX" "$C_SPOOF"; do
		n=$("$FLOOR" "$cap" | awk '{ print $2 }')
		f=$(ir "$WORK/cg.floor" "$FLOOR" "$cap")
		awk -v c="$(basename "$cap")" -v i="$f" -v n="$n" \
		    'BEGIN { printf "callgrind %-22s floor      %8.0f instructions/packet\n", c, i / n }'
		if [ "$FLOOR_ONLY" != 1 ]; then
			s=$(ir "$WORK/cg.fs" "$FS" -r "$cap" "${FS_OPTS[@]}")
			awk -v c="$(basename "$cap")" -v i="$s" -v n="$n" -v f="$f" \
			    'BEGIN { printf "callgrind %-22s floodspot  %8.0f instructions/packet (%.2fx floor)\n",
			             c, i / n, i / f }'
		fi
	done
fi
