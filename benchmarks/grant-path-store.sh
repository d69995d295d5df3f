#!/usr/bin/env bash
# Grant path per store, as ratios: requests/s of a servlet behind the filter with a live grant, over the same servlet
# without the filter, once with the in-memory store and once with the JCache store on two Hazelcast members in the
# server's JVM (nl3-jcache's StoreLoadRun on embedded Jetty 12, BASIC auth, the sandbox as NL3, the lock re-check every
# second). Rounds interleave the two stores; each round's figures are medians of three alternating measurements.
#
#   benchmarks/grant-path-store.sh [rounds=5] [seconds=5] [connections=8]
#
# Also prints the cost of each atomic store operation (nl3-jcache's StoreOpsRun). Needs wrk (Debian: wrk) and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SECS=${2:-5}
CONNS=${3:-8}
AUTH="Authorization: Basic YWxpY2U6cHc="
OUT=$(mktemp -d)
mvn -B -q -pl nl3-jcache -am install -DskipTests >/dev/null
(cd nl3-jcache && mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null)
CP="nl3-jcache/target/test-classes:nl3-jcache/target/classes:$(cat "$OUT/cp.txt")"
JAVA_OPTS=(-Dhazelcast.logging.type=none -Dsun.net.httpserver.nodelay=true --add-modules java.se
    --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

measure() { # store round → "unfiltered granted ratio partition"
    local figures where
    figures=$(load_run "$1-$2" java "${JAVA_OPTS[@]}" -cp "$CP" dev.nl3jit.filter.StoreLoadRun "$1")
    where=$(grep '^grant partition' "$OUT/run-$1-$2.log" | cut -d: -f2- || true)
    echo "$figures ${where:- -}"
}

echo "grant path per store, wrk -t1 -c$CONNS, 3 x ${SECS}s alternating per path and round, $ROUNDS rounds"
echo "| round | store | unfiltered req/s | granted req/s | ratio to no filter | grant's partition |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
    for s in memory jcache; do
        read -r u g ratio where <<<"$(measure "$s" "$r")"
        echo "| $r | $s | $u | $g | $ratio | $where |"
        echo "$ratio" >>"$OUT/ratios-$s"
        echo "$g" >>"$OUT/granted-$s"
    done
done
echo
echo "memory, ratio to no filter: $(summary "$OUT/ratios-memory")"
echo "jcache, ratio to no filter: $(summary "$OUT/ratios-jcache")"
paste "$OUT/granted-jcache" "$OUT/granted-memory" | awk '{print $1/$2}' >"$OUT/rel"
echo "jcache / memory granted req/s, per round: $(summary "$OUT/rel")"
echo
java "${JAVA_OPTS[@]}" -cp "$CP" dev.nl3jit.filter.StoreOpsRun 5 2000 2>/dev/null
