#!/bin/sh
# zip.sh ZIP WIN DEPS VERSION MAN -- the Windows download: ZIP
# (build/dist/winshm-VERSION-win64.zip) holds one folder of the same name
# with winshm.exe and winshm.dll from WIN (build/win64), lua54.dll and
# lpeg.dll from DEPS (build/win64/deps), README-windows.txt, LICENSE.txt (winshm's and
# pkg/THIRD-PARTY.txt), the docs as HTML, the man page MAN as text, and
# the examples but the POSIX shell scripts.  Run from the top of the tree.
set -e
USAGE="usage: zip.sh ZIP WIN DEPS VERSION MAN"
ZIP=${1:?$USAGE} WIN=${2:?$USAGE} DEPS=${3:?$USAGE} VERSION=${4:?$USAGE} MAN=${5:?$USAGE}
LUA=${LUA:-lua5.4}
STRIP=${WSTRIP:-x86_64-w64-mingw32-strip}

out=$(cd "$(dirname "$ZIP")" && pwd)
name=$(basename "$ZIP" .zip)
stage="$out/$name"
rm -rf "$stage" "$out/$name.zip"
mkdir -p "$stage/docs" "$stage/examples"

for f in "$WIN/winshm.exe" "$WIN/winshm.dll" "$DEPS/bin/lua54.dll" "$DEPS/bin/lpeg.dll"; do
  "$STRIP" --strip-debug -o "$stage/$(basename "$f")" "$f"
done

# Text for Notepad: CRLF line ends.
crlf () { sed 's/\r*$/\r/' "$1" > "$2"; }

sed "s/@VERSION@/$VERSION/g" pkg/README-windows.txt > "$stage/README-windows.tmp"
crlf "$stage/README-windows.tmp" "$stage/README-windows.txt"
rm "$stage/README-windows.tmp"
{ cat LICENSE; printf '\n\n'; cat pkg/THIRD-PARTY.txt; } > "$stage/LICENSE.tmp"
crlf "$stage/LICENSE.tmp" "$stage/LICENSE.txt"
rm "$stage/LICENSE.tmp"

"$LUA" pkg/html.lua README.md "$stage/docs/index.html"
for md in docs/*.md; do
  "$LUA" pkg/html.lua "$md" "$stage/docs/$(basename "$md" .md).html"
done
groff -man -Tascii -P-cbou "$MAN" > "$stage/docs/winshm.tmp"
crlf "$stage/docs/winshm.tmp" "$stage/docs/winshm.txt"
rm "$stage/docs/winshm.tmp"

(cd examples && find . -type f ! -name '*.sh' | sort) | while read -r f; do
  mkdir -p "$stage/examples/$(dirname "$f")"
  cp "examples/$f" "$stage/examples/$f"
done

(cd "$out" && zip -q -r -X "$name.zip" "$name")
echo "zip.sh: $out/$name.zip"
