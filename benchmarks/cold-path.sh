#!/usr/bin/env bash
# The cold path (nl3-filter's ColdPathRun): a first request whose user's lock state is known, against one round trip
# to NL3 from inside the server and against the floor (a filter that makes the same call and nothing else). One JVM
# per round, 3,000 first requests of warm-up (the JIT) before the measured ones; with BASELINE=<another checkout>,
# interleaved with the baseline (the driver is copied there when it has none).
#
#   benchmarks/cold-path.sh [rounds=5] [requests=300]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
N=${2:-300}
OUT=$(mktemp -d)
DRIVER=nl3-filter/src/test/java/dev/nl3jit/filter/ColdPathRun.java

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

HERE=$(nl3_filter_classpath . here)
if [ -n "${BASELINE:-}" ]; then
    [ -f "$BASELINE/$DRIVER" ] || cp "$DRIVER" "$BASELINE/$DRIVER"
    BASE=$(nl3_filter_classpath "$BASELINE" base)
fi
KEYS="first_p50_ms unfiltered_p50_ms create_trip_p50_ms added_p50_ms added_over_create_trip added_over_status_trip floor_added_over_create_trip creates_per_first lock_checks_per_first"
for r in $(seq 1 "$ROUNDS"); do
    for build in ${BASELINE:+base} here; do
        cp=$HERE; [ "$build" = base ] && cp=$BASE
        line=$(java -cp "$cp" dev.nl3jit.filter.ColdPathRun "$N" 2>/dev/null | tail -1)
        echo "round $r $build: $line"
        for k in $KEYS; do field "$line" "$k" >>"$OUT/$build-$k"; done
    done
done
echo
echo "| figure | ${BASELINE:+baseline: median (min–max) | }this checkout: median (min–max) |"
echo "|---|${BASELINE:+---|}---|"
for k in $KEYS; do
    echo "| $k | ${BASELINE:+$(median_range "$OUT/base-$k") | }$(median_range "$OUT/here-$k") |"
done
