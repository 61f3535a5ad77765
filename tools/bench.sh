#!/usr/bin/env bash
# bench.sh: floodspot's offline throughput and memory against the floor
# (build/tools/pcap-floor: pcap_open_offline + pcap_dispatch with an empty
# callback, default buffers), on minimum-size frames as a user comparing
# tools would: a mixed LAN (2,000 hosts, 802.1Q, IPv6, ARP; fs-gen mix
# --small) and a flood from 10 M random source MACs and IPs. Whole
# process, paired rounds (floor, floodspot, tcpdump -w, ... interleaved),
# the median of the per-round ratios; peak RSS from GNU time. A noisy
# machine makes single runs meaningless: only the medians of paired runs
# are figures. Captures are generated once into the work dir.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRC/build
WORK=/tmp/floodspot-bench
MIX_PACKETS=10000000
SPOOF_PACKETS=10000000
RUNS=5
CAPACITY=
CALLGRIND=0
CALLGRIND_ONLY=0
FS=
FS_BEFORE=
TCPDUMP=1

usage() {
	cat <<EOF
usage: $0 [options]
  -d DIR              work dir for captures and logs (default $WORK)
  -b DIR              meson build dir (default $BUILD)
  --fs BIN            the floodspot binary (default BUILD/floodspot)
  --before BIN        also time this floodspot binary in the same rounds
                      (an older build: before and after in one session)
  --mix-packets N     packets in the mixed-LAN capture (default $MIX_PACKETS)
  --spoof-packets N   packets (= distinct sources) of the flood (default $SPOOF_PACKETS)
  --runs N            paired rounds (default $RUNS, at least 5 for figures)
  --capacity N        pass --capacity N to floodspot (hosts table)
  --no-tcpdump        do not time tcpdump -w /dev/null
  --callgrind         also count instructions per packet (1 M packets each,
                      valgrind), floodspot above the floor
  --callgrind-only    only that
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-d) WORK=$2; shift ;;
	-b) BUILD=$2; shift ;;
	--fs) FS=$2; shift ;;
	--before) FS_BEFORE=$2; shift ;;
	--mix-packets) MIX_PACKETS=$2; shift ;;
	--spoof-packets) SPOOF_PACKETS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--capacity) CAPACITY=$2; shift ;;
	--no-tcpdump) TCPDUMP=0 ;;
	--callgrind) CALLGRIND=1 ;;
	--callgrind-only) CALLGRIND=1; CALLGRIND_ONLY=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

GEN=$SRC/tools/fs-gen
FLOOR=$BUILD/tools/pcap-floor
FS=${FS:-$BUILD/floodspot}
# The source tree's rules: the program knows only the installed ones.
FS_OPTS=(--rules "$SRC/rules")
[ -n "$CAPACITY" ] && FS_OPTS+=(--capacity "$CAPACITY")

die() { echo "bench.sh: $*" >&2; exit 1; }
[ -x "$FLOOR" ] || die "$FLOOR missing: run ninja -C $BUILD"
[ -x "$FS" ] || die "$FS missing"
[ -z "$FS_BEFORE" ] || [ -x "$FS_BEFORE" ] || die "$FS_BEFORE missing"
[ -x /usr/bin/time ] || die "GNU time missing (apt-get install time)"
command -v tcpdump >/dev/null || TCPDUMP=0
[ "$RUNS" -ge 1 ] || die "--runs must be at least 1"
mkdir -p "$WORK"

# gen NAME ARGS...: generate $WORK/NAME.pcap (atomically) unless present and
# newer than fs-gen and its fsgen package; print its path
gen() {
	local name=$1 out=$WORK/$1.pcap
	shift
	if [ ! -s "$out" ] || [ "$GEN" -nt "$out" ] ||
		[ -n "$(find "$SRC/tools/fsgen" -name '*.py' -newer "$out" -print -quit)" ]; then
		echo "generating $name ..." >&2
		"$GEN" "$@" -q -o "$out.tmp" --truth "$WORK/$name.json" >&2
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# run LABEL CMD...: one whole-process run; appends "elapsed_us rss_kib
# cpu_s" (user + system) to $WORK/LABEL.runs. The command's stdout goes
# to $WORK/LABEL.out.
run() {
	local label=$1 t0 t1
	shift
	t0=$(date +%s%N)
	if ! /usr/bin/time -f '%M %U %S' -o "$WORK/rss.tmp" "$@" >"$WORK/$label.out" \
		2>"$WORK/$label.err"; then
		echo "bench.sh: failed: $*" >&2
		tail -5 "$WORK/$label.err" >&2
		exit 1
	fi
	t1=$(date +%s%N)
	awk -v us=$(( (t1 - t0) / 1000 )) '{ printf "%d %d %.2f\n", us, $1, $2 + $3 }' \
		"$WORK/rss.tmp" | tail -1 >>"$WORK/$label.runs"
}

# stats LABEL FLOOR_LABEL PACKETS NAME: one line of the table
stats() {
	python3 - "$WORK/$1.runs" "$WORK/$2.runs" "$3" "$4" <<'EOF'
import statistics, sys
def load(p):
    return [tuple(float(x) for x in l.split()) for l in open(p) if l.strip()]
me, fl = load(sys.argv[1]), load(sys.argv[2])
n, name = int(sys.argv[3]), sys.argv[4]
t = [x[0] / 1e6 for x in me]
r = sorted(a[0] / b[0] for a, b in zip(me, fl))
# CPU time (user + system) moves less than elapsed on a busy machine
c = sorted(a[2] / max(b[2], 0.01) for a, b in zip(me, fl))
med = statistics.median(t)
print('  %-30s %8.3f s %7.2f Mpkt/s  ratio %5.2fx (%.2f-%.2f)  cpu %5.2fx  peak RSS %6.1f MiB'
      % (name, med, n / med / 1e6, statistics.median(r), r[0], r[-1],
         statistics.median(c), max(x[1] for x in me) / 1024))
EOF
}

MIX=$(gen "mix-small-$MIX_PACKETS" mix --small --packets "$MIX_PACKETS")
SPOOF=$(gen "spoof-rm-$SPOOF_PACKETS" spoof --random-macs \
	--packets "$SPOOF_PACKETS" --sources "$SPOOF_PACKETS")
FLOODER=$(gen "spoof-flooder-$SPOOF_PACKETS" spoof --random-macs \
	--flooder-every 16 --packets "$SPOOF_PACKETS" --sources "$SPOOF_PACKETS")

echo "floodspot: $FS${FS_BEFORE:+ (before: $FS_BEFORE)}"
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS paired rounds; median ratio to the floor (min-max) of elapsed, and of CPU time"

if [ "$CALLGRIND_ONLY" = 0 ]; then
for cap in "$MIX" "$SPOOF" "$FLOODER"; do
	name=$(basename "$cap" .pcap)
	cat "$cap" >/dev/null		# page cache
	pk=$("$FLOOR" "$cap" | awk '{ print $2 }')
	labels=(floor fs)
	[ -n "$FS_BEFORE" ] && labels+=(before)
	[ "$TCPDUMP" = 1 ] && labels+=(tcpdump)
	for l in "${labels[@]}"; do rm -f "$WORK/$name.$l.runs"; done
	for ((i = 0; i < RUNS; i++)); do
		for l in "${labels[@]}"; do
			case $l in
			floor) run "$name.floor" "$FLOOR" "$cap" ;;
			fs) run "$name.fs" "$FS" -r "$cap" "${FS_OPTS[@]}" ;;
			before) run "$name.before" "$FS_BEFORE" -r "$cap" "${FS_OPTS[@]}" ;;
			tcpdump) run "$name.tcpdump" tcpdump -w /dev/null -r "$cap" ;;
			esac
		done
	done
	echo "$name: $pk packets, $(( $(stat -L -c %s "$cap") / pk )) bytes/packet in the file"
	for l in "${labels[@]}"; do
		case $l in
		floor) what="floor (libpcap, empty callback)" ;;
		fs) what="floodspot -r" ;;
		before) what="floodspot -r (before)" ;;
		tcpdump) what="tcpdump -w /dev/null" ;;
		esac
		stats "$name.$l" "$name.floor" "$pk" "$what"
	done
done

# The flooder among 10 M random sources must stay the top host.
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["flood"]["mac"])' \
	"${FLOODER%.pcap}.json")
got=$("$FS" -r "$FLOODER" --top 1 "${FS_OPTS[@]}" | awk '$1 == "1" { print $2, $5 }')
echo "top host on $(basename "$FLOODER" .pcap): ${got:-none} (the flooder is $want: $([ "${got%% *}" = "$want" ] && echo yes || echo NO))"
# The bound floodspot states, beside the peak RSS above.
bound=$("$FS" -r "$SPOOF" --json "${FS_OPTS[@]}" |
	sed -n 's/.*"memory_bound_bytes":\([0-9]*\).*/\1/p' | tail -1)
echo "stated hosts bound (memory_bound_bytes): $(awk -v b="${bound:-0}" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
fi

# Instructions per packet (callgrind, 1 M packets; start-up included,
# under 0.1 instruction per packet for the floor).
if [ "$CALLGRIND" = 1 ]; then
	command -v valgrind >/dev/null || die "valgrind missing"
	C_MIX=$(gen mix-small-1000000 mix --small --packets 1000000)
	C_SPOOF=$(gen spoof-rm-1000000 spoof --random-macs --packets 1000000)
	ir() {  # ir OUT CMD...: total instructions of one run
		local out=$1
		shift
		valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
			>/dev/null 2>"$out.log"
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.log"
	}
	for cap in "$C_MIX" "$C_SPOOF"; do
		name=$(basename "$cap" .pcap)
		n=$("$FLOOR" "$cap" | awk '{ print $2 }')
		f=$(ir "$WORK/cg.$name.floor" "$FLOOR" "$cap")
		s=$(ir "$WORK/cg.$name.fs" "$FS" -r "$cap" "${FS_OPTS[@]}")
		line="callgrind $name: floor $((f / n)), floodspot $((s / n)) ($(( (s - f) / n )) above the floor)"
		if [ -n "$FS_BEFORE" ]; then
			b=$(ir "$WORK/cg.$name.before" "$FS_BEFORE" -r "$cap" "${FS_OPTS[@]}")
			line="$line; before $((b / n)) ($(( (b - f) / n )) above)"
		fi
		echo "$line instructions/packet"
	done
	echo "(profiles in $WORK/cg.*: callgrind_annotate FILE)"
fi
