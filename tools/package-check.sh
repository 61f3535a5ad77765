#!/usr/bin/env bash
# The Debian package end to end, as root on Debian 12 (tools/setup.sh test
# runs it): build floodspot_<version>_<arch>.deb with dpkg-buildpackage from
# a copy of the tree; no build path inside the programs; lintian; install
# with dpkg -i then apt-get -f install; floodspot -t on the installed
# configuration (as root and as the service user); systemd-analyze verify
# on the installed unit; its ExecStart run as its user with its
# capabilities in a network namespace (tests/netns/test_lab_unit.py); dpkg -r
# keeps the (edited) conffiles, dpkg -P removes them and the state.
# Prints "package: N passed, N failed"; exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
	echo "package: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the package check installs a package: run as root"
	exit 77
fi
if dpkg-query -W -f='${Status}' floodspot 2>/dev/null | grep -q installed; then
	echo "SKIP: a floodspot package is installed here already; this check" \
		"would replace and purge it"
	exit 77
fi

work=$(mktemp -d /tmp/floodspot-pkg.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - -cf - | tar -xf - -C "$work/src"

# ---- build ----------------------------------------------------------------
if (cd "$work/src" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -b -us -uc"
else
	tail -40 "$work/build.log"
	bad "dpkg-buildpackage failed"
	finish
fi
version=$(sed -n "s/^  version : '\(.*\)',$/\1/p" meson.build)
arch=$(dpkg --print-architecture)
deb="$work/floodspot_${version}_${arch}.deb"
if [ -f "$deb" ]; then ok "built $(basename "$deb")"; else bad "no $deb"; finish; fi
grep -q -- "-Dwerror=false" "$work/build.log" &&
	! grep -q -- "-Werror " "$work/src"/obj-*/compile_commands.json &&
	ok "package built without -Werror" || bad "package build used -Werror"

dpkg-deb -x "$deb" "$work/root"
for f in usr/sbin/floodspot usr/bin/floodspot-graph usr/bin/floodspot-central; do
	if strings "$work/root/$f" | grep -q -e "$work" -e "$top"; then
		bad "$f names the build or source tree:"
		strings "$work/root/$f" | grep -e "$work" -e "$top" | head -3
	else
		ok "$f names no build or source path"
	fi
done

if command -v lintian >/dev/null; then
	# lintian refuses nothing as root but says so; its tags are what count.
	tags=$(lintian -I --pedantic "$deb" 2>&1 | grep -v "^running with root")
	echo "lintian -I --pedantic: ${tags:-no tags}"
	if echo "$tags" | grep -q "^E:"; then bad "lintian errors"; else ok "lintian: no errors"; fi
else
	echo "note: lintian not installed"
fi

# ---- install --------------------------------------------------------------
dpkg -i "$deb" >"$work/install.log" 2>&1 || true
DEBIAN_FRONTEND=noninteractive apt-get -f install -y >>"$work/install.log" 2>&1
if dpkg-query -W -f='${Status}' floodspot | grep -q "install ok installed"; then
	ok "dpkg -i, apt-get -f install"
else
	cat "$work/install.log"
	bad "not installed"
	finish
fi
getent passwd floodspot >/dev/null && ok "system user floodspot" || bad "no user floodspot"
[ "$(stat -c %U /var/lib/floodspot 2>/dev/null)" = floodspot ] &&
	ok "/var/lib/floodspot owned by floodspot" || bad "/var/lib/floodspot missing or misowned"
# floodspot.conf, the rsyslog and logrotate snippets, and each rules file.
want=$((3 + $(ls rules/*.rules | wc -l)))
n=$(dpkg-query --showformat='${Conffiles}\n' --show floodspot | grep -c /etc/)
[ "$n" -eq "$want" ] && ok "$want conffiles" || bad "$n conffiles, want $want"
if out=$(floodspot -t 2>&1); then ok "floodspot -t: $(echo "$out" | tr '\n' ' ')"; else echo "$out"; bad "floodspot -t"; fi
if out=$(runuser -u floodspot -- floodspot -t 2>&1); then
	ok "floodspot -t as the service user"
else
	echo "$out"
	bad "floodspot -t as the service user"
fi
man -w floodspot.conf >/dev/null 2>&1 && man -w floodspot.rules >/dev/null 2>&1 &&
	man -w floodspot-graph >/dev/null 2>&1 && man -w floodspot-central >/dev/null 2>&1 && ok "man pages installed" ||
	echo "note: man-db not installed or pages not found"

unit=/lib/systemd/system/floodspot@.service
python3 tests/dist/test_unit_verify.py "$unit" /usr/sbin/floodspot
case $? in
0) ok "installed unit verifies" ;;
77) echo "note: systemd-analyze not installed" ;;
*) bad "installed unit does not verify" ;;
esac
FS_UNIT=$unit FS_UNIT_CONF=/etc/floodspot/floodspot.conf \
	FS_FLOODSPOT=/usr/sbin/floodspot FS_RULES_SRC=/etc/floodspot/rules.d \
	timeout 120 python3 tests/netns/test_lab_unit.py
case $? in
0) ok "installed ExecStart as floodspot with CAP_NET_RAW captures and alerts" ;;
77) echo "note: network namespaces unavailable: ExecStart not run" ;;
*) bad "installed ExecStart in a namespace" ;;
esac

# ---- remove, purge --------------------------------------------------------
echo "# edited by the package check" >>/etc/floodspot/floodspot.conf
dpkg -r floodspot >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; bad "dpkg -r"; }
status=$(dpkg-query -W -f='${Status}' floodspot 2>/dev/null)
[ "$status" = "deinstall ok config-files" ] && ok "dpkg -r: $status" || bad "dpkg -r left: $status"
[ ! -e /usr/sbin/floodspot ] && ok "program removed" || bad "/usr/sbin/floodspot still there"
grep -q "edited by the package check" /etc/floodspot/floodspot.conf 2>/dev/null &&
	ok "dpkg -r kept the edited conffile" || bad "conffile lost on dpkg -r"
dpkg -P floodspot >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; bad "dpkg -P"; }
if dpkg-query -W -f='${Status}' floodspot 2>/dev/null | grep -q "ok"; then
	bad "dpkg -P left: $(dpkg-query -W -f='${Status}' floodspot)"
else
	ok "dpkg -P: package gone"
fi
[ ! -e /etc/floodspot ] && ok "/etc/floodspot purged" || bad "/etc/floodspot left: $(ls -R /etc/floodspot)"
[ ! -e /var/lib/floodspot ] && ok "/var/lib/floodspot purged" || bad "/var/lib/floodspot left"
finish
