#!/bin/sh
# deps.sh -- install the Debian packages winshm's build, demo and suites
# need.  Does nothing when all are present; installs the missing ones when
# run as root; otherwise names them and fails.
# WINSHM_DEPS=minimal skips the Windows cross toolchain, Wine and fuzzers.
#
# What the specs call besides the build: luv (lua-luv: starting, signalling
# and reaping processes), luasystem (lua-system: sleep, a monotonic clock),
# python3 (interop with multiprocessing.shared_memory), groff (the man
# page), script (bsdutils: a pseudo-terminal), setpriv and unshare
# (util-linux), llvm-symbolizer (llvm: sanitizer reports with source lines).
# A minimal Debian has no procps (ps, pkill): nothing calls it.
set -e
PKGS="gcc g++ make pkg-config lua5.4 liblua5.4-dev lua-busted lua-check lua-lpeg luarocks
      lua-luv lua-system python3 groff-base bsdutils util-linux libreadline-dev"
if [ "${WINSHM_DEPS:-all}" != minimal ]; then
  PKGS="$PKGS gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 g++-mingw-w64-i686 wine64 wine dpkg-dev clang libclang-rt-14-dev llvm valgrind luajit lintian zip unzip cmark-gfm"
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
# another apt-get may hold the lock for a while: wait for it
apt="apt-get -o DPkg::Lock::Timeout=600"
$apt update -qq
$apt install -y -qq --no-install-recommends $missing >/dev/null
