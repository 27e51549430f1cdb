#!/bin/sh
# build-deps.sh OUT -- Lua 5.4, LPeg and LuaFileSystem for Windows (x86_64,
# mingw-w64), built from Debian's own source packages and cached in OUT
# (build/win64/deps).  Run again, it does nothing.
#
# OUT/src/              the unpacked source packages (apt-get source)
# OUT/include/          lua.h, luaconf.h, lualib.h, lauxlib.h
# OUT/liblua.a          Lua, static (for winshm.exe)
# OUT/liblpeg.a         LPeg, static (winshm.exe preloads it)
# OUT/re.lua            LPeg's re module (pure Lua)
# OUT/bin/lua54.dll     Lua as a DLL, and its import library OUT/liblua54.a
# OUT/bin/lua.exe       the standalone interpreter over lua54.dll
# OUT/bin/lfs.dll, OUT/bin/lpeg.dll   modules for lua.exe (busted needs lfs)
set -e
OUT=${1:?usage: build-deps.sh OUT}
CC=${WCC:-x86_64-w64-mingw32-gcc}
AR=${WAR:-x86_64-w64-mingw32-ar}
CFLAGS="-O2 -std=gnu99"
STAMP="$OUT/.built"
[ -f "$STAMP" ] && exit 0

# fetch PKG FILE: unpack Debian source package PKG into OUT/src once and
# print its directory, which must hold FILE (checked, so that nothing
# apt-get or dpkg-source prints can pass for the path).  Their chatter
# goes to stderr.
fetch () {
  if ! ls -d "$OUT/src/$1"-[0-9]* >/dev/null 2>&1; then
    (cd "$OUT/src" && apt-get source -qq "$1" >/dev/null 2>&1) || {
      enable_deb_src >&2
      (cd "$OUT/src" && apt-get source -qq "$1") >&2
    }
  fi
  d=$(ls -d "$OUT/src/$1"-[0-9]* 2>/dev/null | head -n 1)
  if [ -z "$d" ] || [ ! -f "$d/$2" ]; then
    echo "build-deps.sh: the source package $1 did not unpack into $OUT/src (no $2)" >&2
    exit 1
  fi
  printf '%s\n' "$d"
}

enable_deb_src () {  # source packages need deb-src entries (root only)
  command -v dpkg-source >/dev/null || apt-get install -y -qq dpkg-dev
  f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ] && ! grep -q deb-src "$f"; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
  elif [ -f /etc/apt/sources.list ] && ! grep -q '^deb-src' /etc/apt/sources.list; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >> /etc/apt/sources.list
  fi
  apt-get update -qq
}

mkdir -p "$OUT/src" "$OUT/include" "$OUT/bin" "$OUT/obj/static" \
         "$OUT/obj/dll" "$OUT/obj/lpeg"
LUASRC=$(fetch lua5.4 src/lua.h)/src
LPEGSRC=$(fetch lua-lpeg lptree.c)
LFSSRC=$(fetch lua-filesystem src/lfs.c)/src
echo "build-deps.sh: Lua from $LUASRC"

cp "$LUASRC/lua.h" "$LUASRC/luaconf.h" "$LUASRC/lualib.h" \
   "$LUASRC/lauxlib.h" "$OUT/include/"

# Lua core and libraries: every src/*.c but the two programs, twice
# (static for the host, LUA_BUILD_AS_DLL for lua54.dll).
for c in "$LUASRC"/*.c; do
  n=$(basename "$c" .c)
  case $n in lua|luac) continue ;; esac
  $CC $CFLAGS -c -o "$OUT/obj/static/$n.o" "$c"
  $CC $CFLAGS -DLUA_BUILD_AS_DLL -c -o "$OUT/obj/dll/$n.o" "$c"
done
rm -f "$OUT/liblua.a"
$AR rcs "$OUT/liblua.a" "$OUT"/obj/static/*.o
$CC -shared -o "$OUT/bin/lua54.dll" "$OUT"/obj/dll/*.o \
    -Wl,--out-implib,"$OUT/liblua54.a" -static-libgcc
$CC $CFLAGS -DLUA_BUILD_AS_DLL -o "$OUT/bin/lua.exe" "$LUASRC/lua.c" \
    -L"$OUT" -llua54 -static-libgcc

# LPeg: static for the host, a DLL for lua.exe.
for c in "$LPEGSRC"/lp*.c; do
  $CC $CFLAGS -I"$OUT/include" -c -o "$OUT/obj/lpeg/$(basename "$c" .c).o" "$c"
done
rm -f "$OUT/liblpeg.a"
$AR rcs "$OUT/liblpeg.a" "$OUT"/obj/lpeg/*.o
$CC $CFLAGS -DLUA_BUILD_AS_DLL -I"$OUT/include" -shared \
    -o "$OUT/bin/lpeg.dll" "$LPEGSRC"/lp*.c -L"$OUT" -llua54 -static-libgcc \
    -Wl,--export-all-symbols
cp "$LPEGSRC/re.lua" "$OUT/re.lua"

# LuaFileSystem, for busted under Wine.
$CC $CFLAGS -DLUA_BUILD_AS_DLL -I"$OUT/include" -shared \
    -o "$OUT/bin/lfs.dll" "$LFSSRC/lfs.c" -L"$OUT" -llua54 -static-libgcc

touch "$STAMP"
echo "build-deps.sh: done ($OUT)"
