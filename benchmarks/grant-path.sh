#!/usr/bin/env bash
# Grant path of the filter, as a ratio: requests/s of a servlet behind the filter with a live grant, over the same
# servlet without the filter, in one server (nl3-filter's LoadRun on embedded Jetty 12, BASIC auth, the sandbox as
# NL3; the background lock re-check runs every second). wrk and the server share the machine.
#
#   benchmarks/grant-path.sh [rounds=5] [seconds=5] [connections=8]
#
# Each round starts a fresh server, warms both paths up for 5 s, then measures unfiltered and granted alternately
# three times for [seconds] each; a round's figures are the medians of its three.
#
# With BASELINE=<another checkout> (e.g. `git worktree add /tmp/before <commit>`), every round measures the baseline
# and then this checkout (interleaved), and the summary compares them. Needs wrk (Debian: wrk) and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
SECS=${2:-5}
CONNS=${3:-8}
AUTH="Authorization: Basic YWxpY2U6cHc="
OUT=$(mktemp -d)


# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

measure() { # label classpath → "unfiltered granted ratio calls"
    echo "$(load_run "$1" java -Dsun.net.httpserver.nodelay=true -cp "$2" dev.nl3jit.filter.LoadRun) $(grep 'NL3 calls' "$OUT/run-$1.log" | cut -d: -f2-)"
}

HERE=$(nl3_filter_classpath . here)
[ -n "${BASELINE:-}" ] && BASE=$(nl3_filter_classpath "$BASELINE" base)
echo "grant path, wrk -t1 -c$CONNS, 3 x ${SECS}s alternating per path and round, $ROUNDS rounds"
echo "| round | build | unfiltered req/s | granted req/s | ratio | NL3 calls during the run |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
    if [ -n "${BASELINE:-}" ]; then
        read -r u g ratio calls <<<"$(measure "base-$r" "$BASE")"; echo "| $r | baseline | $u | $g | $ratio | $calls |"
        echo "$ratio" >>"$OUT/ratios-base"
    fi
    read -r u g ratio calls <<<"$(measure "here-$r" "$HERE")"; echo "| $r | this | $u | $g | $ratio | $calls |"
    echo "$ratio" >>"$OUT/ratios-here"
done
echo
echo "this checkout: $(summary "$OUT/ratios-here")"
if [ -n "${BASELINE:-}" ]; then
    echo "baseline:      $(summary "$OUT/ratios-base")"
    paste "$OUT/ratios-here" "$OUT/ratios-base" | awk '{print $1/$2}' >"$OUT/rel"
    echo "this / baseline, per round: $(summary "$OUT/rel")"
fi
