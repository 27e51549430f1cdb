#!/bin/sh
# deps.sh -- install the Debian packages winshm's build, demo and suites
# need.  Does nothing when all are present; installs the missing ones when
# run as root; otherwise names them and fails.
# WINSHM_DEPS=minimal skips the Windows cross toolchain, Wine and fuzzers.
set -e
PKGS="gcc g++ make pkg-config lua5.4 liblua5.4-dev lua-busted lua-check lua-lpeg luarocks"
if [ "${WINSHM_DEPS:-all}" != minimal ]; then
  PKGS="$PKGS gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 g++-mingw-w64-i686 wine64 wine dpkg-dev clang libclang-rt-14-dev valgrind python3 luajit lintian zip unzip cmark-gfm groff-base"
fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: missing Debian packages:$missing (run as root to install)" >&2
  exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
