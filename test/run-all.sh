#!/usr/bin/env bash
# `npm test`: two lanes side by side on the machine's two cores — the unit and property tests (vitest),
# and the features (which also write the living documentation: the stock report, the message stream
# and the manual built from it) followed by the browser test that reads the manual and the report.
# Each stage's output is printed whole when both lanes have ended, with its time. The type-check is
# not a stage: CI runs `npm run typecheck` beside the linter. With SUITE_TIMES=FILE the stage times
# also go to FILE as one JSON object (npm run bench -- suite).
set -u
# The model allocates its table slabs and trace columns as zeroed ArrayBuffers, which node takes from
# malloc. Above glibc's default threshold (128K, rising as blocks are freed) each one is a fresh mmap,
# every page of it faulted in on first write, which costs dearly in a VM; served from the heap, and not
# handed back to the system, the same blocks are reused after each collection. Measured: 3,000
# buffers of 1M in 170-180 ms instead of 550-820 ms; npm test about 1.3 s of CPU less. With hugetlb=1
# malloc also asks for transparent huge pages (the system's setting is madvise): npm test took a fifth
# fewer page faults (440-460 thousand instead of 560-570) and was faster in each of three alternated pairs.
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.hugetlb=1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# V8 optimises a function with TurboFan once it has run about 66 KB of bytecode (--interrupt-budget=67584).
# The suite runs thousands of short paths a few hundred times each, so compiling them was a fifth of
# npm test's CPU (perf), mostly for code never run again. Node refuses the flag in NODE_OPTIONS, so the
# stages find, first on their PATH, a `node` that passes it: with a budget of 1 MB only the code that
# stays hot is compiled. Measured: unit tests 16.9 s instead of 19.2 s (mean of five alternated runs),
# the features and manual 1.1 s of CPU less.
mkdir "$dir/bin"
printf '#!/bin/sh\nexec "%s" --interrupt-budget=1000000 "$@"\n' "$(command -v node)" >"$dir/bin/node"
chmod +x "$dir/bin/node"
now() { date +%s.%N; }
# Runs one stage in the foreground: its output to its log, its exit code and its start and end times.
stage() {
  local name=$1 t0
  shift
  t0=$(now)
  "$@" >"$dir/$name.log" 2>&1
  echo $? >"$dir/$name.rc"
  echo "$t0 $(now)" >"$dir/$name.time"
}
seconds() { awk '{ printf "%.1f", $2 - $1 }' "$dir/$1.time"; }
# Runs a script of package.json as `npm run -s` would (the project's binaries first on PATH), without
# starting npm itself for it: a third of a second of CPU each time, three times in a run.
script() { PATH="$dir/bin:$PWD/node_modules/.bin:$PATH" bash -c "$(node -p "require('./package.json').scripts['$1']")"; }
start=$(now)
stage unit script unit &
(
  stage features script docs
  # The browser reads what the features wrote; after a failed run there is nothing sound to read.
  if [ "$(cat "$dir/features.rc")" = 0 ]; then stage browser script browser; fi
) &
wait
failed=0
for name in unit features browser; do
  [ -f "$dir/$name.rc" ] || continue
  echo "── $name ($(seconds "$name") s)"
  cat "$dir/$name.log"
  if [ "$(cat "$dir/$name.rc")" != 0 ]; then
    echo "── $name FAILED"
    failed=1
  fi
done
total=$(echo "$start $(now)" | awk '{ printf "%.1f", $2 - $1 }')
echo "── npm test $total s"
if [ -n "${SUITE_TIMES:-}" ] && [ -f "$dir/browser.time" ]; then
  printf '{"unit": %s, "features": %s, "browser": %s, "total": %s}\n' \
    "$(seconds unit)" "$(seconds features)" "$(seconds browser)" "$total" >"$SUITE_TIMES"
fi
exit $failed
