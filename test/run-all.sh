#!/usr/bin/env bash
# `npm test`: the type-check, the unit tests and the features (which also write the living
# documentation: the stock report, the message stream and the manual built from it) run side by side —
# none of them keeps both cores busy on its own — and each one's output is printed whole when all three
# have ended, with its time; then the browser test reads the manual and the report. With
# SUITE_TIMES=FILE the stage times also go to FILE as one JSON object (npm run bench -- suite).
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
now() { date +%s.%N; }
stage() {
  local name=$1
  shift
  (
    local t0
    t0=$(now)
    "$@" >"$dir/$name.log" 2>&1
    echo $? >"$dir/$name.rc"
    echo "$t0 $(now)" >"$dir/$name.time"
  ) &
}
seconds() { awk '{ printf "%.1f", $2 - $1 }' "$dir/$1.time"; }
start=$(now)
stage typecheck npm run -s typecheck
stage unit npm run -s unit
stage features npm run -s docs
wait
failed=0
for name in typecheck unit features; do
  echo "── $name ($(seconds "$name") s)"
  cat "$dir/$name.log"
  if [ "$(cat "$dir/$name.rc")" != 0 ]; then
    echo "── $name FAILED"
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
t0=$(now)
echo "── browser"
npm run -s browser
rc=$?
echo "$t0 $(now)" >"$dir/browser.time"
echo "── browser ($(seconds browser) s); npm test $(echo "$start $(now)" | awk '{ printf "%.1f", $2 - $1 }') s"
if [ -n "${SUITE_TIMES:-}" ]; then
  printf '{"typecheck": %s, "unit": %s, "features": %s, "browser": %s, "total": %s}\n' \
    "$(seconds typecheck)" "$(seconds unit)" "$(seconds features)" "$(seconds browser)" \
    "$(echo "$start $(now)" | awk '{ printf "%.1f", $2 - $1 }')" >"$SUITE_TIMES"
fi
exit $rc
