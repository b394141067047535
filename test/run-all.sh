#!/usr/bin/env bash
# `npm test`: the type-check, the unit tests and the features (which also write the living
# documentation: the stock report, the message stream and the manual built from it) run side by side —
# none of them keeps both cores busy on its own — and each one's output is printed whole when all three
# have ended; then the browser test reads the manual and the report.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
stage() {
  local name=$1
  shift
  ("$@" >"$dir/$name.log" 2>&1; echo $? >"$dir/$name.rc") &
}
stage typecheck npm run -s typecheck
stage unit npm run -s unit
stage features npm run -s docs
wait
failed=0
for name in typecheck unit features; do
  echo "── $name"
  cat "$dir/$name.log"
  if [ "$(cat "$dir/$name.rc")" != 0 ]; then
    echo "── $name FAILED"
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
echo "── browser"
npm run -s browser
