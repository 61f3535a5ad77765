#!/bin/sh
# Runs bench-store direct and through rrdcached (started here on a unix
# socket, stopped by PID). Usage: tools/bench-store.sh BUILD_DIR [SECONDS]
set -eu
build=${1:-build}
secs=${2:-30}
bench="$build/tests/store/bench-store"
dir=$(mktemp -d /var/tmp/fs-bench.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

echo "== direct librrd, cold (creates the files) =="
"$bench" "$dir/direct" --seconds "$secs"
echo
echo "== direct librrd, warm (resumes the files) =="
"$bench" "$dir/direct" --seconds "$secs" --start $((1700000000 + secs + 5))
echo
echo "== direct librrd, warm, unpaced (replay speed: capacity, drops) =="
"$bench" "$dir/direct" --seconds "$secs" --start $((1700000000 + 2 * secs + 10)) --no-pace
echo
echo "== direct librrd, warm, unpaced, wait when full (replay mode) =="
"$bench" "$dir/direct" --seconds "$secs" --start $((1700000000 + 3 * secs + 15)) --no-pace --wait
echo
mkdir -p "$dir/cached" "$dir/journal"
rrdcached -g -l "unix:$dir/sock" -b "$dir/cached" -B -F -j "$dir/journal" \
	-w 300 -z 60 -t 2 >/dev/null 2>&1 &
pid=$!
i=0; while [ ! -S "$dir/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
echo "== rrdcached, cold =="
"$bench" "$dir/cached/rrd" --seconds "$secs" --rrdcached "unix:$dir/sock"
echo
echo "== rrdcached, warm =="
"$bench" "$dir/cached/rrd" --seconds "$secs" --rrdcached "unix:$dir/sock" \
	--start $((1700000000 + secs + 5))
echo
echo "== rrdcached, warm, unpaced =="
"$bench" "$dir/cached/rrd" --seconds "$secs" --rrdcached "unix:$dir/sock" \
	--start $((1700000000 + 2 * secs + 10)) --no-pace
echo
echo "== rrdcached, warm, unpaced, wait when full (replay mode) =="
"$bench" "$dir/cached/rrd" --seconds "$secs" --rrdcached "unix:$dir/sock" \
	--start $((1700000000 + 3 * secs + 15)) --no-pace --wait
