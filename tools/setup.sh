#!/usr/bin/env bash
# floodspot quick start on Debian 12 (root, or sudo):
#   tools/setup.sh demo   install what is missing, build, replay the generated
#                         incident: culprit on top, alerts, RRD files, graphs, HTML
#   tools/setup.sh test   install what is missing, build, run every test, then
#                         again under ASan+UBSan, then the Debian package
#                         check (tools/package-check.sh)
# Also: deps, build. The demo installs only what it needs; the tests add
# routers (bird2, keepalived), rsyslog, a browser and the packaging tools.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

DEMO_DEPS=(build-essential meson ninja-build pkg-config python3
           libpcap-dev libnl-3-dev libnl-route-3-dev librrd-dev
           libmicrohttpd-dev librelp-dev)
TEST_DEPS=("${DEMO_DEPS[@]}" libcmocka-dev
           rrdtool rrdcached tcpdump iproute2 bird2 keepalived rsyslog rsyslog-relp
           chromium time
           debhelper dpkg-dev lintian adduser man-db systemd util-linux
           prometheus curl poppler-utils)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

deps() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "installing: ${missing[*]}"
		as_root apt-get update
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends "${missing[@]}"
	fi
}

build() {
	local dir=${1:-build}; shift || true
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"
	ninja -C "$dir"
}

# Prints "tests: N passed, N failed, N skipped" from meson's log.
summarise() {
	python3 - "$@" <<'PY'
import json, sys
p = f = s = 0
for log in sys.argv[1:]:
    try:
        lines = open(log).read().splitlines()
    except OSError:
        continue
    for line in lines:
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"): p += 1
        elif r == "SKIP": s += 1
        else: f += 1
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
}

run_tests() {
	local rc=0
	build build
	# A build directory the demo made has no tests: turn them on.
	meson configure build -Dtests=true
	meson test -C build --print-errorlogs --num-processes 2 || rc=1
	# -O2 as shipped: the sanitizers see the code the users run.
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Db_lto=false
	meson test -C build-asan --print-errorlogs --num-processes 2 || rc=1
	summarise build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
	local pc=0
	tools/package-check.sh || pc=$?
	case $pc in 0|77) ;; *) rc=1 ;; esac
	return $rc
}

demo() {
	build build -Dtests=false
	local out=$top/out/demo
	rm -rf "$out"
	mkdir -p "$out"
	python3 tools/fs-gen incident -o "$out/incident.pcap" --truth "$out/incident.truth.json"
	echo "== replaying the generated incident ($out/incident.pcap)"
	build/floodspot -r "$out/incident.pcap" --rules rules --name demo --top 5 --ospf \
		--rrd-dir "$out/rrd" --html "$out/html"
	echo
	echo "RRD files:  $out/rrd"
	echo "HTML:       $out/html/index.html"
	echo "JSON:       build/floodspot -r $out/incident.pcap --rules rules --json"
}

case "${1:-}" in
deps) deps "${TEST_DEPS[@]}" ;;
build) deps "${DEMO_DEPS[@]}"; build build -Dtests=false ;;
demo) deps "${DEMO_DEPS[@]}"; demo ;;
test) deps "${TEST_DEPS[@]}"; run_tests ;;
*) echo "usage: $0 demo|test|deps|build" >&2; exit 2 ;;
esac
