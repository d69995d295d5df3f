#!/usr/bin/env bash
# Grant path per store, as ratios: requests/s of a servlet behind the filter with a live grant, over the same servlet
# without the filter, once with the in-memory store and once with the JCache store on two Hazelcast members in the
# server's JVM (nl3-jcache's StoreLoadRun on embedded Jetty 12, BASIC auth, the sandbox as NL3, the lock re-check every
# second), and with the Redis store on a redis-server started on a free port of 127.0.0.1 (nl3-redis's
# RedisStoreLoadRun; Debian's redis-server). Rounds interleave the stores; each round's figures are medians of three alternating measurements.
#
#   benchmarks/grant-path-store.sh [rounds=5] [seconds=5] [connections=8]
#
# Also prints the cost of each atomic store operation (nl3-jcache's StoreOpsRun, nl3-redis's RedisStoreOpsRun) and of the store's seal alone
# (SealCostRun). Needs wrk (Debian: wrk) and Maven.
# STORES="jcache" measures one store only. With BASELINE=<another checkout> (e.g. `git worktree add /tmp/before
# <commit>`), each round runs the baseline first, then this checkout, and StoreOpsRun runs once per round for each;
# nothing is installed (each checkout's class path comes from its own reactor).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SECS=${2:-5}
CONNS=${3:-8}
STORES=${STORES:-memory jcache redis}
AUTH="Authorization: Basic YWxpY2U6cHc="
OUT=$(mktemp -d)
JAVA_OPTS=(-Dhazelcast.logging.type=none -Dsun.net.httpserver.nodelay=true --add-modules java.se
    --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

# jcache_classpath checkout label → the test class path of that checkout's nl3-jcache, compiled in one reactor there.
jcache_classpath() {
    (cd "$1" && mvn -B -q -pl nl3-jcache -am test-compile dependency:build-classpath \
        -Dmdep.outputFile="$OUT/cp-$2.txt" -Dmdep.includeScope=test >/dev/null)
    echo "$1/nl3-jcache/target/test-classes:$1/nl3-jcache/target/classes:$(cat "$OUT/cp-$2.txt")"
}

HERE=$(jcache_classpath "$PWD" here)
# redis_classpath checkout label → the test class path of that checkout's nl3-redis.
redis_classpath() {
    (cd "$1" && mvn -B -q -pl nl3-redis -am test-compile dependency:build-classpath \
        -Dmdep.outputFile="$OUT/cp-redis-$2.txt" -Dmdep.includeScope=test >/dev/null)
    echo "$1/nl3-redis/target/test-classes:$1/nl3-redis/target/classes:$(cat "$OUT/cp-redis-$2.txt")"
}
if [[ " $STORES " == *" redis "* ]]; then
    REDIS_CP=$(redis_classpath "$PWD" here)
fi
if [ -n "${BASELINE:-}" ]; then
    BASE=$(jcache_classpath "$(cd "$BASELINE" && pwd)" base)
    if [[ " $STORES " == *" redis "* ]]; then
        BASE_REDIS_CP=$(redis_classpath "$(cd "$BASELINE" && pwd)" base)
    fi
fi

measure() { # classpath store label [redis classpath] → "unfiltered granted ratio partition"; a run that failed to start is tried again
    local figures where attempt label
    for attempt in 1 2 3; do
        label="$3.$attempt"
        if [ "$2" = redis ]; then
            figures=$(load_run "$label" java "${JAVA_OPTS[@]}" -cp "$4" dev.nl3jit.filter.RedisStoreLoadRun)
        else
            figures=$(load_run "$label" java "${JAVA_OPTS[@]}" -cp "$1" dev.nl3jit.filter.StoreLoadRun "$2")
        fi
        [[ $figures =~ ^[0-9] ]] && break
        echo "run $label failed: $(grep -m1 -E 'Exception|refusing' "$OUT/err-$label.log" || true)" >&2
    done
    where=$(grep '^grant partition' "$OUT/run-$label.log" | cut -d: -f2- | sed 's/^ *owned by the //; s/ /-/g' || true)
    echo "$figures ${where:--}"
}

echo "grant path per store, wrk -t1 -c$CONNS, 3 x ${SECS}s alternating per path and round, $ROUNDS rounds"
echo "| round | build | store | unfiltered req/s | granted req/s | ratio to no filter | grant's partition |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
    for build in ${BASELINE:+base} here; do
        cp=$HERE; rcp=${REDIS_CP:-}; [ "$build" = base ] && cp=$BASE && rcp=${BASE_REDIS_CP:-}
        for s in $STORES; do
            read -r u g ratio where <<<"$(measure "$cp" "$s" "$build-$s-$r" "$rcp")"
            echo "| $r | $build | $s | $u | $g | $ratio | $where |"
            echo "$ratio" >>"$OUT/ratios-$build-$s"
            echo "$g" >>"$OUT/granted-$build-$s"
            echo "$ratio" >>"$OUT/ratios-$build-$s-$where"
        done
    done
done
echo
for build in ${BASELINE:+base} here; do
    for s in $STORES; do
        echo "$build, $s, ratio to no filter: $(summary "$OUT/ratios-$build-$s")"
        if [ "$s" = jcache ]; then
            for f in "$OUT/ratios-$build-$s-"*; do
                echo "  grant's partition owned by the ${f##*-$s-}: $(summary "$f") ($(wc -l <"$f") rounds)"
            done
        fi
    done
    if [[ " $STORES " == *" memory "* && " $STORES " == *" jcache "* ]]; then
        paste "$OUT/granted-$build-jcache" "$OUT/granted-$build-memory" | awk '{print $1/$2}' >"$OUT/rel-$build"
        echo "$build, jcache / memory granted req/s, per round: $(summary "$OUT/rel-$build")"
    fi
    if [[ " $STORES " == *" memory "* && " $STORES " == *" redis "* ]]; then
        paste "$OUT/granted-$build-redis" "$OUT/granted-$build-memory" | awk '{print $1/$2}' >"$OUT/rel-redis-$build"
        echo "$build, redis / memory granted req/s, per round: $(summary "$OUT/rel-redis-$build")"
    fi
done
echo
# The seal's own cost (this checkout's store seals its entries; nothing to compare where a baseline has no seal).
if [ -f nl3-jcache/target/test-classes/dev/nl3jit/jcache/SealCostRun.class ]; then
    java -cp "$HERE" dev.nl3jit.jcache.SealCostRun 5 200000
    echo
fi
if [ -z "${BASELINE:-}" ]; then
    if [[ " $STORES " == *" jcache "* ]]; then
        java "${JAVA_OPTS[@]}" -cp "$HERE" dev.nl3jit.filter.StoreOpsRun "${OPS_ROUNDS:-5}" 2000 2>/dev/null
    fi
    if [[ " $STORES " == *" redis "* ]]; then
        echo
        java -cp "$REDIS_CP" dev.nl3jit.filter.RedisStoreOpsRun "${OPS_ROUNDS:-5}" 2000 2>/dev/null
    fi
    exit 0
fi
# With a baseline: one StoreOpsRun round (2,000 operations per operation and store) per build, alternating, ROUNDS
# times; the JCache column of each operation, medians over the rounds.
for r in $(seq 1 "$ROUNDS"); do
    for build in base here; do
        cp=$HERE; [ "$build" = base ] && cp=$BASE
        java "${JAVA_OPTS[@]}" -cp "$cp" dev.nl3jit.filter.StoreOpsRun 1 2000 2>/dev/null \
            | awk -F'|' -v b="$build" '/^\| / && !/^\| operation/ && NF > 4 {gsub(/^ +| +$/, "", $2); split($4, v, " "); print b "\t" $2 "\t" v[1]}' \
            >>"$OUT/ops"
    done
done
echo "JCache store operations, µs/op, $ROUNDS alternating rounds of 2,000 per build: median (min–max)"
echo "| operation | baseline | this checkout | this / baseline (medians) |"
echo "|---|---|---|---|"
cut -f2 "$OUT/ops" | awk '!seen[$0]++' | while read -r op; do
    b=$(awk -F'\t' -v o="$op" '$1 == "base" && $2 == o {print $3}' "$OUT/ops" | median_range)
    h=$(awk -F'\t' -v o="$op" '$1 == "here" && $2 == o {print $3}' "$OUT/ops" | median_range)
    echo "| $op | $b | $h | $(awk -v a="${h%% *}" -v b="${b%% *}" 'BEGIN {printf "%.2f", a/b}') |"
done
