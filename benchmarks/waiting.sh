#!/usr/bin/env bash
# Users waiting on pending pages (nl3-filter's WaitingRun): the server in a JVM of its own at default settings, the
# sandbox and the clients in another. Two runs per round:
#   latency:   100 long polls; all 100 approved one after the other; approval → long poll answered APPROVED
#   waiting:   10,000 long polls (wait=30, opened at about 1,000 a second); 100 of them approved (full mode only)
#
#   benchmarks/waiting.sh [rounds=5] [quick|full]
#
# quick: the latency run only (about 40 s a round); full: both (about 2 minutes a round).
# With BASELINE=<another checkout> (e.g. `git worktree add /tmp/before <commit>`), every round runs the baseline and
# then this checkout, interleaved; the driver is copied into the baseline when it has none (it uses only the test
# helpers every version has). Prints every run and, per figure, the median and the range over the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
MODE=${2:-quick}
OUT=$(mktemp -d)
DRIVER=nl3-filter/src/test/java/dev/nl3jit/filter/WaitingRun.java
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh


run() { # label classpath waiters approvals wait → the driver's key=value line
    java -cp "$2" dev.nl3jit.filter.WaitingRun "$3" "$4" "$5" 2>"$OUT/err-$1.log" | tail -1
}


HERE=$(nl3_filter_classpath . here)
if [ -n "${BASELINE:-}" ]; then
    [ -f "$BASELINE/$DRIVER" ] || cp "$DRIVER" "$BASELINE/$DRIVER"
    BASE=$(nl3_filter_classpath "$BASELINE" base)
fi
KEYS_LATENCY="latency_p50_ms latency_p95_ms latency_max_ms status_calls_per_s"
KEYS_WAITING="latency_p50_ms latency_p95_ms server_late status_calls_per_s threads_before threads_peak heap_before_mb heap_waiting_mb not_ok approved_seen"
echo "waiting users, $ROUNDS rounds, $MODE mode"
for r in $(seq 1 "$ROUNDS"); do
    for build in ${BASELINE:+base} here; do
        cp=$HERE; [ "$build" = base ] && cp=$BASE
        line=$(run "$build-latency-$r" "$cp" 100 100 20)
        echo "round $r $build latency: $line"
        for k in $KEYS_LATENCY; do field "$line" "$k" >>"$OUT/$build-latency-$k"; done
        if [ "$MODE" = full ]; then
            line=$(run "$build-waiting-$r" "$cp" 10000 100 30)
            echo "round $r $build waiting: $line"
            for k in $KEYS_WAITING; do field "$line" "$k" >>"$OUT/$build-waiting-$k"; done
        fi
    done
done
echo
echo "| run | figure | ${BASELINE:+baseline: median (min–max) | }this checkout: median (min–max) |"
echo "|---|---|${BASELINE:+---|}---|"
for run in latency waiting; do
    keys=$KEYS_LATENCY; [ "$run" = waiting ] && keys=$KEYS_WAITING
    [ -f "$OUT/here-$run-latency_p50_ms" ] || continue
    for k in $keys; do
        echo "| $run | $k | ${BASELINE:+$(median_range "$OUT/base-$run-$k") | }$(median_range "$OUT/here-$run-$k") |"
    done
done
