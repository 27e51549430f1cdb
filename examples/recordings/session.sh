#!/bin/sh
# session.sh [WINSHM]: a telemetry session recorded, replayed under another
# name, exported and plotted -- the commands of docs/recordings.md.
# WINSHM is the host (default: winshm on PATH).
set -e
W=${1:-winshm}
here=$(dirname "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
name=winshm_session_$$

# the producer publishes 3 s of telemetry; the recorder waits for it
"$W" "$here/../telemetry/producer.lua" 3 "$name" > /dev/null &
"$W" record "$name" --wait --layout "$here/../telemetry/layout.lua" --type Telemetry \
  --begin mVersionUpdateBegin --end mVersionUpdateEnd --hz 50 -o "$dir/lap.wshmrec"
wait

# play it back four times as fast into another region, for a dashboard
"$W" replay "$dir/lap.wshmrec" --as "${name}_replay" --speed 4

# a spreadsheet and a chart of it
"$W" export "$dir/lap.wshmrec" --csv --fields mElapsedTime,mSpeed,mGear -o "$dir/lap.csv"
"$W" plot "$dir/lap.wshmrec" mSpeed mEngineRPM mTyreTemp \
  --units 'mSpeed=m/s,mTyreTemp=°C' -o "$dir/lap.svg"
echo "csv: $(wc -l < "$dir/lap.csv") lines, starting"
head -3 "$dir/lap.csv"
echo "svg: $(grep -c '<path class="line"' "$dir/lap.svg") lines drawn"
