#!/bin/sh
# dpkg.sh DEB SCRATCH NAME BUILD_CPATH -- run by tests/install/deb.lua in a
# mount namespace of its own (unshare -m), as root: /usr, /etc and /var
# become copy-on-write overlays over the machine's own (their changes go
# to a tmpfs on SCRATCH), so the package installed here is seen by this
# script only, and vanishes with it however it ends.  Then: dpkg -i DEB,
# use it with no environment, dpkg -r, and look for anything left.
# NAME is a region name no other test uses; BUILD_CPATH the LUA_CPATH the
# specs run with.  Prints what it sees; exits non-zero at the first
# failure.
set -eu
DEB=$1 SCRATCH=$2 NAME=$3 BUILD_CPATH=$4

mount --make-rprivate /
mount -t tmpfs tmpfs "$SCRATCH"
for d in usr etc var; do
  mkdir "$SCRATCH/$d.up" "$SCRATCH/$d.work"
  mount -t overlay overlay \
    -o "lowerdir=/$d,upperdir=$SCRATCH/$d.up,workdir=$SCRATCH/$d.work" "/$d"
done
echo "overlays: ok"

if [ "$(dpkg-query -W -f='${Status}' winshm 2>/dev/null || true)" = "install ok installed" ]; then
  echo "winshm is installed on this machine already: remove it first" >&2
  exit 1
fi

# show LABEL COMMAND...: run it, print its output as "LABEL: line";
# stop if it fails.
show () {
  label=$1; shift
  out=$("$@" 2>&1) || { printf '%s: failed: %s\n' "$label" "$out"; exit 1; }
  printf '%s\n' "$out" | sed "s/^/$label: /"
}

show dpkg-i dpkg -i "$DEB"
show installed dpkg-query -W -f='${Package} ${Version} ${Status}\n' winshm

# No environment at all: the host from the default PATH, the module from
# lua5.4's default cpath, its Lua parts without LUA_PATH.
show which env -i sh -c 'command -v winshm'
show version env -i winshm -v
# (NAME is letters, digits and '_': it goes into the code as it is.)
show lua5.4 env -i lua5.4 -l winshm -e "
  print('module ' .. winshm._VERSION .. ' ' .. package.searchpath('winshm', package.cpath))
  local C = winshm.cdef('struct P { char c; double d; };')
  print('cdef sizeof(P) = ' .. winshm.sizeof(C.P))
  local l = assert(winshm.create('$NAME', 64, { persist = true }))
  l:write_bytes(0, 'installed')
  l:close()"
show dump env -i winshm dump "$NAME" --length 16
show rm env -i winshm -e "assert(require('winshm').remove('$NAME'))"
show man sh -c 'zcat /usr/share/man/man1/winshm.1.gz | head -n 1'

# The specs' own environment still loads the built module, not this one.
show specs env -i LUA_CPATH="$BUILD_CPATH" lua5.4 -e \
  'local _, where = require "winshm"; print(where)'

dpkg -L winshm > "$SCRATCH/files"
show dpkg-r dpkg -r winshm
show status sh -c "dpkg-query -W -f='\${Status}' winshm 2>/dev/null || echo not-installed"
show which-after env -i sh -c 'command -v winshm || echo none'
show require-after env -i lua5.4 -e 'print((pcall(require, "winshm")))'

# Every path the package had is gone, but for directories other packages
# own too (and / itself).
left=0
while read -r p; do
  [ "$p" != "/." ] || continue
  [ -e "$p" ] || [ -L "$p" ] || continue
  if [ -d "$p" ] && [ ! -L "$p" ] && dpkg -S "$p" > /dev/null 2>&1; then continue; fi
  echo "left: $p"
  left=$((left + 1))
done < "$SCRATCH/files"
echo "paths: $(wc -l < "$SCRATCH/files"), left: $left"
