#!/usr/bin/env bash
# Users waiting on pending pages, as they see it (nl3-filter's WaitingRun): the server in a JVM of its own at library
# defaults, the sandbox and 10,000+ distinct users in another; every page re-polls (wait=25, kept-alive connections)
# until it is told APPROVED or another final status.
#   steady:  10,000 users ask and are never approved in the run; while they wait, 15 fresh users a second for 30 s,
#            each approved at a log-normal time (median 15 s, sigma 0.8) after its request: approve → page of those
#   holders: 10,000 users ask and are approved (grant holders, re-checked for locks), then 10,000 more ask and wait;
#            NL3 calls counted for 30 s: the busiest second, per kind
#
#   benchmarks/waiting.sh [rounds=2] [steady|holders|both|full|quick=both]
#
# full is both; quick is one small steady run (500 waiting users, 20 fresh; about 90 s) to prove the driver still runs.
# With BASELINE=<another checkout> (e.g. `git worktree add /tmp/before <commit>`), every round runs the baseline and
# then this checkout, interleaved; the driver is copied into the baseline (it uses only the test helpers every version
# has). HOLDER_ROUNDS=<n> runs the holders only in the first n rounds. MVN_OPTS is passed to Maven (e.g. -o).
# SERVER_HEAP sets the server's -Xmx (default 2g: with Jetty's default header cache 10,000 kept-alive connections hold
# about 1 GB, and a 1 GB heap runs out). HEADER_CACHE=<n> adds a run of this checkout per round with Jetty's header cache set to n (0: none).
# Prints every run and, per figure, the median and the range over the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
MODE=${2:-both}
STEADY_ARGS="10000 15 30"
if [ "$MODE" = quick ]; then MODE=steady; STEADY_ARGS="500 5 4"; fi
if [ "$MODE" = full ]; then MODE=both; fi
OUT=$(mktemp -d)
DRIVER=nl3-filter/src/test/java/dev/nl3jit/filter/WaitingRun.java
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

run() { # label classpath args... → the driver's key=value line
    local label=$1 cp=$2; shift 2
    java ${JAVA_OPTS:-} -Dserver.heap="${SERVER_HEAP:-2g}" -Dserver.log="$OUT/server-$label.log" -cp "$cp" dev.nl3jit.filter.WaitingRun "$@" \
        2>"$OUT/err-$label.log" | grep '^mode=' | tail -1
}

HERE=$(nl3_filter_classpath . here)
if [ -n "${BASELINE:-}" ]; then
    cp "$DRIVER" "$BASELINE/$DRIVER"
    BASE=$(nl3_filter_classpath "$BASELINE" base)
fi
KEYS_STEADY="approve_to_page_p50_s approve_to_page_p95_s approve_to_page_max_s seen calls_per_s calls_busiest_s status_per_s status_busiest_s threads_peak heap_before_mb heap_waiting_mb heap_per_waiting_kb busy_503 not_ok server_late"
KEYS_HOLDERS="holding calls_per_s calls_busiest_s status_per_s status_busiest_s lock_per_s lock_busiest_s create_busiest_s busy_503 not_ok"
builds="${BASELINE:+base} here${HEADER_CACHE:+ cache}"
echo "waiting users, $ROUNDS rounds, $MODE; scratch $OUT"
for r in $(seq 1 "$ROUNDS"); do
    for build in $builds; do
        cp=$HERE; [ "$build" = base ] && cp=$BASE
        JAVA_OPTS=""; [ "$build" = cache ] && JAVA_OPTS="-Djetty.header-cache=$HEADER_CACHE"
        if [ "$MODE" != holders ]; then
            line=$(JAVA_OPTS=$JAVA_OPTS run "$build-steady-$r" "$cp" steady $STEADY_ARGS)
            echo "round $r $build steady: $line"
            for k in $KEYS_STEADY; do field "$line" "$k" >>"$OUT/$build-steady-$k"; done
        fi
        if [ "$MODE" != steady ] && [ "$build" != cache ] && [ "$r" -le "${HOLDER_ROUNDS:-$ROUNDS}" ]; then
            line=$(run "$build-holders-$r" "$cp" holders 10000 10000 30)
            echo "round $r $build holders: $line"
            for k in $KEYS_HOLDERS; do field "$line" "$k" >>"$OUT/$build-holders-$k"; done
        fi
    done
done
echo
echo "| run | figure |$(for b in $builds; do echo -n " $b: median (min–max) |"; done)"
echo "|---|---|$(for b in $builds; do echo -n "---|"; done)"
for run in steady holders; do
    keys=$KEYS_STEADY; [ "$run" = holders ] && keys=$KEYS_HOLDERS
    [ -f "$OUT/here-$run-seen" ] || [ -f "$OUT/here-$run-holding" ] || continue
    for k in $keys; do
        echo -n "| $run | $k |"
        for b in $builds; do
            if [ -f "$OUT/$b-$run-$k" ]; then echo -n " $(median_range "$OUT/$b-$run-$k") |"; else echo -n " – |"; fi
        done
        echo
    done
done
