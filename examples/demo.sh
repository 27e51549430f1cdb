#!/bin/sh
# demo.sh HOST: a writer and a reader process share a GameState region.
set -e
host=${1:-build/winshm}
dir=$(dirname "$0")
name="winshm_demo_$$"
"$host" "$dir/writer.lua" "$name" 60 &
writer=$!
"$host" "$dir/reader.lua" "$name"
wait $writer
