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
export LUA_CPATH="$W\\?.dll;$W\\busted\\?.dll"
export LUA_PATH=".\\tests\\?.lua;$LUADIR\\?.lua;$LUADIR\\?\\init.lua"
unset LUA_INIT LUA_INIT_5_4
# The first run makes the prefix (some seconds); no display, no stdin.
wine build/win64/busted/lua.exe 'Z:\usr\bin\busted' --run=windows "$@" \
  < /dev/null
