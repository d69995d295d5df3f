#!/usr/bin/env bash
# JMH micro-benchmarks (module benchmarks): minting a token against a raw HMAC-SHA256, the in-memory store's lookup at
# 100,000 grants, and adding a grant below and at capacity; at capacity from two threads at once (two putters, and a
# put while another thread lists the users with grants, as the lock re-check does); allocation per operation with
# JMH's gc profiler; and the heap each grant holds (HeapPerGrant, not JMH).
#
#   benchmarks/jmh.sh [rounds=5] [quick|full] [benchmark regex=dev.nl3jit.filter.*]
#
# Each round is one JMH fork per build (quick: 2 x 1 s warm-up, 3 x 1 s measured; full: 3 x 2 s and 5 x 2 s). With
# BASELINE=<another checkout> the same benchmark code runs against the baseline's nl3-filter classes too, round by round,
# interleaved; with BASELINE_OWN=1 as well, the baseline runs its own benchmark classes and class path (a baseline whose
# internals the benchmarks call differently, e.g. a0fd868 before the narrow core). Prints each round's scores and, per
# figure, the median and range over the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
MODE=${2:-quick}
WHICH=${3:-dev.nl3jit.filter.*}
OUT=$(mktemp -d)
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
ITER="-wi 2 -w 1s -i 3 -r 1s"
[ "$MODE" = full ] && ITER="-wi 3 -w 2s -i 5 -r 2s"

# In one reactor (-am), so a fresh clone needs nothing installed; the benchmarks module, built last, writes the file last.
mvn -B -q -pl benchmarks -am -DskipTests package dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" \
    -Dmdep.includeScope=runtime >/dev/null
# This checkout's nl3-filter classes first; the benchmark code itself is the same for both builds.
DEPS=$(tr ':' '\n' <"$OUT/cp.txt" | grep -vE '/nl3-filter(-[^/]*\.jar|/target/classes)$' | paste -sd:)
HERE="benchmarks/target/classes:nl3-filter/target/classes:$DEPS"
if [ -n "${BASELINE:-}" ] && [ -n "${BASELINE_OWN:-}" ]; then
    BASELINE=$(cd "$BASELINE" && pwd)
    (cd "$BASELINE" && mvn -B -q -pl benchmarks -am -DskipTests package dependency:build-classpath \
        -Dmdep.outputFile="$OUT/cp-base.txt" -Dmdep.includeScope=runtime >/dev/null)
    BASE_DEPS=$(tr ':' '\n' <"$OUT/cp-base.txt" | grep -vE '/nl3-filter(-[^/]*\.jar|/target/classes)$' | paste -sd:)
    BASE="$BASELINE/benchmarks/target/classes:$BASELINE/nl3-filter/target/classes:$BASE_DEPS"
elif [ -n "${BASELINE:-}" ]; then
    (cd "$BASELINE" && mvn -B -q -pl nl3-filter -am -DskipTests compile >/dev/null)
    BASE="benchmarks/target/classes:$BASELINE/nl3-filter/target/classes:$DEPS"
fi

for r in $(seq 1 "$ROUNDS"); do
    for build in ${BASELINE:+base} here; do
        cp=$HERE; [ "$build" = base ] && cp=$BASE
        java -cp "$cp" org.openjdk.jmh.Main -f 1 $ITER -prof gc -rf csv -rff "$OUT/$build-$r.csv" "$WHICH" \
            >"$OUT/$build-$r.log" 2>&1
        # "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: capacity"
        # (a group's members are named group:member; the group's own totals are left out)
        awk -F, -v b="$build" -v r="$r" 'NR > 1 {gsub(/["\r]/, ""); split($1, part, ":"); name=part[1]; sub(/.*\./, "", name);
            if ($8 != "") name = name "(" $8 ")"; if (part[2] ~ /gc|stack/ && name == "putWhileListing") next;
            if (part[2] ~ /alloc.rate.norm/) name = name "-alloc"; else if (part[2] ~ /gc|stack/) next;
            else if (part[2] != "") name = name ":" part[2]; else if (name == "putWhileListing") next; printf "round %s %s %s %s %s\n", r, b, name, $5, $7}' "$OUT/$build-$r.csv" \
            | tee -a "$OUT/all.txt"
        if [ "$WHICH" = 'dev.nl3jit.filter.*' ]; then
            echo "round $r $build heapPerGrant $(java -cp "$cp" dev.nl3jit.filter.HeapPerGrant | sed 's/.*=//') B/grant" \
                | tee -a "$OUT/all.txt"
        fi
    done
done
echo
echo "| benchmark | unit | ${BASELINE:+baseline: median (min–max) | }this checkout: median (min–max) |"
echo "|---|---|${BASELINE:+---|}---|"
for name in $(awk '{print $4}' "$OUT/all.txt" | sort -u); do
    unit=$(awk -v n="$name" '$4 == n {print $6; exit}' "$OUT/all.txt")
    row="| $name | $unit |"
    for build in ${BASELINE:+base} here; do
        row="$row $(awk -v n="$name" -v b="$build" '$4 == n && $3 == b {printf "%.4g\n", $5}' "$OUT/all.txt" | median_range) |"
    done
    echo "$row"
done
