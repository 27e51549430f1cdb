#!/bin/sh
# deb.sh DEB ROOT VERSION -- the Debian package DEB from ROOT (a
# directory .../debian/winshm), a tree
# `make install DESTDIR=ROOT PREFIX=/usr` filled (the host, the module on
# lua5.4's cpath, the Lua parts, the man page).  Adds what Debian wants
# (binaries stripped, the man page and large docs compressed, the docs
# and examples, copyright, changelog, md5sums, a control file whose
# Depends dpkg-shlibdeps computes) and builds it with dpkg-deb.
# LUA_STATIC, when set, is the static Lua library the host has linked in.
# Run from the top of the tree.
set -e
USAGE="usage: deb.sh DEB ROOT VERSION"
DEB=${1:?$USAGE} ROOT=${2:?$USAGE} VERSION=${3:?$USAGE}
MAINTAINER=${DEB_MAINTAINER:-The winshm authors <winshm@example.org>}
ARCH=$(dpkg --print-architecture)
umask 022

bin="$ROOT/usr/bin/winshm"
mod=$(find "$ROOT/usr/lib" -name winshm.so)
doc="$ROOT/usr/share/doc/winshm"
case $(cd "$ROOT" && pwd) in
  */debian/winshm) ;;
  *) echo "deb.sh: ROOT must be a directory .../debian/winshm" >&2; exit 1 ;;
esac
[ -x "$bin" ] && [ -f "$mod" ] || { echo "deb.sh: no host or module in $ROOT" >&2; exit 1; }

# As dh_strip does; a module is no program: not executable.
strip --remove-section=.comment --remove-section=.note "$bin"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$mod"
chmod 644 "$mod"
gzip -9n "$ROOT/usr/share/man/man1/winshm.1"

# The docs: compressed above 4 kB (Debian policy 12.3); examples as they are.
mkdir -p "$doc/examples"
cp README.md docs/*.md "$doc/"
find "$doc" -maxdepth 1 -name '*.md' -size +4k -exec gzip -9n {} +
cp -R examples/. "$doc/examples/"
find "$doc/examples" -type f -exec chmod 644 {} +
cp pkg/copyright "$doc/copyright"
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'winshm (%s) unstable; urgency=medium\n\n  * winshm %s.\n\n -- %s  %s\n' \
  "$VERSION" "$VERSION" "$MAINTAINER" "$date" | gzip -9n > "$doc/changelog.gz"

# Depends: what the binaries link, from dpkg-shlibdeps, which wants the
# package's files in debian/winshm (ROOT, with its DEBIAN) beside a
# debian/control; the module's lua_* symbols come from the interpreter
# that loads it, so its warnings about them are off.
mkdir -p "$ROOT/DEBIAN"
top=$(cd "$ROOT/../.." && pwd)
printf 'Source: winshm\n\nPackage: winshm\nArchitecture: any\n' > "$top/debian/control"
shlibs=$(cd "$top" && dpkg-shlibdeps -O --warnings=0 \
  debian/winshm/usr/bin/winshm "debian/winshm${mod#"$ROOT"}" | sed -n 's/^shlibs:Depends=//p')
rm "$top/debian/control"
[ -n "$shlibs" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
static=""
if [ -n "$LUA_STATIC" ]; then
  pkg=$(dpkg -S "$LUA_STATIC" | sed 's/:.*//;q')
  static=$(dpkg-query -W -f='${source:Package} (= ${source:Version})' "$pkg")
fi

{
  echo "Package: winshm"
  echo "Version: $VERSION"
  echo "Architecture: $ARCH"
  echo "Maintainer: $MAINTAINER"
  echo "Installed-Size: $(du -sk "$ROOT/usr" | cut -f1)"
  echo "Depends: $shlibs, lua-lpeg"
  echo "Suggests: lua5.4"
  [ -z "$static" ] || echo "Built-Using: $static"
  echo "Section: interpreters"
  echo "Priority: optional"
  cat <<'EOF'
Description: typed named shared memory for Lua 5.4
 winshm creates and opens named shared memory regions and reads and writes
 them through typed views, driven by layouts declared in Lua or pasted from
 C headers; named mutexes, events, atomics and consistent snapshots
 coordinate the processes.  A layout matches the C compiler's struct byte
 for byte, for the Windows ABI too, so a Linux tool reads what a Windows
 program published.
 .
 This package has the winshm command (Lua 5.4 with the module built in,
 and the tools dump, watch, ls and rm) and the module for Debian's lua5.4:
 require "winshm".
EOF
} > "$ROOT/DEBIAN/control"
(cd "$ROOT" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$ROOT/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB"
