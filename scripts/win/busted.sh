#!/bin/sh
# busted.sh [busted args] -- the specs under Wine: Debian's busted in the
# Windows lua.exe of build/win64/busted, against build/win64/winshm.dll
# and winshm.exe.  Called by 'make test-windows' with WINEPREFIX and
# WINSHM_WINROOT (the work tree as a Windows path) set.
set -e
ROOT=${WINSHM_WINROOT:?WINSHM_WINROOT: the work tree as a Windows path}
W="$ROOT\\build\\win64"
LUADIR='Z:\usr\share\lua\5.4'
export WINSHM_HOST="$W\\winshm.exe"
export WINSHM_WINBIN="$W"
export WINSHM_SPAWN="$W\\busted\\spawn.exe"
export LUA_CPATH="$W\\?.dll;$W\\busted\\?.dll"
export LUA_PATH=".\\tests\\?.lua;$LUADIR\\?.lua;$LUADIR\\?\\init.lua"
unset LUA_INIT LUA_INIT_5_4
# The first run makes the prefix (some seconds); no display, no stdin.
# A spec that hangs is stopped after WINSHM_WINE_TIMEOUT seconds; then
# whatever still runs in this prefix (processes the specs started) ends.
rc=0
timeout "${WINSHM_WINE_TIMEOUT:-1200}" wine build/win64/busted/lua.exe \
  'Z:\usr\bin\busted' --run=windows "$@" < /dev/null || rc=$?
wineserver -k 2>/dev/null || true
[ "$rc" = 124 ] && echo "busted.sh: timed out" >&2
exit "$rc"
